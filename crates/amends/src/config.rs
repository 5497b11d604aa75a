//! Settings from, in rising order of precedence: defaults, an optional TOML file,
//! `AMENDS_*` environment variables, and command-line flags (clap merges the last two).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use serde::Deserialize;

#[derive(Debug, Clone, Args, Default)]
pub struct Overrides {
    /// A TOML file with any of the settings below.
    #[arg(long, env = "AMENDS_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Where the embedded database and other files live.
    #[arg(long, env = "AMENDS_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// `postgres://user@host/db` for PostgreSQL; the embedded SQLite file when absent.
    #[arg(long, env = "AMENDS_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    address: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    admin_email: Option<String>,
    secure_cookies: Option<bool>,
    /// Let webhooks reach loopback, private and link-local addresses.
    webhook_private_targets: Option<bool>,
    session_hours: Option<u64>,
    public_url: Option<String>,
    mail_from: Option<String>,
    link_days: Option<i64>,
    signature: Option<String>,
    /// Where the source of the version running here is published (AGPL §13).
    source_url: Option<String>,
    /// A rules file for the language coach, replacing the built-in English rules.
    coach_rules: Option<PathBuf>,
    /// A rules file for the spam filter, replacing the built-in rules.
    spam_rules: Option<PathBuf>,
    smtp: Option<SmtpFile>,
    imap: Option<ImapFile>,
    letterhead: Option<LetterheadFile>,
    gestures: Option<GesturesFile>,
    /// `[hours]`: business hours until an admin sets them (zone, week, holidays).
    hours: Option<amends_domain::HoursSpec>,
    /// `[[escalation]]`: the ladder of an overdue step until an admin sets one.
    escalation: Option<Vec<amends_domain::hours::LevelSpec>>,
}

/// `[gestures]`: the agent's limits (per case, per month) and the monthly budget, in minor units.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct GesturesFile {
    agent_limit_minor: Option<i64>,
    agent_monthly_limit_minor: Option<i64>,
    monthly_budget_minor: Option<i64>,
}

/// `[letterhead]`: the sender printed on follow-up letters.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LetterheadFile {
    business_name: Option<String>,
    address_lines: Option<Vec<String>>,
    contact_line: Option<String>,
    signature_name: Option<String>,
    signature_title: Option<String>,
    /// a4 or letter
    page_size: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImapFile {
    host: String,
    port: Option<u16>,
    /// none or tls
    security: Option<String>,
    username: String,
    password: String,
    folder: Option<String>,
    processed_folder: Option<String>,
    refused_folder: Option<String>,
    interval_seconds: Option<u64>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SmtpFile {
    host: String,
    port: Option<u16>,
    /// none, starttls or tls
    security: Option<String>,
    username: Option<String>,
    password: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub address: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub admin_email: String,
    /// Mark the session cookie `Secure` (also on whenever `public_url` is https).
    pub secure_cookies: bool,
    pub session_ttl: Duration,
    /// Rate limits, the request deadline (`AMENDS_REQUEST_TIMEOUT`, seconds: a client
    /// that sends its body slowly is cut off with 408) and the time to send a request's
    /// headers (`AMENDS_HEADER_TIMEOUT`, seconds; then the connection is closed).
    pub limits: amends_web::limits::Limits,
    pub jobs: amends_jobs::JobSettings,
    pub coach_rules: Option<PathBuf>,
    pub spam_rules: Option<PathBuf>,
    pub letters: amends_web::LetterSettings,
    pub store: amends_store::StoreSettings,
    /// The mailbox to poll for customer mail, and how often.
    pub imap: Option<(amends_mail::ImapSettings, Duration)>,
    /// `AMENDS_METRICS_TOKEN`: when set, `/metrics` needs it as a bearer token.
    pub metrics_token: Option<String>,
    /// `source_url` (`AMENDS_SOURCE_URL`): where the source of this version is published;
    /// every page's footer links to `/source`, which names it.
    pub source_url: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            address: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            database_url: None,
            admin_email: "admin@amends.local".to_owned(),
            secure_cookies: false,
            session_ttl: Duration::from_secs(12 * 3600),
            limits: amends_web::limits::Limits::default(),
            jobs: amends_jobs::JobSettings::default(),
            coach_rules: None,
            spam_rules: None,
            imap: None,
            letters: amends_web::LetterSettings::default(),
            store: amends_store::StoreSettings {
                // Office hours until configured: due times count working time.
                due: amends_domain::DuePolicy {
                    hours: amends_domain::BusinessHours::parse(&amends_domain::HoursSpec::office("UTC"))
                        .unwrap_or_default(),
                    ..amends_domain::DuePolicy::default()
                },
                ..amends_store::StoreSettings::default()
            },
            metrics_token: None,
            source_url: None,
        }
    }
}

