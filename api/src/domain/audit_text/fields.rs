//! The details of each kind of entry: fields by their Chinese names, values in 元, 斤 and the
//! words the pages use for statuses and roles.

use super::{Ctx, LineOf, Record, money, weight, with_reason};
use crate::domain::labels::{Label, of_code};
use serde_json::Value;
use zhunong_entity::enums::{
    AuditAction, AuditEntity, BatchStatus, BuyerKind, CaseDecision, CaseReason, Fulfilment,
    GrowerKind, LoadStatus, OrderStatus, PaymentMethod, Role,
};

/// The fields shown, in the order they are read, with their Chinese names; any other stored
/// field stays in the raw record only.
const FIELDS: [(&str, &str); 24] = [
    ("name", "名称"),
    ("display_name", "显示名"),
    ("role", "角色"),
    ("active", "可登录"),
    ("kind", "类型"),
    ("status", "状态"),
    ("code", "批次号"),
    ("stock_qty", "库存"),
    ("live_price_fen", "直播价"),
    ("per_buyer_limit", "每人限购"),
    ("on_sale", "在售"),
    ("retail_price_fen", "零售价"),
    ("enterprise_price_fen", "企业价"),
    ("harvest_date", "采收日期"),
    ("storage_place", "存放位置"),
    ("phone", "电话"),
    ("company", "单位"),
    ("address", "地址"),
    ("douyin_nickname", "抖音昵称"),
    ("payment_terms", "结算方式"),
    ("collective_id", "所属集体"),
    ("region", "地区"),
    ("area_mu", "面积（亩）"),
    ("note", "备注"),
];

/// A stored code as the pages show it (`confirmed` → 已确认); for `open`, what it means
/// depends on what is open.
fn value_label(entity: AuditEntity, code: &str) -> Option<&'static str> {
    match entity {
        AuditEntity::Batch => of_code::<BatchStatus>(code),
        AuditEntity::Load => of_code::<LoadStatus>(code),
        _ => None,
    }
    .or_else(|| of_code::<OrderStatus>(code))
    .or_else(|| of_code::<Role>(code))
    .or_else(|| of_code::<GrowerKind>(code))
    .or_else(|| of_code::<BuyerKind>(code))
}

fn method(v: Option<&Value>) -> Option<&'static str> {
    v.cloned()
        .and_then(|v| serde_json::from_value::<PaymentMethod>(v).ok())
        .map(Label::label)
}

/// One value in words: money in 元, stock in the batch's unit, codes as labels.
fn show(c: &Ctx<'_>, key: &str, v: Option<&Value>) -> String {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        // No limit is not an empty limit.
        return (if key == "per_buyer_limit" {
            "不限"
        } else {
            "空"
        })
        .to_owned();
    };
    match v {
        Value::Bool(b) => (if *b { "是" } else { "否" }).to_owned(),
        Value::Number(n) => {
            let n = n.as_i64().unwrap_or(0);
            if key.ends_with("_fen") {
                money(n)
            } else if key.ends_with("_g") {
                weight(n)
            } else if key == "stock_qty" {
                let batch = (c.r.entity == AuditEntity::Batch).then_some(c.r.entity_id);
                c.quantity(batch, n)
            } else if key == "per_buyer_limit" {
                c.quantity(c.r.after_i64("batch_id"), n)
            } else if key == "collective_id" {
                c.names
                    .collectives
                    .get(&n)
                    .cloned()
                    .unwrap_or_else(|| "另一个集体".into())
            } else {
                n.to_string()
            }
        }
        Value::String(s) => value_label(c.r.entity, s).map_or_else(|| s.clone(), str::to_owned),
        _ => "（见原始记录）".to_owned(),
    }
}

