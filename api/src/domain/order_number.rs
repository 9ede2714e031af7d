//! Human-readable order numbers. The number is derived from the order id (`ZN000123`), so it is
//! unique by construction and costs no extra write; a helper can read it out over the phone.

const PREFIX: &str = "ZN";

pub fn format(order_id: i64) -> String {
    format!("{PREFIX}{order_id:06}")
}

/// Parses `ZN000123` (any case, surrounding spaces allowed) back to the order id.
pub fn parse(number: &str) -> Option<i64> {
    let s = number.trim();
    let digits = s
        .get(..PREFIX.len())
        .filter(|p| p.eq_ignore_ascii_case(PREFIX))
        .map(|_| &s[PREFIX.len()..])?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|id| *id > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip() {
        for id in [1, 42, 999_999, 1_000_000, i64::MAX] {
            assert_eq!(parse(&format(id)), Some(id));
        }
        assert_eq!(format(42), "ZN000042");
        assert_eq!(parse(" zn42 "), Some(42));
    }

    #[test]
    fn junk_is_not_a_number() {
        for s in ["", "ZN", "ZN-1", "AB0001", "ZN0", "ZN12a", "ZN+1", "中文"] {
            assert_eq!(parse(s), None, "{s}");
        }
    }
}
