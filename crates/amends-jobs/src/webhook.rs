//! Outgoing webhooks: each delivery is POSTed as JSON, signed with HMAC-SHA256 over
//! the body with the subscription's secret, and retried with backoff by the job
//! engine until the receiver answers 2xx.

use amends_store::Store;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::JobError;

/// The header carrying `sha256=<hex HMAC of the body>`.
pub const SIGNATURE_HEADER: &str = "x-amends-signature";
pub const EVENT_HEADER: &str = "x-amends-event";
pub const DELIVERY_HEADER: &str = "x-amends-delivery";

/// `sha256=` and the hex HMAC-SHA256 of `body` under `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    // An HMAC takes a key of any length, so this cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(body);
    let bytes = mac.finalize().into_bytes();
    let mut hex = String::with_capacity(7 + bytes.len() * 2);
    hex.push_str("sha256=");
    for b in bytes {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}

pub(crate) async fn deliver(
    store: &Store,
    http: &reqwest::Client,
    delivery_id: i64,
    last_attempt: bool,
) -> Result<(), JobError> {
    let delivery = store.webhook_delivery(delivery_id).await?;
    if delivery.status == "delivered" {
        return Ok(());
    }
    let hook = store.webhook(delivery.webhook_id).await?;
    if !hook.active {
        store.record_delivery_attempt(delivery.id, None, Some("the webhook was turned off"), false, true).await?;
        return Ok(());
    }
    let body = delivery.payload.clone().into_bytes();
    let sent = http
        .post(&hook.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(reqwest::header::USER_AGENT, "Amends-Webhook/1")
        .header(SIGNATURE_HEADER, signature(&hook.secret, &body))
        .header(EVENT_HEADER, &delivery.event_kind)
        .header(DELIVERY_HEADER, delivery.id.to_string())
        .body(body)
        .send()
        .await;
    match sent {
        Ok(resp) if resp.status().is_success() => {
            store
                .record_delivery_attempt(delivery.id, Some(i64::from(resp.status().as_u16())), None, true, false)
                .await?;
            Ok(())
        }
        Ok(resp) => {
            let status = resp.status();
            let why = format!("the receiver answered {status}");
            store
                .record_delivery_attempt(delivery.id, Some(i64::from(status.as_u16())), Some(&why), false, last_attempt)
                .await?;
            Err(JobError::Retry(why))
        }
        Err(e) => {
            let why = format!("could not reach the receiver: {e}");
            store.record_delivery_attempt(delivery.id, None, Some(&why), false, last_attempt).await?;
            Err(JobError::Retry(why))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn signature_matches_rfc_4231_case_2() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            super::signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
