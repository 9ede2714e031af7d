//! Label pages: an A4 sheet of 2 × 5 labels, or one 60 × 40 mm thermal label per page. Each label
//! has the product, the grower and village, the harvest date, the crate's net weight (or the
//! box), the order number and the QR code of its trace page.

use crate::domain::format::html;
use crate::dto::trace::LabelLayout;
use crate::render::qr;
use crate::services::trace::labels::Label;

/// The page; `base` is the server's address (`https://…`, no trailing slash): the QR codes
/// point there, and the style sheet is linked by it, since the station opens the page from a
/// `blob:` address that resolves no relative link. With `warn_unreachable`, the page says (on
/// screen, not on paper) that buyers' phones will not open that address, and what to set.
pub fn html_page(
    labels: &[Label],
    layout: LabelLayout,
    base: &str,
    title: &str,
    warn_unreachable: bool,
) -> String {
    let (css, qr_mm, per_sheet) = match layout {
        LabelLayout::A4 => ("labels-a4.css", 34, 10),
        LabelLayout::Thermal => ("labels-thermal.css", 30, 1),
    };
    let mut body = format!(
        "<p class=\"no-print\">{} · 共 {} 张 <button type=\"button\" data-print>打印</button></p>",
        html(title),
        labels.len()
    );
    if warn_unreachable {
        body.push_str(&format!(
            "<div class=\"no-print unreachable\" data-testid=\"unreachable\" role=\"alert\">\
             <strong>注意：买家的手机扫这些二维码打不开。</strong>二维码指向 {}，这是本机或村里局域网的地址，\
             只有连着同一个网络的设备才能打开。请管理员把环境变量 ZHUNONG_PUBLIC_BASE_URL 设为买家在外面也能打开的网址\
             （如 https://zhunong.example.cn），重新启动后再打印标签。</div>",
            html(base)
        ));
    }
    if labels.is_empty() {
        body.push_str("<p>没有可打印的标签：订单还没有称重，也没有按件的商品。</p>");
    }
    for sheet in labels.chunks(per_sheet) {
        body.push_str("<section class=\"sheet\">");
        for l in sheet {
            let url = format!("{base}/t/{}", l.code);
            let o = &l.origin;
            body.push_str(&format!(
                "<div class=\"label\" data-code=\"{code}\"><div class=\"qrbox\">{qr}\
                 <div class=\"hint\">扫码溯源</div></div><div class=\"info\">\
                 <div class=\"product\">{product}</div>\
                 <div>{grower} · {village}</div>\
                 <div>采收 {harvest}</div>\
                 <div class=\"weight\">{weight}</div>\
                 {order}\
                 <div class=\"code\">溯源码 {code}</div></div></div>",
                code = html(&l.code),
                qr = qr::svg(&url, qr_mm).unwrap_or_default(),
                product = html(&o.product),
                grower = html(&o.grower),
                village = html(&o.village),
                harvest = o.harvest_date,
                weight = html(&l.weight),
                order = l
                    .order_number
                    .as_deref()
                    .map(|n| format!("<div>订单 {}</div>", html(n)))
                    .unwrap_or_default(),
            ));
        }
        body.push_str("</section>");
    }
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title>\
         <link rel=\"stylesheet\" href=\"{base}/app/static/{css}\">\
         <script src=\"{base}/app/static/print.js\" defer></script></head><body>{body}</body></html>",
        html(title)
    )
}
