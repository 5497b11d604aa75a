//! Settings in layers, each over the one before: defaults, an optional TOML file,
//! `AMENDS_*` environment variables, and command-line flags. figment merges the layers
//! by key; [`Given`] names every key once, so the file, the environment and the flags
//! cannot drift apart, and a key nobody knows is refused with its name.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Profile};
use serde::{Deserialize, Serialize};

/// The flags every command takes. `config` is read before the layers (it names the file).
#[derive(Debug, Clone, Args, Default, Serialize)]
pub struct Overrides {
    /// A TOML file with any of the settings below.
    #[arg(long, env = "AMENDS_CONFIG", global = true)]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Where the embedded database and other files live (also `AMENDS_DATA_DIR`).
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    /// `postgres://user@host/db` for PostgreSQL; the embedded SQLite file when absent
    /// (also `AMENDS_DATABASE_URL`).
    #[arg(long, global = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
}

/// The keys the environment may set, as `AMENDS_` + the key in capitals; a section's
/// key is the section's name, `_`, then the key (`AMENDS_SMTP_HOST` is `[smtp] host`),
/// and every `AMENDS_SMTP_*` and `AMENDS_IMAP_*` is taken (a misspelt one is refused).
/// Other `AMENDS_*` variables (`AMENDS_LOG`, `AMENDS_CONFIG`) are not settings.
const ENVIRONMENT_KEYS: &[&str] = &[
    "address",
    "data_dir",
    "database_url",
    "admin_email",
    "secure_cookies",
    "webhook_private_targets",
    "session_hours",
    "public_url",
    "mail_from",
    "link_days",
    "signature",
    "source_url",
    "coach_rules",
    "spam_rules",
    "metrics_token",
    "request_timeout",
    "header_timeout",
    "currency",
];
const ENVIRONMENT_SECTIONS: &[&str] = &["smtp", "imap", "business"];

/// `AMENDS_*` variables as text. figment's `Env` reads `123456` as a number, which a
/// password of digits is not; `extract_lossy` reads numbers and flags from text instead.
struct Environment(Env);

impl figment::Provider for Environment {
    fn metadata(&self) -> figment::Metadata {
        self.0.metadata()
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        let mut dict = Dict::new();
        for (key, text) in self.0.iter() {
            match key.as_str().split_once('.') {
                Some((section, key)) => {
                    if let Value::Dict(_, keys) = dict.entry(section.to_owned()).or_insert_with(|| Dict::new().into()) {
                        keys.insert(key.to_owned(), text.into());
                    }
                }
                None => {
                    dict.insert(key.as_str().to_owned(), text.into());
                }
            }
        }
        Ok(Map::from([(Profile::Default, dict)]))
    }
}

/// Every setting an operator may give, by the key the file, the environment and the
/// flags share. Absent is "keep the default".
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Given {
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
    /// When set, `/metrics` needs it as a bearer token.
    metrics_token: Option<String>,
    /// Seconds a request may take (a client that sends its body slowly is cut off with 408).
    request_timeout: Option<u64>,
    /// Seconds to send a request's headers; then the connection is closed.
    header_timeout: Option<u64>,
    smtp: Option<SmtpGiven>,
    imap: Option<ImapGiven>,
    letterhead: Option<LetterheadGiven>,
    gestures: Option<GesturesGiven>,
    business: Option<BusinessGiven>,
    /// The business's currency (three capital letters, such as GBP) until an admin sets
    /// it on the settings page; no default, so no currency is assumed.
    currency: Option<String>,
    /// `[hours]`: business hours until an admin sets them (zone, week, holidays).
    hours: Option<amends_domain::HoursSpec>,
    /// `[[escalation]]`: the ladder of an overdue step until an admin sets one.
    escalation: Option<Vec<amends_domain::hours::LevelSpec>>,
}

/// `[gestures]`: the agent's limits (per case, per month) and the monthly budget, in minor units.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct GesturesGiven {
    agent_limit_minor: Option<i64>,
    agent_monthly_limit_minor: Option<i64>,
    monthly_budget_minor: Option<i64>,
}

/// `[business]`: the business itself.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct BusinessGiven {
    /// Its own language (`en`, `de`): what customers who chose none are spoken to in.
    language: Option<String>,
}

