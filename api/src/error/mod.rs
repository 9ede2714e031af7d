//! The one error type. Every non-2xx answer is RFC 9457 `application/problem+json` with a stable
//! `code`; 5xx bodies are generic and the cause goes to the log only.

mod code;

pub use code::ErrorCode;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use sea_orm::{DbErr, SqlErr};
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// One invalid field: a path into the request (`lines[0].quantity`) and what is wrong with it.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// One order line that could not be filled.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct Shortage {
    /// Index of the line in the request.
    pub line: usize,
    pub batch_id: i64,
    pub requested: i64,
    pub available: i64,
}

/// RFC 9457 problem details.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    /// Stable machine-readable code, e.g. `validation_failed`, `insufficient_stock`.
    pub code: String,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shortages: Vec<Shortage>,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("invalid request: {0:?}")]
    Validation(Vec<FieldError>),
    #[error("{detail}")]
    BadRequest { code: ErrorCode, detail: String },
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("forbidden")]
    Forbidden,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{detail}")]
    Conflict { code: ErrorCode, detail: String },
    #[error("insufficient stock")]
    InsufficientStock(Vec<Shortage>),
    #[error("Idempotency-Key reused with a different request")]
    IdempotencyMismatch,
    #[error("a request with this Idempotency-Key is still being processed")]
    IdempotencyInFlight,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    /// Too many failed logins for this username from this address; the wait is in the detail,
    /// in Chinese, for the person at the login page.
    #[error("登录失败次数过多，请 {wait}后再试")]
    LoginThrottled { retry_after_secs: u64, wait: String },
    #[error("service unavailable: {0:?}")]
    Unavailable(Outage),
    /// An answer actix produced on its own (unknown route, wrong method), re-dressed as a problem.
    #[error("{detail}")]
    Http {
        status: StatusCode,
        code: ErrorCode,
        detail: String,
    },
    /// A transaction that saw a database fault and was not committed.
    #[error("database fault: {0:?}")]
    Transient(Fault),
    /// A database error, with the fault class `db::classify` gave it when it was
    /// converted (`From<DbErr>` lives in `db`, which knows the drivers' codes).
    #[error("{source}")]
    Db { source: DbErr, fault: Option<Fault> },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// The class of a database failure, which decides the answer (503, 507) and whether a retry may
/// cure it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// SQLite `SQLITE_FULL`, PostgreSQL `53100 disk_full`.
    StorageFull,
    /// The database cannot be reached: refused or dropped connections, PostgreSQL class 08,
    /// SQLite I/O errors.
    Unreachable,
    /// PostgreSQL is shutting down, restarting or starting up: 57P01–57P03.
    ShuttingDown,
    /// The database is there but every connection is taken: pool timeouts, PostgreSQL `53300`,
    /// SQLite busy or locked, out of memory.
    Busy,
    /// The database can only be read: SQLite `SQLITE_READONLY` (a file or disk made read-only).
    ReadOnly,
    /// PostgreSQL `40001 serialization_failure` and `40P01 deadlock_detected`: the same
    /// transaction may succeed if run again.
    Retryable,
}

/// Why a request was answered 503, said in its `detail` so that an operator can tell a database
/// that is away from one that is restarting, and a client knows whether anything was saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    DatabaseUnreachable,
    DatabaseShuttingDown,
    DatabaseBusy,
    /// This server is stopping (SIGTERM); another replica takes the retry.
    Stopping,
    /// The handler ran past the deadline and was dropped; its transaction rolled back.
    Deadline,
}

impl Outage {
    fn detail(self) -> &'static str {
        match self {
            Self::DatabaseUnreachable => {
                "the database cannot be reached; nothing was saved; retry shortly"
            }
            Self::DatabaseShuttingDown => {
                "the database is shutting down or restarting; nothing was saved; retry shortly"
            }
            Self::DatabaseBusy => "the database is busy; nothing was saved; retry shortly",
            Self::Stopping => "this server is stopping; nothing was saved; retry shortly",
            Self::Deadline => {
                "the request took longer than the server allows; nothing was saved; retry shortly"
            }
        }
    }

    /// The outage a database fault means for the client (`None` for a full disk: that is 507).
    pub fn of_fault(fault: Fault) -> Option<Self> {
        match fault {
            Fault::StorageFull | Fault::ReadOnly => None,
            Fault::Unreachable => Some(Self::DatabaseUnreachable),
            Fault::ShuttingDown => Some(Self::DatabaseShuttingDown),
            Fault::Busy | Fault::Retryable => Some(Self::DatabaseBusy),
        }
    }
}

