//! The weigh tickets behind a generated line's weight: a weighed line always has them, as one
//! weighed at the station does, so a load, its manifest and a void all count the same grams.

use super::*;
use zhunong_entity::weigh_ticket;

/// Net grams one crate holds at most; a line's weight is split over as few crates as that
/// allows, at most [`MAX_CRATES`], evenly, the remainder in the last.
const CRATE_NET_G: i64 = 10_000;
const MAX_CRATES: i64 = 4;
/// What an empty crate weighs.
const TARE_G: i64 = 600;
/// The station's scale, as the station page names its first one.
pub const SCALE: &str = "1号秤";

/// The tickets of a weighed line, weighed `at` by `operator`; none for a line not weighed.
pub(super) fn for_line(
    line: &order_line::Model,
    operator: i64,
    at: DateTime<Utc>,
) -> Vec<weigh_ticket::ActiveModel> {
    let Some(net) = line.weighed_g.filter(|g| *g > 0) else {
        return Vec::new();
    };
    let crates =
        (net.div_euclid(CRATE_NET_G) + i64::from(net % CRATE_NET_G != 0)).clamp(1, MAX_CRATES);
    let each = net / crates;
    (0..crates)
        .map(|i| {
            let last = i == crates - 1;
            let crate_net = if last {
                net - each * (crates - 1)
            } else {
                each
            };
            weigh_ticket::ActiveModel {
                order_id: Set(line.order_id),
                order_line_id: Set(line.id),
                gross_g: Set(crate_net + TARE_G),
                tare_g: Set(TARE_G),
                net_g: Set(crate_net),
                scale_id: Set(SCALE.to_owned()),
                operator_id: Set(operator),
                weighed_at: Set(at),
                note: Set(None),
                // What the line took beyond its order goes with the last crate, so a void of
                // that crate gives it back exactly.
                stock_taken: Set(if last {
                    line.stock_beyond_order.max(0)
                } else {
                    0
                }),
                ..Default::default()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::ActiveValue;

    fn value(v: &ActiveValue<i64>) -> i64 {
        match v {
            ActiveValue::Set(x) | ActiveValue::Unchanged(x) => *x,
            ActiveValue::NotSet => -1,
        }
    }

    #[test]
    fn the_crates_hold_exactly_the_line_weight() {
        for net in [1, 4_999, 10_000, 25_001, 96_000, 1_000_000] {
            let line = order_line::Model {
                id: 7,
                order_id: 3,
                line_no: 1,
                batch_id: 1,
                quantity: net,
                unit_price_fen: 100,
                amount_fen: 100,
                weighed_g: Some(net),
                final_amount_fen: Some(100),
                flagged: false,
                weighing_completed_at: None,
                stock_beyond_order: 40,
                commission_rule_id: None,
                commission_bp: None,
                commission_fen_per_jin: None,
                commission_shares: None,
                fixed_amount: false,
            };
            let t = for_line(&line, 1, Utc::now());
            assert!(
                (1..=MAX_CRATES as usize).contains(&t.len()),
                "{net}: {}",
                t.len()
            );
            if net == 10_000 {
                assert_eq!(t.len(), 1, "a full crate is one crate");
            }
            assert_eq!(t.iter().map(|t| value(&t.net_g)).sum::<i64>(), net, "{net}");
            assert_eq!(t.iter().map(|t| value(&t.stock_taken)).sum::<i64>(), 40);
            for ticket in &t {
                assert_eq!(
                    value(&ticket.gross_g) - value(&ticket.tare_g),
                    value(&ticket.net_g)
                );
            }
        }
    }
}
