use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct HealthOut {
    /// `ok` (`/health`); `ready`, or `read_only` when the database file can only be read and
    /// every write answers 503 `read_only` (`/ready`).
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(tag = "health", responses((status = 200, body = HealthOut)))]
#[get("/health")]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(HealthOut { status: "ok" })
}

/// The database answers.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, body = HealthOut),
        (status = 503, description = "this server is stopping, or the database is unreachable or restarting (`detail` says which)", body = crate::error::Problem)
    )
)]
#[get("/ready")]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, crate::error::AppError> {
    // Bounded, and at once while the breaker is open, so a load balancer is never kept waiting.
    use crate::error::{AppError, Outage};
    if state.db.health.is_stopping() {
        return Err(AppError::Unavailable(Outage::Stopping));
    }
    if let Some(cause) = state.db.health.outage() {
        return Err(AppError::Unavailable(cause));
    }
    if let Err(fault) = state.db.health.probe().await {
        return Err(AppError::Unavailable(
            Outage::of_fault(fault).unwrap_or(Outage::DatabaseUnreachable),
        ));
    }
    let status = if state.db.is_read_only() {
        // Reads are served; every write answers 503 `read_only`.
        "read_only"
    } else {
        "ready"
    };
    Ok(HttpResponse::Ok().json(HealthOut { status }))
}
