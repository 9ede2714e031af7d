//! Exact text forms of integer money and weight, for printed and exported documents.

/// 2910 → "29.10", -5 → "-0.05".
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// 4850 → "4.850" (kilograms, to the gram).
pub fn kg(grams: i64) -> String {
    let sign = if grams < 0 { "-" } else { "" };
    let abs = grams.unsigned_abs();
    format!("{sign}{}.{:03}", abs / 1000, abs % 1000)
}

/// 4850 → "9.70" (jin, to the hundredth; exact when grams are a multiple of 5).
pub fn jin(grams: i64) -> String {
    let sign = if grams < 0 { "-" } else { "" };
    let centi_jin = (grams.unsigned_abs() * 100 + 250) / 500;
    format!("{sign}{}.{:02}", centi_jin / 100, centi_jin % 100)
}

/// What a by-piece quantity is counted in: the product's own unit (箱, 把), else 件.
pub fn piece_unit(unit_label: Option<&str>) -> &str {
    unit_label
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .unwrap_or("件")
}

/// Escapes text for HTML element content and attribute values.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A name as shown on stream: the first character, then one `*` for each of the rest, at least
/// two ("张三" → "张**", "李女士" → "李**", "Tom" → "T**"). A phone number's digits never show.
pub fn mask_name(name: &str) -> String {
    let name = name.trim();
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let first = if first.is_ascii_digit() { '*' } else { first };
    let rest = chars.count().max(2);
    std::iter::once(first)
        .chain(std::iter::repeat_n('*', rest))
        .collect()
}

/// Money as `¥1,234.50` (`-¥12.00` below nought).
pub fn yuan_grouped(fen: i64) -> String {
    let y = yuan(fen.abs());
    let (int, frac) = y.split_once('.').unwrap_or((&y, "00"));
    let digits: Vec<char> = int.chars().collect();
    let mut grouped = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(*c);
    }
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}¥{grouped}.{frac}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_money_has_thousands_separators_and_its_sign() {
        assert_eq!(yuan_grouped(123_456_789), "¥1,234,567.89");
        assert_eq!(yuan_grouped(1_234), "¥12.34");
        assert_eq!(yuan_grouped(5), "¥0.05");
        assert_eq!(yuan_grouped(-12_345_600), "-¥123,456.00");
    }

    #[test]
    fn money_and_weights_print_exactly() {
        assert_eq!(yuan(2_910), "29.10");
        assert_eq!(yuan(5), "0.05");
        assert_eq!(yuan(-105), "-1.05");
        assert_eq!(yuan(3_999_600), "39996.00");
        assert_eq!(kg(4_850), "4.850");
        assert_eq!(kg(7), "0.007");
        assert_eq!(jin(4_850), "9.70");
        assert_eq!(jin(5_000), "10.00");
    }

    #[test]
    fn names_are_masked_for_the_stream() {
        assert_eq!(mask_name("张三"), "张**");
        assert_eq!(mask_name("李女士"), "李**");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name("王"), "王**");
        assert_eq!(mask_name(" Tom "), "T**");
        assert_eq!(mask_name("13800000001"), "*".repeat(11));
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            html(r#"<b a="x">&'"#),
            "&lt;b a=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