impl Settings {
    pub fn load(overrides: &Overrides) -> anyhow::Result<Self> {
        let mut s = Settings::default();
        if let Some(path) = &overrides.config {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            let file: FileSettings = toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
            s.address = file.address.unwrap_or(s.address);
            s.data_dir = file.data_dir.unwrap_or(s.data_dir);
            s.database_url = file.database_url.or(s.database_url);
            s.admin_email = file.admin_email.unwrap_or(s.admin_email);
            s.secure_cookies = file.secure_cookies.unwrap_or(s.secure_cookies);
            s.jobs.webhook_private_targets = file.webhook_private_targets.unwrap_or(s.jobs.webhook_private_targets);
            if let Some(hours) = file.session_hours {
                s.session_ttl = Duration::from_secs(hours * 3600);
            }
            if let Some(url) = file.public_url {
                s.jobs.public_url = url;
            }
            if let Some(from) = file.mail_from {
                s.jobs.from = from;
            }
            if let Some(days) = file.link_days {
                s.jobs.link_ttl = time::Duration::days(days);
            }
            if let Some(signature) = file.signature {
                s.jobs.signature = signature;
            }
            s.source_url = file.source_url.or(s.source_url);
            s.coach_rules = file.coach_rules.or(s.coach_rules);
            s.spam_rules = file.spam_rules.or(s.spam_rules);
            if let Some(imap) = file.imap {
                let security = match imap.security.as_deref().unwrap_or("tls") {
                    "none" => amends_mail::ImapSecurity::None,
                    "tls" => amends_mail::ImapSecurity::Tls,
                    other => anyhow::bail!("IMAP security {other:?}: use none or tls"),
                };
                let mut settings = amends_mail::ImapSettings::new(imap.host, imap.username, imap.password);
                settings.security = security;
                settings.port =
                    imap.port.unwrap_or(if security == amends_mail::ImapSecurity::None { 143 } else { 993 });
                settings.folder = imap.folder.unwrap_or_else(|| "INBOX".to_owned());
                settings.processed_folder = imap.processed_folder;
                settings.refused_folder = imap.refused_folder;
                s.imap = Some((settings, Duration::from_secs(imap.interval_seconds.unwrap_or(60))));
            }
            if let Some(spec) = file.hours {
                s.store.due.hours = amends_domain::BusinessHours::parse(&spec)
                    .map_err(|e| anyhow::anyhow!("[hours] {}: {}", e.field, e.message))?;
            }
            if let Some(levels) = file.escalation {
                s.store.escalation = amends_domain::EscalationLadder::parse(&levels)
                    .map_err(|e| anyhow::anyhow!("[[escalation]] {}: {}", e.field, e.message))?;
            }
            if let Some(g) = file.gestures {
                if let Some(limit) = g.agent_limit_minor {
                    s.store.gesture_agent_limit_minor = limit;
                }
                if let Some(limit) = g.agent_monthly_limit_minor {
                    s.store.gesture_agent_monthly_limit_minor = limit;
                }
                if let Some(budget) = g.monthly_budget_minor {
                    s.store.gesture_monthly_budget_minor = budget;
                }
            }
            if let Some(head) = file.letterhead {
                let letters = &mut s.letters;
                if let Some(name) = head.business_name {
                    letters.head.business_name = name;
                }
                if let Some(lines) = head.address_lines {
                    letters.head.address_lines = lines;
                }
                if let Some(contact) = head.contact_line {
                    letters.head.contact_line = contact;
                }
                if let Some(name) = head.signature_name {
                    letters.signature_name = name;
                }
                if let Some(title) = head.signature_title {
                    letters.signature_title = title;
                }
                letters.page_size = match head.page_size.as_deref().unwrap_or("a4") {
                    "a4" | "A4" => amends_letters::PageSize::A4,
                    "letter" => amends_letters::PageSize::Letter,
                    other => anyhow::bail!("letterhead page_size {other:?}: use a4 or letter"),
                };
            }
            if let Some(smtp) = file.smtp {
                s.jobs.smtp =
                    Some(smtp_settings(smtp.host, smtp.port, smtp.security.as_deref(), smtp.username, smtp.password)?);
            }
        }
        s.apply_environment()?;
        if let Some(dir) = &overrides.data_dir {
            s.data_dir = dir.clone();
        }
        if let Some(url) = &overrides.database_url {
            s.database_url = Some(url.clone());
        }
        if let Some(url) = s.source_url.as_deref().filter(|u| !u.starts_with("https://") && !u.starts_with("http://")) {
            anyhow::bail!("source_url {url:?}: give an http:// or https:// address");
        }
        Ok(s)
    }

