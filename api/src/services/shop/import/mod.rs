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
            if outcome == RowOutcome::New && matches!(p, Plan::Create { .. }) {
                results.add_new_sale(o.rows.iter().map(ShopRow::sale_fen).sum::<i64>());
            }
            for r in &o.rows {
                part_results.push(RowResult {
                    line: r.line,
                    platform_order_id: r.order_id.clone(),
                    sub_order_id: r.sub_order_id.clone(),
                    outcome,
                    reason: reason.clone(),
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
            change_reason(refunds, *cancel),
            Some(*order_id),
        ),
        Plan::Unchanged { order_id } => (RowOutcome::Unchanged, String::new(), Some(*order_id)),
        Plan::Skip(why) => (RowOutcome::Skipped, why.clone(), None),
        Plan::Refuse(why) => (RowOutcome::Refused, why.clone(), None),
    }
}

fn change_reason(refunds: &[plan::Refund], cancel: bool) -> String {
    let refunded: i64 = refunds.iter().map(|r| r.fen).sum();
    match (cancel, refunded) {
        (true, 0) => "抖店已关闭：取消订单，退回库存".into(),
        (true, fen) => format!(
            "抖店已关闭：退款 {} 元，取消订单，退回库存",
            crate::domain::format::yuan(fen)
        ),
        (false, fen) => format!("抖店售后退款 {} 元", crate::domain::format::yuan(fen)),
    }
}

/// Writes the plans, `per_tx` orders per transaction; a group with a refusal is written again
/// one order at a time.
async fn commit(
    db: &Db,
    terms: &apply::Terms<'_>,
    orders: &[FileOrder],
    plans: &[Plan],
    per_tx: usize,
) -> AppResult<Vec<Outcome>> {
    let mut out = Vec::with_capacity(plans.len());
    let pairs: Vec<(&FileOrder, &Plan)> = orders.iter().zip(plans).collect();
    for group in pairs.chunks(per_tx) {
        let tx = db.begin_write().await?;
        if let Ok(done) = write_group(&tx, terms, group).await {
            tx.commit().await?;
            out.extend(done);
            continue;
        }
        drop(tx);
        for one in group {
            let tx = db.begin_write().await?;
            match write_group(&tx, terms, std::slice::from_ref(one)).await {
                Ok(done) => {
                    tx.commit().await?;
                    out.extend(done);
                }
                Err(Refused::Because(why)) => {
                    drop(tx);
                    out.push((RowOutcome::Refused, why, None));
                }
                Err(Refused::Failed(e)) => {
                    drop(tx);
                    // Another import of the same file created it meanwhile: the unique
                    // platform id refused this one, and the order is there once.
                    match known::stored_order_id(&db.read, &one.0.platform_id).await? {
                        Some(id) if matches!(one.1, Plan::Create { .. }) => {
                            out.push((RowOutcome::Unchanged, String::new(), Some(id)));
                        }
                        _ => return Err(e),
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Writes a group's plans in `tx`: its new orders in one set-based pass, then each change.
async fn write_group(
    tx: &crate::db::Tx,
    terms: &apply::Terms<'_>,
    group: &[(&FileOrder, &Plan)],
) -> Result<Vec<Outcome>, Refused> {
    let new: Vec<create::NewOrder<'_>> = group
        .iter()
        .filter_map(|(o, p)| match p {
            Plan::Create {
                lines,
                live_session_id,
            } => Some(create::NewOrder {
                rows: &o.rows,
                lines,
                live_session_id: *live_session_id,
            }),
            _ => None,
        })
        .collect();
    let mut created = if new.is_empty() {
        Vec::new()
    } else {
        create::create(tx, terms, &new).await?
    }
    .into_iter();
    let mut out = Vec::with_capacity(group.len());
    for (_, p) in group {
        out.push(match p {
            Plan::Create { .. } => (RowOutcome::New, String::new(), created.next()),
            Plan::Change {
                order_id,
                refunds,
                cancel,
            } => {
                apply::change(tx, terms.caller, *order_id, refunds, *cancel, terms.today).await?;
                (
                    RowOutcome::Updated,
                    change_reason(refunds, *cancel),
                    Some(*order_id),
                )
            }
            other => preview_outcome(other),
        });
    }
    Ok(out)
}
