//! Many rows as one parameter, on PostgreSQL: the rows go as one JSON array that
//! `json_populate_recordset` turns back into rows of the table's own type.
//!
//! Why: an INSERT of 200 lines with their sales facts and log rows as `VALUES` lists binds
//! about 15,000 parameters. Building, binding and planning them cost more than writing the
//! rows (sea-query's expression tree and sqlx's encoding were the top of the service's profile
//! on a 200-line order, and PostgreSQL spent longer binding than inserting). One JSON text keeps
//! the statement's text the same whatever the number of rows, so it is prepared once.

use crate::error::{AppError, AppResult};
use sea_orm::{EntityTrait, IdenStatic, Iterable};

/// Rows of one table as a JSON array of objects keyed by column name, and the columns given.
pub struct JsonRows {
    table: &'static str,
    columns: Vec<&'static str>,
    json: String,
}

impl JsonRows {
    /// Rows of entity `E` as serde writes its models (field names are column names), with
    /// every column but those in `leave_out` (an id the database gives).
    ///
    /// # Errors
    /// A model that does not serialize (500).
    pub fn of_models<E>(rows: &[E::Model], leave_out: &[&str]) -> AppResult<Self>
    where
        E: EntityTrait,
        E::Model: serde::Serialize,
    {
        let json = serde_json::to_string(rows).map_err(|e| {
            AppError::Internal(anyhow::anyhow!(
                "rows of {}: {e}",
                E::default().table_name()
            ))
        })?;
        Ok(Self {
            table: E::default().table_name(),
            columns: E::Column::iter()
                .map(|c| c.as_str())
                .filter(|c| !leave_out.contains(c))
                .collect(),
            json,
        })
    }

    /// Rows given column by column: `columns` names them, each row's values in that order.
    pub fn from_values(
        table: &'static str,
        columns: Vec<&'static str>,
        rows: impl IntoIterator<Item = Vec<serde_json::Value>>,
    ) -> Self {
        let mut json = String::from("[");
        for (i, row) in rows.into_iter().enumerate() {
            push_object(&mut json, i, &columns, row);
        }
        json.push(']');
        Self {
            table,
            columns,
            json,
        }
    }

    /// `INSERT INTO table (columns) SELECT columns FROM json_populate_recordset(…, $n)`: the
    /// rows are parameter `$n`, to be bound as [`Self::param`].
    pub fn insert_sql(&self, n: usize) -> String {
        let cols = self
            .columns
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "INSERT INTO \"{t}\" ({cols}) SELECT {cols} FROM json_populate_recordset(NULL::\"{t}\", ${n}::json)",
            t = self.table
        )
    }

    /// The rows, as the text to bind.
    pub fn param(self) -> sea_orm::Value {
        self.json.into()
    }
}

/// Appends the `i`th row of the array as an object: each column name (a plain identifier) with
/// its value.
fn push_object(
    json: &mut String,
    i: usize,
    columns: &[&'static str],
    values: impl IntoIterator<Item = serde_json::Value>,
) {
    if i > 0 {
        json.push(',');
    }
    json.push('{');
    for (j, (column, value)) in columns.iter().zip(values).enumerate() {
        if j > 0 {
            json.push(',');
        }
        json.push('"');
        json.push_str(column);
        json.push_str("\":");
        json.push_str(&value.to_string());
    }
    json.push('}');
}

/// One statement (PostgreSQL) inserting every set of rows: the first as the statement's own
/// INSERT, followed by `tail` (a `RETURNING` clause, or nothing), the others as data-modifying
/// CTEs before it. `None` if there are no sets.
pub fn insert_all(sets: Vec<JsonRows>, tail: &str) -> Option<sea_orm::Statement> {
    let mut sql = String::new();
    for (i, set) in sets.iter().enumerate().skip(1) {
        sql.push_str(if i == 1 { "WITH " } else { ", " });
        sql.push_str(&format!("w{i} AS ({})", set.insert_sql(i + 1)));
    }
    sql.push(' ');
    sql.push_str(&sets.first()?.insert_sql(1));
    sql.push(' ');
    sql.push_str(tail);
    Some(sea_orm::Statement::from_sql_and_values(
        sea_orm::DbBackend::Postgres,
        sql.trim(),
        sets.into_iter().map(JsonRows::param),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhunong_entity::order_line;

    #[test]
    fn rows_become_one_json_array_and_a_fixed_statement() {
        let line = order_line::Model {
            id: 7,
            order_id: 3,
            line_no: 1,
            batch_id: 2,
            quantity: 500,
            unit_price_fen: 300,
            amount_fen: 300,
            weighed_g: None,
            final_amount_fen: None,
            flagged: false,
            weighing_completed_at: None,
            stock_beyond_order: 0,
            commission_rule_id: Some(1),
            commission_bp: Some(500),
            commission_fen_per_jin: None,
            commission_shares: Some(serde_json::json!([{"collective_id": 1, "shares": 1}])),
            fixed_amount: false,
        };
        let rows = JsonRows::of_models::<order_line::Entity>(&[line], &["id"])
            .unwrap_or_else(|e| panic!("{e}"));
        let sql = rows.insert_sql(1);
        assert!(
            sql.starts_with("INSERT INTO \"order_lines\" (\"order_id\", \"line_no\", ")
                && sql.ends_with(
                    "\"fixed_amount\" FROM json_populate_recordset(NULL::\"order_lines\", $1::json)"
                )
                && !sql.contains("\"id\""),
            "{sql}"
        );
        let back: serde_json::Value = serde_json::from_str(&rows.json).unwrap_or_default();
        assert_eq!(
            back[0]["commission_shares"][0]["shares"], 1,
            "{}",
            rows.json
        );
        assert_eq!(back[0]["weighed_g"], serde_json::Value::Null);

        let text = JsonRows::from_values("t", vec!["a", "b"], [vec!["b\"c".into(), 1.into()]]);
        assert_eq!(text.json, r#"[{"a":"b\"c","b":1}]"#);
        assert_eq!(
            text.insert_sql(2),
            "INSERT INTO \"t\" (\"a\", \"b\") SELECT \"a\", \"b\" FROM json_populate_recordset(NULL::\"t\", $2::json)"
        );
    }
}
