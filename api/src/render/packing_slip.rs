//! The packing slip (发货单) that goes in or on a parcel: the recipient, the contents with their
//! net weights, the order number as a Code 128 barcode (a scanner at the courier's or at the
//! station reads it), and the trace code of the produce with its QR code. A4, or one 100 × 150 mm
//! thermal page (the size couriers' label printers take).

use crate::domain::format::html;
use crate::dto::fulfilment::RecipientOut;
use crate::dto::trace::LabelLayout;
use crate::render::qr;
use crate::services::trace::labels::Label;

/// The bars of a Code 128 barcode of `text` (set B: letters and digits), as an SVG that
/// stretches to its box; `None` if the text cannot be encoded.
pub fn barcode_svg(text: &str, height_mm: u32) -> Option<String> {
    let code = barcoders::sym::code128::Code128::new(format!("\u{0181}{text}")).ok()?;
    let modules = code.encode();
    let mut rects = String::new();
    let mut x = 0;
    while x < modules.len() {
        if modules[x] == 1 {
            let start = x;
            while x < modules.len() && modules[x] == 1 {
                x += 1;
            }
            rects.push_str(&format!(
                "<rect x=\"{start}\" y=\"0\" width=\"{}\" height=\"1\"/>",
                x - start
            ));
        } else {
            x += 1;
        }
    }
    Some(format!(
        "<svg class=\"barcode\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} 1\" \
         preserveAspectRatio=\"none\" style=\"height:{height_mm}mm\" role=\"img\" aria-label=\"{t}\">{rects}</svg>",
        w = modules.len(),
        t = html(text),
    ))
}

/// What one slip shows.
pub struct Slip<'a> {
    pub order_number: &'a str,
    pub recipient: Option<&'a RecipientOut>,
    /// For a pickup order: where it is collected.
    pub pickup: Option<String>,
    pub note: Option<&'a str>,
    pub labels: &'a [Label],
}

pub fn html_page(slip: &Slip<'_>, layout: LabelLayout, base: &str) -> String {
    let css = match layout {
        LabelLayout::A4 => "slip-a4.css",
        LabelLayout::Thermal => "slip-thermal.css",
    };
    let to = match (slip.recipient, &slip.pickup) {
        (Some(r), _) => format!(
            "<div class=\"to\"><div class=\"who\">{} {}</div><div>{}{}{}{}{}</div></div>",
            html(&r.name),
            html(&r.phone),
            html(&r.province),
            html(if r.city == r.province { "" } else { &r.city }),
            html(&r.district),
            html(&r.street),
            html(&r.detail)
        ),
        (None, Some(p)) => format!(
            "<div class=\"to\"><div class=\"who\">自提</div><div>{}</div></div>",
            html(p)
        ),
        (None, None) => String::new(),
    };
    let rows: String = slip
        .labels
        .iter()
        .map(|l| {
            format!(
                "<tr><td>{}</td><td>{}</td><td class=\"code\">{}</td></tr>",
                html(&l.origin.product),
                html(&l.weight),
                html(&l.code)
            )
        })
        .collect();
    let trace = slip.labels.first().map_or_else(String::new, |l| {
        format!(
            "<div class=\"trace\">{}<div>扫码看产地<br>溯源码 {}<br>{} · {}</div></div>",
            qr::svg(&format!("{base}/t/{}", l.code), 22).unwrap_or_default(),
            html(&l.code),
            html(&l.origin.grower),
            html(&l.origin.village)
        )
    });
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>发货单 {n}</title>\
         <link rel=\"stylesheet\" href=\"{base}/app/static/{css}\">\
         <script src=\"{base}/app/static/print.js\" defer></script></head><body>\
         <p class=\"no-print\">发货单 {n} <button type=\"button\" data-print>打印</button></p>\
         <section class=\"slip\"><h1>发货单</h1>{barcode}<div class=\"number\">{n}</div>{to}\
         <table><thead><tr><th>商品</th><th>净重</th><th>溯源码</th></tr></thead><tbody>{rows}</tbody></table>\
         {note}{trace}</section></body></html>",
        n = html(slip.order_number),
        barcode = barcode_svg(slip.order_number, 14).unwrap_or_default(),
        note = slip
            .note
            .map(|t| format!("<p class=\"note\">备注：{}</p>", html(t)))
            .unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_order_number_becomes_bars() {
        let svg = super::barcode_svg("ZN000042", 14).unwrap_or_default();
        assert!(svg.starts_with("<svg") && svg.contains("<rect"));
        // Start B, eight characters, the check character and the stop: 11 modules each, 13 the stop.
        assert!(svg.contains("viewBox=\"0 0 123 1\""), "{svg}");
    }
}
