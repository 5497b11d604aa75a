//! Mail out, part two: hands rendered bytes to an SMTP server, one message to
//! one recipient per call, and says whether a failure is worth retrying.
//!
//! It keeps no queue and no state: the caller's outbox stores the bytes, calls
//! [`send`], and on [`SendError::retry_later`] tries again with backoff. The
//! bytes are sent unchanged (dot-stuffing aside), so every retry is the same
//! message with the same Message-ID.

use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Address, AsyncTransport, Tokio1Executor};

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Security {
    /// Plain text. Only for a relay on the same host or a trusted network.
    None,
    /// Plain connect (usually port 587), then STARTTLS, which must succeed.
    #[default]
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

/// Where and how to send. Certificates are checked against the Mozilla roots
/// (webpki-roots); there is no switch to turn the check off.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: Option<String>,
    pub password: Option<String>,
    /// For connecting and for each exchange with the server.
    pub timeout: Duration,
}

impl std::fmt::Debug for SmtpSettings {
    // Never print the password into a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Why a message was not sent, and what the outbox should do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Not sent this time (server unreachable, timeout, a 4xx answer): retry later.
    #[error("not sent this time, try again later: {reason}")]
    Temporary { reason: String },
    /// The server refused this message or recipient for good (a 5xx answer, or an
    /// address that cannot be sent to): do not retry; tell the agent.
    #[error("refused for good{}: {reason}", code.map(|c| format!(" ({c})")).unwrap_or_default())]
    Permanent { code: Option<u16>, reason: String },
    /// The desk's SMTP settings do not work (login refused, TLS required or failing,
    /// no way to log in): no message can go until someone fixes them. Keep the
    /// message and retry later; alert an administrator.
    #[error("the SMTP settings do not work: {reason}")]
    Settings { reason: String },
}

impl SendError {
    /// Whether the same bytes may succeed later (everything except `Permanent`).
    pub fn retry_later(&self) -> bool {
        !matches!(self, SendError::Permanent { .. })
    }

    /// A stable, machine-readable reason: `temporary`, `permanent`, `settings`.
    pub fn reason(&self) -> &'static str {
        match self {
            SendError::Temporary { .. } => "temporary",
            SendError::Permanent { .. } => "permanent",
            SendError::Settings { .. } => "settings",
        }
    }
}

/// Sends `raw` (as made by [`crate::build_message`]) to `to`, with `envelope_from`
/// as the return path (an empty string sends with the null return path `<>`).
///
/// The server receives `raw` exactly, except that bare LF line endings become
/// CRLF (servers refuse bare LF as a smuggling risk) and a missing final line
/// ending is added.
pub async fn send(settings: &SmtpSettings, envelope_from: &str, to: &str, raw: &[u8]) -> Result<(), SendError> {
    let envelope = envelope(envelope_from, to)?;
    let transport = transport(settings)?;
    let data = wire_data(raw);
    transport.send_raw(&envelope, &data).await.map(|_| ()).map_err(classify)
}

/// `raw` with CRLF line endings and without its final line ending: lettre ends
/// the data with CRLF "." CRLF itself, and a final CRLF of ours would become an
/// extra empty line at the end of the message.
fn wire_data(raw: &[u8]) -> Vec<u8> {
    let mut data = Vec::with_capacity(raw.len() + raw.len() / 50);
    let mut previous = 0u8;
    for &b in raw {
        if b == b'\n' && previous != b'\r' {
            data.push(b'\r');
        }
        data.push(b);
        previous = b;
    }
    if data.ends_with(b"\r\n") {
        data.truncate(data.len() - 2);
    }
    data
}

fn envelope(envelope_from: &str, to: &str) -> Result<Envelope, SendError> {
    let from = match envelope_from.trim() {
        "" | "<>" => None,
        address => Some(address.parse::<Address>().map_err(|e| SendError::Settings {
            reason: format!("the envelope sender {address:?} is not an address: {e}"),
        })?),
    };
    let to: Address = to.trim().parse().map_err(|e| SendError::Permanent {
        code: None,
        reason: format!("the recipient {to:?} is not an address: {e}"),
    })?;
    Envelope::new(from, vec![to]).map_err(|e| SendError::Permanent { code: None, reason: e.to_string() })
}

fn transport(settings: &SmtpSettings) -> Result<AsyncSmtpTransport<Tokio1Executor>, SendError> {
    let tls_parameters = || {
        TlsParameters::new(settings.host.clone())
            .map_err(|e| SendError::Settings { reason: format!("TLS cannot be set up for {}: {e}", settings.host) })
    };
    let tls = match settings.security {
        Security::None => Tls::None,
        Security::StartTls => Tls::Required(tls_parameters()?),
        Security::Tls => Tls::Wrapper(tls_parameters()?),
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.clone())
        .port(settings.port)
        .tls(tls)
        .timeout(Some(settings.timeout));
    match (&settings.username, &settings.password) {
        (Some(user), Some(password)) => {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        (None, None) => {}
        _ => {
            return Err(SendError::Settings {
                reason: "a username needs a password, and a password a username".to_owned(),
            });
        }
    }
    Ok(builder.build())
}

/// SMTP reply codes that mean the desk's own login or TLS set-up is at fault,
/// not this message: 530 authentication/STARTTLS required, 534 mechanism too
/// weak, 535 credentials invalid, 538 encryption required.
const SETTINGS_CODES: &[u16] = &[530, 534, 535, 538];

fn classify(error: lettre::transport::smtp::Error) -> SendError {
    let reason = error.to_string();
    let code = error.status().map(u16::from);
    if error.is_permanent() {
        if code.is_some_and(|c| SETTINGS_CODES.contains(&c)) {
            SendError::Settings { reason }
        } else {
            SendError::Permanent { code, reason }
        }
    } else if error.is_tls() || error.is_client() || caused_by_tls(&error) {
        // A failed handshake or no common way to log in: the settings, not the mail.
        SendError::Settings { reason }
    } else {
        // 4xx answers, refused or dropped connections, timeouts, garbled replies.
        SendError::Temporary { reason }
    }
}

/// Whether a connection error is really a failed TLS handshake (lettre reports
/// those as connection errors): a TLS port spoken to in plain text, a bad
/// certificate. std's `io::Error::source` skips the error it wraps, so look inside.
fn caused_by_tls(error: &lettre::transport::smtp::Error) -> bool {
    use std::error::Error as _;
    use tokio_rustls::rustls;
    let mut next: Option<&(dyn std::error::Error + 'static)> = error.source();
    while let Some(e) = next {
        let wrapped_tls = e
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
            .is_some_and(|inner| inner.is::<rustls::Error>());
        if e.is::<rustls::Error>() || wrapped_tls {
            return true;
        }
        next = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::wire_data;

    #[test]
    fn data_is_crlf_without_its_last_line_ending() {
        assert_eq!(wire_data(b"a\nb\r\nc\n"), b"a\r\nb\r\nc");
        assert_eq!(wire_data(b"a\r\n\r\n"), b"a\r\n");
        assert_eq!(wire_data(b"a"), b"a");
        assert_eq!(wire_data(b""), b"");
    }
}
