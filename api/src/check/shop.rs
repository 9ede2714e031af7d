//! The Douyin shop's imported orders: what the shop row says was refunded equals the refunds of
//! its lines, and every line of a shop order is known by its 子订单编号 (a refund found in a later
//! export lands on the right line once).

use super::{Findings, Rule, Subject, int_rows};
use crate::error::AppResult;
use sea_orm::ConnectionTrait;

/// # Errors
/// Database errors.
pub async fn orders(conn: &impl ConnectionTrait, found: &mut Findings) -> AppResult<()> {
    let refunds: Vec<[i64; 3]> = int_rows(
        conn,
        "SELECT s.order_id, s.refunded_fen, CAST(COALESCE(SUM(l.refunded_fen), 0) AS BIGINT) \
         FROM shop_orders s LEFT JOIN shop_order_lines l ON l.order_id = s.order_id \
         GROUP BY s.order_id, s.refunded_fen \
         HAVING COALESCE(SUM(l.refunded_fen), 0) <> s.refunded_fen ORDER BY s.order_id",
    )
    .await?;
    for [id, stored, lines] in refunds {
        found.figure(
            Rule::ShopOrders,
            Subject::Order,
            id,
            (lines, stored),
            format!("shop order {id}: refunded_fen is {stored}, its lines' refunds sum to {lines}"),
        );
    }
    let unknown: Vec<[i64; 2]> = int_rows(
        conn,
        "SELECT s.order_id, COUNT(ol.id) FROM shop_orders s \
         JOIN order_lines ol ON ol.order_id = s.order_id \
         LEFT JOIN shop_order_lines l ON l.order_line_id = ol.id \
         WHERE l.order_line_id IS NULL GROUP BY s.order_id ORDER BY s.order_id",
    )
    .await?;
    for [id, lines] in unknown {
        found.fact(
            Rule::ShopOrders,
            Subject::Order,
            id,
            format!("shop order {id}: {lines} line(s) without their 子订单编号"),
        );
    }
    Ok(())
}
