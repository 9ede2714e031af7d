//! Printable pages and exports, built from service data: HTML with `@media print` styles and
//! CSV that Excel opens (UTF-8 with a BOM). No templates engine: small pages, escaped by hand.

pub mod books;
pub mod books_print;
pub mod disclosure;
pub mod file_stream;
pub mod labels;
pub mod live_orders;
pub mod manifest;
pub mod money_exports;
pub mod packing_slip;
pub mod pick_list;
pub mod qr;
pub mod report;
pub mod table;
pub mod trace_page;

/// A print page. `origin` (`http://host:port`) is put before the links to the style sheet and
/// script: the pages open such a page from a `blob:` address, which resolves no relative link.
fn page(title: &str, body: &str, origin: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"{origin}/app/static/print.css\">\
         <script src=\"{origin}/app/static/print.js\" defer></script></head><body>{body}\
         <p class=\"no-print\"><button type=\"button\" data-print>打印</button></p></body></html>",
        crate::domain::format::html(title)
    )
}

/// Cells that spreadsheets (Excel, LibreOffice, Google Sheets) read as a formula, or that can
/// smuggle one past a trimming import (OWASP "CSV injection").
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One CSV field, as every CSV here writes it. A cell a spreadsheet would run as a formula gets a
/// leading `'` (OWASP), so it shows as text; then the field is quoted when it holds a separator,
/// quote or line break.
///
/// Exempt: a plain decimal number such as `-12.50` (`yuan`, `kg`, `jin` of a negative amount). A
/// spreadsheet reads it as a number, never a formula, and a `'` would make the amount text that
/// no longer sums. Deciding by content, not by a separate numeric path, means no writer can
/// forget the rule or pass text through as a "number".
///
/// Digits-only text (phones, codes) stays as it is: the usual leading-zero tricks (`="0139…"`, a
/// leading tab) are the formulas this rule exists to stop. Header rows come first, so an import
/// (Excel's Data → From Text/CSV) can type such a column as Text.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(FORMULA_START) && !plain_number(s) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// `-?[0-9]+(\.[0-9]+)?`
fn plain_number(s: &str) -> bool {
    let unsigned = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    [int, frac]
        .iter()
        .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

/// One CSV line (CRLF), every field through [`csv_field`].
pub fn csv_row(fields: &[String]) -> String {
    let mut row = fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",");
    row.push_str("\r\n");
    row
}

/// Like [`csv_row`], but the fields at `text_columns` holding a phone number or a code of digits
/// (`0139…`, `+86…`) are written `="0139…"`, the one form Excel opens as text: as a plain number
/// it would drop the leading zero and show an 11-digit phone as `1.39E+10`. Only values made of
/// digits and a leading `+` take this form, so it can carry no formula of anyone's making.
pub fn csv_row_keeping_text(fields: &[String], text_columns: &[usize]) -> String {
    let mut row = fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if text_columns.contains(&i) && is_digit_code(f) {
                format!("\"=\"\"{f}\"\"\"")
            } else {
                csv_field(f)
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    row.push_str("\r\n");
    row
}

/// `+?[0-9]+`
fn is_digit_code(s: &str) -> bool {
    let digits = s.strip_prefix('+').unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::{csv_field, csv_row_keeping_text};

    #[test]
    fn phones_and_codes_are_kept_as_text_and_nothing_else_becomes_a_formula() {
        let row = csv_row_keeping_text(
            &[
                "013912345678".into(),
                "+8613900000000".into(),
                "=1+1".into(),
                "李".into(),
            ],
            &[0, 1, 2],
        );
        assert_eq!(
            row,
            "\"=\"\"013912345678\"\"\",\"=\"\"+8613900000000\"\"\",'=1+1,李\r\n"
        );
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("合肥, 蜀山"), "\"合肥, 蜀山\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }

    #[test]
    fn cells_a_spreadsheet_would_run_as_a_formula_get_a_leading_quote() {
        for (cell, written) in [
            ("=1+1", "'=1+1"),
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"",
            ),
            ("+1", "'+1"),
            ("+8613900000000", "'+8613900000000"),
            ("-1+2", "'-1+2"),
            ("-", "'-"),
            ("-.5", "'-.5"),
            ("-1.", "'-1."),
            ("-1e3", "'-1e3"),
            ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "\"'\r=1+1\""),
            ("=cmd|' /C calc'!A0, x", "\"'=cmd|' /C calc'!A0, x\""),
        ] {
            assert_eq!(csv_field(cell), written, "{cell:?}");
        }
    }

    #[test]
    fn numbers_and_ordinary_text_are_written_as_they_are() {
        for cell in [
            "-12.50",
            "-0.005",
            "-3",
            "12.50",
            "0",
            "013912345678",
            "13900000000",
            "ZN000042",
            "李女士",
            "合肥市 a=b",
            "",
        ] {
            assert_eq!(csv_field(cell), cell);
        }
    }
}
