//! Outgoing webhooks: each delivery is POSTed as JSON, signed with HMAC-SHA256 over
//! the body with the subscription's secret, and retried with backoff by the job
//! engine until the receiver answers 2xx.
//!
//! A webhook's URL is an admin's word, but the desk must not become a way into the
//! network it runs on: unless `webhook_private_targets` is set, a receiver whose address
//! is loopback, private, link-local or otherwise not on the internet is refused. The
//! check is made on the addresses the connection will use, after DNS resolution (a name
//! that resolves to 127.0.0.1, or changes between a check and the connection, gains
//! nothing), and no proxy is used in between.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

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
    format!("sha256={}", amends_store::secret::hex(&mac.finalize().into_bytes()))
}

/// The HTTP client of webhook deliveries: no redirects, a timeout, and (unless private
/// targets are allowed) a resolver that keeps only public addresses.
pub(crate) fn client(private_targets: bool) -> reqwest::Client {
    let builder =
        reqwest::Client::builder().timeout(Duration::from_secs(10)).redirect(reqwest::redirect::Policy::none());
    let builder = if private_targets { builder } else { builder.no_proxy().dns_resolver(Arc::new(PublicOnly)) };
    builder.build().unwrap_or_default()
}

/// Why a delivery was not attempted: the receiver is not on the internet.
#[derive(Debug, thiserror::Error)]
#[error(
    "the receiver's address is not public (loopback, private or link-local); set webhook_private_targets to allow it"
)]
pub struct PrivateTarget;

/// Resolves with the system resolver and keeps only public addresses.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = found.into_iter().filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(Box::new(PrivateTarget) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Whether `ip` is an address on the internet: not loopback, private, link-local,
/// shared (CGNAT), unspecified, multicast, broadcast, documentation or reserved.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            // NAT64 (64:ff9b::/96) carries an IPv4 address in its last 32 bits.
            if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                return is_public_v4(Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link-local
                || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || s[..6] == [0, 0, 0, 0, 0, 0]) // IPv4-compatible, deprecated
        }
    }
}

fn is_public_v4(v4: Ipv4Addr) -> bool {
    let [a, b, c, _] = v4.octets();
    !(v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || v4.is_multicast()
        || v4.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240) // reserved
}

/// A URL whose host is an address is never resolved: its address is checked here.
fn literal_private(url: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(url) else { return false };
    // The parser writes an address host in its canonical form (`0x7f000001` is 127.0.0.1).
    let host = url.host_str().unwrap_or_default();
    host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().is_ok_and(|ip| !is_public(ip))
}

fn refused_as_private(e: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<PrivateTarget>() {
            return true;
        }
        source = err.source();
    }
    false
}

pub(crate) async fn deliver(
    store: &Store,
    http: &reqwest::Client,
    private_targets: bool,
    delivery_id: i64,
    last_attempt: bool,
) -> Result<(), JobError> {
    let delivery = store.webhook_delivery(delivery_id).await?;
    if delivery.status == amends_domain::WebhookStatus::Delivered {
        return Ok(());
    }
    let hook = store.webhook(delivery.webhook_id).await?;
    if !hook.active {
        store.record_delivery_attempt(delivery.id, None, Some("the webhook was turned off"), false, true).await?;
        return Ok(());
    }
    if !private_targets && literal_private(&hook.url) {
        let why = PrivateTarget.to_string();
        store.record_delivery_attempt(delivery.id, None, Some(&why), false, true).await?;
        return Err(JobError::Fail(why));
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
        Err(e) if refused_as_private(&e) => {
            // Not a failure that passes: the address is refused until the setting changes.
            let why = PrivateTarget.to_string();
            store.record_delivery_attempt(delivery.id, None, Some(&why), false, true).await?;
            Err(JobError::Fail(why))
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
    use super::*;

    #[test]
    fn only_internet_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "::127.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:93.184.216.34"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
        assert!(literal_private("http://127.0.0.1:8080/hook"));
        assert!(literal_private("http://[::1]/hook"));
        assert!(literal_private("http://0x7f000001/hook"), "a URL parser reads this as 127.0.0.1");
        assert!(!literal_private("https://hooks.example.com/in"));
    }

    #[test]
    fn signature_matches_rfc_4231_case_2() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            super::signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
