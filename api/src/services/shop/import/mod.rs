//! Importing a Douyin shop order export: read the file ([`crate::domain::shop_export`]), decide
//! each order against what is stored ([`plan`]), and in a commit write it ([`apply`]). A preview
//! runs the same plan and writes only the import's record. Every import is kept with its
//! checksum and per-row results ([`record`]).
//!
//! The file is worked through a part at a time ([`next_part`]), so memory holds one part's rows
//! and the results, whatever the file's length. Orders are written in groups, one transaction per group; when one order of a group is refused
//! at write time (stock sold meanwhile by a helper, a parcel packed meanwhile), the group is
//! rolled back and written again one order per transaction, so the rest of the file applies.

mod apply;
mod create;
mod known;
mod plan;
mod record;

use crate::db::Db;
use crate::domain::caller::Caller;
use crate::domain::shop_export::{self, FileProblem, Refusal, ShopRow};
use crate::dto::shop::{ImportOut, RowOutcome, RowResult};
use crate::error::{AppError, AppResult};
use crate::services::facts::Facts;
use crate::services::money::rules::RulesCache;
use apply::Refused;
use plan::{FileOrder, Plan};
use std::collections::HashSet;

pub use record::{get as get_import, list as list_imports, results_csv};

/// What an import needs from the server besides the file.
pub struct ImportContext<'a> {
    pub facts: &'a Facts,
    pub rules: &'a RulesCache,
    pub today: chrono::NaiveDate,
    pub offset: chrono::FixedOffset,
    pub max_rows: usize,
    /// Orders written per transaction.
    pub orders_per_tx: usize,
    /// Orders read, decided and written before the next are read.
    pub orders_per_read: usize,
}

/// Imports (or with `dry_run`, previews) `bytes`, a part of the file at a time: the rows of
/// `orders_per_read` orders are read, decided and written before the next are read, so what is
/// held is one part and the results, not every row.
///
/// # Errors
/// 422 for a file that cannot be read (not a table, no header, missing columns, too many rows).
pub async fn run(
    db: &Db,
    ctx: &ImportContext<'_>,
    caller: &Caller,
    file_name: &str,
    bytes: &[u8],
    dry_run: bool,
) -> AppResult<ImportOut> {
    let mut export = shop_export::open(bytes, ctx.max_rows, ctx.offset).map_err(file_error)?;
    let used = export.used.clone();
    let unknown = export.unknown.clone();
    let mut known = known::load(db, ctx).await?;
    let import_id = record::start(db, caller, file_name, bytes, dry_run).await?;
    let buyer_id = if dry_run {
        0
    } else {
        known::shop_buyer(db).await?
    };
    let mut results = record::Results::default();
    let mut unmapped = known::Unmapped::default();
    let mut seen: HashSet<String> = HashSet::new();
    let mut pending = None;
    loop {
        let part = next_part(&mut export, &mut pending, ctx.orders_per_read.max(1));
        if part.is_empty() {
            break;
        }
        let (orders, refused_rows) = plan::group(part, &seen);
        seen.extend(orders.iter().map(|o| o.platform_id.clone()));
        let stored = known::stored(db, &orders).await?;
        let mut plans = Vec::with_capacity(orders.len());
        for o in &orders {
            let mut k = plan::Known {
                targets: &known.targets,
                stock: &mut known.stock,
                shows: &known.shows,
            };
            plans.push(plan::decide(o, stored.get(&o.platform_id), &mut k));
        }
        let outcomes = if dry_run {
            plans.iter().map(preview_outcome).collect()
        } else {
            let terms = apply::Terms {
                caller,
                buyer_id,
                import_id,
                today: ctx.today,
                rules: &known.rules,
                pricing: &known.pricing,
            };
            commit(db, &terms, &orders, &plans, ctx.orders_per_tx.max(1)).await?
        };
        let mut part_results: Vec<RowResult> = refused_rows
            .into_iter()
            .map(|r| RowResult {
                line: r.line,
                platform_order_id: r.order_id,
                sub_order_id: String::new(),
                outcome: RowOutcome::Refused,
                reason: r.reason,
                order_number: None,
            })
            .collect();
        for ((o, p), (outcome, reason, order_id)) in orders.iter().zip(&plans).zip(outcomes) {
            let kept = match p {
                Plan::Create { rows, .. } => Some(rows),
                _ => None,
            };
            if let (RowOutcome::New, Some(rows)) = (outcome, kept) {
                results.add_new_sale(rows.iter().map(ShopRow::sale_fen).sum::<i64>());
            }
            for r in &o.rows {
                // A line refunded before its order was ever imported is not written.
                let left_out = kept.is_some_and(|k| !k.iter().any(|x| x.line == r.line));
                let (outcome, reason) = if left_out {
                    (RowOutcome::Skipped, "导入前已退款，这一行不导入".to_owned())
                } else {
                    (outcome, reason.clone())
                };
                part_results.push(RowResult {
                    line: r.line,
                    platform_order_id: r.order_id.clone(),
                    sub_order_id: r.sub_order_id.clone(),
                    outcome,
                    reason,
                    order_number: order_id.map(crate::domain::order_number::format),
                });
            }
        }
        part_results.sort_by_key(|r| r.line);
        part_results.into_iter().for_each(|r| results.add(r));
        unmapped.add(&orders, &known.targets);
    }
    record::finish(
        db,
        caller,
        record::Finished {
            id: import_id,
            used,
            unknown,
            unmapped: unmapped.list(),
            results,
        },
    )
    .await
}