    /// Mail settings from `AMENDS_PUBLIC_URL`, `AMENDS_MAIL_FROM` and `AMENDS_SMTP_*`.
    fn apply_environment(&mut self) -> anyhow::Result<()> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        if let Some(token) = var("AMENDS_METRICS_TOKEN") {
            self.metrics_token = Some(token);
        }
        if let Some(url) = var("AMENDS_SOURCE_URL") {
            self.source_url = Some(url);
        }
        if let Some(url) = var("AMENDS_PUBLIC_URL") {
            self.jobs.public_url = url;
        }
        if let Some(on) = var("AMENDS_WEBHOOK_PRIVATE_TARGETS") {
            self.jobs.webhook_private_targets =
                on.parse().context("AMENDS_WEBHOOK_PRIVATE_TARGETS is true or false")?;
        }
        if let Some(seconds) = var("AMENDS_REQUEST_TIMEOUT") {
            let seconds: u64 = seconds.parse().context("AMENDS_REQUEST_TIMEOUT is a number of seconds")?;
            self.limits.request_deadline = Duration::from_secs(seconds.max(1));
        }
        if let Some(seconds) = var("AMENDS_HEADER_TIMEOUT") {
            let seconds: u64 = seconds.parse().context("AMENDS_HEADER_TIMEOUT is a number of seconds")?;
            self.limits.header_timeout = Duration::from_secs(seconds.max(1));
        }
        if let Some(from) = var("AMENDS_MAIL_FROM") {
            self.jobs.from = from;
        }
        if let Some(host) = var("AMENDS_SMTP_HOST") {
            let port =
                var("AMENDS_SMTP_PORT").map(|p| p.parse()).transpose().context("AMENDS_SMTP_PORT is a port number")?;
            self.jobs.smtp = Some(smtp_settings(
                host,
                port,
                var("AMENDS_SMTP_SECURITY").as_deref(),
                var("AMENDS_SMTP_USERNAME"),
                var("AMENDS_SMTP_PASSWORD"),
            )?);
        }
        if let Some(domain) = self.jobs.from.rsplit_once('@').map(|(_, d)| d.trim_end_matches('>').to_owned()) {
            self.jobs.message_domain = domain;
        }
        Ok(())
    }

    /// The database URL: the one given, or the SQLite file in the data folder (made
    /// when missing).
    pub fn database_url(&self) -> anyhow::Result<String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating the data folder {}", self.data_dir.display()))?;
        Ok(sqlite_url(&self.data_dir.join("amends.db")))
    }

    /// The language coach: the installation's rules file, or the built-in English rules.
    pub fn coach(&self) -> anyhow::Result<amends_coach::Coach> {
        match &self.coach_rules {
            None => Ok(amends_coach::Coach::english()),
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
                amends_coach::Coach::from_rules_toml(&text)
                    .with_context(|| format!("coach rules in {}", path.display()))
            }
        }
    }

    /// The spam filter: the installation's rules file, or the built-in rules.
    pub fn spam(&self) -> anyhow::Result<amends_spam::SpamFilter> {
        match &self.spam_rules {
            None => Ok(amends_spam::SpamFilter::english()),
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
                amends_spam::SpamFilter::from_rules_toml(&text)
                    .with_context(|| format!("spam rules in {}", path.display()))
            }
        }
    }

    pub fn web(&self) -> amends_web::WebSettings {
        amends_web::WebSettings {
            // Customers' links point at the public URL; when it is https, staff reach the
            // desk over https too, and the session cookie must never travel in the clear.
            secure_cookies: self.secure_cookies || self.jobs.public_url.starts_with("https://"),
            session_ttl: self.session_ttl,
            limits: self.limits.clone(),
            letters: self.letters.clone(),
            metrics_token: self.metrics_token.clone(),
            public_url: Some(self.jobs.public_url.clone()),
            source_url: self.source_url.clone(),
        }
    }
}

pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

fn smtp_settings(
    host: String,
    port: Option<u16>,
    security: Option<&str>,
    username: Option<String>,
    password: Option<String>,
) -> anyhow::Result<amends_mail::SmtpSettings> {
    use amends_mail::Security;
    let security = match security.unwrap_or("starttls") {
        "none" => Security::None,
        "starttls" => Security::StartTls,
        "tls" => Security::Tls,
        other => anyhow::bail!("SMTP security {other:?}: use none, starttls or tls"),
    };
    let default_port = match security {
        Security::None => 25,
        Security::StartTls => 587,
        Security::Tls => 465,
    };
    Ok(amends_mail::SmtpSettings {
        host,
        port: port.unwrap_or(default_port),
        security,
        username,
        password,
        timeout: Duration::from_secs(30),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(toml: &str) -> anyhow::Result<Settings> {
        let path = std::env::temp_dir().join(format!("amends-config-{:x}.toml", rand::random::<u64>()));
        std::fs::write(&path, toml)?;
        let settings = Settings::load(&Overrides { config: Some(path.clone()), ..Overrides::default() });
        let _ = std::fs::remove_file(&path);
        settings
    }

    #[test]
    fn business_hours_and_the_ladder_come_from_the_file() {
        let defaults = load("").unwrap();
        assert_eq!(defaults.store.due.hours.spec(), &amends_domain::HoursSpec::office("UTC"));
        assert_eq!(defaults.store.escalation.levels().len(), 3);
        let s = load(
            "[hours]\nzone = \"Europe/Berlin\"\nholidays = [\"2026-12-25\"]\n[hours.week]\nmonday = [{ start = \"08:00\", end = \"12:00\" }]\n\
             [[escalation]]\nafter_minutes = 30\nto = \"manager\"\n",
        )
        .unwrap();
        assert_eq!(s.store.due.hours.spec().zone, "Europe/Berlin");
        assert_eq!(s.store.due.hours.spec().holidays, ["2026-12-25"]);
        assert_eq!(s.store.escalation.specs()[0].to, "manager");
        let bad = load(
            "[hours]\nzone = \"Nowhere/Special\"\n[hours.week]\nmonday = [{ start = \"08:00\", end = \"12:00\" }]\n",
        );
        assert!(bad.unwrap_err().to_string().contains("zone"));
    }
}
