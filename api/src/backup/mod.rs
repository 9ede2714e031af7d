//! Backups of the embedded database, and restoring them.
//!
//! `zhunong backup` takes an online, consistent copy of the SQLite file with `VACUUM INTO`
//! (orders keep flowing: it is a read transaction on the WAL snapshot), checks the copy
//! (`PRAGMA integrity_check`, its row counts, the last migration it has), and writes one
//! compressed file with the copy and a manifest of those checks and the copy's SHA-256. Then it
//! **restores that file into a scratch directory and checks it again**: only a backup that
//! restores counts as good; one that does not is renamed `…-failed.zip` and kept for a person.
//!
//! `zhunong restore` refuses a file whose checksum does not match or that comes from a newer
//! schema than this binary knows, writes to a new data directory (or, with `--force`, replaces a
//! database that no running service holds), and never touches a database a service is using.

mod archive;
mod inspect;
pub mod postgres;
pub mod schedule;

pub use archive::Manifest;

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};

/// What a backup run made.
#[derive(Debug)]
pub struct Made {
    pub file: PathBuf,
    pub manifest: Manifest,
}

/// The file a running `zhunong serve` holds locked beside its database, so that a restore can
/// tell that the database is in use.
pub fn serving_lock_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".serving");
    db.with_file_name(name)
}

/// Takes the lock a running service holds; `None` if another process holds it.
///
/// # Errors
/// The lock file cannot be opened.
pub fn hold_serving_lock(db: &Path) -> anyhow::Result<Option<std::fs::File>> {
    let path = serving_lock_path(db);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
}

/// Backs the SQLite database at `db` up into `dir`, then proves the backup restores.
///
/// # Errors
/// The copy or its checks failed (a backup that does not restore is kept as `…-failed.zip`
/// and reported as an error).
pub async fn backup(db: &Path, dir: &Path, check: crate::check::Options) -> anyhow::Result<Made> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S%.3f").to_string();
    let copy = dir.join(format!(".zhunong-{stamp}.db.partial"));
    if let Err(e) = inspect::vacuum_into(db, &copy).await {
        // A full or failing backup disk: nothing half-written stays there.
        std::fs::remove_file(&copy).ok();
        return Err(e);
    }
    let manifest = inspect::manifest(&copy).await;
    let written = manifest.and_then(|m| {
        let file = dir.join(format!("zhunong-{stamp}.zip"));
        archive::write(&file, &copy, &m)?;
        Ok(Made { file, manifest: m })
    });
    std::fs::remove_file(&copy).ok();
    let made = written?;
    if let Err(e) = prove_restores(&made.file, &made.manifest, check).await {
        let failed = made.file.with_extension("failed.zip");
        std::fs::rename(&made.file, &failed).ok();
        bail!(
            "the backup did not restore, kept as {}: {e:#}",
            failed.display()
        );
    }
    Ok(made)
}

/// Restores `file` into a scratch directory and checks it against its manifest and with the
/// integrity check.
async fn prove_restores(
    file: &Path,
    expected: &Manifest,
    check: crate::check::Options,
) -> anyhow::Result<()> {
    let scratch = std::env::temp_dir().join(format!(
        "zhunong-restore-check-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&scratch)?;
    let target = scratch.join("zhunong.db");
    let outcome = async {
        let m = archive::extract(file, &target)?;
        let again = inspect::manifest(&target).await?;
        anyhow::ensure!(
            again.row_counts == expected.row_counts && m.row_counts == expected.row_counts,
            "the restored copy holds other row counts than its manifest"
        );
        anyhow::ensure!(again.integrity == "ok", "integrity: {}", again.integrity);
        let report = crate::check::sqlite_file(&target, check).await?;
        anyhow::ensure!(
            report.ok,
            "the restored copy breaks invariants:\n{}",
            report.to_text()
        );
        Ok(())
    }
    .await;
    std::fs::remove_dir_all(&scratch).ok();
    outcome
}

/// Restores `file` as the database `target`.
///
/// # Errors
/// A bad checksum, a newer schema, a target that exists (without `force`) or that a running
/// service holds; I/O errors.
pub async fn restore(file: &Path, target: &Path, force: bool) -> anyhow::Result<Manifest> {
    if file.extension().is_some_and(|e| e == "pgdump") {
        bail!(
            "{} is a PostgreSQL dump: restore it on the server with \
             pg_restore --dbname URL {} (into an empty database)",
            file.display(),
            file.display()
        );
    }
    let manifest = archive::read_manifest(file)?;
    let known = inspect::known_migrations();
    if !known.contains(&manifest.schema_version) {
        bail!(
            "{} comes from a newer version of zhunong (its schema is at {}, which this binary \
             does not know); restore it with that version or a later one",
            file.display(),
            manifest.schema_version
        );
    }
    if target.exists() {
        if !force {
            bail!(
                "{} exists; restore into a new data directory (--to DIR), or replace it with \
                 --force once the service is stopped",
                target.display()
            );
        }
        let Some(_held) = hold_serving_lock(target)? else {
            bail!(
                "a running zhunong service is using {}; stop it first (nothing was changed)",
                target.display()
            );
        };
        restore_over(file, target).await?;
    } else {
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        restore_over(file, target).await?;
    }
    Ok(manifest)
}

/// Extracts into a temporary file beside `target`, checks it, then moves it into place and
/// removes the old database's WAL files, so a failed restore leaves the old database whole.
async fn restore_over(file: &Path, target: &Path) -> anyhow::Result<()> {
    let partial = target.with_extension("db.restoring");
    archive::extract(file, &partial)?;
    let checked = inspect::manifest(&partial).await;
    if let Err(e) = checked.and_then(|m| {
        anyhow::ensure!(m.integrity == "ok", "integrity: {}", m.integrity);
        Ok(())
    }) {
        std::fs::remove_file(&partial).ok();
        return Err(e);
    }
    for suffix in ["-wal", "-shm"] {
        let mut side = target.as_os_str().to_os_string();
        side.push(suffix);
        std::fs::remove_file(PathBuf::from(side)).ok();
    }
    std::fs::rename(&partial, target)
        .with_context(|| format!("cannot move the restored copy to {}", target.display()))
}