/// The rows of the next `orders` orders of the file (rows of one order are consecutive); the
/// first row of the order after them waits in `pending`.
fn next_part(
    export: &mut shop_export::Export<'_>,
    pending: &mut Option<Result<ShopRow, Refusal>>,
    orders: usize,
) -> Vec<Result<ShopRow, Refusal>> {
    let mut out = Vec::new();
    let mut count = 0;
    let mut last: Option<String> = None;
    while let Some(r) = pending.take().or_else(|| export.next()) {
        let id = match &r {
            Ok(row) => &row.order_id,
            Err(e) => &e.order_id,
        };
        if last.as_deref() != Some(id.as_str()) {
            if count == orders {
                *pending = Some(r);
                break;
            }
            count += 1;
            last = Some(id.clone());
        }
        out.push(r);
    }
    out
}

fn file_error(p: FileProblem) -> AppError {
    let list = |v: &[String]| {
        if v.is_empty() {
            "nothing".to_owned()
        } else {
            v.join(", ")
        }
    };
    match p {
        FileProblem::NotATable => AppError::field("file", "not a CSV or XLSX file"),
        FileProblem::NoHeader { found } => AppError::field(
            "file",
            format!(
                "no header naming the order id (主订单编号) and the SKU code (商家编码); found: {}",
                list(&found)
            ),
        ),
        FileProblem::MissingColumns { missing, found } => AppError::field(
            "file",
            format!(
                "the header lacks {}; found: {}",
                missing.join(", "),
                list(&found)
            ),
        ),
        FileProblem::TooManyRows { max } => {
            AppError::field("file", format!("at most {max} rows per file"))
        }
    }
}

/// An order's outcome: what, why, and our order once it exists.
type Outcome = (RowOutcome, String, Option<i64>);

fn preview_outcome(p: &Plan) -> Outcome {
    match p {
        Plan::Create { .. } => (RowOutcome::New, String::new(), None),
        Plan::Change {
            order_id,
            refunds,
            cancel,
        } => (
            RowOutcome::Updated,
            change_reason(refunds.iter().map(|r| r.fen).sum(), *cancel),
            Some(*order_id),
        ),
        Plan::Unchanged { order_id } => (RowOutcome::Unchanged, String::new(), Some(*order_id)),
        Plan::Skip(why) => (RowOutcome::Skipped, why.clone(), None),
        Plan::Refuse(why) => (RowOutcome::Refused, why.clone(), None),
    }
}

