//! `amends backup` while the server runs, `amends restore` into a new database: every
//! case, customer, timeline event and attachment comes back the same, ids included.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::helpers::{Db, TestApp, fresh_database, start};

fn amends(database_url: &str, args: &[&str], stdin: Option<&[u8]>) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_amends"))
        .args(args)
        .env("AMENDS_DATABASE_URL", database_url)
        .env("AMENDS_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the amends binary runs");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

/// A complaint by mail with an attachment holding every byte value.
fn mail_with_attachment() -> (Vec<u8>, Vec<u8>) {
    let bytes: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    let encoded = {
        // The test's own base64, so the store's is checked against another.
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut s = String::new();
        for c in bytes.chunks(3) {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            for i in 0..4 {
                s.push(if i <= c.len() { A[((n >> (18 - 6 * i)) & 63) as usize] as char } else { '=' });
            }
        }
        s.as_bytes().chunks(76).map(|l| String::from_utf8(l.to_vec()).unwrap()).collect::<Vec<_>>().join("\r\n")
    };
    let raw = format!(
        "From: Olga Berg <olga@example.com>\r\nTo: desk@bakery.example\r\nSubject: Burnt bread\r\n\
         Message-ID: <backup-{}@example.com>\r\nDate: Tue, 1 Jul 2025 10:00:00 +0000\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         The bread was burnt \u{2014} photo attached.\r\n--b1\r\nContent-Type: application/octet-stream\r\n\
         Content-Disposition: attachment; filename=\"photo.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{encoded}\r\n--b1--\r\n",
        rand::random::<u32>()
    );
    (raw.into_bytes(), bytes)
}

/// Everything the API shows of the desk's data, for comparing two databases.
async fn everything(app: &TestApp) -> Value {
    let token = &app.admin_token;
    let cases = app.get("/api/v1/cases?limit=200", token).await.expect(200);
    let mut full = Vec::new();
    for case in cases["items"].as_array().unwrap() {
        let id = case["id"].as_i64().unwrap();
        full.push(app.get(&format!("/api/v1/cases/{id}"), token).await.expect(200));
        full.push(app.get(&format!("/api/v1/cases/{id}/messages"), token).await.expect(200));
    }
    let customers = app.get("/api/v1/customers?limit=200", token).await.expect(200);
    let mut transactions = Vec::new();
    for c in customers["items"].as_array().unwrap() {
        transactions.push(app.get(&format!("/api/v1/customers/{}/transactions", c["id"]), token).await.expect(200));
    }
    let users = app.get("/api/v1/users", token).await.expect(200);
    json!({ "cases": cases, "full": full, "customers": customers, "transactions": transactions, "users": users })
}

/// Where two JSON values first differ, with both sides, or None.
fn first_difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys()) {
                let (l, r) = (x.get(key).unwrap_or(&Value::Null), y.get(key).unwrap_or(&Value::Null));
                if let Some(d) = first_difference(l, r, &format!("{at}.{key}")) {
                    return Some(d);
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (l, r))| first_difference(l, r, &format!("{at}[{i}]")))
        }
        _ if a == b => None,
        _ => Some(format!("{at}: {a} before, {b} after")),
    }
}

async fn attachments(url: &str) -> Vec<(i64, String, Vec<u8>)> {
    let store = amends_store::Store::connect(url, amends_store::StoreSettings::default()).await.unwrap();
    let mut all = Vec::new();
    for case_id in 1..=20 {
        for a in store.case_attachments(case_id).await.unwrap() {
            let (_, bytes) = store.attachment(case_id, a.id).await.unwrap();
            all.push((a.id, a.filename, bytes));
        }
    }
    store.close().await;
    all
}

