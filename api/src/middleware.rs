//! The middleware every request passes: the handler deadline, the database breaker, the
//! security headers, and `Connection: close` once the server is stopping.

use crate::error::{AppError, ErrorCode};
use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::web;
use std::time::Duration;

/// The handler deadline, read by the deadline middleware.
#[derive(Clone, Copy)]
pub struct Deadline {
    pub request: Duration,
    /// For a shop order import, which may write tens of thousands of orders.
    pub import: Duration,
}

/// The routes that run under [`Deadline::import`].
const LONG_ROUTES: [&str; 2] = ["/api/v1/shop/order-imports", "/api/v1/bills"];

/// Refuses credentials in the query string, URLs with encoded NULs and query parameters the
/// operation does not take, then runs the handler under the deadline: past it the client gets
/// 503 and the dropped handler's transaction rolls back.
pub async fn enforce_deadline(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if let Some(name) = req
        .uri()
        .query()
        .and_then(crate::telemetry::credential_parameter)
    {
        // Before any other check, so the answer says what is wrong: a token in a URL ends up in
        // proxies' and browsers' histories. It is never read from there (and the log masks it).
        tracing::warn!(
            parameter = name,
            "a credential was sent in the query string"
        );
        return Err(AppError::Unauthorized(
            "credentials are not accepted in the URL; send them in the Authorization header",
        )
        .into());
    }
    if crate::extract::has_encoded_nul(req.uri()) {
        // PostgreSQL cannot store NUL in text; a string parameter with one is refused as any
        // other value that does not fit.
        let in_query = req.uri().query().is_some_and(|q| q.contains("%00"));
        return Err(AppError::Http {
            status: actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            code: if in_query {
                ErrorCode::InvalidQuery
            } else {
                ErrorCode::InvalidPath
            },
            detail: "NUL characters are not allowed in URLs".into(),
        }
        .into());
    }
    if let Some(known) = req.app_data::<web::Data<crate::known_routes::KnownRoutes>>()
        && let Some(name) = known.unknown_query_parameter(&req)
    {
        // Named like any other wrong field, so a page can mark it.
        return Err(AppError::field(name, "is not a parameter of this route").into());
    }
    let long = req.method() == actix_web::http::Method::POST && LONG_ROUTES.contains(&req.path());
    let limit = req
        .app_data::<web::Data<Deadline>>()
        .map_or(Duration::from_secs(30), |d| {
            if long { d.import } else { d.request }
        });
    match tokio::time::timeout(limit, next.call(req)).await {
        Ok(res) => res,
        Err(_) => Err(AppError::Unavailable(crate::error::Outage::Deadline).into()),
    }
}

/// While the database is known to be unreachable, API requests are answered 503 at once rather
/// than each waiting for a connection; a request that fails for want of the database opens
/// that breaker (a background probe closes it). Sales reports go on when a read replica is
/// configured: they read it, however far behind, and say how fresh they are.
pub async fn guard_database(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let api = req.path().starts_with("/api/v1/");
    let from_replica = req.method() == actix_web::http::Method::GET
        && req.path().starts_with("/api/v1/reports/sales")
        && state.as_ref().is_some_and(|s| s.db.has_replica());
    if api
        && !from_replica
        && let Some(cause) = state.as_ref().and_then(|s| s.db.health.outage())
    {
        return Err(AppError::Unavailable(cause).into());
    }
    let res = next.call(req).await;
    let failure = match &res {
        Ok(r) => r.response().error(),
        Err(e) => Some(e),
    };
    if let (Some(state), Some(AppError::Db { source: e, .. })) =
        (&state, failure.and_then(|e| e.as_error::<AppError>()))
    {
        state.db.observe_failure(e);
    }
    res
}

/// Once SIGTERM has come, every answer closes its connection, so that a proxy's kept-alive
/// connections wind down during the drain instead of being cut when the server stops: a request
/// a proxy sends on a connection at the moment it is cut is lost to the client (a proxy does not
/// resend a POST). New connections are still served until the drain ends.
pub async fn close_connections_when_stopping(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut res = next.call(req).await?;
    let stopping = res
        .request()
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.db.health.is_stopping());
    if stopping {
        res.response_mut()
            .head_mut()
            .set_connection_type(actix_web::http::ConnectionType::Close);
    }
    Ok(res)
}

/// Pages may run only their own scripts and styles, may not be framed, and leak no address to
/// other sites. Swagger UI (vendored) starts itself with an inline script, so its pages get the
/// same policy with inline code allowed.
const PAGE_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                        connect-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'; \
                        frame-ancestors 'none'";
const DOCS_CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; \
                        style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
                        base-uri 'none'; object-src 'none'; frame-ancestors 'none'";

pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let docs = req.path().starts_with("/api/docs");
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("same-origin"),
    );
    let html = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if html {
        let csp = if docs { DOCS_CSP } else { PAGE_CSP };
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            header::HeaderValue::from_static(csp),
        );
    }
    Ok(res)
}

/// Counts every answer and times it, by route template (`/api/v1/orders/{id}`; a path no route
/// knows is `unmatched`), for `/metrics`. Nothing is recorded while metrics are off.
pub async fn measure(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if !crate::metrics::enabled() {
        return next.call(req).await;
    }
    let started = std::time::Instant::now();
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = req.method().as_str().to_owned();
    let res = next.call(req).await;
    let status = match &res {
        Ok(r) => r.status().as_u16(),
        Err(e) => e.as_response_error().status_code().as_u16(),
    };
    crate::metrics::request(&route, &method, status, started.elapsed().as_secs_f64());
    res
}
