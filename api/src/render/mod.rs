//! Printable pages and exports, built from service data: HTML with `@media print` styles and
//! CSV that Excel opens (UTF-8 with a BOM). No templates engine: small pages, escaped by hand.

pub mod manifest;
pub mod pick_list;

/// Shared print-friendly styles.
const PAGE_STYLE: &str = "body{font-family:'WenQuanYi Micro Hei','Noto Sans CJK SC','PingFang SC',sans-serif;margin:16px;color:#111}\
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid #444;padding:4px 6px;text-align:left;font-size:13px}\
td.n{text-align:right}h1{font-size:20px}h2{font-size:16px;margin-top:16px}.sign{margin-top:32px;display:flex;gap:48px}\
.sign div{border-top:1px solid #000;padding-top:4px;min-width:160px}\
@media print{body{margin:0}.no-print{display:none}h2{page-break-after:avoid}table{page-break-inside:auto}tr{page-break-inside:avoid}}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>{PAGE_STYLE}</style></head><body>{body}\
         <p class=\"no-print\"><button onclick=\"window.print()\">打印</button></p></body></html>",
        crate::domain::format::html(title)
    )
}

/// One CSV field, quoted when it holds a separator, quote or line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

pub fn csv_row(fields: &[String]) -> String {
    let mut row = fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",");
    row.push_str("\r\n");
    row
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(super::csv_field("合肥, 蜀山"), "\"合肥, 蜀山\"");
        assert_eq!(super::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(super::csv_field("plain"), "plain");
    }
}
