//! The files customers send: a photo and a file from mail are listed on the case (JSON
//! and page) and downloaded by staff with headers that never let a file act as a page;
//! the API takes a complaint with its files as multipart, refusing too many or too
//! large files with nothing stored.

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::helpers::{TestApp, ingest};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde";

fn base64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in bytes.chunks(3) {
        let n =
            (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            s.push(if i <= c.len() { A[((n >> (18 - 6 * i)) & 63) as usize] as char } else { '=' });
        }
    }
    s
}

fn part(content_type: &str, filename: &str, bytes: &[u8]) -> String {
    format!(
        "--b1\r\nContent-Type: {content_type}\r\nContent-Disposition: attachment; filename=\"{filename}\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        base64(bytes)
    )
}

/// Olga's mail: a photo of the box, a page that calls itself an invoice, and a drawing.
fn mail() -> String {
    format!(
        "From: Olga Berg <olga@example.com>\r\nTo: desk@bakery.example\r\nSubject: Squashed cake\r\n\
         Message-ID: <files-{}@example.com>\r\nDate: Tue, 1 Jul 2025 10:00:00 +0000\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         The cake arrived squashed, photo attached.\r\n{}{}{}--b1--\r\n",
        rand::random::<u32>(),
        part("image/png", "box.png", PNG),
        part(
            "text/html",
            "<img src=x onerror=alert(1)>invoice.html",
            b"<html><script>fetch('/api/v1/me')</script></html>"
        ),
        part("image/svg+xml", "../../drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
    )
}

async fn fetch(app: &TestApp, url: &str, token: Option<&str>) -> reqwest::Response {
    let mut req = reqwest::Client::new().get(app.url(url));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

fn header(resp: &reqwest::Response, name: &str) -> String {
    resp.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

async fn files_from_mail_are_shown_and_downloaded_safely(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    ingest(&app, &mail());
    let cases = app.get("/api/v1/cases", &agent).await.expect(200);
    let id = cases["items"][0]["id"].as_i64().unwrap();
    let case = app.get(&format!("/api/v1/cases/{id}"), &agent).await.expect(200);
    let files = case["attachments"].as_array().unwrap();
    let names: Vec<&str> = files.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["box.png", "<img src=x onerror=alert(1)>invoice.html", "drawing.svg"], "no path in a name");
    let photo = &files[0];
    assert_eq!((photo["content_type"].as_str(), photo["size"].as_i64()), (Some("image/png"), Some(PNG.len() as i64)));
    let url = photo["url"].as_str().unwrap();
    assert_eq!(url, format!("/api/v1/cases/{id}/attachments/{}", photo["id"]));

    // The photo: its bytes, a download by default, inline only when asked for as a thumbnail.
    let got = fetch(&app, url, Some(&agent)).await;
    assert_eq!(got.status(), 200);
    assert_eq!(header(&got, "content-type"), "image/png");
    assert_eq!(header(&got, "content-disposition"), "attachment; filename=\"box.png\"; filename*=UTF-8''box.png");
    assert_eq!(header(&got, "x-content-type-options"), "nosniff");
    assert_eq!(got.bytes().await.unwrap().as_ref(), PNG);
    let thumb = fetch(&app, &format!("{url}?inline=true"), Some(&agent)).await;
    assert!(header(&thumb, "content-disposition").starts_with("inline; "), "{thumb:?}");

    // The page and the drawing never come back as themselves, inline or not.
    for file in &files[1..] {
        let got = fetch(&app, &format!("{}?inline=true", file["url"].as_str().unwrap()), Some(&agent)).await;
        assert_eq!(got.status(), 200);
        assert_eq!(header(&got, "content-type"), "application/octet-stream");
        let disposition = header(&got, "content-disposition");
        assert!(disposition.starts_with("attachment; filename=\""), "{disposition}");
        assert_eq!(header(&got, "x-content-type-options"), "nosniff");
    }
    let hostile = fetch(&app, files[1]["url"].as_str().unwrap(), Some(&agent)).await;
    assert_eq!(
        header(&hostile, "content-disposition"),
        "attachment; filename=\"<img src=x onerror=alert(1)>invoice.html\"; \
         filename*=UTF-8''%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3Einvoice.html"
    );

    // Staff only, and only the case's own files.
    assert_eq!(fetch(&app, url, None).await.status(), 401);
    let other = app.complaint(&agent, "ann@example.com", "Late delivery").await;
    let elsewhere = format!("/api/v1/cases/{}/attachments/{}", other["id"], photo["id"]);
    assert_eq!(fetch(&app, &elsewhere, Some(&agent)).await.status(), 404);

    // The case page shows the photo as a thumbnail and every file as a download, names escaped.
    let (client, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let page = client.get(app.url(&format!("/cases/{id}"))).send().await.unwrap().text().await.unwrap();
    let files = page.find("data-attachments").map(|at| &page[at..]).unwrap_or_default();
    assert!(page.contains(&format!("<img src=\"{url}?inline=true\" alt=\"box.png\"")), "{files}");
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;invoice.html</a>"), "the name as text");
    assert!(!page.contains("<img src=x"), "never as markup");
    assert!(page.contains(">drawing.svg</a>"));
    assert_eq!(page.matches("?inline=true").count(), 1, "only the photo is shown in the page");
    // A thumbnail loads with the page's own session.
    let thumb = client.get(app.url(&format!("{url}?inline=true"))).send().await.unwrap();
    assert_eq!((thumb.status().as_u16(), header(&thumb, "content-type")), (200, "image/png".to_owned()));
}

fn complaint(email: &str) -> Value {
    json!({ "customer": { "name": "Piet de Vries", "email": email }, "body": "The tart was mouldy, see the photos.", "channel": "web" })
}

fn file(bytes: Vec<u8>, name: &str, content_type: &str) -> Part {
    Part::bytes(bytes).file_name(name.to_owned()).mime_str(content_type).unwrap()
}

async fn intake(app: &TestApp, token: &str, form: Form) -> (u16, Value) {
    let resp = reqwest::Client::new().post(app.url("/api/v1/cases")).bearer_auth(token).multipart(form).send().await;
    let answer = crate::helpers::answer(resp.unwrap()).await;
    (answer.status.as_u16(), answer.body)
}

async fn count(app: &TestApp, table: &str) -> i64 {
    app.scalar(&format!("SELECT COUNT(*) FROM {table}")).await
}

async fn a_complaint_comes_in_with_its_files_or_not_at_all(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let form = Form::new()
        .text("case", complaint("piet@example.com").to_string())
        .part("files", file(PNG.to_vec(), "tart.png", "image/png"))
        .part("files", file(b"Receipt 4411: 1 tart".to_vec(), "..\\..\\rec\u{202e}eipt.txt", "text/plain"));
    let (status, case) = intake(&app, &agent, form).await;
    assert_eq!(status, 201, "{case}");
    assert_eq!(case["body"], "The tart was mouldy, see the photos.");
    let names: Vec<&str> =
        case["attachments"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["tart.png", "receipt.txt"]);
    let receipt = fetch(&app, case["attachments"][1]["url"].as_str().unwrap(), Some(&agent)).await;
    assert_eq!(header(&receipt, "content-type"), "text/plain; charset=utf-8");
    assert_eq!(receipt.text().await.unwrap(), "Receipt 4411: 1 tart");
    let again = app.get(&format!("/api/v1/cases/{}", case["id"]), &agent).await.expect(200);
    assert_eq!(again["attachments"], case["attachments"]);

    // Refused whole: nothing of the complaint is kept.
    let (cases, files) = (count(&app, "cases").await, count(&app, "attachments").await);
    let mut big = PNG.to_vec();
    big.resize(5 * 1024 * 1024 + 1, 0);
    let form = Form::new()
        .text("case", complaint("big@example.com").to_string())
        .part("files", file(PNG.to_vec(), "small.png", "image/png"))
        .part("files", file(big, "big.png", "image/png"));
    let (status, refused) = intake(&app, &agent, form).await;
    assert_eq!((status, refused["error"].as_str(), refused["field"].as_str()), (413, Some("too_large"), Some("files")));
    assert!(refused["message"].as_str().unwrap().contains("big.png is larger than 5 MiB"), "{refused}");
    let mut form = Form::new().text("case", complaint("many@example.com").to_string());
    for n in 0..6 {
        form = form.part("files", file(PNG.to_vec(), &format!("{n}.png"), "image/png"));
    }
    let (status, refused) = intake(&app, &agent, form).await;
    assert_eq!((status, refused["field"].as_str()), (422, Some("files")), "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("at most 5 files"));
    let whole = Form::new().part("files", file(PNG.to_vec(), "tart.png", "image/png"));
    let (status, refused) = intake(&app, &agent, whole).await;
    assert_eq!((status, refused["field"].as_str()), (422, Some("case")), "{refused}");
    let bad = Form::new().text("case", json!({ "customer": { "name": "X" }, "body": "" }).to_string());
    let (status, refused) = intake(&app, &agent, bad).await;
    assert_eq!((status, refused["field"].as_str()), (422, Some("body")), "{refused}");
    assert_eq!((count(&app, "cases").await, count(&app, "attachments").await), (cases, files), "nothing half-stored");

    // A JSON intake is as it was.
    app.complaint(&agent, "json@example.com", "Plain words").await;
}

crate::on_both_databases!(
    files_from_mail_are_shown_and_downloaded_safely,
    a_complaint_comes_in_with_its_files_or_not_at_all
);
