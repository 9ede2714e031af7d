//! Logging: `tracing` with an env-filter built from the configured level. sqlx statement logs
//! are kept at `warn` unless asked for, or they drown everything else. Each request's root span
//! carries its target with phone numbers and credentials masked (`RedactingRootSpan`), so access
//! logs collect neither buyers' numbers nor tokens.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing::field::Empty;
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder};
use tracing_subscriber::EnvFilter;

pub fn init(level: &str) {
    let filter = EnvFilter::try_new(format!("sqlx=warn,sea_orm=warn,{level}"))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

/// `DefaultRootSpanBuilder`'s span, field for field, except that `http.target` is redacted
/// (the default records the raw path and query, and offers no way to replace a field).
pub struct RedactingRootSpan;

impl RootSpanBuilder for RedactingRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "default".to_owned());
        let method = request.method().as_str().to_owned();
        let user_agent = request
            .headers()
            .get("User-Agent")
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        let target = redact_target(request.uri().path_and_query().map_or("", |p| p.as_str()));
        let ci = request.connection_info();
        tracing::info_span!(
            "HTTP request",
            http.method = %method,
            http.route = %route,
            http.flavor = ?request.version(),
            http.scheme = %ci.scheme(),
            http.host = %ci.host(),
            http.client_ip = %ci.realip_remote_addr().unwrap_or(""),
            http.user_agent = %user_agent,
            http.target = %target,
            http.status_code = Empty,
            otel.name = %format!("{method} {route}"),
            otel.kind = "server",
            otel.status_code = Empty,
            trace_id = Empty,
            request_id = %request_id,
            exception.message = Empty,
            exception.details = Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

/// Query parameters that carry a credential. A request with one is refused (401), and its
/// value never reaches the log.
const CREDENTIAL_PARAMETERS: &[&str] = &[
    "access_token",
    "refresh_token",
    "token",
    "key",
    "api_key",
    "apikey",
    "password",
    "secret",
];

/// Whether a query parameter's name, percent-decoded as a server would read it
/// (`acc%65ss_token` is `access_token`), names a credential.
fn is_credential(name: &str) -> bool {
    let decoded: String = url::form_urlencoded::parse(name.as_bytes())
        .map(|(k, _)| k.into_owned())
        .collect();
    CREDENTIAL_PARAMETERS
        .iter()
        .any(|c| c.eq_ignore_ascii_case(decoded.trim()))
}

/// The name of the first query parameter that carries a credential, if any.
pub fn credential_parameter(query: &str) -> Option<&str> {
    query
        .split('&')
        .map(|pair| pair.split_once('=').map_or(pair, |(k, _)| k))
        .find(|k| is_credential(k))
}

/// A request target fit for the log: credentials in the query are replaced whole, the segment
/// after `by-phone` and every query parameter whose name mentions `phone` are masked, and so is
/// any mobile-number-shaped run of digits (11 digits starting with 1, or the same after `86`)
/// elsewhere, e.g. in `?q=`.
pub fn redact_target(target: &str) -> String {
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    let mut out = String::with_capacity(target.len());
    let mut phone_next = false;
    for (i, seg) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        if phone_next && !seg.is_empty() {
            out.push_str(&mask(seg));
        } else {
            out.push_str(&mask_mobile_runs(seg));
        }
        phone_next = seg == "by-phone";
    }
    if let Some(query) = query {
        out.push('?');
        for (i, pair) in query.split('&').enumerate() {
            if i > 0 {
                out.push('&');
            }
            match pair.split_once('=') {
                Some((k, _)) if is_credential(k) => {
                    out.push_str(k);
                    out.push_str("=[redacted]");
                }
                Some((k, v)) if k.to_ascii_lowercase().contains("phone") && !v.is_empty() => {
                    out.push_str(k);
                    out.push('=');
                    out.push_str(&mask(v));
                }
                _ => out.push_str(&mask_mobile_runs(pair)),
            }
        }
    }
    out
}

