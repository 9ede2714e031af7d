//! What the robots are told on a clock, by every replica's scheduler: the daily summary once the
//! local time passes each robot's hour (one message per robot and day, whoever writes it first),
//! and after-sales cases that are new or near their deadline (one list per robot and round,
//! claimed by moving the robot's marks with a conditional update, so no case is told twice).

use super::outbox::{self, Message};
use crate::config::Settings;
use crate::db::Db;
use crate::db::replica::ReportReader;
use crate::domain::labels::Label;
use crate::domain::robots::messages::{self, CaseLine, DayFigures};
use crate::error::AppResult;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use zhunong_entity::enums::{CaseStatus, RobotKind, RobotTopic};
use zhunong_entity::{after_sales_case, chat_robot};

/// The largest message a robot of `kind` takes.
pub fn max_bytes(s: &Settings, kind: RobotKind) -> usize {
    match kind {
        RobotKind::Wecom => s.robot_wecom_max_bytes,
        RobotKind::Dingtalk => s.robot_dingtalk_max_bytes,
    }
}

/// One round: daily summaries due, then cases.
///
/// # Errors
/// Database errors.
pub async fn tick(db: &Db, s: &Settings, now: DateTime<Utc>) -> AppResult<()> {
    daily(db, s, now).await?;
    cases(db, s, now).await
}

async fn village(db: &Db, s: &Settings) -> AppResult<String> {
    let id = crate::services::collectives::keeper(&db.read, s.books_collective_id).await;
    match id {
        Ok(id) => crate::services::collectives::collective_name(&db.read, id).await,
        Err(crate::error::AppError::NotFound(_)) => Ok(String::new()),
        Err(e) => Err(e),
    }
}

/// A day's sales figures, as the sales report gives them (orders placed that day).
async fn day_figures(db: &Db, day: NaiveDate) -> AppResult<DayFigures> {
    let (req, _) = crate::services::reports::request::parse(&format!("from={day}&to={day}"), 1)?;
    let reader = ReportReader::choose(&db.read, None).await;
    let limits = crate::services::reports::sales::ReportLimits { max_rows: 1 };
    let m = crate::services::reports::sales::report(&reader, &req, limits)
        .await?
        .totals
        .metrics;
    Ok(DayFigures {
        orders: m.orders,
        net_sales_fen: m.net_sales_fen,
        refunds_fen: m.refunds_fen,
        commission_fen: m.commission_fen,
    })
}

async fn daily(db: &Db, s: &Settings, now: DateTime<Utc>) -> AppResult<()> {
    let local = now.with_timezone(&s.local_offset());
    let today = local.date_naive();
    let key = format!("daily:{today}");
    let due: Vec<chat_robot::Model> = outbox::subscribed(&db.read, RobotTopic::DailySummary)
        .await?
        .into_iter()
        .filter(|r| {
            chrono::NaiveTime::parse_from_str(&r.daily_at, "%H:%M")
                .is_ok_and(|at| local.time() >= at)
        })
        .collect();
    // The robots told today already, in one query.
    let told: std::collections::HashSet<i64> = zhunong_entity::chat_message::Entity::find()
        .select_only()
        .column(zhunong_entity::chat_message::Column::RobotId)
        .filter(zhunong_entity::chat_message::Column::RobotId.is_in(due.iter().map(|r| r.id)))
        .filter(zhunong_entity::chat_message::Column::DedupeKey.eq(&key))
        .into_tuple::<i64>()
        .all(&db.read)
        .await?
        .into_iter()
        .collect();
    let fresh: Vec<chat_robot::Model> = due.into_iter().filter(|r| !told.contains(&r.id)).collect();
    if fresh.is_empty() {
        return Ok(());
    }
    let (title, text) = messages::daily_summary(
        &village(db, s).await?,
        today,
        day_figures(db, today).await?,
        day_figures(db, today - Duration::days(7)).await?,
    );
    db.write(async |tx| {
        for r in &fresh {
            let text = messages::fit(&text, max_bytes(s, r.kind));
            outbox::write(
                tx,
                r.id,
                &Message {
                    topic: RobotTopic::DailySummary,
                    key: Some(key.clone()),
                    title: &title,
                    text: &text,
                },
            )
            .await?;
        }
        Ok(())
    })
    .await
}

