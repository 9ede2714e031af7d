//! Commission rules, and finding the one in force for each line of a new order: the most
//! specific scope wins (batch, then product, then channel), then the newest rule.

use super::ledger::check_shares;
use crate::auth::extractor::Caller;
use crate::dto::Page;
use crate::dto::money::{CreateRule, RuleOut, Share};
use crate::error::{AppResult, Validator};
use crate::services::paginate;
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use std::collections::HashMap;
use zhunong_entity::enums::{Channel, RuleScope};
use zhunong_entity::{batch, commission_rule, commission_rule_share, product};

/// A rule as copied onto an order line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSnapshot {
    pub rule_id: i64,
    pub basis_points: i64,
    pub fen_per_jin: i64,
    pub shares: Vec<Share>,
}

/// # Errors
/// 422 for a rule that names the wrong target for its scope, bad rates or shares.
pub async fn create(
    db: &impl ConnectionTrait,
    caller: &Caller,
    req: CreateRule,
) -> AppResult<RuleOut> {
    let mut v = Validator::default();
    let (b, p, c) = (
        req.batch_id.is_some(),
        req.product_id.is_some(),
        req.channel.is_some(),
    );
    let target_ok = match req.scope {
        RuleScope::Batch => b && !p && !c,
        RuleScope::Product => p && !b && !c,
        RuleScope::Channel => c && !b && !p,
    };
    v.check(
        target_ok,
        "scope",
        "name exactly the target of the scope: batch_id, product_id or channel",
    );
    v.check(
        (0..=10_000).contains(&req.basis_points),
        "basis_points",
        "between 0 and 10000",
    );
    v.check(
        (0..=100_000).contains(&req.fen_per_jin),
        "fen_per_jin",
        "between 0 and 100000",
    );
    v.check(
        req.valid_to.is_none_or(|to| to >= req.valid_from),
        "valid_to",
        "must not be before valid_from",
    );
    v.opt_text(req.note.as_deref(), "note", 500);
    check_shares(db, &mut v, &req.shares).await?;
    if let Some(id) = req.batch_id {
        v.check(
            batch::Entity::find_by_id(id).one(db).await?.is_some(),
            "batch_id",
            format!("no batch with id {id}"),
        );
    }
    if let Some(id) = req.product_id {
        v.check(
            product::Entity::find_by_id(id).one(db).await?.is_some(),
            "product_id",
            format!("no product with id {id}"),
        );
    }
    v.finish()?;
    let rule = commission_rule::ActiveModel {
        scope: Set(req.scope),
        batch_id: Set(req.batch_id),
        product_id: Set(req.product_id),
        channel: Set(req.channel),
        basis_points: Set(req.basis_points),
        fen_per_jin: Set(req.fen_per_jin),
        valid_from: Set(req.valid_from),
        valid_to: Set(req.valid_to),
        note: Set(req.note),
        created_by: Set(caller.user_id),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let shares = req
        .shares
        .iter()
        .map(|s| commission_rule_share::ActiveModel {
            rule_id: Set(rule.id),
            collective_id: Set(s.collective_id),
            shares: Set(i64::try_from(s.shares).unwrap_or(i64::MAX)),
            ..Default::default()
        });
    commission_rule_share::Entity::insert_many(shares)
        .exec_without_returning(db)
        .await?;
    Ok(out(rule, req.shares))
}

fn out(m: commission_rule::Model, shares: Vec<Share>) -> RuleOut {
    RuleOut {
        id: m.id,
        scope: m.scope,
        batch_id: m.batch_id,
        product_id: m.product_id,
        channel: m.channel,
        basis_points: m.basis_points,
        fen_per_jin: m.fen_per_jin,
        valid_from: m.valid_from,
        valid_to: m.valid_to,
        note: m.note,
        shares,
        created_at: m.created_at,
    }
}

async fn shares_of(
    db: &impl ConnectionTrait,
    rule_ids: Vec<i64>,
) -> AppResult<HashMap<i64, Vec<Share>>> {
    let mut map: HashMap<i64, Vec<Share>> = HashMap::new();
    if rule_ids.is_empty() {
        return Ok(map);
    }
    for s in commission_rule_share::Entity::find()
        .filter(commission_rule_share::Column::RuleId.is_in(rule_ids))
        .order_by_asc(commission_rule_share::Column::Id)
        .all(db)
        .await?
    {
        map.entry(s.rule_id).or_default().push(Share {
            collective_id: s.collective_id,
            shares: u64::try_from(s.shares).unwrap_or(1),
        });
    }
    Ok(map)
}

/// # Errors
/// Database errors.
pub async fn list(db: &impl ConnectionTrait, paging: (u64, u64)) -> AppResult<Page<RuleOut>> {
    let page = paginate(
        db,
        commission_rule::Entity::find().order_by_desc(commission_rule::Column::Id),
        paging,
        |m| m,
    )
    .await?;
    let mut shares = shares_of(db, page.items.iter().map(|r| r.id).collect()).await?;
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|r| {
                let s = shares.remove(&r.id).unwrap_or_default();
                out(r, s)
            })
            .collect(),
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    })
}

