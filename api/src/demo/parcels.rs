//! The demo's livestream parcels: viewers across the country, each with their recipient read from
//! a pasted message, their box weighed, packed with a tracking number and shipped (most already
//! signed for); two pickups at the village committee (one collected); and after-sales cases: one
//! open, one refunded in part after settlement, one reshipped. All through the services, as the
//! pages make them.

use crate::db::Db;
use crate::domain::address::parse;
use crate::domain::caller::Caller;
use crate::domain::units::{OrderId, OrderLineId};
use crate::dto::after_sales::{DecideCase, DecisionIn, NewCase};
use crate::dto::fulfilment::{NewPickupPoint, PackParcel, RecipientIn, ShipParcel};
use crate::dto::orders::{CreateOrder, NewOrderLine};
use crate::services::orders::{OrderContext, Placer};
use crate::services::{after_sales, fulfilment, money, orders, weighing};
use zhunong_entity::enums::{CaseReason, Channel, Fulfilment, PaymentMethod};

/// Viewers' messages as a helper pastes them.
const VIEWERS: [&str; 8] = [
    "王秀英 13955101234 安徽省合肥市蜀山区稻香村街道琥珀山庄5栋302",
    "收货人：陈建国，电话：13812345678，地址：江苏省南京市鼓楼区湖南路街道中山北路88号",
    "李娜 13588887777 浙江省杭州市西湖区文新街道学院路77号",
    "张伟 18620001111 广东省深圳市南山区粤海街道科技园路1号",
    "刘芳 13701019999 北京市朝阳区建国门外街道建国路88号",
    "赵磊 13916662222 上海市浦东新区张江镇碧波路500号",
    "孙丽 18980803333 四川省成都市武侯区浆洗街街道人民南路四段12号",
    "周强 13703714444 河南省郑州市金水区经八路街道纬五路10号",
];

fn recipient(text: &str) -> RecipientIn {
    let p = parse(text);
    RecipientIn {
        name: p.name,
        phone: p.phone,
        province: p.province,
        city: p.city,
        district: p.district,
        street: p.street,
        detail: p.detail,
        raw_text: Some(p.raw_text),
        unsure: p.unsure,
    }
}

/// Places, confirms and weighs one box (4 jin) of `batch` for `buyer`; its id.
async fn weighed_box(
    db: &Db,
    ctx: &OrderContext<'_>,
    caller: &Caller,
    buyer: i64,
    batch: i64,
    how: (Fulfilment, Option<RecipientIn>, Option<i64>),
) -> anyhow::Result<i64> {
    let e = |err: crate::error::AppError| anyhow::anyhow!("{err}");
    let placed = orders::place(
        db,
        ctx,
        Placer::Staff(caller),
        CreateOrder {
            buyer_id: buyer,
            channel: Channel::Livestream,
            note: None,
            live_session_id: None,
            lines: vec![NewOrderLine {
                batch_id: batch,
                quantity: 2_000,
            }],
            fulfilment: Some(how.0),
            recipient: how.1,
            pickup_point_id: how.2,
        },
        None,
    )
    .await
    .map_err(e)?;
    let v: serde_json::Value = serde_json::from_str(&placed.body)?;
    let id = v["id"].as_i64().unwrap_or_default();
    let line = v["lines"][0]["line_id"].as_i64().unwrap_or_default();
    orders::confirm(db, caller, OrderId::new(id))
        .await
        .map_err(e)?;
    let limits = weighing::WeighLimits {
        tolerance_bp: 500,
        max_gross_g: 1_000_000,
        max_crates: 10,
    };
    let wait = std::time::Duration::from_secs(5);
    let req = crate::dto::weighing::WeighRequest {
        order_line_id: line,
        scale_id: "1号秤".into(),
        note: None,
        crates: vec![crate::dto::weighing::Crate {
            gross_g: 2_150,
            tare_g: 150,
        }],
    };
    weighing::weigh(db, ctx.facts, caller, req, limits, None, wait)
        .await
        .map_err(e)?;
    weighing::complete_line(
        db,
        ctx.facts,
        caller,
        OrderLineId::new(line),
        500,
        None,
        wait,
    )
    .await
    .map_err(e)?;
    Ok(id)
}

/// What the demo made: parcels shipped, pickups, cases.
pub struct Parcels {
    pub shipped: usize,
    pub pickups: usize,
    pub cases: usize,
}

