//! The ledger as a collective's books read it: entries summed per transaction and ledger
//! account, then mapped to the chart's accounts and auxiliary items.

use super::accounts::Books;
use crate::domain::books::mapping::{Auxiliary, EntryAccount, kind_of};
use crate::domain::books::voucher::{self, Line};
use crate::error::{AppError, AppResult, ErrorCode};
use chrono::{Datelike, NaiveDate};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
    Select,
};
use std::collections::HashMap;
use zhunong_entity::enums::{IncomeCategory, PostingKind};
use zhunong_entity::{collective, grower, ledger_entry};

/// A ledger account as stored, and its sum.
type Stored = (
    String,
    Option<i64>,
    Option<i64>,
    Option<IncomeCategory>,
    i64,
);

/// One transaction's entries, summed per ledger account.
pub struct Transaction {
    pub id: i64,
    pub occurred_on: NaiveDate,
    entries: Vec<Stored>,
}

/// How a grower's auxiliary item begins: `种植户 王飞`.
pub const GROWER_ITEM: &str = "种植户 ";

/// The growers' collectives and names, and the collectives' names.
pub struct Names {
    growers: HashMap<i64, (i64, String)>,
    collectives: HashMap<i64, String>,
}

impl Names {
    /// # Errors
    /// Database errors.
    pub async fn load(db: &impl ConnectionTrait) -> AppResult<Self> {
        let growers = grower::Entity::find()
            .select_only()
            .column(grower::Column::Id)
            .column(grower::Column::CollectiveId)
            .column(grower::Column::Name)
            .into_tuple::<(i64, i64, String)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(id, c, name)| (id, (c, name)))
            .collect();
        let collectives = collective::Entity::find()
            .select_only()
            .column(collective::Column::Id)
            .column(collective::Column::Name)
            .into_tuple::<(i64, String)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        Ok(Self {
            growers,
            collectives,
        })
    }

    /// What a page prints for an auxiliary item: `种植户 王飞`.
    pub fn auxiliary(&self, a: Auxiliary) -> String {
        match a {
            Auxiliary::Grower(id) => format!(
                "{GROWER_ITEM}{}",
                self.growers.get(&id).map_or("", |g| g.1.as_str())
            ),
            Auxiliary::Collective(id) => format!(
                "集体 {}",
                self.collectives.get(&id).map_or("", String::as_str)
            ),
        }
    }

    /// The grower's name.
    pub fn grower(&self, id: i64) -> &str {
        self.growers.get(&id).map_or("", |g| g.1.as_str())
    }

    fn entry(&self, s: &Stored) -> AppResult<EntryAccount> {
        let (account, grower_id, collective_id, category, _) = s;
        Ok(match (grower_id, collective_id, account.as_str()) {
            (Some(g), _, _) => EntryAccount::Grower {
                id: *g,
                collective_id: self.growers.get(g).map_or(0, |x| x.0),
            },
            (_, Some(c), _) => EntryAccount::Collective {
                id: *c,
                category: *category,
            },
            (_, _, "cash") => EntryAccount::Cash,
            (_, _, "platform_fees") => EntryAccount::PlatformFees,
            (_, _, "platform_subsidies") => EntryAccount::PlatformSubsidies,
            (_, _, other) => {
                return Err(AppError::Conflict {
                    code: ErrorCode::UnmappedPosting,
                    detail: format!("the ledger account {other} maps to no kind of posting"),
                });
            }
        })
    }
}

/// Entries summed per ledger account (account, grower, collective, category, then Σ fen), grouped
/// by the columns `by` first, which come first in each row.
fn summed(by: &[ledger_entry::Column]) -> Select<ledger_entry::Entity> {
    use ledger_entry::Column as C;
    let mut q = ledger_entry::Entity::find().select_only();
    for c in by
        .iter()
        .chain(&[C::Account, C::GrowerId, C::CollectiveId, C::Category])
    {
        q = q.column(*c).group_by(*c);
    }
    q.column_as(Expr::col(C::AmountFen).sum().cast_as("BIGINT"), "amount")
}

/// What the collective's books hold of the ledger: the keeping collective's every entry,
/// another's only those on its own account.
fn of_books<Q: QueryFilter>(q: Q, books: &Books) -> Q {
    if books.keeps_the_books() {
        q
    } else {
        q.filter(ledger_entry::Column::CollectiveId.eq(books.collective.id))
    }
}

