//! Mail in by IMAP: one poll logs in, hands every unseen message's raw bytes to
//! the caller, and marks a message seen (or moves it to a processed folder) only
//! once the caller has taken it. A message the caller could not take stays
//! unseen, so the next poll offers it again: nothing is lost.
//!
//! Delivery is at least once: if the connection drops between the caller taking
//! a message and the server recording it as seen, the next poll offers it again.
//! The caller makes taking a message idempotent (by Message-ID).
//!
//! A small hand-written client (RFC 9051 / 3501 subset: LOGIN, CAPABILITY,
//! SELECT, LIST, CREATE, UID SEARCH, UID FETCH, UID STORE, UID MOVE or UID COPY,
//! LOGOUT), over plain TCP or TLS from the first byte (port 993). STARTTLS for
//! IMAP is not supported. It does not parse mail; [`crate::parse_incoming`] does.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// The longest response line (without literals) we accept: a SEARCH answer for
/// a mailbox of a million unseen messages fits.
const MAX_LINE: u64 = 16 * 1024 * 1024;
/// The largest single message (literal) we accept.
const MAX_LITERAL: usize = 256 * 1024 * 1024;

/// How the connection to the IMAP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ImapSecurity {
    /// Plain text. Only for a server on the same host or a trusted network.
    None,
    /// TLS from the first byte (usually port 993), checked against the Mozilla roots.
    #[default]
    Tls,
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
    /// For connecting and for each answer from the server.
    pub timeout: Duration,
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
    let mut session = Session::connect(settings).await?;
    let preauthenticated = session.greeting().await?;
    if !preauthenticated {
        session.login(&settings.username, &settings.password).await?;
    }
    let capabilities = session.capabilities().await?;
    let can_move = capabilities.iter().any(|c| c == "MOVE");
    let can_uid_expunge = capabilities.iter().any(|c| c == "UIDPLUS");

    for folder in [&settings.processed_folder, &settings.refused_folder].into_iter().flatten() {
        session.ensure_folder(folder).await?;
    }
    session.select(&settings.folder).await?;

    let mut report = PollReport::default();
    for uid in session.unseen().await? {
        let Some(raw) = session.fetch(uid).await? else {
            report.vanished += 1;
            continue;
        };
        match handle(raw).await {
            Ok(handled) => {
                session.store_seen(uid).await?;
                let (folder, count) = match handled {
                    Handled::Taken => (&settings.processed_folder, &mut report.taken),
                    Handled::Refused => (&settings.refused_folder, &mut report.refused),
                };
                if let Some(folder) = folder {
                    session.relocate(uid, folder, can_move, can_uid_expunge).await?;
                }
                *count += 1;
            }
            Err(e) => report.left_unseen.push(LeftUnseen { uid, reason: e.to_string() }),
        }
    }
    session.logout().await;
    Ok(report)
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// One part of a server response: text, then the literal `{n}` that ended it.
#[derive(Debug, Default)]
struct Segment {
    text: String,
    literal: Option<Vec<u8>>,
}

/// One complete response: a line and every literal embedded in it.
#[derive(Debug, Default)]
struct Response {
    segments: Vec<Segment>,
}

impl Response {
    fn first_text(&self) -> &str {
        self.segments.first().map_or("", |s| s.text.as_str())
    }

    /// The text of the response with literals left out.
    fn text(&self) -> String {
        self.segments.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join(" ")
    }
}

/// How a tagged command ended.
#[derive(Debug, PartialEq, Eq)]
enum Status {
    Ok,
    No,
    Bad,
}

struct Completion {
    status: Status,
    text: String,
    untagged: Vec<Response>,
}

