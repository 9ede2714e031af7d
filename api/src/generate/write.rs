//! Writing the generated rows in bulk, and the finishing touches (stock, settlement links,
//! id sequences).

use super::catalog::Catalog;
use super::orders::Generated;
use super::*;

#[derive(Default)]
pub(super) struct Pending {
    pub(super) orders: Vec<order::ActiveModel>,
    pub(super) lines: Vec<order_line::ActiveModel>,
    pub(super) tickets: Vec<zhunong_entity::weigh_ticket::ActiveModel>,
    pub(super) payments: Vec<payment::ActiveModel>,
    pub(super) txns: Vec<ledger_transaction::ActiveModel>,
    pub(super) entries: Vec<ledger_entry::ActiveModel>,
    pub(super) facts: Vec<sales_fact::ActiveModel>,
}

impl Pending {
    pub(super) fn push(
        &mut self,
        g: Generated,
        batches: &HashMap<i64, BatchInfo>,
        offset: chrono::FixedOffset,
    ) -> anyhow::Result<()> {
        let kind = if g.enterprise {
            BuyerKind::Enterprise
        } else {
            BuyerKind::Individual
        };
        let figures = OrderFigures {
            order: &g.order,
            lines: &g.lines,
            batches,
            buyer_kind: kind.as_str(),
            refunds_fen: 0,
            shipping_cost_fen: 0,
        };
        let rows = facts::rows(&figures, offset).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        self.facts.extend(rows.iter().map(facts::active));
        self.orders.push(g.order.into());
        self.lines.extend(g.lines.into_iter().map(Into::into));
        self.tickets.extend(g.tickets);
        self.payments.extend(g.payment);
        self.txns.extend(g.txn);
        self.entries.extend(g.entries);
        Ok(())
    }

    /// Writes what is pending in one transaction; returns the fact rows written.
    pub(super) async fn flush(&mut self, db: &Db) -> anyhow::Result<u64> {
        let taken = std::mem::take(self);
        let facts = taken.facts.len() as u64;
        db.write(async |tx| {
            crate::db::chunks::insert_chunked(tx, &taken.orders).await?;
            crate::db::chunks::insert_chunked(tx, &taken.lines).await?;
            crate::db::chunks::insert_chunked(tx, &taken.tickets).await?;
            crate::db::chunks::insert_chunked(tx, &taken.payments).await?;
            crate::db::chunks::insert_chunked(tx, &taken.txns).await?;
            crate::db::chunks::insert_chunked(tx, &taken.entries).await?;
            crate::db::chunks::insert_chunked(tx, &taken.facts).await?;
            Ok(())
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        Ok(facts)
    }
}

/// Stock as sold plus a tenth left; the settlement transactions on their orders; on PostgreSQL
/// the id sequences moved past the ids written here.
pub(super) async fn finish(tx: &Tx, c: &Catalog, taken: &HashMap<i64, i64>) -> anyhow::Result<()> {
    for id in c.batch_info.keys() {
        let sold = taken.get(id).copied().unwrap_or(0);
        let left = sold / 10 + 100;
        tx.execute_unprepared(&format!(
            "UPDATE batches SET initial_qty = {}, stock_qty = {left} WHERE id = {id}",
            sold + left
        ))
        .await?;
    }
    tx.execute_unprepared(
        "UPDATE orders SET settlement_transaction_id = \
           (SELECT t.id FROM ledger_transactions t WHERE t.order_id = orders.id) \
         WHERE status = 'settled'",
    )
    .await?;
    if tx.get_database_backend() == sea_orm::DbBackend::Postgres {
        for t in [
            "collectives",
            "growers",
            "products",
            "batches",
            "buyers",
            "commission_rules",
            "commission_rule_shares",
            "live_sessions",
            "orders",
            "order_lines",
            "ledger_transactions",
        ] {
            tx.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT MAX(id) FROM {t}))"
            ))
            .await?;
        }
    }
    Ok(())
}
