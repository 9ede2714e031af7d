//! Tables for download: typed cells written as CSV (UTF-8 with a BOM, the header row first,
//! every field through the formula guard) or as an XLSX workbook (numbers as numbers, amounts in
//! yuan with a yuan format, the header frozen, a parameters sheet). The sales report, grower
//! statements and the income report all export through here.

use super::csv_row;
use crate::domain::format::{jin, yuan};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// One cell of the table, typed, so that CSV writes it as text and XLSX as a number.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// Fen, shown in yuan.
    Yuan(i64),
    /// Grams, shown in jin.
    Jin(i64),
    /// A percentage with two decimals, or empty where the base is 0.
    Percent(Option<String>),
}

impl Cell {
    fn csv(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Int(n) => n.to_string(),
            Self::Yuan(f) => yuan(*f),
            Self::Jin(g) => jin(*g),
            Self::Percent(p) => p.clone().unwrap_or_default(),
        }
    }
}

/// UTF-8 with a BOM, the header row first.
pub fn csv(headers: &[String], rows: &[Vec<Cell>]) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&csv_row(headers));
    for row in rows {
        out.push_str(&csv_row(&row.iter().map(Cell::csv).collect::<Vec<_>>()));
    }
    out
}

/// One sheet `title` of typed cells (amounts in yuan with a yuan format), the header frozen; a
/// second sheet 参数 with the parameters.
///
/// # Errors
/// The workbook could not be written.
pub fn xlsx(
    title: &str,
    headers: &[String],
    rows: &[Vec<Cell>],
    parameters: &[(String, String)],
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("¥#,##0.00");
    let decimal = Format::new().set_num_format("#,##0.00");
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
                Cell::Text(s) => {
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
                        sheet.write_number_with_format(r, c, v, &decimal)?;
                    }
                    Err(_) => {
                        sheet.write_string(r, c, p)?;
                    }
                },
                Cell::Percent(None) => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    let params = book.add_worksheet();
    params.set_name("参数")?;
    params.write_string_with_format(0, 0, "参数", &bold)?;
    params.write_string_with_format(0, 1, "值", &bold)?;
    for (i, (k, v)) in parameters.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        params.write_string(r, 0, k)?;
        params.write_string(r, 1, v)?;
    }
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
