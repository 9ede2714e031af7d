//! Commission rules, and finding the one in force for each line of a new order: the most
//! specific scope wins (batch, then product, then channel), then the newest rule.

use super::ledger::check_shares;
use crate::db::Tx;
use crate::domain::caller::Caller;
use crate::dto::Page;
use crate::dto::money::{BatchRules, CreateRule, RuleForChannel, RuleOut, Share};
use crate::error::{AppResult, Invariant, Validator};
use crate::services::audit::{self, Change};
use crate::services::paginate;
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use zhunong_entity::enums::{AuditAction, AuditEntity};
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
    db: &crate::db::Db,
    caller: &Caller,
    req: CreateRule,
    cache: &RulesCache,
) -> AppResult<RuleOut> {
    db.write(async |tx| create_in(tx, caller, req, cache).await)
        .await
}

/// The step of [`create`] inside a transaction that the caller owns (the demo builds its
/// village in one).
pub async fn create_in(
    tx: &Tx,
    caller: &Caller,
    req: CreateRule,
    cache: &RulesCache,
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
    check_shares(tx, &mut v, &req.shares).await?;
    if let Some(id) = req.batch_id {
        v.check(
            batch::Entity::find_by_id(id).one(tx).await?.is_some(),
            "batch_id",
            format!("no batch with id {id}"),
        );
    }
    if let Some(id) = req.product_id {
        v.check(
            product::Entity::find_by_id(id).one(tx).await?.is_some(),
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
    .insert(tx)
    .await?;
    let shares = req
        .shares
        .iter()
        .map(|s| {
            Ok(commission_rule_share::ActiveModel {
                rule_id: Set(rule.id),
                collective_id: Set(s.collective_id),
                // Checked above to be at most 1,000,000.
                shares: Set(i64::try_from(s.shares).invariant("a checked share fits")?),
                ..Default::default()
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    commission_rule_share::Entity::insert_many(shares)
        .exec_without_returning(tx)
        .await?;
    audit::record(
        tx,
        Change::of(
            Some(caller.user_id),
            AuditAction::CreateCommissionRule,
            AuditEntity::CommissionRule,
            rule.id,
        )
        .after(serde_json::json!({
            "scope": rule.scope,
            "batch_id": rule.batch_id,
            "product_id": rule.product_id,
            "channel": rule.channel,
            "basis_points": rule.basis_points,
            "fen_per_jin": rule.fen_per_jin,
            "valid_from": rule.valid_from,
            "valid_to": rule.valid_to,
            "shares": req.shares.iter().map(|s| (s.collective_id, s.shares)).collect::<Vec<_>>(),
        })),
    )
    .await?;
    // New orders see the rule at once here, and on other replicas when the notice arrives.
    cache.invalidate();
    tx.notify(crate::db::hub::Notice::RulesChanged).await?;
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
        let shares = u64::try_from(s.shares).invariant(&format!(
            "share {} of rule {} is not negative",
            s.id, s.rule_id
        ))?;
        map.entry(s.rule_id).or_default().push(Share {
            collective_id: s.collective_id,
            shares,
        });
    }
    Ok(map)
}

/// Which rule a new order line of `batch_id` would copy on `day`, for every channel: the same
/// choice `place` makes, so the office shows what an order will really carry.
///
/// # Errors
/// 404 for an unknown batch; database errors.
pub async fn for_batch(
    db: &impl ConnectionTrait,
    cache: &RulesCache,
    batch_id: i64,
    day: NaiveDate,
) -> AppResult<BatchRules> {
    let b = crate::services::must_find::<batch::Entity, _>(db, batch_id, "batch").await?;
    let mut channels = Vec::new();
    for channel in <Channel as sea_orm::Iterable>::iter() {
        let picked = cache
            .in_force(db, channel, &[(b.id, b.product_id)], day)
            .await?
            .remove(&b.id);
        let rule = match picked {
            Some(snapshot) => {
                let m = crate::services::must_find::<commission_rule::Entity, _>(
                    db,
                    snapshot.rule_id,
                    "commission rule",
                )
                .await?;
                Some(out(m, snapshot.shares))
            }
            None => None,
        };
        channels.push(RuleForChannel { channel, rule });
    }
    Ok(BatchRules {
        batch_id,
        on: day,
        channels,
    })
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

/// Every commission rule with its shares, kept in memory: rules are never edited, so the cache
/// is only ever short of new ones. Creating a rule bumps the generation here at once and, through
/// the hub, on every other replica (on PostgreSQL within milliseconds of the commit).
/// Every rule with its shares, newest first.
type AllRules = Arc<Vec<(commission_rule::Model, Vec<Share>)>>;

#[derive(Default)]
pub struct RulesCache {
    generation: AtomicU64,
    cached: RwLock<Option<(u64, AllRules)>>,
}

impl RulesCache {
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    async fn all(&self, db: &impl ConnectionTrait) -> AppResult<AllRules> {
        let generation = self.generation.load(Ordering::SeqCst);
        if let Some((g, rules)) = self
            .cached
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            && *g == generation
        {
            return Ok(rules.clone());
        }
        let rules = commission_rule::Entity::find()
            .order_by_desc(commission_rule::Column::Id)
            .all(db)
            .await?;
        let mut shares = shares_of(db, rules.iter().map(|r| r.id).collect()).await?;
        // A rule is created with its shares in one transaction: one without them is broken,
        // and using it would post commission to nobody.
        let loaded: Arc<Vec<_>> = Arc::new(
            rules
                .into_iter()
                .map(|r| {
                    let s = shares
                        .remove(&r.id)
                        .invariant(&format!("commission rule {} has shares", r.id))?;
                    Ok((r, s))
                })
                .collect::<AppResult<Vec<_>>>()?,
        );
        // Only keep what was loaded if no rule was created meanwhile.
        if self.generation.load(Ordering::SeqCst) == generation {
            *self.cached.write().unwrap_or_else(|p| p.into_inner()) =
                Some((generation, loaded.clone()));
        }
        Ok(loaded)
    }

    /// The rule in force on `day` for each (batch, product) of an order placed through
    /// `channel`: batch scope first, then product, then channel; the newest within a scope.
    ///
    /// # Errors
    /// Database errors.
    pub async fn in_force(
        &self,
        db: &impl ConnectionTrait,
        channel: Channel,
        lines: &[(i64, i64)],
        day: NaiveDate,
    ) -> AppResult<HashMap<i64, RuleSnapshot>> {
        let rules = self.all(db).await?;
        let valid: Vec<&(commission_rule::Model, Vec<Share>)> = rules
            .iter()
            .filter(|(r, _)| r.valid_from <= day && r.valid_to.is_none_or(|to| to >= day))
            .collect();
        let mut out = HashMap::new();
        for &(batch_id, product_id) in lines {
            let pick = valid
                .iter()
                .find(|(r, _)| r.scope == RuleScope::Batch && r.batch_id == Some(batch_id))
                .or_else(|| {
                    valid.iter().find(|(r, _)| {
                        r.scope == RuleScope::Product && r.product_id == Some(product_id)
                    })
                })
                .or_else(|| {
                    valid
                        .iter()
                        .find(|(r, _)| r.scope == RuleScope::Channel && r.channel == Some(channel))
                });
            if let Some((r, shares)) = pick {
                out.insert(
                    batch_id,
                    RuleSnapshot {
                        rule_id: r.id,
                        basis_points: r.basis_points,
                        fen_per_jin: r.fen_per_jin,
                        shares: shares.clone(),
                    },
                );
            }
        }
        Ok(out)
    }
}
