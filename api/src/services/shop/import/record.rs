//! The kept record of every import: who, when, the file's name and SHA-256, the totals, the
//! columns used and not recognised, and the per-row results as the CSV the office downloads.

use crate::db::Db;
use crate::domain::caller::Caller;
use crate::dto::shop::{ImportBrief, ImportOut, ImportTotals, RowOutcome, RowResult, UnmappedSku};
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, Change};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryOrder, QuerySelect, Set};
use sha2::{Digest, Sha256};
use zhunong_entity::enums::{AuditAction, AuditEntity};
use zhunong_entity::shop_import;

/// Rows of results an answer lists; the results file has them all.
const ROWS_IN_ANSWER: usize = 1_000;
/// Imports the history lists.
const HISTORY: u64 = 100;

/// Opens the record, so the orders written can name it.
///
/// # Errors
/// Database errors.
pub async fn start(
    db: &Db,
    caller: &Caller,
    file_name: &str,
    bytes: &[u8],
    dry_run: bool,
) -> AppResult<i64> {
    let sha256: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let name: String = file_name.trim().chars().take(200).collect();
    db.write(async |tx| {
        let m = shop_import::ActiveModel {
            file_name: Set(name.clone()),
            sha256: Set(sha256.clone()),
            dry_run: Set(dry_run),
            created_by: Set(caller.user_id),
            created_at: Set(chrono::Utc::now()),
            rows_total: Set(0),
            rows_new: Set(0),
            rows_unchanged: Set(0),
            rows_updated: Set(0),
            rows_refused: Set(0),
            columns_used: Set(String::new()),
            columns_unknown: Set(String::new()),
            results_csv: Set(String::new()),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        Ok(m.id)
    })
    .await
}

/// The per-row results as they come, part by part: the totals, the results file, and the rows
/// the answer lists (those not plainly new or unchanged, at most [`ROWS_IN_ANSWER`]).
pub struct Results {
    totals: ImportTotals,
    csv: String,
    listed: Vec<RowResult>,
}

impl Default for Results {
    fn default() -> Self {
        let header = [
            "行号",
            "主订单编号",
            "子订单编号",
            "结果",
            "原因",
            "本系统订单号",
        ];
        let mut csv = String::from("\u{feff}");
        csv.push_str(&crate::render::csv_row(
            &header.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>(),
        ));
        Self {
            totals: ImportTotals::default(),
            csv,
            listed: Vec::new(),
        }
    }
}

impl Results {
    pub fn add(&mut self, r: RowResult) {
        let t = &mut self.totals;
        t.rows += 1;
        match r.outcome {
            RowOutcome::New => t.new += 1,
            RowOutcome::Unchanged => t.unchanged += 1,
            RowOutcome::Updated => t.updated += 1,
            RowOutcome::Skipped => t.skipped += 1,
            RowOutcome::Refused => t.refused += 1,
        }
        self.csv.push_str(&crate::render::csv_row_keeping_text(
            &[
                r.line.to_string(),
                r.platform_order_id.clone(),
                r.sub_order_id.clone(),
                r.outcome.label().to_owned(),
                r.reason.clone(),
                r.order_number.clone().unwrap_or_default(),
            ],
            &[1, 2],
        ));
        let plain = matches!(r.outcome, RowOutcome::New | RowOutcome::Unchanged);
        if !plain && self.listed.len() < ROWS_IN_ANSWER {
            self.listed.push(r);
        }
    }

    /// What the new orders earn the village for their goods.
    pub fn add_new_sale(&mut self, fen: i64) {
        self.totals.new_sale_fen += fen;
    }
}

pub struct Finished {
    pub id: i64,
    pub used: Vec<String>,
    pub unknown: Vec<String>,
    pub unmapped: Vec<UnmappedSku>,
    pub results: Results,
}

/// Writes the results into the record and answers the import.
///
/// # Errors
/// Database errors.
pub async fn finish(db: &Db, caller: &Caller, f: Finished) -> AppResult<ImportOut> {
    let Results {
        totals,
        mut csv,
        listed,
    } = f.results;
    let stored = db
        .write(async |tx| {
            let m = shop_import::Entity::find_by_id(f.id)
                .one(tx)
                .await?
                .ok_or(AppError::NotFound("import"))?;
            let mut a: shop_import::ActiveModel = m.into();
            a.rows_total = Set(totals.rows);
            a.rows_new = Set(totals.new);
            a.rows_unchanged = Set(totals.unchanged);
            a.rows_updated = Set(totals.updated);
            a.rows_refused = Set(totals.refused);
            a.columns_used = Set(f.used.join(","));
            a.columns_unknown = Set(f.unknown.join(","));
            // Moved, not copied: for a long file it is megabytes.
            a.results_csv = Set(std::mem::take(&mut csv));
            let m = a.update(tx).await?;
            if !m.dry_run {
                audit::record(
                    tx,
                    Change::of(
                        Some(caller.user_id),
                        AuditAction::ImportShopOrders,
                        AuditEntity::ShopImport,
                        m.id,
                    )
                    .after(serde_json::json!({
                        "file_name": m.file_name,
                        "sha256": m.sha256,
                        "rows": totals.rows,
                        "new": totals.new,
                        "updated": totals.updated,
                        "refused": totals.refused,
                    })),
                )
                .await?;
            }
            Ok(m)
        })
        .await?;
    Ok(ImportOut {
        id: stored.id,
        dry_run: stored.dry_run,
        file_name: stored.file_name,
        sha256: stored.sha256,
        created_at: stored.created_at,
        totals,
        columns_used: f.used,
        columns_unknown: f.unknown,
        unmapped: f.unmapped,
        rows: listed,
    })
}

fn brief(m: shop_import::Model) -> ImportBrief {
    let skipped = m.rows_total - m.rows_new - m.rows_unchanged - m.rows_updated - m.rows_refused;
    ImportBrief {
        id: m.id,
        dry_run: m.dry_run,
        file_name: m.file_name,
        sha256: m.sha256,
        created_by: m.created_by,
        created_at: m.created_at,
        totals: ImportTotals {
            rows: m.rows_total,
            new: m.rows_new,
            unchanged: m.rows_unchanged,
            updated: m.rows_updated,
            skipped,
            refused: m.rows_refused,
            new_sale_fen: 0,
        },
    }
}

/// The latest imports, newest first.
///
/// # Errors
/// Database errors.
pub async fn list(db: &impl ConnectionTrait) -> AppResult<Vec<ImportBrief>> {
    Ok(shop_import::Entity::find()
        .order_by_desc(shop_import::Column::Id)
        .limit(HISTORY)
        .all(db)
        .await?
        .into_iter()
        .map(brief)
        .collect())
}

/// One import.
///
/// # Errors
/// 404 for an unknown import.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> AppResult<ImportBrief> {
    shop_import::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(brief)
        .ok_or(AppError::NotFound("import"))
}

/// The per-row results file of an import.
///
/// # Errors
/// 404 for an unknown import.
pub async fn results_csv(db: &impl ConnectionTrait, id: i64) -> AppResult<String> {
    shop_import::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|m| m.results_csv)
        .ok_or(AppError::NotFound("import"))
}
