//! Mail in by IMAP: one poll logs in, hands every unseen message's raw bytes to
//! the caller, and marks a message seen (or moves it to a processed folder) only
//! once the caller has taken it. A message the caller could not take stays
//! unseen, so the next poll offers it again: nothing is lost.
//!
//! Delivery is at least once: if the connection drops between the caller taking
//! a message and the server recording it as seen, the next poll offers it again.
//! The caller makes taking a message idempotent (by Message-ID).
//!
//! The protocol is `async-imap`'s (a kept client with imap-proto's parser); this
//! module is the desk's rules over it: which messages, when one is marked, where it
//! goes, and errors told apart. Over TLS from the first byte (port 993), STARTTLS
//! (port 143, the login only after the upgrade) or plain TCP. It does not parse mail;
//! [`crate::parse_incoming`] does.
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use async_imap::error::Error as ProtocolError;
use async_imap::imap_proto::{Response, Status};
use futures_util::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// How the connection to the IMAP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ImapSecurity {
    /// Plain text. Only for a server on the same host or a trusted network.
    None,
    /// TLS from the first byte (usually port 993), checked against the Mozilla roots.
    #[default]
    Tls,
    /// Plain TCP upgraded with STARTTLS before anything else is said (usually port 143);
    /// a server that will not upgrade is refused, never logged in to in plain text.
    StartTls,
}

/// Which mailbox to poll and where processed mail goes.
#[derive(Clone, PartialEq, Eq)]
pub struct ImapSettings {
    pub host: String,
    pub port: u16,
    pub security: ImapSecurity,
    pub username: String,
    pub password: String,
    /// The folder to read, usually `INBOX`.
    pub folder: String,
    /// When set, taken messages are marked seen and moved here (created when
    /// missing); otherwise they are only marked seen.
    pub processed_folder: Option<String>,
    /// When set, messages the desk refused for good (too large, not mail) are marked
    /// seen and moved here (created when missing), out of the folder read; otherwise
    /// they are only marked seen. Either way the desk kept a note of each with why.
    pub refused_folder: Option<String>,
    /// For connecting, and for each command with its whole answer (a fetched message too).
    pub timeout: Duration,
    /// CA certificates (PEM) trusted besides the Mozilla roots: a private CA's.
    pub trusted_pem: Option<Vec<u8>>,
}

impl ImapSettings {
    /// Settings for `INBOX` over TLS on port 993, with a 60 second timeout.
    pub fn new(host: impl Into<String>, username: impl Into<String>, password: impl Into<String>) -> Self {
        ImapSettings {
            host: host.into(),
            port: 993,
            security: ImapSecurity::Tls,
            username: username.into(),
            password: password.into(),
            folder: "INBOX".to_owned(),
            processed_folder: None,
            refused_folder: None,
            timeout: Duration::from_secs(60),
            trusted_pem: None,
        }
    }
}

impl std::fmt::Debug for ImapSettings {
    // Never print the password into a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &"***")
            .field("folder", &self.folder)
            .field("processed_folder", &self.processed_folder)
            .field("refused_folder", &self.refused_folder)
            .field("timeout", &self.timeout)
            .field("trusted_pem", &self.trusted_pem.as_ref().map(|pem| format!("{} bytes", pem.len())))
            .finish()
    }
}

/// What one poll did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PollReport {
    /// Messages the caller took; each is now seen (or moved).
    pub taken: usize,
    /// Messages the caller refused for good (and noted); each is now seen (or moved to
    /// the refused folder).
    pub refused: usize,
    /// Messages the caller could not take; they stay unseen for the next poll.
    pub left_unseen: Vec<LeftUnseen>,
    /// Messages that were unseen when searched but gone when fetched.
    pub vanished: usize,
}

/// What the caller made of a message it was handed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// Stored: it is the desk's now.
    Taken,
    /// It can never be taken, and the caller noted that with the reason.
    Refused,
}

/// A message the caller's handler refused this time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftUnseen {
    pub uid: u32,
    /// The handler's error, as text.
    pub reason: String,
}

