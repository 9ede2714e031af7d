//! The demo's two seasons of sales, written on the story's catalog by the generator's own code
//! (`generate::write_history`): a batch per product and month in season, commission rules that
//! share the grapes among the four villages, about 1,800 orders with their finished live shows,
//! payments and settlements, and the collectives' other income. Hongguang's income is topped up
//! with a joint-project dividend to the story's figures: 1,167,100 yuan this year against
//! 800,000 yuan the year before (+45.89 %).

use super::Story;
use crate::auth::extractor::Caller;
use crate::db::Db;
use crate::dto::buyers::CreateBuyer;
use crate::dto::catalog::CreateBatch;
use crate::dto::money::{CreateRule, IncomeQuery, PostIncome, Share};
use crate::generate::{Catalog, Plan, ProductSpec, Rng, write_history};
use crate::services::money::{ledger, reports, rules};
use crate::services::reports::facts::BatchInfo;
use crate::services::{batches, buyers};
use chrono::{Datelike, Months, NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use std::collections::HashMap;
use zhunong_entity::enums::{BuyerKind, IncomeCategory, Role, RuleScope};

/// Hongguang's income this year and the year before, in fen (DESIGN.md's story).
const INCOME_THIS_YEAR_FEN: i64 = 116_710_000;
const INCOME_LAST_YEAR_FEN: i64 = 80_000_000;
const ORDERS: u64 = 1_800;
const LINES: u64 = 2_300;
const SEED: u64 = 20_261_201;

/// What the history wrote.
pub struct History {
    pub orders: u64,
    /// Placed today through the order service, waiting for the secretary's confirmation.
    pub todays: usize,
    pub settled: u64,
    pub shows: u64,
    pub rules: usize,
}

/// (product index, grower, code prefix, retail fen, enterprise fen, in season this month?)
fn batches_of_month(story: &Story, month: NaiveDate) -> Vec<(usize, i64, &'static str, i64, i64)> {
    let grapes = (7..=10).contains(&month.month());
    // Prices a little lower the year before.
    let last_year = month.year() < Utc::now().year();
    let up = |fen: i64| if last_year { fen * 9 / 10 } else { fen };
    let mut out = vec![(0, story.wang_fei, "SHQ", up(150), up(120))];
    if grapes {
        out.push((1, story.junyu, "YGMG", up(1_500), up(1_200)));
        out.push((2, story.junyu, "YGMG-BOX", up(8_800), up(7_500)));
    }
    out
}

/// Writes the history; the story's catalog must already be committed, with no orders yet.
///
/// # Errors
/// A write failed.
pub async fn history(db: &Db, story: &Story) -> anyhow::Result<History> {
    let e = |err: crate::error::AppError| anyhow::anyhow!("{err}");
    let secretary = Caller {
        user_id: story.secretary,
        username: "secretary".into(),
        role: Role::Secretary,
    };
    let today = Utc::now().with_timezone(&db.local_offset).date_naive();
    let start = today.checked_sub_months(Months::new(24)).unwrap_or(today);
    let this_month = today.with_day(1).unwrap_or(today);
    let hongguang = story.collectives[0];

    let (catalog, rule_count, old_batches) = db
        .write(async |tx| {
            let mut individuals = story.individuals.clone();
            // More buyers from the livestream audience: 王女士, 李先生, …
            for (i, surname) in ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"]
                .iter()
                .enumerate()
            {
                for (j, title) in ["女士", "先生", "阿姨", "大哥"].iter().enumerate() {
                    let n = i * 4 + j + 10;
                    let b = buyers::create(
                        tx,
                        CreateBuyer {
                            kind: BuyerKind::Individual,
                            name: format!("{surname}{title}"),
                            phone: Some(format!("1370000{n:04}")),
                            address: Some("合肥市".into()),
                            company: None,
                            contacts: vec![],
                            payment_terms: None,
                        },
                    )
                    .await?;
                    individuals.push(b.id);
                }
            }
            // Commission: grapes 8 %, shared by the four villages (红光 2 parts, the others 1);
            // greens 5 % and the gift box 6 %, Hongguang's own.
            let cache = rules::RulesCache::default();
            let mut stamped = Vec::new();
            let grape_shares: Vec<Share> = story
                .collectives
                .iter()
                .enumerate()
                .map(|(i, c)| Share {
                    collective_id: *c,
                    shares: if i == 0 { 2 } else { 1 },
                })
                .collect();
            let own = vec![Share {
                collective_id: hongguang,
                shares: 1,
            }];
            for (product, bp, shares, note) in [
                (story.products[0], 500, own.clone(), "上海青提成，归红光村"),
                (
                    story.products[1],
                    800,
                    grape_shares,
                    "葡萄四村联建，红光村 2 份、其余各 1 份",
                ),
                (story.products[2], 600, own, "礼盒提成，归红光村"),
            ] {
                let r = rules::create(
                    tx,
                    &secretary,
                    CreateRule {
                        scope: RuleScope::Product,
                        batch_id: None,
                        product_id: Some(product),
                        channel: None,
                        basis_points: bp,
                        fen_per_jin: 0,
                        valid_from: start,
                        valid_to: None,
                        note: Some(note.into()),
                        shares: shares.clone(),
                    },
                    &cache,
                )
                .await?;
                let stored = crate::services::money::stored_shares::to_json(&shares)?;
                stamped.push((r.id, bp, stored));
            }
            let mut by_product = vec![Vec::new(); 3];
            let mut batch_info = HashMap::new();
            let mut old = Vec::new();
            let mut month = start.with_day(1).unwrap_or(start);
            while month <= this_month {
                for (p, grower, prefix, retail, enterprise) in batches_of_month(story, month) {
                    let b = batches::create(
                        tx,
                        CreateBatch {
                            product_id: story.products[p],
                            grower_id: grower,
                            code: Some(format!("{prefix}-{}", month.format("%Y%m"))),
                            harvest_date: month,
                            // Set by the history to what it sold plus a tenth.
                            quantity: 1,
                            retail_price_fen: retail,
                            enterprise_price_fen: enterprise,
                            storage_place: Some("红光村冷库 2 号".into()),
                        },
                    )
                    .await?;
                    by_product[p].push((b.id, month, retail));
                    batch_info.insert(
                        b.id,
                        BatchInfo {
                            product_id: story.products[p],
                            grower_id: grower,
                            by_weight: p != 2,
                        },
                    );
                    if month < this_month {
                        old.push(b.id);
                    }
                }
                month = month
                    .checked_add_months(Months::new(1))
                    .unwrap_or(this_month + chrono::Duration::days(31));
            }
            let catalog = Catalog {
                products: vec![
                    ProductSpec {
                        by_weight: true,
                        seasonal: false,
                    },
                    ProductSpec {
                        by_weight: true,
                        seasonal: true,
                    },
                    ProductSpec {
                        by_weight: false,
                        seasonal: true,
                    },
                ],
                batches: by_product,
                batch_info,
                rules: stamped,
                individuals,
                enterprises: story.enterprises.clone(),
            };
            Ok((catalog, 3, old))
        })
        .await
        .map_err(e)?;

    let plan = Plan {
        orders: ORDERS,
        lines: LINES,
        years: 2,
        seed: SEED,
    };
    let written = write_history(db, &catalog, &mut Rng(SEED), plan, story.secretary).await?;
    let shows: u64 = db
        .read
        .query_one_raw(sea_orm::Statement::from_string(
            db.read.get_database_backend(),
            "SELECT COUNT(*) AS n FROM live_sessions",
        ))
        .await?
        .and_then(|r| r.try_get::<i64>("", "n").ok())
        .map_or(0, |n| u64::try_from(n).unwrap_or(0));
    // Last month's batches and older are sold out of the season: closed to new orders.
    if !old_batches.is_empty() {
        let ids: Vec<String> = old_batches.iter().map(i64::to_string).collect();
        db.write(async |tx| {
            tx.execute_unprepared(&format!(
                "UPDATE batches SET status = 'closed' WHERE id IN ({})",
                ids.join(",")
            ))
            .await?;
            Ok(())
        })
        .await
        .map_err(e)?;
    }
    other_income(db, story, today).await?;
    let todays = todays_orders(db, &catalog, this_month).await?;
    Ok(History {
        todays,
        orders: written.orders,
        settled: written.settled,
        shows,
        rules: rule_count,
    })
}

/// Rents and the four villages' joint dividend for both years, then Hongguang's own share of
/// the joint project, sized so its year's income is the story's.
async fn other_income(db: &Db, story: &Story, today: NaiveDate) -> anyhow::Result<()> {
    let e = |err: crate::error::AppError| anyhow::anyhow!("{err}");
    let hongguang = story.collectives[0];
    let only_hongguang = vec![Share {
        collective_id: hongguang,
        shares: 1,
    }];
    let four: Vec<Share> = story
        .collectives
        .iter()
        .map(|c| Share {
            collective_id: *c,
            shares: 1,
        })
        .collect();
    for (year, target) in [
        (today.year() - 1, INCOME_LAST_YEAR_FEN),
        (today.year(), INCOME_THIS_YEAR_FEN),
    ] {
        let day = |m: u32, d: u32| {
            NaiveDate::from_ymd_opt(year, m, d)
                .unwrap_or(today)
                .min(today)
        };
        for (category, fen, on, what, shares) in [
            (
                IncomeCategory::GreenhouseRent,
                18_000_000,
                day(3, 15),
                "蔬菜大棚租金",
                &only_hongguang,
            ),
            (
                IncomeCategory::ColdStoreRent,
                9_600_000,
                day(6, 30),
                "冷库租金",
                &only_hongguang,
            ),
            (
                IncomeCategory::JointDividend,
                20_000_000,
                day(11, 20),
                "四村联建项目分红",
                &four,
            ),
        ] {
            post(
                db,
                story.secretary,
                category,
                fen,
                on,
                format!("{year} 年{what}"),
                shares,
            )
            .await?;
        }
        let so_far = reports::collective_income(
            &db.read,
            IncomeQuery {
                collective_id: hongguang,
                year,
                format: crate::dto::reports::ExportFormat::Json,
            },
        )
        .await
        .map_err(e)?
        .total_fen;
        let rest = target - so_far;
        anyhow::ensure!(rest > 0, "the demo's sales alone exceed the story's income");
        post(
            db,
            story.secretary,
            IncomeCategory::JointDividend,
            rest,
            day(12, 28),
            format!("{year} 年光伏联营项目分红（红光村）"),
            &only_hongguang,
        )
        .await?;
    }
    Ok(())
}

async fn post(
    db: &Db,
    actor: i64,
    category: IncomeCategory,
    amount_fen: i64,
    occurred_on: NaiveDate,
    description: String,
    shares: &[Share],
) -> anyhow::Result<()> {
    db.write(async |tx| {
        ledger::post_income(
            tx,
            actor,
            PostIncome {
                category,
                amount_fen,
                occurred_on,
                description: description.clone(),
                shares: shares.to_vec(),
            },
        )
        .await
    })
    .await
    .map_err(|err| anyhow::anyhow!("{err}"))?;
    Ok(())
}

/// This morning's phone and walk-in orders for this month's greens, placed as the office places
/// them (pending, for the desk to confirm), after the month's harvest is booked into stock.
async fn todays_orders(db: &Db, catalog: &Catalog, this_month: NaiveDate) -> anyhow::Result<usize> {
    let e = |err: crate::error::AppError| anyhow::anyhow!("{err}");
    let Some(&(greens, _, _)) = catalog.batches[0].iter().find(|b| b.1 == this_month) else {
        return Ok(0);
    };
    let secretary = db
        .read
        .query_one_raw(sea_orm::Statement::from_string(
            db.read.get_database_backend(),
            "SELECT id FROM users WHERE username = 'secretary'",
        ))
        .await?
        .and_then(|r| r.try_get::<i64>("", "id").ok())
        .ok_or_else(|| anyhow::anyhow!("no secretary"))?;
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
    let caller = Caller {
        user_id: secretary,
        username: "secretary".into(),
        role: Role::Secretary,
    };
    let facts = crate::services::facts::Facts::new(1_000);
    let rules = rules::RulesCache::default();
    let ctx = crate::services::orders::OrderContext {
        facts: &facts,
        rules: &rules,
        max_lines: 50,
        today: Utc::now().with_timezone(&db.local_offset).date_naive(),
        in_flight_wait: std::time::Duration::from_secs(5),
        auto_confirm: &[],
    };
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