impl AppError {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    fn code(&self) -> ErrorCode {
        match self {
            Self::Validation(_) => ErrorCode::ValidationFailed,
            Self::BadRequest { code, .. }
            | Self::Conflict { code, .. }
            | Self::Http { code, .. } => *code,
            Self::Unauthorized(_) => ErrorCode::Unauthorized,
            Self::Forbidden => ErrorCode::Forbidden,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::InsufficientStock(_) => ErrorCode::InsufficientStock,
            Self::IdempotencyMismatch => ErrorCode::IdempotencyKeyReused,
            Self::IdempotencyInFlight => ErrorCode::IdempotencyKeyInFlight,
            Self::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            Self::UnsupportedMediaType(_) => ErrorCode::UnsupportedMediaType,
            Self::TooManyRequests { .. } | Self::LoginThrottled { .. } => ErrorCode::RateLimited,
            Self::Unavailable(_) => ErrorCode::Unavailable,
            _ => match self.fault() {
                Some(Fault::StorageFull) => ErrorCode::StorageFull,
                Some(Fault::ReadOnly) => ErrorCode::ReadOnly,
                Some(_) => ErrorCode::Unavailable,
                None => ErrorCode::InternalError,
            },
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::Validation(_) => "the request has invalid fields; see errors".into(),
            Self::InsufficientStock(_) => {
                "not enough stock for one or more lines; nothing was taken".into()
            }
            Self::Unavailable(outage) => outage.detail().into(),
            Self::Db { .. } | Self::Internal(_) | Self::Transient(_) => match self.fault() {
                Some(Fault::StorageFull) => {
                    "the server's storage is full; nothing was saved; retry later".into()
                }
                Some(Fault::ReadOnly) => READ_ONLY_DETAIL.into(),
                Some(f) => Outage::of_fault(f).map_or("", Outage::detail).into(),
                None => "an internal error occurred".into(),
            },
            other => other.to_string(),
        }
    }
}

impl AppError {
    /// The database fault behind this error, if it is one that a retry may cure.
    pub fn fault(&self) -> Option<Fault> {
        match self {
            Self::Db { fault, .. } => *fault,
            Self::Transient(f) => Some(*f),
            _ => None,
        }
    }
}

const READ_ONLY_DETAIL: &str =
    "the database can only be read (its file or disk is read-only); nothing was saved";

/// How long a client should wait before retrying after a full disk: freeing space takes a
/// person, not a moment.
const STORAGE_FULL_RETRY_AFTER_SECS: u64 = 30;

/// A unique-key violation, portable across SQLite and PostgreSQL.
pub fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// A foreign-key violation, portable across SQLite and PostgreSQL.
pub fn is_fk_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::ForeignKeyConstraintViolation(_)))
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Validation(_) | Self::IdempotencyMismatch => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict { .. } | Self::InsufficientStock(_) | Self::IdempotencyInFlight => {
                StatusCode::CONFLICT
            }
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooManyRequests { .. } | Self::LoginThrottled { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Http { status, .. } => *status,
            Self::Db { .. } | Self::Internal(_) | Self::Transient(_) => match self.fault() {
                Some(Fault::StorageFull) => StatusCode::INSUFFICIENT_STORAGE,
                Some(_) => StatusCode::SERVICE_UNAVAILABLE,
                None => StatusCode::INTERNAL_SERVER_ERROR,
            },
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = ?self, "request failed");
        }
        let problem = Problem {
            type_: format!("urn:zhunong:problem:{}", self.code().as_str()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            code: self.code().as_str().to_owned(),
            detail: self.detail(),
            errors: match self {
                Self::Validation(errors) => errors.clone(),
                _ => Vec::new(),
            },
            shortages: match self {
                Self::InsufficientStock(s) => s.clone(),
                _ => Vec::new(),
            },
        };
        let mut resp = HttpResponse::build(status);
        resp.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        let retry_after = match self {
            Self::TooManyRequests { retry_after_secs }
            | Self::LoginThrottled {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            // A full disk or a read-only one needs a person, not a moment.
            _ if status == StatusCode::INSUFFICIENT_STORAGE
                || self.fault() == Some(Fault::ReadOnly) =>
            {
                Some(STORAGE_FULL_RETRY_AFTER_SECS)
            }
            _ if status == StatusCode::SERVICE_UNAVAILABLE => Some(1),
            _ => None,
        };
        if let Some(secs) = retry_after {
            resp.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        if status == StatusCode::UNAUTHORIZED {
            resp.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        resp.body(serde_json::to_string(&problem).unwrap_or_default())
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// For facts the code relies on (a stored row parses, a batch has its grower): a violation is an
/// internal error with context in the log, never a default that moves money to the wrong place.
pub trait Invariant<T> {
    /// # Errors
    /// `AppError::Internal` naming what should have held.
    fn invariant(self, what: &str) -> AppResult<T>;
}

impl<T> Invariant<T> for Option<T> {
    fn invariant(self, what: &str) -> AppResult<T> {
        self.ok_or_else(|| AppError::Internal(anyhow::anyhow!("broken invariant: {what}")))
    }
}

impl<T, E: std::fmt::Display> Invariant<T> for Result<T, E> {
    fn invariant(self, what: &str) -> AppResult<T> {
        self.map_err(|e| AppError::Internal(anyhow::anyhow!("broken invariant: {what}: {e}")))
    }
}

/// Collects field errors so a request reports all of them at once.
#[derive(Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn check(&mut self, ok: bool, field: impl Into<String>, message: impl Into<String>) {
        if !ok {
            self.errors.push(FieldError {
                field: field.into(),
                message: message.into(),
            });
        }
    }

    /// A required text field: trimmed length within 1..=max characters.
    pub fn text(&mut self, value: &str, field: &str, max: usize) {
        let n = value.trim().chars().count();
        self.check(n > 0, field, "must not be empty");
        self.check(n <= max, field, format!("must be at most {max} characters"));
    }

    /// An optional text field: if given, within 0..=max characters.
    pub fn opt_text(&mut self, value: Option<&str>, field: &str, max: usize) {
        if let Some(v) = value {
            self.check(
                v.chars().count() <= max,
                field,
                format!("must be at most {max} characters"),
            );
        }
    }

    /// # Errors
    /// Any check failed.
    pub fn finish(self) -> AppResult<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.errors))
        }
    }
}
