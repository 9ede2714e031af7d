//! Stored first answers for `Idempotency-Key` requests, and [`keyed_write`], the one path for
//! writes a client may retry. The key row is written in the same transaction as the write, so
//! either both exist or neither; a unique index on (scope, key) backs the per-key lock.

use crate::db::{Db, Fault, Tx};
use crate::error::{AppError, AppResult, is_unique_violation};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use std::time::Duration;
use zhunong_entity::idempotency_key::{ActiveModel, Column, Entity};

/// A keyed request: who sent it, the key, and a fingerprint of what was asked.
#[derive(Debug, Clone)]
pub struct Keyed {
    pub scope: String,
    pub key: String,
    pub request_hash: String,
}

/// What a keyed write did, which its route turns into the HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Something new exists (an order, a payment, weighing tickets).
    Created,
    /// An existing thing changed (an order's weighing completed).
    Changed,
}

impl Outcome {
    /// The stored form: the HTTP status the first answer had, so that keys written by any
    /// version replay the same status.
    fn stored(self) -> i32 {
        match self {
            Self::Created => 201,
            Self::Changed => 200,
        }
    }

    fn from_stored(code: i32) -> AppResult<Self> {
        match code {
            201 => Ok(Self::Created),
            200 => Ok(Self::Changed),
            other => Err(AppError::Internal(anyhow::anyhow!(
                "a stored idempotent answer has the unknown status {other}"
            ))),
        }
    }
}

/// A stored answer, replayed as it was.
#[derive(Debug, Clone)]
pub struct Stored {
    pub outcome: Outcome,
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
            outcome: Outcome::from_stored(r.status_code)?,
            body: r.response_body,
        })),
    }
}

/// The answer to a keyed write: exactly the body that was stored for replay, and whether this
/// is a replay of an earlier answer.
pub struct Placed {
    pub outcome: Outcome,
    pub body: String,
    pub replayed: bool,
}

impl From<Stored> for Placed {
    fn from(s: Stored) -> Self {
        Self {
            outcome: s.outcome,
            body: s.body,
            replayed: true,
        }
    }
}

/// The one way to make a write that a client may retry with an `Idempotency-Key`: look the key
/// up, claim it, do the work, record the answer in the same transaction, commit — or replay the
/// first answer.
///
/// Concurrent requests with one key are serialised on the key (a transaction-scoped advisory
/// lock on PostgreSQL; the single writer on SQLite), so the later ones find the first one's
/// answer and replay it, byte for byte: one write, identical answers. A request that waits
/// longer than `in_flight_wait` for the first gets 409 `idempotency_key_in_flight`.
///
/// `work` returns what it did and the JSON body of a first answer. A failed `work` stores
/// nothing, so a corrected retry with the same key is a new request.
///
/// # Errors
/// 422 if the key was used for another request; 409 if the first is still running after the
/// wait; whatever `work` returns.
pub async fn keyed_write(
    db: &Db,
    keyed: Option<&Keyed>,
    in_flight_wait: Duration,
    mut work: impl AsyncFnMut(&Tx) -> AppResult<(Outcome, String)>,
) -> AppResult<Placed> {
    keyed_write_prepared(
        db,
        keyed,
        in_flight_wait,
        async || Ok(()),
        async |tx, ()| work(tx).await,
    )
    .await
}

