//! Stored first answers for `Idempotency-Key` requests. The key row is written in the same
//! transaction as the order, so either both exist or neither; a unique index on (scope, key)
//! lets exactly one of several concurrent requests with one key commit.

use crate::error::{AppError, AppResult};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use zhunong_entity::idempotency_key::{ActiveModel, Column, Entity};

/// A keyed request: who sent it, the key, and a fingerprint of what was asked.
#[derive(Debug, Clone)]
pub struct Keyed {
    pub scope: String,
    pub key: String,
    pub request_hash: String,
}

/// A stored answer, replayed as it was.
#[derive(Debug, Clone)]
pub struct Stored {
    pub status: u16,
    pub body: String,
}

impl Keyed {
    /// A keyed POST, fingerprinted by its path and its parsed body in canonical form (object
    /// keys sorted, whitespace dropped), so a retry that re-serialises the same body still
    /// matches.
    ///
    /// # Errors
    /// The body cannot be serialised (it always can: it was just parsed).
    pub fn for_post(
        scope: String,
        key: String,
        path: &str,
        body: &impl serde::Serialize,
    ) -> AppResult<Self> {
        let canonical = serde_json::to_value(body).map_err(|e| AppError::Internal(e.into()))?;
        let mut h = Sha256::new();
        h.update(b"POST ");
        h.update(path.as_bytes());
        h.update(b"\n");
        h.update(canonical.to_string().as_bytes());
        let request_hash = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Ok(Self {
            scope,
            key,
            request_hash,
        })
    }
}

/// The stored answer for this key, if any: `Ok(Some)` to replay, 422 if the key was used for a
/// different request.
///
/// # Errors
/// 422 on a fingerprint mismatch; database errors.
pub async fn lookup(db: &impl ConnectionTrait, k: &Keyed) -> AppResult<Option<Stored>> {
    let row = Entity::find()
        .filter(Column::Scope.eq(&k.scope))
        .filter(Column::Key.eq(&k.key))
        .one(db)
        .await?;
    match row {
        None => Ok(None),
        Some(r) if r.request_hash != k.request_hash => Err(AppError::IdempotencyMismatch),
        Some(r) => Ok(Some(Stored {
            status: u16::try_from(r.status_code).unwrap_or(200),
            body: r.response_body,
        })),
    }
}

/// Inside the writing transaction, claims the key for this request: on PostgreSQL a
/// transaction-scoped advisory lock, so a second request with the same key while the first is
/// still running gets `false` (409, in flight) instead of queueing. SQLite runs one writer at a
/// time, so there is nothing in flight to find.
///
/// # Errors
/// Database errors.
pub async fn claim(db: &impl ConnectionTrait, k: &Keyed) -> Result<bool, sea_orm::DbErr> {
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return Ok(true);
    }
    let stmt = sea_orm::Statement::from_sql_and_values(
        sea_orm::DbBackend::Postgres,
        "SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS claimed",
        [format!("{}\n{}", k.scope, k.key).into()],
    );
    Ok(db
        .query_one_raw(stmt)
        .await?
        .and_then(|r| r.try_get::<bool>("", "claimed").ok())
        .unwrap_or(false))
}

/// Records the answer inside the caller's transaction. A unique violation means another request
/// with the same key committed first: the caller rolls back and replays that one.
///
/// # Errors
/// Database errors, including the unique violation.
pub async fn record(
    db: &impl ConnectionTrait,
    k: &Keyed,
    status: u16,
    body: &str,
) -> Result<(), sea_orm::DbErr> {
    ActiveModel {
        scope: Set(k.scope.clone()),
        key: Set(k.key.clone()),
        request_hash: Set(k.request_hash.clone()),
        status_code: Set(i32::from(status)),
        response_body: Set(body.to_owned()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Deletes answers older than the retention period.
///
/// # Errors
/// Database errors.
pub async fn purge_older_than(
    db: &impl ConnectionTrait,
    hours: u64,
) -> Result<u64, sea_orm::DbErr> {
    let cutoff = chrono::Utc::now() - chrono::Duration::hours(i64::try_from(hours).unwrap_or(48));
    Ok(Entity::delete_many()
        .filter(Column::CreatedAt.lt(cutoff))
        .exec(db)
        .await?
        .rows_affected)
}