/// Why a poll stopped. Messages taken before the error are already marked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImapError {
    #[error("cannot connect to {address}: {reason}")]
    Connect { address: String, reason: String },
    #[error("the IMAP server did not answer in time ({0})")]
    Timeout(String),
    #[error("TLS with the IMAP server failed: {0}")]
    Tls(String),
    #[error("the IMAP server refused the login: {0}")]
    Login(String),
    #[error("the folder {folder:?} cannot be opened: {answer}")]
    NoSuchFolder { folder: String, answer: String },
    #[error("the IMAP server refused {command}: {answer}")]
    Refused { command: String, answer: String },
    #[error("the IMAP server closed the connection: {0}")]
    Closed(String),
    #[error("the IMAP server's answer cannot be understood: {0}")]
    Protocol(String),
}

impl ImapError {
    /// A stable, machine-readable reason.
    pub fn reason(&self) -> &'static str {
        match self {
            ImapError::Connect { .. } => "connect",
            ImapError::Timeout(_) => "timeout",
            ImapError::Tls(_) => "tls",
            ImapError::Login(_) => "login",
            ImapError::NoSuchFolder { .. } => "no_such_folder",
            ImapError::Refused { .. } => "refused",
            ImapError::Closed(_) => "closed",
            ImapError::Protocol(_) => "protocol",
        }
    }
}