/// "字段 旧 → 新" for each shown field that differs; for a record without a before, "字段 新".
fn differences(c: &Ctx<'_>) -> Vec<String> {
    let before = c.r.before.and_then(Value::as_object);
    let after = c.r.after.and_then(Value::as_object);
    FIELDS
        .iter()
        .filter_map(|(k, label)| {
            let new = after.and_then(|a| a.get(*k));
            let old = before.and_then(|b| b.get(*k));
            match (before, old, new) {
                (_, None, None) => None,
                (Some(_), old, new) if old == new => None,
                (Some(_), old, new) => {
                    Some(format!("{label} {} → {}", show(c, k, old), show(c, k, new)))
                }
                // A new record: only what was filled in.
                (None, _, None | Some(Value::Null)) => None,
                (None, _, new) => Some(format!("{label} {}", show(c, k, new))),
            }
        })
        .collect()
}

/// A featured batch changed during a show: its live price, limit or being on sale.
pub(super) fn featured(c: &Ctx<'_>) -> String {
    let subject =
        c.r.after_i64("batch_id")
            .map_or_else(|| "一个批次".to_owned(), |b| c.batch(b));
    changed(c, &format!("直播中的{subject}"), "修改了")
}

/// "修改了{subject}：字段 旧 → 新，…".
pub(super) fn changed(c: &Ctx<'_>, subject: &str, verb: &str) -> String {
    let d = differences(c);
    if d.is_empty() {
        format!("{verb}{subject}")
    } else {
        format!("{verb}{subject}：{}", d.join("，"))
    }
}

pub(super) fn created_user(c: &Ctx<'_>) -> String {
    let r = c.r;
    let name = r
        .after_text("display_name")
        .map_or_else(|| c.user(r.entity_id), |n| format!("账号「{n}」"));
    match r.after("role").and_then(Value::as_str) {
        Some(role) => format!(
            "新建了{name}，角色：{}",
            value_label(AuditEntity::User, role).unwrap_or("其他")
        ),
        None => format!("新建了{name}"),
    }
}

pub(super) fn batch(c: &Ctx<'_>) -> String {
    let r = c.r;
    let subject = c.batch(r.entity_id);
    let s = match r.action {
        AuditAction::CreateBatch => changed(c, &subject, "新建了"),
        AuditAction::AdjustStock => {
            let stock =
                |v: Option<&Value>| v.and_then(|v| v.get("stock_qty")).and_then(Value::as_i64);
            match (stock(r.before), stock(r.after)) {
                (Some(a), Some(b)) => format!(
                    "调整了{subject}的库存：{} → {}",
                    c.quantity(Some(r.entity_id), a),
                    c.quantity(Some(r.entity_id), b)
                ),
                _ => format!("调整了{subject}的库存"),
            }
        }
        _ => changed(c, &subject, "修改了"),
    };
    super::with_reason(s, r)
}

/// A line's weighed state: "称重 a → b，金额 x → y".
fn line_moves(r: &Record<'_>) -> Vec<String> {
    let at = |v: Option<&Value>, k: &str| {
        v.and_then(|v| v.get("line").or(Some(v)))
            .and_then(|l| l.get(k))
            .and_then(Value::as_i64)
    };
    let before = r.before;
    let after = r.after;
    let mut out = Vec::new();
    let pair = |k: &str, f: fn(i64) -> String| match (at(before, k), at(after, k)) {
        (Some(a), Some(b)) if a != b => Some(format!("{} → {}", f(a), f(b))),
        (None, Some(b)) => Some(f(b)),
        (Some(a), Some(_)) => Some(f(a)),
        _ => None,
    };
    if let Some(w) = pair("weighed_g", weight) {
        out.push(format!("称重 {w}"));
    }
    if let Some(m) = pair("final_amount_fen", money) {
        out.push(format!("金额 {m}"));
    }
    out
}

