//! Many rows in one INSERT, as many as the bound-parameter limit allows for the table's width:
//! SQLite takes 32,766 parameters a statement (PostgreSQL 65,535), so a column added later
//! shrinks the statements instead of failing them.

use super::Tx;
use crate::error::AppResult;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbBackend, EntityTrait, Iterable, QueryTrait, Statement,
};

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
    for statement in insert_statements(tx.get_database_backend(), rows) {
        tx.execute_raw(statement).await?;
    }
    Ok(())
}

/// The INSERTs [`insert_chunked`] would run, built for `backend` but not run (none for no rows).
pub fn insert_statements<A>(backend: DbBackend, rows: &[A]) -> Vec<Statement>
where
    A: ActiveModelTrait + Clone,
{
    rows.chunks(rows_per_statement::<A::Entity>())
        .map(|part| A::Entity::insert_many(part.to_vec()).build(backend))
        .collect()
}

/// Several SQLite statements as one call; `None` if there are none.
///
/// SQLite's driver runs each connection on a worker thread of its own, and every call is a
/// hand-off to that thread and back: two thread wake-ups, which cost more than SQLite's own
/// work on a small order. Given one text of several statements, the driver runs them all in
/// turn on one hand-off, binding the parameters in order. PostgreSQL's extended protocol takes
/// one statement at a time (it has data-modifying CTEs instead, see [`super::json_rows`]).
pub fn one_call(statements: Vec<Statement>) -> Option<Statement> {
    let backend = statements.first()?.db_backend;
    debug_assert_eq!(backend, DbBackend::Sqlite, "one text of several statements");
    let mut sql = String::new();
    let mut values = Vec::new();
    for s in statements {
        if !sql.is_empty() {
            sql.push_str(";\n");
        }
        sql.push_str(&s.sql);
        values.extend(s.values.map(|v| v.0).unwrap_or_default());
    }
    Some(Statement::from_sql_and_values(backend, sql, values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_call_joins_the_texts_and_keeps_the_parameters_in_order() {
        let sqlite = DbBackend::Sqlite;
        let statements = vec![
            Statement::from_sql_and_values(sqlite, "INSERT INTO t (a) VALUES (?)", [1i64.into()]),
            Statement::from_string(sqlite, "DELETE FROM u"),
            Statement::from_sql_and_values(
                sqlite,
                "UPDATE v SET x = ? WHERE y = ?",
                [2i64.into(), 3i64.into()],
            ),
        ];
        let Some(call) = one_call(statements) else {
            panic!("three statements make a call");
        };
        assert_eq!(
            call.sql,
            "INSERT INTO t (a) VALUES (?);\nDELETE FROM u;\nUPDATE v SET x = ? WHERE y = ?"
        );
        assert_eq!(
            call.values.map(|v| v.0),
            Some(vec![1i64.into(), 2i64.into(), 3i64.into()])
        );
        assert!(one_call(Vec::new()).is_none());
    }
}