/// Polls once: hands each unseen message's raw bytes to `handle`, in UID order.
///
/// `handle` returns `Ok` once the message is safely the desk's (stored, or
/// deliberately refused and recorded); only then is it marked seen or moved.
/// An `Err` leaves it unseen, to be offered again on the next poll — so return
/// `Err` only for failures that may pass (the database is down), never for a
/// message that can never be taken, or it will be offered forever.
pub async fn poll<F, Fut, E>(settings: &ImapSettings, mut handle: F) -> Result<PollReport, ImapError>
where
    F: FnMut(Vec<u8>) -> Fut,
    Fut: Future<Output = Result<Handled, E>>,
    E: std::fmt::Display,
{
    let mut session = login(settings).await?;
    let time = Deadline(settings.timeout);
    let capabilities = time.imap("CAPABILITY", session.capabilities()).await?;
    let can_move = capabilities.has_str("MOVE");
    let can_uid_expunge = capabilities.has_str("UIDPLUS");

    for folder in [&settings.processed_folder, &settings.refused_folder].into_iter().flatten() {
        let name = mailbox_name(folder);
        // async-imap sends LIST's pattern as given: quote it (a name may hold spaces).
        let listed = time
            .imap("LIST", async { session.list(Some(""), Some(&quoted(&name))).await?.try_collect::<Vec<_>>().await })
            .await?;
        if listed.is_empty() {
            time.imap("CREATE", session.create(&name)).await?;
        }
    }
    match time.run(session.select(mailbox_name(&settings.folder))).await? {
        Ok(_) => {}
        Err(ProtocolError::No(answer) | ProtocolError::Bad(answer)) => {
            return Err(ImapError::NoSuchFolder { folder: settings.folder.clone(), answer });
        }
        Err(e) => return Err(refused("SELECT", e)),
    }

    let mut unseen: Vec<u32> =
        time.imap("UID SEARCH", session.uid_search("UNSEEN UNDELETED")).await?.into_iter().collect();
    unseen.sort_unstable();

    let mut report = PollReport::default();
    for uid in unseen {
        let set = uid.to_string();
        let fetched = time
            .imap("UID FETCH", async {
                session.uid_fetch(&set, "(UID BODY.PEEK[])").await?.try_collect::<Vec<_>>().await
            })
            .await?;
        // A server may add FETCH answers of its own (flags that changed): take ours.
        let Some(raw) = fetched.iter().filter(|f| f.uid == Some(uid)).find_map(|f| f.body()).map(<[u8]>::to_vec) else {
            report.vanished += 1;
            continue;
        };
        match handle(raw).await {
            Ok(handled) => {
                time.imap("UID STORE", async {
                    session.uid_store(&set, "+FLAGS.SILENT (\\Seen)").await?.try_collect::<Vec<_>>().await
                })
                .await?;
                let (folder, count) = match handled {
                    Handled::Taken => (&settings.processed_folder, &mut report.taken),
                    Handled::Refused => (&settings.refused_folder, &mut report.refused),
                };
                if let Some(folder) = folder {
                    let name = mailbox_name(folder);
                    if can_move {
                        time.imap("UID MOVE", session.uid_mv(&set, &name)).await?;
                    } else {
                        time.imap("UID COPY", session.uid_copy(&set, &name)).await?;
                        time.imap("UID STORE", async {
                            session.uid_store(&set, "+FLAGS.SILENT (\\Deleted)").await?.try_collect::<Vec<_>>().await
                        })
                        .await?;
                        // Without UIDPLUS an EXPUNGE would also remove messages others marked
                        // deleted: leave ours flagged (it is seen and deleted, so never offered again).
                        if can_uid_expunge {
                            time.imap("UID EXPUNGE", async {
                                session.uid_expunge(&set).await?.try_collect::<Vec<_>>().await
                            })
                            .await?;
                        }
                    }
                }
                *count += 1;
            }
            Err(e) => report.left_unseen.push(LeftUnseen { uid, reason: e.to_string() }),
        }
    }
    // The work is done; a server that hangs up first changes nothing.
    let _ = time.run(session.logout()).await;
    Ok(report)
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Io for T {}

type Session = async_imap::Session<Box<dyn Io>>;

/// Connects, reads the greeting and logs in.
async fn login(settings: &ImapSettings) -> Result<Session, ImapError> {
    let time = Deadline(settings.timeout);
    let address = format!("{}:{}", settings.host, settings.port);
    let tcp = tokio::time::timeout(settings.timeout, TcpStream::connect(&address))
        .await
        .map_err(|_| ImapError::Timeout(format!("connecting to {address}")))?
        .map_err(|e| ImapError::Connect { address: address.clone(), reason: e.to_string() })?;
    let client = match settings.security {
        ImapSecurity::None => greeted(async_imap::Client::new(Box::new(tcp) as Box<dyn Io>), time).await?,
        ImapSecurity::Tls => {
            let stream = tls(tcp, settings).await?;
            greeted(async_imap::Client::new(Box::new(stream) as Box<dyn Io>), time).await?
        }
        ImapSecurity::StartTls => {
            let mut plain = greeted(async_imap::Client::new(tcp), time).await?;
            time.run(plain.run_command_and_check_ok("STARTTLS", None)).await?.map_err(|e| match e {
                ProtocolError::No(answer) | ProtocolError::Bad(answer) => {
                    ImapError::Tls(format!("the server would not start TLS: {answer}"))
                }
                other => refused("STARTTLS", other),
            })?;
            // No greeting after the upgrade (RFC 3501 §6.2.1).
            let stream = tls(plain.into_inner(), settings).await?;
            async_imap::Client::new(Box::new(stream) as Box<dyn Io>)
        }
    };
    // LOGIN's quoted strings are 7-bit; other credentials go by SASL PLAIN, which is UTF-8.
    let ascii = settings.username.is_ascii() && settings.password.is_ascii();
    let logged_in = if ascii {
        time.run(client.login(&settings.username, &settings.password)).await?
    } else {
        let plain = Plain { username: &settings.username, password: &settings.password };
        time.run(client.authenticate("PLAIN", plain)).await?
    };
    match logged_in {
        Ok(session) => Ok(session),
        Err((ProtocolError::No(answer) | ProtocolError::Bad(answer), _)) => Err(ImapError::Login(answer)),
        Err((e, _)) => Err(refused("LOGIN", e)),
    }
}

/// The client once the server's greeting said OK.
async fn greeted<T: Io>(mut client: async_imap::Client<T>, time: Deadline) -> Result<async_imap::Client<T>, ImapError> {
    let greeting = time
        .run(client.read_response())
        .await?
        .map_err(|e| ImapError::Closed(e.to_string()))?
        .ok_or_else(|| ImapError::Closed("end of stream before the greeting".to_owned()))?;
    match greeting.parsed() {
        Response::Data { status: Status::Ok, .. } => Ok(client),
        Response::Data { status: Status::Bye, outcome, .. } => {
            Err(ImapError::Closed(outcome.information.as_deref().unwrap_or("BYE").to_owned()))
        }
        // PREAUTH too: a server that logs us in by itself is not one a desk polls.
        other => Err(ImapError::Protocol(format!("unexpected greeting {other:?}"))),
    }
}

/// SASL PLAIN (RFC 4616): the identity and password in one answer, base64 by async-imap.
struct Plain<'a> {
    username: &'a str,
    password: &'a str,
}

