//! Masking a recipient for pages that anyone may see (the stream board, the buyer's own page):
//! `张*`, `138****1234`, and the address down to its district.

/// The first character, then one `*` for each of the rest.
pub fn name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

/// The first three and last four digits of a mobile number; all but the last four otherwise.
pub fn phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().collect();
    match digits.len() {
        11 if digits[0] == '1' => format!(
            "{}****{}",
            digits[..3].iter().collect::<String>(),
            digits[7..].iter().collect::<String>()
        ),
        n if n > 4 => format!("****{}", digits[n - 4..].iter().collect::<String>()),
        _ => "****".to_owned(),
    }
}

/// Province, city and district, with the rest hidden.
pub fn address(province: &str, city: &str, district: &str) -> String {
    let place: String = if province == city {
        format!("{province}{district}")
    } else {
        format!("{province}{city}{district}")
    };
    format!("{place}****")
}

#[cfg(test)]
mod tests {
    #[test]
    fn masks_as_shops_do() {
        assert_eq!(super::name("张三"), "张*");
        assert_eq!(super::name("欧阳小明"), "欧***");
        assert_eq!(super::phone("13800001234"), "138****1234");
        assert_eq!(super::phone("05581234567"), "****4567");
        assert_eq!(
            super::address("北京市", "北京市", "朝阳区"),
            "北京市朝阳区****"
        );
    }
}
