//! The backup folder as the office sees it.

use serde::Serialize;
use utoipa::ToSchema;

/// Scheduled backups: whether they are on, where they go, and the files there.
#[derive(Debug, Serialize, ToSchema)]
pub struct Backups {
    /// `serve` takes backups on a schedule (SQLite with `ZHUNONG_BACKUP_DIR` set).
    pub scheduled: bool,
    /// The folder (a USB disk, a network share); absent when none is set.
    pub dir: Option<String>,
    pub every_minutes: u64,
    /// Newest first.
    pub files: Vec<BackupFileOut>,
}

/// One backup file.
#[derive(Debug, Serialize, ToSchema)]
pub struct BackupFileOut {
    pub name: String,
    pub taken_at: chrono::DateTime<chrono::Utc>,
    pub bytes: u64,
    /// Restored in a scratch directory and checked; `false` for one kept aside as failed.
    pub good: bool,
    /// The last migration the copy has, from its manifest.
    pub schema_version: Option<String>,
    /// Rows in all tables of the copy, from its manifest.
    pub rows: Option<i64>,
}
