//! The grower statements and a collective's income report as tables for CSV and XLSX, with the
//! figures the JSON answers carry.

use super::table::Cell;
use crate::dto::money::{IncomeReport, StatementOut};
use zhunong_entity::enums::IncomeCategory;

fn category_label(c: IncomeCategory) -> &'static str {
    match c {
        IncomeCategory::SalesCommission => "销售提成",
        IncomeCategory::GreenhouseRent => "大棚租金",
        IncomeCategory::ColdStoreRent => "冷库租金",
        IncomeCategory::JointDividend => "联营分红",
        IncomeCategory::Grant => "补助收入",
        IncomeCategory::Other => "其他收入",
    }
}

/// One row per statement, oldest first.
pub fn statements(
    grower: &str,
    list: &[StatementOut],
    offset: chrono::FixedOffset,
) -> (Vec<String>, Vec<Vec<Cell>>) {
    let headers = [
        "种植户",
        "对账单编号",
        "开始日期",
        "结束日期",
        "重量（克）",
        "重量（斤）",
        "销售额（分）",
        "销售额（元）",
        "提成（分）",
        "提成（元）",
        "平台费用（分）",
        "平台费用（元）",
        "应付（分）",
        "应付（元）",
        "已付（分）",
        "已付（元）",
        "期初余额（分）",
        "期初余额（元）",
        "余额（分）",
        "余额（元）",
        "开具时间",
    ]
    .map(String::from)
    .to_vec();
    let rows = list
        .iter()
        .map(|s| {
            let mut r = vec![
                Cell::Text(grower.to_owned()),
                Cell::Int(s.id),
                Cell::Date(s.period_from),
                Cell::Date(s.period_to),
                Cell::Int(s.quantity_g),
                Cell::Jin(s.quantity_g),
            ];
            for fen in [
                s.sales_fen,
                s.commission_fen,
                s.platform_fees_fen,
                s.payable_fen,
                s.paid_out_fen,
                s.opening_balance_fen,
                s.balance_fen,
            ] {
                r.push(Cell::Int(fen));
                r.push(Cell::Yuan(fen));
            }
            r.push(Cell::Text(
                s.issued_at
                    .with_timezone(&offset)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
            ));
            r
        })
        .collect();
    (headers, rows)
}

/// One row per income category with its months and total, then the month totals, then the year
/// before and the change.
pub fn income(collective: &str, r: &IncomeReport) -> (Vec<String>, Vec<Vec<Cell>>) {
    let mut headers = vec!["村集体".to_owned(), "类别".to_owned()];
    for m in 1..=12 {
        headers.push(format!("{m}月（分）"));
        headers.push(format!("{m}月（元）"));
    }
    headers.extend(["全年（分）", "全年（元）"].map(String::from));
    let money_row = |name: &str, months: &[i64], total: i64| {
        let mut row = vec![
            Cell::Text(collective.to_owned()),
            Cell::Text(name.to_owned()),
        ];
        for fen in months {
            row.push(Cell::Int(*fen));
            row.push(Cell::Yuan(*fen));
        }
        row.push(Cell::Int(total));
        row.push(Cell::Yuan(total));
        row
    };
    let mut rows: Vec<Vec<Cell>> = r
        .categories
        .iter()
        .map(|c| money_row(category_label(c.category), &c.months_fen, c.total_fen))
        .collect();
    rows.push(money_row("合计", &r.months_fen, r.total_fen));
    let blank = |row: &mut Vec<Cell>| row.extend((0..24).map(|_| Cell::Text(String::new())));
    let mut before = vec![
        Cell::Text(collective.to_owned()),
        Cell::Text(format!("{}年合计", r.year - 1)),
    ];
    blank(&mut before);
    before.push(Cell::Int(r.previous_year_total_fen));
    before.push(Cell::Yuan(r.previous_year_total_fen));
    rows.push(before);
    let mut change = vec![
        Cell::Text(collective.to_owned()),
        Cell::Text("同比（%）".into()),
    ];
    blank(&mut change);
    change.push(Cell::Percent(r.change_percent.clone()));
    change.push(Cell::Text(String::new()));
    rows.push(change);
    (headers, rows)
}
