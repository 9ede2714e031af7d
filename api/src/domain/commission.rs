//! Commission to village collectives, and splitting any amount among several collectives.
//!
//! Commission = final amount × basis points / 10,000 + fen per jin × net grams / 500, computed
//! as one exact fraction and rounded half-up to the fen once. A split among collectives uses
//! the largest-remainder method: each part is the floor of its exact share, and the fen left
//! over go one each to the largest remainders (ties to the earlier share), so the parts always
//! add up to the whole and each is within one fen of its exact share.

use super::money::{GRAMS_PER_JIN, div_round_half_up};
use super::units::{Fen, Grams};

pub const BASIS_POINTS_PER_WHOLE: i64 = 10_000;

/// The commission on one order line or order, or `None` on overflow or negative input.
pub fn commission_fen(
    final_amount: Fen,
    basis_points: i64,
    per_jin: Fen,
    net: Grams,
) -> Option<Fen> {
    let (final_amount_fen, fen_per_jin, net_grams) = (final_amount.get(), per_jin.get(), net.get());
    if final_amount_fen < 0 || basis_points < 0 || fen_per_jin < 0 || net_grams < 0 {
        return None;
    }
    let denominator = i128::from(BASIS_POINTS_PER_WHOLE) * i128::from(GRAMS_PER_JIN);
    let numerator =
        i128::from(final_amount_fen) * i128::from(basis_points) * i128::from(GRAMS_PER_JIN)
            + i128::from(fen_per_jin) * i128::from(net_grams) * i128::from(BASIS_POINTS_PER_WHOLE);
    i64::try_from(div_round_half_up(numerator, denominator))
        .ok()
        .map(Fen::new)
}

/// Splits `total` (fen, grams or pieces: any whole figure) among `shares` (any positive
/// weights) so the parts sum exactly to `total`. `None` if there are no shares, a share is zero, or `total` is negative.
pub fn split_largest_remainder(total: i64, shares: &[u64]) -> Option<Vec<i64>> {
    if total < 0 || shares.is_empty() || shares.contains(&0) {
        return None;
    }
    let sum: i128 = shares.iter().map(|s| i128::from(*s)).sum();
    let total = i128::from(total);
    let mut parts = Vec::with_capacity(shares.len());
    let mut remainders = Vec::with_capacity(shares.len());
    for (i, s) in shares.iter().enumerate() {
        let exact = total * i128::from(*s);
        parts.push(exact / sum);
        remainders.push((exact % sum, i));
    }
    let left = total - parts.iter().sum::<i128>();
    // Largest remainder first; among equal remainders the earlier share wins.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in remainders.iter().take(usize::try_from(left).ok()?) {
        parts[i] += 1;
    }
    parts.into_iter().map(|p| i64::try_from(p).ok()).collect()
}

/// The commission on a line of `amount_fen` whose base is reduced by `fees_fen` (the line's
/// part of the platforms' fees less subsidies, where they come off the commission base; 0
/// where they do not): computed on the base, never below zero and never more than the base.
/// `None` on overflow or negative rates.
pub fn on_base(
    amount_fen: i64,
    fees_fen: i64,
    basis_points: i64,
    per_jin: Fen,
    net: Grams,
) -> Option<i64> {
    let base = amount_fen.checked_sub(fees_fen)?.max(0);
    Some(
        commission_fen(Fen::new(base), basis_points, per_jin, net)?
            .get()
            .min(base),
    )
}

/// An amount of a whole order (its shipping cost, the platforms' fees) spread over its lines by
/// their final amounts; a line of no amount still carries a share (weight 1), so an order of
/// free lines keeps its cost. Settlement and the sales figures spread the same way, so their
/// parts agree to the fen.
pub fn spread_by_amount(finals: &[i64], order_fen: i64) -> Option<Vec<i64>> {
    if finals.is_empty() || order_fen == 0 {
        return Some(vec![0; finals.len()]);
    }
    let weights: Vec<u64> = finals
        .iter()
        .map(|f| u64::try_from(*f).unwrap_or(0).max(1))
        .collect();
    split_signed(order_fen, &weights)
}

