//! Reading a SQLite file for a backup: the copy itself, and what the manifest says of it.

use super::archive::Manifest;
use anyhow::Context;
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use std::collections::BTreeMap;
use std::path::Path;
use zhunong_migration::{Migrator, MigratorTrait};

/// The migrations this binary knows, oldest first.
pub fn known_migrations() -> Vec<String> {
    Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect()
}

fn sqlite_url(path: &Path, mode: &str) -> String {
    format!("sqlite://{}?mode={mode}", path.display())
}

/// An online, consistent copy of `db` at `to` (`VACUUM INTO`: a read transaction on the live
/// database, so writers go on).
pub async fn vacuum_into(db: &Path, to: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(db.exists(), "there is no database at {}", db.display());
    let conn = Database::connect(sqlite_url(db, "ro"))
        .await
        .with_context(|| format!("cannot open {}", db.display()))?;
    let target = to.display().to_string().replace('\'', "''");
    let done = conn
        .execute_unprepared(&format!("VACUUM INTO '{target}'"))
        .await
        .with_context(|| format!("cannot copy {} to {}", db.display(), to.display()));
    conn.close().await.ok();
    done.map(|_| ())
}

/// The manifest of the SQLite file at `path` (checksum, integrity, row counts, schema).
pub async fn manifest(path: &Path) -> anyhow::Result<Manifest> {
    let conn = Database::connect(sqlite_url(path, "ro"))
        .await
        .with_context(|| format!("cannot open {}", path.display()))?;
    let read = async {
        let one = |sql: &str| Statement::from_string(DbBackend::Sqlite, sql.to_owned());
        let integrity: String = conn
            .query_one_raw(one("PRAGMA integrity_check"))
            .await?
            .map(|r| r.try_get_by_index::<String>(0))
            .transpose()?
            .unwrap_or_else(|| "no answer".into());
        let tables: Vec<String> = conn
            .query_all_raw(one("SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' ORDER BY name"))
            .await?
            .iter()
            .map(|r| r.try_get_by_index::<String>(0))
            .collect::<Result<_, _>>()?;
        let mut row_counts = BTreeMap::new();
        for t in tables {
            let n: i64 = conn
                .query_one_raw(one(&format!(
                    "SELECT COUNT(*) FROM \"{}\"",
                    t.replace('"', "\"\"")
                )))
                .await?
                .map(|r| r.try_get_by_index::<i64>(0))
                .transpose()?
                .unwrap_or(0);
            row_counts.insert(t, n);
        }
        let schema_version: String = conn
            .query_one_raw(one(
                "SELECT version FROM seaql_migrations ORDER BY version DESC LIMIT 1",
            ))
            .await?
            .map(|r| r.try_get_by_index::<String>(0))
            .transpose()?
            .context("the database has no migrations: it is not a zhunong database")?;
        anyhow::Ok((integrity, row_counts, schema_version))
    }
    .await;
    conn.close().await.ok();
    let (integrity, row_counts, schema_version) = read?;
    Ok(Manifest {
        format: 1,
        created_at: chrono::Utc::now(),
        zhunong_version: env!("CARGO_PKG_VERSION").to_owned(),
        schema_version,
        integrity,
        row_counts,
        db_sha256: super::archive::sha256_of(path)?,
    })
}
