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
    session_hours: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub address: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub admin_email: String,
    pub secure_cookies: bool,
    pub session_ttl: Duration,
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
        }
    }
}

impl Settings {
    pub fn load(overrides: &Overrides) -> anyhow::Result<Self> {
        let mut s = Settings::default();
        if let Some(path) = &overrides.config {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            let file: FileSettings =
                toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
            s.address = file.address.unwrap_or(s.address);
            s.data_dir = file.data_dir.unwrap_or(s.data_dir);
            s.database_url = file.database_url.or(s.database_url);
            s.admin_email = file.admin_email.unwrap_or(s.admin_email);
            s.secure_cookies = file.secure_cookies.unwrap_or(s.secure_cookies);
            if let Some(hours) = file.session_hours {
                s.session_ttl = Duration::from_secs(hours * 3600);
            }
        }
        if let Some(dir) = &overrides.data_dir {
            s.data_dir = dir.clone();
        }
        if let Some(url) = &overrides.database_url {
            s.database_url = Some(url.clone());
        }
        Ok(s)
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

    pub fn web(&self) -> amends_web::WebSettings {
        amends_web::WebSettings {
            secure_cookies: self.secure_cookies,
            session_ttl: self.session_ttl,
        }
    }
}

pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}
