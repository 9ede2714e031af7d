//! Money is integer fen (分), weight integer grams; no floating point anywhere.
//!
//! A `by_weight` price is fen per jin (500 g); a `by_piece` price is fen per piece. A line's amount
//! is quantity × unit price computed exactly, then rounded half-up to the fen once per line.

use super::units::Fen;
use zhunong_entity::enums::Pricing;

pub const GRAMS_PER_JIN: i64 = 500;

/// Largest quantity a batch or a line may hold: 10,000 tonnes in grams (or as many pieces).
/// Together with `MAX_PRICE_FEN` it keeps every product of quantity and price far inside `i64`.
pub const MAX_QUANTITY: i64 = 10_000_000_000;

/// Largest unit price: 1,000,000 yuan per jin or piece.
pub const MAX_PRICE_FEN: i64 = 100_000_000;

/// Rounds `numerator / denominator` half-up (ties away from zero) for non-negative numerators.
/// `floor((2n + d) / 2d)` is exact in integers for odd and even denominators alike.
pub fn div_round_half_up(numerator: i128, denominator: i128) -> i128 {
    debug_assert!(numerator >= 0 && denominator > 0);
    (2 * numerator + denominator) / (2 * denominator)
}

/// The amount of one line (`quantity` in grams, or pieces), or `None` if it does not fit in an
/// `i64` or the inputs are negative.
pub fn line_amount_fen(pricing: Pricing, quantity: i64, unit_price: Fen) -> Option<Fen> {
    if quantity < 0 || unit_price.is_negative() {
        return None;
    }
    let exact = i128::from(quantity) * i128::from(unit_price.get());
    let fen = match pricing {
        Pricing::ByWeight => div_round_half_up(exact, i128::from(GRAMS_PER_JIN)),
        Pricing::ByPiece => exact,
    };
    i64::try_from(fen).ok().map(Fen::new)
}

/// What an order's buyer owes: its weighed total once weighing has set one, else the total
/// ordered (a by-piece order, or one not yet weighed). A default by the rules, not a guess.
pub fn order_due_fen(o: &zhunong_entity::order::Model) -> Fen {
    Fen::new(o.final_total_fen.unwrap_or(o.total_fen))
}

/// A line's amount on the same rule as [`order_due_fen`].
pub fn line_due_fen(l: &zhunong_entity::order_line::Model) -> Fen {
    Fen::new(l.final_amount_fen.unwrap_or(l.amount_fen))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule on plain integers, as the cases are written.
    fn amount(pricing: Pricing, quantity: i64, price: i64) -> Option<i64> {
        line_amount_fen(pricing, quantity, Fen::new(price)).map(Fen::get)
    }

    fn total_fen(amounts: impl IntoIterator<Item = i64>) -> Option<i64> {
        Fen::sum(amounts.into_iter().map(Fen::new)).map(Fen::get)
    }
    use rust_decimal::{Decimal, RoundingStrategy};

    #[test]
    fn ten_jin_at_three_yuan_is_thirty_yuan() {
        assert_eq!(amount(Pricing::ByWeight, 5_000, 300), Some(3_000));
    }

    #[test]
    fn nine_point_seven_jin_at_three_yuan_is_twenty_nine_ten() {
        assert_eq!(amount(Pricing::ByWeight, 4_850, 300), Some(2_910));
    }

    #[test]
    fn half_a_fen_rounds_up_and_just_below_rounds_down() {
        // 1 g at 250 fen/jin is exactly 0.5 fen.
        assert_eq!(amount(Pricing::ByWeight, 1, 250), Some(1));
        // 1 g at 249 fen/jin is 0.498 fen.
        assert_eq!(amount(Pricing::ByWeight, 1, 249), Some(0));
        // 3 g at 250 fen/jin is 1.5 fen.
        assert_eq!(amount(Pricing::ByWeight, 3, 250), Some(2));
        // 1 g at 251 fen/jin is 0.502 fen.
        assert_eq!(amount(Pricing::ByWeight, 1, 251), Some(1));
    }

    #[test]
    fn every_half_fen_boundary_rounds_up() {
        // q·p ≡ 250 (mod 500) is exactly half a fen; it must round up, and one gram-fen less
        // must round down.
        for price in [1i64, 2, 5, 50, 250, 299, 300, 499, 500, 501, 999_999] {
            for grams in 1..=2_000i64 {
                let exact = grams * price;
                let amount = amount(Pricing::ByWeight, grams, price).unwrap_or(-1);
                let floor = exact / 500;
                let expected = if exact % 500 >= 250 { floor + 1 } else { floor };
                assert_eq!(amount, expected, "{grams} g at {price} fen/jin");
            }
        }
    }

    #[test]
    fn matches_an_exact_decimal_oracle_over_a_million_cases() {
        let mut mismatches = 0;
        for price in 1..=1_000i64 {
            for grams in (1..=1_000i64).map(|g| g * 7 + price % 13) {
                let oracle = (Decimal::from(grams) * Decimal::from(price) / Decimal::from(500))
                    .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
                let ours = amount(Pricing::ByWeight, grams, price).unwrap_or(-1);
                if Decimal::from(ours) != oracle {
                    mismatches += 1;
                }
            }
        }
        assert_eq!(mismatches, 0);
    }

    #[test]
    fn pieces_are_exact() {
        assert_eq!(amount(Pricing::ByPiece, 3, 8_800), Some(26_400));
    }

    #[test]
    fn overflow_and_negatives_are_refused() {
        assert_eq!(amount(Pricing::ByPiece, i64::MAX, 2), None);
        assert_eq!(amount(Pricing::ByWeight, -1, 2), None);
        assert_eq!(total_fen([i64::MAX, 1]), None);
        assert_eq!(total_fen([1, 2, 3]), Some(6));
    }
}
