//! Settling an order: its final amount posted as grower payable plus commission to each
//! collective, in one balanced set of postings (debits positive, credits negative, Σ = 0).

use super::commission::{on_base, split_largest_remainder};
use super::money::div_round_half_up;
use super::units::{Fen, Grams};
use std::collections::BTreeMap;

/// A ledger account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Account {
    Cash,
    Grower(i64),
    Collective(i64),
    /// What the platforms keep from the money they pass on (service fees, commission, channel
    /// shares, the payment fee): the village's cost of selling through them.
    PlatformFees,
    /// What the platforms add (their own and the hosts' subsidies).
    PlatformSubsidies,
}

impl Account {
    pub fn name(self) -> String {
        match self {
            Self::Cash => "cash".into(),
            Self::Grower(id) => format!("grower:{id}"),
            Self::Collective(id) => format!("collective:{id}"),
            Self::PlatformFees => "platform_fees".into(),
            Self::PlatformSubsidies => "platform_subsidies".into(),
        }
    }
}

/// What the posting is, within the transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Leg {
    /// Money in (debit cash).
    CashIn,
    /// The grower is owed the sale (credit).
    Sale,
    /// Commission kept back from the grower (debit).
    CommissionWithheld,
    /// A collective's commission income (credit).
    Commission,
    /// The platforms' fees (less subsidies) that came off the commission base, borne by the
    /// grower (debit).
    FeesBorne,
    /// The same fees charged on to the sale (credit `platform_fees`): the order's fees are then
    /// carried by its grower and, through the smaller commission, its collectives.
    FeesCharged,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    pub account: Account,
    pub leg: Leg,
    pub amount_fen: i64,
    pub quantity_g: i64,
}

/// One order line as settled: its final amount, weighed grams, grower, and the rule copied
/// onto it when ordered.
#[derive(Debug, Clone)]
pub struct SettleLine {
    pub grower_id: i64,
    pub amount_fen: i64,
    pub quantity_g: i64,
    pub basis_points: i64,
    pub fen_per_jin: i64,
    /// (collective id, shares); empty means no commission.
    pub shares: Vec<(i64, u64)>,
    /// The line's part of the platforms' fees less subsidies where they come off the
    /// commission base; 0 where they do not.
    pub fees_fen: i64,
}

/// The postings for settling `lines`, grouped by account and leg. `None` on overflow or
/// nonsense input (negative amounts, zero shares).
pub fn postings(lines: &[SettleLine]) -> Option<Vec<Posting>> {
    let mut sums: BTreeMap<(Account, Leg), (i64, i64)> = BTreeMap::new();
    let mut add = |account, leg, amount: i64, quantity: i64| -> Option<()> {
        let e = sums.entry((account, leg)).or_insert((0, 0));
        e.0 = e.0.checked_add(amount)?;
        e.1 = e.1.checked_add(quantity)?;
        Some(())
    };
    for l in lines {
        let commission = if l.shares.is_empty() {
            0
        } else {
            on_base(
                l.amount_fen,
                l.fees_fen,
                l.basis_points,
                Fen::new(l.fen_per_jin),
                Grams::new(l.quantity_g),
            )?
        };
        add(Account::Cash, Leg::CashIn, l.amount_fen, 0)?;
        add(
            Account::Grower(l.grower_id),
            Leg::Sale,
            -l.amount_fen,
            l.quantity_g,
        )?;
        if l.fees_fen != 0 {
            add(Account::Grower(l.grower_id), Leg::FeesBorne, l.fees_fen, 0)?;
            add(Account::PlatformFees, Leg::FeesCharged, -l.fees_fen, 0)?;
        }
        if commission > 0 {
            add(
                Account::Grower(l.grower_id),
                Leg::CommissionWithheld,
                commission,
                0,
            )?;
            let weights: Vec<u64> = l.shares.iter().map(|s| s.1).collect();
            for ((collective, _), part) in l
                .shares
                .iter()
                .zip(split_largest_remainder(commission, &weights)?)
            {
                add(Account::Collective(*collective), Leg::Commission, -part, 0)?;
            }
        }
    }
    let out: Vec<Posting> = sums
        .into_iter()
        .filter(|(_, (amount, _))| *amount != 0)
        .map(|((account, leg), (amount_fen, quantity_g))| Posting {
            account,
            leg,
            amount_fen,
            quantity_g,
        })
        .collect();
    debug_assert_eq!(
        out.iter().map(|p| i128::from(p.amount_fen)).sum::<i128>(),
        0
    );
    Some(out)
}