/// [`keyed_write`] with reads to make before the transaction (`prepare`), so that row locks
/// are held no longer than the writes need. A replay is answered before them: a retry gets its
/// first answer even where the reads would now refuse (a show that has since ended).
///
/// # Errors
/// As [`keyed_write`], and whatever `prepare` returns.
pub async fn keyed_write_prepared<P>(
    db: &Db,
    keyed: Option<&Keyed>,
    in_flight_wait: Duration,
    prepare: impl AsyncFnOnce() -> AppResult<P>,
    mut work: impl AsyncFnMut(&Tx, &P) -> AppResult<(Outcome, String)>,
) -> AppResult<Placed> {
    if let Some(k) = keyed
        && let Some(stored) = lookup(&db.read, k).await?
    {
        return Ok(stored.into());
    }
    let prepared = prepare().await?;
    let mut work = async |tx: &Tx| work(tx, &prepared).await;
    let mut attempt = 1;
    loop {
        match keyed_attempt(db, keyed, in_flight_wait, &mut work).await {
            // A serialization failure or deadlock (PostgreSQL): the whole transaction is run
            // again, a few times, after a short random pause; what still fails is a 503.
            Err(e) if attempt < TRANSIENT_TRIES && e.fault() == Some(Fault::Retryable) => {
                tracing::info!(error = %e, attempt, "retrying after a transient conflict");
                let pause = 5 + rand::random_range(0..20u64) * attempt;
                tokio::time::sleep(Duration::from_millis(pause)).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// How many times a keyed write is tried when the database reports a transient conflict.
const TRANSIENT_TRIES: u64 = 3;

async fn keyed_attempt(
    db: &Db,
    keyed: Option<&Keyed>,
    in_flight_wait: Duration,
    work: &mut impl AsyncFnMut(&Tx) -> AppResult<(Outcome, String)>,
) -> AppResult<Placed> {
    let tx = db.begin_write().await?;
    if let Some(k) = keyed {
        claim(&tx, k, in_flight_wait).await?;
        if let Some(stored) = lookup(&tx, k).await? {
            tx.rollback().await.ok();
            return Ok(stored.into());
        }
    }
    let (outcome, body) = work(&tx).await?;
    if let Some(k) = keyed {
        record(&tx, k, outcome, &body).await.map_err(|e| {
            if is_unique_violation(&e) {
                AppError::IdempotencyInFlight
            } else {
                e.into()
            }
        })?;
    }
    tx.commit().await?;
    Ok(Placed {
        outcome,
        body,
        replayed: false,
    })
}

/// Waits (at most `wait`) until no other transaction holds this key. On PostgreSQL a
/// transaction-scoped advisory lock; SQLite runs one writer at a time, so the key is already
/// ours.
async fn claim(tx: &Tx, k: &Keyed, wait: Duration) -> AppResult<()> {
    if tx.get_database_backend() != sea_orm::DbBackend::Postgres {
        return Ok(());
    }
    // The lock timeout applies to this statement only: it is set before and cleared after, in
    // the statement itself, so that row locks later in the transaction wait as usual.
    let stmt = sea_orm::Statement::from_sql_and_values(
        sea_orm::DbBackend::Postgres,
        "SELECT set_config('lock_timeout', $1, true) AS a, \
                pg_advisory_xact_lock(hashtextextended($2, 0))::text AS b, \
                set_config('lock_timeout', '0', true) AS c",
        [
            format!("{}ms", wait.as_millis().max(1)).into(),
            format!("{}\n{}", k.scope, k.key).into(),
        ],
    );
    match tx.query_one_raw(stmt).await {
        Ok(_) => Ok(()),
        // 55P03 lock_not_available: the first request is still running.
        Err(e) if crate::db::fault::sqlstate(&e).as_deref() == Some("55P03") => {
            Err(AppError::IdempotencyInFlight)
        }
        Err(e) => Err(e.into()),
    }
}

/// Records the answer inside the caller's transaction.
///
/// # Errors
/// Database errors.
async fn record(tx: &Tx, k: &Keyed, outcome: Outcome, body: &str) -> Result<(), sea_orm::DbErr> {
    ActiveModel {
        scope: Set(k.scope.clone()),
        key: Set(k.key.clone()),
        request_hash: Set(k.request_hash.clone()),
        status_code: Set(outcome.stored()),
        response_body: Set(body.to_owned()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(tx)
    .await
    .map(|_| ())
}

/// Deletes answers older than the retention period.
///
/// # Errors
/// Database errors.
pub async fn purge_older_than(tx: &Tx, retention: chrono::Duration) -> Result<u64, sea_orm::DbErr> {
    let cutoff = chrono::Utc::now() - retention;
    Ok(Entity::delete_many()
        .filter(Column::CreatedAt.lt(cutoff))
        .exec(tx)
        .await?
        .rows_affected)
}
