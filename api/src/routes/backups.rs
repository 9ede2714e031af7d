//! The backup folder, for the office to see that backups are being taken and restore.

use crate::auth::roles::{Office, Operator};
use crate::dto::backups::{BackupFileOut, Backups};
use crate::error::{AppError, AppResult, Problem};
use crate::extract::Auth;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_backups).service(download_backup);
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

/// Downloads one backup file (a ZIP with the database copy and its manifest), to keep a copy
/// elsewhere or to restore on another machine with `zhunong restore`.
#[utoipa::path(
    tag = "backups",
    params(("name" = String, Path, description = "The file's name, as the list gives it")),
    responses(
        (status = 200, content_type = "application/zip", body = Vec<u8>),
        (status = 404, description = "no such backup (or no backup folder set)", body = Problem),
    ),
    security(("bearer" = ["admin"]))
)]
#[get("/backups/{name}")]
pub async fn download_backup(
    _auth: Auth<Operator>,
    state: web::Data<AppState>,
    name: web::Path<String>,
) -> AppResult<HttpResponse> {
    let s = &state.settings;
    let Some(dir) = s.backup_dir.clone().filter(|_| s.is_sqlite()) else {
        return Err(AppError::NotFound("backup"));
    };
    let name = name.into_inner();
    let wanted = name.clone();
    let (file, len) = web::block(move || crate::backup::schedule::open(dir.as_ref(), &wanted))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .ok_or(AppError::NotFound("backup"))?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            "content-disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .no_chunking(len)
        .streaming(crate::render::file_stream::chunks(file)))
}
