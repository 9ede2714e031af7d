//! The rules of shipping: which carriers there are, what a tracking number looks like, the pickup
//! code, the buyer's link token, and the auto-delivery rule.

/// Couriers by the codes most Chinese tools use (快递100 style), with the names people read.
pub const CARRIERS: [(&str, &str); 11] = [
    ("shunfeng", "顺丰速运"),
    ("zhongtong", "中通快递"),
    ("yuantong", "圆通速递"),
    ("yunda", "韵达快递"),
    ("shentong", "申通快递"),
    ("jtexpress", "极兔速递"),
    ("youzhengguonei", "邮政快递包裹"),
    ("ems", "EMS"),
    ("jd", "京东快递"),
    ("debangkuaidi", "德邦快递"),
    ("danniao", "丹鸟"),
];

/// The carrier's name for a code, `None` for a code not on the list.
pub fn carrier_name(code: &str) -> Option<&'static str> {
    CARRIERS.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// A carrier's code from its code or its name as a courier file writes it (中通, 中通快递, ZTO…).
pub fn carrier_code(text: &str) -> Option<&'static str> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    if let Some((c, _)) = CARRIERS.iter().find(|(c, _)| *c == lower) {
        return Some(c);
    }
    let aliases: [(&str, &str); 12] = [
        ("sf", "shunfeng"),
        ("顺丰", "shunfeng"),
        ("zto", "zhongtong"),
        ("yto", "yuantong"),
        ("sto", "shentong"),
        ("极兔", "jtexpress"),
        ("j&t", "jtexpress"),
        ("邮政", "youzhengguonei"),
        ("中国邮政", "youzhengguonei"),
        ("京东", "jd"),
        ("德邦", "debangkuaidi"),
        ("yd", "yunda"),
    ];
    if let Some((_, c)) = aliases.iter().find(|(a, _)| *a == lower) {
        return Some(c);
    }
    CARRIERS
        .iter()
        .find(|(_, name)| *name == t || (t.chars().count() >= 2 && name.starts_with(t)))
        .map(|(c, _)| *c)
}

/// The longest tracking number accepted.
pub const TRACKING_MAX: usize = 40;

/// A tracking number as stored: trimmed and upper-cased (SF1234 and sf1234 are one parcel), or
/// `None` if it has a character outside `[A-Za-z0-9-]` or is empty or too long.
pub fn tracking_number(raw: &str) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty()
        && t.len() <= TRACKING_MAX
        && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    .then(|| t.to_ascii_uppercase())
}

/// Digits in a pickup code: 10^10 codes, and wrong tries are throttled per order.
pub const PICKUP_CODE_DIGITS: usize = 10;

/// A fresh pickup code.
pub fn new_pickup_code() -> String {
    (0..PICKUP_CODE_DIGITS)
        .map(|_| char::from(b'0' + rand::random_range(0..10u8)))
        .collect()
}

/// Compares a typed code with the order's in constant time, ignoring spaces people type.
pub fn pickup_code_matches(typed: &str, code: &str) -> bool {
    let typed: Vec<u8> = typed.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let code = code.as_bytes();
    typed.len() == code.len()
        && typed
            .iter()
            .zip(code)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// A fresh token for the buyer's own page: 32 random bytes (256 bits) as URL-safe base64.
pub fn new_view_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A parcel's shipping cost shared among the orders whose crates it carries (merged shipping),
/// by crate count, largest remainder: the shares add up to the cost exactly. `crates` is
/// `(order id, crates)`; the answer is `(order id, fen)` in order id order. `None` for a
/// negative cost or an order with no crates.
pub fn cost_by_order(cost_fen: i64, crates: &[(i64, u64)]) -> Option<Vec<(i64, i64)>> {
    let mut crates = crates.to_vec();
    crates.sort_unstable();
    let weights: Vec<u64> = crates.iter().map(|c| c.1).collect();
    let shares = crate::domain::commission::split_largest_remainder(cost_fen, &weights)?;
    Some(crates.iter().map(|c| c.0).zip(shares).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_merged_parcels_cost_is_shared_by_crates_to_the_fen() {
        assert_eq!(
            cost_by_order(1_000, &[(9, 1), (4, 2)]),
            Some(vec![(4, 667), (9, 333)])
        );
        assert_eq!(cost_by_order(800, &[(4, 3)]), Some(vec![(4, 800)]));
        assert_eq!(cost_by_order(800, &[(4, 0)]), None);
        assert_eq!(cost_by_order(-1, &[(4, 1)]), None);
    }

    #[test]
    fn tracking_numbers_are_checked_and_normalised() {
        assert_eq!(
            tracking_number(" sf1234567890 ").as_deref(),
            Some("SF1234567890")
        );
        assert_eq!(tracking_number("JT-0001").as_deref(), Some("JT-0001"));
        assert_eq!(tracking_number("75 123"), None);
        assert_eq!(tracking_number("单号123"), None);
        assert_eq!(tracking_number(&"1".repeat(41)), None);
        assert_eq!(tracking_number(""), None);
    }

    #[test]
    fn carriers_are_found_by_code_or_name() {
        assert_eq!(carrier_code("中通"), Some("zhongtong"));
        assert_eq!(carrier_code("中通快递"), Some("zhongtong"));
        assert_eq!(carrier_code("SF"), Some("shunfeng"));
        assert_eq!(carrier_code("yunda"), Some("yunda"));
        assert_eq!(carrier_code("马车"), None);
        assert_eq!(carrier_name("ems"), Some("EMS"));
    }

    #[test]
    fn pickup_codes_are_long_digits_and_compared_whole() {
        let c = new_pickup_code();
        assert_eq!(c.len(), PICKUP_CODE_DIGITS);
        assert!(c.bytes().all(|b| b.is_ascii_digit()));
        assert!(pickup_code_matches(&format!("{} {}", &c[..5], &c[5..]), &c));
        assert!(!pickup_code_matches(&c[..9], &c));
    }

    #[test]
    fn view_tokens_carry_256_bits() {
        let t = new_view_token();
        assert_eq!(t.len(), 43);
        assert_ne!(t, new_view_token());
    }
}
