//! An order's part of the sales figures, line by line and collective by collective: what the
//! sales reports add up. The same rules as settlement, so a settled order's commission here is
//! the commission in the ledger:
//! - a line's final amount is its catch-weight amount once its weighing is complete, else the
//!   ordered amount;
//! - the order's refunds come off its lines in proportion to their final amounts (largest
//!   remainder), and never more than the final amount;
//! - commission is computed on what remains (net sales), as settlement does after a refund; where
//!   the platforms' fees come off the commission base (the order says so), on net sales less
//!   the line's part of the fees, and the grower is owed that base less the commission;
//! - the order's shipping cost (its share of each parcel it travelled in) is spread over its
//!   lines by final amount (largest remainder), so it adds up exactly by any dimension;
//! - a line whose commission is shared by several collectives is split into one part per
//!   collective, every figure divided by the shares with the largest-remainder method, so the
//!   parts add up to the line exactly.
//!
//! A cancelled order keeps its lines with every figure zero: it is counted as cancelled and in
//! nothing else.

use super::commission::{on_base, split_signed, spread_by_amount};
use super::settlement::scale_amounts;
use super::units::{Fen, Grams};
use chrono::{Datelike, NaiveDate};

#[derive(Debug, Clone)]
pub struct FactLine {
    pub line_id: i64,
    pub by_weight: bool,
    /// Ordered: grams for by-weight products, pieces for by-piece ones.
    pub quantity: i64,
    pub weighed_g: Option<i64>,
    pub ordered_amount_fen: i64,
    /// The catch-weight amount of a line whose weighing is complete.
    pub weighed_amount_fen: Option<i64>,
    pub basis_points: i64,
    pub fen_per_jin: i64,
    /// (collective id, shares); empty when the line carries no commission.
    pub shares: Vec<(i64, u64)>,
}

/// One part of one line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Part {
    pub line_id: i64,
    pub collective_id: Option<i64>,
    pub quantity_g: i64,
    pub pieces: i64,
    pub ordered_amount_fen: i64,
    pub final_amount_fen: i64,
    pub refunds_fen: i64,
    pub net_sales_fen: i64,
    pub commission_fen: i64,
    pub grower_payable_fen: i64,
    pub shipping_cost_fen: i64,
    pub platform_fees_fen: i64,
}

impl Part {
    fn figures(&self) -> [i64; 10] {
        [
            self.quantity_g,
            self.pieces,
            self.ordered_amount_fen,
            self.final_amount_fen,
            self.refunds_fen,
            self.net_sales_fen,
            self.commission_fen,
            self.grower_payable_fen,
            self.shipping_cost_fen,
            self.platform_fees_fen,
        ]
    }

    fn with_figures(&self, collective_id: Option<i64>, f: [i64; 10]) -> Self {
        Self {
            line_id: self.line_id,
            collective_id,
            quantity_g: f[0],
            pieces: f[1],
            ordered_amount_fen: f[2],
            final_amount_fen: f[3],
            refunds_fen: f[4],
            net_sales_fen: f[5],
            commission_fen: f[6],
            grower_payable_fen: f[7],
            shipping_cost_fen: f[8],
            platform_fees_fen: f[9],
        }
    }
}

/// What an order adds to its lines' figures as a whole.
#[derive(Debug, Clone, Copy, Default)]
pub struct OrderAmounts {
    pub refunds_fen: i64,
    pub shipping_cost_fen: i64,
    /// What the platforms kept less what they added (fees − subsidies).
    pub platform_fees_fen: i64,
    /// Whether those fees come off the commission base (and so off what the grower is owed).
    pub fees_reduce_commission_base: bool,
    pub cancelled: bool,
}

