//! Closing months. Closing a month closes it and every month before it; a posting dated inside a
//! closed month is dated the first open day instead, its description noting the month it
//! corrects, so a closed month's vouchers and numbers never change. On PostgreSQL every posting
//! holds a shared advisory lock while it reads how far the books are closed, and closing takes
//! it exclusively: a posting in flight when a month closes is either before the close or sees it.

use crate::db::{Db, Tx};
use crate::domain::books::closing::{month_key, month_text};
use crate::domain::caller::Caller;
use crate::error::{AppError, AppResult, ErrorCode};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbBackend, EntityTrait, ExprTrait, QuerySelect, Set,
};
use zhunong_entity::closed_month;
use zhunong_entity::enums::{AuditAction, AuditEntity};

/// The advisory lock postings share and closing takes alone.
const CLOSING_LOCK: i64 = 0x007a_6e63_6c6f;

/// The last closed month (`YYYYMM`), if any, as a read outside a posting sees it.
///
/// # Errors
/// Database errors.
pub async fn closed_through(db: &impl ConnectionTrait) -> AppResult<Option<i32>> {
    Ok(closed_month::Entity::find()
        .select_only()
        .column_as(Expr::col(closed_month::Column::Month).max(), "m")
        .into_tuple::<Option<i32>>()
        .one(db)
        .await?
        .flatten())
}

/// The last closed month, read by a posting: on PostgreSQL under the shared lock, held to commit.
///
/// # Errors
/// Database errors.
pub async fn closed_through_for_posting(tx: &Tx) -> AppResult<Option<i32>> {
    if tx.get_database_backend() == DbBackend::Postgres {
        tx.execute_unprepared(&format!(
            "SELECT pg_advisory_xact_lock_shared({CLOSING_LOCK})"
        ))
        .await?;
    }
    closed_through(tx).await
}

/// Closes `month` (`2026-11`) and every month before it; audited under the keeping collective.
///
/// # Errors
/// 422 for a bad month or one not yet over; 409 for a month closed already.
pub async fn close_month(
    db: &Db,
    caller: &Caller,
    month: &str,
    today: NaiveDate,
    keeper_setting: Option<i64>,
) -> AppResult<i32> {
    let (first, last) = super::vouchers::month_days(month)?;
    if last >= today {
        return Err(AppError::field(
            "month",
            "only a month that is over can be closed",
        ));
    }
    let key = month_key(first);
    db.write(async |tx| {
        if tx.get_database_backend() == DbBackend::Postgres {
            tx.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({CLOSING_LOCK})"))
                .await?;
        }
        if let Some(closed) = closed_through(tx).await?
            && closed >= key
        {
            return Err(AppError::Conflict {
                code: ErrorCode::MonthClosed,
                detail: format!("the books are closed through {}", month_text(closed)),
            });
        }
        closed_month::ActiveModel {
            month: Set(key),
            closed_by: Set(caller.user_id),
            closed_at: Set(chrono::Utc::now()),
        }
        .insert(tx)
        .await?;
        let keeper = super::accounts::keeper(tx, keeper_setting).await?;
        crate::services::audit::record(
            tx,
            crate::services::audit::Change::of(
                Some(caller.user_id),
                AuditAction::CloseMonth,
                AuditEntity::Collective,
                keeper,
            )
            .after(serde_json::json!({"month": month_text(key)})),
        )
        .await?;
        Ok(key)
    })
    .await
}
