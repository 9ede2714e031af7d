//! Catch weight: what a weighed line costs, how much stock each crate and the completion move,
//! and whether its weight is close enough to what was ordered.
//!
//! A line holds `quantity` from its batch from the moment it is ordered. While it is weighed
//! crate by crate it keeps that reservation; a crate takes from the batch only the part of the
//! running net above what the line already holds. Completing the line returns whatever it holds
//! beyond its net (the shortfall). A void gives back exactly what its ticket took.

use super::money::line_amount_fen;
use super::units::Fen;
use zhunong_entity::enums::Pricing;

/// Why a crate's weights are refused.
#[derive(Debug, PartialEq, Eq)]
pub enum WeightError {
    GrossNotPositive,
    TareNegative,
    TareNotBelowGross,
    GrossTooHeavy { max_g: i64 },
}

impl std::fmt::Display for WeightError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::GrossNotPositive => f.write_str("gross weight must be more than 0 g"),
            Self::TareNegative => f.write_str("tare must not be negative"),
            Self::TareNotBelowGross => f.write_str("tare must be less than gross"),
            Self::GrossTooHeavy { max_g } => write!(f, "gross weight must be at most {max_g} g"),
        }
    }
}

/// Net grams of one crate: gross − tare, once both are plausible.
///
/// # Errors
/// The weights are not positive, tare is not below gross, or gross exceeds the scale's maximum.
pub fn net_g(gross_g: i64, tare_g: i64, max_g: i64) -> Result<i64, WeightError> {
    if gross_g <= 0 {
        return Err(WeightError::GrossNotPositive);
    }
    if gross_g > max_g {
        return Err(WeightError::GrossTooHeavy { max_g });
    }
    if tare_g < 0 {
        return Err(WeightError::TareNegative);
    }
    if tare_g >= gross_g {
        return Err(WeightError::TareNotBelowGross);
    }
    Ok(gross_g - tare_g)
}

/// The quantity a weighed line is billed for: its net for `by_weight`, the ordered count for
/// `by_piece` (pieces are counted, not weighed; their tickets record weight only).
pub fn billed_quantity(pricing: Pricing, ordered: i64, weighed_g: i64) -> i64 {
    match pricing {
        Pricing::ByWeight => weighed_g,
        Pricing::ByPiece => ordered,
    }
}

/// What each new crate takes from the batch, in order: the part of the line's running net above
/// what the line holds (`held`, at least the ordered quantity until it is complete). `by_piece`
/// crates take nothing. `None` if the sum overflows.
pub fn crate_takes(pricing: Pricing, held: i64, weighed_g: i64, nets: &[i64]) -> Option<Vec<i64>> {
    if pricing == Pricing::ByPiece {
        return Some(vec![0; nets.len()]);
    }
    let (mut held, mut weighed) = (held, weighed_g);
    nets.iter()
        .map(|net| {
            weighed = weighed.checked_add(*net)?;
            let take = weighed.saturating_sub(held).max(0);
            held = held.checked_add(take)?;
            Some(take)
        })
        .collect()
}

/// What completing a line gives back to stock: everything it holds beyond its weighed net, i.e.
/// the shortfall against the order (never negative: the crates took any excess already).
/// `by_piece` lines hold their count and give nothing back.
pub fn completion_return(pricing: Pricing, held: i64, weighed_g: i64) -> i64 {
    match pricing {
        Pricing::ByWeight => held.saturating_sub(weighed_g).max(0),
        Pricing::ByPiece => 0,
    }
}

/// What a weighed line costs: net weight × price per jin for `by_weight` (rounded once, half
/// up), the ordered pieces × price for `by_piece`.
pub fn final_amount_fen(
    pricing: Pricing,
    ordered: i64,
    weighed_g: i64,
    unit_price: Fen,
) -> Option<Fen> {
    line_amount_fen(
        pricing,
        billed_quantity(pricing, ordered, weighed_g),
        unit_price,
    )
}

