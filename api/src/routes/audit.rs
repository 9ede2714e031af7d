//! The audit log, for the secretary and admin.

use crate::auth::roles::Office;
use crate::dto::audit::{AuditFilter, AuditOut};
use crate::dto::{Page, Paging};
use crate::error::AppResult;
use crate::extract::Auth;
use crate::services::audit;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_audit_log);
}

/// Who changed what and when, newest first, with before and after; filtered by what was
/// changed, by whom, the action and local dates.
#[utoipa::path(
    tag = "audit",
    params(AuditFilter, Paging),
    responses((status = 200, body = Page<AuditOut>)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[get("/audit-log")]
pub async fn list_audit_log(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
    f: web::Query<AuditFilter>,
    paging: web::Query<Paging>,
) -> AppResult<HttpResponse> {
    let paging = state.paging(paging.into_inner())?;
    let offset = state.settings.local_offset();
    Ok(HttpResponse::Ok().json(audit::list(&state.db.read, f.into_inner(), paging, offset).await?))
}
