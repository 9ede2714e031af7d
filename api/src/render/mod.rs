//! Printable pages and exports, built from service data: HTML with `@media print` styles and
//! CSV that Excel opens (UTF-8 with a BOM). No templates engine: small pages, escaped by hand.

pub mod manifest;
pub mod pick_list;

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"/app/static/print.css\">\
         <script src=\"/app/static/print.js\" defer></script></head><body>{body}\
         <p class=\"no-print\"><button type=\"button\" data-print>打印</button></p></body></html>",
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
