//! The demo's other income: rents and dividends for both years, Hongguang's topped up to the
//! story's figures.

use super::Story;
use crate::db::Db;
use crate::dto::money::{IncomeQuery, PostIncome, Share};
use crate::services::money::{ledger, reports};
use chrono::{Datelike, NaiveDate};
use zhunong_entity::enums::IncomeCategory;

/// Hongguang's income this year and the year before, in fen, every kind together (sales
/// commission, rents, dividends): the figures the demo's story tells.
const INCOME_THIS_YEAR_FEN: i64 = 116_710_000;
const INCOME_LAST_YEAR_FEN: i64 = 80_000_000;

/// Rents and the four villages' joint dividend for both years, then Hongguang's own share of
/// the joint project, sized so its year's income is the story's.
pub(super) async fn other_income(db: &Db, story: &Story, today: NaiveDate) -> anyhow::Result<()> {
    let e = |err: crate::error::AppError| anyhow::anyhow!("{err}");
    let hongguang = story.collectives[0];
    let only_hongguang = vec![Share {
        collective_id: hongguang,
        shares: 1,
    }];
    let four: Vec<Share> = story
        .collectives
        .iter()
        .map(|c| Share {
            collective_id: *c,
            shares: 1,
        })
        .collect();
    for (year, target) in [
        (today.year() - 1, INCOME_LAST_YEAR_FEN),
        (today.year(), INCOME_THIS_YEAR_FEN),
    ] {
        let day = |m: u32, d: u32| {
            NaiveDate::from_ymd_opt(year, m, d)
                .unwrap_or(today)
                .min(today)
        };
        for (category, fen, on, what, shares) in [
            (
                IncomeCategory::GreenhouseRent,
                18_000_000,
                day(3, 15),
                "蔬菜大棚租金",
                &only_hongguang,
            ),
            (
                IncomeCategory::ColdStoreRent,
                9_600_000,
                day(6, 30),
                "冷库租金",
                &only_hongguang,
            ),
            (
                IncomeCategory::JointDividend,
                20_000_000,
                day(11, 20),
                "四村联建项目分红",
                &four,
            ),
        ] {
            post(
                db,
                story.secretary,
                category,
                fen,
                on,
                format!("{year} 年{what}"),
                shares,
            )
            .await?;
        }
        let so_far = reports::collective_income(
            &db.read,
            IncomeQuery {
                collective_id: hongguang,
                year,
                format: crate::dto::reports::ExportFormat::Json,
                units: crate::dto::reports::Units::Readable,
            },
        )
        .await
        .map_err(e)?
        .total_fen;
        let rest = target - so_far;
        anyhow::ensure!(rest > 0, "the demo's sales alone exceed the story's income");
        post(
            db,
            story.secretary,
            IncomeCategory::JointDividend,
            rest,
            day(12, 28),
            format!("{year} 年光伏联营项目分红（红光村）"),
            &only_hongguang,
        )
        .await?;
    }
    Ok(())
}

async fn post(
    db: &Db,
    actor: i64,
    category: IncomeCategory,
    amount_fen: i64,
    occurred_on: NaiveDate,
    description: String,
    shares: &[Share],
) -> anyhow::Result<()> {
    db.write(async |tx| {
        ledger::post_income_in(
            tx,
            actor,
            PostIncome {
                category,
                amount_fen,
                occurred_on,
                description: description.clone(),
                shares: shares.to_vec(),
                late: false,
            },
        )
        .await
    })
    .await
    .map_err(|err| anyhow::anyhow!("{err}"))?;
    Ok(())
}
