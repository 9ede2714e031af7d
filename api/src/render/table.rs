//! Tables for download: typed cells written as CSV (UTF-8 with a BOM, the header row first,
//! every field through the formula guard) or as an XLSX workbook that opens cleanly in Excel and
//! WPS: numbers as numbers, amounts in yuan with a yuan format, dates as dates, percentages as
//! percentages, each column as wide as its widest cell, a filter on the header, the header
//! frozen, notes below the table and a parameters sheet. The sales report, grower statements and
//! the income report all export through here.

use super::csv_row;
use crate::domain::format::{jin, yuan};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

/// One cell of the table, typed, so that CSV writes it as text and XLSX as a number.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A number that is a code, not a quantity (a platform's 19-digit order id): CSV writes
    /// digits as `="…"` so Excel keeps them whole, XLSX as text.
    Code(String),
    Int(i64),
    /// Fen, shown in yuan.
    Yuan(i64),
    /// Grams, shown in jin.
    Jin(i64),
    /// A percentage with two decimals, or empty where the base is 0.
    Percent(Option<String>),
    Date(NaiveDate),
}

impl Cell {
    fn csv(&self) -> String {
        match self {
            Self::Text(s) | Self::Code(s) => s.clone(),
            Self::Int(n) => n.to_string(),
            Self::Yuan(f) => yuan(*f),
            Self::Jin(g) => jin(*g),
            Self::Percent(p) => p.clone().unwrap_or_default(),
            Self::Date(d) => d.to_string(),
        }
    }

    /// How many columns of a spreadsheet it takes to show, a CJK character counting two.
    fn width(&self) -> usize {
        match self {
            Self::Yuan(f) => yuan(*f).len() + 4,
            Self::Percent(Some(p)) => p.len() + 2,
            other => display_width(&other.csv()),
        }
    }
}

fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Without the integer columns (headers ending in （分） or （克）): what a person reads, in 元 and
/// 斤, each of which sits beside its integer twin.
pub fn readable(headers: Vec<String>, rows: Vec<Vec<Cell>>) -> (Vec<String>, Vec<Vec<Cell>>) {
    let keep: Vec<bool> = headers
        .iter()
        .map(|h| !(h.ends_with("（分）") || h.ends_with("（克）")))
        .collect();
    let pick = |v: Vec<Cell>| {
        v.into_iter()
            .zip(&keep)
            .filter_map(|(c, k)| k.then_some(c))
            .collect()
    };
    let headers = headers
        .into_iter()
        .zip(&keep)
        .filter_map(|(h, k)| k.then_some(h))
        .collect();
    (headers, rows.into_iter().map(pick).collect())
}

/// UTF-8 with a BOM, the header row first.
pub fn csv(headers: &[String], rows: &[Vec<Cell>]) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&csv_row(headers));
    for row in rows {
        let codes: Vec<usize> = row
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(c, Cell::Code(_)))
            .map(|(i, _)| i)
            .collect();
        out.push_str(&super::csv_row_keeping_text(
            &row.iter().map(Cell::csv).collect::<Vec<_>>(),
            &codes,
        ));
    }
    out
}

/// Widest a column is made, in character widths: a long name wraps rather than pushing the
/// figures off the screen.
const MAX_COLUMN_WIDTH: usize = 40;

