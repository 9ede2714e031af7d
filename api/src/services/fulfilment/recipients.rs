//! An order's recipient and how it is fulfilled: checked, resolved (a parcel order without a
//! recipient takes the buyer's default address), and written with the order.

use crate::db::Tx;
use crate::domain::address::regions::regions;
use crate::dto::fulfilment::{FulfilmentIn, RecipientIn};
use crate::error::{AppError, AppResult, Validator};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use zhunong_entity::enums::Fulfilment;
use zhunong_entity::{buyer_address, order_recipient, pickup_point};

/// Fields `unsure` may name.
const UNSURE_FIELDS: [&str; 6] = ["name", "phone", "province", "city", "district", "street"];

/// Checks a recipient's fields under `prefix` (e.g. `recipient.`).
pub fn check(v: &mut Validator, r: &RecipientIn, prefix: &str) {
    v.text(&r.name, &format!("{prefix}name"), 50);
    v.check(
        phone_ok(&r.phone),
        format!("{prefix}phone"),
        "must be a phone number: 11 digits starting with 1, or a landline starting with 0",
    );
    v.text(&r.detail, &format!("{prefix}detail"), 200);
    v.opt_text(Some(&r.street), &format!("{prefix}street"), 50);
    v.opt_text(r.raw_text.as_deref(), &format!("{prefix}raw_text"), 300);
    for u in &r.unsure {
        v.check(
            UNSURE_FIELDS.contains(&u.as_str()),
            format!("{prefix}unsure"),
            format!("one of {UNSURE_FIELDS:?}"),
        );
    }
    let given = [&r.province, &r.city, &r.district]
        .iter()
        .filter(|s| !s.trim().is_empty())
        .count();
    v.check(
        given == 0 || (given == 3 && is_place(&r.province, &r.city, &r.district)),
        format!("{prefix}district"),
        "province, city and district must together name one place in China's divisions, or all be left empty",
    );
}

fn phone_ok(p: &str) -> bool {
    let digits = p.trim();
    digits.bytes().all(|b| b.is_ascii_digit())
        && ((digits.len() == 11 && digits.starts_with('1'))
            || (digits.starts_with('0') && (10..=12).contains(&digits.len())))
}

/// Province, city and district name one place (a municipality is its own city; a county-level
/// city under its province is its own city too).
fn is_place(province: &str, city: &str, district: &str) -> bool {
    regions()
        .provinces
        .iter()
        .filter(|p| p.region.name == province)
        .flat_map(|p| p.cities.iter().map(move |c| (p, c)))
        .any(|(p, c)| {
            let city_ok = c.region.name == city
                || (p.municipality && city == province)
                || (c.placeholder && city == district);
            city_ok && c.districts.iter().any(|d| d.name == district)
        })
}

/// How an order will be fulfilled once resolved: the recipient to write, or the pickup point.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub fulfilment: Fulfilment,
    pub recipient: Option<RecipientIn>,
    pub pickup_point_id: Option<i64>,
}

/// Checks `f` for `buyer` and fills in what it leaves out.
///
/// # Errors
/// 422 naming the field: a parcel with no recipient and no default address, a pickup with no
/// (or an unknown or closed) pickup point, a recipient or pickup point where it does not belong.
pub async fn resolve(
    db: &impl ConnectionTrait,
    buyer: i64,
    f: &FulfilmentIn,
) -> AppResult<Resolved> {
    let mut v = Validator::default();
    if let Some(r) = &f.recipient {
        check(&mut v, r, "recipient.");
    }
    v.check(
        f.recipient.is_none() || f.fulfilment == Fulfilment::Parcel,
        "recipient",
        "only a parcel order has a recipient",
    );
    v.check(
        f.pickup_point_id.is_none() || f.fulfilment == Fulfilment::Pickup,
        "pickup_point_id",
        "only a pickup order has a pickup point",
    );
    v.check(
        f.pickup_point_id.is_some() || f.fulfilment != Fulfilment::Pickup,
        "pickup_point_id",
        "a pickup order needs a pickup point",
    );
    v.finish()?;
    let recipient = match (f.fulfilment, &f.recipient) {
        (Fulfilment::Parcel, Some(r)) => Some(r.clone()),
        (Fulfilment::Parcel, None) => Some(default_address(db, buyer).await?.ok_or_else(|| {
            AppError::field(
                "recipient",
                "a parcel order needs a recipient, and the buyer has no default address",
            )
        })?),
        _ => None,
    };
    if let Some(id) = f.pickup_point_id {
        let open = pickup_point::Entity::find_by_id(id)
            .one(db)
            .await?
            .is_some_and(|p| p.active);
        if !open {
            return Err(AppError::field(
                "pickup_point_id",
                format!("no open pickup point with id {id}"),
            ));
        }
    }
    Ok(Resolved {
        fulfilment: f.fulfilment,
        recipient,
        pickup_point_id: f.pickup_point_id,
    })
}