fn change_reason(refunded: i64, cancel: bool) -> String {
    match (cancel, refunded) {
        (true, 0) => "抖店已关闭：取消订单，退回库存".into(),
        (true, fen) => format!(
            "抖店已关闭：退款 {} 元，取消订单，退回库存",
            crate::domain::format::yuan(fen)
        ),
        // The office had refunded the buyer already: the line is marked, no money moves again.
        (false, 0) => "抖店售后退款：本系统已退过这笔钱，不再重复退款".into(),
        (false, fen) => format!("抖店售后退款 {} 元", crate::domain::format::yuan(fen)),
    }
}

/// Writes the plans in file order: new orders `per_tx` to a transaction, set-based (a group
/// refused at write time is written again one order at a time); each change (refunds, a
/// cancellation) in a transaction of its own, so its stock and money never wait inside a
/// group's locks.
async fn commit(
    db: &Db,
    terms: &apply::Terms<'_>,
    orders: &[FileOrder],
    plans: &[Plan],
    per_tx: usize,
) -> AppResult<Vec<Outcome>> {
    let mut out: Vec<Outcome> = plans.iter().map(preview_outcome).collect();
    let mut group: Vec<usize> = Vec::with_capacity(per_tx);
    for (i, p) in plans.iter().enumerate() {
        match p {
            Plan::Create { .. } => {
                group.push(i);
                if group.len() == per_tx {
                    write_creates(db, terms, orders, plans, &group, &mut out).await?;
                    group.clear();
                }
            }
            Plan::Change {
                order_id,
                refunds,
                cancel,
            } => {
                let tx = db.begin_write().await?;
                match apply::change(&tx, terms.caller, *order_id, refunds, *cancel, terms.today)
                    .await
                {
                    Ok(moved) => {
                        tx.commit().await?;
                        out[i] = (
                            RowOutcome::Updated,
                            change_reason(moved, *cancel),
                            Some(*order_id),
                        );
                    }
                    Err(Refused::Because(why)) => out[i] = (RowOutcome::Refused, why, None),
                    Err(Refused::Failed(e)) => return Err(e),
                }
            }
            _ => {}
        }
    }
    write_creates(db, terms, orders, plans, &group, &mut out).await?;
    Ok(out)
}

/// Creates the orders of `group` (indices of `Plan::Create`s) in one transaction, or, when that
/// is refused, one order at a time; their outcomes go into `out`.
async fn write_creates(
    db: &Db,
    terms: &apply::Terms<'_>,
    orders: &[FileOrder],
    plans: &[Plan],
    group: &[usize],
    out: &mut [Outcome],
) -> AppResult<()> {
    if group.is_empty() {
        return Ok(());
    }
    let new_order = |i: usize| match &plans[i] {
        Plan::Create {
            rows,
            lines,
            live_session_id,
        } => Some(create::NewOrder {
            rows,
            lines,
            live_session_id: *live_session_id,
        }),
        _ => None,
    };
    let all: Vec<create::NewOrder<'_>> = group.iter().filter_map(|&i| new_order(i)).collect();
    let tx = db.begin_write().await?;
    if let Ok(ids) = create::create(&tx, terms, &all).await {
        tx.commit().await?;
        for (&i, id) in group.iter().zip(ids) {
            out[i] = (RowOutcome::New, String::new(), Some(id));
        }
        create::count_placed(group.len());
        return Ok(());
    }
    drop(tx);
    for &i in group {
        let Some(one) = new_order(i) else { continue };
        let tx = db.begin_write().await?;
        match create::create(&tx, terms, std::slice::from_ref(&one)).await {
            Ok(ids) => {
                tx.commit().await?;
                out[i] = (RowOutcome::New, String::new(), ids.first().copied());
                create::count_placed(1);
            }
            Err(Refused::Because(why)) => out[i] = (RowOutcome::Refused, why, None),
            Err(Refused::Failed(e)) => {
                drop(tx);
                // Another import of the same file created it meanwhile: the unique platform id
                // refused this one, and the order is there once.
                match known::stored_order_id(&db.read, &orders[i].platform_id).await? {
                    Some(id) => out[i] = (RowOutcome::Unchanged, String::new(), Some(id)),
                    None => return Err(e),
                }
            }
        }
    }
    Ok(())
}
