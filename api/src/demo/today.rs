//! The demo's morning: a few orders placed today through the order service, waiting on the desk.

use crate::db::Db;
use crate::domain::caller::Caller;
use crate::generate::Catalog;
use crate::services::batches;
use crate::services::money::rules;
use chrono::{NaiveDate, Utc};
use zhunong_entity::enums::Role;

/// What placing the demo's orders needs: no auto-confirmation, today in the village's time.
pub(super) fn context<'a>(
    db: &Db,
    facts: &'a crate::services::facts::Facts,
    rules: &'a rules::RulesCache,
) -> crate::services::orders::OrderContext<'a> {
    crate::services::orders::OrderContext {
        facts,
        rules,
        max_lines: 50,
        today: Utc::now().with_timezone(&db.local_offset).date_naive(),
        in_flight_wait: std::time::Duration::from_secs(5),
        auto_confirm: &[],
    }
}

/// The demo's caller: the secretary.
pub(super) fn secretary_caller(secretary: i64) -> Caller {
    Caller {
        user_id: secretary,
        username: "secretary".into(),
        role: Role::Secretary,
    }
}

/// This morning's phone and walk-in orders for this month's greens, placed as the office places
/// them (pending, for the desk to confirm), after the month's harvest is booked into stock.
pub(super) async fn todays_orders(
    db: &Db,
    catalog: &Catalog,
    this_month: NaiveDate,
    secretary: i64,
) -> anyhow::Result<usize> {
    let e = |err: crate::error::AppError| anyhow::anyhow!("{err}");
    let Some(&(greens, _, _)) = catalog.batches[0].iter().find(|b| b.1 == this_month) else {
        return Ok(0);
    };
    batches::update(
        db,
        secretary,
        greens,
        crate::dto::catalog::UpdateBatch {
            code: None,
            harvest_date: None,
            retail_price_fen: None,
            enterprise_price_fen: None,
            storage_place: None,
            status: None,
            stock_adjustment: Some(500_000),
            reason: Some("本月新采收入库 1000 斤".into()),
        },
    )
    .await
    .map_err(e)?;
    let caller = secretary_caller(secretary);
    let facts = crate::services::facts::Facts::new(1_000);
    let rules = rules::RulesCache::default();
    let ctx = context(db, &facts, &rules);
    let mut placed = 0;
    for (i, (channel, jin)) in [
        (zhunong_entity::enums::Channel::Phone, 10),
        (zhunong_entity::enums::Channel::WalkIn, 6),
        (zhunong_entity::enums::Channel::Phone, 20),
        (zhunong_entity::enums::Channel::WalkIn, 4),
        (zhunong_entity::enums::Channel::Phone, 8),
    ]
    .into_iter()
    .enumerate()
    {
        let buyer = catalog.individuals[i * 7 % catalog.individuals.len()];
        crate::services::orders::place(
            db,
            &ctx,
            crate::services::orders::Placer::Staff(&caller),
            crate::dto::orders::CreateOrder {
                buyer_id: buyer,
                channel,
                note: None,
                live_session_id: None,
                fulfilment: None,
                recipient: None,
                pickup_point_id: None,
                lines: vec![crate::dto::orders::NewOrderLine {
                    batch_id: greens,
                    quantity: jin * 500,
                }],
            },
            None,
        )
        .await
        .map_err(e)?;
        placed += 1;
    }
    Ok(placed)
}
