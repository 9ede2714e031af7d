//! The income statement (收益及收益分配表): each account's movement over the year (or the year to
//! date) and the same span of the year before, read from the trial balance, so it agrees with the
//! vouchers and the ledger.

use super::trial_balance::trial_balance;
use crate::domain::books::statement::{figures, lines};
use crate::domain::settlement::{change_centi_percent, format_centi_percent};
use crate::dto::books::{IncomeStatementLineOut, IncomeStatementOut, TrialBalanceOut};
use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use sea_orm::ConnectionTrait;

/// Credits less debits over the period, per account.
fn movement(t: &TrialBalanceOut) -> impl Fn(&str) -> i64 + '_ {
    |code| {
        t.accounts
            .iter()
            .find(|a| a.account_code == code)
            .map_or(0, |a| a.balance.credit_fen - a.balance.debit_fen)
    }
}

/// # Errors
/// 404 for an unknown collective; 422 for a year out of range or `to` outside the year.
pub async fn income_statement(
    db: &impl ConnectionTrait,
    collective_id: i64,
    year: i32,
    to: Option<NaiveDate>,
    keeper_setting: Option<i64>,
) -> AppResult<IncomeStatementOut> {
    let bad = || AppError::field("year", "must be between the years 2000 and 2100");
    if !(2000..=2100).contains(&year) {
        return Err(bad());
    }
    let from = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(bad)?;
    let end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(bad)?;
    let to = to.unwrap_or(end);
    if !(from..=end).contains(&to) {
        return Err(AppError::field("to", "must be a day of the year"));
    }
    // The same span a year earlier (29 February → 28 February).
    let back = |d: NaiveDate| {
        d.checked_sub_months(chrono::Months::new(12))
            .ok_or_else(|| AppError::field("to", "must be a day of the year"))
    };
    let current = trial_balance(db, collective_id, from, to, keeper_setting).await?;
    let previous = trial_balance(db, collective_id, back(from)?, back(to)?, keeper_setting).await?;
    let now = figures(current.chart, movement(&current));
    let then = figures(current.chart, movement(&previous));
    let income = |f: &[Option<i64>]| {
        lines(current.chart)
            .iter()
            .zip(f)
            .filter(|(l, _)| l.kind == crate::domain::books::statement::LineKind::Subtotal)
            .filter_map(|(_, v)| *v)
            .next_back()
            .unwrap_or(0)
    };
    let (income_fen, previous_income_fen) = (income(&now), income(&then));
    Ok(IncomeStatementOut {
        collective_id,
        chart: current.chart,
        from,
        to,
        lines: lines(current.chart)
            .iter()
            .zip(now.iter().zip(&then))
            .map(|(l, (c, p))| IncomeStatementLineOut {
                label: l.label.to_owned(),
                current_fen: *c,
                previous_fen: *p,
            })
            .collect(),
        income_fen,
        previous_income_fen,
        change_percent: change_centi_percent(previous_income_fen, income_fen)
            .map(format_centi_percent),
    })
}
