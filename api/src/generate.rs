//! `zhunong generate`: a realistic sales history for benchmarks, written straight into an empty
//! database with bulk inserts (not through the API). Seasonal grapes (July–October) and greens
//! all year, livestream peaks on show days, 5 % cancelled, catch weights on weighed lines, and
//! orders older than a month delivered, paid and settled into the ledger with the same postings
//! settlement makes. The report figures are written with the same code the orders use.

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
struct Rng(u64);
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

/// A single-row insert that does not read the row back.
trait InsertExec {
    async fn insert_exec(self, tx: &Tx) -> crate::error::AppResult<()>;
}

impl<A: sea_orm::ActiveModelTrait + Send> InsertExec for A {
    async fn insert_exec(self, tx: &Tx) -> crate::error::AppResult<()> {
        A::Entity::insert(self).exec_without_returning(tx).await?;
        Ok(())
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
            &mut rng,
            &catalog,
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
    db.write(async |tx| Ok(finish(tx, &catalog, &taken).await?))
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

struct Catalog {
    /// By product index: (batch id, first day it sells, its price) in date order.
    batches: Vec<Vec<(i64, NaiveDate, i64)>>,
    batch_info: HashMap<i64, BatchInfo>,
    /// By product index: rule id, basis points, stored shares.
    rules: Vec<(i64, i64, serde_json::Value)>,
}

async fn catalog(
    tx: &Tx,
    rng: &mut Rng,
    actor: i64,
    start: NaiveDate,
    today: NaiveDate,
) -> anyhow::Result<Catalog> {
    let now = Utc::now();
    for (i, name) in COLLECTIVES.iter().enumerate() {
        collective::ActiveModel {
            id: Set(i64::try_from(i).unwrap_or(0) + 1),
            name: Set((*name).into()),
            region: Set(Some("安徽省".into())),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert_exec(tx)
        .await?;
    }
    let growers = (1..=GROWERS).map(|id| grower::ActiveModel {
        id: Set(id),
        collective_id: Set((id - 1) % 4 + 1),
        name: Set(format!("种植户{id:02}")),
        kind: Set(if id % 5 == 0 {
            GrowerKind::FamilyFarm
        } else {
            GrowerKind::Household
        }),
        phone: Set(None),
        area_mu: Set(Some(5 + id % 20)),
        note: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    });
    grower::Entity::insert_many(growers)
        .exec_without_returning(tx)
        .await?;
    for (i, (name, by_weight, unit, _, _)) in PRODUCTS.iter().enumerate() {
        product::ActiveModel {
            id: Set(i64::try_from(i).unwrap_or(0) + 1),
            name: Set((*name).into()),
            pricing: Set(if *by_weight {
                Pricing::ByWeight
            } else {
                Pricing::ByPiece
            }),
            unit_label: Set(unit.map(str::to_owned)),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert_exec(tx)
        .await?;
    }
    let mut rules = Vec::new();
    let mut share_id = 1;
    for (i, (_, _, _, _, grapes)) in PRODUCTS.iter().enumerate() {
        let id = i64::try_from(i).unwrap_or(0) + 1;
        let bp = if *grapes { 800 } else { 500 };
        let shares: Vec<(i64, u64)> = if *grapes {
            vec![(1, 2), (2, 1)]
        } else {
            vec![(id % 4 + 1, 1)]
        };
        commission_rule::ActiveModel {
            id: Set(id),
            scope: Set(RuleScope::Product),
            batch_id: Set(None),
            product_id: Set(Some(id)),
            channel: Set(None),
            basis_points: Set(bp),
            fen_per_jin: Set(0),
            valid_from: Set(start),
            valid_to: Set(None),
            note: Set(None),
            created_by: Set(actor),
            created_at: Set(now),
        }
        .insert_exec(tx)
        .await?;
        for (c, s) in &shares {
            commission_rule_share::ActiveModel {
                id: Set(share_id),
                rule_id: Set(id),
                collective_id: Set(*c),
                shares: Set(i64::try_from(*s).unwrap_or(1)),
            }
            .insert_exec(tx)
            .await?;
            share_id += 1;
        }
        let stored: Vec<serde_json::Value> = shares
            .iter()
            .map(|(c, s)| serde_json::json!({"collective_id": c, "shares": s}))
            .collect();
        rules.push((id, bp, serde_json::Value::Array(stored)));
    }
    // A batch per product, month and grower of three; grapes only in season. Stock is set at
    // the end to what was sold plus a tenth.
    let mut batches = vec![Vec::new(); PRODUCTS.len()];
    let mut batch_info = HashMap::new();
    let mut models = Vec::new();
    let mut id = 0i64;
    let mut month = NaiveDate::from_ymd_opt(start.year(), start.month(), 1).unwrap_or(start);
    while month <= today {
        for (p, (_, by_weight, _, price, grapes)) in PRODUCTS.iter().enumerate() {
            if *grapes && !is_grape_month(month) {
                continue;
            }
            for _ in 0..3 {
                id += 1;
                let g = rng.range(1, GROWERS);
                let product_id = i64::try_from(p).unwrap_or(0) + 1;
                let price = price + rng.range(-2, 2) * price / 20;
                batches[p].push((id, month, price));
                batch_info.insert(
                    id,
                    BatchInfo {
                        product_id,
                        grower_id: g,
                        by_weight: *by_weight,
                    },
                );
                models.push(batch::ActiveModel {
                    id: Set(id),
                    product_id: Set(product_id),
                    grower_id: Set(g),
                    code: Set(Some(format!("{}-{:04}", month.format("%Y%m"), id))),
                    harvest_date: Set(month),
                    initial_qty: Set(0),
                    stock_qty: Set(0),
                    retail_price_fen: Set(price),
                    enterprise_price_fen: Set(price * 4 / 5),
                    storage_place: Set(Some("冷库一号".into())),
                    status: Set(BatchStatus::Open),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
            }
        }
        month = month
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(today + Duration::days(1));
    }
    for chunk in models.chunks(500) {
        batch::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(tx)
            .await?;
    }
    let buyers = (1..=INDIVIDUALS + ENTERPRISES).map(|id| {
        let enterprise = id > INDIVIDUALS;
        buyer::ActiveModel {
            id: Set(id),
            kind: Set(if enterprise {
                BuyerKind::Enterprise
            } else {
                BuyerKind::Individual
            }),
            name: Set(if enterprise {
                format!("合作企业{:02}", id - INDIVIDUALS)
            } else {
                format!("买家{id:05}")
            }),
            phone: Set(Some(format!("139{id:08}"))),
            address: Set(None),
            company: Set(enterprise.then(|| format!("合作企业{:02}有限公司", id - INDIVIDUALS))),
            contacts: Set(serde_json::json!([])),
            payment_terms: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
    });
    for chunk in buyers.collect::<Vec<_>>().chunks(1_000) {
        buyer::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(tx)
            .await?;
    }
    Ok(Catalog {
        batches,
        batch_info,
        rules,
    })
}

struct OrderSeed {
    id: i64,
    date: NaiveDate,
    session: Option<i64>,
    line_count: u64,
    today: NaiveDate,
    actor: i64,
    offset: chrono::FixedOffset,
}

struct Generated {
    order: order::Model,
    lines: Vec<order_line::Model>,
    payment: Option<payment::ActiveModel>,
    txn: Option<ledger_transaction::ActiveModel>,
    entries: Vec<ledger_entry::ActiveModel>,
}

fn one_order(
    rng: &mut Rng,
    c: &Catalog,
    s: OrderSeed,
    next_line: &mut i64,
    next_txn: &mut i64,
    taken: &mut HashMap<i64, i64>,
) -> anyhow::Result<Generated> {
    let live = s.session.is_some() && rng.chance(70);
    let enterprise = !live && rng.chance(10);
    let channel = match (live, enterprise) {
        (true, _) => Channel::Livestream,
        (false, true) => Channel::PartnerApi,
        _ => [Channel::Phone, Channel::WalkIn, Channel::Expo]
            [usize::try_from(rng.range(0, 2)).unwrap_or(0)],
    };
    let buyer_id = if enterprise {
        INDIVIDUALS + rng.range(1, ENTERPRISES)
    } else {
        rng.range(1, INDIVIDUALS)
    };
    let placed = local_time(
        s.date,
        u32::try_from(if live {
            rng.range(19, 21)
        } else {
            rng.range(8, 21)
        })
        .unwrap_or(9),
        u32::try_from(rng.range(0, 59)).unwrap_or(0),
        s.offset,
    );
    let age = (s.today - s.date).num_days();
    let cancelled = rng.chance(5);
    let weighed = !cancelled && (age > 3 || rng.chance(50));
    let settled = weighed && age > 30 && rng.chance(90);
    let in_season: Vec<usize> = (0..PRODUCTS.len())
        .filter(|p| !PRODUCTS[*p].4 || is_grape_month(s.date))
        .collect();
    let mut lines = Vec::new();
    for no in 0..s.line_count {
        let p = in_season[usize::try_from(rng.next() % in_season.len() as u64).unwrap_or(0)];
        // This month's batches of the product, else the latest before.
        let month_start =
            NaiveDate::from_ymd_opt(s.date.year(), s.date.month(), 1).unwrap_or(s.date);
        let options: Vec<&(i64, NaiveDate, i64)> =
            c.batches[p].iter().filter(|b| b.1 == month_start).collect();
        let &(batch_id, _, retail) = *options
            .get(usize::try_from(rng.next() % options.len().max(1) as u64).unwrap_or(0))
            .or(c.batches[p].last().as_ref())
            .ok_or_else(|| anyhow::anyhow!("no batch of product {p}"))?;
        let by_weight = PRODUCTS[p].1;
        let unit_price = if live {
            retail * 9 / 10
        } else if enterprise {
            retail * 4 / 5
        } else {
            retail
        };
        let quantity = match (by_weight, enterprise) {
            (true, true) => rng.range(40, 400) * 500,
            (true, false) => rng.range(2, 20) * 500,
            (false, true) => rng.range(20, 100),
            (false, false) => rng.range(1, 5),
        };
        let pricing = if by_weight {
            Pricing::ByWeight
        } else {
            Pricing::ByPiece
        };
        let amount = line_amount_fen(pricing, quantity, unit_price)
            .ok_or_else(|| anyhow::anyhow!("line amount overflows"))?;
        let (weighed_g, final_amount) = if weighed {
            if by_weight {
                let w = quantity * rng.range(960, 1_020) / 1_000;
                (Some(w), line_amount_fen(pricing, w, unit_price))
            } else {
                (Some(quantity * rng.range(2_400, 2_600)), Some(amount))
            }
        } else {
            (None, None)
        };
        let holds = if by_weight {
            weighed_g.unwrap_or(quantity)
        } else {
            quantity
        };
        if !cancelled {
            *taken.entry(batch_id).or_default() += holds;
        }
        let (rule_id, bp, shares) = &c.rules[p];
        lines.push(order_line::Model {
            id: *next_line,
            order_id: s.id,
            line_no: i32::try_from(no + 1).unwrap_or(1),
            batch_id,
            quantity,
            unit_price_fen: unit_price,
            amount_fen: amount,
            weighed_g,
            final_amount_fen: final_amount,
            flagged: false,
            weighing_completed_at: weighed.then(|| placed + Duration::days(1)),
            stock_beyond_order: if by_weight {
                (holds - quantity).max(0)
            } else {
                0
            },
            commission_rule_id: Some(*rule_id),
            commission_bp: Some(*bp),
            commission_fen_per_jin: Some(0),
            commission_shares: Some(shares.clone()),
        });
        *next_line += 1;
    }
    let total: i64 = lines.iter().map(|l| l.amount_fen).sum();
    let final_total: Option<i64> = weighed.then(|| {
        lines
            .iter()
            .map(|l| l.final_amount_fen.unwrap_or(l.amount_fen))
            .sum()
    });
    let now = Utc::now();
    let settled_at = settled.then(|| (placed + Duration::days(rng.range(3, 10))).min(now));
    let status = match (cancelled, settled, weighed) {
        (true, _, _) => OrderStatus::Cancelled,
        (_, true, _) => OrderStatus::Settled,
        (_, _, true) if age > 7 => OrderStatus::Delivered,
        (_, _, true) => OrderStatus::Weighed,
        _ if age > 1 => OrderStatus::Confirmed,
        _ => OrderStatus::Pending,
    };
    let paid = if settled {
        final_total.unwrap_or(total)
    } else {
        0
    };
    let mut g = Generated {
        order: order::Model {
            id: s.id,
            buyer_id,
            channel,
            status,
            payment_status: if settled {
                PaymentStatus::Paid
            } else {
                PaymentStatus::Unpaid
            },
            total_fen: total,
            note: None,
            created_by: s.actor,
            created_at: placed,
            updated_at: settled_at.unwrap_or(placed),
            confirmed_at: (status != OrderStatus::Pending).then_some(placed),
            cancelled_at: cancelled.then_some(placed + Duration::hours(1)),
            final_total_fen: final_total,
            weights_flagged: false,
            weights_approved_by: None,
            weights_approved_at: None,
            weights_approval_reason: None,
            load_id: None,
            delivered_at: matches!(status, OrderStatus::Delivered | OrderStatus::Settled)
                .then_some(placed + Duration::days(2)),
            paid_fen: paid,
            settlement_transaction_id: None,
            settled_at,
            live_session_id: if live { s.session } else { None },
            weighed_revision: i32::from(weighed),
        },
        lines,
        payment: None,
        txn: None,
        entries: Vec::new(),
    };
    if let Some(at) = settled_at {
        g.payment = Some(payment::ActiveModel {
            order_id: Set(s.id),
            amount_fen: Set(paid),
            method: Set(PaymentMethod::WechatPay),
            reference: Set(None),
            reason: Set(None),
            paid_at: Set(at),
            recorded_by: Set(s.actor),
            created_at: Set(at),
            ..Default::default()
        });
        let settle_lines: Vec<SettleLine> = g
            .lines
            .iter()
            .map(|l| SettleLine {
                grower_id: c.batch_info[&l.batch_id].grower_id,
                amount_fen: l.final_amount_fen.unwrap_or(l.amount_fen),
                quantity_g: l.weighed_g.unwrap_or(0),
                basis_points: l.commission_bp.unwrap_or(0),
                fen_per_jin: 0,
                shares: c.rules
                    [usize::try_from(c.batch_info[&l.batch_id].product_id - 1).unwrap_or(0)]
                .2
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|s| {
                            (
                                s["collective_id"].as_i64().unwrap_or(0),
                                s["shares"].as_u64().unwrap_or(1),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
            })
            .collect();
        let day = at.with_timezone(&s.offset).date_naive();
        let txn = *next_txn;
        *next_txn += 1;
        g.txn = Some(ledger_transaction::ActiveModel {
            id: Set(txn),
            kind: Set(TransactionKind::Settlement),
            order_id: Set(Some(s.id)),
            reverses_id: Set(None),
            description: Set(format!(
                "结算 {}",
                crate::domain::order_number::format(s.id)
            )),
            occurred_on: Set(day),
            created_by: Set(s.actor),
            created_at: Set(at),
        });
        let period = day.year() * 100 + i32::try_from(day.month()).unwrap_or(0);
        for p in postings(&settle_lines).ok_or_else(|| anyhow::anyhow!("settlement overflows"))? {
            let kind: EntryKind = entry_kind(p.leg);
            g.entries.push(ledger_entry::ActiveModel {
                transaction_id: Set(txn),
                account: Set(p.account.name()),
                entry_kind: Set(kind),
                collective_id: Set(match p.account {
                    Account::Collective(id) => Some(id),
                    _ => None,
                }),
                grower_id: Set(match p.account {
                    Account::Grower(id) => Some(id),
                    _ => None,
                }),
                category: Set(
                    (kind == EntryKind::Commission).then_some(IncomeCategory::SalesCommission)
                ),
                amount_fen: Set(p.amount_fen),
                quantity_g: Set(p.quantity_g),
                occurred_on: Set(day),
                period: Set(period),
                ..Default::default()
            });
        }
    }
    Ok(g)
}

#[derive(Default)]
struct Pending {
    orders: Vec<order::ActiveModel>,
    lines: Vec<order_line::ActiveModel>,
    payments: Vec<payment::ActiveModel>,
    txns: Vec<ledger_transaction::ActiveModel>,
    entries: Vec<ledger_entry::ActiveModel>,
    facts: Vec<sales_fact::ActiveModel>,
}

impl Pending {
    fn push(
        &mut self,
        g: Generated,
        batches: &HashMap<i64, BatchInfo>,
        offset: chrono::FixedOffset,
    ) -> anyhow::Result<()> {
        let kind = if g.order.buyer_id > INDIVIDUALS {
            BuyerKind::Enterprise
        } else {
            BuyerKind::Individual
        };
        let figures = OrderFigures {
            order: &g.order,
            lines: &g.lines,
            batches,
            buyer_kind: kind.as_str(),
            refunds_fen: 0,
        };
        let rows = facts::rows(&figures, offset).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        self.facts.extend(rows.iter().map(facts::active));
        self.orders.push(g.order.into());
        self.lines.extend(g.lines.into_iter().map(Into::into));
        self.payments.extend(g.payment);
        self.txns.extend(g.txn);
        self.entries.extend(g.entries);
        Ok(())
    }

    /// Writes what is pending in one transaction; returns the fact rows written.
    async fn flush(&mut self, db: &Db) -> anyhow::Result<u64> {
        let taken = std::mem::take(self);
        let facts = taken.facts.len() as u64;
        db.write(async |tx| {
            insert_chunked(tx, taken.orders, 1_000).await?;
            insert_chunked(tx, taken.lines, 1_000).await?;
            insert_chunked(tx, taken.payments, 1_000).await?;
            insert_chunked(tx, taken.txns, 1_000).await?;
            insert_chunked(tx, taken.entries, 1_000).await?;
            insert_chunked(tx, taken.facts, 500).await?;
            Ok(())
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        Ok(facts)
    }
}

async fn insert_chunked<A>(
    tx: &Tx,
    rows: Vec<A>,
    per_statement: usize,
) -> crate::error::AppResult<()>
where
    A: sea_orm::ActiveModelTrait + Clone + Send,
{
    for chunk in rows.chunks(per_statement) {
        A::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(tx)
            .await?;
    }
    Ok(())
}

/// Stock as sold plus a tenth left; the settlement transactions on their orders; on PostgreSQL
/// the id sequences moved past the ids written here.
async fn finish(tx: &Tx, c: &Catalog, taken: &HashMap<i64, i64>) -> anyhow::Result<()> {
    for id in c.batch_info.keys() {
        let sold = taken.get(id).copied().unwrap_or(0);
        let left = sold / 10 + 100;
        tx.execute_unprepared(&format!(
            "UPDATE batches SET initial_qty = {}, stock_qty = {left} WHERE id = {id}",
            sold + left
        ))
        .await?;
    }
    tx.execute_unprepared(
        "UPDATE orders SET settlement_transaction_id = \
           (SELECT t.id FROM ledger_transactions t WHERE t.order_id = orders.id) \
         WHERE status = 'settled'",
    )
    .await?;
    if tx.get_database_backend() == sea_orm::DbBackend::Postgres {
        for t in [
            "collectives",
            "growers",
            "products",
            "batches",
            "buyers",
            "commission_rules",
            "commission_rule_shares",
            "live_sessions",
            "orders",
            "order_lines",
            "ledger_transactions",
        ] {
            tx.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT MAX(id) FROM {t}))"
            ))
            .await?;
        }
    }
    Ok(())
}
