//! The order life: which action is legal in which status.
//!
//! ```text
//! pending ─confirm─▶ confirmed ─weigh─▶ weighed ─load─▶ loaded ─deliver─▶ delivered ─▶ settled
//!    └──────────────┴──────── cancel (before loaded; stock returns) ────────────────▶ cancelled
//! ```
//!
//! "weigh" is crates on every line and then each line marked weighed (services/weighing); a void
//! re-opens a line and takes the order back to `confirmed`.

use zhunong_entity::enums::OrderStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderAction {
    Confirm,
    Cancel,
}

impl OrderAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirm => "confirm",
            Self::Cancel => "cancel",
        }
    }
}

/// The status after `action`, or `None` if the action is illegal from `from`.
pub fn next(from: OrderStatus, action: OrderAction) -> Option<OrderStatus> {
    use OrderStatus::*;
    match (from, action) {
        (Pending, OrderAction::Confirm) => Some(Confirmed),
        (Pending | Confirmed | Weighed, OrderAction::Cancel) => Some(Cancelled),
        _ => None,
    }
}

/// Statuses from which `action` is legal; the service uses them as the guard of a conditional
/// UPDATE so two concurrent actions cannot both succeed.
pub fn sources(action: OrderAction) -> Vec<OrderStatus> {
    use sea_orm::Iterable;
    OrderStatus::iter()
        .filter(|s| next(*s, action).is_some())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus::*;

    #[test]
    fn confirm_only_from_pending() {
        assert_eq!(next(Pending, OrderAction::Confirm), Some(Confirmed));
        for s in [Confirmed, Weighed, Loaded, Delivered, Settled, Cancelled] {
            assert_eq!(next(s, OrderAction::Confirm), None, "{s:?}");
        }
    }

    #[test]
    fn cancel_before_loading_only() {
        assert_eq!(
            sources(OrderAction::Cancel),
            vec![Pending, Confirmed, Weighed]
        );
        for s in [Loaded, Delivered, Settled, Cancelled] {
            assert_eq!(next(s, OrderAction::Cancel), None, "{s:?}");
        }
    }
}