/// Scales line amounts down (after a refund) so they sum exactly to `new_total`, in proportion
/// to the old amounts (largest remainder). `None` if `new_total` exceeds the old total.
pub fn scale_amounts(amounts: &[i64], new_total: i64) -> Option<Vec<i64>> {
    let old: i64 = amounts.iter().sum();
    if new_total < 0 || new_total > old {
        return None;
    }
    if old == 0 {
        return Some(vec![0; amounts.len()]);
    }
    // Lines of zero amount keep zero; the rest share by amount.
    let weights: Vec<u64> = amounts
        .iter()
        .map(|a| u64::try_from(*a).unwrap_or(0).max(1))
        .collect();
    let mut parts = split_largest_remainder(new_total, &weights)?;
    for (p, a) in parts.iter_mut().zip(amounts) {
        if *a == 0 {
            *p = 0;
        }
    }
    let drift = new_total - parts.iter().sum::<i64>();
    if drift != 0 {
        let biggest = amounts
            .iter()
            .enumerate()
            .max_by_key(|(_, a)| **a)
            .map(|(i, _)| i)?;
        parts[biggest] += drift;
    }
    Some(parts)
}

/// Year-on-year change in hundredths of a percent, rounded half away from zero:
/// 1,167,100 against 800,000 → 4589 (45.89 %). `None` when the earlier year is zero.
pub fn change_centi_percent(previous: i64, current: i64) -> Option<i64> {
    if previous == 0 {
        return None;
    }
    let diff = i128::from(current) - i128::from(previous);
    let magnitude = div_round_half_up(diff.abs() * 10_000, i128::from(previous.abs()));
    i64::try_from(if (diff < 0) != (previous < 0) {
        -magnitude
    } else {
        magnitude
    })
    .ok()
}