pub(super) fn weighing(c: &Ctx<'_>) -> String {
    let r = c.r;
    let of: Option<LineOf> = match r.entity {
        AuditEntity::WeighTicket => c.names.tickets.get(&r.entity_id).copied(),
        _ => c.names.lines.get(&r.entity_id).copied(),
    };
    let (line, batch) = c.line(of);
    let mut parts = line_moves(r);
    let head = match r.action {
        AuditAction::Weigh => {
            let crates = r
                .after("tickets")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            format!("为{line}称重 {crates} 筐")
        }
        AuditAction::CompleteWeighing => {
            if let Some(back) = r.after_i64("returned").filter(|b| *b > 0) {
                parts.push(format!("{} 退回库存", c.quantity(batch, back)));
            }
            format!("确认{line}称重完成")
        }
        _ => format!("作废了{line}的一张磅单"),
    };
    let flagged = r
        .after("line")
        .and_then(|l| l.get("flagged"))
        .and_then(Value::as_bool);
    if flagged == Some(true) && r.action == AuditAction::Weigh {
        parts.push("超出容差，待审批".to_owned());
    }
    let s = if parts.is_empty() {
        head
    } else {
        format!("{head}：{}", parts.join("，"))
    };
    super::with_reason(s, r)
}

pub(super) fn advance_load(c: &Ctx<'_>) -> String {
    let r = c.r;
    let load = c.load(r.entity_id);
    let status = r
        .after("status")
        .and_then(Value::as_str)
        .and_then(|s| value_label(AuditEntity::Load, s))
        .unwrap_or("下一步");
    let mut s = format!("把{load}标为{status}");
    if let Some(who) = r.after_text("received_by") {
        s.push_str(&format!("，签收人 {who}"));
    }
    s
}

pub(super) fn payment(c: &Ctx<'_>) -> String {
    let r = c.r;
    let amount = r.after_i64("amount_fen").unwrap_or(0);
    let how = method(r.after("method")).unwrap_or("其他方式");
    let reference = r
        .after_text("reference")
        .map(|x| format!("，单号 {x}"))
        .unwrap_or_default();
    let order = c.order(r.entity_id);
    let mut s = if amount < 0 {
        format!("为{order}登记退款 {}（{how}{reference}）", money(-amount))
    } else {
        format!("为{order}登记收款 {}（{how}{reference}）", money(amount))
    };
    if let (Some(paid), Some(due)) = (r.after_i64("paid_fen"), r.after_i64("due_fen")) {
        s.push_str(&format!("，已收 {} / 应收 {}", money(paid), money(due)));
    }
    super::with_reason(s, r)
}

pub(super) fn settled(c: &Ctx<'_>) -> String {
    let r = c.r;
    let how = match r.after("trigger").and_then(Value::as_str) {
        Some("payment") => "（收齐款后自动结算）",
        Some("delivery") => "（送达时已收齐款，自动结算）",
        _ => "",
    };
    format!(
        "结算了{}，金额 {}{how}",
        c.order(r.entity_id),
        money(r.after_i64("amount_fen").unwrap_or(0))
    )
}

pub(super) fn statement(c: &Ctx<'_>) -> String {
    let r = c.r;
    let grower = Ctx::named(&c.names.growers, r.entity_id, "种植户");
    let day = |k: &str| r.after_text(k).unwrap_or("?").to_owned();
    let amount = |k: &str| money(r.after_i64(k).unwrap_or(0));
    format!(
        "为{grower}出具了对账单（{} 至 {}）：本期应付 {}，本期已付 {}，结余 {}",
        day("period_from"),
        day("period_to"),
        amount("payable_fen"),
        amount("paid_out_fen"),
        amount("balance_fen")
    )
}

pub(super) fn payout(c: &Ctx<'_>) -> String {
    let r = c.r;
    let grower = Ctx::named(&c.names.growers, r.entity_id, "种植户");
    let how = method(r.after("method")).unwrap_or("其他方式");
    let reference = r
        .after_text("reference")
        .map(|x| format!("，单号 {x}"))
        .unwrap_or_default();
    format!(
        "付款给{grower}{}（{how}{reference}）",
        money(r.after_i64("amount_fen").unwrap_or(0))
    )
}

