//! Reading a recipient out of pasted text (智能识别): a viewer's message such as
//! `张三 13800001234 安徽省亳州市利辛县张村镇红光村3组` becomes name, phone, province, city,
//! district, street and detail, matched against China's divisions ([`regions`]).
//!
//! Nothing is guessed silently: a field the reader inferred rather than read (a province from
//! its city, a city from its district), read from a short form, or could not find is listed in
//! `unsure` for a person to check; text that does not parse stays whole in `detail`.

pub mod mask;
pub mod regions;

use regions::{City, Province, Region, regions};
use serde::Serialize;
use utoipa::ToSchema;

/// What the reader made of a pasted text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ParsedAddress {
    pub name: String,
    pub phone: String,
    pub province: String,
    pub city: String,
    pub district: String,
    /// The township or street office (镇, 乡, 街道), where the text names one.
    pub street: String,
    /// The rest: village, group, road and number.
    pub detail: String,
    /// The text as pasted.
    pub raw_text: String,
    /// Fields to check by eye: `name`, `phone`, `province`, `city`, `district`, `street`.
    pub unsure: Vec<String>,
}

/// The fields in the order a form shows them.
const FIELDS: [&str; 6] = ["name", "phone", "province", "city", "district", "street"];

/// Words that label a field in copied text (收货人：张三).
const LABELS: [&str; 14] = [
    "收货人姓名",
    "收货地址",
    "详细地址",
    "所在地区",
    "联系电话",
    "手机号码",
    "收货人",
    "收件人",
    "手机号",
    "联系人",
    "姓名",
    "电话",
    "手机",
    "地址",
];

/// Splits `text` into name, phone and address fields.
pub fn parse(text: &str) -> ParsedAddress {
    let raw_text = text.trim().to_owned();
    let mut unsure = Vec::new();
    let mut rest = normalise(&raw_text);
    let phone = take_phone(&mut rest);
    if phone.is_none() {
        unsure.push("phone");
    }
    let tokens: Vec<&str> = rest.split_whitespace().collect();
    // The address is the token that names a region, else the longest one; a name is a short
    // token of Chinese characters, else whatever short token is left.
    let address_at = tokens
        .iter()
        .position(|t| locate(t).is_some())
        .or_else(|| (0..tokens.len()).max_by_key(|i| tokens[*i].chars().count()));
    let name = tokens
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != address_at)
        .map(|(_, t)| *t)
        .find(|t| (2..=6).contains(&t.chars().count()) && t.chars().all(is_han))
        .or_else(|| {
            tokens
                .iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != address_at)
                .map(|(_, t)| *t)
                .find(|t| t.chars().count() <= 12)
        });
    if name.is_none_or(|n| !(2..=4).contains(&n.chars().count()) || !n.chars().all(is_han)) {
        unsure.push("name");
    }
    // Address words after the address token (a name written last is already taken).
    let address: String = match address_at {
        Some(i) => tokens[i..]
            .iter()
            .filter(|t| Some(**t) != name)
            .copied()
            .collect::<Vec<_>>()
            .join(""),
        None => String::new(),
    };
    let mut out = ParsedAddress {
        name: name.unwrap_or_default().to_owned(),
        phone: phone.unwrap_or_default(),
        raw_text,
        ..ParsedAddress::default()
    };
    match locate(&address) {
        Some(found) => {
            out.province = found.province.region.name.clone();
            out.city = city_name(found.province, found.city, found.district);
            out.district = found.district.name.clone();
            let (street, detail) = split_street(found.rest);
            out.street = street.to_owned();
            out.detail = detail.to_owned();
            unsure.extend(found.unsure);
            if out.street.is_empty() {
                unsure.push("street");
            }
        }
        None => {
            out.detail = address;
            unsure.extend(["province", "city", "district", "street"]);
        }
    }
    out.unsure = FIELDS
        .iter()
        .filter(|f| unsure.contains(f))
        .map(|f| (*f).to_owned())
        .collect();
    out
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || c == '·'
}

/// Full-width forms to ASCII, punctuation and field labels to spaces.
fn normalise(text: &str) -> String {
    let mut s: String = text
        .chars()
        .map(|c| match c {
            '\u{ff10}'..='\u{ff19}' => {
                char::from_u32(c as u32 - 0xff10 + u32::from(b'0')).unwrap_or(c)
            }
            '，' | ',' | '；' | ';' | '：' | ':' | '、' | '\u{3000}' | '|' | '/' | '(' | ')'
            | '（' | '）' | '【' | '】' | '[' | ']' | '\n' | '\r' | '\t' => ' ',
            _ => c,
        })
        .collect();
    for label in LABELS {
        s = s.replace(label, " ");
    }
    s
}

/// Takes the first mainland mobile number (digits possibly split by spaces or dashes, with or
/// without +86) out of `text`, or failing that a landline such as 0558-1234567.
fn take_phone(text: &mut String) -> Option<String> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].1.is_ascii_digit() || chars[i].1 == '+' {
            // A run of digits, spaces and dashes.
            let start = i;
            let mut digits = String::new();
            let mut end = i;
            while end < chars.len()
                && (chars[end].1.is_ascii_digit() || matches!(chars[end].1, ' ' | '-' | '+'))
            {
                if chars[end].1.is_ascii_digit() {
                    digits.push(chars[end].1);
                }
                end += 1;
            }
            let digits = digits
                .strip_prefix("86")
                .filter(|d| d.len() == 11)
                .unwrap_or(&digits)
                .to_owned();
            let mobile =
                digits.len() == 11 && digits.starts_with('1') && digits.as_bytes()[1] >= b'3';
            let landline = digits.starts_with('0') && (10..=12).contains(&digits.len());
            if mobile || landline {
                let from = chars[start].0;
                let to = chars.get(end).map_or(text.len(), |c| c.0);
                text.replace_range(from..to, " ");
                return Some(digits);
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    None
}

struct Located<'a> {
    province: &'a Province,
    city: &'a City,
    district: &'a Region,
    rest: &'a str,
    unsure: Vec<&'static str>,
}

