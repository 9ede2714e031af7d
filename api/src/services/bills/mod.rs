//! Reconciling the platforms' bills against the books. A bill is read whole
//! ([`crate::domain::bills`]), its lines matched to the shop's orders (the 抖店 settlement bill)
//! or to payments and refunds (WeChat Pay, Alipay), and written in one transaction: the bill,
//! an item per thing matched with its class, the payments it confirmed, and the platform's fees
//! and subsidies as ledger entries against their orders. The same file again is a no-op.

mod draft;
mod read;
mod resolve;
mod shop;
mod wallet;
mod write;

pub use read::{exceptions_table, get, items, list};
pub use resolve::{Books, resolve};

use crate::db::Db;
use crate::domain::bills::matching::Tolerance;
use crate::domain::bills::{self, BillProblem};
use crate::domain::caller::Caller;
use crate::dto::bills::BillOut;
use crate::error::{AppError, AppResult, Validator};
use chrono::FixedOffset;
use sea_orm::{ConnectionTrait, DbBackend};
use sha2::{Digest, Sha256};
use zhunong_entity::enums::BillKind;

/// What an upload needs from the settings.
pub struct Limits<'a> {
    pub offset: FixedOffset,
    pub max_rows: usize,
    pub wechat_merchant_no: Option<&'a str>,
    pub alipay_account: Option<&'a str>,
    /// Whether the fees posted come off their orders' commission base (the setting
    /// `fees_reduce_commission_base`).
    pub fees_reduce_commission_base: bool,
}

/// Reads, matches and applies a bill. `Ok((bill, true))` for a new bill; `(bill, false)` when
/// this very file was applied before (then nothing was done).
///
/// # Errors
/// 422 for a file that is no bill, a row that cannot be read, totals that disagree with the
/// lines, another merchant's bill, or tolerances out of range.
pub async fn upload(
    db: &Db,
    caller: &Caller,
    limits: &Limits<'_>,
    file_name: &str,
    bytes: &[u8],
    tol: Tolerance,
) -> AppResult<(BillOut, bool)> {
    let mut v = Validator::default();
    v.check(
        (0..=10_080).contains(&tol.minutes),
        "time_tolerance_minutes",
        "between 0 and 10080",
    );
    v.check(
        (0..=10_000).contains(&tol.fen),
        "amount_tolerance_fen",
        "between 0 and 10000",
    );
    v.finish()?;
    let sha256: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if let Some(id) = read::by_sha256(&db.read, &sha256).await? {
        return Ok((read::get(&db.read, id).await?.applied_before(), false));
    }
    let bill = bills::read(bytes, limits.offset, limits.max_rows).map_err(problem)?;
    check_merchant(&bill, limits)?;
    let name: String = file_name.trim().chars().take(200).collect();
    // Matching and writing share one transaction, and bills are applied one at a time (a
    // transaction-scoped lock on PostgreSQL; SQLite has one writer): a payment another bill
    // confirms meanwhile is seen as confirmed, and the same file sent twice at once is applied
    // once.
    let stored = db
        .write(async |tx| {
            if tx.get_database_backend() == DbBackend::Postgres {
                tx.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({BILL_LOCK})"))
                    .await?;
            }
            if let Some(id) = read::by_sha256(tx, &sha256).await? {
                return Ok(Stored::Before(id));
            }
            let drafts = match bill.kind {
                BillKind::DouyinSettlement | BillKind::DouyinFund => {
                    shop::drafts(tx, bill.kind, &bill.lines, tol).await?
                }
                BillKind::WechatAll | BillKind::Alipay => {
                    wallet::drafts(tx, bill.kind, &bill.lines, tol).await?
                }
            };
            let id = write::apply(
                tx,
                caller,
                &bill,
                &drafts,
                &name,
                &sha256,
                tol,
                limits.offset,
                limits.fees_reduce_commission_base,
            )
            .await?;
            Ok(Stored::New(id))
        })
        .await?;
    Ok(match stored {
        Stored::New(id) => {
            let mut out = read::get(&db.read, id).await?;
            out.columns_used = bill.used;
            out.columns_unknown = bill.unknown;
            (out, true)
        }
        Stored::Before(id) => (read::get(&db.read, id).await?.applied_before(), false),
    })
}

/// Whether an upload wrote a new bill, or found this file applied before.
enum Stored {
    New(i64),
    Before(i64),
}

/// Any constant: the advisory lock bill uploads take on PostgreSQL.
const BILL_LOCK: i64 = 0x007a_6e62_696c;

fn check_merchant(bill: &bills::Bill, limits: &Limits<'_>) -> AppResult<()> {
    let ours = match bill.kind {
        BillKind::WechatAll => limits.wechat_merchant_no,
        BillKind::Alipay => limits.alipay_account,
        BillKind::DouyinSettlement | BillKind::DouyinFund => None,
    };
    match (ours, bill.merchant_no.as_deref()) {
        (Some(ours), Some(theirs)) if ours.trim() != theirs => Err(AppError::field(
            "file",
            format!("the bill is for merchant {theirs}, not this village's {ours}"),
        )),
        _ => Ok(()),
    }
}

fn problem(p: BillProblem) -> AppError {
    let message = match p {
        BillProblem::NotATable => "not a CSV or XLSX file".to_owned(),
        BillProblem::NoHeader(found) => format!(
            "not a known bill (抖店结算账单, 抖店资金账单, 微信支付交易账单, 支付宝交易账单); found: {}",
            if found.is_empty() {
                "nothing".to_owned()
            } else {
                found.join(", ")
            }
        ),
        BillProblem::TooManyRows(max) => format!("at most {max} rows per file"),
        BillProblem::Empty => "the bill has no lines".to_owned(),
        BillProblem::Row(n, why) => format!("row {n}: {why}"),
        BillProblem::Totals(why) => format!("the totals at the end disagree with the lines: {why}"),
    };
    AppError::field("file", message)
}
