//! The query string of a sales report, checked: every parameter named in a 422 when it is
//! wrong, and unknown parameters refused so a misspelt filter is not silently ignored.

use crate::domain::periods::{Compare, Interval};
use crate::dto::reports::{Basis, Dimension, Export, ExportFormat, Metric, Units};
use crate::error::{AppError, AppResult, Validator};
use chrono::{Months, NaiveDate};
use std::collections::BTreeMap;

/// The span a report may cover.
pub const MAX_SPAN_YEARS: u32 = 10;
pub const MAX_GROUP_BY: usize = 3;
pub const MAX_LIMIT: u64 = 1_000;

/// A filter value: an id, or a code (buyer kind, channel).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterValue {
    Id(i64),
    Code(String),
}

#[derive(Debug, Clone)]
pub struct SalesRequest {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub basis: Basis,
    pub interval: Interval,
    pub group_by: Vec<Dimension>,
    /// By filter parameter name (`product_id`, `channel`, …), each with its values.
    pub filters: BTreeMap<&'static str, Vec<FilterValue>>,
    pub compare: Option<Compare>,
    pub order_by: Metric,
    pub descending: bool,
    pub limit: Option<u64>,
}

/// Filter parameters, the column each filters, and whether its values are codes.
pub const FILTERS: [(&str, &str, Option<&[&str]>); 9] = [
    ("product_id", "product_id", None),
    ("batch_id", "batch_id", None),
    ("grower_id", "grower_id", None),
    ("buyer_id", "buyer_id", None),
    (
        "buyer_kind",
        "buyer_kind",
        Some(&["individual", "enterprise"]),
    ),
    (
        "channel",
        "channel",
        Some(&[
            "livestream",
            "partner_api",
            "expo",
            "phone",
            "walk_in",
            "douyin_shop",
        ]),
    ),
    (
        "fulfilment",
        "fulfilment",
        Some(&["load", "parcel", "pickup"]),
    ),
    ("live_session_id", "live_session_id", None),
    ("collective_id", "collective_id", None),
];

const OTHER_PARAMS: [&str; 10] = [
    "from", "to", "basis", "interval", "group_by", "compare", "order_by", "limit", "format",
    "units",
];

pub fn interval_name(i: Interval) -> &'static str {
    match i {
        Interval::None => "none",
        Interval::Day => "day",
        Interval::Week => "week",
        Interval::Month => "month",
        Interval::Quarter => "quarter",
        Interval::Year => "year",
    }
}

pub fn compare_name(c: Compare) -> &'static str {
    match c {
        Compare::PreviousPeriod => "previous_period",
        Compare::PreviousYear => "previous_year",
    }
}

