//! Running as a service: the Debian package's settings file, and the real `amends serve`
//! binary with the settings an installed service has.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use amends::config::{Overrides, Settings};
use serde_json::Value;

use crate::helpers::{Db, fresh_database, spawn_app, spawn_app_with};

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
/// `AMENDS_LOG_FORMAT=json`: every log line is one JSON object a log shipper can read,
/// and what is logged while a request is served carries its request id.
async fn json_logs_carry_the_request_id(db: Db) {
    let (database_url, dir) = fresh_database(db).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let server = Command::new(env!("CARGO_BIN_EXE_amends"))
        .args(["serve", "--address", &format!("127.0.0.1:{port}")])
        .env("AMENDS_DATABASE_URL", &database_url)
        .env("AMENDS_DATA_DIR", dir.as_ref().map_or_else(std::env::temp_dir, |d| d.path.clone()))
        .env("AMENDS_LOG_FORMAT", "json")
        // Each request's "served" line is at debug.
        .env("AMENDS_LOG", "info,amends_web=debug,sqlx=warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("amends serve starts");
    let client = reqwest::Client::new();
    let ready = format!("http://127.0.0.1:{port}/readyz");
    crate::helpers::wait_until("amends serve is ready", Duration::from_secs(60), || {
        let request = client.get(&ready);
        async move { request.send().await.is_ok_and(|r| r.status().is_success()) }
    })
    .await;
    let answer = client
        .get(format!("http://127.0.0.1:{port}/api/v1/cases"))
        .header("x-request-id", "shipper-7")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
    // SIGTERM, as systemd stops it: the server logs its shutdown and exits.
    assert!(Command::new("kill").args(["-TERM", &server.id().to_string()]).status().unwrap().success());
    let out = server.wait_with_output().unwrap();
    assert!(out.status.success(), "exits cleanly at SIGTERM: {:?}", out.status);

    let text = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}")))
        .collect();
    let serving = lines.iter().find(|l| l["fields"]["message"] == "serving").expect("the start is logged");
    assert_eq!(serving["level"], "INFO");
    assert_eq!(serving["fields"]["address"], format!("127.0.0.1:{port}"));
    assert!(serving["timestamp"].is_string(), "{serving}");
    let served: Vec<&Value> = lines.iter().filter(|l| l["span"]["id"] == "shipper-7").collect();
    assert!(!served.is_empty(), "the request's lines carry its id: {text}");
    let line = served.iter().find(|l| l["fields"]["message"] == "served").expect("the request is logged");
    assert_eq!(line["fields"]["status"], 401);
    assert_eq!(line["span"]["route"], "/api/v1/cases");
    assert_eq!(line["span"]["method"], "GET");
}

/// AGPL §13: staff and customer pages link to `/source`, which names the licence and,
/// once the installation sets `source_url`, where the source of this version is.
async fn every_page_offers_its_source(db: Db) {
    let client = reqwest::Client::new();
    let app = spawn_app(db).await;
    let html = client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(r#"<footer class="foot small muted"><a href="/source">Source code</a>"#), "/login: {html}");
    // A customer's page says whose it is in its footer, then offers the source.
    let html = client.get(app.url("/complain")).send().await.unwrap().text().await.unwrap();
    let footer = &html[html.find("<footer").expect("a footer")..];
    assert!(footer.contains(r#"<a href="/source">Source code</a>"#), "/complain: {html}");
    let offer = client.get(app.url("/source")).send().await.unwrap();
    assert_eq!(offer.status(), 200);
    let offer = offer.text().await.unwrap();
    assert!(offer.contains("GNU Affero General Public License</a>, version 3 or (at your option) any later version"));
    assert!(offer.contains("has not published where its source code is yet"), "{offer}");

    let license = client.get(app.url("/source/license")).send().await.unwrap();
    assert_eq!(license.headers()["content-type"], "text/plain; charset=utf-8");
    let license = license.text().await.unwrap();
    assert!(license.starts_with("                    GNU AFFERO GENERAL PUBLIC LICENSE\n"));
    assert!(license.contains("  13. Remote Network Interaction; Use with the GNU General Public License."));

    let published = spawn_app_with(db, |s| s.source_url = Some("https://git.example/cafe/amends".to_owned())).await;
    let offer = client.get(published.url("/source")).send().await.unwrap().text().await.unwrap();
    // The page escapes `/` in attributes and text as `&#x2f;`, which a browser reads as `/`.
    let offer = offer.replace("&#x2f;", "/");
    assert!(
        offer.contains(r#"<a href="https://git.example/cafe/amends">https://git.example/cafe/amends</a>"#),
        "{offer}"
    );
    assert!(!offer.contains("has not published"));
}

crate::on_both_databases!(json_logs_carry_the_request_id, every_page_offers_its_source);

/// Only a web address is taken as `source_url`: the footer's offer must lead somewhere.
#[test]
fn source_url_must_be_a_web_address() {
    let err = load("source_url = \"javascript:alert(1)\"\n").unwrap_err();
    assert!(err.to_string().contains("source_url"), "{err:#}");
    let settings = load("source_url = \"https://git.example/cafe/amends\"\n").unwrap();
    assert_eq!(settings.source_url.as_deref(), Some("https://git.example/cafe/amends"));
}
