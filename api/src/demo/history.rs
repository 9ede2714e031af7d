//! The demo's two seasons of sales, written on the story's catalog by the generator's own code
//! (`generate::write_history`): a batch per product and month in season, commission rules that
//! share the grapes among the four villages, about 1,800 orders with their finished live shows,
//! payments and settlements; then the collectives' other income (`income`), with Hongguang's
//! topped up to the story's figures, and this morning's orders (`today`).

use super::Story;
use crate::db::Db;
use crate::domain::caller::Caller;
use crate::dto::buyers::CreateBuyer;
use crate::dto::catalog::CreateBatch;
use crate::dto::money::{CreateRule, Share};
use crate::generate::{Catalog, Plan, ProductSpec, Rng, write_history};
use crate::services::money::rules;
use crate::services::reports::facts::BatchInfo;
use crate::services::{batches, buyers};
use chrono::{Datelike, Months, NaiveDate, Utc};
use sea_orm::ConnectionTrait;
use std::collections::HashMap;
use zhunong_entity::enums::{BuyerKind, Role, RuleScope};

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
    /// The livestream's parcels, pickups and after-sales cases (none if this month has no greens).
    pub parcels: Option<super::parcels::Parcels>,
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
                    let b = buyers::create_in(
                        tx,
                        None,
                        CreateBuyer {
                            kind: BuyerKind::Individual,
                            name: format!("{surname}{title}"),
                            phone: Some(format!("1370000{n:04}")),
                            address: Some("合肥市".into()),
                            company: None,
                            contacts: vec![],
                            payment_terms: None,
                            douyin_nickname: None,
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
                let r = rules::create_in(
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
                let stored = crate::services::stored_shares::to_json(&shares)?;
                stamped.push((r.id, bp, stored));
            }
            let mut by_product = vec![Vec::new(); 3];
            let mut batch_info = HashMap::new();
            let mut old = Vec::new();
            let mut month = start.with_day(1).unwrap_or(start);
            while month <= this_month {
                for (p, grower, prefix, retail, enterprise) in batches_of_month(story, month) {
                    let b = batches::create_in(
                        tx,
                        None,
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
    // Before the other income, which tops the year up to the story's figure.
    let parcels = match catalog.batches[0].iter().find(|b| b.1 == this_month) {
        Some(&(greens, _, _)) => {
            let facts = crate::services::facts::Facts::new(1_000);
            let rules = crate::services::money::rules::RulesCache::default();
            let ctx = super::today::context(db, &facts, &rules);
            let caller = super::today::secretary_caller(story.secretary);
            Some(
                super::parcels::livestream_parcels(db, &ctx, &caller, &catalog.individuals, greens)
                    .await?,
            )
        }
        None => None,
    };
    super::income::other_income(db, story, today).await?;
    let todays = super::today::todays_orders(db, &catalog, this_month, story.secretary).await?;
    Ok(History {
        todays,
        parcels,
        orders: written.orders,
        settled: written.settled,
        shows,
        rules: rule_count,
    })
}