/// The parts of an order's lines. `None` on overflow or nonsense (negative amounts).
pub fn parts(lines: &[FactLine], order: OrderAmounts) -> Option<Vec<Part>> {
    let OrderAmounts {
        refunds_fen,
        shipping_cost_fen,
        platform_fees_fen,
        fees_reduce_commission_base,
        cancelled,
    } = order;
    let finals: Vec<i64> = lines
        .iter()
        .map(|l| l.weighed_amount_fen.unwrap_or(l.ordered_amount_fen))
        .collect();
    let total = finals.iter().try_fold(0i64, |a, f| a.checked_add(*f))?;
    let nets = scale_amounts(&finals, total - refunds_fen.clamp(0, total))?;
    let shipping = spread_by_amount(&finals, shipping_cost_fen)?;
    let fees = spread_by_amount(&finals, platform_fees_fen)?;
    let mut out = Vec::with_capacity(lines.len());
    for ((((l, final_fen), net), shipping_fen), fees_fen) in
        lines.iter().zip(finals).zip(nets).zip(shipping).zip(fees)
    {
        // Where the fees come off the commission base, the grower bears them too: what the
        // grower is owed is the base less the commission (as settlement posts it).
        let base_fees = if fees_reduce_commission_base {
            fees_fen
        } else {
            0
        };
        let commission = if l.shares.is_empty() {
            0
        } else {
            on_base(
                net,
                base_fees,
                l.basis_points,
                Fen::new(l.fen_per_jin),
                Grams::new(l.weighed_g.unwrap_or(0)),
            )?
        };
        let (quantity_g, pieces) = if l.by_weight {
            (l.weighed_g.unwrap_or(l.quantity), 0)
        } else {
            (0, l.quantity)
        };
        let whole = Part {
            line_id: l.line_id,
            collective_id: None,
            quantity_g,
            pieces,
            ordered_amount_fen: l.ordered_amount_fen,
            final_amount_fen: final_fen,
            refunds_fen: final_fen - net,
            net_sales_fen: net,
            commission_fen: commission,
            grower_payable_fen: net - base_fees - commission,
            shipping_cost_fen: shipping_fen,
            platform_fees_fen: fees_fen,
        };
        let whole = if cancelled {
            whole.with_figures(None, [0; 10])
        } else {
            whole
        };
        if l.shares.is_empty() {
            out.push(whole);
            continue;
        }
        let weights: Vec<u64> = l.shares.iter().map(|s| s.1).collect();
        let mut split: Vec<[i64; 10]> = vec![[0; 10]; weights.len()];
        for (k, figure) in whole.figures().into_iter().enumerate() {
            for (i, part) in split_signed(figure, &weights)?.into_iter().enumerate() {
                split[i][k] = part;
            }
        }
        for ((collective, _), f) in l.shares.iter().zip(split) {
            out.push(whole.with_figures(Some(*collective), f));
        }
    }
    Some(out)
}

/// `20260930`.
pub fn day_key(d: NaiveDate) -> i32 {
    d.year() * 10_000 + (d.month() * 100 + d.day()).cast_signed()
}

/// The day key of the ISO week's Monday.
pub fn week_key(d: NaiveDate) -> i32 {
    day_key(week_start(d))
}

