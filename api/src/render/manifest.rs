//! The load manifest, as a printable page and as CSV.

use super::{csv_row, csv_row_keeping_text, page};
use crate::domain::format::{html, jin, kg, yuan};
use crate::services::loads::Manifest;

const HEADER: [&str; 12] = [
    "订单号",
    "买家",
    "电话",
    "地址",
    "行",
    "产品",
    "批次",
    "箱数",
    "净重(kg)",
    "净重(斤)",
    "金额(元)",
    "签收",
];

/// UTF-8 with a BOM, so Excel on Chinese Windows does not read it as GBK. The header row comes
/// first, so imports find it; the load's details follow the totals, above the signatures.
pub fn csv(m: &Manifest) -> String {
    let mut out = String::from("\u{feff}");
    let l = &m.load;
    out.push_str(&csv_row(&HEADER.map(String::from)));
    for o in &m.orders {
        for line in &o.lines {
            // The phone (column 2) stays text in Excel.
            out.push_str(&csv_row_keeping_text(
                &[
                    o.number.clone(),
                    o.buyer.clone(),
                    o.phone.clone(),
                    o.address.clone(),
                    line.line_no.to_string(),
                    line.product.clone(),
                    line.batch_code.clone(),
                    line.crates.to_string(),
                    kg(line.net_g),
                    jin(line.net_g),
                    yuan(line.amount_fen),
                    String::new(),
                ],
                &[2],
            ));
        }
    }
    out.push_str(&csv_row(&[
        "合计".into(),
        format!("{} 单", m.orders.len()),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        m.total_crates.to_string(),
        kg(m.total_net_g),
        jin(m.total_net_g),
        yuan(m.total_amount_fen),
        String::new(),
    ]));
    out.push_str(&csv_row(&[
        "装车单".into(),
        format!("车牌 {}", l.plate),
        format!("司机 {} {}", l.driver_name, l.driver_phone),
        format!("目的地 {}", l.destination),
        format!("计划日期 {}", l.planned_date),
    ]));
    for who in ["发货人签字", "司机签字", "收货人签字"] {
        out.push_str(&csv_row(&[format!("{who}:")]));
    }
    out
}

pub fn html_page(m: &Manifest, origin: &str) -> String {
    let l = &m.load;
    let mut rows = String::new();
    for o in &m.orders {
        for line in &o.lines {
            rows.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
                html(&o.number),
                html(&o.buyer),
                html(&o.phone),
                html(&o.address),
                html(&line.product),
                html(&line.batch_code),
                line.crates,
                kg(line.net_g),
                yuan(line.amount_fen),
            ));
        }
    }
    let body = format!(
        "<h1>装车单 · 第 {id} 车</h1><p>车牌：{plate}　司机：{driver} {phone}　目的地：{dest}　计划日期：{date}</p>\
         <table><thead><tr><th>订单号</th><th>买家</th><th>电话</th><th>地址</th><th>产品</th><th>批次</th><th>箱数</th><th>净重(kg)</th><th>金额(元)</th></tr></thead>\
         <tbody>{rows}</tbody><tfoot><tr><th colspan=6>合计 {orders} 单</th><th class=n>{crates}</th><th class=n>{net}</th><th class=n>{amount}</th></tr></tfoot></table>\
         <div class=sign><div>发货人签字</div><div>司机签字</div><div>收货人签字</div></div>",
        id = l.id,
        plate = html(&l.plate),
        driver = html(&l.driver_name),
        phone = html(&l.driver_phone),
        dest = html(&l.destination),
        date = l.planned_date,
        orders = m.orders.len(),
        crates = m.total_crates,
        net = kg(m.total_net_g),
        amount = yuan(m.total_amount_fen),
    );
    page(&format!("装车单 {}", l.plate), &body, origin)
}
