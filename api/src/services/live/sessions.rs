use crate::db::Tx;
use crate::db::hub::Notice;
use crate::domain::caller::Caller;
use crate::dto::Page;
use crate::dto::live::{CreateSession, FeatureBatch, FeaturedOut, SessionFilter, SessionOut};
use crate::error::{AppError, AppResult, ErrorCode, Validator, is_unique_violation};
use crate::services::paginate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;
use zhunong_entity::enums::LiveStatus;
use zhunong_entity::{batch, live_featured, live_session, product};

/// The featured batches of a session, with product and stock.
pub async fn featured(db: &impl ConnectionTrait, session_id: i64) -> AppResult<Vec<FeaturedOut>> {
    let rows = live_featured::Entity::find()
        .filter(live_featured::Column::SessionId.eq(session_id))
        .order_by_asc(live_featured::Column::Id)
        .all(db)
        .await?;
    let batches: HashMap<i64, batch::Model> =
        crate::services::rows::by_id::<batch::Entity>(db, rows.iter().map(|r| r.batch_id)).await?;
    let products: HashMap<i64, product::Model> =
        crate::services::rows::by_id::<product::Entity>(db, batches.values().map(|b| b.product_id))
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let b = batches.get(&r.batch_id)?;
            let p = products.get(&b.product_id)?;
            Some(FeaturedOut {
                batch_id: r.batch_id,
                product_name: p.name.clone(),
                pricing: p.pricing,
                unit_label: p.unit_label.clone(),
                live_price_fen: r.live_price_fen,
                per_buyer_limit: r.per_buyer_limit,
                stock_qty: b.stock_qty,
                on_sale: r.on_sale,
            })
        })
        .collect())
}

async fn out(db: &impl ConnectionTrait, s: live_session::Model) -> AppResult<SessionOut> {
    let featured = featured(db, s.id).await?;
    Ok(SessionOut {
        id: s.id,
        platform: s.platform,
        host: s.host,
        title: s.title,
        planned_start: s.planned_start,
        status: s.status,
        started_at: s.started_at,
        ended_at: s.ended_at,
        board_full_names: s.board_full_names,
        featured,
    })
}

/// # Errors
/// 422 for invalid fields.
pub async fn create(
    db: &crate::db::Db,
    caller: &Caller,
    req: CreateSession,
) -> AppResult<SessionOut> {
    db.write(async |tx| {
        let mut v = Validator::default();
        v.text(&req.host, "host", 100);
        v.text(&req.title, "title", 200);
        v.finish()?;
        let s = live_session::ActiveModel {
            platform: Set(req.platform),
            host: Set(req.host.trim().to_owned()),
            title: Set(req.title.trim().to_owned()),
            planned_start: Set(req.planned_start),
            status: Set(LiveStatus::Planned),
            started_at: Set(None),
            ended_at: Set(None),
            created_by: Set(caller.user_id),
            created_at: Set(chrono::Utc::now()),
            board_full_names: Set(req.board_full_names),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        out(tx, s).await
    })
    .await
}

/// # Errors
/// 404 if missing.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> AppResult<SessionOut> {
    let s = live_session::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("live session"))?;
    out(db, s).await
}

/// # Errors
/// Database errors.
pub async fn list(
    db: &impl ConnectionTrait,
    f: SessionFilter,
    paging: (u64, u64),
) -> AppResult<Page<SessionOut>> {
    let mut q = live_session::Entity::find().order_by_desc(live_session::Column::Id);
    if let Some(s) = f.status {
        q = q.filter(live_session::Column::Status.eq(s));
    }
    let page = paginate(db, q, paging, |m| m).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for s in page.items {
        items.push(out(db, s).await?);
    }
    Ok(Page {
        items,
        page: page.page,
        per_page: page.per_page,
        total: page.total,
    })
}

/// Features a batch in a session that has not ended.
///
/// # Errors
/// 404 unknown session; 422 unknown batch or bad price/limit; 409 if already featured or the
/// session has ended.
pub async fn add_featured(
    db: &crate::db::Db,
    session_id: i64,
    req: FeatureBatch,
) -> AppResult<SessionOut> {
    db.write(async |tx| {
        let s = not_ended(tx, session_id).await?;
        let mut v = Validator::default();
        check_terms(&mut v, Some(req.live_price_fen), req.per_buyer_limit);
        let b = batch::Entity::find_by_id(req.batch_id).one(tx).await?;
        v.check(
            b.is_some(),
            "batch_id",
            format!("no batch with id {}", req.batch_id),
        );
        v.finish()?;
        if b.is_some_and(|b| b.status != zhunong_entity::enums::BatchStatus::Open) {
            return Err(AppError::Conflict {
                code: ErrorCode::BatchClosed,
                detail: format!(
                    "batch {} is closed; open it before featuring it",
                    req.batch_id
                ),
            });
        }
        live_featured::ActiveModel {
            session_id: Set(session_id),
            batch_id: Set(req.batch_id),
            live_price_fen: Set(req.live_price_fen),
            per_buyer_limit: Set(req.per_buyer_limit),
            on_sale: Set(true),
            ..Default::default()
        }
        .insert(tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                AppError::Conflict {
                    code: ErrorCode::Duplicate,
                    detail: "the batch is already featured".into(),
                }
            } else {
                e.into()
            }
        })?;
        out(tx, s).await
    })
    .await
}

/// The session, if it has not ended: its featured batches may still change.
///
/// # Errors
/// 404 unknown; 409 `session_ended`.
pub(super) async fn not_ended(
    db: &impl ConnectionTrait,
    session_id: i64,
) -> AppResult<live_session::Model> {
    let s = live_session::Entity::find_by_id(session_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("live session"))?;
    if s.status == LiveStatus::Ended {
        return Err(AppError::Conflict {
            code: ErrorCode::SessionEnded,
            detail: "the session has ended".into(),
        });
    }
    Ok(s)
}