/// [`split_largest_remainder`] of an amount that may be negative (the platforms' fees less
/// their subsidies, where they added more than they kept): its size split, the sign kept.
pub fn split_signed(total: i64, weights: &[u64]) -> Option<Vec<i64>> {
    if total >= 0 {
        split_largest_remainder(total, weights)
    } else {
        let parts = split_largest_remainder(total.checked_neg()?, weights)?;
        Some(parts.into_iter().map(|p| -p).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule on plain integers, as the cases are written.
    fn commission(amount: i64, bp: i64, per_jin: i64, grams: i64) -> Option<i64> {
        commission_fen(Fen::new(amount), bp, Fen::new(per_jin), Grams::new(grams)).map(Fen::get)
    }

    /// A small deterministic generator, so every run checks the same cases.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }
    }

    #[test]
    fn the_grape_story_to_the_fen() {
        // 1,200 orders of 100.00 yuan at 3,333 bp: 33.33 yuan each to the collective.
        let per_order = commission(10_000, 3_333, 0, 0);
        assert_eq!(per_order, Some(3_333));
        let collective: i64 = (0..1_200).map(|_| per_order.unwrap_or(0)).sum();
        assert_eq!(collective, 3_999_600); // 39,996.00 yuan
        assert_eq!(1_200 * 10_000 - collective, 8_000_400); // 80,004.00 yuan to the farm
    }

    #[test]
    fn four_villages_share_a_rent_exactly() {
        assert_eq!(
            split_largest_remainder(25_000_000, &[1, 1, 1, 1]),
            Some(vec![6_250_000; 4])
        );
        assert_eq!(split_largest_remainder(10, &[1, 1, 1]), Some(vec![4, 3, 3]));
        assert_eq!(split_largest_remainder(1, &[1, 1]), Some(vec![1, 0]));
        assert_eq!(split_largest_remainder(100, &[1, 2]), Some(vec![33, 67]));
    }

    #[test]
    fn commission_rounds_once_half_up() {
        // 1 fen at 5,000 bp is exactly half a fen.
        assert_eq!(commission(1, 5_000, 0, 0), Some(1));
        assert_eq!(commission(1, 4_999, 0, 0), Some(0));
        // 1 fen per jin on 250 g is exactly half a fen.
        assert_eq!(commission(0, 0, 1, 250), Some(1));
        // Both parts add before the one rounding: 0.4 + 0.4 = 0.8 → 1.
        assert_eq!(commission(1, 4_000, 1, 200), Some(1));
        assert_eq!(commission(-1, 1, 0, 0), None);
    }

    #[test]
    fn splits_are_exact_fair_and_deterministic_over_100k_cases() {
        let mut rng = Lcg(20_231_167);
        for case in 0..100_000 {
            let n = 1 + (rng.next() % 20) as usize;
            let shares: Vec<u64> = (0..n).map(|_| 1 + rng.next() % 10_000).collect();
            let total = (rng.next() % 1_000_000_000) as i64;
            let parts = split_largest_remainder(total, &shares).unwrap_or_default();
            assert_eq!(parts.iter().sum::<i64>(), total, "case {case}: {shares:?}");
            let sum: u64 = shares.iter().sum();
            for (p, s) in parts.iter().zip(&shares) {
                // |part × Σshares − total × share| < Σshares, i.e. within one fen of exact.
                let diff = i128::from(*p) * i128::from(sum) - i128::from(total) * i128::from(*s);
                assert!(
                    diff.abs() < i128::from(sum),
                    "case {case}: part {p} of {total} for share {s}/{sum}"
                );
            }
            assert_eq!(
                split_largest_remainder(total, &shares).unwrap_or_default(),
                parts
            );
        }
    }

    #[test]
    fn degenerate_splits_are_refused() {
        assert_eq!(split_largest_remainder(10, &[]), None);
        assert_eq!(split_largest_remainder(10, &[1, 0]), None);
        assert_eq!(split_largest_remainder(-1, &[1]), None);
    }
}
