//! Changing a featured batch during the show: its live price, its per-buyer limit, and whether
//! it is on sale. Orders already taken keep their price; the board follows at once.

use crate::db::hub::Notice;
use crate::domain::caller::Caller;
use crate::dto::live::{SessionOut, UpdateFeatured};
use crate::error::{AppError, AppResult, Validator};
use crate::services::audit::{self, Change};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use zhunong_entity::enums::{AuditAction, AuditEntity};
use zhunong_entity::live_featured;

fn audited(f: &live_featured::Model) -> serde_json::Value {
    json!({
        "batch_id": f.batch_id,
        "live_price_fen": f.live_price_fen,
        "per_buyer_limit": f.per_buyer_limit,
        "on_sale": f.on_sale,
    })
}

/// # Errors
/// 422 for a bad price or limit, or nothing to change; 404 for an unknown session or a batch
/// not featured in it; 409 once the show has ended.
pub async fn update(
    db: &crate::db::Db,
    caller: &Caller,
    session_id: i64,
    batch_id: i64,
    req: UpdateFeatured,
) -> AppResult<SessionOut> {
    db.write(async |tx| {
        let mut v = Validator::default();
        v.check(
            req.live_price_fen.is_some() || req.per_buyer_limit.is_some() || req.on_sale.is_some(),
            "on_sale",
            "give live_price_fen, per_buyer_limit and/or on_sale",
        );
        super::sessions::check_terms(&mut v, req.live_price_fen, req.per_buyer_limit.flatten());
        v.finish()?;
        super::sessions::not_ended(tx, session_id).await?;
        let before = live_featured::Entity::find()
            .filter(live_featured::Column::SessionId.eq(session_id))
            .filter(live_featured::Column::BatchId.eq(batch_id))
            .one(tx)
            .await?
            .ok_or(AppError::NotFound("featured batch"))?;
        let was = audited(&before);
        let mut m: live_featured::ActiveModel = before.into();
        if let Some(p) = req.live_price_fen {
            m.live_price_fen = Set(p);
        }
        if let Some(l) = req.per_buyer_limit {
            m.per_buyer_limit = Set(l);
        }
        if let Some(on) = req.on_sale {
            m.on_sale = Set(on);
        }
        let after = m.update(tx).await?;
        audit::record(
            tx,
            Change::of(
                Some(caller.user_id),
                AuditAction::UpdateFeatured,
                AuditEntity::LiveSession,
                session_id,
            )
            .before(was)
            .after(audited(&after)),
        )
        .await?;
        // The board and every console of the show see the change at once.
        tx.notify(Notice::LiveSession(session_id)).await?;
        super::get(tx, session_id).await
    })
    .await
}
