//! The ledger's rules: double entry, append-only tables, settled orders split exactly.

use super::{Findings, Rule, Subject, int_rows};
use crate::error::AppResult;
use sea_orm::{ConnectionTrait, DbBackend};

/// Tables whose rows are never changed or removed (the migrations give them triggers).
pub const APPEND_ONLY: [&str; 7] = [
    "ledger_transactions",
    "ledger_entries",
    "payments",
    "weigh_tickets",
    "weigh_ticket_voids",
    "audit_log",
    "grower_statements",
];

/// Every ledger transaction sums to 0.
pub async fn balances(conn: &impl ConnectionTrait, found: &mut Findings) -> AppResult<()> {
    let rows: Vec<[i64; 2]> = int_rows(
        conn,
        "SELECT transaction_id, CAST(SUM(amount_fen) AS BIGINT) FROM ledger_entries \
         GROUP BY transaction_id HAVING SUM(amount_fen) <> 0 ORDER BY transaction_id",
    )
    .await?;
    for [id, sum] in rows {
        found.figure(
            Rule::LedgerBalances,
            Subject::LedgerTransaction,
            id,
            (0, sum),
            format!("ledger transaction {id} sums to {sum} fen, not 0"),
        );
    }
    Ok(())
}

/// The append-only tables still have their triggers, and (PostgreSQL, as far as its statistics
/// go back) have seen no DELETE, and no UPDATE but the redaction of erased buyers' audit entries.
pub async fn append_only(conn: &impl ConnectionTrait, found: &mut Findings) -> AppResult<()> {
    let postgres = conn.get_database_backend() == DbBackend::Postgres;
    for table in APPEND_ONLY {
        if !postgres {
            let [[n]] = one_row(
                conn,
                &format!(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' \
                     AND name IN ('{table}_no_UPDATE', '{table}_no_DELETE')"
                ),
            )
            .await?;
            if n != 2 {
                found.table(
                    Rule::AppendOnly,
                    table,
                    None,
                    format!("{table} has lost a trigger that refuses UPDATE or DELETE"),
                );
            }
            continue;
        }
        let [[n]] = one_row(
            conn,
            &format!(
                "SELECT COUNT(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid \
                 WHERE c.oid = to_regclass('{table}') AND t.tgname = '{table}_append_only' \
                 AND t.tgenabled <> 'D'"
            ),
        )
        .await?;
        if n != 1 {
            found.table(
                Rule::AppendOnly,
                table,
                None,
                format!(
                    "{table} has lost (or disabled) the trigger that refuses UPDATE and DELETE"
                ),
            );
        }
        let [[updated, deleted]] = one_row(
            conn,
            &format!(
                "SELECT COALESCE(MAX(n_tup_upd), 0), COALESCE(MAX(n_tup_del), 0) \
                 FROM pg_stat_user_tables WHERE relid = to_regclass('{table}')"
            ),
        )
        .await?;
        // The one change allowed: an erased buyer's audit entries, redacted once each.
        let [[may_update]] = if table == "audit_log" {
            one_row(
                conn,
                "SELECT COUNT(*) FROM audit_log WHERE entity = 'buyer' AND entity_id IN \
                 (SELECT id FROM buyers WHERE erased_at IS NOT NULL)",
            )
            .await?
        } else {
            [[0]]
        };
        if updated > may_update || deleted != 0 {
            found.table(
                Rule::AppendOnly,
                table,
                Some((may_update, updated + deleted)),
                format!(
                    "{table}: the statistics show {updated} row(s) updated and {deleted} \
                     deleted (at most {may_update} updates are erasures)"
                ),
            );
        }
    }
    Ok(())
}

/// For every settled order: grower payable plus commissions (what its settlements and their
/// reversals net to) equals what was paid for it, and the cash it brought in is the same.
pub async fn settled_split(conn: &impl ConnectionTrait, found: &mut Findings) -> AppResult<()> {
    let rows: Vec<[i64; 4]> = int_rows(
        conn,
        "SELECT o.id, o.paid_fen, \
                CAST(COALESCE(SUM(CASE WHEN e.entry_kind IN ('sale', 'commission_withheld', \
                     'commission') THEN -e.amount_fen ELSE 0 END), 0) AS BIGINT), \
                CAST(COALESCE(SUM(CASE WHEN e.entry_kind = 'cash_in' THEN e.amount_fen \
                     ELSE 0 END), 0) AS BIGINT) \
         FROM orders o \
         LEFT JOIN ledger_transactions t ON t.order_id = o.id \
              AND t.kind IN ('settlement', 'reversal') \
         LEFT JOIN ledger_entries e ON e.transaction_id = t.id \
         WHERE o.status = 'settled' \
         GROUP BY o.id, o.paid_fen \
         HAVING COALESCE(SUM(CASE WHEN e.entry_kind IN ('sale', 'commission_withheld', \
                     'commission') THEN -e.amount_fen ELSE 0 END), 0) <> o.paid_fen \
             OR COALESCE(SUM(CASE WHEN e.entry_kind = 'cash_in' THEN e.amount_fen \
                     ELSE 0 END), 0) <> o.paid_fen \
         ORDER BY o.id",
    )
    .await?;
    for [id, paid, split, cash] in rows {
        found.figure(
            Rule::SettledSplit,
            Subject::Order,
            id,
            (paid, split),
            format!(
                "settled order {id}: paid {paid} fen, but grower payable + commissions = \
                 {split} fen and cash in = {cash} fen"
            ),
        );
    }
    Ok(())
}

/// The single row of a query that always answers one.
pub(super) async fn one_row<const N: usize>(
    conn: &impl ConnectionTrait,
    text: &str,
) -> AppResult<[[i64; N]; 1]> {
    let rows: Vec<[i64; N]> = int_rows(conn, text).await?;
    Ok([rows.first().copied().unwrap_or([0; N])])
}