/// The transactions of the books dated `from` through `to`, by date then id.
///
/// # Errors
/// Database errors.
pub async fn transactions(
    db: &impl ConnectionTrait,
    books: &Books,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<Transaction>> {
    let q = summed(&[
        ledger_entry::Column::TransactionId,
        ledger_entry::Column::OccurredOn,
    ])
    .filter(ledger_entry::Column::OccurredOn.between(from, to))
    .order_by_asc(ledger_entry::Column::OccurredOn)
    .order_by_asc(ledger_entry::Column::TransactionId);
    type Row = (
        i64,
        NaiveDate,
        String,
        Option<i64>,
        Option<i64>,
        Option<IncomeCategory>,
        i64,
    );
    let rows: Vec<Row> = of_books(q, books).into_tuple().all(db).await?;
    let mut out: Vec<Transaction> = Vec::new();
    for (id, on, account, g, c, category, amount) in rows {
        if out.last().is_none_or(|t| t.id != id) {
            out.push(Transaction {
                id,
                occurred_on: on,
                entries: Vec::new(),
            });
        }
        if let Some(t) = out.last_mut() {
            t.entries.push((account, g, c, category, amount));
        }
    }
    Ok(out)
}

/// The voucher lines of a transaction in the books.
///
/// # Errors
/// 409 `unmapped_posting` for an entry no kind of posting covers, or a kind mapped outside the
/// chart.
pub fn lines(books: &Books, names: &Names, t: &Transaction) -> AppResult<Vec<Line>> {
    mapped(books, names, t.occurred_on, &t.entries)
}

/// Stored sums on `on` as the chart's accounts: in another collective's books, each is balanced
/// by what the keeping collective owes it.
fn mapped(books: &Books, names: &Names, on: NaiveDate, entries: &[Stored]) -> AppResult<Vec<Line>> {
    let mut out = Vec::with_capacity(entries.len() + 1);
    let mut own = 0i64;
    for s in entries {
        let (kind, auxiliary) = kind_of(names.entry(s)?, books.collective.id);
        out.push((books.account(kind, on)?.code, auxiliary, s.4));
        own += s.4;
    }
    if !books.keeps_the_books() && own != 0 {
        let due = books.account(PostingKind::DueFromKeeper, on)?.code;
        out.push((due, Some(Auxiliary::Collective(books.keeper)), -own));
    }
    voucher::lines(out).ok_or_else(|| AppError::Internal(anyhow::anyhow!("voucher overflow")))
}

/// The balances at the start of `from`, per account and auxiliary item (debit positive): the
/// ledger before it summed in the stretches between mapping changes, each under its mapping.
///
/// # Errors
/// Database errors; 409 `unmapped_posting`.
pub async fn opening(
    db: &impl ConnectionTrait,
    books: &Books,
    names: &Names,
    from: NaiveDate,
) -> AppResult<Vec<Line>> {
    let mut cuts: Vec<NaiveDate> = books
        .change_days()
        .into_iter()
        .filter(|d| *d < from)
        .collect();
    cuts.push(from);
    let mut start: Option<NaiveDate> = None;
    let mut out = Vec::new();
    for end in cuts {
        let mut q = summed(&[]).filter(ledger_entry::Column::OccurredOn.lt(end));
        if let Some(s) = start {
            q = q.filter(ledger_entry::Column::OccurredOn.gte(s));
        }
        let sums: Vec<Stored> = of_books(q, books).into_tuple().all(db).await?;
        // The mapping in force through the stretch: the one on its first day.
        let on = start.unwrap_or(NaiveDate::MIN);
        out.extend(mapped(books, names, on, &sums)?);
        start = Some(end);
    }
    Ok(out)
}

/// The voucher number of transaction `id`, dated `on`, in the books: its place in its month by
/// date and posting order (a reversal's voucher names the voucher it reverses).
///
/// # Errors
/// Database errors.
pub async fn number_of(
    db: &impl ConnectionTrait,
    books: &Books,
    id: i64,
    on: NaiveDate,
) -> AppResult<usize> {
    use sea_orm::Condition;
    let first = on.with_day(1).unwrap_or(on);
    let q = ledger_entry::Entity::find()
        .select_only()
        .column_as(
            Expr::col(ledger_entry::Column::TransactionId).count_distinct(),
            "n",
        )
        .filter(ledger_entry::Column::OccurredOn.gte(first))
        .filter(
            Condition::any()
                .add(ledger_entry::Column::OccurredOn.lt(on))
                .add(
                    Condition::all()
                        .add(ledger_entry::Column::OccurredOn.eq(on))
                        .add(ledger_entry::Column::TransactionId.lt(id)),
                ),
        );
    let before: i64 = of_books(q, books)
        .into_tuple::<i64>()
        .one(db)
        .await?
        .unwrap_or(0);
    Ok(usize::try_from(before).unwrap_or(0) + 1)
}
