//! A buyer's personal data under the Personal Information Protection Law: a copy of everything
//! held about them (art. 45), and erasure (art. 47).
//!
//! Erasure pseudonymises: the buyer row keeps its id, kind and payment terms, and loses name,
//! phone, address, company, contacts and Douyin nickname; the personal values in their audit
//! entries go too (the audit log's one permitted change, see the migration
//! `m20261209_000002_buyer_erasure`). Orders, payments, the ledger and the sales figures do not
//! hold them, so money and reports stay exact. On SQLite the erasure runs with
//! `secure_delete`, and the file is rewritten and its WAL truncated after it
//! ([`Db::compact`]), so the values are not left anywhere in the file.
//!
//! Each erased id is also appended to a list outside the database (`Settings::erased_list_path`)
//! before the erasure commits, and `serve` erases every listed buyer again at start: a backup
//! restored from before an erasure does not bring the person back.

use crate::db::{Db, Tx};
use crate::dto::buyers::BuyerOut;
use crate::dto::money::PaymentOut;
use crate::dto::orders::OrderFilter;
use crate::error::{AppError, AppResult, Invariant, Validator};
use crate::services::audit::{self, Change};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    QueryFilter, QueryOrder,
};
use std::io::Write;
use std::path::Path;
use zhunong_entity::enums::{AuditAction, AuditEntity};
use zhunong_entity::{audit_log, buyer, payment};

/// What an erased buyer is called from then on.
pub const ERASED_NAME: &str = "已删除的买家";

/// The keys of a buyer's audit entries that hold personal values.
const PERSONAL_KEYS: [&str; 6] = [
    "name",
    "phone",
    "address",
    "company",
    "douyin_nickname",
    "contacts",
];

/// Orders read per page while exporting.
const EXPORT_PAGE: u64 = 200;

/// A ZIP of everything held about the buyer: their record, their orders with lines and
/// payments, and the audit entries about them, with a note in Chinese saying what each file is.
///
/// # Errors
/// 404 for an unknown buyer; 422 if they have more than `max_orders` orders; database errors.
pub async fn export(
    db: &impl ConnectionTrait,
    buyer_id: i64,
    max_orders: u64,
) -> AppResult<Vec<u8>> {
    let b: BuyerOut = super::must_find::<buyer::Entity, _>(db, buyer_id, "buyer")
        .await?
        .into();
    let mut orders = Vec::new();
    let mut payments = Vec::new();
    for page in 1.. {
        let filter = OrderFilter {
            status: None,
            channel: None,
            fulfilment: None,
            buyer_id: Some(buyer_id),
            from: None,
            to: None,
            payment_status: None,
            live_session_id: None,
            weights_flagged: None,
            q: None,
        };
        let got = crate::services::order_reads::list(db, filter, (page, EXPORT_PAGE)).await?;
        if got.total > max_orders {
            let mut v = Validator::default();
            v.check(
                false,
                "buyer_id",
                format!(
                    "has {} orders; an export holds at most {max_orders}",
                    got.total
                ),
            );
            v.finish()?;
        }
        if got.items.is_empty() {
            break;
        }
        // The page's payments in one read, not one per order.
        payments.extend(
            payment::Entity::find()
                .filter(payment::Column::OrderId.is_in(got.items.iter().map(|o| o.id)))
                .order_by_asc(payment::Column::OrderId)
                .order_by_asc(payment::Column::Id)
                .all(db)
                .await?
                .into_iter()
                .map(PaymentOut::from),
        );
        orders.extend(got.items);
    }
    let entries: Vec<serde_json::Value> = audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq(AuditEntity::Buyer))
        .filter(audit_log::Column::EntityId.eq(buyer_id))
        .order_by_asc(audit_log::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|e| {
            serde_json::json!({"at": e.at, "action": e.action, "before": e.before, "after": e.after})
        })
        .collect();
    let addresses = crate::services::fulfilment::address_book::list(db, buyer_id).await?;
    let recipients: Vec<crate::dto::fulfilment::RecipientOut> =
        zhunong_entity::order_recipient::Entity::find()
            .filter(
                zhunong_entity::order_recipient::Column::OrderId.is_in(orders.iter().map(|o| o.id)),
            )
            .all(db)
            .await?
            .into_iter()
            .map(Into::into)
            .collect();
    let places = serde_json::json!({"地址簿": addresses, "订单收货人": recipients});
    let order_ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
    // One query per chunk of orders, not one per order.
    let cases = crate::services::after_sales::for_orders(db, &order_ids).await?;
    let mut photos: Vec<(String, Vec<u8>)> = Vec::new();
    for c in &cases {
        for p in &c.photo_ids {
            let (kind, bytes) = crate::services::after_sales::photos::get(db, c.id, *p).await?;
            let ext = kind.trim_start_matches("image/").replace("jpeg", "jpg");
            photos.push((format!("售后照片/售后单{}-{p}.{ext}", c.id), bytes));
        }
    }
    let files: [(&str, Vec<u8>); 7] = [
        ("说明.txt", readme(&b).into_bytes()),
        ("买家信息.json", pretty(&b)?),
        ("订单.json", pretty(&orders)?),
        ("收款与退款.json", pretty(&payments)?),
        ("收货地址.json", pretty(&places)?),
        ("售后.json", pretty(&cases)?),
        ("操作记录.json", pretty(&entries)?),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let files = files
        .into_iter()
        .map(|(n, b)| (n.to_owned(), b))
        .chain(photos);
    for (name, bytes) in files {
        zip.start_file(name, options)
            .invariant("a ZIP entry starts in memory")?;
        zip.write_all(&bytes)
            .invariant("a ZIP entry is written in memory")?;
    }
    Ok(zip
        .finish()
        .invariant("a ZIP finishes in memory")?
        .into_inner())
}

