//! The public page a scanned label opens (`/t/{code}`): phone-sized, Chinese, no login, no
//! script. It shows where the produce came from and what its sale gave the village; never a
//! buyer, never a price.

use crate::domain::format::{html, jin, yuan_grouped as money};
use crate::services::trace::public::{Contribution, TraceView};
use chrono::FixedOffset;

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title>\
         <link rel=\"icon\" href=\"/app/static/favicon.svg\" type=\"image/svg+xml\">\
         <link rel=\"stylesheet\" href=\"/app/static/trace.css\"></head><body>\
         <header>助农 · 产品溯源</header><main>{body}</main>\
         <footer>扫码查看的信息来自村集体的销售记录，不含买家信息。</footer></body></html>",
        html(title)
    )
}

fn row(label: &str, value: &str) -> String {
    format!("<div class=\"row\"><span>{label}</span><b>{value}</b></div>")
}

pub fn html_page(v: &TraceView, offset: FixedOffset) -> String {
    let o = &v.origin;
    let local = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&offset)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    let mut body = String::new();
    if v.crate_.as_ref().is_some_and(|c| c.voided) {
        body.push_str(
            "<p class=\"voided\" data-testid=\"voided\">此磅单已作废，请以新标签为准。</p>",
        );
    }
    body.push_str(&format!(
        "<h1 data-testid=\"product\">{}</h1>",
        html(&o.product)
    ));
    body.push_str("<section>");
    body.push_str(&row("种植户", &html(&o.grower)));
    let village = match &o.region {
        Some(r) => format!("{}（{}）", html(&o.village), html(r)),
        None => html(&o.village),
    };
    body.push_str(&row("产地", &village));
    body.push_str(&row("采收日期", &o.harvest_date.to_string()));
    if let Some(code) = &o.batch_code {
        body.push_str(&row("批次", &html(code)));
    }
    body.push_str("</section>");
    if let Some(c) = &v.crate_ {
        body.push_str("<section>");
        body.push_str(&row("称重时间", &local(c.weighed_at)));
        body.push_str(&row("净重", &format!("{} 斤", jin(c.net_g))));
        let day =
            |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&offset).date_naive().to_string();
        match (c.departed_at, c.delivered_at) {
            (Some(d), _) => body.push_str(&row("发车日期", &day(d))),
            (None, None) => body.push_str(&row("发车", "尚未发车")),
            (None, Some(_)) => {}
        }
        if let Some(d) = c.delivered_at {
            body.push_str(&row("送达日期", &day(d)));
        }
        body.push_str("</section>");
    }
    let whose = if v.crate_.is_some() {
        "这笔订单"
    } else {
        "这一批次"
    };
    let gave = match &v.contribution {
        Contribution::Pending => "待结算：订单结算后，这里会显示它为村集体经济的贡献。".to_owned(),
        Contribution::Cancelled => "这笔订单已取消。".to_owned(),
        Contribution::Posted(parts) if parts.is_empty() => {
            if v.crate_.is_some() {
                format!("{whose}已结算，没有村集体提成。")
            } else {
                "待结算：这一批次的订单结算后，这里会显示它为村集体经济的贡献。".to_owned()
            }
        }
        Contribution::Posted(parts) => parts
            .iter()
            .map(|(village, fen)| format!("{whose}为{}集体经济贡献 {}", html(village), money(*fen)))
            .collect::<Vec<_>>()
            .join("<br>"),
    };
    body.push_str(&format!(
        "<p class=\"gave\" data-testid=\"contribution\">{gave}</p>"
    ));
    page(&format!("{} · 助农溯源", o.product), &body)
}

/// A code that was never issued.
pub fn not_found() -> String {
    page(
        "没有找到 · 助农溯源",
        "<h1>没有找到这个溯源码</h1><p>请核对标签上的溯源码，或直接联系卖给您产品的村集体。</p>",
    )
}

/// The database is away.
pub fn unavailable() -> String {
    page(
        "请稍后再试 · 助农溯源",
        "<h1>暂时查不到</h1><p>服务器正忙，请过一会儿再扫码。</p>",
    )
}

/// Too many scans from one address.
pub fn too_many(wait_secs: u64) -> String {
    page(
        "请稍后再试 · 助农溯源",
        &format!("<h1>请稍后再试</h1><p>查询太频繁了，请 {wait_secs} 秒后再扫码。</p>"),
    )
}
