//! A collective's chart and its mapping: which account each kind of posting goes to on a day.
//! The mapping in force on a day is the latest row of the collective's chart not after it, else
//! the chart's default; a change is a new row from today or a later day, never the past.

use crate::db::Db;
use crate::domain::books::chart::{self, ChartAccount};
use crate::domain::books::mapping::default_code;
use crate::domain::caller::Caller;
use crate::domain::labels::Label;
use crate::dto::books::{
    ChartAccountOut, ChartOut, ChooseChart, MapAccount, MappingChangeOut, MappingOut, MappingRowOut,
};
use crate::error::{AppError, AppResult, ErrorCode, Validator};
use crate::services::audit::{self, Change};
pub use crate::services::collectives::{collective_name, keeper};
use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, Iterable, QueryFilter, QueryOrder,
    Set,
};
use zhunong_entity::enums::{AuditAction, AuditEntity, Chart, PostingKind};
use zhunong_entity::{book_mapping, collective};

/// Both charts, every account.
pub fn charts() -> Vec<ChartOut> {
    Chart::iter()
        .map(|c| ChartOut {
            chart: c,
            label: c.label().to_owned(),
            accounts: chart::accounts(c).iter().map(account_out).collect(),
        })
        .collect()
}

fn account_out(a: &ChartAccount) -> ChartAccountOut {
    ChartAccountOut {
        code: a.code.to_owned(),
        name: a.name.to_owned(),
        class: a.class,
        side: a.side,
    }
}

/// A collective's books as they map postings: its chart and mapping rows.
pub struct Books {
    pub collective: collective::Model,
    pub keeper: i64,
    rows: Vec<book_mapping::Model>,
}

impl Books {
    /// # Errors
    /// 404 for an unknown collective; database errors.
    pub async fn load(
        db: &impl ConnectionTrait,
        collective_id: i64,
        keeper_setting: Option<i64>,
    ) -> AppResult<Self> {
        let collective = collective::Entity::find_by_id(collective_id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound("collective"))?;
        let rows = book_mapping::Entity::find()
            .filter(book_mapping::Column::CollectiveId.eq(collective_id))
            .filter(book_mapping::Column::Chart.eq(collective.chart))
            .order_by_asc(book_mapping::Column::EffectiveFrom)
            .order_by_asc(book_mapping::Column::Id)
            .all(db)
            .await?;
        Ok(Self {
            keeper: keeper(db, keeper_setting).await?,
            collective,
            rows,
        })
    }

    pub fn chart(&self) -> Chart {
        self.collective.chart
    }

    pub fn keeps_the_books(&self) -> bool {
        self.keeper == self.collective.id
    }

    /// The row in force for `kind` on `on`, if the collective mapped it.
    fn row(&self, kind: PostingKind, on: NaiveDate) -> Option<&book_mapping::Model> {
        self.rows
            .iter()
            .rev()
            .find(|r| r.posting_kind == kind && r.effective_from <= on)
    }

    /// The account `kind` goes to on `on`.
    ///
    /// # Errors
    /// 409 `unmapped_posting` when the account is not in the chart (a mapping written under
    /// another version of it).
    pub fn account(&self, kind: PostingKind, on: NaiveDate) -> AppResult<&'static ChartAccount> {
        let code = self.row(kind, on).map_or_else(
            || default_code(self.chart(), kind),
            |r| r.account_code.as_str(),
        );
        chart::find(self.chart(), code).ok_or_else(|| AppError::Conflict {
            code: ErrorCode::UnmappedPosting,
            detail: format!(
                "「{}」 is mapped to account {code}, which the chart {} does not have",
                kind.label(),
                self.chart().as_str()
            ),
        })
    }

    /// The days on which a mapping row starts, in order: the ledger before a day is read in the
    /// stretches between them, each under one mapping.
    pub fn change_days(&self) -> Vec<NaiveDate> {
        let mut days: Vec<NaiveDate> = self.rows.iter().map(|r| r.effective_from).collect();
        days.dedup();
        days
    }
}