fn pretty<T: serde::Serialize>(v: &T) -> AppResult<Vec<u8>> {
    serde_json::to_vec_pretty(v).invariant("the export serialises")
}

fn readme(b: &BuyerOut) -> String {
    format!(
        "这是本系统保存的买家「{}」（编号 {}）的全部个人信息副本，依《个人信息保护法》第四十五条提供。\n\
         买家信息.json：姓名、电话、地址、单位、联系人、抖音昵称等。\n\
         订单.json：此买家的全部订单及每行商品、数量、金额、状态。\n\
         收款与退款.json：这些订单的收款和退款记录。\n\
         收货地址.json：地址簿和各订单的收货人。\n\
         售后.json 和 售后照片/：售后申请及买家上传的照片。\n\
         操作记录.json：对此买家信息的新建和修改记录。\n\
         金额单位为分，重量单位为克。\n",
        b.name, b.id
    )
}

/// Erases the buyer's personal data (see the module's description); erasing an erased buyer
/// changes nothing.
///
/// # Errors
/// 404 for an unknown buyer; 422 without a reason; the list cannot be written; database errors.
pub async fn erase(
    db: &Db,
    actor: i64,
    buyer_id: i64,
    reason: &str,
    erased_list: Option<&Path>,
) -> AppResult<BuyerOut> {
    let reason = reason.trim();
    let mut v = Validator::default();
    v.check(!reason.is_empty(), "reason", "an erasure needs a reason");
    v.opt_text(Some(reason), "reason", 200);
    v.finish()?;
    super::must_find::<buyer::Entity, _>(&db.read, buyer_id, "buyer").await?;
    if let Some(list) = erased_list {
        remember(list, buyer_id)?;
    }
    let out = db
        .write(async |tx| {
            let sqlite = tx.get_database_backend() == DbBackend::Sqlite;
            if sqlite {
                // Freed cells and pages are zeroed, not left in the file.
                tx.execute_unprepared("PRAGMA secure_delete = ON").await?;
            }
            let out = erase_in(tx, Some(actor), buyer_id, reason).await;
            if sqlite {
                tx.execute_unprepared("PRAGMA secure_delete = OFF").await?;
            }
            out
        })
        .await?;
    db.compact().await;
    Ok(out)
}

/// The transaction's part of [`erase`].
///
/// # Errors
/// 404 for an unknown buyer; database errors.
pub async fn erase_in(
    tx: &Tx,
    actor: Option<i64>,
    buyer_id: i64,
    reason: &str,
) -> AppResult<BuyerOut> {
    let b = super::must_find::<buyer::Entity, _>(tx, buyer_id, "buyer").await?;
    if b.erased_at.is_some() {
        return Ok(b.into());
    }
    let mut m: buyer::ActiveModel = b.into();
    m.name = Set(ERASED_NAME.to_owned());
    m.phone = Set(None);
    m.address = Set(None);
    m.company = Set(None);
    m.contacts = Set(serde_json::json!([]));
    m.douyin_nickname = Set(None);
    m.erased_at = Set(Some(chrono::Utc::now()));
    m.updated_at = Set(chrono::Utc::now());
    let erased = m.update(tx).await?;
    // The address book goes; the recipients of the buyer's orders keep only their district
    // (the sales reports' place), not who or where exactly.
    zhunong_entity::buyer_address::Entity::delete_many()
        .filter(zhunong_entity::buyer_address::Column::BuyerId.eq(buyer_id))
        .exec(tx)
        .await?;
    {
        use zhunong_entity::{order, order_recipient};
        let orders = sea_orm::sea_query::Query::select()
            .column(order::Column::Id)
            .from(order::Entity)
            .and_where(order::Column::BuyerId.eq(buyer_id))
            .to_owned();
        order_recipient::Entity::update_many()
            .col_expr(order_recipient::Column::Name, Expr::value(ERASED_NAME))
            .col_expr(order_recipient::Column::Phone, Expr::value(""))
            .col_expr(order_recipient::Column::Street, Expr::value(""))
            .col_expr(order_recipient::Column::Detail, Expr::value(""))
            .col_expr(
                order_recipient::Column::RawText,
                Expr::value(None::<String>),
            )
            .filter(order_recipient::Column::OrderId.in_subquery(orders))
            .exec(tx)
            .await?;
    }
    // Their claims' photos and notes go; what was decided and refunded stays with the money.
    {
        use zhunong_entity::{after_sales_case, after_sales_photo, order};
        let cases = sea_orm::sea_query::Query::select()
            .column(after_sales_case::Column::Id)
            .from(after_sales_case::Entity)
            .and_where(
                after_sales_case::Column::OrderId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(order::Column::Id)
                        .from(order::Entity)
                        .and_where(order::Column::BuyerId.eq(buyer_id))
                        .to_owned(),
                ),
            )
            .to_owned();
        after_sales_photo::Entity::delete_many()
            .filter(after_sales_photo::Column::CaseId.in_subquery(cases.clone()))
            .exec(tx)
            .await?;
        after_sales_case::Entity::update_many()
            .col_expr(after_sales_case::Column::Note, Expr::value(None::<String>))
            .filter(after_sales_case::Column::Id.in_subquery(cases))
            .exec(tx)
            .await?;
    }
    for e in audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq(AuditEntity::Buyer))
        .filter(audit_log::Column::EntityId.eq(buyer_id))
        .all(tx)
        .await?
    {
        let (before, after) = (redacted(e.before.as_ref()), redacted(e.after.as_ref()));
        if before == e.before && after == e.after {
            continue;
        }
        audit_log::Entity::update_many()
            .col_expr(audit_log::Column::Before, Expr::value(before))
            .col_expr(audit_log::Column::After, Expr::value(after))
            .filter(audit_log::Column::Id.eq(e.id))
            .exec(tx)
            .await?;
    }
    audit::record(
        tx,
        Change::of(actor, AuditAction::EraseBuyer, AuditEntity::Buyer, buyer_id)
            .after(serde_json::json!({"reason": reason})),
    )
    .await?;
    Ok(erased.into())
}

