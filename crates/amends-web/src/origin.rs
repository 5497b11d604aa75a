//! Cross-site requests refused. A session's writes carry its CSRF token; the requests
//! that have none to carry (signing in, the public complaint form, a customer's link)
//! are refused when a browser says they come from another site: a forged sign-in would
//! otherwise put the victim in the attacker's session ("login CSRF"). Browsers say so
//! in `Sec-Fetch-Site`, older ones in `Origin`; a request with neither (curl, a script)
//! is not a browser's forgery and passes, as does one with an API token.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::ApiError;

pub async fn refuse_cross_site(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let headers = req.headers();
    let has_token = headers.contains_key(header::AUTHORIZATION) || headers.contains_key(crate::auth::CSRF_HEADER);
    if !unsafe_method || has_token || !from_another_site(headers, state.settings.public_url.as_deref()) {
        return next.run(req).await;
    }
    tracing::info!(path = %req.uri().path(), "a cross-site request was refused");
    const WHY: &str =
        "this request came from another site, so it was refused; open the page on this site and send it from there";
    if req.uri().path().starts_with("/api/") {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", WHY).into_response()
    } else {
        (StatusCode::FORBIDDEN, format!("{}{}.", WHY[..1].to_uppercase(), &WHY[1..])).into_response()
    }
}

/// What the browser says of where the request comes from: `Sec-Fetch-Site` when sent
/// (only `same-origin`, or `none` for one the user typed, is this site), else `Origin`
/// compared with this site (the request's `Host`, a proxy's `X-Forwarded-Host`, or the
/// public URL). Neither header: not a browser's cross-site request.
fn from_another_site(headers: &HeaderMap, public_url: Option<&str>) -> bool {
    let value = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(site) = value("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = value(header::ORIGIN.as_str()) else { return false };
    // "null" comes from sandboxed frames, data: URLs and cross-site redirects.
    let Some(authority) = origin.split_once("://").map(|(_, rest)| rest.to_ascii_lowercase()) else { return true };
    let ours = [value(header::HOST.as_str()), value("x-forwarded-host"), public_url.and_then(url_authority)];
    !ours.into_iter().flatten().any(|host| host.eq_ignore_ascii_case(&authority))
}

fn url_authority(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, value.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_browser_says_where_a_request_comes_from() {
        let here = [("host", "desk.example")];
        assert!(!from_another_site(&headers(&here), None), "curl sends neither");
        assert!(from_another_site(&headers(&[("sec-fetch-site", "cross-site")]), None));
        assert!(from_another_site(&headers(&[("sec-fetch-site", "same-site")]), None));
        assert!(!from_another_site(&headers(&[("sec-fetch-site", "same-origin")]), None));
        assert!(!from_another_site(&headers(&[("sec-fetch-site", "none")]), None));
        assert!(!from_another_site(&headers(&[("host", "desk.example"), ("origin", "https://desk.example")]), None));
        assert!(from_another_site(&headers(&[("host", "desk.example"), ("origin", "https://evil.example")]), None));
        assert!(from_another_site(&headers(&[("host", "desk.example"), ("origin", "null")]), None));
        let proxied = headers(&[("host", "127.0.0.1:8080"), ("origin", "https://desk.example")]);
        assert!(!from_another_site(&proxied, Some("https://desk.example/")));
        assert!(from_another_site(&proxied, Some("https://other.example")));
    }
}
