//! Bills as the office reads them: the list, one bill with its totals per class, its items, and
//! the exceptions as a table for download.

use crate::domain::labels::Label;
use crate::dto::bills::{BillItemOut, BillItemsParams, BillOut, ClassTotal};
use crate::error::{AppError, AppResult};
use crate::render::table::Cell;
use sea_orm::Iterable;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
};
use zhunong_entity::enums::BillClass;
use zhunong_entity::{bill, bill_item};

/// Bills the list shows.
const HISTORY: u64 = 100;

/// One class of one bill, added up by the database: (bill, class, items, bill fen, books fen,
/// open exceptions).
type ClassRow = (i64, BillClass, i64, i64, i64, i64);

/// The totals per class of `bills`, in one grouped query.
async fn class_rows(db: &impl ConnectionTrait, bills: &[i64]) -> AppResult<Vec<ClassRow>> {
    let sum = |c: bill_item::Column| Expr::col(c).sum().cast_as("BIGINT");
    Ok(bill_item::Entity::find()
        .select_only()
        .column(bill_item::Column::BillId)
        .column(bill_item::Column::Class)
        .column_as(Expr::col(bill_item::Column::Id).count(), "items")
        .column_as(sum(bill_item::Column::BillAmountFen), "bill_fen")
        .column_as(sum(bill_item::Column::BooksAmountFen), "books_fen")
        .column_as(
            Expr::cust(
                "CAST(SUM(CASE WHEN resolution IS NULL AND class <> 'matched' THEN 1 ELSE 0 END) AS BIGINT)",
            ),
            "open",
        )
        .filter(bill_item::Column::BillId.is_in(bills.iter().copied()))
        .group_by(bill_item::Column::BillId)
        .group_by(bill_item::Column::Class)
        .into_tuple::<ClassRow>()
        .all(db)
        .await?)
}

impl BillOut {
    /// The bill with its totals per class (every class, zero where it has none), from its rows
    /// of [`class_rows`].
    fn of(b: bill::Model, rows: &[ClassRow]) -> Self {
        let mine: Vec<&ClassRow> = rows.iter().filter(|r| r.0 == b.id).collect();
        let classes = BillClass::iter()
            .map(|class| {
                let (items, bill_amount_fen, books_amount_fen) = mine
                    .iter()
                    .find(|r| r.1 == class)
                    .map_or((0, 0, 0), |r| (r.2, r.3, r.4));
                ClassTotal {
                    class,
                    items,
                    bill_amount_fen,
                    books_amount_fen,
                    diff_fen: bill_amount_fen - books_amount_fen,
                }
            })
            .collect();
        Self {
            id: b.id,
            kind: b.kind,
            file_name: b.file_name,
            merchant_no: b.merchant_no,
            period_from: b.period_from,
            period_to: b.period_to,
            lines: b.lines,
            amount_fen: b.amount_fen,
            fee_fen: b.fee_fen,
            subsidy_fen: b.subsidy_fen,
            fees_reduce_commission_base: b.fees_reduce_commission_base,
            time_tolerance_minutes: b.time_tolerance_minutes,
            amount_tolerance_fen: b.amount_tolerance_fen,
            created_by: b.created_by,
            created_at: b.created_at,
            classes,
            open_exceptions: mine.iter().map(|r| r.5).sum(),
            already_applied: false,
            columns_used: Vec::new(),
            columns_unknown: Vec::new(),
        }
    }

    /// The answer to a file applied before.
    pub fn applied_before(mut self) -> Self {
        self.already_applied = true;
        self
    }
}

impl From<bill_item::Model> for BillItemOut {
    fn from(i: bill_item::Model) -> Self {
        Self {
            id: i.id,
            bill_id: i.bill_id,
            class: i.class,
            rows: i.rows.split(',').filter_map(|r| r.parse().ok()).collect(),
            platform_ref: i.platform_ref,
            merchant_ref: i.merchant_ref,
            occurred_at: i.occurred_at,
            bill_amount_fen: i.bill_amount_fen,
            books_amount_fen: i.books_amount_fen,
            diff_fen: i.bill_amount_fen - i.books_amount_fen,
            fee_fen: i.fee_fen,
            subsidy_fen: i.subsidy_fen,
            order_id: i.order_id,
            order_number: i.order_id.map(crate::domain::order_number::format),
            payment_id: i.payment_id,
            transaction_id: i.transaction_id,
            resolution: i.resolution,
            note: i.note,
            resolved_by: i.resolved_by,
            resolved_at: i.resolved_at,
        }
    }
}