impl<'a> Located<'a> {
    /// A place found, with the fields to check: each `(field, unsure)` pair names a field and
    /// whether it was inferred or read from a short form.
    fn new(
        province: &'a Province,
        city: &'a City,
        district: &'a Region,
        rest: &'a str,
        checks: [(&'static str, bool); 3],
    ) -> Self {
        Self {
            province,
            city,
            district,
            rest,
            unsure: checks.iter().filter(|c| c.1).map(|c| c.0).collect(),
        }
    }
}

/// `text` starts with `r`'s full name (certain) or its short form (unsure); the rest after it.
fn strip_region<'t>(text: &'t str, r: &Region) -> Option<(&'t str, bool)> {
    if let Some(rest) = text.strip_prefix(r.name.as_str()) {
        return Some((rest, true));
    }
    let short = r.short.as_deref()?;
    text.strip_prefix(short).map(|rest| (rest, false))
}

/// Province, city and district at the start of `text`, each read or inferred.
fn locate(text: &str) -> Option<Located<'_>> {
    let all = regions();
    let text = text.trim();
    // Province written: then city and district within it.
    for p in &all.provinces {
        if let Some((after_p, sure_p)) = strip_region(text, &p.region) {
            let mut found = within_province(p, after_p)?;
            if !sure_p {
                found.unsure.push("province");
            }
            return Some(found);
        }
    }
    // No province: a city, or failing that a district, that names one place only.
    let mut hits = Vec::new();
    for p in &all.provinces {
        for c in p.cities.iter().filter(|c| !c.placeholder) {
            if let Some((after_c, _)) = strip_region(text, &c.region)
                && let Some((d, rest, sure_d)) = district_in(c, after_c)
            {
                hits.push((p, c, d, rest, sure_d));
            }
        }
    }
    if hits.is_empty() {
        for p in &all.provinces {
            for c in &p.cities {
                if let Some((d, rest, sure_d)) = district_in(c, text) {
                    hits.push((p, c, d, rest, sure_d));
                }
            }
        }
        if let [(p, c, d, rest, sure_d)] = hits.as_slice() {
            let checks = [
                ("province", true),
                ("city", !p.municipality),
                ("district", !sure_d),
            ];
            return Some(Located::new(p, c, d, rest, checks));
        }
        return None;
    }
    if let [(p, c, d, rest, sure_d)] = hits.as_slice() {
        let checks = [("province", true), ("city", false), ("district", !sure_d)];
        return Some(Located::new(p, c, d, rest, checks));
    }
    None
}

fn within_province<'a>(p: &'a Province, text: &'a str) -> Option<Located<'a>> {
    // A municipality may repeat its name as the city (北京市北京市朝阳区) or skip it.
    let text = if p.municipality {
        strip_region(text, &p.region).map_or(text, |(rest, _)| rest)
    } else {
        text
    };
    for c in p.cities.iter().filter(|c| !c.placeholder) {
        if let Some((after_c, sure_c)) = strip_region(text, &c.region) {
            let (d, rest, sure_d) = district_in(c, after_c)?;
            let checks = [
                ("province", false),
                ("city", !sure_c),
                ("district", !sure_d),
            ];
            return Some(Located::new(p, c, d, rest, checks));
        }
    }
    // The city left out (or a municipality's, or a county-level city under the province).
    let hits: Vec<_> = p
        .cities
        .iter()
        .filter_map(|c| district_in(c, text).map(|(d, rest, sure)| (c, d, rest, sure)))
        .collect();
    if let [(c, d, rest, sure_d)] = hits.as_slice() {
        let inferred_city = !p.municipality && !c.placeholder;
        let checks = [
            ("province", false),
            ("city", inferred_city),
            ("district", !sure_d),
        ];
        return Some(Located::new(p, c, d, rest, checks));
    }
    None
}

/// The district of `c` that `text` starts with: the full name first, then a unique short form.
fn district_in<'a>(c: &'a City, text: &'a str) -> Option<(&'a Region, &'a str, bool)> {
    if let Some(d) = c
        .districts
        .iter()
        .find(|d| text.starts_with(d.name.as_str()))
    {
        return Some((d, &text[d.name.len()..], true));
    }
    let short: Vec<_> = c
        .districts
        .iter()
        .filter_map(|d| strip_region(text, d).map(|(rest, _)| (d, rest)))
        .collect();
    match short.as_slice() {
        [(d, rest)] => Some((d, rest, false)),
        _ => None,
    }
}

/// The city as an address writes it: the province for a municipality, the county-level city
/// itself where the table has a placeholder.
fn city_name(p: &Province, c: &City, d: &Region) -> String {
    if p.municipality {
        p.region.name.clone()
    } else if c.placeholder {
        d.name.clone()
    } else {
        c.region.name.clone()
    }
}

/// The township or street office at the start of `rest` (up to 镇, 乡, 街道 or 苏木 within the
/// first dozen characters), and what follows.
fn split_street(rest: &str) -> (&str, &str) {
    let rest = rest.trim();
    let window: String = rest.chars().take(12).collect();
    let end = ["街道", "镇", "乡", "苏木"]
        .iter()
        .filter_map(|m| window.find(m).map(|i| i + m.len()))
        .min();
    match end {
        Some(e) if e > 3 => (&rest[..e], rest[e..].trim()),
        _ => ("", rest),
    }
}

#[cfg(test)]
mod tests;
