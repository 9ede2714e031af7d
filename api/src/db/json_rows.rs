//! PostgreSQL: many rows in one statement as one JSON parameter, read back into the table's own
//! row type with `json_populate_recordset`.
//!
//! A multi-row `VALUES` list binds one parameter per column per row: a 200-line order's lines,
//! sales facts and daily totals came to some 13,000. Building, binding and planning those cost
//! more than the rows' writes. One JSON text per table costs one parameter, and the statement's
//! text no longer depends on the row count, so one prepared statement serves every order.

use crate::error::{AppError, AppResult};
use sea_orm::sea_query::{OptionEnum, Value};
use sea_orm::{EntityTrait, IdenStatic, Iterable, ModelTrait};
use std::fmt::Write as _;

/// The rows as a JSON array of objects named by column, leaving out the columns in `skip`
/// (an id the database assigns). Columns missing from an object are NULL to
/// `json_populate_recordset`, so every column to be stored must be here.
///
/// # Errors
/// A column of a type this does not write (500): only the types stored by the callers are.
pub fn rows_json<M: ModelTrait>(
    rows: &[M],
    skip: &[<M::Entity as EntityTrait>::Column],
) -> AppResult<String> {
    let columns = columns_of::<M::Entity>(skip);
    let mut out = String::with_capacity(rows.len() * columns.len() * 24 + 2);
    out.push('[');
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('{');
        for (j, c) in columns.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            push_str(&mut out, c.as_str());
            out.push(':');
            push_value(&mut out, &row.get(*c), c.as_str())?;
        }
        out.push('}');
    }
    out.push(']');
    Ok(out)
}

/// A JSON array of objects with these `names` and, row by row, these integer or text `values`.
pub fn objects_json(
    names: &[&str],
    rows: impl Iterator<Item = Vec<Value>>,
    capacity: usize,
) -> AppResult<String> {
    let mut out = String::with_capacity(capacity * names.len() * 24 + 2);
    out.push('[');
    for (i, row) in rows.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('{');
        for (j, (name, value)) in names.iter().zip(&row).enumerate() {
            if j > 0 {
                out.push(',');
            }
            push_str(&mut out, name);
            out.push(':');
            push_value(&mut out, value, name)?;
        }
        out.push('}');
    }
    out.push(']');
    Ok(out)
}

/// `SELECT <columns> FROM json_populate_recordset(NULL::<table>, $<param>::json)`: the rows of
/// a [`rows_json`] parameter, typed as the table's columns.
pub fn select_rows(table: &str, columns: &[&str], param: usize) -> String {
    format!(
        "SELECT {} FROM json_populate_recordset(NULL::{table}, ${param}::json)",
        columns.join(", ")
    )
}

/// The names of `E`'s columns, without those in `skip`.
pub fn column_names<E: EntityTrait>(skip: &[E::Column]) -> Vec<&'static str> {
    columns_of::<E>(skip)
        .iter()
        .map(IdenStatic::as_str)
        .collect()
}

fn columns_of<E: EntityTrait>(skip: &[E::Column]) -> Vec<E::Column> {
    E::Column::iter()
        .filter(|c| !skip.iter().any(|s| s.as_str() == c.as_str()))
        .collect()
}

fn push_str(out: &mut String, s: &str) {
    // A str always serialises.
    out.push_str(&serde_json::Value::from(s).to_string());
}

fn push_value(out: &mut String, v: &Value, column: &str) -> AppResult<()> {
    match v {
        Value::Bool(Some(b)) => out.push_str(if *b { "true" } else { "false" }),
        Value::SmallInt(Some(n)) => write_num(out, n),
        Value::Int(Some(n)) => write_num(out, n),
        Value::BigInt(Some(n)) => write_num(out, n),
        Value::String(Some(s)) => push_str(out, s),
        Value::Enum(OptionEnum::Some(e)) => push_str(out, &e.value),
        Value::Json(Some(j)) => out.push_str(&j.to_string()),
        Value::ChronoDateTimeUtc(Some(t)) => push_str(out, &t.to_rfc3339()),
        Value::Bool(None)
        | Value::SmallInt(None)
        | Value::Int(None)
        | Value::BigInt(None)
        | Value::String(None)
        | Value::Enum(OptionEnum::None(_))
        | Value::Json(None)
        | Value::ChronoDateTimeUtc(None) => out.push_str("null"),
        other => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "column {column}: {other:?} is not written as JSON"
            )));
        }
    }
    Ok(())
}

fn write_num(out: &mut String, n: &impl std::fmt::Display) {
    // Writing to a String cannot fail.
    let _ = write!(out, "{n}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use zhunong_entity::order_line;

    fn line() -> order_line::Model {
        order_line::Model {
            id: 7,
            order_id: 3,
            line_no: 1,
            batch_id: 9,
            quantity: 2,
            unit_price_fen: 1_250,
            amount_fen: 2_500,
            weighed_g: None,
            final_amount_fen: None,
            flagged: false,
            weighing_completed_at: None,
            stock_beyond_order: 0,
            commission_rule_id: Some(4),
            commission_bp: Some(500),
            commission_fen_per_jin: None,
            commission_shares: Some(serde_json::json!([{"collective_id": 1, "shares": 2}])),
        }
    }

    type Outcome = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn rows_read_back_as_the_models_columns() -> Outcome {
        let text = rows_json(&[line(), line()], &[order_line::Column::Id])?;
        let parsed: serde_json::Value = serde_json::from_str(&text)?;
        let rows = parsed.as_array().ok_or("an array")?;
        assert_eq!(rows.len(), 2);
        let first = rows[0].as_object().ok_or("an object")?;
        assert!(!first.contains_key("id"));
        assert_eq!(first["order_id"], 3);
        assert_eq!(first["unit_price_fen"], 1_250);
        assert_eq!(first["weighed_g"], serde_json::Value::Null);
        assert_eq!(first["flagged"], false);
        assert_eq!(first["commission_shares"][0]["shares"], 2);
        let columns = column_names::<order_line::Entity>(&[order_line::Column::Id]);
        assert_eq!(first.len(), columns.len());
        Ok(())
    }

    #[test]
    fn text_is_escaped() -> Outcome {
        let rows = objects_json(
            &["channel", "n"],
            std::iter::once(vec![Value::from("a\"b\\c"), Value::from(5i64)]),
            1,
        )?;
        let parsed: serde_json::Value = serde_json::from_str(&rows)?;
        assert_eq!(parsed[0]["channel"], "a\"b\\c");
        assert_eq!(parsed[0]["n"], 5);
        Ok(())
    }
}
