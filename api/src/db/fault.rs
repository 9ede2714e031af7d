//! Which database errors mean "try again later" rather than "bug", on both backends.
//!
//! The client is told 507 when the disk is full and 503 when the database is shutting down,
//! cannot be reached or is busy, saying which; each with `Retry-After`. Serialization failures
//! and deadlocks are retried inside the service first (see
//! [`crate::services::idempotency::keyed_write`]).

use sea_orm::{DbErr, RuntimeErr};

pub use crate::error::Fault;

/// The SQLSTATE (PostgreSQL) or result code (SQLite) of a database error, if it has one.
pub fn sqlstate(e: &DbErr) -> Option<String> {
    match e {
        DbErr::Exec(RuntimeErr::SqlxError(s)) | DbErr::Query(RuntimeErr::SqlxError(s)) => {
            match s.as_ref() {
                sea_orm::sqlx::Error::Database(db) => db.code().map(|c| c.into_owned()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Whether `e` says the database server cannot be reached or is going away (a refused or
/// dropped connection, PostgreSQL class 08 or 57P01–57P03), so that new requests should be
/// refused at once instead of each waiting for the acquire timeout. A pool that is merely busy
/// (acquire timeout, too many connections) is not: the database is there.
pub fn is_unreachable(e: &DbErr) -> bool {
    let sqlx = match e {
        DbErr::Conn(_) => return true,
        DbErr::ConnectionAcquire(_) => return false,
        DbErr::Exec(RuntimeErr::SqlxError(s)) | DbErr::Query(RuntimeErr::SqlxError(s)) => s,
        _ => return false,
    };
    use sea_orm::sqlx::Error;
    match sqlx.as_ref() {
        Error::Io(_) | Error::Tls(_) | Error::Protocol(_) => true,
        Error::Database(db) => db.code().is_some_and(|c| {
            c.len() == 5 && (c.starts_with("08") || ["57P01", "57P02", "57P03"].contains(&&*c))
        }),
        _ => false,
    }
}

/// Why a database that failed to answer is away: restarting (57P01–57P03) or unreachable.
pub fn why_away(e: &DbErr) -> Fault {
    match classify(e) {
        Some(Fault::ShuttingDown) => Fault::ShuttingDown,
        _ => Fault::Unreachable,
    }
}

/// What [`crate::db::Db::begin_write`] answers while the service runs read-only.
pub const READ_ONLY_MODE: &str = "the database is open read-only";

/// Classifies a database error; `None` for errors that are the request's or the code's fault.
pub fn classify(e: &DbErr) -> Option<Fault> {
    let sqlx = match e {
        DbErr::Custom(m) if m == READ_ONLY_MODE => return Some(Fault::ReadOnly),
        DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout) => return Some(Fault::Busy),
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return Some(Fault::Unreachable),
        DbErr::Exec(RuntimeErr::SqlxError(s)) | DbErr::Query(RuntimeErr::SqlxError(s)) => s,
        _ => return None,
    };
    use sea_orm::sqlx::Error;
    match sqlx.as_ref() {
        Error::PoolTimedOut => Some(Fault::Busy),
        Error::PoolClosed | Error::Io(_) | Error::Tls(_) => Some(Fault::Unreachable),
        Error::Protocol(_) | Error::WorkerCrashed => Some(Fault::Unreachable),
        Error::Database(db) => {
            let code = db.code()?;
            if db
                .try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
                .is_some()
            {
                code.parse().ok().and_then(classify_sqlite)
            } else {
                classify_sqlstate(&code)
            }
        }
        _ => None,
    }
}

/// SQLite result codes, possibly extended: the primary code is the low byte.
fn classify_sqlite(code: i32) -> Option<Fault> {
    match code & 0xff {
        13 => Some(Fault::StorageFull), // SQLITE_FULL
        5..=7 => Some(Fault::Busy),     // BUSY, LOCKED, NOMEM
        8 => Some(Fault::ReadOnly),     // READONLY and its extended codes
        10 => Some(Fault::Unreachable), // IOERR
        _ => None,
    }
}

/// PostgreSQL SQLSTATEs.
fn classify_sqlstate(code: &str) -> Option<Fault> {
    match code {
        "53100" => Some(Fault::StorageFull),
        "40001" | "40P01" => Some(Fault::Retryable),
        "57P01" | "57P02" | "57P03" => Some(Fault::ShuttingDown),
        "53300" => Some(Fault::Busy),
        c if c.starts_with("08") => Some(Fault::Unreachable),
        _ => None,
    }
}

impl From<DbErr> for crate::error::AppError {
    /// Classified once, here, so the error type need not know the drivers' codes.
    fn from(source: DbErr) -> Self {
        let fault = classify(&source);
        Self::Db { source, fault }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_codes_are_classified_by_their_primary_code() {
        assert_eq!(classify_sqlite(13), Some(Fault::StorageFull));
        assert_eq!(classify_sqlite(5), Some(Fault::Busy));
        assert_eq!(classify_sqlite(517), Some(Fault::Busy)); // SQLITE_BUSY_SNAPSHOT
        assert_eq!(classify_sqlite(778), Some(Fault::Unreachable)); // SQLITE_IOERR_WRITE
        assert_eq!(classify_sqlite(8), Some(Fault::ReadOnly));
        assert_eq!(classify_sqlite(1032), Some(Fault::ReadOnly)); // SQLITE_READONLY_DBMOVED
        assert_eq!(classify_sqlite(2067), None); // SQLITE_CONSTRAINT_UNIQUE
        assert_eq!(classify_sqlite(19), None);
    }

    #[test]
    fn postgres_states_are_classified() {
        for s in ["57P01", "57P02", "57P03"] {
            assert_eq!(classify_sqlstate(s), Some(Fault::ShuttingDown), "{s}");
        }
        for s in ["08006", "08001"] {
            assert_eq!(classify_sqlstate(s), Some(Fault::Unreachable), "{s}");
        }
        assert_eq!(classify_sqlstate("53300"), Some(Fault::Busy));
        assert_eq!(classify_sqlstate("53100"), Some(Fault::StorageFull));
        assert_eq!(classify_sqlstate("40001"), Some(Fault::Retryable));
        assert_eq!(classify_sqlstate("40P01"), Some(Fault::Retryable));
        assert_eq!(classify_sqlstate("23505"), None);
        assert_eq!(classify_sqlstate("22003"), None);
    }
}
