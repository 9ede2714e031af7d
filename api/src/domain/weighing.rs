//! Catch weight: what a weighed line costs, how much stock it takes, and whether its weight is
//! close enough to what was ordered.

use super::money::line_amount_fen;
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

/// How much of the batch a line holds: the weighed net for a weighed `by_weight` line, else the
/// ordered quantity (pieces are counted, not weighed; their tickets record weight only).
pub fn taken(pricing: Pricing, ordered: i64, weighed_g: Option<i64>) -> i64 {
    match (pricing, weighed_g) {
        (Pricing::ByWeight, Some(net)) => net,
        _ => ordered,
    }
}

/// What a weighed line costs: net weight × price per jin for `by_weight` (rounded once, half
/// up), the ordered pieces × price for `by_piece`.
pub fn final_amount_fen(
    pricing: Pricing,
    ordered: i64,
    weighed_g: i64,
    unit_price_fen: i64,
) -> Option<i64> {
    line_amount_fen(
        pricing,
        taken(pricing, ordered, Some(weighed_g)),
        unit_price_fen,
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

    #[test]
    fn ten_jin_ordered_nine_point_seven_weighed_costs_29_10() {
        // 10 jin = 5,000 g ordered at 3.00 yuan/jin; two crates net 2,500 g + 2,350 g = 9.7 jin.
        let net = net_g(3_000, 500, 100_000).unwrap_or(0) + net_g(2_850, 500, 100_000).unwrap_or(0);
        assert_eq!(net, 4_850);
        assert_eq!(
            final_amount_fen(Pricing::ByWeight, 5_000, net, 300),
            Some(2_910)
        );
        assert_eq!(taken(Pricing::ByWeight, 5_000, Some(net)), 4_850);
        assert!(within_tolerance(Pricing::ByWeight, 5_000, net, 500));
    }

    #[test]
    fn pieces_cost_what_was_ordered_whatever_they_weigh() {
        assert_eq!(
            final_amount_fen(Pricing::ByPiece, 3, 7_777, 8_800),
            Some(26_400)
        );
        assert_eq!(taken(Pricing::ByPiece, 3, Some(7_777)), 3);
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
        assert_eq!(final_amount_fen(Pricing::ByWeight, 2, 2, 250), Some(1));
    }
}
