//! China's administrative divisions down to districts (GB/T 2260 codes, 2023), embedded in the
//! binary from `api/data/regions/` (see its `SOURCE.md` for where they came from and their
//! licence). Read once, on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

pub struct Region {
    pub code: String,
    pub name: String,
    /// The name without its administrative suffix (安徽省 → 安徽, 利辛县 → 利辛), as people often
    /// write it; `None` where that would leave a single character or is the name itself.
    pub short: Option<String>,
}

pub struct City {
    pub region: Region,
    /// Districts of this city.
    pub districts: Vec<Region>,
    /// A placeholder rather than a city people write (市辖区 of a municipality, 省直辖县级行政区划):
    /// the address names the province (a municipality) or the district (a county-level city)
    /// in its place.
    pub placeholder: bool,
}

pub struct Province {
    pub region: Region,
    pub cities: Vec<City>,
    /// 北京, 天津, 上海, 重庆: the province is also the city.
    pub municipality: bool,
}

pub struct Regions {
    pub provinces: Vec<Province>,
}

const PROVINCES: &str = include_str!("../../../data/regions/provinces.csv");
const CITIES: &str = include_str!("../../../data/regions/cities.csv");
const AREAS: &str = include_str!("../../../data/regions/areas.csv");

const SUFFIXES: [&str; 16] = [
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "地区",
    "林区",
    "新区",
    "省",
    "市",
    "区",
    "县",
    "盟",
    "旗",
];

fn short_name(name: &str) -> Option<String> {
    // 内蒙古自治区 and 西藏自治区 keep their whole stem; a 自治州 keeps its place name only
    // (延边朝鲜族自治州 → 延边).
    let mut stem = name;
    for s in SUFFIXES {
        if let Some(rest) = name.strip_suffix(s) {
            stem = rest;
            break;
        }
    }
    if stem.ends_with('族') {
        // 延边朝鲜族 → 延边: the people's name is two to four characters before 族.
        let chars: Vec<char> = stem.chars().collect();
        if chars.len() > 3 {
            stem = &stem[..stem.char_indices().nth(2).map_or(stem.len(), |(i, _)| i)];
        }
    }
    (stem != name && stem.chars().count() >= 2).then(|| stem.to_owned())
}

fn region(code: &str, name: &str) -> Region {
    Region {
        code: code.to_owned(),
        name: name.to_owned(),
        short: short_name(name),
    }
}

/// `code,"name",parent…` rows after the header.
fn rows(csv: &str) -> impl Iterator<Item = Vec<String>> + '_ {
    csv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            l.split(',')
                .map(|f| f.trim().trim_matches('"').to_owned())
                .collect()
        })
}

fn load() -> Regions {
    let mut provinces: Vec<Province> = rows(PROVINCES)
        .map(|r| Province {
            municipality: matches!(r[0].as_str(), "11" | "12" | "31" | "50"),
            region: region(&r[0], &r[1]),
            cities: Vec::new(),
        })
        .collect();
    let mut city_index: HashMap<String, (usize, usize)> = HashMap::new();
    for r in rows(CITIES) {
        let Some(p) = provinces.iter().position(|p| p.region.code == r[2]) else {
            continue;
        };
        let placeholder = matches!(
            r[1].as_str(),
            "市辖区" | "县" | "省直辖县级行政区划" | "自治区直辖县级行政区划"
        );
        provinces[p].cities.push(City {
            region: region(&r[0], &r[1]),
            districts: Vec::new(),
            placeholder,
        });
        city_index.insert(r[0].clone(), (p, provinces[p].cities.len() - 1));
    }
    for r in rows(AREAS) {
        if let Some((p, c)) = city_index.get(&r[2]) {
            provinces[*p].cities[*c]
                .districts
                .push(region(&r[0], &r[1]));
        }
    }
    Regions { provinces }
}

/// The table, read on first use.
pub fn regions() -> &'static Regions {
    static REGIONS: OnceLock<Regions> = OnceLock::new();
    REGIONS.get_or_init(load)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_table_is_there() {
        let r = regions();
        assert_eq!(r.provinces.len(), 31);
        let districts: usize = r
            .provinces
            .iter()
            .flat_map(|p| &p.cities)
            .map(|c| c.districts.len())
            .sum();
        assert_eq!(districts, 2978);
    }

    #[test]
    fn short_names_are_what_people_write() {
        assert_eq!(short_name("安徽省").as_deref(), Some("安徽"));
        assert_eq!(short_name("广西壮族自治区").as_deref(), Some("广西"));
        assert_eq!(short_name("内蒙古自治区").as_deref(), Some("内蒙古"));
        assert_eq!(short_name("延边朝鲜族自治州").as_deref(), Some("延边"));
        assert_eq!(short_name("利辛县").as_deref(), Some("利辛"));
        assert_eq!(short_name("东区"), None);
    }
}