/// Parses the query string.
///
/// # Errors
/// 422 naming every parameter that is wrong.
pub fn parse(query: &str, max_filter_values: usize) -> AppResult<(SalesRequest, Export)> {
    let mut single: BTreeMap<String, String> = BTreeMap::new();
    let mut filter_raw: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut v = Validator::default();
    for (k, value) in url::form_urlencoded::parse(query.as_bytes()) {
        if let Some((name, _, _)) = FILTERS.iter().find(|f| f.0 == k) {
            let values = filter_raw.entry(name).or_default();
            values.extend(
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
            );
        } else if OTHER_PARAMS.contains(&k.as_ref()) {
            if single.insert(k.to_string(), value.into_owned()).is_some() {
                v.check(false, k.as_ref(), "may be given once");
            }
        } else {
            v.check(false, k.as_ref(), "is not a parameter of this report");
        }
    }
    let get = |k: &str| single.get(k).map(String::as_str);
    let date = |v: &mut Validator, k: &str| match get(k) {
        None => {
            v.check(false, k, "is required (YYYY-MM-DD)");
            None
        }
        Some(s) => match crate::dto::date::parse_strict(s) {
            Ok(d) => Some(d),
            Err(msg) => {
                v.check(false, k, msg);
                None
            }
        },
    };
    let from = date(&mut v, "from");
    let to = date(&mut v, "to");
    if let (Some(f), Some(t)) = (from, to) {
        v.check(f <= t, "to", "must not be before from");
        let limit = f.checked_add_months(Months::new(12 * MAX_SPAN_YEARS));
        v.check(
            limit.is_some_and(|l| t < l),
            "to",
            format!("the span may be at most {MAX_SPAN_YEARS} years"),
        );
    }
    let basis = match get("basis").unwrap_or("placed") {
        "placed" => Basis::Placed,
        "settled" => Basis::Settled,
        _ => {
            v.check(false, "basis", "must be placed or settled");
            Basis::Placed
        }
    };
    let interval = match get("interval").unwrap_or("none") {
        "none" => Interval::None,
        "day" => Interval::Day,
        "week" => Interval::Week,
        "month" => Interval::Month,
        "quarter" => Interval::Quarter,
        "year" => Interval::Year,
        _ => {
            v.check(
                false,
                "interval",
                "must be none, day, week, month, quarter or year",
            );
            Interval::None
        }
    };
    let mut group_by = Vec::new();
    for name in get("group_by")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match Dimension::parse(name) {
            Some(d) if group_by.contains(&d) => {
                v.check(false, "group_by", format!("{name} is given twice"))
            }
            Some(d) => group_by.push(d),
            None => v.check(
                false,
                "group_by",
                format!(
                    "{name} is not a dimension; choose from {}",
                    Dimension::ALL.map(Dimension::name).join(", ")
                ),
            ),
        }
    }
    v.check(
        group_by.len() <= MAX_GROUP_BY,
        "group_by",
        format!("at most {MAX_GROUP_BY} dimensions"),
    );
    let mut filters = BTreeMap::new();
    for (name, raw) in filter_raw {
        let codes = FILTERS.iter().find(|f| f.0 == name).and_then(|f| f.2);
        v.check(
            raw.len() <= max_filter_values,
            name,
            format!("at most {max_filter_values} values"),
        );
        let mut values = Vec::new();
        for s in raw {
            match codes {
                Some(allowed) if allowed.contains(&s.as_str()) => values.push(FilterValue::Code(s)),
                Some(allowed) => v.check(
                    false,
                    name,
                    format!("{s} is not one of {}", allowed.join(", ")),
                ),
                None => match s.parse::<i64>() {
                    Ok(id) if id > 0 => values.push(FilterValue::Id(id)),
                    _ => v.check(false, name, format!("{s} is not an id")),
                },
            }
        }
        if !values.is_empty() {
            filters.insert(name, values);
        }
    }
    let compare = match get("compare") {
        None | Some("") => None,
        Some("previous_period") => Some(Compare::PreviousPeriod),
        Some("previous_year") => Some(Compare::PreviousYear),
        Some(_) => {
            v.check(false, "compare", "must be previous_period or previous_year");
            None
        }
    };
    let (order_by, descending) = match get("order_by") {
        None => (Metric::NetSalesFen, true),
        Some(s) => {
            let (name, dir) = s.split_once(':').unwrap_or((s, "desc"));
            let metric = Metric::parse(name);
            v.check(
                metric.is_some(),
                "order_by",
                format!(
                    "{name} is not a metric; choose from {}",
                    Metric::ALL.map(Metric::name).join(", ")
                ),
            );
            v.check(
                matches!(dir, "asc" | "desc"),
                "order_by",
                "the direction must be asc or desc",
            );
            (metric.unwrap_or(Metric::NetSalesFen), dir != "asc")
        }
    };
    let limit = match get("limit") {
        None => None,
        Some(s) => match s.parse::<u64>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Some(n),
            _ => {
                v.check(false, "limit", format!("must be between 1 and {MAX_LIMIT}"));
                None
            }
        },
    };
    let format = match get("format").unwrap_or("json") {
        "json" => ExportFormat::Json,
        "csv" => ExportFormat::Csv,
        "xlsx" => ExportFormat::Xlsx,
        _ => {
            v.check(false, "format", "must be json, csv or xlsx");
            ExportFormat::Json
        }
    };
    let units = match get("units").unwrap_or("readable") {
        "readable" => Units::Readable,
        "with_integers" => Units::WithIntegers,
        _ => {
            v.check(false, "units", "must be readable or with_integers");
            Units::Readable
        }
    };
    v.finish()?;
    let (Some(from), Some(to)) = (from, to) else {
        return Err(AppError::field("from", "is required"));
    };
    Ok((
        SalesRequest {
            from,
            to,
            basis,
            interval,
            group_by,
            filters,
            compare,
            order_by,
            descending,
            limit,
        },
        Export { format, units },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A coded filter takes every code of its kind: a channel added later is filtered on too.
    #[test]
    fn coded_filters_list_every_code() {
        use sea_orm::Iterable;
        use zhunong_entity::enums::{BuyerKind, Channel, Fulfilment};
        let codes = |name: &str| -> Vec<&str> {
            FILTERS
                .iter()
                .find(|f| f.0 == name)
                .and_then(|f| f.2)
                .map(<[&str]>::to_vec)
                .unwrap_or_default()
        };
        assert_eq!(
            codes("channel"),
            Channel::iter().map(Channel::as_str).collect::<Vec<_>>()
        );
        assert_eq!(
            codes("fulfilment"),
            Fulfilment::iter()
                .map(Fulfilment::as_str)
                .collect::<Vec<_>>()
        );
        assert_eq!(
            codes("buyer_kind"),
            BuyerKind::iter().map(BuyerKind::as_str).collect::<Vec<_>>()
        );
    }

    fn fields(q: &str) -> Vec<String> {
        match parse(q, 100) {
            Err(AppError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected 422 for {q}, got {other:?}"),
        }
    }

    #[test]
    fn a_full_request_parses() {
        let (r, f) = parse(
            "from=2026-09-01&to=2026-09-30&basis=settled&interval=week&group_by=product,channel\
             &product_id=1&product_id=2,3&channel=livestream&compare=previous_year\
             &order_by=orders:asc&limit=10&format=xlsx",
            100,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(f.format, ExportFormat::Xlsx);
        assert_eq!(f.units, Units::Readable);
        assert_eq!(r.group_by, [Dimension::Product, Dimension::Channel]);
        assert_eq!(r.filters["product_id"].len(), 3);
        assert_eq!(
            (r.order_by, r.descending, r.limit),
            (Metric::Orders, false, Some(10))
        );
        assert_eq!(r.interval, Interval::Week);
    }

    #[test]
    fn bad_parameters_are_named() {
        assert_eq!(fields("from=2026-09-30&to=2026-09-01"), ["to"]);
        assert_eq!(fields("from=2010-01-01&to=2020-01-01"), ["to"]);
        assert_eq!(
            fields("from=2026-09-01&to=2026-09-30&group_by=weather"),
            ["group_by"]
        );
        assert_eq!(
            fields("from=2026-09-01&to=2026-09-30&group_by=product,batch,grower,buyer"),
            ["group_by"]
        );
        assert_eq!(fields("to=2026-09-30"), ["from"]);
        assert_eq!(
            fields("from=2026-09-01&to=2026-09-30&channel=tv"),
            ["channel"]
        );
        assert_eq!(
            fields("from=2026-09-01&to=2026-09-30&product=1"),
            ["product"]
        );
        assert_eq!(fields("from=2026-09-01&to=2026-09-30&limit=0"), ["limit"]);
        assert_eq!(
            fields("from=2026-09-01&to=2026-09-30&order_by=price"),
            ["order_by"]
        );
        // Ten years less a day is allowed.
        assert!(parse("from=2017-01-01&to=2026-12-31", 100).is_ok());
    }
}
