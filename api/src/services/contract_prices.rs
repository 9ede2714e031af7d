//! Contract prices: per enterprise buyer and product or batch, for a period, from a minimum
//! quantity. For each batch of an order the batch's own price wins over the product's, then the
//! newest; a price applies only if the order takes at least its minimum quantity of the batch.

use crate::domain::units::{BatchId, BuyerId};
use crate::dto::partner::{ContractPriceOut, CreateContractPrice};
use crate::error::{AppError, AppResult, ErrorCode, Validator};
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use std::collections::{BTreeMap, HashMap};
use zhunong_entity::{batch, buyer, contract_price, product};

/// # Errors
/// 404 unknown buyer; 422 invalid fields.
pub async fn create(
    db: &crate::db::Db,
    buyer_id: i64,
    req: CreateContractPrice,
) -> AppResult<ContractPriceOut> {
    db.write(async |tx| {
        let b = buyer::Entity::find_by_id(buyer_id)
            .one(tx)
            .await?
            .ok_or(AppError::NotFound("buyer"))?;
        // Contract prices are what an enterprise negotiated; an individual pays the retail price.
        if b.kind != zhunong_entity::enums::BuyerKind::Enterprise {
            return Err(AppError::Conflict {
                code: ErrorCode::NotAnEnterprise,
                detail: format!(
                    "buyer {buyer_id} is not an enterprise; contract prices are for enterprises"
                ),
            });
        }
        let mut v = Validator::default();
        v.check(
            req.product_id.is_some() != req.batch_id.is_some(),
            "product_id",
            "give exactly one of product_id and batch_id",
        );
        v.check(
            (1..=crate::domain::money::MAX_PRICE_FEN).contains(&req.price_fen),
            "price_fen",
            "between 1 and 100000000",
        );
        v.check(
            req.min_quantity.is_none_or(|q| q > 0),
            "min_quantity",
            "must be positive",
        );
        v.check(
            req.valid_to.is_none_or(|t| t >= req.valid_from),
            "valid_to",
            "must not be before valid_from",
        );
        if let Some(p) = req.product_id {
            v.check(
                product::Entity::find_by_id(p).one(tx).await?.is_some(),
                "product_id",
                format!("no product with id {p}"),
            );
        }
        if let Some(b) = req.batch_id {
            v.check(
                batch::Entity::find_by_id(b).one(tx).await?.is_some(),
                "batch_id",
                format!("no batch with id {b}"),
            );
        }
        v.finish()?;
        let m = contract_price::ActiveModel {
            buyer_id: Set(buyer_id),
            product_id: Set(req.product_id),
            batch_id: Set(req.batch_id),
            price_fen: Set(req.price_fen),
            min_quantity: Set(req.min_quantity),
            valid_from: Set(req.valid_from),
            valid_to: Set(req.valid_to),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        Ok(m.into())
    })
    .await
}

/// # Errors
/// Database errors.
pub async fn list(db: &impl ConnectionTrait, buyer_id: i64) -> AppResult<Vec<ContractPriceOut>> {
    Ok(contract_price::Entity::find()
        .filter(contract_price::Column::BuyerId.eq(buyer_id))
        .order_by_desc(contract_price::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(ContractPriceOut::from)
        .collect())
}

/// The buyer's prices valid on `day`, newest first.
async fn valid(
    db: &impl ConnectionTrait,
    buyer_id: i64,
    day: NaiveDate,
) -> AppResult<Vec<contract_price::Model>> {
    Ok(contract_price::Entity::find()
        .filter(contract_price::Column::BuyerId.eq(buyer_id))
        .filter(contract_price::Column::ValidFrom.lte(day))
        .filter(
            Condition::any()
                .add(contract_price::Column::ValidTo.is_null())
                .add(contract_price::Column::ValidTo.gte(day)),
        )
        .order_by_desc(contract_price::Column::Id)
        .all(db)
        .await?)
}

/// The best applicable price for one batch taking `quantity`.
pub fn best(
    prices: &[contract_price::Model],
    batch_id: i64,
    product_id: i64,
    quantity: i64,
) -> Option<&contract_price::Model> {
    let fits = |p: &&contract_price::Model| p.min_quantity.is_none_or(|m| quantity >= m);
    prices
        .iter()
        .filter(fits)
        .find(|p| p.batch_id == Some(batch_id))
        .or_else(|| {
            prices
                .iter()
                .filter(fits)
                .find(|p| p.product_id == Some(product_id))
        })
}

/// Unit prices by batch for an order of `needs`.
///
/// # Errors
/// Database errors.
pub async fn for_order(
    db: &impl ConnectionTrait,
    buyer: BuyerId,
    products: &HashMap<i64, i64>,
    needs: &BTreeMap<BatchId, i64>,
    day: NaiveDate,
) -> AppResult<HashMap<i64, i64>> {
    let prices = valid(db, buyer.get(), day).await?;
    let mut out = HashMap::new();
    for (b, q) in needs {
        let b = &b.get();
        // A batch that does not exist has no product; the order is refused for it (422) when
        // it is written, so it has no contract price to look up.
        let Some(product) = products.get(b).copied() else {
            continue;
        };
        if let Some(p) = best(&prices, *b, product, *q) {
            out.insert(*b, p.price_fen);
        }
    }
    Ok(out)
}

/// The partner's catalog: open batches with stock, at the partner's price.
///
/// # Errors
/// Database errors.
pub async fn catalog(
    db: &impl ConnectionTrait,
    buyer_id: i64,
    day: NaiveDate,
) -> AppResult<Vec<crate::dto::partner::CatalogItem>> {
    let prices = valid(db, buyer_id, day).await?;
    let batches = batch::Entity::find()
        .filter(batch::Column::Status.eq(zhunong_entity::enums::BatchStatus::Open))
        .filter(batch::Column::StockQty.gt(0))
        .order_by_asc(batch::Column::Id)
        .all(db)
        .await?;
    let products: HashMap<i64, product::Model> =
        crate::services::rows::by_id::<product::Entity>(db, batches.iter().map(|b| b.product_id))
            .await?;
    Ok(batches
        .into_iter()
        .filter_map(|b| {
            let p = products.get(&b.product_id)?;
            // The price shown is the one for the smallest order; `contract_min_quantity` says
            // from how much a contract price applies.
            let contract = best(&prices, b.id, b.product_id, i64::MAX);
            Some(crate::dto::partner::CatalogItem {
                batch_id: b.id,
                product_id: b.product_id,
                product_name: p.name.clone(),
                pricing: p.pricing,
                harvest_date: b.harvest_date,
                available_qty: b.stock_qty,
                price_fen: contract.map_or(b.enterprise_price_fen, |c| c.price_fen),
                contract_min_quantity: contract.and_then(|c| c.min_quantity),
            })
        })
        .collect())
}
