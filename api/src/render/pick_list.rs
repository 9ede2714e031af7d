//! The pick list as a printable page.

use super::page;
use crate::domain::format::{html, jin, piece_unit};
use crate::dto::pick_list::PickList;
use zhunong_entity::enums::Pricing;

fn quantity(pricing: Pricing, unit_label: Option<&str>, q: i64) -> String {
    match pricing {
        Pricing::ByWeight => format!("{} 斤", jin(q)),
        Pricing::ByPiece => format!("{q} {}", html(piece_unit(unit_label))),
    }
}

pub fn html_page(p: &PickList, origin: &str) -> String {
    let title = match (p.date, p.load_id) {
        (Some(d), _) => format!("拣货单 · {d}"),
        (_, Some(l)) => format!("拣货单 · 第 {l} 车"),
        _ => "拣货单".into(),
    };
    let mut body = format!(
        "<h1>{}</h1><h2>按产品合计</h2><table><tr><th>产品</th><th>数量</th></tr>",
        html(&title)
    );
    for pr in &p.products {
        body.push_str(&format!(
            "<tr><td>{}</td><td class=n>{}</td></tr>",
            html(&pr.product_name),
            quantity(pr.pricing, pr.unit_label.as_deref(), pr.total_quantity)
        ));
    }
    body.push_str("</table>");
    for b in &p.batches {
        body.push_str(&format!(
            "<h2>{} · 批次 {} · {}</h2><table><tr><th>订单号</th><th>买家</th><th>数量</th><th>已拣</th></tr>",
            html(&b.product_name),
            html(b.batch_code.as_deref().unwrap_or("")),
            html(b.storage_place.as_deref().unwrap_or("")),
        ));
        for o in &b.orders {
            body.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td class=n>{}</td><td>☐</td></tr>",
                html(&o.number),
                html(&o.buyer_name),
                quantity(b.pricing, b.unit_label.as_deref(), o.quantity)
            ));
        }
        body.push_str(&format!(
            "<tr><th colspan=2>本批合计</th><th class=n>{}</th><th></th></tr></table>",
            quantity(b.pricing, b.unit_label.as_deref(), b.total_quantity)
        ));
    }
    page(&title, &body, origin)
}