/// `[letterhead]`: the sender printed on follow-up letters.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LetterheadGiven {
    business_name: Option<String>,
    address_lines: Option<Vec<String>>,
    contact_line: Option<String>,
    /// The business's phone number, printed on notices by letter as a way to answer.
    phone: Option<String>,
    signature_name: Option<String>,
    signature_title: Option<String>,
    /// a4 or letter
    page_size: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImapGiven {
    host: String,
    port: Option<u16>,
    /// none, starttls or tls
    security: Option<String>,
    /// A PEM file of certificates trusted besides the public roots (a private CA).
    ca_file: Option<PathBuf>,
    username: String,
    password: String,
    folder: Option<String>,
    processed_folder: Option<String>,
    refused_folder: Option<String>,
    interval_seconds: Option<u64>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SmtpGiven {
    host: String,
    port: Option<u16>,
    /// none, starttls or tls
    security: Option<String>,
    username: Option<String>,
    password: Option<String>,
}

#[derive(Clone)]
pub struct Settings {
    pub address: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub admin_email: String,
    /// Mark the session cookie `Secure` (also on whenever `public_url` is https).
    pub secure_cookies: bool,
    pub session_ttl: Duration,
    /// Rate limits, the request deadline (`request_timeout`) and the time to send a
    /// request's headers (`header_timeout`).
    pub limits: amends_web::limits::Limits,
    pub jobs: amends_jobs::JobSettings,
    pub coach_rules: Option<PathBuf>,
    pub spam_rules: Option<PathBuf>,
    pub letters: amends_web::LetterSettings,
    pub store: amends_store::StoreSettings,
    /// The mailbox to poll for customer mail, and how often.
    pub imap: Option<(amends_mail::ImapSettings, Duration)>,
    /// `metrics_token`: when set, `/metrics` needs it as a bearer token.
    pub metrics_token: Option<String>,
    /// `source_url`: where the source of this version is published; every page's footer
    /// links to `/source`, which names it.
    pub source_url: Option<String>,
}

/// Printed settings never show a secret: the database's password, the metrics token and
/// (through their own `Debug`) the SMTP and IMAP passwords are starred.
impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("address", &self.address)
            .field("data_dir", &self.data_dir)
            .field("database_url", &self.database_url.as_deref().map(crate::redact))
            .field("admin_email", &self.admin_email)
            .field("secure_cookies", &self.secure_cookies)
            .field("session_ttl", &self.session_ttl)
            .field("limits", &self.limits)
            .field("jobs", &self.jobs)
            .field("coach_rules", &self.coach_rules)
            .field("spam_rules", &self.spam_rules)
            .field("letters", &self.letters)
            .field("store", &self.store)
            .field("imap", &self.imap)
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "***"))
            .field("source_url", &self.source_url)
            .finish()
    }
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
        let mut layers = Figment::new();
        if let Some(path) = &overrides.config {
            // figment passes over a missing file in silence; a file named on purpose must exist.
            std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
            layers = layers.merge(Toml::file_exact(path));
        }
        let environment = Env::prefixed("AMENDS_")
            // `AMENDS_SMTP_PASSWORD=` (an empty `Environment=` line) leaves the key unset.
            .filter(|key| {
                std::env::var(format!("AMENDS_{}", key.as_str().to_ascii_uppercase())).is_ok_and(|v| !v.is_empty())
            })
            .filter_map(|key| {
                let key = key.as_str().to_ascii_lowercase();
                match key.split_once('_') {
                    Some((section, rest)) if ENVIRONMENT_SECTIONS.contains(&section) => {
                        Some(format!("{section}.{rest}").into())
                    }
                    _ => ENVIRONMENT_KEYS.contains(&key.as_str()).then(|| key.into()),
                }
            });
        let given: Given = layers
            .merge(Environment(environment))
            .merge(Serialized::defaults(overrides))
            // Lossy: a number or a flag may arrive as text (`AMENDS_SMTP_PORT=2525`).
            .extract_lossy()
            .map_err(|e| {
                anyhow::anyhow!(
                    "settings: {}",
                    e.into_iter()
                        // Name the key as the file writes it, without figment's profile.
                        .map(|e| e.to_string().replace("for key \"default.", "for key \""))
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            })?;
        Settings::default().with(given)
    }

    /// The defaults with what was given put over them.
    fn with(mut self, given: Given) -> anyhow::Result<Self> {
        let s = &mut self;
        s.address = given.address.unwrap_or(s.address);
        s.data_dir = given.data_dir.unwrap_or_else(|| s.data_dir.clone());
        s.database_url = given.database_url;
        s.admin_email = given.admin_email.unwrap_or_else(|| s.admin_email.clone());
        s.secure_cookies = given.secure_cookies.unwrap_or(s.secure_cookies);
        s.jobs.webhook_private_targets = given.webhook_private_targets.unwrap_or(s.jobs.webhook_private_targets);
        if let Some(hours) = given.session_hours {
            s.session_ttl = Duration::from_secs(hours * 3600);
        }
        if let Some(url) = given.public_url {
            s.jobs.public_url = url;
        }
        if let Some(from) = given.mail_from {
            s.jobs.from = from;
        }
        if let Some(domain) = s.jobs.from.rsplit_once('@').map(|(_, d)| d.trim_end_matches('>').to_owned()) {
            s.jobs.message_domain = domain;
        }
        if let Some(days) = given.link_days {
            s.jobs.link_ttl = time::Duration::days(days);
        }
        if let Some(signature) = given.signature {
            s.jobs.signature = signature;
        }
        if let Some(url) =
            given.source_url.as_deref().filter(|u| !u.starts_with("https://") && !u.starts_with("http://"))
        {
            anyhow::bail!("source_url {url:?}: give an http:// or https:// address");
        }
        s.source_url = given.source_url;
        s.metrics_token = given.metrics_token;
        s.coach_rules = given.coach_rules;
        s.spam_rules = given.spam_rules;
        if let Some(seconds) = given.request_timeout {
            s.limits.request_deadline = Duration::from_secs(seconds.max(1));
        }
        if let Some(seconds) = given.header_timeout {
            s.limits.header_timeout = Duration::from_secs(seconds.max(1));
        }
        if let Some(imap) = given.imap {
            let security = match imap.security.as_deref().unwrap_or("tls") {
                "none" => amends_mail::ImapSecurity::None,
                "tls" => amends_mail::ImapSecurity::Tls,
                "starttls" => amends_mail::ImapSecurity::StartTls,
                other => anyhow::bail!("IMAP security {other:?}: use none, starttls or tls"),
            };
            let mut settings = amends_mail::ImapSettings::new(imap.host, imap.username, imap.password);
            settings.security = security;
            settings.port = imap.port.unwrap_or(match security {
                amends_mail::ImapSecurity::Tls => 993,
                amends_mail::ImapSecurity::None | amends_mail::ImapSecurity::StartTls => 143,
            });
            if let Some(path) = imap.ca_file {
                let pem =
                    std::fs::read(&path).with_context(|| format!("reading the IMAP ca_file {}", path.display()))?;
                settings.trusted_pem = Some(pem);
            }
            settings.folder = imap.folder.unwrap_or_else(|| "INBOX".to_owned());
            settings.processed_folder = imap.processed_folder;
            settings.refused_folder = imap.refused_folder;
            s.imap = Some((settings, Duration::from_secs(imap.interval_seconds.unwrap_or(60))));
        }
        if let Some(spec) = given.hours {
            s.store.due.hours = amends_domain::BusinessHours::parse(&spec)
                .map_err(|e| anyhow::anyhow!("[hours] {}: {}", e.field, e.message))?;
        }
        if let Some(levels) = given.escalation {
            s.store.escalation = amends_domain::EscalationLadder::parse(&levels)
                .map_err(|e| anyhow::anyhow!("[[escalation]] {}: {}", e.field, e.message))?;
        }
        if let Some(currency) = given.currency {
            s.store.currency = Some(
                amends_domain::customer::parse_currency(currency.trim())
                    .map_err(|e| anyhow::anyhow!("currency: {e}"))?,
            );
        }
        if let Some(language) = given.business.and_then(|b| b.language) {
            s.store.business_language = amends_domain::Language::from_tag(&language).ok_or_else(|| {
                let known: Vec<&str> = amends_domain::Language::ALL.iter().map(|l| l.tag()).collect();
                anyhow::anyhow!("[business] language {language:?}: use one of {}", known.join(", "))
            })?;
        }
        if let Some(g) = given.gestures {
            let store = &mut s.store;
            store.gesture_agent_limit_minor = g.agent_limit_minor.unwrap_or(store.gesture_agent_limit_minor);
            store.gesture_agent_monthly_limit_minor =
                g.agent_monthly_limit_minor.unwrap_or(store.gesture_agent_monthly_limit_minor);
            store.gesture_monthly_budget_minor = g.monthly_budget_minor.unwrap_or(store.gesture_monthly_budget_minor);
        }
        if let Some(head) = given.letterhead {
            let letters = &mut s.letters;
            if let Some(name) = head.business_name {
                // Replies are signed with it too, under the writer's name.
                s.jobs.business_name.clone_from(&name);
                letters.head.business_name = name;
            }
            if let Some(lines) = head.address_lines {
                letters.head.address_lines = lines;
            }
            if let Some(contact) = head.contact_line {
                letters.head.contact_line = contact;
            }
            if let Some(phone) = head.phone {
                s.jobs.phone = phone;
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
        if let Some(smtp) = given.smtp {
            s.jobs.smtp =
                Some(smtp_settings(smtp.host, smtp.port, smtp.security.as_deref(), smtp.username, smtp.password)?);
        }
        Ok(self)
    }

    /// The store's settings, with the business's name and contact as customers read
    /// them: the letterhead's, else the sender of customer mail.
    pub fn store_settings(&self) -> amends_store::StoreSettings {
        let mut store = self.store.clone();
        let head = &self.letters.head;
        if store.business_name.trim().is_empty() {
            // `[letterhead] business_name` sets the mail's too; the letters' placeholder
            // ("Customer Care") names no business, the sender's display name does.
            let placeholder = amends_web::LetterSettings::default().head.business_name;
            store.business_name = match head.business_name.trim() {
                _ if !self.jobs.business_name.trim().is_empty() => self.jobs.business_name.trim().to_owned(),
                name if name.is_empty() || name == placeholder => self.jobs.business(),
                name => name.to_owned(),
            };
        }
        if store.business_contact.trim().is_empty() {
            store.business_contact = match head.contact_line.trim() {
                "" => self
                    .jobs
                    .from
                    .rsplit_once('<')
                    .map_or(self.jobs.from.as_str(), |(_, a)| a.trim_end_matches('>'))
                    .trim()
                    .to_owned(),
                line => line.to_owned(),
            };
        }
        store
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

    /// The installation's own rules for the language coach, if it has a file of them
    /// (else the built-in English rules serve).
    pub fn coach(&self) -> anyhow::Result<Option<amends_coach::Coach>> {
        let Some(path) = &self.coach_rules else { return Ok(None) };
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let coach = amends_coach::Coach::from_rules_toml(&text)
            .with_context(|| format!("coach rules in {}", path.display()))?;
        Ok(Some(coach))
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
            mail_signature: self.jobs.signature.clone(),
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

    /// Loads `toml` as the settings file inside figment's jail: the jail holds a lock that
    /// every test reading the environment takes, so a variable another test sets (a
    /// misspelt `AMENDS_SMTP_PASWORD`, say) is never read by this one.
    fn load(toml: &str) -> anyhow::Result<Settings> {
        jailed(|| {
            let path = std::env::temp_dir().join(format!("amends-config-{:x}.toml", rand::random::<u64>()));
            std::fs::write(&path, toml)?;
            let settings = Settings::load(&Overrides { config: Some(path.clone()), ..Overrides::default() });
            let _ = std::fs::remove_file(&path);
            settings
        })
    }

    #[allow(clippy::result_large_err)] // figment's Jail decides the closure's error type.
    fn jailed<T>(f: impl FnOnce() -> T) -> T {
        let mut out = None;
        figment::Jail::expect_with(|_| {
            out = Some(f());
            Ok(())
        });
        out.expect("the jail ran the closure")
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

    #[test]
    fn the_business_currency_is_given_or_none_is_assumed() {
        assert_eq!(load("").unwrap().store.currency, None, "no currency is assumed");
        assert_eq!(load("currency = \"GBP\"\n").unwrap().store.currency.as_deref(), Some("GBP"));
        let error = load("currency = \"pounds\"\n").unwrap_err().to_string();
        assert!(error.contains("currency") && error.contains("pounds"), "{error}");
    }

    #[test]
    fn the_business_speaks_english_unless_told() {
        let english = amends_domain::Language::English;
        assert_eq!(load("").unwrap().store.business_language, english);
        let german = load("[business]\nlanguage = \"de\"\n").unwrap();
        assert_eq!(german.store_settings().business_language, amends_domain::Language::German);
        let error = load("[business]\nlanguage = \"klingon\"\n").unwrap_err().to_string();
        assert!(error.contains("[business] language") && error.contains("klingon"), "{error}");
    }

    #[test]
    fn an_unknown_key_is_refused_by_its_name() {
        let error = load("adress = \"127.0.0.1:9000\"\n").unwrap_err().to_string();
        assert!(error.contains("adress"), "{error}");
        let error = load("[smtp]\nhost = \"mail.example\"\npasword = \"x\"\n").unwrap_err().to_string();
        assert!(error.contains("pasword"), "{error}");
        let error = jailed(|| {
            Settings::load(&Overrides { config: Some("/nowhere/amends.toml".into()), ..Overrides::default() })
        })
        .unwrap_err();
        assert!(format!("{error:#}").contains("/nowhere/amends.toml"), "{error:#}");
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail decides the closure's error type.
    fn the_environment_is_over_the_file_and_the_flags_over_both() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "amends.toml",
                "data_dir = \"/from/file\"\npublic_url = \"https://file.example\"\n\
                 [smtp]\nhost = \"file.example\"\nport = 2525\nusername = \"desk\"\n",
            )?;
            jail.set_env("AMENDS_PUBLIC_URL", "https://env.example");
            jail.set_env("AMENDS_DATA_DIR", "/from/env");
            jail.set_env("AMENDS_SMTP_HOST", "env.example");
            // Digits only, yet a password is text.
            jail.set_env("AMENDS_SMTP_PASSWORD", "123456");
            jail.set_env("AMENDS_MAIL_FROM", "");
            jail.set_env("AMENDS_LOG", "debug");
            let file = Some(PathBuf::from("amends.toml"));
            let s = Settings::load(&Overrides { config: file.clone(), ..Overrides::default() })
                .map_err(|e| e.to_string())?;
            assert_eq!(s.jobs.public_url, "https://env.example");
            assert_eq!(s.data_dir, Path::new("/from/env"));
            let smtp = s.jobs.smtp.clone().expect("smtp from file and environment");
            assert_eq!((smtp.host.as_str(), smtp.port), ("env.example", 2525), "merged key by key");
            assert_eq!(smtp.password.as_deref(), Some("123456"));
            assert_eq!(s.jobs.from, Settings::default().jobs.from, "an empty variable sets nothing");
            let flags = Overrides { config: file, data_dir: Some("/from/flag".into()), database_url: None };
            let s = Settings::load(&flags).map_err(|e| e.to_string())?;
            assert_eq!(s.data_dir, Path::new("/from/flag"));
            jail.set_env("AMENDS_SMTP_PASWORD", "x");
            let error = Settings::load(&flags).map(drop).map_err(|e| e.to_string()).unwrap_err();
            assert!(error.contains("PASWORD") && error.contains("environment"), "{error}");
            Ok(())
        });
    }

    #[test]
    fn imap_over_starttls_trusts_the_named_certificates() {
        let dir = std::env::temp_dir().join(format!("amends-config-ca-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ca = dir.join("ca.pem");
        std::fs::write(&ca, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").unwrap();
        let given = format!(
            "[imap]\nhost = \"imap.example\"\nsecurity = \"starttls\"\nca_file = \"{}\"\nusername = \"d\"\npassword = \"p\"\n",
            ca.display()
        );
        let s = load(&given).unwrap();
        let (imap, _) = s.imap.unwrap();
        assert_eq!((imap.security, imap.port), (amends_mail::ImapSecurity::StartTls, 143));
        assert_eq!(imap.trusted_pem.as_deref(), Some(std::fs::read(&ca).unwrap().as_slice()));
        std::fs::remove_file(&ca).unwrap();
        let error = load(&given).map(drop).unwrap_err();
        assert!(format!("{error:#}").contains("ca.pem"), "{error:#}");
        let error = load("[imap]\nhost = \"h\"\nsecurity = \"ssl\"\nusername = \"d\"\npassword = \"p\"\n")
            .map(drop)
            .unwrap_err();
        assert!(error.to_string().contains("starttls"), "{error}");
    }

    #[test]
    fn printed_settings_hide_every_secret() {
        let s = load(
            "database_url = \"postgres://desk:db-secret@localhost/amends\"\nmetrics_token = \"metrics-secret\"\n\
             [smtp]\nhost = \"smtp.example\"\nusername = \"desk\"\npassword = \"smtp-secret\"\n\
             [imap]\nhost = \"imap.example\"\nusername = \"desk\"\npassword = \"imap-secret\"\n",
        )
        .unwrap();
        let printed = format!("{s:?}");
        for secret in ["db-secret", "metrics-secret", "smtp-secret", "imap-secret"] {
            assert!(!printed.contains(secret), "{secret} printed in {printed}");
        }
        assert!(printed.contains("postgres://desk:***@localhost/amends"), "{printed}");
        assert_eq!(s.metrics_token.as_deref(), Some("metrics-secret"));
    }
}