/// The rule in force on `day` for each (batch, product) of an order placed through `channel`.
///
/// # Errors
/// Database errors.
pub async fn in_force(
    db: &impl ConnectionTrait,
    channel: Channel,
    lines: &[(i64, i64)],
    day: NaiveDate,
) -> AppResult<HashMap<i64, RuleSnapshot>> {
    let batch_ids: Vec<i64> = lines.iter().map(|l| l.0).collect();
    let product_ids: Vec<i64> = lines.iter().map(|l| l.1).collect();
    let rules = commission_rule::Entity::find()
        .filter(commission_rule::Column::ValidFrom.lte(day))
        .filter(
            Condition::any()
                .add(commission_rule::Column::ValidTo.is_null())
                .add(commission_rule::Column::ValidTo.gte(day)),
        )
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(commission_rule::Column::Scope.eq(RuleScope::Batch))
                        .add(commission_rule::Column::BatchId.is_in(batch_ids)),
                )
                .add(
                    Condition::all()
                        .add(commission_rule::Column::Scope.eq(RuleScope::Product))
                        .add(commission_rule::Column::ProductId.is_in(product_ids)),
                )
                .add(
                    Condition::all()
                        .add(commission_rule::Column::Scope.eq(RuleScope::Channel))
                        .add(commission_rule::Column::Channel.eq(channel)),
                ),
        )
        .order_by_desc(commission_rule::Column::Id)
        .all(db)
        .await?;
    if rules.is_empty() {
        return Ok(HashMap::new());
    }
    let mut chosen: HashMap<i64, &commission_rule::Model> = HashMap::new();
    for &(batch_id, product_id) in lines {
        // Newest first within each scope; the first scope that has one wins.
        let pick = rules
            .iter()
            .find(|r| r.scope == RuleScope::Batch && r.batch_id == Some(batch_id))
            .or_else(|| {
                rules
                    .iter()
                    .find(|r| r.scope == RuleScope::Product && r.product_id == Some(product_id))
            })
            .or_else(|| rules.iter().find(|r| r.scope == RuleScope::Channel));
        if let Some(r) = pick {
            chosen.insert(batch_id, r);
        }
    }
    let mut shares = shares_of(db, chosen.values().map(|r| r.id).collect()).await?;
    let mut snapshots: HashMap<i64, RuleSnapshot> = HashMap::new();
    let mut by_rule: HashMap<i64, Vec<Share>> = HashMap::new();
    for (batch_id, r) in chosen {
        let s = by_rule
            .entry(r.id)
            .or_insert_with(|| shares.remove(&r.id).unwrap_or_default())
            .clone();
        snapshots.insert(
            batch_id,
            RuleSnapshot {
                rule_id: r.id,
                basis_points: r.basis_points,
                fen_per_jin: r.fen_per_jin,
                shares: s,
            },
        );
    }
    Ok(snapshots)
}