/// The mapping in force on `on` for every kind, with any change set for later.
///
/// # Errors
/// 404 for an unknown collective; database errors.
pub async fn mapping(
    db: &impl ConnectionTrait,
    collective_id: i64,
    on: NaiveDate,
    keeper_setting: Option<i64>,
) -> AppResult<MappingOut> {
    let books = Books::load(db, collective_id, keeper_setting).await?;
    let mut rows = Vec::new();
    for kind in PostingKind::iter() {
        let account = books.account(kind, on)?;
        let next = books
            .rows
            .iter()
            .find(|r| r.posting_kind == kind && r.effective_from > on)
            .map(|r| MappingChangeOut {
                effective_from: r.effective_from,
                account_code: r.account_code.clone(),
                account_name: chart::find(books.chart(), &r.account_code)
                    .map_or("", |a| a.name)
                    .to_owned(),
            });
        rows.push(MappingRowOut {
            posting_kind: kind,
            account_code: account.code.to_owned(),
            account_name: account.name.to_owned(),
            effective_from: books.row(kind, on).map(|r| r.effective_from),
            default_code: default_code(books.chart(), kind).to_owned(),
            next,
        });
    }
    Ok(MappingOut {
        collective_id,
        chart: books.chart(),
        on,
        keeps_the_books: books.keeps_the_books(),
        rows,
    })
}

/// Maps a kind of posting to an account of the collective's chart from a day forward; audited.
///
/// # Errors
/// 404 for an unknown collective; 422 for an account the chart does not have, or a day before
/// today.
pub async fn map_account(
    db: &Db,
    caller: &Caller,
    collective_id: i64,
    req: MapAccount,
    today: NaiveDate,
) -> AppResult<book_mapping::Model> {
    let from = req.effective_from.unwrap_or(today);
    db.write(async |tx| {
        let c = collective::Entity::find_by_id(collective_id)
            .one(tx)
            .await?
            .ok_or(AppError::NotFound("collective"))?;
        let code = req.account_code.trim();
        let account = chart::find(c.chart, code);
        let mut v = Validator::default();
        v.check(
            account.is_some(),
            "account_code",
            format!("the chart {} has no account {code}", c.chart.as_str()),
        );
        v.check(
            from >= today,
            "effective_from",
            "a mapping applies from today or a later day, never to the past",
        );
        v.finish()?;
        let row = book_mapping::ActiveModel {
            collective_id: Set(collective_id),
            chart: Set(c.chart),
            posting_kind: Set(req.posting_kind),
            account_code: Set(code.to_owned()),
            effective_from: Set(from),
            created_by: Set(caller.user_id),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        audit::record(
            tx,
            Change::of(
                Some(caller.user_id),
                AuditAction::MapBookAccount,
                AuditEntity::Collective,
                collective_id,
            )
            .after(serde_json::json!({
                "chart": c.chart,
                "posting_kind": req.posting_kind,
                "posting_kind_label": req.posting_kind.label(),
                "account_code": code,
                "account_name": account.map_or("", |a| a.name),
                "effective_from": from,
            })),
        )
        .await?;
        Ok(row)
    })
    .await
}

/// Chooses the chart the collective's books are kept in; audited. Its mapping under the other
/// chart is kept, for a return to it.
///
/// # Errors
/// 404 for an unknown collective.
pub async fn choose_chart(
    db: &Db,
    caller: &Caller,
    collective_id: i64,
    req: ChooseChart,
) -> AppResult<()> {
    db.write(async |tx| {
        let c = collective::Entity::find_by_id(collective_id)
            .one(tx)
            .await?
            .ok_or(AppError::NotFound("collective"))?;
        collective::Entity::update_many()
            .col_expr(collective::Column::Chart, Expr::value(req.chart))
            .filter(collective::Column::Id.eq(collective_id))
            .exec(tx)
            .await?;
        audit::record(
            tx,
            Change::of(
                Some(caller.user_id),
                AuditAction::ChooseChart,
                AuditEntity::Collective,
                collective_id,
            )
            .before(serde_json::json!({"chart": c.chart}))
            .after(serde_json::json!({"chart": req.chart, "chart_label": req.chart.label()})),
        )
        .await?;
        Ok(())
    })
    .await
}