pub fn week_start(d: NaiveDate) -> NaiveDate {
    d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// `202609`.
pub fn month_key(d: NaiveDate) -> i32 {
    d.year() * 100 + d.month().cast_signed()
}

/// The date of a day key; `None` for a key that is no date.
pub fn from_day_key(k: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        k / 10_000,
        u32::try_from(k / 100 % 100).ok()?,
        u32::try_from(k % 100).ok()?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: i64, amount: i64, shares: Vec<(i64, u64)>) -> FactLine {
        FactLine {
            line_id: id,
            by_weight: true,
            quantity: 5_000,
            weighed_g: Some(5_000),
            ordered_amount_fen: amount,
            weighed_amount_fen: Some(amount),
            basis_points: 1_000,
            fen_per_jin: 0,
            shares,
        }
    }

    fn sum(parts: &[Part], f: impl Fn(&Part) -> i64) -> i64 {
        parts.iter().map(f).sum()
    }

    #[test]
    fn a_line_shared_by_two_collectives_splits_every_figure_exactly() {
        // 1,001 fen at 10 %: commission 100 fen, split 1:2 → 33 and 67 (largest remainder).
        let p = parts(
            &[line(1, 1_001, vec![(7, 1), (8, 2)])],
            OrderAmounts::default(),
        )
        .unwrap_or_default();
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].collective_id, p[0].commission_fen), (Some(7), 33));
        assert_eq!((p[1].collective_id, p[1].commission_fen), (Some(8), 67));
        assert_eq!(sum(&p, |x| x.final_amount_fen), 1_001);
        assert_eq!(sum(&p, |x| x.grower_payable_fen), 901);
        assert_eq!(sum(&p, |x| x.quantity_g), 5_000);
    }

    #[test]
    fn shipping_spreads_over_lines_by_amount_and_shares_to_the_fen() {
        // 1,000 fen of shipping over 2,000 + 1,000 fen: 667 and 333; the first line's part split
        // 1:2 between two collectives: 222 and 445.
        let p = parts(
            &[line(1, 2_000, vec![(7, 1), (8, 2)]), line(2, 1_000, vec![])],
            OrderAmounts {
                shipping_cost_fen: 1_000,
                ..OrderAmounts::default()
            },
        )
        .unwrap_or_default();
        let shipping: Vec<i64> = p.iter().map(|x| x.shipping_cost_fen).collect();
        assert_eq!(shipping, [222, 445, 333]);
        assert_eq!(sum(&p, |x| x.net_sales_fen), 3_000, "shipping is no sale");
        let cancelled = parts(
            &[line(1, 2_000, vec![])],
            OrderAmounts {
                shipping_cost_fen: 1_000,
                cancelled: true,
                ..OrderAmounts::default()
            },
        )
        .unwrap_or_default();
        assert_eq!(sum(&cancelled, |x| x.shipping_cost_fen), 0);
    }

    #[test]
    fn platform_fees_spread_like_shipping_and_may_be_negative() {
        let p = parts(
            &[line(1, 2_000, vec![(7, 1), (8, 2)]), line(2, 1_000, vec![])],
            OrderAmounts {
                platform_fees_fen: -100,
                ..OrderAmounts::default()
            },
        )
        .unwrap_or_default();
        let fees: Vec<i64> = p.iter().map(|x| x.platform_fees_fen).collect();
        assert_eq!(fees, [-22, -45, -33]);
        assert_eq!(
            sum(&p, |x| x.commission_fen),
            sum(
                &parts(
                    &[line(1, 2_000, vec![(7, 1), (8, 2)]), line(2, 1_000, vec![])],
                    OrderAmounts::default(),
                )
                .unwrap_or_default(),
                |x| x.commission_fen
            ),
            "fees leave the commission alone"
        );
    }

    #[test]
    fn refunds_come_off_the_lines_by_amount_and_commission_follows() {
        let p = parts(
            &[line(1, 3_000, vec![(7, 1)]), line(2, 1_000, vec![])],
            OrderAmounts {
                refunds_fen: 400,
                ..OrderAmounts::default()
            },
        )
        .unwrap_or_default();
        assert_eq!(sum(&p, |x| x.refunds_fen), 400);
        assert_eq!((p[0].refunds_fen, p[1].refunds_fen), (300, 100));
        assert_eq!(p[0].net_sales_fen, 2_700);
        assert_eq!(p[0].commission_fen, 270);
        assert_eq!(p[1].commission_fen, 0);
        // A refund larger than the sale takes the sale to zero, not below.
        let all = parts(
            &[line(1, 3_000, vec![])],
            OrderAmounts {
                refunds_fen: 9_000,
                ..OrderAmounts::default()
            },
        )
        .unwrap_or_default();
        assert_eq!((all[0].refunds_fen, all[0].net_sales_fen), (3_000, 0));
    }

    #[test]
    fn an_unweighed_line_counts_its_ordered_amount_and_a_cancelled_order_nothing() {
        let mut l = line(1, 2_000, vec![(7, 1)]);
        l.weighed_amount_fen = None;
        l.weighed_g = None;
        let p = parts(&[l.clone()], OrderAmounts::default()).unwrap_or_default();
        assert_eq!((p[0].final_amount_fen, p[0].quantity_g), (2_000, 5_000));
        let c = parts(
            &[l],
            OrderAmounts {
                cancelled: true,
                ..OrderAmounts::default()
            },
        )
        .unwrap_or_default();
        assert_eq!(c[0].figures(), [0; 10]);
        assert_eq!(c[0].collective_id, Some(7));
    }

    #[test]
    fn date_keys() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap_or_default();
        assert_eq!(day_key(d), 20_261_231);
        assert_eq!(month_key(d), 202_612);
        assert_eq!(week_key(d), 20_261_228); // Thursday → Monday 28th
        assert_eq!(
            from_day_key(20_240_229),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        assert_eq!(from_day_key(20_230_229), None);
    }
}
