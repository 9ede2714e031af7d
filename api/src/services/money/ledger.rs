//! Posting balanced transactions. Every transaction's entries sum to zero — checked here before
//! anything is written — and the rows are append-only in the database.

use crate::db::Tx;
use crate::domain::books::closing::redate;
use crate::domain::settlement::Account;
use crate::dto::Page;
use crate::dto::money::{LedgerFilter, PostIncome, TransactionOut};
use crate::error::{AppError, AppResult, ErrorCode, Validator};
use crate::services::paginate;
use chrono::{Datelike, NaiveDate};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;
use zhunong_entity::enums::{EntryKind, IncomeCategory, TransactionKind};
use zhunong_entity::{collective, ledger_entry, ledger_transaction};

/// One entry to post.
#[derive(Debug, Clone)]
pub struct Entry {
    pub account: Account,
    pub kind: EntryKind,
    pub category: Option<IncomeCategory>,
    pub amount_fen: i64,
    pub quantity_g: i64,
}

/// What a transaction is about.
pub struct Header<'a> {
    pub kind: TransactionKind,
    pub order_id: Option<i64>,
    pub reverses_id: Option<i64>,
    pub description: &'a str,
    pub occurred_on: NaiveDate,
    pub actor: i64,
}

/// Writes a transaction and its entries; refuses (500) a set that does not balance. A posting
/// dated in a closed month is dated the first open day instead, its description noting why.
///
/// # Errors
/// Unbalanced entries, or database errors.
pub async fn post(tx: &Tx, h: Header<'_>, entries: &[Entry]) -> AppResult<i64> {
    let balance: i128 = entries.iter().map(|e| i128::from(e.amount_fen)).sum();
    if balance != 0 || entries.is_empty() {
        return Err(AppError::Internal(anyhow::anyhow!(
            "refusing an unbalanced ledger transaction (Σ = {balance})"
        )));
    }
    // A closed month takes nothing more: a posting dated in one goes into the first open day,
    // saying which month it corrects.
    let closed = crate::services::books::closed_through_for_posting(tx).await?;
    let (occurred_on, description) = match redate(h.occurred_on, closed) {
        Some((day, note)) => (day, format!("{}{note}", h.description)),
        None => (h.occurred_on, h.description.to_owned()),
    };
    let h = Header {
        occurred_on,
        description: &description,
        ..h
    };
    let t = ledger_transaction::ActiveModel {
        kind: Set(h.kind),
        order_id: Set(h.order_id),
        reverses_id: Set(h.reverses_id),
        description: Set(h.description.to_owned()),
        occurred_on: Set(h.occurred_on),
        created_by: Set(h.actor),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    let period = h.occurred_on.year() * 100 + h.occurred_on.month().cast_signed();
    let rows = entries.iter().map(|e| ledger_entry::ActiveModel {
        transaction_id: Set(t.id),
        account: Set(e.account.name()),
        entry_kind: Set(e.kind),
        collective_id: Set(match e.account {
            Account::Collective(id) => Some(id),
            _ => None,
        }),
        grower_id: Set(match e.account {
            Account::Grower(id) => Some(id),
            _ => None,
        }),
        category: Set(e.category),
        amount_fen: Set(e.amount_fen),
        quantity_g: Set(e.quantity_g),
        occurred_on: Set(h.occurred_on),
        period: Set(period),
        ..Default::default()
    });
    ledger_entry::Entity::insert_many(rows)
        .exec_without_returning(tx)
        .await?;
    Ok(t.id)
}

/// Checks a list of shares: 1–20 distinct existing collectives, each share positive.
///
/// # Errors
/// 422 naming the bad share.
pub async fn check_shares(
    db: &impl ConnectionTrait,
    v: &mut Validator,
    shares: &[crate::dto::money::Share],
) -> AppResult<()> {
    v.check(
        (1..=20).contains(&shares.len()),
        "shares",
        "between 1 and 20 collectives",
    );
    let mut seen = std::collections::HashSet::new();
    for (i, s) in shares.iter().enumerate() {
        v.check(
            s.shares >= 1 && s.shares <= 1_000_000,
            format!("shares[{i}].shares"),
            "between 1 and 1000000",
        );
        v.check(
            seen.insert(s.collective_id),
            format!("shares[{i}].collective_id"),
            "listed twice",
        );
    }
    let found = crate::services::rows::by_id::<collective::Entity>(
        db,
        shares.iter().map(|s| s.collective_id),
    )
    .await?;
    for (i, s) in shares.iter().enumerate() {
        v.check(
            found.contains_key(&s.collective_id),
            format!("shares[{i}].collective_id"),
            format!("no collective with id {}", s.collective_id),
        );
    }
    Ok(())
}

/// Posts other collective income (rent, dividends), split among collectives exactly.
///
/// # Errors
/// 422 for invalid fields.
pub async fn post_income(
    db: &crate::db::Db,
    actor: i64,
    req: PostIncome,
) -> AppResult<TransactionOut> {
    db.write(async |tx| post_income_in(tx, actor, req).await)
        .await
}

/// The step of [`post_income`] inside a transaction that the caller owns (the demo builds its
/// village in one).
pub async fn post_income_in(tx: &Tx, actor: i64, req: PostIncome) -> AppResult<TransactionOut> {
    let mut v = Validator::default();
    v.check(
        req.category != IncomeCategory::SalesCommission,
        "category",
        "sales commission comes from settling orders",
    );
    v.check(
        (1..=100_000_000_000).contains(&req.amount_fen),
        "amount_fen",
        "must be between 1 and 100000000000",
    );
    v.text(&req.description, "description", 500);
    check_shares(tx, &mut v, &req.shares).await?;
    v.finish()?;
    // Booking into a closed month is asked for, never done silently: the posting then goes into
    // the first open month, as a late automatic posting does.
    if !req.late
        && let Some(closed) = crate::services::books::closed_through_for_posting(tx).await?
        && crate::domain::books::closing::month_key(req.occurred_on) <= closed
    {
        return Err(AppError::Conflict {
            code: ErrorCode::PostingMonthClosed,
            detail: format!(
                "the books are closed through {}: date it in an open month, or send late: true to book it in the first open month",
                crate::domain::books::closing::month_text(closed)
            ),
        });
    }
    let weights: Vec<u64> = req.shares.iter().map(|s| s.shares).collect();
    let parts = crate::domain::commission::split_largest_remainder(req.amount_fen, &weights)
        .ok_or_else(|| AppError::field("shares", "cannot split"))?;
    let mut entries = vec![Entry {
        account: Account::Cash,
        kind: EntryKind::CashIn,
        category: Some(req.category),
        amount_fen: req.amount_fen,
        quantity_g: 0,
    }];
    for (s, part) in req.shares.iter().zip(parts) {
        entries.push(Entry {
            account: Account::Collective(s.collective_id),
            kind: EntryKind::Income,
            category: Some(req.category),
            amount_fen: -part,
            quantity_g: 0,
        });
    }
    let header = Header {
        kind: TransactionKind::OtherIncome,
        order_id: None,
        reverses_id: None,
        description: req.description.trim(),
        occurred_on: req.occurred_on,
        actor,
    };
    let id = post(tx, header, &entries).await?;
    get(tx, id).await
}

/// # Errors
/// 404 if missing.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> AppResult<TransactionOut> {
    let t = ledger_transaction::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("ledger transaction"))?;
    let entries = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::TransactionId.eq(id))
        .order_by_asc(ledger_entry::Column::Id)
        .all(db)
        .await?;
    Ok(TransactionOut::new(t, entries))
}

