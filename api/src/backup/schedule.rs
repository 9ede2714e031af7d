//! Backups on a schedule while `serve` runs (SQLite, when `backup_dir` is set), and the list the
//! office shows: each file, when it was taken, and whether it restored.

use super::archive;
use crate::config::Settings;
use crate::domain::backup_keep::{KeepPolicy, to_keep};
use chrono::{DateTime, NaiveDateTime, Utc};
use std::path::{Path, PathBuf};
use std::time::Duration;

const PREFIX: &str = "zhunong-";
const FAILED: &str = ".failed.zip";
const STAMP: &str = "%Y%m%d-%H%M%S%.3f";

/// One file in the backup folder.
#[derive(Debug, Clone)]
pub struct BackupFile {
    pub name: String,
    pub taken_at: DateTime<Utc>,
    pub bytes: u64,
    /// Restored and checked; `false` for a backup kept aside as failed.
    pub good: bool,
    pub manifest: Option<archive::Manifest>,
}

/// When a backup file was taken, from its name; `None` for a file that is not a backup.
fn taken_at(name: &str) -> Option<(DateTime<Utc>, bool)> {
    let rest = name.strip_prefix(PREFIX)?;
    let (stamp, good) = match rest.strip_suffix(FAILED) {
        Some(s) => (s, false),
        None => (rest.strip_suffix(".zip")?, true),
    };
    let t = NaiveDateTime::parse_from_str(stamp, STAMP).ok()?;
    Some((t.and_utc(), good))
}

/// The backups in `dir`, newest first.
pub fn list(dir: &Path) -> Vec<BackupFile> {
    let mut out: Vec<BackupFile> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let (taken_at, good) = taken_at(&name)?;
            Some(BackupFile {
                bytes: e.metadata().map(|m| m.len()).unwrap_or(0),
                manifest: archive::read_manifest(&e.path()).ok(),
                name,
                taken_at,
                good,
            })
        })
        .collect();
    out.sort_by_key(|b| std::cmp::Reverse(b.taken_at));
    out
}

/// Opens the backup named `name` in `dir` for download, with its size; `None` unless `name` is a
/// backup's own name (so no other file, and no path, can be asked for).
pub fn open(dir: &Path, name: &str) -> Option<(std::fs::File, u64)> {
    taken_at(name)?;
    if name.contains(['/', '\\']) {
        return None;
    }
    let file = std::fs::File::open(dir.join(name)).ok()?;
    let len = file.metadata().ok()?.len();
    Some((file, len))
}

/// Removes the good backups the policy does not keep; failed ones stay for a person to look at.
fn prune(dir: &Path, policy: KeepPolicy) -> usize {
    let good: Vec<BackupFile> = list(dir).into_iter().filter(|b| b.good).collect();
    let taken: Vec<DateTime<Utc>> = good.iter().map(|b| b.taken_at).collect();
    let keep = to_keep(&taken, policy);
    let mut removed = 0;
    for (i, b) in good.iter().enumerate() {
        if !keep.contains(&i) && std::fs::remove_file(dir.join(&b.name)).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Starts the schedule if the settings ask for one.
pub fn spawn(settings: &Settings) {
    let (Some(db), Some(dir)) = (settings.sqlite_path(), settings.backup_dir.clone()) else {
        return;
    };
    let dir = PathBuf::from(dir);
    let check = settings.check_options();
    let first = Duration::from_secs(settings.backup_first_after_secs);
    let every = Duration::from_secs(settings.backup_every_minutes.max(1).saturating_mul(60));
    let policy = KeepPolicy {
        hourly: settings.backup_keep_hourly,
        daily: settings.backup_keep_daily,
        monthly: settings.backup_keep_monthly,
    };
    tokio::spawn(async move {
        tokio::time::sleep(first).await;
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match super::backup(&db, &dir, check).await {
                Ok(made) => {
                    let removed = prune(&dir, policy);
                    tracing::info!(file = %made.file.display(), removed, "backup taken, restored and checked");
                }
                Err(e) => tracing::error!(error = %format!("{e:#}"), "backup failed"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_names_read_back_as_their_time() {
        let (t, good) = taken_at("zhunong-20261205-073504.788.zip").unwrap_or_default();
        assert!(good);
        assert_eq!(t.to_rfc3339(), "2026-12-05T07:35:04.788+00:00");
        assert_eq!(
            taken_at("zhunong-20261205-073504.788.failed.zip").map(|x| x.1),
            Some(false)
        );
        assert_eq!(taken_at("notes.txt"), None);
    }
}
