//! Masking a recipient for pages that anyone may see (the stream board, the buyer's own page):
//! `张*`, `138****1234`, and the address down to its district.

/// Whether an export may show phones and addresses whole: only to the roles that ship (the
/// station, and the office over it); the livestream helper sees them masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exposure {
    Whole,
    Masked,
}

impl Exposure {
    pub fn for_role(role: zhunong_entity::enums::Role) -> Self {
        use zhunong_entity::enums::Role;
        match role {
            Role::Admin | Role::Secretary | Role::Station => Self::Whole,
            Role::Helper | Role::Partner | Role::Auditor => Self::Masked,
        }
    }

    /// `phone` as this exposure shows it.
    pub fn phone(self, p: &str) -> String {
        match self {
            Self::Whole => p.to_owned(),
            Self::Masked if p.is_empty() => String::new(),
            Self::Masked => phone(p),
        }
    }

    /// A free-text address as this exposure shows it: its first six characters (about the
    /// province and city), the rest hidden.
    pub fn address(self, a: &str) -> String {
        match self {
            Self::Whole => a.to_owned(),
            Self::Masked if a.is_empty() => String::new(),
            Self::Masked => format!("{}****", a.chars().take(6).collect::<String>()),
        }
    }
}

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