async fn default_address(db: &impl ConnectionTrait, buyer: i64) -> AppResult<Option<RecipientIn>> {
    Ok(buyer_address::Entity::find()
        .filter(buyer_address::Column::BuyerId.eq(buyer))
        .filter(buyer_address::Column::IsDefault.eq(true))
        .one(db)
        .await?
        .map(|a| RecipientIn {
            name: a.name,
            phone: a.phone,
            province: a.province,
            city: a.city,
            district: a.district,
            street: a.street,
            detail: a.detail,
            raw_text: a.raw_text,
            unsure: Vec::new(),
        }))
}

/// Writes (or replaces) the order's recipient; removes it when there is none.
///
/// # Errors
/// Database errors.
pub async fn write(tx: &Tx, order_id: i64, recipient: Option<&RecipientIn>) -> AppResult<()> {
    order_recipient::Entity::delete_by_id(order_id)
        .exec(tx)
        .await?;
    match recipient {
        Some(r) => write_new(tx, order_id, r).await,
        None => Ok(()),
    }
}

/// Writes the recipient of an order that has none yet.
///
/// # Errors
/// Database errors.
pub async fn write_new(tx: &Tx, order_id: i64, r: &RecipientIn) -> AppResult<()> {
    order_recipient::ActiveModel {
        order_id: Set(order_id),
        name: Set(r.name.trim().to_owned()),
        phone: Set(r.phone.trim().to_owned()),
        province: Set(r.province.trim().to_owned()),
        city: Set(r.city.trim().to_owned()),
        district: Set(r.district.trim().to_owned()),
        street: Set(r.street.trim().to_owned()),
        detail: Set(r.detail.trim().to_owned()),
        raw_text: Set(r.raw_text.clone()),
        unsure: Set(r.unsure.join(",")),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(tx)
    .await?;
    Ok(())
}

/// The address an address-book entry or a recipient is sent to, for comparing recipients of a
/// merged parcel.
pub fn same_recipient(a: &order_recipient::Model, b: &order_recipient::Model) -> bool {
    let key = |r: &order_recipient::Model| {
        (
            r.name.clone(),
            r.phone.clone(),
            r.province.clone(),
            r.city.clone(),
            r.district.clone(),
            r.street.clone(),
            r.detail.clone(),
        )
    };
    key(a) == key(b)
}

/// The name a recipient keeps once its retention time is over.
pub const FORGOTTEN: &str = "已过保存期";

/// Forgets who and where exactly the recipients of orders finished (delivered, settled or
/// cancelled) more than `days` ago were, unless an after-sales case on the order is still open:
/// name, phone, street, detail and the pasted text go; the province, city and district stay for
/// the sales figures. Answers how many were forgotten.
///
/// # Errors
/// Database errors.
pub async fn forget_old(db: &crate::db::Db, days: u32) -> AppResult<u64> {
    use sea_orm::sea_query::{Expr, Query};
    use zhunong_entity::order;
    let before = chrono::Utc::now() - chrono::Duration::days(i64::from(days.min(36_500)));
    let finished = Query::select()
        .column(order::Column::Id)
        .from(order::Entity)
        .cond_where(
            sea_orm::Condition::any()
                .add(order::Column::DeliveredAt.lt(before))
                .add(order::Column::CancelledAt.lt(before)),
        )
        .to_owned();
    let open_cases = Query::select()
        .column(zhunong_entity::after_sales_case::Column::OrderId)
        .from(zhunong_entity::after_sales_case::Entity)
        .and_where(
            zhunong_entity::after_sales_case::Column::Status
                .eq(zhunong_entity::enums::CaseStatus::Open),
        )
        .to_owned();
    db.write(async |tx| {
        let sqlite = tx.get_database_backend() == sea_orm::DbBackend::Sqlite;
        if sqlite {
            // Freed cells are zeroed, so the old values do not stay in the file's free space.
            tx.execute_unprepared("PRAGMA secure_delete = ON").await?;
        }
        let done = order_recipient::Entity::update_many()
            .col_expr(order_recipient::Column::Name, Expr::value(FORGOTTEN))
            .col_expr(order_recipient::Column::Phone, Expr::value(""))
            .col_expr(order_recipient::Column::Street, Expr::value(""))
            .col_expr(order_recipient::Column::Detail, Expr::value(""))
            .col_expr(
                order_recipient::Column::RawText,
                Expr::value(None::<String>),
            )
            .filter(order_recipient::Column::Phone.ne(""))
            .filter(order_recipient::Column::OrderId.in_subquery(finished))
            .filter(order_recipient::Column::OrderId.not_in_subquery(open_cases))
            .exec(tx)
            .await?;
        if sqlite {
            tx.execute_unprepared("PRAGMA secure_delete = OFF").await?;
        }
        Ok(done.rows_affected)
    })
    .await
}
