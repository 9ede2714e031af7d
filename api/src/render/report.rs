//! A sales report as CSV and as XLSX, with the same columns: the period, each dimension's id
//! and name, then every figure as its integer and, for amounts and weights, in yuan and jin
//! beside it (a download keeps only the yuan and jin unless asked for the integers); with a
//! comparison, the previous figure, the change and the change in percent. A totals row ends
//! the table.

use super::table::Cell;

/// Below the table: why the order counts of the rows can add up to more than the total.
pub const ORDER_COUNT_NOTE: &str = "说明：订单数按订单计。一张订单里有几样产品（或几个批次、几位种植户）时，\
     它在每一组里各算一次，所以各行的订单数相加可能多于合计行；金额和重量没有这个问题，各行相加等于合计。";
use crate::dto::reports::{Comparison, Metric, SalesMetrics, SalesReport};

fn metric_cells(
    m: &SalesMetrics,
    prefix: &str,
    headers: &mut Option<&mut Vec<String>>,
) -> Vec<Cell> {
    let mut out = Vec::new();
    for metric in Metric::ALL {
        let v = metric.of(m);
        let mut head = |h: String| {
            if let Some(hs) = headers.as_deref_mut() {
                hs.push(h);
            }
        };
        head(format!("{prefix}{}", metric.title()));
        out.push(Cell::Int(v));
        if metric.is_money() {
            head(format!(
                "{prefix}{}",
                metric.title().replace("（分）", "（元）")
            ));
            out.push(Cell::Yuan(v));
        } else if metric == Metric::QuantityG {
            head(format!("{prefix}重量（斤）"));
            out.push(Cell::Jin(v));
        }
    }
    out
}

fn comparison_cells(c: &Comparison, headers: &mut Option<&mut Vec<String>>) -> Vec<Cell> {
    let mut out = metric_cells(&c.previous, "上期", headers);
    for metric in Metric::ALL {
        let v = metric.of(&c.change);
        let base = metric
            .title()
            .trim_end_matches("（分）")
            .trim_end_matches("（克）");
        let mut head = |h: String| {
            if let Some(hs) = headers.as_deref_mut() {
                hs.push(h);
            }
        };
        head(format!("变化{}", metric.title()));
        out.push(Cell::Int(v));
        if metric.is_money() {
            head(format!("变化{base}（元）"));
            out.push(Cell::Yuan(v));
        } else if metric == Metric::QuantityG {
            head(format!("变化{base}（斤）"));
            out.push(Cell::Jin(v));
        }
        head(format!("{base}变化率"));
        out.push(Cell::Percent(c.change_percent.of(metric).cloned()));
    }
    out
}

/// The header and the rows (the totals last), as typed cells.
pub fn table(r: &SalesReport) -> (Vec<String>, Vec<Vec<Cell>>) {
    let mut headers = Vec::new();
    let with_period = r.interval != "none";
    if with_period {
        headers.extend(["期间", "开始日期", "结束日期"].map(String::from));
    }
    for d in &r.group_by {
        headers.push(format!("{}编号", d.title()));
        headers.push(d.title().to_owned());
    }
    let mut rows = Vec::with_capacity(r.rows.len() + 1);
    for (i, row) in r.rows.iter().enumerate() {
        let mut h = (i == 0).then_some(&mut headers);
        let mut cells = Vec::new();
        if let Some(p) = &row.period {
            cells.push(Cell::Text(p.label.clone()));
            cells.push(Cell::Date(p.from));
            cells.push(Cell::Date(p.to));
        }
        for d in &r.group_by {
            let v = &row.dimensions[d.name()];
            cells.push(match (&v.code, v.id) {
                (Some(c), _) => Cell::Text(c.clone()),
                (None, Some(id)) => Cell::Int(id),
                (None, None) => Cell::Text(String::new()),
            });
            cells.push(Cell::Text(v.label.clone()));
        }
        cells.extend(metric_cells(&row.metrics, "", &mut h));
        if let Some(c) = &row.compared {
            cells.extend(comparison_cells(c, &mut h));
        }
        rows.push(cells);
    }
    // The totals row; it also names the figures' columns when there are no rows.
    let mut h = r.rows.is_empty().then_some(&mut headers);
    let lead = usize::from(with_period) * 3 + r.group_by.len() * 2;
    let mut cells: Vec<Cell> = (0..lead.max(1))
        .map(|i| {
            Cell::Text(if i == 0 {
                "合计".into()
            } else {
                String::new()
            })
        })
        .collect();
    cells.extend(metric_cells(&r.totals.metrics, "", &mut h));
    if let Some(c) = &r.totals.compared {
        cells.extend(comparison_cells(c, &mut h));
    }
    rows.push(cells);
    if lead == 0 {
        // No period or group column to carry "合计": a column of its own says which row is which.
        headers.insert(0, "范围".to_owned());
        let last = rows.len() - 1;
        for row in &mut rows[..last] {
            row.insert(0, Cell::Text("全部".into()));
        }
    }
    (headers, rows)
}

/// The report's parameters as a person reads them, for the second sheet.
pub fn parameters(r: &SalesReport, local: chrono::FixedOffset) -> Vec<(String, String)> {
    let mut out = vec![
        (
            "数据截至".to_owned(),
            r.as_of
                .with_timezone(&local)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
        ),
        ("开始日期".to_owned(), r.from.to_string()),
        ("结束日期".to_owned(), r.to.to_string()),
        (
            "日期口径".to_owned(),
            match r.basis {
                crate::dto::reports::Basis::Placed => "下单日期".to_owned(),
                crate::dto::reports::Basis::Settled => "结算日期".to_owned(),
            },
        ),
        (
            "时间粒度".to_owned(),
            match r.interval.as_str() {
                "day" => "日",
                "week" => "周",
                "month" => "月",
                "quarter" => "季度",
                "year" => "年",
                _ => "不分期",
            }
            .to_owned(),
        ),
        (
            "分组".to_owned(),
            r.group_by
                .iter()
                .map(|d| d.title())
                .collect::<Vec<_>>()
                .join("、"),
        ),
    ];
    if let (Some(c), Some(f), Some(t)) = (&r.compare, r.compare_from, r.compare_to) {
        let what = if c == "previous_year" {
            "去年同期"
        } else {
            "上一期"
        };
        out.push(("对比".to_owned(), format!("{what}（{f} 至 {t}）")));
    }
    out.push((
        "排序".to_owned(),
        format!(
            "{}{}",
            r.order_by.title(),
            if r.descending {
                " 从高到低"
            } else {
                " 从低到高"
            }
        ),
    ));
    if let Some(n) = r.limit {
        out.push(("前几名".to_owned(), n.to_string()));
    }
    for (k, vs) in &r.filters {
        out.push((format!("筛选 {k}"), vs.join(",")));
    }
    out
}

/// `销售报表_2026-09` for a whole month, else `销售报表_2026-09-01_2026-09-30`.
pub fn file_stem(r: &SalesReport) -> String {
    super::table::span_stem("销售报表", r.from, r.to)
}