/// 4589 → "45.89", -5 → "-0.05".
pub fn format_centi_percent(c: i64) -> String {
    crate::domain::format::yuan(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(amount: i64, bp: i64, shares: Vec<(i64, u64)>) -> SettleLine {
        SettleLine {
            grower_id: 7,
            amount_fen: amount,
            quantity_g: 5_000,
            basis_points: bp,
            fen_per_jin: 0,
            shares,
            fees_fen: 0,
        }
    }

    fn sum(p: &[Posting]) -> i64 {
        p.iter().map(|x| x.amount_fen).sum()
    }

    #[test]
    fn a_grape_order_settles_to_the_fen() {
        let p = postings(&[line(10_000, 3_333, vec![(1, 1)])]).unwrap_or_default();
        assert_eq!(sum(&p), 0);
        let get = |a, l| {
            p.iter()
                .find(|x| x.account == a && x.leg == l)
                .map(|x| x.amount_fen)
        };
        assert_eq!(get(Account::Cash, Leg::CashIn), Some(10_000));
        assert_eq!(get(Account::Grower(7), Leg::Sale), Some(-10_000));
        assert_eq!(
            get(Account::Grower(7), Leg::CommissionWithheld),
            Some(3_333)
        );
        assert_eq!(get(Account::Collective(1), Leg::Commission), Some(-3_333));
    }

    #[test]
    fn fees_off_the_base_are_borne_by_grower_and_commission() {
        // 100 yuan at 10 %, 5 yuan of fees off the base: commission on 95 yuan is 9.50; the
        // grower is owed 95 − 9.50 = 85.50.
        let mut l = line(10_000, 1_000, vec![(1, 1)]);
        l.fees_fen = 500;
        let p = postings(&[l]).unwrap_or_default();
        assert_eq!(sum(&p), 0);
        let get = |a, l| {
            p.iter()
                .find(|x| x.account == a && x.leg == l)
                .map(|x| x.amount_fen)
        };
        assert_eq!(get(Account::Collective(1), Leg::Commission), Some(-950));
        assert_eq!(get(Account::Grower(7), Leg::FeesBorne), Some(500));
        assert_eq!(get(Account::PlatformFees, Leg::FeesCharged), Some(-500));
        let grower: i64 = p
            .iter()
            .filter(|x| x.account == Account::Grower(7))
            .map(|x| x.amount_fen)
            .sum();
        assert_eq!(grower, -8_550);
        // Fees larger than the line leave no base: no commission, and the grower owes the rest.
        let mut l = line(300, 1_000, vec![(1, 1)]);
        l.fees_fen = 500;
        let p = postings(&[l]).unwrap_or_default();
        assert!(p.iter().all(|x| x.leg != Leg::Commission));
        assert_eq!(sum(&p), 0);
    }

    #[test]
    fn four_villages_split_exactly_and_random_orders_balance() {
        let p = postings(&[line(10_001, 2_500, vec![(1, 1), (2, 1), (3, 1), (4, 1)])])
            .unwrap_or_default();
        let parts: Vec<i64> = p
            .iter()
            .filter(|x| x.leg == Leg::Commission)
            .map(|x| -x.amount_fen)
            .collect();
        assert_eq!(parts.iter().sum::<i64>(), 2_500); // 25.0025 % → 2,500.25 → 2,500
        assert!(parts.iter().all(|x| *x == 625));
        let mut seed = 99u64;
        for _ in 0..10_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let n = 1 + (seed >> 60) as usize;
            let lines: Vec<SettleLine> = (0..n)
                .map(|i| {
                    let r = seed.rotate_left(i as u32 * 7);
                    let shares = (0..1 + (r % 20) as usize)
                        .map(|k| (k as i64 + 1, 1 + (r >> (k % 50)) % 9))
                        .collect();
                    SettleLine {
                        grower_id: (r % 3) as i64,
                        amount_fen: (r % 10_000_000) as i64,
                        quantity_g: (r % 100_000) as i64,
                        basis_points: (r % 10_001) as i64,
                        fen_per_jin: (r % 50) as i64,
                        shares,
                        fees_fen: (r % 1_000) as i64 - 300,
                    }
                })
                .collect();
            let p = postings(&lines).unwrap_or_default();
            assert_eq!(sum(&p), 0);
            let cash: i64 = lines.iter().map(|l| l.amount_fen).sum();
            let grower_net: i64 = p
                .iter()
                .filter(|x| matches!(x.account, Account::Grower(_)))
                .map(|x| x.amount_fen)
                .sum();
            let collectives: i64 = p
                .iter()
                .filter(|x| matches!(x.account, Account::Collective(_)))
                .map(|x| x.amount_fen)
                .sum();
            let fees_charged: i64 = p
                .iter()
                .filter(|x| x.account == Account::PlatformFees)
                .map(|x| x.amount_fen)
                .sum();
            assert_eq!(fees_charged, -lines.iter().map(|l| l.fees_fen).sum::<i64>());
            // Grower payable + all commissions + the fees charged on = final amount.
            assert_eq!(-(grower_net + collectives + fees_charged), cash);
        }
    }

    #[test]
    fn refunds_rescaled_still_conserve_every_fen() {
        let mut seed = 7u64;
        for _ in 0..10_000 {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let n = 1 + (seed >> 61) as usize;
            let mut lines: Vec<SettleLine> = (0..n)
                .map(|i| {
                    let r = seed.rotate_left(i as u32 * 11);
                    SettleLine {
                        grower_id: (r % 2) as i64,
                        amount_fen: 1 + (r % 5_000_000) as i64,
                        quantity_g: (r % 50_000) as i64,
                        basis_points: (r % 10_001) as i64,
                        fen_per_jin: 0,
                        shares: (0..1 + (r % 20) as usize)
                            .map(|k| (k as i64, 1 + (r >> k) % 100))
                            .collect(),
                        fees_fen: 0,
                    }
                })
                .collect();
            let total: i64 = lines.iter().map(|l| l.amount_fen).sum();
            let refund = (seed % total as u64) as i64;
            let scaled = scale_amounts(
                &lines.iter().map(|l| l.amount_fen).collect::<Vec<_>>(),
                total - refund,
            )
            .unwrap_or_default();
            assert_eq!(scaled.iter().sum::<i64>(), total - refund);
            for (l, a) in lines.iter_mut().zip(scaled) {
                l.amount_fen = a;
            }
            let p = postings(&lines).unwrap_or_default();
            assert_eq!(sum(&p), 0);
            let cash: i64 = p
                .iter()
                .filter(|x| x.account == Account::Cash)
                .map(|x| x.amount_fen)
                .sum();
            assert_eq!(cash, total - refund);
        }
    }

    #[test]
    fn refunds_scale_lines_exactly() {
        assert_eq!(
            scale_amounts(&[10_000, 5_000], 12_000),
            Some(vec![8_000, 4_000])
        );
        assert_eq!(
            scale_amounts(&[3, 3, 3], 4).map(|v| v.iter().sum::<i64>()),
            Some(4)
        );
        assert_eq!(scale_amounts(&[0, 10], 5), Some(vec![0, 5]));
        assert_eq!(scale_amounts(&[10], 11), None);
    }

    #[test]
    fn year_on_year_change_to_two_decimals() {
        // 1,167,100 yuan in 2023 against 800,000 in 2022: +45.8875 % → 45.89.
        assert_eq!(change_centi_percent(80_000_000, 116_710_000), Some(4_589));
        assert_eq!(format_centi_percent(4_589), "45.89");
        assert_eq!(change_centi_percent(100, 50), Some(-5_000));
        assert_eq!(change_centi_percent(3, 4), Some(3_333));
        assert_eq!(change_centi_percent(0, 4), None);
    }
}