/// One sheet `title` of typed cells, the header frozen and filtered, `notes` below the table; a
/// second sheet 参数 with the parameters.
///
/// # Errors
/// The workbook could not be written.
pub fn xlsx(
    title: &str,
    headers: &[String],
    rows: &[Vec<Cell>],
    parameters: &[(String, String)],
    notes: &[&str],
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    // A fixed creation time: the same table makes the same bytes (a closed month's vouchers are
    // final, and a bookkeeper may compare two downloads).
    book.set_properties(
        &DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let bold = Format::new().set_bold().set_text_wrap();
    let money = Format::new().set_num_format("¥#,##0.00");
    let decimal = Format::new().set_num_format("#,##0.00");
    let percent = Format::new().set_num_format("0.00%");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let sheet = book.add_worksheet();
    sheet.set_name(title)?;
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, col(c), h, &bold)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        for (c, cell) in row.iter().enumerate() {
            let c = col(c);
            // Integers below 2^53 are exact as f64; fen and grams stay far below.
            #[allow(clippy::cast_precision_loss)]
            match cell {
                Cell::Text(s) | Cell::Code(s) => {
                    sheet.write_string(r, c, s)?;
                }
                Cell::Int(n) => {
                    sheet.write_number(r, c, *n as f64)?;
                }
                Cell::Yuan(f) => {
                    sheet.write_number_with_format(r, c, *f as f64 / 100.0, &money)?;
                }
                Cell::Jin(g) => {
                    sheet.write_number_with_format(r, c, *g as f64 / 500.0, &decimal)?;
                }
                Cell::Percent(Some(p)) => match p.parse::<f64>() {
                    Ok(v) => {
                        sheet.write_number_with_format(r, c, v / 100.0, &percent)?;
                    }
                    Err(_) => {
                        sheet.write_string(r, c, p)?;
                    }
                },
                Cell::Percent(None) => {}
                Cell::Date(d) => {
                    let day = ExcelDateTime::from_ymd(
                        u16::try_from(d.year()).unwrap_or(1900),
                        u8::try_from(d.month()).unwrap_or(1),
                        u8::try_from(d.day()).unwrap_or(1),
                    )?;
                    sheet.write_datetime_with_format(r, c, &day, &date)?;
                }
            }
        }
    }
    for (c, h) in headers.iter().enumerate() {
        let widest = rows
            .iter()
            .filter_map(|row| row.get(c).map(Cell::width))
            .chain(std::iter::once(display_width(h)))
            .max()
            .unwrap_or(8);
        // Column widths are in characters of the default font; two more for the filter button.
        #[allow(clippy::cast_precision_loss)]
        sheet.set_column_width(col(c), (widest.clamp(6, MAX_COLUMN_WIDTH) + 3) as f64)?;
    }
    let last_row = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    if !headers.is_empty() {
        sheet.autofilter(0, 0, last_row, col(headers.len() - 1))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (i, note) in notes.iter().enumerate() {
        let r = last_row + 2 + u32::try_from(i).unwrap_or(0);
        sheet.write_string(r, 0, *note)?;
    }
    let params = book.add_worksheet();
    params.set_name("参数")?;
    params.write_string_with_format(0, 0, "参数", &bold)?;
    params.write_string_with_format(0, 1, "值", &bold)?;
    for (i, (k, v)) in parameters.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        params.write_string(r, 0, k)?;
        params.write_string(r, 1, v)?;
    }
    params.set_column_width(0, 16)?;
    params.set_column_width(1, 40)?;
    book.save_to_buffer()
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// `{what}_2026-09` for a whole month, `{what}_2026` for a whole year, else
/// `{what}_2026-09-01_2026-09-30`.
pub fn span_stem(what: &str, from: NaiveDate, to: NaiveDate) -> String {
    let ends_month = to.succ_opt().is_some_and(|n| n.day() == 1);
    let same_month = (from.year(), from.month()) == (to.year(), to.month());
    if from.day() == 1 && ends_month && same_month {
        format!("{what}_{}", from.format("%Y-%m"))
    } else if from.ordinal() == 1
        && to.succ_opt().is_some_and(|n| n.ordinal() == 1)
        && from.year() == to.year()
    {
        format!("{what}_{}", from.year())
    } else {
        format!("{what}_{from}_{to}")
    }
}

/// `attachment` with an ASCII fallback name and the real one as RFC 5987 `filename*`.
pub fn content_disposition(stem: &str, ext: &str, ascii_fallback: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(format!("{stem}.{ext}").as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    format!("attachment; filename=\"{ascii_fallback}.{ext}\"; filename*=UTF-8''{encoded}")
}
