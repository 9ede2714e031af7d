//! The trial balance (科目余额表) of a period: per account and auxiliary item, the opening
//! balance, the debits and credits of the period's vouchers, and the closing balance. It adds up
//! the very lines the vouchers print, so the two agree to the fen.

use super::accounts::Books;
use super::entries::{self, Names};
use crate::domain::books::chart;
use crate::domain::books::mapping::Auxiliary;
use crate::domain::books::voucher::Balance;
use crate::dto::books::{BalanceOut, TrialAccountOut, TrialBalanceOut, TrialItemOut};
use crate::error::{AppError, AppResult, Validator};
use chrono::NaiveDate;
use sea_orm::ConnectionTrait;
use std::collections::BTreeMap;

/// Longest period one trial balance covers.
pub const MAX_TRIAL_DAYS: i64 = 3 * 366;

fn out(b: Balance) -> BalanceOut {
    BalanceOut {
        opening_fen: b.opening_fen,
        debit_fen: b.debit_fen,
        credit_fen: b.credit_fen,
        closing_fen: b.closing_fen(),
    }
}

/// # Errors
/// 404 for an unknown collective; 422 for `to` before `from` or a period over three years;
/// 409 `unmapped_posting`.
pub async fn trial_balance(
    db: &impl ConnectionTrait,
    collective_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    keeper_setting: Option<i64>,
) -> AppResult<TrialBalanceOut> {
    let mut v = Validator::default();
    v.check(from <= to, "to", "must not be before from");
    v.check(
        (to - from).num_days() < MAX_TRIAL_DAYS,
        "to",
        format!("the period may be at most {MAX_TRIAL_DAYS} days"),
    );
    v.finish()?;
    let books = Books::load(db, collective_id, keeper_setting).await?;
    let names = Names::load(db).await?;
    let mut items: BTreeMap<(&'static str, Option<Auxiliary>), Balance> = BTreeMap::new();
    for l in entries::opening(db, &books, &names, from).await? {
        items.entry((l.code, l.auxiliary)).or_default().opening_fen += l.amount_fen;
    }
    for t in entries::transactions(db, &books, from, to).await? {
        for l in entries::lines(&books, &names, &t)? {
            items
                .entry((l.code, l.auxiliary))
                .or_default()
                .post(l.amount_fen);
        }
    }
    let mut accounts: Vec<TrialAccountOut> = Vec::new();
    let mut totals = Balance::default();
    for ((code, auxiliary), b) in items {
        if b == Balance::default() {
            continue;
        }
        totals.add(b);
        if accounts.last().is_none_or(|a| a.account_code != code) {
            let a = chart::find(books.chart(), code).ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!("account {code} left the chart"))
            })?;
            accounts.push(TrialAccountOut {
                account_code: code.to_owned(),
                account_name: a.name.to_owned(),
                class: a.class,
                side: a.side,
                balance: BalanceOut::default(),
                items: Vec::new(),
            });
        }
        if let Some(a) = accounts.last_mut() {
            let mut sum = Balance {
                opening_fen: a.balance.opening_fen,
                debit_fen: a.balance.debit_fen,
                credit_fen: a.balance.credit_fen,
            };
            sum.add(b);
            a.balance = out(sum);
            if let Some(x) = auxiliary {
                a.items.push(TrialItemOut {
                    auxiliary: names.auxiliary(x),
                    balance: out(b),
                });
            }
        }
    }
    Ok(TrialBalanceOut {
        collective_id,
        chart: books.chart(),
        from,
        to,
        accounts,
        totals: out(totals),
    })
}