/// The bill a file with this checksum became, if any.
///
/// # Errors
/// Database errors.
pub async fn by_sha256(db: &impl ConnectionTrait, sha256: &str) -> AppResult<Option<i64>> {
    Ok(bill::Entity::find()
        .filter(bill::Column::Sha256.eq(sha256))
        .one(db)
        .await?
        .map(|b| b.id))
}

async fn all_items(db: &impl ConnectionTrait, bill_id: i64) -> AppResult<Vec<bill_item::Model>> {
    Ok(bill_item::Entity::find()
        .filter(bill_item::Column::BillId.eq(bill_id))
        .order_by_asc(bill_item::Column::Id)
        .all(db)
        .await?)
}

async fn find(db: &impl ConnectionTrait, id: i64) -> AppResult<bill::Model> {
    bill::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("bill"))
}

/// One bill, with its totals per class.
///
/// # Errors
/// 404 for an unknown bill.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> AppResult<BillOut> {
    let b = find(db, id).await?;
    let rows = class_rows(db, &[id]).await?;
    Ok(BillOut::of(b, &rows))
}

/// The latest bills, newest first.
///
/// # Errors
/// Database errors.
pub async fn list(db: &impl ConnectionTrait) -> AppResult<Vec<BillOut>> {
    let bills = bill::Entity::find()
        .order_by_desc(bill::Column::Id)
        .limit(HISTORY)
        .all(db)
        .await?;
    let rows = class_rows(db, &bills.iter().map(|b| b.id).collect::<Vec<_>>()).await?;
    Ok(bills.into_iter().map(|b| BillOut::of(b, &rows)).collect())
}

/// A bill's items, in the file's order, then what only the books have.
///
/// # Errors
/// 404 for an unknown bill.
pub async fn items(
    db: &impl ConnectionTrait,
    bill_id: i64,
    p: &BillItemsParams,
) -> AppResult<Vec<BillItemOut>> {
    find(db, bill_id).await?;
    Ok(all_items(db, bill_id)
        .await?
        .into_iter()
        .filter(|i| p.class.is_none_or(|c| c == i.class))
        .filter(|i| !p.exceptions || i.class != BillClass::Matched)
        .map(BillItemOut::from)
        .collect())
}

/// A bill's exceptions as a table: its headers and rows.
///
/// # Errors
/// 404 for an unknown bill.
pub async fn exceptions_table(
    db: &impl ConnectionTrait,
    bill_id: i64,
    offset: chrono::FixedOffset,
) -> AppResult<(Vec<String>, Vec<Vec<Cell>>)> {
    let p = BillItemsParams {
        class: None,
        exceptions: true,
    };
    let headers = [
        "类别",
        "账单行号",
        "平台单号",
        "商户单号",
        "本系统订单号",
        "时间",
        "账单金额（元）",
        "账上金额（元）",
        "差额（元）",
        "平台费用（元）",
        "平台补贴（元）",
        "处理",
        "说明",
    ]
    .map(str::to_owned)
    .to_vec();
    let rows = items(db, bill_id, &p)
        .await?
        .into_iter()
        .map(|i| {
            vec![
                Cell::Text(i.class.label().to_owned()),
                Cell::Text(
                    i.rows
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join("、"),
                ),
                Cell::Code(i.platform_ref.unwrap_or_default()),
                Cell::Code(i.merchant_ref.unwrap_or_default()),
                Cell::Text(i.order_number.unwrap_or_default()),
                Cell::Text(
                    i.occurred_at
                        .map(|t| {
                            t.with_timezone(&offset)
                                .format("%Y-%m-%d %H:%M:%S")
                                .to_string()
                        })
                        .unwrap_or_default(),
                ),
                Cell::Yuan(i.bill_amount_fen),
                Cell::Yuan(i.books_amount_fen),
                Cell::Yuan(i.diff_fen),
                Cell::Yuan(i.fee_fen),
                Cell::Yuan(i.subsidy_fen),
                Cell::Text(i.resolution.map_or("待处理", |r| r.label()).to_owned()),
                Cell::Text(i.note.unwrap_or_default()),
            ]
        })
        .collect();
    Ok((headers, rows))
}
