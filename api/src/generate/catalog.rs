//! The generated village: collectives, growers, products with their commission rules, a
//! batch per product, month and grower, and the buyers.

use super::*;

/// A single-row insert that does not read the row back.
pub(super) trait InsertExec {
    async fn insert_exec(self, tx: &Tx) -> crate::error::AppResult<()>;
}

impl<A: sea_orm::ActiveModelTrait + Send> InsertExec for A {
    async fn insert_exec(self, tx: &Tx) -> crate::error::AppResult<()> {
        A::Entity::insert(self).exec_without_returning(tx).await?;
        Ok(())
    }
}

/// What an order needs to know of a product, by product index.
#[derive(Debug, Clone, Copy)]
pub struct ProductSpec {
    pub by_weight: bool,
    /// Sold only July to October (grapes).
    pub seasonal: bool,
}

/// The catalog a history is written against: the generator's own village, or the demo's.
pub struct Catalog {
    pub products: Vec<ProductSpec>,
    /// By product index: (batch id, first day it sells, its price) in date order.
    pub batches: Vec<Vec<(i64, NaiveDate, i64)>>,
    pub batch_info: HashMap<i64, BatchInfo>,
    /// By product index: rule id, basis points, stored shares.
    pub rules: Vec<(i64, i64, serde_json::Value)>,
    pub individuals: Vec<i64>,
    pub enterprises: Vec<i64>,
}

pub(super) async fn catalog(
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
            chart: Set(zhunong_entity::enums::Chart::Cac2023),
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
            douyin_nickname: Set(None),
            erased_at: Set(None),
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
        products: PRODUCTS
            .iter()
            .map(|(_, by_weight, _, _, grapes)| ProductSpec {
                by_weight: *by_weight,
                seasonal: *grapes,
            })
            .collect(),
        batches,
        batch_info,
        rules,
        individuals: (1..=INDIVIDUALS).collect(),
        enterprises: (INDIVIDUALS + 1..=INDIVIDUALS + ENTERPRISES).collect(),
    })
}