/// A live price and a per-buyer limit, where given, are within bounds.
pub(super) fn check_terms(v: &mut Validator, live_price_fen: Option<i64>, limit: Option<i64>) {
    v.check(
        live_price_fen.is_none_or(|p| (1..=crate::domain::money::MAX_PRICE_FEN).contains(&p)),
        "live_price_fen",
        "between 1 and 100000000",
    );
    v.check(
        limit.is_none_or(|l| l > 0),
        "per_buyer_limit",
        "must be positive",
    );
}

async fn advance(tx: &Tx, id: i64, from: LiveStatus, to: LiveStatus) -> AppResult<SessionOut> {
    let now = chrono::Utc::now();
    let mut u = live_session::Entity::update_many()
        .col_expr(live_session::Column::Status, Expr::value(to))
        .filter(live_session::Column::Id.eq(id))
        .filter(live_session::Column::Status.eq(from));
    u = match to {
        LiveStatus::Live => u.col_expr(live_session::Column::StartedAt, Expr::value(now)),
        _ => u.col_expr(live_session::Column::EndedAt, Expr::value(now)),
    };
    if u.exec(tx).await?.rows_affected == 0 {
        let s = live_session::Entity::find_by_id(id)
            .one(tx)
            .await?
            .ok_or(AppError::NotFound("live session"))?;
        return Err(AppError::Conflict {
            code: ErrorCode::InvalidTransition,
            detail: format!(
                "the session is {}, not {}",
                s.status.as_str(),
                from.as_str()
            ),
        });
    }
    get(tx, id).await
}

/// # Errors
/// 404 unknown; 409 unless planned.
pub async fn start(db: &crate::db::Db, id: i64) -> AppResult<SessionOut> {
    db.write(async |tx| {
        let out = advance(tx, id, LiveStatus::Planned, LiveStatus::Live).await?;
        // Boards on every replica learn of the start at once, not at their next refresh.
        tx.notify(Notice::LiveSession(id)).await?;
        Ok(out)
    })
    .await
}

/// # Errors
/// 404 unknown; 409 unless live.
pub async fn end(db: &crate::db::Db, id: i64) -> AppResult<SessionOut> {
    db.write(async |tx| {
        let out = advance(tx, id, LiveStatus::Live, LiveStatus::Ended).await?;
        // Open streams send their last totals and close.
        tx.notify(Notice::LiveSession(id)).await?;
        tell_robots(tx, id).await?;
        Ok(out)
    })
    .await
}

/// The show's summary for the robots told of shows, written with its end.
async fn tell_robots(tx: &crate::db::Tx, id: i64) -> AppResult<()> {
    use crate::domain::robots::messages::{ShowFigures, show_summary};
    use crate::services::robots::outbox::{Message, tell};
    let s = super::totals::summary(tx, id).await?;
    let (title, text) = show_summary(&ShowFigures {
        title: &s.session.title,
        host: &s.session.host,
        minutes: s.duration_secs.map(|d| d / 60),
        orders: s.totals.orders,
        buyers: s.totals.buyers,
        revenue_fen: s.totals.revenue_fen,
        products: s
            .totals
            .batches
            .iter()
            .map(|b| {
                let sold = match b.pricing {
                    zhunong_entity::enums::Pricing::ByWeight => {
                        format!("{} 斤", crate::domain::format::jin(b.sold_qty))
                    }
                    zhunong_entity::enums::Pricing::ByPiece => format!(
                        "{} {}",
                        b.sold_qty,
                        crate::domain::format::piece_unit(b.unit_label.as_deref())
                    ),
                };
                (b.product_name.clone(), sold)
            })
            .collect(),
    });
    tell(
        tx,
        &Message {
            topic: zhunong_entity::enums::RobotTopic::ShowSummary,
            key: Some(format!("show:{id}")),
            title: &title,
            text: &text,
        },
    )
    .await
}

/// What a live session imposes on an order: its live prices and per-buyer limits, by batch.
pub struct LiveTerms {
    pub session_id: i64,
    pub featured: HashMap<i64, live_featured::Model>,
}

/// The terms for an order taken in `session_id`, checked: the session is live and every line's
/// batch is featured.
///
/// # Errors
/// 404/422 unknown session; 409 if not live; 422 naming a line whose batch is not featured.
pub async fn terms_for_order(
    db: &impl ConnectionTrait,
    session_id: i64,
    batch_ids: &[i64],
) -> AppResult<LiveTerms> {
    let s = live_session::Entity::find_by_id(session_id)
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::field(
                "live_session_id",
                format!("no live session with id {session_id}"),
            )
        })?;
    if s.status != LiveStatus::Live {
        return Err(AppError::Conflict {
            code: ErrorCode::SessionNotLive,
            detail: format!("the live session is {}", s.status.as_str()),
        });
    }
    let featured: HashMap<i64, live_featured::Model> = live_featured::Entity::find()
        .filter(live_featured::Column::SessionId.eq(session_id))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.batch_id, f))
        .collect();
    let mut v = Validator::default();
    for (i, b) in batch_ids.iter().enumerate() {
        v.check(
            featured.contains_key(b),
            format!("lines[{i}].batch_id"),
            "this batch is not featured in the live session",
        );
    }
    v.finish()?;
    if let Some(off) = batch_ids
        .iter()
        .find(|b| featured.get(b).is_some_and(|f| !f.on_sale))
    {
        return Err(AppError::Conflict {
            code: ErrorCode::OffSale,
            detail: format!("batch {off} is taken off sale in this show"),
        });
    }
    Ok(LiveTerms {
        session_id,
        featured,
    })
}
