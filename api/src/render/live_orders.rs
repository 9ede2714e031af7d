//! A show's orders for the packing team as CSV: one row per line, UTF-8 with a BOM for Excel,
//! quantities in 斤 or the product's own unit, the phone kept as text.

use crate::domain::format::{jin, piece_unit, yuan};
use crate::domain::labels::Label;
use crate::services::live::PackingLine;
use zhunong_entity::enums::Pricing;

/// Phones and addresses whole or masked, by who downloads it (`Exposure::for_role`).
pub fn csv(lines: &[PackingLine], exposure: crate::domain::address::mask::Exposure) -> String {
    let header = [
        "订单号",
        "状态",
        "买家",
        "电话",
        "地址",
        "产品",
        "数量",
        "单位",
        "金额(元)",
    ];
    let mut out = String::from("\u{feff}") + &super::csv_row(&header.map(String::from));
    for l in lines {
        let (qty, unit) = match l.pricing {
            Pricing::ByWeight => (jin(l.quantity), "斤"),
            Pricing::ByPiece => (l.quantity.to_string(), piece_unit(l.unit_label.as_deref())),
        };
        let b = l.buyer.as_ref();
        let row = [
            crate::domain::order_number::format(l.order_id),
            l.status.label().to_owned(),
            b.map(|b| b.name.clone()).unwrap_or_default(),
            exposure.phone(b.and_then(|b| b.phone.as_deref()).unwrap_or_default()),
            exposure.address(b.and_then(|b| b.address.as_deref()).unwrap_or_default()),
            l.product.clone(),
            qty,
            unit.to_owned(),
            yuan(l.amount_fen),
        ];
        // The phone (column 3) stays text in Excel.
        out.push_str(&super::csv_row_keeping_text(&row, &[3]));
    }
    out
}
