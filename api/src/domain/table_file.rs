//! Reading an uploaded table as Chinese office tools write it: CSV (UTF-8 with or without a BOM,
//! or GBK/GB18030 as Excel saves it in China) or the first sheet of an XLSX workbook. Rows come
//! one at a time, so a caller that keeps only the cells it needs holds no copy of the table.

use calamine::{Data, Range, Reader, Xlsx};

/// The rows of `bytes` as cells of text; `None` for what is neither CSV text nor a workbook.
pub fn rows(bytes: &[u8]) -> Option<Rows<'_>> {
    if bytes.starts_with(b"PK\x03\x04") {
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).ok()?;
        let range = book.worksheet_range_at(0)?.ok()?;
        Some(Rows::Sheet { range, next: 0 })
    } else {
        Some(Rows::Csv {
            text: text_of(bytes)?,
            pos: 0,
        })
    }
}

/// An iterator over a table's rows. UTF-8 text is read where it lies, without a copy.
pub enum Rows<'a> {
    Csv {
        text: std::borrow::Cow<'a, str>,
        pos: usize,
    },
    Sheet {
        range: Range<Data>,
        next: usize,
    },
}

impl Iterator for Rows<'_> {
    type Item = Vec<String>;

    fn next(&mut self) -> Option<Vec<String>> {
        match self {
            Self::Csv { text, pos } => next_csv_row(text, pos),
            Self::Sheet { range, next } => {
                if *next >= range.height() {
                    return None;
                }
                let row = (0..range.width())
                    .map(|c| range.get((*next, c)).map_or_else(String::new, sheet_cell))
                    .collect();
                *next += 1;
                Some(row)
            }
        }
    }
}

impl Rows<'_> {
    /// How many of the rows still to come hold a cell that is not blank, without reading them
    /// for the caller (a second pass over the text or the sheet, keeping nothing).
    pub fn count_rest(&self) -> usize {
        match self {
            Self::Csv { text, pos } => {
                let mut at = *pos;
                std::iter::from_fn(|| next_csv_row(text, &mut at))
                    .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
                    .count()
            }
            Self::Sheet { range, next } => (*next..range.height())
                .filter(|r| {
                    (0..range.width()).any(|c| {
                        range
                            .get((*r, c))
                            .is_some_and(|v| !sheet_cell(v).trim().is_empty())
                    })
                })
                .count(),
        }
    }
}

/// A cell as typed: trimmed, without the tab, apostrophe or backtick that spreadsheets and
/// payment bills put before long numbers to keep them as text.
/// A NUL (which a workbook's cell can hold, and PostgreSQL's text cannot) is dropped.
pub fn clean(v: &str) -> String {
    v.trim()
        .trim_start_matches(['\'', '\t', '`'])
        .trim()
        .replace('\0', "")
}

/// The cells of a sheet as text. A whole number a spreadsheet kept as a float comes back
/// without its `.0`; one too long to be exact (an order id typed as a number) comes back in
/// the `1.23E+18` form Excel shows, so that readers refuse it as mangled.
fn sheet_cell(c: &Data) -> String {
    match c {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) if f.abs() >= 1e15 => format!("{f:E}"),
        Data::Int(i) => i.to_string(),
        Data::DateTime(d) => {
            let (y, mo, day, h, mi, sec, _) = d.to_ymd_hms_milli();
            format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{sec:02}")
        }
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// The text of a CSV file: UTF-8 (a BOM dropped; borrowed), else GB18030 (which GBK is part of;
/// decoded); `None` for what is not text.
fn text_of(bytes: &[u8]) -> Option<std::borrow::Cow<'_, str>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) {
        return None;
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Some(std::borrow::Cow::Borrowed(s)),
        Err(_) => {
            let (text, _, bad) = encoding_rs::GB18030.decode(bytes);
            (!bad).then(|| std::borrow::Cow::Owned(text.into_owned()))
        }
    }
}

/// The CSV row starting at `pos`, with quoted fields (commas, doubled quotes and line breaks
/// inside quotes); `None` at the end.
fn next_csv_row(text: &str, pos: &mut usize) -> Option<Vec<String>> {
    let rest = text.get(*pos..)?;
    if rest.is_empty() {
        return None;
    }
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = rest.char_indices().peekable();
    while let Some((i, ch)) = chars.next() {
        match (quoted, ch) {
            (true, '"') if chars.peek().map(|p| p.1) == Some('"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(field);
                *pos += i + 1;
                return Some(row);
            }
            (false, c) => field.push(c),
        }
    }
    *pos = text.len();
    row.push(field);
    Some(row)
}

/// The first non-empty row's cells, for a message naming the headers a file has.
pub fn first_cells(rows: &[Vec<String>]) -> Vec<String> {
    rows.iter()
        .find(|r| r.iter().any(|c| !c.trim().is_empty()))
        .map(|r| {
            r.iter()
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_keep_quoted_commas_quotes_and_line_breaks() {
        let got: Vec<Vec<String>> =
            rows("a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\n\"two\nlines\",z".as_bytes())
                .map(Iterator::collect)
                .unwrap_or_default();
        assert_eq!(
            got,
            vec![
                vec!["a".to_owned(), "b".to_owned()],
                vec!["x,1".to_owned(), "say \"hi\"".to_owned()],
                vec!["two\nlines".to_owned(), "z".to_owned()],
            ]
        );
    }

    #[test]
    fn gbk_and_bom_are_read_and_binary_is_not_a_table() {
        let (gbk, _, _) = encoding_rs::GBK.encode("订单号\n甲\n");
        let got: Vec<Vec<String>> = rows(&gbk).map(Iterator::collect).unwrap_or_default();
        assert_eq!(got[1], vec!["甲".to_owned()]);
        let bom: Vec<Vec<String>> = rows("\u{feff}订单号\n".as_bytes())
            .map(Iterator::collect)
            .unwrap_or_default();
        assert_eq!(bom[0], vec!["订单号".to_owned()]);
        assert!(rows(b"\x00\x01binary").is_none());
        assert_eq!(clean(" \t'6920\u{0}01 "), "692001");
        assert!(rows(b"PK\x03\x04not really").is_none());
    }
}
