//! Group-chat robots (企业微信, 钉钉): the office registers them, chooses what each is told, sends
//! a test, and sees each message's fate.

use crate::auth::roles::Office;
use crate::dto::robots::{RegisterRobot, RobotMessageOut, RobotOut, UpdateRobot};
use crate::error::{AppError, AppResult, Problem};
use crate::extract::{ApiJson, Auth};
use crate::services::robots::registry;
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_robots)
        .service(register_robot)
        .service(update_robot)
        .service(test_robot)
        .service(robot_messages);
}

async fn one(state: &AppState, id: i64) -> AppResult<RobotOut> {
    registry::list(&state.db.read)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(AppError::NotFound("robot"))
}

/// The robots, what each is told, and its waiting and failed messages with the newest error.
#[utoipa::path(tag = "robots", responses((status = 200, body = Vec<RobotOut>)),
    security(("bearer" = ["admin", "secretary"])))]
#[get("/robots")]
pub async fn list_robots(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(registry::list(&state.db.read).await?))
}

/// Registers a robot: its address (which holds its key) and, for DingTalk, its signing secret,
/// both stored sealed; and what it is told. The address must be the platform's (HTTPS, public),
/// as partner webhooks' are. Audited.
#[utoipa::path(tag = "robots", request_body = RegisterRobot,
    responses((status = 201, body = RobotOut),
        (status = 422, description = "an address not the kind's, or private; a DingTalk secret not beginning SEC", body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[post("/robots")]
pub async fn register_robot(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    body: ApiJson<RegisterRobot>,
) -> AppResult<HttpResponse> {
    let r = registry::register(
        &state.db,
        &auth,
        body.value,
        &state.settings.webhook_allow_hosts,
        &state.webhook_secrets,
    )
    .await?;
    Ok(HttpResponse::Created().json(one(&state, r.id).await?))
}

/// Changes what a robot is told, its name or hour, or switches it off. Audited.
#[utoipa::path(tag = "robots", request_body = UpdateRobot,
    responses((status = 200, body = RobotOut), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[put("/robots/{id}")]
pub async fn update_robot(
    auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: ApiJson<UpdateRobot>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    registry::update(&state.db, &auth, id, body.value).await?;
    Ok(HttpResponse::Ok().json(one(&state, id).await?))
}

/// Sends the robot a test message (through the outbox, as any other).
#[utoipa::path(tag = "robots",
    responses((status = 202, body = RobotOut), (status = 404, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[post("/robots/{id}/test")]
pub async fn test_robot(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    registry::send_test(&state.db, id).await?;
    Ok(HttpResponse::Accepted().json(one(&state, id).await?))
}

/// A robot's latest messages, newest first: sent, waiting, or refused with the robot's error.
#[utoipa::path(tag = "robots",
    responses((status = 200, body = Vec<RobotMessageOut>), (status = 404, body = Problem)),
    security(("bearer" = ["admin", "secretary"])))]
#[get("/robots/{id}/messages")]
pub async fn robot_messages(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(registry::messages(&state.db.read, id.into_inner()).await?))
}
