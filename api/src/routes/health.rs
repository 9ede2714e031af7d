use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct HealthOut {
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
        (status = 503, description = "database unreachable", body = crate::error::Problem)
    )
)]
#[get("/ready")]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, crate::error::AppError> {
    // Bounded, and at once while the breaker is open, so a load balancer is never kept waiting.
    if state.db.health.is_stopping() {
        return Err(crate::error::AppError::Unavailable("shutting down".into()));
    }
    if !state.db.ping().await {
        return Err(crate::error::AppError::Unavailable(
            "database unreachable".into(),
        ));
    }
    Ok(HttpResponse::Ok().json(HealthOut { status: "ready" }))
}
