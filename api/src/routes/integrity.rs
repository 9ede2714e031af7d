//! The integrity check from the office: an admin runs it, the office reads the results kept.

use crate::auth::roles::{Office, Operator};
use crate::dto::integrity::IntegrityCheckOut;
use crate::dto::{Page, Paging};
use crate::error::AppResult;
use crate::extract::Auth;
use crate::services::integrity;
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(run_check).service(list_checks);
}

/// Runs the integrity check now (read-only, in one snapshot, safe while orders flow) and keeps
/// its result: every ledger transaction sums to 0, the append-only tables are intact, settled
/// orders split exactly, payments add up, stock matches its history, the daily totals and facts
/// match the orders, stored idempotent answers point at existing objects, and no order is in an
/// impossible state. A broken invariant is a finding in a 201, not an error.
#[utoipa::path(
    tag = "backups",
    responses((status = 201, body = IntegrityCheckOut)),
    security(("bearer" = ["admin"]))
)]
#[post("/integrity-checks")]
pub async fn run_check(
    auth: Auth<Operator>,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let out = integrity::run(&state.db, auth.user_id, state.settings.check_options()).await?;
    Ok(HttpResponse::Created().json(out))
}

/// The integrity checks run from the office, newest first.
#[utoipa::path(
    tag = "backups",
    params(Paging),
    responses((status = 200, body = Page<IntegrityCheckOut>)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[get("/integrity-checks")]
pub async fn list_checks(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    paging: web::Query<Paging>,
) -> AppResult<HttpResponse> {
    let paging = state.paging(paging.into_inner())?;
    Ok(HttpResponse::Ok().json(integrity::list(&state.db.read, paging).await?))
}