/// The first three and last four characters (`138****1111`): enough to tell numbers apart in a
/// log, not enough to call one. Shorter values are hidden whole.
fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() < 8 {
        return "****".into();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

fn mask_mobile_runs(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let mobile = (run.len() == 11 && run.starts_with('1'))
            || (run.len() == 13 && run.starts_with("861"));
        out.push_str(&if mobile { mask(run) } else { run.clone() });
        run.clear();
    };
    for c in s.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[test]
    fn phone_numbers_are_masked_in_paths_and_queries() {
        for (raw, logged) in [
            (
                "/api/v1/buyers/by-phone/13800001111",
                "/api/v1/buyers/by-phone/138****1111",
            ),
            (
                "/api/v1/buyers/by-phone/0551-1234567",
                "/api/v1/buyers/by-phone/055****4567",
            ),
            (
                "/api/v1/buyers/by-phone/110",
                "/api/v1/buyers/by-phone/****",
            ),
            (
                "/api/v1/buyers?phone=13800001111&kind=retail",
                "/api/v1/buyers?phone=138****1111&kind=retail",
            ),
            (
                "/api/v1/loads?driver_phone=%2B8613800001111",
                "/api/v1/loads?driver_phone=%2B****1111",
            ),
            (
                "/api/v1/buyers?q=13800001111",
                "/api/v1/buyers?q=138****1111",
            ),
            ("/api/v1/x/8613800001111", "/api/v1/x/861****1111"),
            // Ids, dates and amounts stay readable.
            (
                "/api/v1/orders/12345?from=2026-11-29&limit=50",
                "/api/v1/orders/12345?from=2026-11-29&limit=50",
            ),
            ("/api/v1/buyers?phone=", "/api/v1/buyers?phone="),
            // Credentials go whole, whatever their case.
            (
                "/api/v1/me?access_token=eyJhbGciOi.eyJzdWIi.sig&x=1",
                "/api/v1/me?access_token=[redacted]&x=1",
            ),
            (
                "/api/v1/me?TOKEN=abc&Api_Key=znk_1&key=k",
                "/api/v1/me?TOKEN=[redacted]&Api_Key=[redacted]&key=[redacted]",
            ),
            (
                "/api/v1/me?acc%65ss_token=eyJ.x.y",
                "/api/v1/me?acc%65ss_token=[redacted]",
            ),
        ] {
            assert_eq!(redact_target(raw), logged, "{raw}");
        }
    }

    #[test]
    fn credential_parameters_are_found_by_name_only() {
        assert_eq!(
            credential_parameter("a=1&access_token=x"),
            Some("access_token")
        );
        assert_eq!(credential_parameter("Key"), Some("Key"));
        assert_eq!(credential_parameter("keyword=token&tokens=1"), None);
        assert_eq!(
            credential_parameter("acc%65ss_token=x"),
            Some("acc%65ss_token")
        );
        assert_eq!(
            credential_parameter("token%5F=x"),
            None,
            "token_ is no credential"
        );
        assert_eq!(credential_parameter("%74oken=x"), Some("%74oken"));
        assert_eq!(credential_parameter("from=2026-01-01"), None);
    }

    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);

    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// What the log shows for a request: the root span as the fmt layer prints it.
    #[test]
    fn the_logged_request_line_shows_no_phone_number() {
        let buf = Buf::default();
        let writer = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let req = actix_web::test::TestRequest::with_uri(
            "/api/v1/buyers/by-phone/13800001111?phone=13900002222",
        )
        .to_srv_request();
        tracing::subscriber::with_default(subscriber, || {
            let span = RedactingRootSpan::on_request_start(&req);
            let _entered = span.enter();
            tracing::info!("request finished");
        });
        let logged =
            String::from_utf8_lossy(&buf.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned();
        assert!(logged.contains("request finished"), "{logged}");
        assert!(
            logged.contains("/api/v1/buyers/by-phone/138****1111?phone=139****2222"),
            "{logged}"
        );
        assert!(!logged.contains("13800001111"), "{logged}");
        assert!(!logged.contains("13900002222"), "{logged}");
    }
}
