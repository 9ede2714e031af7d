//! `zhunong generate`: a realistic sales history for benchmarks, written straight into an empty
//! database with bulk inserts (not through the API). Seasonal grapes (July–October) and greens
//! all year, livestream peaks on show days, 5 % cancelled, catch weights on weighed lines, and
//! orders older than a month delivered, paid and settled into the ledger with the same postings
//! settlement makes. The report figures are written with the same code the orders use.

mod catalog;
mod orders;
mod tickets;
mod write;

use catalog::catalog;
pub use catalog::{Catalog, ProductSpec};
use orders::{OrderSeed, one_order};
use write::{Pending, finish};

use crate::db::{Db, Tx};
use crate::domain::money::line_amount_fen;
use crate::domain::settlement::{Account, SettleLine, postings};
use crate::services::money::settle::entry_kind;
use crate::services::reports::facts::{self, BatchInfo, OrderFigures};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, PaginatorTrait};
use std::collections::HashMap;
use zhunong_entity::enums::{
    BatchStatus, BuyerKind, Channel, EntryKind, GrowerKind, IncomeCategory, LiveStatus,
    OrderStatus, PaymentMethod, PaymentStatus, Platform, Pricing, RuleScope, TransactionKind,
};
use zhunong_entity::{
    batch, buyer, collective, commission_rule, commission_rule_share, grower, ledger_entry,
    ledger_transaction, live_session, order, order_line, payment, product, sales_fact,
};

#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub orders: u64,
    pub lines: u64,
    pub years: u32,
    pub seed: u64,
}

#[derive(Debug, Default)]
pub struct Written {
    pub orders: u64,
    pub lines: u64,
    pub facts: u64,
    pub settled: u64,
    pub cancelled: u64,
    pub ledger_entries: u64,
}

/// Orders written per transaction.
const CHUNK: usize = 2_000;
const INDIVIDUALS: i64 = 20_000;
const ENTERPRISES: i64 = 30;
const GROWERS: i64 = 40;
const COLLECTIVES: [&str; 4] = ["红光村", "青山村", "白石村", "柳湾村"];
/// (name, by weight, unit, retail fen per jin or piece, grapes?)
const PRODUCTS: [(&str, bool, Option<&str>, i64, bool); 4] = [
    ("巨峰葡萄", true, None, 1_000, true),
    ("阳光玫瑰", true, None, 2_400, true),
    ("上海青", false, Some("箱"), 3_000, false),
    ("菠菜", false, Some("把"), 500, false),
];

/// xorshift64*: the same data set for the same seed.
pub struct Rng(pub u64);
impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// In `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = u64::try_from(hi - lo + 1).unwrap_or(1).max(1);
        lo + i64::try_from(self.next() % span).unwrap_or(0)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn is_grape_month(d: NaiveDate) -> bool {
    (7..=10).contains(&d.month())
}

/// Fills an empty database. Refuses one that has orders.
///
/// # Errors
/// The database has orders already, or a database error.
pub async fn generate(
    db: &Db,
    plan: Plan,
    admin_password: Option<&str>,
) -> anyhow::Result<Written> {
    let existing = order::Entity::find().count(&db.read).await?;
    anyhow::ensure!(
        existing == 0,
        "the database has {existing} orders already; generate fills an empty one"
    );
    anyhow::ensure!(
        plan.lines >= plan.orders && plan.orders > 0,
        "--lines must be at least --orders, and --orders at least 1"
    );
    // The first `serve` would make an admin; made here, the orders have an author.
    if let Some(pw) = crate::services::users::ensure_first_admin(db, admin_password).await? {
        println!("created user `admin`, password: {pw}  (shown once)");
    }
    let actor: i64 = zhunong_entity::user::Entity::find()
        .one(&db.read)
        .await?
        .map(|u| u.id)
        .ok_or_else(|| anyhow::anyhow!("no user to record as the author"))?;
    let offset = db.local_offset;
    let today = Utc::now().with_timezone(&offset).date_naive();
    let start = today
        .checked_sub_months(chrono::Months::new(12 * plan.years))
        .unwrap_or(today);
    let mut rng = Rng(plan.seed.max(1));
    let catalog = db
        .write(async |tx| Ok(catalog(tx, &mut rng, actor, start, today).await?))
        .await?;
    write_history(db, &catalog, &mut rng, plan, actor).await
}

