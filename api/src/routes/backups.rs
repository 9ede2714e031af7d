//! The backup folder, for the office to see that backups are being taken and restore.

use crate::auth::roles::Office;
use crate::dto::backups::{BackupFileOut, Backups};
use crate::error::AppResult;
use crate::extract::Auth;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_backups);
}

/// The scheduled backups: where they go, how often, and each file newest first, with whether it
/// restored (a failed one is kept aside for a person to look at).
#[utoipa::path(
    tag = "backups",
    responses((status = 200, body = Backups)),
    security(("bearer" = ["admin", "secretary"]))
)]
#[get("/backups")]
pub async fn list_backups(
    _auth: Auth<Office>,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let s = &state.settings;
    let dir = s.backup_dir.clone().filter(|_| s.is_sqlite());
    let files = match &dir {
        Some(d) => {
            let d = std::path::PathBuf::from(d);
            web::block(move || crate::backup::schedule::list(&d))
                .await
                .map_err(|e| crate::error::AppError::Internal(e.into()))?
        }
        None => Vec::new(),
    };
    Ok(HttpResponse::Ok().json(Backups {
        scheduled: dir.is_some(),
        every_minutes: s.backup_every_minutes,
        dir,
        files: files
            .into_iter()
            .map(|f| BackupFileOut {
                rows: f.manifest.as_ref().map(|m| m.row_counts.values().sum()),
                schema_version: f.manifest.map(|m| m.schema_version),
                name: f.name,
                taken_at: f.taken_at,
                bytes: f.bytes,
                good: f.good,
            })
            .collect(),
    }))
}
