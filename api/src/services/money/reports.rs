//! A collective's income for a year: by category and month, with the change on the year before
//! as an exact percentage. One grouped SQL aggregate per year; integers throughout.

use crate::domain::settlement::{change_centi_percent, format_centi_percent};
use crate::dto::money::{CategoryMonths, IncomeQuery, IncomeReport};
use crate::error::{AppResult, Validator};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QuerySelect};
use std::collections::BTreeMap;
use zhunong_entity::enums::IncomeCategory;
use zhunong_entity::ledger_entry;

async fn by_category_and_period(
    db: &impl ConnectionTrait,
    collective_id: i64,
    year: i32,
) -> AppResult<Vec<(Option<IncomeCategory>, i32, Option<i64>)>> {
    Ok(ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::Category)
        .column(ledger_entry::Column::Period)
        .column_as(
            Expr::col(ledger_entry::Column::AmountFen)
                .sum()
                .cast_as("BIGINT"),
            "amount",
        )
        .filter(ledger_entry::Column::CollectiveId.eq(collective_id))
        .filter(ledger_entry::Column::Period.between(year * 100 + 1, year * 100 + 12))
        .group_by(ledger_entry::Column::Category)
        .group_by(ledger_entry::Column::Period)
        .into_tuple()
        .all(db)
        .await?)
}

/// # Errors
/// 422 for a year outside 2000–2100.
pub async fn collective_income(
    db: &impl ConnectionTrait,
    q: IncomeQuery,
) -> AppResult<IncomeReport> {
    let mut v = Validator::default();
    v.check(
        (2000..=2100).contains(&q.year),
        "year",
        "between 2000 and 2100",
    );
    v.finish()?;
    let mut categories: BTreeMap<IncomeCategory, Vec<i64>> = BTreeMap::new();
    let mut months = vec![0i64; 12];
    for (category, period, amount) in by_category_and_period(db, q.collective_id, q.year).await? {
        // Credits to the collective are negative; income is their negation.
        let income = -amount.unwrap_or(0);
        let m = usize::try_from(period % 100 - 1).unwrap_or(0).min(11);
        categories
            .entry(category.unwrap_or(IncomeCategory::Other))
            .or_insert_with(|| vec![0; 12])[m] += income;
        months[m] += income;
    }
    let total: i64 = months.iter().sum();
    let previous: i64 = by_category_and_period(db, q.collective_id, q.year - 1)
        .await?
        .iter()
        .map(|r| -r.2.unwrap_or(0))
        .sum();
    Ok(IncomeReport {
        collective_id: q.collective_id,
        year: q.year,
        categories: categories
            .into_iter()
            .map(|(category, months_fen)| CategoryMonths {
                category,
                total_fen: months_fen.iter().sum(),
                months_fen,
            })
            .collect(),
        months_fen: months,
        total_fen: total,
        previous_year_total_fen: previous,
        change_percent: change_centi_percent(previous, total).map(format_centi_percent),
    })
}
