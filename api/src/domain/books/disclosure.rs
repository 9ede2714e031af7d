//! The public finance sheet (财务公开): its periods, and its income and spending item by item,
//! drawn from the period's vouchers so that it agrees with the books to the fen.

use super::chart::{self, AccountClass, Side};
use crate::dto::disclosure::{SheetAccount, SheetItem};
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;
use zhunong_entity::enums::{Chart, TransactionKind};

/// A sheet's period: a quarter (`2026-Q4`) or a month (`2026-11`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub key: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// `None` for anything but `YYYY-Qn` or `YYYY-MM` from the year 2000 on.
    pub fn parse(text: &str) -> Option<Self> {
        if let Some((year, q)) = text.split_once("-Q") {
            let year: i32 = year.parse().ok().filter(|y| (2000..=2100).contains(y))?;
            let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
            let from = NaiveDate::from_ymd_opt(year, q * 3 - 2, 1)?;
            let to = from
                .checked_add_months(chrono::Months::new(3))?
                .pred_opt()?;
            return (text.len() == 7).then(|| Self {
                key: text.to_owned(),
                from,
                to,
            });
        }
        let (from, to) = super::closing::month_days(text)?;
        (from.year() <= 2100).then(|| Self {
            key: text.to_owned(),
            from,
            to,
        })
    }

    /// `2026年第四季度`, `2026年11月`.
    pub fn text(&self) -> String {
        if self.key.contains('Q') {
            let q = ["一", "二", "三", "四"][(self.from.month0() / 3) as usize];
            format!("{}年第{q}季度", self.from.year())
        } else {
            format!("{}年{}月", self.from.year(), self.from.month())
        }
    }

    /// The months it spans, as `2026-10`.
    pub fn months(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut d = self.from;
        while d <= self.to {
            out.push(d.format("%Y-%m").to_string());
            let Some(next) = d.checked_add_months(chrono::Months::new(1)) else {
                break;
            };
            d = next;
        }
        out
    }
}

/// Which way an account of the income statement counts on the sheet.
fn side_of(c: Chart, code: &str) -> Option<Side> {
    chart::find(c, code)
        .filter(|a| a.class == AccountClass::ProfitLoss)
        .map(|a| a.side)
}

/// One line of a voucher, with what the sheet needs of its voucher.
pub struct VoucherLine<'a> {
    pub kind: TransactionKind,
    pub date: NaiveDate,
    pub number: &'a str,
    pub summary: &'a str,
    pub account_code: &'a str,
    pub account_name: &'a str,
    pub debit_fen: i64,
    pub credit_fen: i64,
}

/// The income and the spending of the vouchers' `lines`, per account of `c`, item by item. The sales a
/// month's settlements (and their reversals) bring are one item per account and month, with the
/// count of vouchers behind it; anything else (a rent, a grant, a platform's bill) is an item of
/// its own. Accounts and items that come to nothing are left out.
pub fn income_and_spending(
    c: Chart,
    lines: &[VoucherLine<'_>],
) -> (Vec<SheetAccount>, Vec<SheetAccount>) {
    // Per account: its side and items; per (account, month): where its summed item stands
    // among them, and how many vouchers it sums.
    let mut accounts: Vec<(Side, SheetAccount)> = Vec::new();
    let mut summed: HashMap<(String, u32), (usize, usize)> = HashMap::new();
    for l in lines {
        let Some(side) = side_of(c, l.account_code) else {
            continue;
        };
        let amount = match side {
            Side::Credit => l.credit_fen - l.debit_fen,
            Side::Debit => l.debit_fen - l.credit_fen,
        };
        let a = match accounts
            .iter()
            .position(|(_, x)| x.account_code == l.account_code)
        {
            Some(i) => i,
            None => {
                accounts.push((
                    side,
                    SheetAccount {
                        account_code: l.account_code.to_owned(),
                        account_name: l.account_name.to_owned(),
                        total_fen: 0,
                        items: Vec::new(),
                    },
                ));
                accounts.len() - 1
            }
        };
        let account = &mut accounts[a].1;
        account.total_fen += amount;
        if matches!(
            l.kind,
            TransactionKind::Settlement | TransactionKind::Reversal
        ) {
            let key = (
                l.account_code.to_owned(),
                l.date.year().cast_unsigned() * 100 + l.date.month(),
            );
            let (i, n) = summed.entry(key).or_insert_with(|| {
                account.items.push(SheetItem {
                    date: None,
                    text: String::new(),
                    amount_fen: 0,
                });
                (account.items.len() - 1, 0)
            });
            *n += 1;
            account.items[*i].amount_fen += amount;
            account.items[*i].text = format!("{}月 订单结算（{} 张凭证）", l.date.month(), n);
        } else {
            account.items.push(SheetItem {
                date: Some(l.date),
                text: format!("{} {}", l.number, l.summary),
                amount_fen: amount,
            });
        }
    }
    let (mut income, mut spending) = (Vec::new(), Vec::new());
    for (side, mut a) in accounts {
        a.items.retain(|i| i.amount_fen != 0);
        if a.total_fen == 0 && a.items.is_empty() {
            continue;
        }
        match side {
            Side::Credit => income.push(a),
            Side::Debit => spending.push(a),
        }
    }
    income.sort_by(|x, y| x.account_code.cmp(&y.account_code));
    spending.sort_by(|x, y| x.account_code.cmp(&y.account_code));
    (income, spending)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_quarters_or_months() {
        let q = Period::parse("2026-Q4").unwrap_or_else(|| panic!("a quarter"));
        assert_eq!(
            (q.from.to_string(), q.to.to_string(), q.text()),
            (
                "2026-10-01".into(),
                "2026-12-31".into(),
                "2026年第四季度".into()
            )
        );
        assert_eq!(q.months(), ["2026-10", "2026-11", "2026-12"]);
        let m = Period::parse("2026-02").unwrap_or_else(|| panic!("a month"));
        assert_eq!(
            (m.to.to_string(), m.text()),
            ("2026-02-28".into(), "2026年2月".into())
        );
        for bad in [
            "2026-Q5", "2026-Q0", "2026-13", "26-Q1", "2026-Q12", "1999-Q4", "2026",
        ] {
            assert!(Period::parse(bad).is_none(), "{bad}");
        }
    }
}
