//! The sales figures' rules: the daily totals equal their facts, and each order's facts equal
//! what its order, lines and payments make now (by the same code that writes them).

use super::{Findings, Rule, Subject, int_rows};
use crate::error::AppResult;
use crate::services::reports::daily::{KEY_COLUMNS, LOG_TABLE, SUM_COLUMNS};
use crate::services::reports::facts::{OrderFigures, batch_info, rows};
use chrono::FixedOffset;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{BTreeMap, HashMap};
use zhunong_entity::enums::BuyerKind;
use zhunong_entity::{buyer, order, order_line, payment, sales_fact};

/// At most this many broken days are read (each one is listed or counted).
const MAX_DAYS_READ: usize = 10_000;

/// The daily totals with the log not yet rolled up equal the sums of their facts, day by day
/// and key by key: the facts, and the totals and the log negated, summed per key, leave only
/// zeros.
pub async fn daily_totals(conn: &impl ConnectionTrait, found: &mut Findings) -> AppResult<()> {
    let keys = KEY_COLUMNS.join(", ");
    let fact_sums = |negate: bool| {
        SUM_COLUMNS
            .iter()
            .map(|c| {
                let v = if *c == "share_rows" { "1" } else { c };
                if negate {
                    format!("-{c} AS {c}")
                } else {
                    format!("{v} AS {c}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let from_facts = |basis: u8, p: &str| {
        format!(
            "SELECT {basis} AS basis, {p}_day AS day_key, product_id, batch_id, grower_id, \
                    COALESCE(collective_id, 0) AS collective_id, \
                    COALESCE(live_session_id, 0) AS live_session_id, buyer_kind, channel, \
                    cancelled, {} FROM sales_facts WHERE {p}_day IS NOT NULL",
            fact_sums(false)
        )
    };
    let differs = SUM_COLUMNS
        .iter()
        .map(|c| format!("SUM({c}) <> 0"))
        .collect::<Vec<_>>()
        .join(" OR ");
    let text = format!(
        "SELECT day_key, basis, CAST(SUM(final_amount_fen) AS BIGINT), \
                CAST(SUM(share_rows) AS BIGINT) FROM ( \
            {} UNION ALL {} UNION ALL SELECT {keys}, {} FROM sales_daily \
            UNION ALL SELECT {keys}, {} FROM {LOG_TABLE} \
         ) d GROUP BY {keys} HAVING {differs} ORDER BY day_key LIMIT {MAX_DAYS_READ}",
        from_facts(0, "placed"),
        from_facts(1, "settled"),
        fact_sums(true),
        fact_sums(true),
    );
    for [day, basis, amount, rows] in int_rows::<4>(conn, &text).await? {
        let basis = if basis == 0 { "placed" } else { "settled" };
        found.figure(
            Rule::DailyTotals,
            Subject::Day,
            day,
            (0, amount),
            format!(
                "day {day} ({basis}): a key's totals differ from its facts by {amount} fen of \
                 final amount and {rows} fact row(s)"
            ),
        );
    }
    Ok(())
}

/// How many orders' facts are recomputed at a time.
const ORDERS_PER_READ: u64 = 2000;

/// Each order's stored facts equal the facts its stored order, lines and refunds make now,
/// and no fact belongs to an order that is gone.
pub async fn facts(
    conn: &impl ConnectionTrait,
    offset: FixedOffset,
    found: &mut Findings,
) -> AppResult<()> {
    let orphans: Vec<[i64; 1]> = int_rows(
        conn,
        "SELECT DISTINCT f.order_id FROM sales_facts f \
         WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = f.order_id) ORDER BY 1",
    )
    .await?;
    for [id] in orphans {
        found.fact(
            Rule::Facts,
            Subject::Order,
            id,
            format!("sales facts name order {id}, which does not exist"),
        );
    }
    let batch_ids: Vec<i64> = int_rows::<1>(conn, "SELECT id FROM batches")
        .await?
        .into_iter()
        .map(|[id]| id)
        .collect();
    let batches = batch_info(conn, batch_ids).await?;
    let kinds: HashMap<i64, BuyerKind> = buyer::Entity::find()
        .select_only()
        .column(buyer::Column::Id)
        .column(buyer::Column::Kind)
        .into_tuple::<(i64, BuyerKind)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let mut after = 0i64;
    loop {
        let orders = order::Entity::find()
            .filter(order::Column::Id.gt(after))
            .order_by_asc(order::Column::Id)
            .limit(ORDERS_PER_READ)
            .all(conn)
            .await?;
        let (Some(first), Some(last)) = (orders.first(), orders.last()) else {
            return Ok(());
        };
        let range = (first.id, last.id);
        after = last.id;
        let in_range = |c: &dyn Fn() -> Expr| c().between(range.0, range.1);
        let mut lines: BTreeMap<i64, Vec<order_line::Model>> = BTreeMap::new();
        for l in order_line::Entity::find()
            .filter(in_range(&|| Expr::col(order_line::Column::OrderId)))
            .order_by_asc(order_line::Column::OrderId)
            .order_by_asc(order_line::Column::LineNo)
            .all(conn)
            .await?
        {
            lines.entry(l.order_id).or_default().push(l);
        }
        let refunds: HashMap<i64, i64> = payment::Entity::find()
            .select_only()
            .column(payment::Column::OrderId)
            .column_as(
                Expr::col(payment::Column::AmountFen)
                    .sum()
                    .cast_as("BIGINT"),
                "refunds",
            )
            .filter(in_range(&|| Expr::col(payment::Column::OrderId)))
            .filter(payment::Column::AmountFen.lt(0))
            .group_by(payment::Column::OrderId)
            .into_tuple::<(i64, i64)>()
            .all(conn)
            .await?
            .into_iter()
            .collect();
        let ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
        let shipping = crate::services::reports::shipping_costs::of_orders(conn, &ids).await?;
        let mut stored: BTreeMap<i64, Vec<sales_fact::Model>> = BTreeMap::new();
        for f in sales_fact::Entity::find()
            .filter(in_range(&|| Expr::col(sales_fact::Column::OrderId)))
            .all(conn)
            .await?
        {
            stored.entry(f.order_id).or_default().push(f);
        }
        for o in &orders {
            let Some(kind) = kinds.get(&o.buyer_id) else {
                found.fact(
                    Rule::Facts,
                    Subject::Order,
                    o.id,
                    format!("order {}: its buyer {} does not exist", o.id, o.buyer_id),
                );
                continue;
            };
            let figures = OrderFigures {
                order: o,
                lines: lines.get(&o.id).map_or(&[], Vec::as_slice),
                batches: &batches,
                buyer_kind: kind.as_str(),
                refunds_fen: -refunds.get(&o.id).copied().unwrap_or(0),
                shipping_cost_fen: shipping.get(&o.id).copied().unwrap_or(0),
            };
            let expected = rows(&figures, offset).map(comparable);
            let have = comparable(stored.remove(&o.id).unwrap_or_default());
            match expected {
                Ok(expected) if expected == have => {}
                Ok(expected) => {
                    let sum = |rows: &[sales_fact::Model]| -> i64 {
                        rows.iter().map(|f| f.final_amount_fen).sum()
                    };
                    found.figure(
                        Rule::Facts,
                        Subject::Order,
                        o.id,
                        (sum(&expected), sum(&have)),
                        format!(
                            "order {}: {} stored fact row(s) differ from the {} its order, \
                             lines and payments make",
                            o.id,
                            have.len(),
                            expected.len()
                        ),
                    );
                }
                Err(e) => found.fact(
                    Rule::Facts,
                    Subject::Order,
                    o.id,
                    format!("order {}: its facts cannot be computed: {e}", o.id),
                ),
            }
        }
    }
}

/// Fact rows in an order that does not depend on their ids.
fn comparable(mut rows: Vec<sales_fact::Model>) -> Vec<sales_fact::Model> {
    for r in &mut rows {
        r.id = 0;
    }
    rows.sort_by_key(|r| (r.line_id, r.collective_id));
    rows
}
