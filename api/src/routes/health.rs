use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use sea_orm::ConnectionTrait;
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
    state
        .db
        .conn
        .execute_unprepared("SELECT 1")
        .await
        .map_err(|_| crate::error::AppError::Unavailable("database unreachable".into()))?;
    Ok(HttpResponse::Ok().json(HealthOut { status: "ready" }))
}