impl async_imap::Authenticator for Plain<'_> {
    type Response = String;

    fn process(&mut self, _challenge: &[u8]) -> String {
        format!("\0{}\0{}", self.username, self.password)
    }
}

/// The settings' timeout around each step, a timeout told apart from the server's "no".
#[derive(Clone, Copy)]
struct Deadline(Duration);

impl Deadline {
    async fn run<T>(self, step: impl Future<Output = T>) -> Result<T, ImapError> {
        tokio::time::timeout(self.0, step).await.map_err(|_| ImapError::Timeout("waiting for an answer".to_owned()))
    }

    /// One command, its failure named after it.
    async fn imap<T>(
        self,
        command: &str,
        step: impl Future<Output = Result<T, ProtocolError>>,
    ) -> Result<T, ImapError> {
        self.run(step).await?.map_err(|e| refused(command, e))
    }
}

/// A failed command as the poller tells it: the server said no, or the line broke.
fn refused(command: &str, error: ProtocolError) -> ImapError {
    match error {
        ProtocolError::No(answer) | ProtocolError::Bad(answer) => {
            ImapError::Refused { command: command.to_owned(), answer }
        }
        ProtocolError::Io(e) => ImapError::Closed(e.to_string()),
        ProtocolError::ConnectionLost => ImapError::Closed("the connection was lost".to_owned()),
        other => ImapError::Protocol(format!("{command}: {other}")),
    }
}

/// A string as an IMAP quoted string.
fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

async fn tls<S: AsyncRead + AsyncWrite + Unpin>(
    tcp: S,
    settings: &ImapSettings,
) -> Result<tokio_rustls::client::TlsStream<S>, ImapError> {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::{CertificateDer, pem::PemObject};
    let (host, timeout) = (settings.host.as_str(), settings.timeout);
    let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    if let Some(pem) = &settings.trusted_pem {
        let certificates = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ImapError::Tls(format!("the trusted certificates: {e}")))?;
        if certificates.is_empty() {
            return Err(ImapError::Tls("the trusted certificates file holds no certificate".to_owned()));
        }
        for certificate in certificates {
            roots.add(certificate).map_err(|e| ImapError::Tls(format!("a trusted certificate: {e}")))?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| ImapError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let server_name = rustls::pki_types::ServerName::try_from(host.to_owned())
        .map_err(|e| ImapError::Tls(format!("{host:?} is not a server name: {e}")))?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    tokio::time::timeout(timeout, connector.connect(server_name, tcp))
        .await
        .map_err(|_| ImapError::Timeout("the TLS handshake".to_owned()))?
        .map_err(|e| ImapError::Tls(e.to_string()))
}

/// A folder name in IMAP's modified UTF-7 (RFC 3501 §5.1.3): ASCII stays, `&`
/// becomes `&-`, anything else is `&` + modified base64 of UTF-16 + `-`.
fn mailbox_name(name: &str) -> String {
    fn flush(out: &mut String, pending: &mut Vec<u16>) {
        if pending.is_empty() {
            return;
        }
        let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
        out.push('&');
        out.push_str(&modified_base64(&bytes));
        out.push('-');
        pending.clear();
    }
    let mut out = String::with_capacity(name.len());
    let mut pending = Vec::new();
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut out, &mut pending);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut units = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut units));
        }
    }
    flush(&mut out, &mut pending);
    out
}

fn modified_base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let symbols = chunk.len() + 1;
        for i in 0..symbols {
            let index = (n >> (18 - 6 * i)) & 0x3f;
            out.push(char::from(ALPHABET[index as usize]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_in_modified_utf7() {
        // Examples from RFC 3501 §5.1.3.
        assert_eq!(mailbox_name("INBOX"), "INBOX");
        assert_eq!(mailbox_name("~peter/mail/台北/日本語"), "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
        assert_eq!(mailbox_name("Tom & Jerry"), "Tom &- Jerry");
        assert_eq!(mailbox_name("Erledigt/Bestätigt"), "Erledigt/Best&AOQ-tigt");
    }

    #[test]
    fn quoted_strings_escape_quotes_and_backslashes() {
        assert_eq!(quoted("Taken"), "\"Taken\"");
        assert_eq!(quoted("a \"b\" \\c"), "\"a \\\"b\\\" \\\\c\"");
    }
}
