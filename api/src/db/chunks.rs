//! Many rows in one INSERT, as many as the bound-parameter limit allows for the table's width:
//! SQLite takes 32,766 parameters a statement (PostgreSQL 65,535), so a column added later
//! shrinks the statements instead of failing them.

use super::Tx;
use crate::error::AppResult;
use sea_orm::{ActiveModelTrait, EntityTrait, Iterable};

/// Bound parameters one statement may carry, under SQLite's limit.
const MAX_PARAMETERS: usize = 32_000;

/// Rows of `E` one INSERT may carry.
pub fn rows_per_statement<E: EntityTrait>() -> usize {
    (MAX_PARAMETERS / E::Column::iter().count().max(1)).max(1)
}

/// Inserts `rows` in as few statements as the limit allows.
///
/// # Errors
/// Database errors.
pub async fn insert_chunked<A>(tx: &Tx, rows: &[A]) -> AppResult<()>
where
    A: ActiveModelTrait + Clone + Send,
{
    for part in rows.chunks(rows_per_statement::<A::Entity>()) {
        A::Entity::insert_many(part.to_vec())
            .exec_without_returning(tx)
            .await?;
    }
    Ok(())
}