/// A part of a command: a fixed word, or a string the server must receive
/// exactly (sent quoted, or as a literal when quoting cannot carry it).
enum Arg<'a> {
    Atom(&'a str),
    Str(&'a [u8]),
}

struct Session {
    stream: BufReader<Box<dyn Io>>,
    tag: u32,
    timeout: Duration,
}

impl Session {
    async fn connect(settings: &ImapSettings) -> Result<Session, ImapError> {
        let address = format!("{}:{}", settings.host, settings.port);
        let tcp = tokio::time::timeout(settings.timeout, TcpStream::connect(&address))
            .await
            .map_err(|_| ImapError::Timeout(format!("connecting to {address}")))?
            .map_err(|e| ImapError::Connect { address: address.clone(), reason: e.to_string() })?;
        let stream: Box<dyn Io> = match settings.security {
            ImapSecurity::None => Box::new(tcp),
            ImapSecurity::Tls => Box::new(tls(tcp, &settings.host, settings.timeout).await?),
        };
        Ok(Session { stream: BufReader::new(stream), tag: 0, timeout: settings.timeout })
    }

    /// Reads the greeting; true when the server says we are already logged in.
    async fn greeting(&mut self) -> Result<bool, ImapError> {
        let response = self.read_response().await?;
        let text = response.first_text();
        let upper = text.to_ascii_uppercase();
        if upper.starts_with("* OK") {
            Ok(false)
        } else if upper.starts_with("* PREAUTH") {
            Ok(true)
        } else if upper.starts_with("* BYE") {
            Err(ImapError::Closed(text.to_owned()))
        } else {
            Err(ImapError::Protocol(format!("unexpected greeting {text:?}")))
        }
    }

    async fn login(&mut self, username: &str, password: &str) -> Result<(), ImapError> {
        let done =
            self.command(&[Arg::Atom("LOGIN"), Arg::Str(username.as_bytes()), Arg::Str(password.as_bytes())]).await?;
        match done.status {
            Status::Ok => Ok(()),
            _ => Err(ImapError::Login(done.text)),
        }
    }

    async fn capabilities(&mut self) -> Result<Vec<String>, ImapError> {
        let done = self.expect_ok("CAPABILITY", &[Arg::Atom("CAPABILITY")]).await?;
        Ok(done
            .untagged
            .iter()
            .filter_map(|r| untagged_data(r.first_text(), "CAPABILITY"))
            .flat_map(|rest| rest.split_ascii_whitespace().map(str::to_ascii_uppercase))
            .collect())
    }

    async fn ensure_folder(&mut self, folder: &str) -> Result<(), ImapError> {
        let name = mailbox_name(folder);
        let listed = self.expect_ok("LIST", &[Arg::Atom("LIST"), Arg::Str(b""), Arg::Str(name.as_bytes())]).await?;
        let exists = listed.untagged.iter().any(|r| untagged_data(r.first_text(), "LIST").is_some());
        if !exists {
            self.expect_ok("CREATE", &[Arg::Atom("CREATE"), Arg::Str(name.as_bytes())]).await?;
        }
        Ok(())
    }

    async fn select(&mut self, folder: &str) -> Result<(), ImapError> {
        let name = mailbox_name(folder);
        let done = self.command(&[Arg::Atom("SELECT"), Arg::Str(name.as_bytes())]).await?;
        match done.status {
            Status::Ok => Ok(()),
            _ => Err(ImapError::NoSuchFolder { folder: folder.to_owned(), answer: done.text }),
        }
    }

    async fn unseen(&mut self) -> Result<Vec<u32>, ImapError> {
        let done = self.expect_ok("UID SEARCH", &[Arg::Atom("UID SEARCH UNSEEN UNDELETED")]).await?;
        let mut uids = Vec::new();
        for response in &done.untagged {
            if let Some(rest) = untagged_data(response.first_text(), "SEARCH") {
                for word in rest.split_ascii_whitespace() {
                    // A trailing "(MODSEQ n)" may follow the numbers.
                    if word.starts_with('(') {
                        break;
                    }
                    let uid = word
                        .parse::<u32>()
                        .map_err(|_| ImapError::Protocol(format!("a SEARCH answer with {word:?} in it")))?;
                    uids.push(uid);
                }
            }
        }
        uids.sort_unstable();
        uids.dedup();
        Ok(uids)
    }

    /// The message's raw bytes, or `None` when it is gone.
    async fn fetch(&mut self, uid: u32) -> Result<Option<Vec<u8>>, ImapError> {
        let command = format!("UID FETCH {uid} (UID BODY.PEEK[])");
        let done = self.expect_ok("UID FETCH", &[Arg::Atom(&command)]).await?;
        for mut response in done.untagged {
            if untagged_fetch(response.first_text()).is_none() || fetched_uid(&response) != Some(uid) {
                continue;
            }
            if let Some(body) = take_body(&mut response) {
                return Ok(Some(body));
            }
        }
        Ok(None)
    }

    async fn store_seen(&mut self, uid: u32) -> Result<(), ImapError> {
        let command = format!("UID STORE {uid} +FLAGS.SILENT (\\Seen)");
        self.expect_ok("UID STORE", &[Arg::Atom(&command)]).await.map(drop)
    }

    async fn relocate(
        &mut self,
        uid: u32,
        folder: &str,
        can_move: bool,
        can_uid_expunge: bool,
    ) -> Result<(), ImapError> {
        let name = mailbox_name(folder);
        let set = uid.to_string();
        if can_move {
            self.expect_ok("UID MOVE", &[Arg::Atom("UID MOVE"), Arg::Atom(&set), Arg::Str(name.as_bytes())]).await?;
            return Ok(());
        }
        self.expect_ok("UID COPY", &[Arg::Atom("UID COPY"), Arg::Atom(&set), Arg::Str(name.as_bytes())]).await?;
        let command = format!("UID STORE {uid} +FLAGS.SILENT (\\Deleted)");
        self.expect_ok("UID STORE", &[Arg::Atom(&command)]).await?;
        // Without UIDPLUS an EXPUNGE would also remove messages others marked
        // deleted: leave ours flagged (it is seen and deleted, so never offered again).
        if can_uid_expunge {
            let command = format!("UID EXPUNGE {uid}");
            self.expect_ok("UID EXPUNGE", &[Arg::Atom(&command)]).await?;
        }
        Ok(())
    }

    async fn logout(&mut self) {
        // The work is done; a server that hangs up first changes nothing.
        let _ = self.command(&[Arg::Atom("LOGOUT")]).await;
    }

    async fn expect_ok(&mut self, name: &str, args: &[Arg<'_>]) -> Result<Completion, ImapError> {
        let done = self.command(args).await?;
        match done.status {
            Status::Ok => Ok(done),
            Status::No | Status::Bad => Err(ImapError::Refused { command: name.to_owned(), answer: done.text }),
        }
    }

    /// Sends one tagged command and reads until its completion.
    async fn command(&mut self, args: &[Arg<'_>]) -> Result<Completion, ImapError> {
        self.tag += 1;
        let tag = format!("A{}", self.tag);
        let mut line = tag.clone().into_bytes();
        for arg in args {
            line.push(b' ');
            match arg {
                Arg::Atom(word) => line.extend_from_slice(word.as_bytes()),
                Arg::Str(value) if quotable(value) => {
                    line.push(b'"');
                    for &b in value.iter() {
                        if b == b'"' || b == b'\\' {
                            line.push(b'\\');
                        }
                        line.push(b);
                    }
                    line.push(b'"');
                }
                Arg::Str(value) => {
                    // A synchronising literal: announce, wait for "+", then send.
                    line.extend_from_slice(format!("{{{}}}\r\n", value.len()).as_bytes());
                    self.write(&line).await?;
                    line.clear();
                    self.await_continuation().await?;
                    line.extend_from_slice(value);
                }
            }
        }
        line.extend_from_slice(b"\r\n");
        self.write(&line).await?;

        let mut untagged = Vec::new();
        loop {
            let response = self.read_response().await?;
            let first = response.first_text();
            if let Some(rest) = first.strip_prefix(&tag).and_then(|r| r.strip_prefix(' ')) {
                let (word, text) = rest.split_once(' ').unwrap_or((rest, ""));
                let status = match word.to_ascii_uppercase().as_str() {
                    "OK" => Status::Ok,
                    "NO" => Status::No,
                    "BAD" => Status::Bad,
                    _ => {
                        return Err(ImapError::Protocol(format!("unexpected completion {first:?}")));
                    }
                };
                return Ok(Completion { status, text: text.to_owned(), untagged });
            }
            if first.len() >= 5
                && first.get(..5).is_some_and(|s| s.eq_ignore_ascii_case("* BYE"))
                && !args.first().is_some_and(|a| matches!(a, Arg::Atom("LOGOUT")))
            {
                return Err(ImapError::Closed(first.to_owned()));
            }
            untagged.push(response);
        }
    }

    async fn await_continuation(&mut self) -> Result<(), ImapError> {
        loop {
            let response = self.read_response().await?;
            let first = response.first_text();
            if first.starts_with('+') {
                return Ok(());
            }
            if !first.starts_with('*') {
                // The server answered the command before taking the literal.
                return Err(ImapError::Refused { command: "a literal".to_owned(), answer: response.text() });
            }
        }
    }

    async fn write(&mut self, bytes: &[u8]) -> Result<(), ImapError> {
        let stream = self.stream.get_mut();
        let written = async {
            stream.write_all(bytes).await?;
            stream.flush().await
        };
        tokio::time::timeout(self.timeout, written)
            .await
            .map_err(|_| ImapError::Timeout("sending a command".to_owned()))?
            .map_err(|e| ImapError::Closed(e.to_string()))
    }

    /// Reads one response line and every literal `{n}` it carries.
    async fn read_response(&mut self) -> Result<Response, ImapError> {
        let mut response = Response::default();
        loop {
            let mut line = Vec::new();
            let mut limited = (&mut self.stream).take(MAX_LINE);
            let read = limited.read_until(b'\n', &mut line);
            let n = tokio::time::timeout(self.timeout, read)
                .await
                .map_err(|_| ImapError::Timeout("waiting for an answer".to_owned()))?
                .map_err(|e| ImapError::Closed(e.to_string()))?;
            if n == 0 {
                return Err(ImapError::Closed("end of stream".to_owned()));
            }
            if !line.ends_with(b"\n") {
                return Err(ImapError::Protocol(if line.len() as u64 >= MAX_LINE {
                    "a response line is too long".to_owned()
                } else {
                    "the connection ended inside a response".to_owned()
                }));
            }
            while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                line.pop();
            }
            let text = String::from_utf8_lossy(&line).into_owned();
            match literal_length(&text) {
                Some((size, marker_start)) => {
                    if size > MAX_LITERAL {
                        return Err(ImapError::Protocol(format!(
                            "a literal of {size} bytes is larger than the {MAX_LITERAL} allowed"
                        )));
                    }
                    let mut literal = vec![0; size];
                    tokio::time::timeout(self.timeout, self.stream.read_exact(&mut literal))
                        .await
                        .map_err(|_| ImapError::Timeout("reading a message".to_owned()))?
                        .map_err(|e| ImapError::Closed(e.to_string()))?;
                    response.segments.push(Segment {
                        text: text.get(..marker_start).unwrap_or("").to_owned(),
                        literal: Some(literal),
                    });
                }
                None => {
                    response.segments.push(Segment { text, literal: None });
                    return Ok(response);
                }
            }
        }
    }
}

async fn tls(
    tcp: TcpStream,
    host: &str,
    timeout: Duration,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>, ImapError> {
    use tokio_rustls::rustls;
    let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
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

/// `{123}` or `{123+}` at the end of a line: the size and where the marker starts.
fn literal_length(line: &str) -> Option<(usize, usize)> {
    let inner = line.strip_suffix('}')?;
    let open = inner.rfind('{')?;
    let digits = inner.get(open + 1..)?;
    let digits = digits.strip_suffix('+').unwrap_or(digits);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((digits.parse().ok()?, open))
}

/// `* NAME rest` → `rest`, with NAME matched in any case.
fn untagged_data<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let rest = line.strip_prefix("* ")?;
    let head = rest.get(..name.len())?;
    if !head.eq_ignore_ascii_case(name) {
        return None;
    }
    let tail = rest.get(name.len()..)?;
    if tail.is_empty() || tail.starts_with(' ') { Some(tail.trim_start()) } else { None }
}

/// `* 12 FETCH (...` → the text after FETCH.
fn untagged_fetch(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("* ")?;
    let (number, rest) = rest.split_once(' ')?;
    number.parse::<u32>().ok()?;
    let head = rest.get(..5)?;
    head.eq_ignore_ascii_case("FETCH").then(|| rest.get(5..).unwrap_or(""))
}

/// The `UID n` item of a FETCH response, looked for in its text only.
fn fetched_uid(response: &Response) -> Option<u32> {
    let text = response.text().replace(['(', ')'], " ");
    let mut words = text.split_ascii_whitespace();
    while let Some(word) = words.next() {
        if word.eq_ignore_ascii_case("UID") {
            return words.next()?.parse().ok();
        }
    }
    None
}

/// The `BODY[]` item: a literal (the usual form) or a quoted string; `NIL` is none.
fn take_body(response: &mut Response) -> Option<Vec<u8>> {
    for segment in &mut response.segments {
        let upper = segment.text.to_ascii_uppercase();
        if segment.literal.is_some() && upper.trim_end().ends_with("BODY[]") {
            return segment.literal.take();
        }
        if let Some(at) = upper.find("BODY[] \"") {
            let quoted = segment.text.get(at + 8..)?;
            let mut body = Vec::new();
            let mut escaped = false;
            for b in quoted.bytes() {
                match (escaped, b) {
                    (false, b'\\') => escaped = true,
                    (false, b'"') => return Some(body),
                    _ => {
                        escaped = false;
                        body.push(b);
                    }
                }
            }
            return None;
        }
    }
    None
}

/// Whether a string can travel as an IMAP quoted string.
fn quotable(value: &[u8]) -> bool {
    value.len() < 1024 && value.iter().all(|&b| (0x01..=0x7f).contains(&b) && b != b'\r' && b != b'\n')
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
    fn literal_markers() {
        assert_eq!(literal_length("* 1 FETCH (UID 3 BODY[] {120}"), Some((120, 24)));
        assert_eq!(literal_length("A1 LOGIN {5+}"), Some((5, 9)));
        assert_eq!(literal_length("* OK {not}"), None);
        assert_eq!(literal_length("* OK {}"), None);
        assert_eq!(literal_length("* OK done"), None);
    }

    #[test]
    fn folder_names_in_modified_utf7() {
        // Examples from RFC 3501 §5.1.3.
        assert_eq!(mailbox_name("INBOX"), "INBOX");
        assert_eq!(mailbox_name("~peter/mail/台北/日本語"), "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
        assert_eq!(mailbox_name("Tom & Jerry"), "Tom &- Jerry");
        assert_eq!(mailbox_name("Erledigt/Bestätigt"), "Erledigt/Best&AOQ-tigt");
    }

    #[test]
    fn fetch_items() {
        let mut response = Response {
            segments: vec![
                Segment {
                    text: "* 4 FETCH (UID 17 BODY[] ".to_owned(),
                    literal: Some(b"Subject: x\r\n\r\nhi".to_vec()),
                },
                Segment { text: ")".to_owned(), literal: None },
            ],
        };
        assert_eq!(untagged_fetch(response.first_text()), Some(" (UID 17 BODY[] "));
        assert_eq!(fetched_uid(&response), Some(17));
        assert_eq!(take_body(&mut response).as_deref(), Some(&b"Subject: x\r\n\r\nhi"[..]));

        let mut quoted = Response {
            segments: vec![Segment { text: "* 4 FETCH (BODY[] \"a \\\"b\\\"\" UID 9)".to_owned(), literal: None }],
        };
        assert_eq!(fetched_uid(&quoted), Some(9));
        assert_eq!(take_body(&mut quoted).as_deref(), Some(&b"a \"b\""[..]));
    }

    #[test]
    fn untagged_names() {
        assert_eq!(untagged_data("* SEARCH 1 2 3", "SEARCH"), Some("1 2 3"));
        assert_eq!(untagged_data("* SEARCH", "SEARCH"), Some(""));
        assert_eq!(untagged_data("* SEARCHING", "SEARCH"), None);
        assert_eq!(untagged_data("* capability IMAP4rev1", "CAPABILITY"), Some("IMAP4rev1"));
    }
}