pub(super) fn rule(c: &Ctx<'_>) -> String {
    let r = c.r;
    let target = if let Some(b) = r.after_i64("batch_id") {
        c.batch(b)
    } else if let Some(p) = r.after_i64("product_id") {
        c.names
            .products
            .get(&p)
            .map_or_else(|| "一种产品".to_owned(), |n| format!("产品「{n}」"))
    } else if let Some(ch) = r.after("channel").and_then(Value::as_str) {
        format!(
            "{}渠道",
            of_code::<zhunong_entity::enums::Channel>(ch).unwrap_or("其他")
        )
    } else {
        "全部".to_owned()
    };
    let bp = r.after_i64("basis_points").unwrap_or(0);
    let mut s = format!(
        "新建了抽成规则：{target}，按金额抽 {}.{:02}%",
        bp / 100,
        bp % 100
    );
    if let Some(f) = r.after_i64("fen_per_jin").filter(|f| *f != 0) {
        s.push_str(&format!("，另每斤 {}", money(f)));
    }
    if let Some(d) = r.after_text("valid_from") {
        s.push_str(&format!("，自 {d} 起"));
    }
    s
}

/// Packing, shipping and handing over: what happened to which parcel of which order.
pub(super) fn shipping(c: &Ctx<'_>) -> String {
    use crate::domain::shipping::carrier_name;
    let r = c.r;
    let order = c.order(r.entity_id);
    let parcel = r
        .after_i64("parcel_id")
        .or_else(|| r.before("parcel_id").and_then(Value::as_i64))
        .map_or_else(|| "包裹".to_owned(), |p| format!("第 {p} 号包裹"));
    let carrier = r
        .after_text("carrier")
        .and_then(carrier_name)
        .unwrap_or("快递");
    let tracking = r
        .after_text("tracking_no")
        .map(|t| format!("，运单号 {t}"))
        .unwrap_or_default();
    match r.action {
        AuditAction::ChangeFulfilment => {
            let to = r
                .after("fulfilment")
                .and_then(Value::as_str)
                .and_then(|f| of_code::<Fulfilment>(f))
                .unwrap_or("另一种方式");
            format!("把{order}的配送方式改为{to}")
        }
        AuditAction::PackParcel => format!("把{order}装进{parcel}（{carrier}{tracking}）"),
        AuditAction::UnpackParcel => format!("拆开了{order}的{parcel}"),
        AuditAction::ShipParcel => format!("发出了{order}的{parcel}（{carrier}{tracking}）"),
        AuditAction::DeliverParcel
            if r.after("automatic").and_then(Value::as_bool) == Some(true) =>
        {
            let days = r.after_i64("days").unwrap_or(0);
            format!("{order}的{parcel}发货满 {days} 天，按规则自动视为签收")
        }
        AuditAction::DeliverParcel => format!("登记{order}的{parcel}已签收"),
        AuditAction::HandOverPickup => format!("在自提点把{order}交给买家（提货码核对无误）"),
        _ => format!("重发了{order}的买家查看链接，旧链接作废"),
    }
}

/// After-sales: who opened which case and why, and what the village answered.
pub(super) fn after_sales(c: &Ctx<'_>) -> String {
    let r = c.r;
    let order = c.order(r.entity_id);
    let case = r
        .after_i64("case_id")
        .map_or_else(|| "售后单".to_owned(), |id| format!("售后单 {id}"));
    match r.action {
        AuditAction::OpenCase => {
            let why = r
                .after("reason")
                .and_then(Value::as_str)
                .and_then(of_code::<CaseReason>)
                .unwrap_or("其他");
            let who = if r.after("by_buyer").and_then(Value::as_bool) == Some(true) {
                "买家在订单页"
            } else {
                ""
            };
            let claim = r
                .after_i64("claimed_fen")
                .map(|f| format!("，申请 {}", money(f)))
                .unwrap_or_default();
            format!("{who}为{order}发起{case}（{why}{claim}）")
        }
        AuditAction::DecideCase => {
            let what = r
                .after("decision")
                .and_then(Value::as_str)
                .and_then(of_code::<CaseDecision>)
                .unwrap_or("答复");
            let amount = r
                .after_i64("amount_fen")
                .map(|f| format!("，退款 {}", money(f)))
                .unwrap_or_default();
            with_reason(format!("处理{order}的{case}：{what}{amount}"), r)
        }
        AuditAction::CloseCase => format!("关闭了{order}的{case}"),
        _ => format!("重新打开了{order}的{case}"),
    }
}