/// An audit record without the personal values (marked `erased`), or `None` for none.
fn redacted(v: Option<&serde_json::Value>) -> Option<serde_json::Value> {
    let mut v = v?.clone();
    if let Some(obj) = v.as_object_mut() {
        let had = PERSONAL_KEYS
            .iter()
            .filter(|k| obj.remove(**k).is_some())
            .count();
        if had > 0 {
            obj.insert("erased".into(), true.into());
        }
    }
    Some(v)
}

/// Appends `buyer_id` to the list of erased buyers, durably, before the erasure commits.
fn remember(list: &Path, buyer_id: i64) -> AppResult<()> {
    let write = || -> std::io::Result<()> {
        if let Some(dir) = list.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(list)?;
        writeln!(f, "{buyer_id}")?;
        f.sync_all()
    };
    write().map_err(|e| {
        AppError::Internal(anyhow::anyhow!(
            "cannot write the list of erased buyers {}: {e}",
            list.display()
        ))
    })
}

/// Adds the ids listed at `from` to the list at `to` (a restore into a new data directory takes
/// the erased buyers along, so that serving it erases them again). Nothing to add if `from` has
/// no list.
///
/// # Errors
/// The list at `to` cannot be written.
pub fn carry_erased_list(from: &Path, to: &Path) -> std::io::Result<()> {
    if from == to {
        return Ok(());
    }
    let Ok(ids) = std::fs::read_to_string(from) else {
        return Ok(());
    };
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(to)?;
    f.write_all(ids.as_bytes())?;
    f.sync_all()
}

/// Erases again every buyer on the list who is not erased (after a restore from a backup older
/// than their erasure). Returns how many.
///
/// # Errors
/// The list cannot be read; database errors.
pub async fn reapply(db: &Db, list: &Path) -> AppResult<usize> {
    let text = match std::fs::read_to_string(list) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "cannot read the list of erased buyers {}: {e}",
                list.display()
            )));
        }
    };
    let ids: Vec<i64> = text.lines().filter_map(|l| l.trim().parse().ok()).collect();
    let pending: Vec<i64> = buyer::Entity::find()
        .filter(buyer::Column::Id.is_in(ids))
        .filter(buyer::Column::ErasedAt.is_null())
        .all(&db.read)
        .await?
        .into_iter()
        .map(|b| b.id)
        .collect();
    for id in &pending {
        db.write(async |tx| erase_in(tx, None, *id, "恢复备份后，按已删除名单再次删除").await)
            .await?;
    }
    if !pending.is_empty() {
        db.compact().await;
    }
    Ok(pending.len())
}

#[cfg(test)]
mod tests {
    use super::redacted;
    use serde_json::json;

    #[test]
    fn the_personal_values_leave_the_record_and_the_rest_stays() {
        let r = redacted(Some(
            &json!({"name": "李女士", "phone": "13900001111", "kind": "individual", "payment_terms": "月结"}),
        ));
        assert_eq!(
            r,
            Some(json!({"kind": "individual", "payment_terms": "月结", "erased": true}))
        );
        assert_eq!(
            redacted(Some(&json!({"reason": "本人要求"}))),
            Some(json!({"reason": "本人要求"}))
        );
        assert_eq!(redacted(None), None);
    }
}
