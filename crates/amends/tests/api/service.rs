//! Running as a service: the Debian package's settings file, and the real `amends serve`
//! binary with the settings an installed service has.

use std::path::Path;

use amends::config::{Overrides, Settings};

const PACKAGED: &str = include_str!("../../debian/amends.toml");

fn load(text: &str) -> anyhow::Result<Settings> {
    let path = std::env::temp_dir().join(format!("amends-packaged-{:x}.toml", rand::random::<u64>()));
    std::fs::write(&path, text).unwrap();
    let settings = Settings::load(&Overrides { config: Some(path.clone()), ..Overrides::default() });
    let _ = std::fs::remove_file(&path);
    settings
}

/// /etc/amends/amends.toml as installed: the data under /var/lib/amends, on loopback.
#[test]
fn the_packaged_settings_keep_the_data_in_var_lib() {
    let settings = load(PACKAGED).unwrap();
    assert_eq!(settings.data_dir, Path::new("/var/lib/amends"));
    assert_eq!(settings.address.to_string(), "127.0.0.1:8080");
    assert_eq!(settings.database_url, None, "SQLite in the data folder until a database_url is given");
}

/// Every commented example in the file (`#key = …`, no space after `#`) is a setting
/// the binary takes, so an operator who removes the `#` gets a working file.
#[test]
fn every_commented_example_in_the_packaged_settings_is_taken() {
    let examples: Vec<&str> =
        PACKAGED.lines().filter(|l| l.starts_with('#') && !l.starts_with("# ") && l.len() > 1).collect();
    assert!(examples.len() > 40, "the file shows the settings: {examples:?}");
    let uncommented: String =
        PACKAGED.lines().map(|l| if examples.contains(&l) { &l[1..] } else { l }).collect::<Vec<_>>().join("\n");
    let settings = load(&uncommented).unwrap_or_else(|e| panic!("{e:#}\n{uncommented}"));
    assert_eq!(settings.database_url.as_deref(), Some("postgres://amends@localhost/amends"));
    assert_eq!(settings.jobs.public_url, "https://desk.example.com");
    assert!(settings.jobs.smtp.is_some() && settings.imap.is_some());
    assert_eq!(settings.store.due.hours.spec().zone, "Europe/Berlin");
}
