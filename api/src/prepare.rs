//! What a start does before it serves: the JWT secret (generated and kept beside a SQLite file
//! when none is configured), and for a database that can be written, the migrations, the
//! backfills, the first admin and the hourly purges.

use crate::auth::random_hex;
use crate::config::{Secret, Settings};
use crate::db::Db;
use crate::services::webhooks::secret_box::SecretBox;
use crate::services::{idempotency, users};
use std::time::Duration;

/// What a writable database gets at start: migrations, sales figures missing for old orders,
/// webhook secrets sealed, a first admin, and the hourly purges.
///
/// # Errors
/// A migration, a backfill or the first admin failed.
pub async fn for_writes(
    db: &Db,
    settings: &Settings,
    webhook_secrets: &SecretBox,
) -> anyhow::Result<()> {
    db.migrate().await?;
    let filled = crate::services::reports::facts::backfill(db).await?;
    if filled > 0 {
        tracing::info!(
            orders = filled,
            "sales figures written for orders that had none"
        );
    }
    if let Some(list) = settings.erased_list_path() {
        let again = crate::services::personal_data::reapply(db, &list).await?;
        if again > 0 {
            tracing::warn!(
                buyers = again,
                "buyers erased since the backup this database was restored from were erased again"
            );
        }
    }
    let sealed =
        crate::services::partner::webhooks::seal_plain_secrets(db, webhook_secrets).await?;
    if sealed > 0 {
        tracing::info!(
            endpoints = sealed,
            "webhook secrets stored in plain text were sealed"
        );
    }
    // An empty variable (as docker-compose passes an unset one) means "generate one".
    let admin_pw = settings
        .admin_password
        .as_ref()
        .map(Secret::expose)
        .filter(|p| !p.is_empty());
    if let Some(generated) = users::ensure_first_admin(db, admin_pw).await? {
        println!("Created user `admin` with password: {generated}  (shown once; keep it)");
    }
    spawn_hourly_purges(
        db.clone(),
        // A partner may retry a day later and must still get the first answer, whatever the
        // setting says.
        settings
            .idempotency_retention()
            .max(chrono::Duration::hours(24)),
        Duration::from_secs(settings.login_window_secs),
    );
    crate::backup::schedule::spawn(settings);
    Ok(())
}

/// The configured secret; on SQLite without one, the secret kept beside the database file
/// (generated on first start); PostgreSQL deployments must configure it so replicas agree.
///
/// # Errors
/// PostgreSQL without a configured secret, or a generated one that cannot be kept.
pub fn jwt_secret(settings: &Settings) -> anyhow::Result<Secret> {
    if let Some(s) = &settings.jwt_secret {
        return Ok(s.clone());
    }
    anyhow::ensure!(
        settings.is_sqlite(),
        "set ZHUNONG_JWT_SECRET (at least 32 bytes) when using PostgreSQL, so every replica shares it"
    );
    let Some(db_path) = settings.sqlite_path() else {
        return Ok(Secret::new(random_hex(32)));
    };
    let path = db_path.with_file_name("jwt-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        return Ok(Secret::new(existing.trim()));
    }
    let secret = random_hex(32);
    write_private(&path, &secret).map_err(|e| {
        anyhow::anyhow!(
            "cannot keep the generated JWT secret in {}: {e}",
            path.display()
        )
    })?;
    Ok(Secret::new(secret))
}

fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)?.write_all(contents.as_bytes())
}

/// Once an hour: idempotency records past their retention, and (on PostgreSQL) failed-login
/// records past their window.
fn spawn_hourly_purges(db: Db, retention: chrono::Duration, login_window: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            let purged = db
                .write(async |tx| Ok(idempotency::purge_older_than(tx, retention).await?))
                .await;
            match purged {
                Ok(n) if n > 0 => tracing::info!(purged = n, "old idempotency records removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "idempotency purge failed"),
            }
            if db.backend() == sea_orm::DbBackend::Postgres {
                match crate::auth::throttle::purge_shared(&db, login_window).await {
                    Ok(n) if n > 0 => tracing::info!(purged = n, "old login failures removed"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "login failure purge failed"),
                }
            }
        }
    });
}
