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
    // Per account: its balance, and its auxiliary items' (items come sorted by account).
    let mut accounts: Vec<(&'static str, Balance, Vec<TrialItemOut>)> = Vec::new();
    let mut totals = Balance::default();
    for ((code, auxiliary), b) in items {
        if b == Balance::default() {
            continue;
        }
        totals.add(b);
        if accounts.last().is_none_or(|a| a.0 != code) {
            accounts.push((code, Balance::default(), Vec::new()));
        }
        if let Some((_, sum, list)) = accounts.last_mut() {
            sum.add(b);
            if let Some(x) = auxiliary {
                list.push(TrialItemOut {
                    auxiliary: names.auxiliary(x),
                    balance: out(b),
                });
            }
        }
    }
    let accounts = accounts
        .into_iter()
        .map(|(code, sum, items)| {
            let a = chart::find(books.chart(), code).ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!("account {code} left the chart"))
            })?;
            Ok(TrialAccountOut {
                account_code: code.to_owned(),
                account_name: a.name.to_owned(),
                class: a.class,
                side: a.side,
                balance: out(sum),
                items,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(TrialBalanceOut {
        collective_id,
        chart: books.chart(),
        from,
        to,
        accounts,
        totals: out(totals),
    })
}