/// Transactions, newest first, with their entries.
///
/// # Errors
/// Database errors.
pub async fn list(
    db: &impl ConnectionTrait,
    f: LedgerFilter,
    paging: (u64, u64),
) -> AppResult<Page<TransactionOut>> {
    let mut q = ledger_transaction::Entity::find().order_by_desc(ledger_transaction::Column::Id);
    if let Some(o) = f.order_id {
        q = q.filter(ledger_transaction::Column::OrderId.eq(o));
    }
    if let Some(k) = f.kind {
        q = q.filter(ledger_transaction::Column::Kind.eq(k));
    }
    for (col, id) in [
        (ledger_entry::Column::CollectiveId, f.collective_id),
        (ledger_entry::Column::GrowerId, f.grower_id),
    ] {
        if let Some(id) = id {
            let sub = Query::select()
                .column(ledger_entry::Column::TransactionId)
                .from(ledger_entry::Entity)
                .and_where(col.eq(id))
                .to_owned();
            q = q.filter(ledger_transaction::Column::Id.in_subquery(sub));
        }
    }
    let page = paginate(db, q, paging, |m| m).await?;
    let ids: Vec<i64> = page.items.iter().map(|t| t.id).collect();
    let mut entries: HashMap<i64, Vec<ledger_entry::Model>> = HashMap::new();
    for e in ledger_entry::Entity::find()
        .filter(ledger_entry::Column::TransactionId.is_in(ids))
        .order_by_asc(ledger_entry::Column::Id)
        .all(db)
        .await?
    {
        entries.entry(e.transaction_id).or_default().push(e);
    }
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|t| {
                let e = entries.remove(&t.id).unwrap_or_default();
                TransactionOut::new(t, e)
            })
            .collect(),
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    })
}
