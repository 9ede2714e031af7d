//! Reading a file of tracking numbers (快递单号回填) as couriers' batch-printing tools and the
//! Douyin shop's 批量发货 template write it: CSV (UTF-8, with or without a BOM, or GBK as Excel
//! saves it in China) or XLSX, one row per order. Columns are found by their header's name, in
//! any order; the header may sit below a title row or two.

/// One row as read: where it was, and its cells under the known headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The row's number as the spreadsheet shows it (the header is row 1 if first).
    pub line: usize,
    pub order_number: String,
    pub carrier: String,
    pub tracking_no: String,
    /// A sign-off date or mark (签收): the parcel was delivered.
    pub signed: String,
}

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    /// Neither CSV text nor an XLSX workbook.
    NotATable,
    /// No row names the order number and the tracking number; the first row's cells.
    NoHeader {
        found: Vec<String>,
    },
    TooManyRows {
        max: usize,
    },
}

const ORDER: [&str; 6] = [
    "订单号",
    "订单编号",
    "主订单编号",
    "商户订单号",
    "order_number",
    "order",
];
const CARRIER: [&str; 6] = ["物流公司", "快递公司", "快递", "承运商", "carrier", "物流"];
const TRACKING: [&str; 7] = [
    "运单号",
    "快递单号",
    "物流单号",
    "运单编号",
    "面单号",
    "tracking_no",
    "tracking",
];
const SIGNED: [&str; 4] = ["签收时间", "签收", "签收状态", "signed"];

fn find(headers: &[String], names: &[&str]) -> Option<usize> {
    headers
        .iter()
        .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
}

/// The rows of `bytes`, at most `max_rows`.
///
/// # Errors
/// A [`FileProblem`] naming why nothing can be read.
pub fn read(bytes: &[u8], max_rows: usize) -> Result<Vec<Row>, FileProblem> {
    let table: Vec<Vec<String>> = super::table_file::rows(bytes)
        .ok_or(FileProblem::NotATable)?
        .collect();
    // The header: the first of the first ten rows naming both the order and the tracking number.
    let header_at = table
        .iter()
        .take(10)
        .position(|r| find(r, &ORDER).is_some() && find(r, &TRACKING).is_some())
        .ok_or_else(|| FileProblem::NoHeader {
            found: super::table_file::first_cells(&table),
        })?;
    let h = &table[header_at];
    let (o, t) = (find(h, &ORDER), find(h, &TRACKING));
    let (o, t) = (o.unwrap_or(0), t.unwrap_or(0));
    let (c, s) = (find(h, &CARRIER), find(h, &SIGNED));
    let cell = |r: &[String], i: Option<usize>| {
        i.and_then(|i| r.get(i)).map_or(String::new(), |v| clean(v))
    };
    let rows: Vec<Row> = table
        .iter()
        .enumerate()
        .skip(header_at + 1)
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .map(|(i, r)| Row {
            line: i + 1,
            order_number: cell(r, Some(o)),
            carrier: cell(r, c),
            tracking_no: cell(r, Some(t)),
            signed: cell(r, s),
        })
        .collect();
    if rows.len() > max_rows {
        return Err(FileProblem::TooManyRows { max: max_rows });
    }
    Ok(rows)
}

use super::table_file::clean;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_is_read_by_its_headers_in_any_order() {
        let csv = "\u{feff}快递单号,订单号,物流公司\n75123,ZN000042,中通\n\"7,5\",ZN000043,\n";
        let rows = read(csv.as_bytes(), 10).unwrap_or_default();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (
                rows[0].order_number.as_str(),
                rows[0].carrier.as_str(),
                rows[0].tracking_no.as_str()
            ),
            ("ZN000042", "中通", "75123")
        );
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].tracking_no, "7,5");
    }

    #[test]
    fn a_title_row_above_the_header_and_gbk_text_are_fine() {
        let (gbk, _, _) =
            encoding_rs::GBK.encode("批量发货\n订单号,物流公司,运单号\nZN000001,圆通,'YT1\n");
        let rows = read(&gbk, 10).unwrap_or_default();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (
                rows[0].carrier.as_str(),
                rows[0].tracking_no.as_str(),
                rows[0].line
            ),
            ("圆通", "YT1", 3)
        );
    }

    #[test]
    fn a_file_without_the_headers_names_what_it_found() {
        assert_eq!(
            read("姓名,电话\n张三,138\n".as_bytes(), 10),
            Err(FileProblem::NoHeader {
                found: vec!["姓名".into(), "电话".into()]
            })
        );
        assert_eq!(read(b"\x00\x01\x02binary", 10), Err(FileProblem::NotATable));
        assert_eq!(
            read(b"PK\x03\x04not really", 10),
            Err(FileProblem::NotATable)
        );
        assert_eq!(
            read("订单号,运单号\n1,2\n3,4\n".as_bytes(), 1),
            Err(FileProblem::TooManyRows { max: 1 })
        );
    }
}