async fn a_backup_restores_everything(db: Db) {
    let mut app = crate::helpers::spawn_app(db).await;
    let (_, agent) = app.staff("agent").await;
    let words = "  Line one,\ttabbed.\r\nLine two: «ünïcödé» 🍞 and a trailing space ";
    let case = app.complaint(&agent, "ann@example.com", words).await;
    let id = case["id"].as_i64().unwrap();
    app.post(&format!("/api/v1/cases/{id}/restatement"), &agent, json!({ "text": "The bread was stale." }))
        .await
        .expect(200);
    app.post(&format!("/api/v1/cases/{id}/notes"), &agent, json!({ "text": "Called back." })).await.expect(200);
    for n in 0..5 {
        app.complaint(&agent, &format!("c{n}@example.com"), &format!("complaint number {n}")).await;
    }
    app.post(
        "/api/v1/transactions",
        &agent,
        json!({ "customer": { "email": "ann@example.com" }, "external_id": "ord-1", "kind": "order",
                "amount_minor": 1250, "currency": "EUR", "occurred_at": "2025-06-01T10:00:00Z" }),
    )
    .await;
    let (raw, bytes) = mail_with_attachment();
    // The queue is the test's to run: nothing else holds SQLite's write lock now.
    let ingested = amends(&app.database_url, &["mail", "ingest"], Some(&raw));
    assert!(ingested.status.success(), "ingest: {}", String::from_utf8_lossy(&ingested.stderr));

    // The backup is taken while the server runs.
    let folder = crate::helpers::tempdir::TempDir::new(&format!("amends-backup-{:x}", rand::random::<u64>()));
    let file = folder.path.join("desk.backup");
    let file_arg = file.to_str().unwrap();
    // Background work (acknowledgements queued by jobs) settles first, so the data
    // seen before and after the backup is the same.
    app.settle().await;
    let before = everything(&app).await;
    let made = amends(&app.database_url, &["backup", file_arg], None);
    assert!(made.status.success(), "backup: {}", String::from_utf8_lossy(&made.stderr));
    assert!(first_difference(&before, &everything(&app).await, "").is_none(), "nothing moved during the backup");
    let stored = attachments(&app.database_url).await;
    assert!(stored.iter().any(|(_, name, b)| name == "photo.bin" && *b == bytes), "the attachment was taken in");

    // Restore into a new database, and serve it.
    let (restored_url, restored_dir) = fresh_database(db).await;
    let done = amends(&restored_url, &["restore", file_arg], None);
    assert!(done.status.success(), "restore: {}", String::from_utf8_lossy(&done.stderr));
    let (running, first_admin) =
        start(&restored_url, restored_dir.as_ref().map(|d| d.path.clone()), app.clock.clone(), |_| {}).await;
    assert!(first_admin.is_none(), "the restored admin is kept, no new one is made");
    let original_address = std::mem::replace(&mut app.address, running.address.clone());
    let after = everything(&app).await;
    if let Some(diff) = first_difference(&before, &after, "") {
        panic!("the restored desk differs at {diff}");
    }
    assert_eq!(stored, attachments(&restored_url).await, "attachments come back byte for byte");
    let restored_case = app.get(&format!("/api/v1/cases/{id}"), &agent).await.expect(200);
    assert_eq!(restored_case["body"], words, "the customer's words, byte for byte");
    // New rows continue after the restored ids (PostgreSQL's sequences were reset).
    let newer = app.complaint(&agent, "new@example.com", "After the restore").await;
    assert!(newer["id"].as_i64().unwrap() > 7, "a new id: {}", newer["id"]);

    // A second backup of the restored database holds the same rows as the first.
    let again = folder.path.join("again.backup");
    let second = amends(&restored_url, &["backup", again.to_str().unwrap()], None);
    assert!(second.status.success());
    let rows = |path: &std::path::Path| -> Vec<String> {
        std::fs::read_to_string(path).unwrap().lines().skip(1).map(str::to_owned).collect()
    };
    let (first_rows, second_rows) = (rows(&file), rows(&again));
    let new_case_rows = second_rows.iter().filter(|l| l.contains("After the restore")).count();
    assert!(new_case_rows >= 1);
    assert!(first_rows.iter().all(|l| l.starts_with("{\"end\"") || second_rows.contains(l)), "every row survives");

    // A database that holds anything is refused, with the reason.
    let refused = amends(&restored_url, &["restore", file_arg], None);
    assert!(!refused.status.success());
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(why.contains("not empty"), "{why}");
    // A cut-short file restores nothing.
    let (cut_url, _cut_dir) = fresh_database(db).await;
    // Cut by bytes, as a full disk would: possibly inside a character (the masked links'
    // bullets are three bytes each).
    let bytes = std::fs::read(&file).unwrap();
    let cut = folder.path.join("cut.backup");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let partial = amends(&cut_url, &["restore", cut.to_str().unwrap()], None);
    assert!(!partial.status.success());
    let fresh = amends(&cut_url, &["restore", file_arg], None);
    assert!(fresh.status.success(), "nothing was left behind by the failed restore");

    app.address = original_address;
    let _ = running.shutdown.send(());
}

crate::on_both_databases!(a_backup_restores_everything);
