//! Demo data for a village's story: Hongguang village and three neighbours, Wang Fei's
//! 28 mu of Shanghai greens, the Junyu family farm's Sunshine Rose grapes, an enterprise buyer,
//! a few individual buyers, and one secretary, helper and station user; then two seasons of
//! sales history (`history`), so that the office shows real figures on first look.

mod history;
mod income;
mod parcels;
mod today;
pub use history::{History, history};
pub use parcels::Parcels;

use crate::db::Tx;
use crate::dto::auth::CreateUserRequest;
use crate::dto::buyers::{Contact, CreateBuyer};
use crate::dto::catalog::{CreateBatch, CreateCollective, CreateGrower, CreateProduct};
use crate::services::{batches, buyers, collectives, growers, products, users};
use chrono::NaiveDate;
use sea_orm::{EntityTrait, PaginatorTrait};
use zhunong_entity::enums::{BuyerKind, GrowerKind, Pricing, Role};

/// The story's ids, for the history written on top of it.
pub struct Story {
    pub collectives: Vec<i64>,
    pub wang_fei: i64,
    pub junyu: i64,
    /// Shanghai greens, Sunshine Rose grapes, the gift box.
    pub products: [i64; 3],
    pub enterprises: Vec<i64>,
    pub individuals: Vec<i64>,
    pub secretary: i64,
}

/// Loads the story's catalog, buyers and staff into an empty catalog.
///
/// # Errors
/// The catalog already has data, or a write failed.
pub async fn load(tx: &Tx, staff_password: &str) -> anyhow::Result<Story> {
    anyhow::ensure!(
        zhunong_entity::collective::Entity::find().count(tx).await? == 0,
        "the database already has collectives; demo data goes only into an empty catalog"
    );
    let e = |err: crate::error::AppError| anyhow::anyhow!("{err}");

    let mut village_ids = Vec::new();
    for (name, region) in [
        ("红光村股份经济合作社", "安徽 · 红光村"),
        ("东岗村股份经济合作社", "安徽 · 东岗村"),
        ("新桥村股份经济合作社", "安徽 · 新桥村"),
        ("柳湾村股份经济合作社", "安徽 · 柳湾村"),
    ] {
        let c = collectives::create_in(
            tx,
            None,
            CreateCollective {
                name: name.into(),
                region: Some(region.into()),
            },
        )
        .await
        .map_err(e)?;
        village_ids.push(c.id);
    }
    let hongguang = village_ids[0];

    let wang_fei = growers::create_in(
        tx,
        None,
        CreateGrower {
            collective_id: hongguang,
            name: "王飞".into(),
            kind: GrowerKind::Household,
            phone: Some("13900000001".into()),
            area_mu: Some(28),
            note: Some("返乡种植上海青 28 亩".into()),
        },
    )
    .await
    .map_err(e)?;
    let junyu = growers::create_in(
        tx,
        None,
        CreateGrower {
            collective_id: hongguang,
            name: "君宇家庭农场".into(),
            kind: GrowerKind::FamilyFarm,
            phone: Some("13900000002".into()),
            area_mu: Some(40),
            note: Some("阳光玫瑰葡萄".into()),
        },
    )
    .await
    .map_err(e)?;

    let greens = products::create_in(
        tx,
        CreateProduct {
            name: "上海青".into(),
            pricing: Pricing::ByWeight,
            unit_label: None,
        },
    )
    .await
    .map_err(e)?;
    let grapes = products::create_in(
        tx,
        CreateProduct {
            name: "阳光玫瑰葡萄".into(),
            pricing: Pricing::ByWeight,
            unit_label: None,
        },
    )
    .await
    .map_err(e)?;
    let gift_box = products::create_in(
        tx,
        CreateProduct {
            name: "阳光玫瑰礼盒（5斤装）".into(),
            pricing: Pricing::ByPiece,
            unit_label: Some("箱".into()),
        },
    )
    .await
    .map_err(e)?;

    let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default();
    for (product_id, grower_id, code, harvest, grams, retail, enterprise, place) in [
        (
            greens.id,
            wang_fei.id,
            "SHQ-1101",
            date(11, 1),
            1_500_000,
            150,
            120,
            "红光村冷库 1 号",
        ),
        (
            grapes.id,
            junyu.id,
            "YGMG-0901",
            date(9, 1),
            5_000_000,
            1_500,
            1_200,
            "君宇农场冷库",
        ),
        (
            gift_box.id,
            junyu.id,
            "YGMG-BOX-01",
            date(9, 1),
            200,
            8_800,
            7_500,
            "君宇农场冷库",
        ),
    ] {
        batches::create_in(
            tx,
            None,
            CreateBatch {
                product_id,
                grower_id,
                code: Some(code.into()),
                harvest_date: harvest,
                quantity: grams,
                retail_price_fen: retail,
                enterprise_price_fen: enterprise,
                storage_place: Some(place.into()),
            },
        )
        .await
        .map_err(e)?;
    }

    let mut enterprises = Vec::new();
    let union = buyers::create_in(
        tx,
        None,
        CreateBuyer {
            kind: BuyerKind::Enterprise,
            name: "皖酒集团工会".into(),
            phone: Some("05510000001".into()),
            address: Some("合肥市经开区".into()),
            company: Some("皖酒集团有限公司".into()),
            contacts: vec![Contact {
                name: "赵经理".into(),
                phone: Some("13700000001".into()),
                title: Some("工会采购".into()),
            }],
            payment_terms: Some("月结 30 天".into()),
            douyin_nickname: None,
        },
    )
    .await
    .map_err(e)?;
    enterprises.push(union.id);
    let market = buyers::create_in(
        tx,
        None,
        CreateBuyer {
            kind: BuyerKind::Enterprise,
            name: "市农产品公司".into(),
            phone: Some("05510000002".into()),
            address: Some("市农产品批发市场".into()),
            company: Some("市农产品有限公司".into()),
            contacts: vec![],
            payment_terms: Some("货到付款".into()),
            douyin_nickname: None,
        },
    )
    .await
    .map_err(e)?;
    enterprises.push(market.id);
    let mut individuals = Vec::new();
    // With the nicknames the helper hears in the live room.
    for (name, phone, address, nickname) in [
        ("李女士", "13800000001", "合肥市蜀山区", "蜀山葡萄迷"),
        ("张先生", "13800000002", "南京市鼓楼区", "金陵老张"),
        ("陈阿姨", "13800000003", "红光村三组", "红光陈阿姨"),
    ] {
        let b = buyers::create_in(
            tx,
            None,
            CreateBuyer {
                kind: BuyerKind::Individual,
                name: name.into(),
                phone: Some(phone.into()),
                address: Some(address.into()),
                company: None,
                contacts: vec![],
                payment_terms: None,
                douyin_nickname: Some(nickname.into()),
            },
        )
        .await
        .map_err(e)?;
        individuals.push(b.id);
    }

    let mut secretary = 0;
    for (username, name, role) in [
        ("secretary", "王书记", Role::Secretary),
        ("helper", "李小红", Role::Helper),
        ("station", "赵师傅", Role::Station),
    ] {
        let u = users::create_in(
            tx,
            None,
            CreateUserRequest {
                username: username.into(),
                display_name: Some(name.into()),
                password: staff_password.into(),
                role,
            },
        )
        .await
        .map_err(e)?;
        if role == Role::Secretary {
            secretary = u.id;
        }
    }
    Ok(Story {
        collectives: village_ids,
        wang_fei: wang_fei.id,
        junyu: junyu.id,
        products: [greens.id, grapes.id, gift_box.id],
        enterprises,
        individuals,
        secretary,
    })
}