pub(super) async fn livestream_parcels(
    db: &Db,
    ctx: &OrderContext<'_>,
    caller: &Caller,
    buyers: &[i64],
    batch: i64,
) -> anyhow::Result<Parcels> {
    let e = |err: crate::error::AppError| anyhow::anyhow!("{err}");
    crate::services::batches::update(
        db,
        caller.user_id,
        batch,
        crate::dto::catalog::UpdateBatch {
            code: None,
            harvest_date: None,
            retail_price_fen: None,
            enterprise_price_fen: None,
            storage_place: None,
            status: None,
            stock_adjustment: Some(30_000),
            reason: Some("直播备货入库 60 斤".into()),
        },
    )
    .await
    .map_err(e)?;
    let point = fulfilment::pickup_points::create(
        db,
        NewPickupPoint {
            name: "红光村村委会".into(),
            address: "红光村村委会一楼（村口）".into(),
            hours: "每天 8:00–18:00".into(),
            active: None,
        },
    )
    .await
    .map_err(e)?;
    fulfilment::pickup_points::create(
        db,
        NewPickupPoint {
            name: "张村镇供销社".into(),
            address: "张村镇人民路 18 号".into(),
            hours: "周一至周六 9:00–17:00".into(),
            active: None,
        },
    )
    .await
    .map_err(e)?;
    let today = ctx.today;
    let wait = std::time::Duration::from_secs(5);
    let mut shipped = Vec::new();
    for (i, text) in VIEWERS.iter().enumerate() {
        let buyer = buyers[(i * 5 + 3) % buyers.len()];
        let order = weighed_box(
            db,
            ctx,
            caller,
            buyer,
            batch,
            (Fulfilment::Parcel, Some(recipient(text)), None),
        )
        .await?;
        let carrier = ["zhongtong", "yunda", "shunfeng", "jtexpress"][i % 4];
        let parcel = fulfilment::pack::pack(
            db,
            caller,
            PackParcel {
                order_ids: vec![order],
                crate_ids: None,
                weight_g: 2_400,
                carrier: carrier.into(),
                tracking_no: Some(format!(
                    "{}{:010}",
                    ["ZT", "YD", "SF", "JT"][i % 4],
                    7_531_000 + i
                )),
                shipping_cost_fen: Some(800),
            },
        )
        .await
        .map_err(e)?;
        fulfilment::progress::ship(
            db,
            caller.user_id,
            parcel.id,
            ShipParcel {
                tracking_no: None,
                carrier: None,
            },
        )
        .await
        .map_err(e)?;
        if i < 2 {
            // Paid in full before it arrives: it settles on delivery.
            let due = orders::load_out(&db.read, OrderId::new(order))
                .await
                .map_err(e)?;
            let amount_fen = due.final_total_fen.unwrap_or(due.total_fen);
            let pay = crate::dto::money::RecordPayment {
                amount_fen,
                method: PaymentMethod::WechatPay,
                reference: Some(format!("抖音{order}")),
                reason: None,
                paid_at: None,
            };
            money::payments::record(db, caller, OrderId::new(order), pay, None, today, wait)
                .await
                .map_err(e)?;
        }
        if i < 6 {
            fulfilment::progress::deliver(db, caller.user_id, parcel.id, today)
                .await
                .map_err(e)?;
        }
        shipped.push(order);
    }
    // Two pickups at the village committee; one collected.
    let mut pickups = 0;
    for i in 0..2 {
        let order = weighed_box(
            db,
            ctx,
            caller,
            buyers[(i * 3 + 1) % buyers.len()],
            batch,
            (Fulfilment::Pickup, None, Some(point.id)),
        )
        .await?;
        if i == 0 {
            let code = fulfilment::read::fulfilment(&db.read, OrderId::new(order))
                .await
                .map_err(e)?
                .pickup_code
                .unwrap_or_default();
            let limits = fulfilment::pickup::PickupLimits {
                max_failures: 5,
                lock: chrono::Duration::minutes(15),
            };
            fulfilment::pickup::hand_over(
                db,
                caller.user_id,
                OrderId::new(order),
                &code,
                limits,
                today,
            )
            .await
            .map_err(e)?;
        }
        pickups += 1;
    }
    // After-sales: refunded in part after settlement, reshipped, and one still open.
    let times = after_sales::CaseTimes {
        answer: chrono::Duration::hours(48),
        window: chrono::Duration::hours(48),
    };
    let by = after_sales::Opener::Staff(caller.user_id);
    let case = |reason, note: &str, claimed| NewCase {
        order_id: None,
        kind: None,
        reason,
        note: Some(note.into()),
        line_ids: None,
        claimed_fen: claimed,
        claimed_g: None,
        claimed_count: None,
    };
    let refunded = after_sales::open(
        db,
        by,
        shipped[0],
        case(CaseReason::BadFruit, "到货压坏两串，有照片", Some(600)),
        times,
    )
    .await
    .map_err(e)?;
    after_sales::decide::decide(
        db,
        caller,
        refunded.id,
        DecideCase {
            decision: DecisionIn::PartlyAgree,
            amount_fen: Some(400),
            reason: Some("按坏果比例退款".into()),
        },
        ctx,
    )
    .await
    .map_err(e)?;
    let mut reship = case(CaseReason::NotReceived, "快递显示签收，买家没收到", None);
    reship.kind = Some(zhunong_entity::enums::CaseKind::Reship);
    let reshipped = after_sales::open(db, by, shipped[2], reship, times)
        .await
        .map_err(e)?;
    after_sales::decide::decide(
        db,
        caller,
        reshipped.id,
        DecideCase {
            decision: DecisionIn::Reship,
            amount_fen: None,
            reason: Some("补发一箱".into()),
        },
        ctx,
    )
    .await
    .map_err(e)?;
    after_sales::open(
        db,
        by,
        shipped[3],
        case(CaseReason::ShortWeight, "说少了半斤", Some(150)),
        times,
    )
    .await
    .map_err(e)?;
    Ok(Parcels {
        shipped: shipped.len(),
        pickups,
        cases: 3,
    })
}