/// Writes `plan.orders` orders with `plan.lines` lines over the `plan.years` up to today
/// against `catalog`, with their live shows, payments, postings and report figures, then sets
/// the catalog's batches' stock to what was sold plus a tenth. The database must have no
/// orders, live shows or ledger transactions yet: their ids are written from 1.
///
/// # Errors
/// Database errors.
pub async fn write_history(
    db: &Db,
    catalog: &Catalog,
    rng: &mut Rng,
    plan: Plan,
    actor: i64,
) -> anyhow::Result<Written> {
    let offset = db.local_offset;
    let today = Utc::now().with_timezone(&offset).date_naive();
    let start = today
        .checked_sub_months(chrono::Months::new(12 * plan.years))
        .unwrap_or(today);

    // Show days: twice a week in the grape season, once a month otherwise.
    let mut day = start;
    let mut days: Vec<(NaiveDate, u64, Option<i64>)> = Vec::new();
    let mut sessions = Vec::new();
    let mut next_session_id = 1i64;
    while day <= today {
        let grapes = is_grape_month(day);
        let show = if grapes {
            matches!(day.weekday(), chrono::Weekday::Tue | chrono::Weekday::Sat)
        } else {
            day.day() == 15
        };
        let session = show.then(|| {
            let id = next_session_id;
            next_session_id += 1;
            sessions.push((id, day));
            id
        });
        let weight = match (grapes, show) {
            (true, true) => 24,
            (true, false) => 6,
            (false, true) => 10,
            (false, false) => 2,
        };
        days.push((day, weight, session));
        day += Duration::days(1);
    }
    db.write(async |tx| {
        let rows = sessions.iter().map(|(id, d)| {
            let at = local_time(*d, 19, 0, offset);
            live_session::ActiveModel {
                id: Set(*id),
                platform: Set(Platform::Douyin),
                host: Set("第一书记".into()),
                title: Set(format!("{}月{}日产地直播", d.month(), d.day())),
                planned_start: Set(at),
                status: Set(LiveStatus::Ended),
                started_at: Set(Some(at)),
                ended_at: Set(Some(at + Duration::hours(3))),
                created_by: Set(actor),
                created_at: Set(at - Duration::days(2)),
                board_full_names: Set(false),
            }
        });
        for chunk in rows.collect::<Vec<_>>().chunks(500) {
            live_session::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(tx)
                .await?;
        }
        Ok(())
    })
    .await?;
    let total_weight: u64 = days.iter().map(|d| d.1).sum();

    let mut written = Written::default();
    let mut taken: HashMap<i64, i64> = HashMap::new();
    let mut next_line = 1i64;
    let mut next_txn = 1i64;
    let mut lines_left = plan.lines;
    let mut pending = Pending::default();
    let mut cumulative = 0u64;
    let mut day_index = 0usize;
    for n in 0..plan.orders {
        // Orders spread over the days by weight, in date order.
        let target = (u128::from(n) * u128::from(total_weight) / u128::from(plan.orders)) as u64;
        while day_index + 1 < days.len() && cumulative + days[day_index].1 <= target {
            cumulative += days[day_index].1;
            day_index += 1;
        }
        let (date, _, session) = days[day_index];
        let order_id = i64::try_from(n).unwrap_or(i64::MAX) + 1;
        let orders_left = plan.orders - n;
        let extra = (lines_left - orders_left) / orders_left.max(1);
        let line_count = (1
            + extra
            + u64::from(
                rng.chance(
                    (((lines_left - orders_left) % orders_left.max(1)) * 100 / orders_left.max(1))
                        .min(100),
                ),
            ))
        .min(lines_left - (orders_left - 1));
        lines_left -= line_count;
        let o = one_order(
            rng,
            catalog,
            OrderSeed {
                id: order_id,
                date,
                session,
                line_count,
                today,
                actor,
                offset,
            },
            &mut next_line,
            &mut next_txn,
            &mut taken,
        )?;
        written.orders += 1;
        written.lines += o.lines.len() as u64;
        written.settled += u64::from(o.order.status == OrderStatus::Settled);
        written.cancelled += u64::from(o.order.status == OrderStatus::Cancelled);
        written.ledger_entries += o.entries.len() as u64;
        pending.push(o, &catalog.batch_info, offset)?;
        if pending.orders.len() >= CHUNK {
            written.facts += pending.flush(db).await?;
        }
    }
    written.facts += pending.flush(db).await?;
    db.write(async |tx| Ok(finish(tx, catalog, &taken).await?))
        .await?;
    // The daily totals in one pass over the facts, rather than order by order.
    db.write(async |tx| crate::services::reports::daily::rebuild(tx).await)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(written)
}

fn local_time(d: NaiveDate, h: u32, m: u32, offset: chrono::FixedOffset) -> DateTime<Utc> {
    offset
        .from_local_datetime(&d.and_hms_opt(h, m, 0).unwrap_or_default())
        .single()
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc))
}