/// True if `weighed` is within `tolerance_bp` basis points of `ordered` (`by_piece` lines are
/// always within: their count does not change).
pub fn within_tolerance(pricing: Pricing, ordered: i64, weighed_g: i64, tolerance_bp: i64) -> bool {
    if pricing == Pricing::ByPiece {
        return true;
    }
    let diff = (i128::from(weighed_g) - i128::from(ordered)).abs();
    diff * 10_000 <= i128::from(tolerance_bp) * i128::from(ordered)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule on plain integers, as the cases are written.
    fn final_fen(pricing: Pricing, ordered: i64, weighed_g: i64, price: i64) -> Option<i64> {
        final_amount_fen(pricing, ordered, weighed_g, Fen::new(price)).map(Fen::get)
    }

    #[test]
    fn ten_jin_ordered_nine_point_seven_weighed_costs_29_10() {
        // 10 jin = 5,000 g ordered at 3.00 yuan/jin; two crates net 2,500 g + 2,350 g = 9.7 jin.
        let net = net_g(3_000, 500, 100_000).unwrap_or(0) + net_g(2_850, 500, 100_000).unwrap_or(0);
        assert_eq!(net, 4_850);
        assert_eq!(final_fen(Pricing::ByWeight, 5_000, net, 300), Some(2_910));
        assert_eq!(billed_quantity(Pricing::ByWeight, 5_000, net), 4_850);
        assert!(within_tolerance(Pricing::ByWeight, 5_000, net, 500));
    }

    #[test]
    fn pieces_cost_what_was_ordered_whatever_they_weigh() {
        assert_eq!(final_fen(Pricing::ByPiece, 3, 7_777, 8_800), Some(26_400));
        assert_eq!(billed_quantity(Pricing::ByPiece, 3, 7_777), 3);
        assert_eq!(crate_takes(Pricing::ByPiece, 3, 0, &[7_777]), Some(vec![0]));
        assert_eq!(completion_return(Pricing::ByPiece, 3, 7_777), 0);
        assert!(within_tolerance(Pricing::ByPiece, 3, 999_999, 500));
    }

    #[test]
    fn tolerance_boundaries() {
        // ±5 % of 5,000 g is 250 g: 4,750 and 5,250 are in, one gram further is out.
        for (w, ok) in [
            (4_750, true),
            (5_250, true),
            (4_749, false),
            (5_251, false),
            (5_000, true),
        ] {
            assert_eq!(
                within_tolerance(Pricing::ByWeight, 5_000, w, 500),
                ok,
                "{w}"
            );
        }
        assert!(within_tolerance(Pricing::ByWeight, 5_000, 5_000, 0));
        assert!(!within_tolerance(Pricing::ByWeight, 5_000, 5_001, 0));
    }

    #[test]
    fn implausible_weights_are_refused() {
        assert_eq!(net_g(0, 0, 10), Err(WeightError::GrossNotPositive));
        assert_eq!(net_g(-5, 0, 10), Err(WeightError::GrossNotPositive));
        assert_eq!(net_g(5, -1, 10), Err(WeightError::TareNegative));
        assert_eq!(net_g(5, 5, 10), Err(WeightError::TareNotBelowGross));
        assert_eq!(
            net_g(11, 1, 10),
            Err(WeightError::GrossTooHeavy { max_g: 10 })
        );
        assert_eq!(net_g(10, 9, 10), Ok(1));
    }

    #[test]
    fn rounding_happens_once_per_line_not_per_crate() {
        // Two crates of 1 g at 250 fen/jin: 0.5 + 0.5 fen; per-crate rounding would give 2, the
        // line is 2 g = exactly 1 fen.
        assert_eq!(final_fen(Pricing::ByWeight, 2, 2, 250), Some(1));
    }

    #[test]
    fn crates_within_the_order_take_nothing_and_the_excess_is_taken_as_it_is_weighed() {
        // Issue #9: 80 kg ordered. A 10 kg crate keeps the 80 kg reserved and takes nothing.
        assert_eq!(
            crate_takes(Pricing::ByWeight, 80_000, 0, &[10_000]),
            Some(vec![0])
        );
        // 72 kg more makes 82 kg: the second crate takes the 2 kg above the order.
        assert_eq!(
            crate_takes(Pricing::ByWeight, 80_000, 10_000, &[72_000]),
            Some(vec![2_000])
        );
        // In one request, each crate takes only what the earlier ones did not.
        assert_eq!(
            crate_takes(Pricing::ByWeight, 80_000, 0, &[50_000, 40_000, 5_000]),
            Some(vec![0, 10_000, 5_000])
        );
        // A line holding more than its net (a crate was voided) takes nothing until it is
        // covered again.
        assert_eq!(
            crate_takes(Pricing::ByWeight, 90_000, 40_000, &[50_000, 1]),
            Some(vec![0, 1])
        );
        assert_eq!(crate_takes(Pricing::ByWeight, 0, i64::MAX, &[1]), None);
    }

    #[test]
    fn completing_returns_the_shortfall_only() {
        assert_eq!(completion_return(Pricing::ByWeight, 80_000, 75_000), 5_000);
        assert_eq!(completion_return(Pricing::ByWeight, 82_000, 82_000), 0);
        assert_eq!(completion_return(Pricing::ByWeight, 80_000, 80_000), 0);
    }
}
