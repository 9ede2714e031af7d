//! The platforms' bills in the books: what an order carries as its platform fees (the sales
//! figures read it) equals its fee and subsidy postings; a settled order whose fees come off its
//! commission base has them charged to its sale; and a payment marked reconciled was matched by
//! an item of the bill that says so.

use super::{Findings, Rule, Subject, int_rows};
use crate::error::AppResult;
use sea_orm::ConnectionTrait;

/// # Errors
/// Database errors.
pub async fn platform_fees(conn: &impl ConnectionTrait, found: &mut Findings) -> AppResult<()> {
    let fees: Vec<[i64; 3]> = int_rows(
        conn,
        "SELECT o.id, o.platform_fees_fen, \
                CAST(COALESCE(SUM(e.amount_fen), 0) AS BIGINT) \
         FROM orders o \
         LEFT JOIN ledger_transactions t ON t.order_id = o.id AND t.kind = 'platform_fees' \
         LEFT JOIN ledger_entries e ON e.transaction_id = t.id \
              AND e.account IN ('platform_fees', 'platform_subsidies') \
         GROUP BY o.id, o.platform_fees_fen \
         HAVING COALESCE(SUM(e.amount_fen), 0) <> o.platform_fees_fen ORDER BY o.id",
    )
    .await?;
    for [id, stored, posted] in fees {
        found.figure(
            Rule::PlatformFees,
            Subject::Order,
            id,
            (posted, stored),
            format!("order {id}: platform_fees_fen is {stored}, its fee postings sum to {posted}"),
        );
    }
    // Where the fees come off the commission base, a settled order's settlement charges them
    // on to its sale, all of them; where they do not, it charges none.
    let charged: Vec<[i64; 3]> = int_rows(
        conn,
        "SELECT o.id, CASE WHEN o.fees_reduce_commission_base THEN -o.platform_fees_fen ELSE 0 END, \
                CAST(COALESCE(SUM(e.amount_fen), 0) AS BIGINT) \
         FROM orders o \
         LEFT JOIN ledger_transactions t ON t.order_id = o.id \
              AND t.kind IN ('settlement', 'reversal') \
         LEFT JOIN ledger_entries e ON e.transaction_id = t.id AND e.account = 'platform_fees' \
         WHERE o.status = 'settled' AND o.paid_fen > 0 \
         GROUP BY o.id, o.platform_fees_fen, o.fees_reduce_commission_base \
         HAVING COALESCE(SUM(e.amount_fen), 0) <> \
                CASE WHEN o.fees_reduce_commission_base THEN -o.platform_fees_fen ELSE 0 END \
         ORDER BY o.id",
    )
    .await?;
    for [id, due, posted] in charged {
        found.figure(
            Rule::PlatformFees,
            Subject::Order,
            id,
            (due, posted),
            format!(
                "settled order {id}: its settlement charges {posted} fen of platform fees to \
                 the sale, {due} fen were due"
            ),
        );
    }
    let unmatched: Vec<[i64; 3]> = int_rows(
        conn,
        "SELECT p.order_id, r.payment_id, r.bill_id FROM reconciled_payments r \
         JOIN payments p ON p.id = r.payment_id \
         LEFT JOIN bill_items i ON i.id = r.bill_item_id AND i.bill_id = r.bill_id \
              AND i.class IN ('matched', 'refunded_after_settlement', 'bill_only', 'amount_differs') \
         WHERE i.id IS NULL ORDER BY r.payment_id",
    )
    .await?;
    for [order, payment, bill] in unmatched {
        found.fact(
            Rule::PlatformFees,
            Subject::Order,
            order,
            format!(
                "order {order}: payment {payment} is marked reconciled by bill {bill}, which has \
                 no item for it"
            ),
        );
    }
    Ok(())
}
