//! A voucher (记账凭证) is one ledger transaction in the chart's accounts: its entries mapped,
//! then netted per account and auxiliary item, debits first. The trial balance (科目余额表) adds
//! up the same lines, so the two always agree.

use super::mapping::Auxiliary;
use std::collections::BTreeMap;

/// One line of a voucher: debit positive, credit negative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub code: &'static str,
    pub auxiliary: Option<Auxiliary>,
    pub amount_fen: i64,
}

/// The lines of one voucher from its mapped entries: netted per (account, auxiliary item), lines
/// that net to zero dropped, debits first, then by code. `None` on overflow.
pub fn lines(
    entries: impl IntoIterator<Item = (&'static str, Option<Auxiliary>, i64)>,
) -> Option<Vec<Line>> {
    let mut net: BTreeMap<(&'static str, Option<Auxiliary>), i64> = BTreeMap::new();
    for (code, auxiliary, amount) in entries {
        let e = net.entry((code, auxiliary)).or_insert(0);
        *e = e.checked_add(amount)?;
    }
    let mut out: Vec<Line> = net
        .into_iter()
        .filter(|(_, amount)| *amount != 0)
        .map(|((code, auxiliary), amount_fen)| Line {
            code,
            auxiliary,
            amount_fen,
        })
        .collect();
    out.sort_by_key(|l| (l.amount_fen < 0, l.code, l.auxiliary));
    Some(out)
}

/// Opening balance, debits, credits and closing balance of an account or item over a period;
/// balances signed, debit positive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Balance {
    pub opening_fen: i64,
    pub debit_fen: i64,
    pub credit_fen: i64,
}

impl Balance {
    pub fn closing_fen(self) -> i64 {
        self.opening_fen + self.debit_fen - self.credit_fen
    }

    /// Adds a voucher line of the period.
    pub fn post(&mut self, amount_fen: i64) {
        if amount_fen >= 0 {
            self.debit_fen += amount_fen;
        } else {
            self.credit_fen -= amount_fen;
        }
    }

    pub fn add(&mut self, other: Self) {
        self.opening_fen += other.opening_fen;
        self.debit_fen += other.debit_fen;
        self.credit_fen += other.credit_fen;
    }
}

/// `记-0012`.
pub fn number(n: usize) -> String {
    format!("记-{n:04}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_settlement_nets_per_grower_and_lists_debits_first() {
        // Cash 100.00 in; the grower is owed 100.00 less 10.00 commission; the collective earns 10.00.
        let g = Some(Auxiliary::Grower(7));
        let l = lines([
            ("102", None, 10_000),
            ("113", g, -10_000),
            ("113", g, 1_000),
            ("501", None, -1_000),
        ])
        .unwrap_or_default();
        assert_eq!(
            l,
            vec![
                Line {
                    code: "102",
                    auxiliary: None,
                    amount_fen: 10_000
                },
                Line {
                    code: "113",
                    auxiliary: g,
                    amount_fen: -9_000
                },
                Line {
                    code: "501",
                    auxiliary: None,
                    amount_fen: -1_000
                },
            ]
        );
        assert_eq!(l.iter().map(|x| x.amount_fen).sum::<i64>(), 0);
    }

    #[test]
    fn a_balance_closes_as_opening_plus_debit_less_credit() {
        let mut b = Balance {
            opening_fen: -500,
            ..Balance::default()
        };
        b.post(300);
        b.post(-1_000);
        assert_eq!(
            (b.debit_fen, b.credit_fen, b.closing_fen()),
            (300, 1_000, -1_200)
        );
        assert_eq!(number(12), "记-0012");
    }
}