async fn cases(db: &Db, s: &Settings, now: DateTime<Utc>) -> AppResult<()> {
    let offset = s.local_offset();
    let warn_until = now + Duration::hours(i64::from(s.robot_case_warn_hours));
    for r in outbox::subscribed(&db.read, RobotTopic::AfterSales).await? {
        let new = after_sales_case::Entity::find()
            .filter(after_sales_case::Column::Id.gt(r.cases_seen_through))
            .order_by_asc(after_sales_case::Column::Id)
            .all(&db.read)
            .await?;
        let near = after_sales_case::Entity::find()
            .filter(after_sales_case::Column::Status.eq(CaseStatus::Open))
            .filter(after_sales_case::Column::DeadlineAt.gt(r.deadlines_warned_through))
            .filter(after_sales_case::Column::DeadlineAt.lte(warn_until))
            .order_by_asc(after_sales_case::Column::DeadlineAt)
            .all(&db.read)
            .await?;
        if new.is_empty() && near.is_empty() {
            continue;
        }
        let line = |c: &after_sales_case::Model| {
            messages::case_line(&CaseLine {
                order_number: &crate::domain::order_number::format(c.order_id),
                kind: c.kind.label(),
                reason: c.reason.label(),
                claimed_fen: c.claimed_fen,
                deadline: c
                    .deadline_at
                    .with_timezone(&offset)
                    .format("%-m月%-d日 %H:%M")
                    .to_string(),
            })
        };
        let limit = max_bytes(s, r.kind);
        let mut parts: Vec<(String, String)> = Vec::new();
        if !new.is_empty() {
            let heading = format!("### 新的售后（{} 件）", new.len());
            let lines: Vec<String> = new.iter().map(line).collect();
            for text in messages::split(&heading, &lines, limit) {
                parts.push(("新的售后".to_owned(), text));
            }
        }
        if !near.is_empty() {
            let heading = format!(
                "### 快到答复期限的售后（{} 件，{} 小时内到期）",
                near.len(),
                s.robot_case_warn_hours
            );
            let lines: Vec<String> = near.iter().map(line).collect();
            for text in messages::split(&heading, &lines, limit) {
                parts.push(("售后快到期".to_owned(), text));
            }
        }
        let seen = new.last().map_or(r.cases_seen_through, |c| c.id);
        let warned = near
            .last()
            .map_or(r.deadlines_warned_through, |c| c.deadline_at);
        db.write(async |tx| {
            // Another replica that told these first moved the marks: then this round is void.
            let moved = chat_robot::Entity::update_many()
                .col_expr(chat_robot::Column::CasesSeenThrough, Expr::value(seen))
                .col_expr(
                    chat_robot::Column::DeadlinesWarnedThrough,
                    Expr::value(warned),
                )
                .filter(chat_robot::Column::Id.eq(r.id))
                .filter(chat_robot::Column::CasesSeenThrough.eq(r.cases_seen_through))
                .filter(chat_robot::Column::DeadlinesWarnedThrough.eq(r.deadlines_warned_through))
                .exec(tx)
                .await?
                .rows_affected;
            if moved == 1 {
                for (i, (title, text)) in parts.iter().enumerate() {
                    outbox::write(
                        tx,
                        r.id,
                        &Message {
                            topic: RobotTopic::AfterSales,
                            key: Some(format!("cases:{seen}:{}:{i}", warned.timestamp())),
                            title,
                            text,
                        },
                    )
                    .await?;
                }
            }
            Ok(())
        })
        .await?;
    }
    Ok(())
}
