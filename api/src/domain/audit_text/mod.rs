//! The audit log read as sentences: who did what, to which order, buyer, grower or batch (by
//! name), from what to what, in 元 and 斤. The raw record stays in the log; this is what a
//! secretary reads. Pure: the names come in a [`Names`] the caller loaded.

mod fields;

use super::format::{jin, yuan};
use super::order_number;
use serde_json::Value;
use std::collections::HashMap;
use zhunong_entity::enums::{AuditAction, AuditEntity};

/// An order line or a weigh ticket, by what it belongs to.
#[derive(Clone, Copy, Debug)]
pub struct LineOf {
    pub order_id: i64,
    pub batch_id: i64,
}

/// A batch as a person names it, and how its stock is counted.
#[derive(Clone, Debug)]
pub struct BatchName {
    /// `巨峰葡萄 JF-A`: the product and the batch code (or harvest date).
    pub label: String,
    /// `Some("箱")` for a product counted by the piece; `None` for one sold by weight.
    pub piece_unit: Option<String>,
}

/// The names the sentences need, by id; what is missing reads as a neutral phrase, never as an
/// id.
#[derive(Debug, Default)]
pub struct Names {
    /// Staff: display name, else login name.
    pub users: HashMap<i64, String>,
    /// Order id → the buyer's name.
    pub order_buyers: HashMap<i64, String>,
    pub lines: HashMap<i64, LineOf>,
    pub tickets: HashMap<i64, LineOf>,
    pub batches: HashMap<i64, BatchName>,
    /// Load id → its truck's plate.
    pub loads: HashMap<i64, String>,
    pub growers: HashMap<i64, String>,
    pub buyers: HashMap<i64, String>,
    pub collectives: HashMap<i64, String>,
    pub products: HashMap<i64, String>,
}

/// One row of the log, as stored.
pub struct Record<'a> {
    pub actor: Option<i64>,
    pub action: AuditAction,
    pub entity: AuditEntity,
    pub entity_id: i64,
    pub before: Option<&'a Value>,
    pub after: Option<&'a Value>,
}

impl Record<'_> {
    fn after(&self, key: &str) -> Option<&Value> {
        self.after.and_then(|a| a.get(key)).filter(|v| !v.is_null())
    }
    fn before(&self, key: &str) -> Option<&Value> {
        self.before
            .and_then(|a| a.get(key))
            .filter(|v| !v.is_null())
    }
    fn after_i64(&self, key: &str) -> Option<i64> {
        self.after(key).and_then(Value::as_i64)
    }
    fn after_text(&self, key: &str) -> Option<&str> {
        self.after(key)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
    }
}

/// The ids whose names a page of records needs, by kind. Lines and tickets lead to orders and
/// batches, which the loader looks up after them.
#[derive(Debug, Default)]
pub struct Wanted {
    pub users: Vec<i64>,
    pub orders: Vec<i64>,
    pub lines: Vec<i64>,
    pub tickets: Vec<i64>,
    pub batches: Vec<i64>,
    pub loads: Vec<i64>,
    pub growers: Vec<i64>,
    pub buyers: Vec<i64>,
    pub collectives: Vec<i64>,
    pub products: Vec<i64>,
}

/// What [`sentence`] will look up for these records.
pub fn wanted<'a>(records: impl IntoIterator<Item = &'a Record<'a>>) -> Wanted {
    let mut w = Wanted::default();
    for r in records {
        w.users.extend(r.actor);
        let id = r.entity_id;
        match r.entity {
            AuditEntity::Order => w.orders.push(id),
            AuditEntity::OrderLine => w.lines.push(id),
            AuditEntity::WeighTicket => w.tickets.push(id),
            AuditEntity::Batch => w.batches.push(id),
            AuditEntity::Load => w.loads.push(id),
            AuditEntity::User => w.users.push(id),
            AuditEntity::Grower => w.growers.push(id),
            AuditEntity::Buyer => w.buyers.push(id),
            AuditEntity::Collective => w.collectives.push(id),
            _ => {}
        }
        let either = |k: &str| {
            r.after_i64(k)
                .or_else(|| r.before(k).and_then(Value::as_i64))
        };
        w.orders.extend(either("order_id"));
        w.batches.extend(either("batch_id"));
        w.products.extend(either("product_id"));
        w.collectives.extend(either("collective_id"));
    }
    w
}

/// Money as read aloud: `96.60 元`.
pub fn money(fen: i64) -> String {
    format!("{} 元", yuan(fen))
}

/// A weight as read aloud: `9.66 斤`.
pub fn weight(grams: i64) -> String {
    format!("{} 斤", jin(grams))
}

struct Ctx<'a> {
    names: &'a Names,
    r: &'a Record<'a>,
}

impl Ctx<'_> {
    fn order(&self, id: i64) -> String {
        match self.names.order_buyers.get(&id) {
            Some(b) => format!("订单 {}（{b}）", order_number::format(id)),
            None => format!("订单 {}", order_number::format(id)),
        }
    }
    fn batch(&self, id: i64) -> String {
        self.names
            .batches
            .get(&id)
            .map_or_else(|| "一个批次".to_owned(), |b| format!("批次「{}」", b.label))
    }
    fn quantity(&self, batch_id: Option<i64>, q: i64) -> String {
        match batch_id.and_then(|b| self.names.batches.get(&b)) {
            Some(BatchName {
                piece_unit: Some(u),
                ..
            }) => format!("{q} {u}"),
            _ => weight(q),
        }
    }
    fn named(map: &HashMap<i64, String>, id: i64, kind: &str) -> String {
        map.get(&id)
            .map_or_else(|| format!("一位{kind}"), |n| format!("{kind}「{n}」"))
    }
    fn load(&self, id: i64) -> String {
        self.names
            .loads
            .get(&id)
            .map_or_else(|| "一辆车".to_owned(), |p| format!("车牌 {p} 的装车单"))
    }
    fn user(&self, id: i64) -> String {
        Self::named(&self.names.users, id, "账号")
    }
    /// The order line (or ticket) as "订单 ZN…（买家）的 批次「…」".
    fn line(&self, of: Option<LineOf>) -> (String, Option<i64>) {
        match of {
            Some(l) => (
                format!("{}的{}", self.order(l.order_id), self.batch(l.batch_id)),
                Some(l.batch_id),
            ),
            None => ("一条订单行".to_owned(), None),
        }
    }
}

/// The entry as one Chinese sentence, starting with who did it.
pub fn sentence(r: &Record<'_>, names: &Names) -> String {
    let who = r
        .actor
        .and_then(|a| names.users.get(&a).cloned())
        .unwrap_or_else(|| "系统".to_owned());
    let c = Ctx { names, r };
    let what = describe(&c);
    format!("{who}{what}")
}

pub(super) fn with_reason(mut s: String, r: &Record<'_>) -> String {
    if let Some(reason) = r.after_text("reason") {
        s.push_str(&format!("，原因：{reason}"));
    }
    s
}

fn describe(c: &Ctx<'_>) -> String {
    let r = c.r;
    let id = r.entity_id;
    match r.action {
        AuditAction::ConfirmOrder
            if r.after("automatic").and_then(Value::as_bool) == Some(true) =>
        {
            format!("下单，{}按渠道设置自动确认", c.order(id))
        }
        AuditAction::ConfirmOrder => format!("确认了{}", c.order(id)),
        AuditAction::CancelOrder => with_reason(format!("取消了{}", c.order(id)), r),
        AuditAction::ApproveWeights => {
            with_reason(format!("批准了{}超出容差的称重", c.order(id)), r)
        }
        AuditAction::Weigh | AuditAction::CompleteWeighing | AuditAction::VoidWeighTicket => {
            fields::weighing(c)
        }
        AuditAction::CreateLoad => match r.after_text("plate") {
            Some(p) => format!("新建了车牌 {p} 的装车单"),
            None => "新建了一张装车单".to_owned(),
        },
        AuditAction::AddToLoad => {
            let mut s = format!(
                "把{}装上{}",
                r.after_i64("order_id")
                    .map_or("一张订单".into(), |o| c.order(o)),
                c.load(id)
            );
            if let Some(g) = r.after_i64("net_g") {
                s.push_str(&format!("，净重 {}", weight(g)));
            }
            s
        }
        AuditAction::RemoveFromLoad => format!(
            "把{}从{}移出",
            r.before("order_id")
                .and_then(Value::as_i64)
                .map_or("一张订单".into(), |o| c.order(o)),
            c.load(id)
        ),
        AuditAction::AdvanceLoad => fields::advance_load(c),
        AuditAction::UpdateUser => fields::changed(c, &c.user(id), "修改了"),
        AuditAction::CreateUser => fields::created_user(c),
        AuditAction::ResetPassword => format!("重置了{}的密码", c.user(id)),
        AuditAction::ChangePassword => "修改了自己的密码".to_owned(),
        AuditAction::AdjustStock | AuditAction::UpdateBatch | AuditAction::CreateBatch => {
            fields::batch(c)
        }
        AuditAction::RecordPayment | AuditAction::RefundPayment => fields::payment(c),
        AuditAction::SettleOrder => fields::settled(c),
        AuditAction::ResettleOrder => format!(
            "{}重新结算了{}，结算金额 {}",
            if r.after_text("reason") == Some("platform_fees") {
                "在平台费用冲减提成基数后"
            } else {
                "在退款后"
            },
            c.order(id),
            money(r.after_i64("amount_fen").unwrap_or(0))
        ),
        AuditAction::IssueStatement => fields::statement(c),
        AuditAction::Payout => fields::payout(c),
        AuditAction::CreateGrower => {
            format!("新建了{}", Ctx::named(&c.names.growers, id, "种植户"))
        }
        AuditAction::UpdateGrower => {
            fields::changed(c, &Ctx::named(&c.names.growers, id, "种植户"), "修改了")
        }
        AuditAction::CreateBuyer => format!("新建了{}", Ctx::named(&c.names.buyers, id, "买家")),
        AuditAction::UpdateBuyer => {
            fields::changed(c, &Ctx::named(&c.names.buyers, id, "买家"), "修改了")
        }
        // The erased values are nowhere, here neither: only that it was done, and why.
        AuditAction::ChangeFulfilment
        | AuditAction::PackParcel
        | AuditAction::UnpackParcel
        | AuditAction::ShipParcel
        | AuditAction::DeliverParcel
        | AuditAction::HandOverPickup
        | AuditAction::ReissueOrderLink => fields::shipping(c),
        AuditAction::OpenCase
        | AuditAction::DecideCase
        | AuditAction::CloseCase
        | AuditAction::ReopenCase => fields::after_sales(c),
        AuditAction::ImportShopOrders => format!(
            "导入了抖店订单文件「{}」：共 {} 行，新增 {} 行，更新 {} 行，拒绝 {} 行",
            r.after_text("file_name").unwrap_or("（无名）"),
            r.after_i64("rows").unwrap_or(0),
            r.after_i64("new").unwrap_or(0),
            r.after_i64("updated").unwrap_or(0),
            r.after_i64("refused").unwrap_or(0),
        ),
        AuditAction::ImportBill => format!(
            "导入了{}「{}」：共 {} 笔，其中相符 {} 笔、待处理 {} 笔，记入平台费用 {}",
            r.after_text("kind_label").unwrap_or("账单"),
            r.after_text("file_name").unwrap_or("（无名）"),
            r.after_i64("items").unwrap_or(0),
            r.after_i64("matched").unwrap_or(0),
            r.after_i64("exceptions").unwrap_or(0),
            money(r.after_i64("fee_fen").unwrap_or(0)),
        ),
        AuditAction::ResolveBillItem => with_reason(
            format!(
                "处理了账单 {} 的第 {} 笔差异：{}",
                r.after_i64("bill_id").unwrap_or(0),
                id,
                r.after_text("resolution_label").unwrap_or("")
            ),
            r,
        ),
        AuditAction::MapBookAccount => format!(
            "把{}的「{}」从 {} 起记入科目 {} {}",
            Ctx::named(&c.names.collectives, id, "集体"),
            r.after_text("posting_kind_label").unwrap_or(""),
            r.after_text("effective_from").unwrap_or(""),
            r.after_text("account_code").unwrap_or(""),
            r.after_text("account_name").unwrap_or("")
        ),
        AuditAction::ChooseChart => format!(
            "把{}的会计制度改为{}",
            Ctx::named(&c.names.collectives, id, "集体"),
            r.after_text("chart_label").unwrap_or("")
        ),
        AuditAction::DraftFinanceSheet => format!(
            "起草了{} {} 的财务公开表（第 {} 版）",
            Ctx::named(&c.names.collectives, id, "集体"),
            r.after_text("period").unwrap_or(""),
            r.after_i64("version").unwrap_or(0)
        ),
        AuditAction::CheckFinanceSheet => format!(
            "作为民主理财小组审核了{} {} 的财务公开表（第 {} 版）{}",
            Ctx::named(&c.names.collectives, id, "集体"),
            r.after_text("period").unwrap_or(""),
            r.after_i64("version").unwrap_or(0),
            r.after_text("note")
                .map(|n| format!("，意见：{n}"))
                .unwrap_or_default()
        ),
        AuditAction::PublishFinanceSheet => format!(
            "公布了{} {} 的财务公开表（第 {} 版）",
            Ctx::named(&c.names.collectives, id, "集体"),
            r.after_text("period").unwrap_or(""),
            r.after_i64("version").unwrap_or(0)
        ),
        AuditAction::RegisterRobot => format!(
            "添加了群机器人「{}」（{}，{}）",
            r.after_text("name").unwrap_or(""),
            match r.after_text("kind") {
                Some("dingtalk") => "钉钉",
                _ => "企业微信",
            },
            r.after_text("url_hint").unwrap_or("")
        ),
        AuditAction::UpdateRobot => format!(
            "修改了群机器人「{}」的设置",
            r.after_text("name").unwrap_or("")
        ),
        AuditAction::CloseMonth => format!(
            "结账到 {}：这个月及以前的账不再变动",
            r.after_text("month").unwrap_or("")
        ),
        AuditAction::MapShopSku => {
            let target = match (r.after_i64("batch_id"), r.after_i64("product_id")) {
                (Some(b), _) => c.batch(b),
                (None, Some(p)) => {
                    format!("{}的最新批次", Ctx::named(&c.names.products, p, "商品"))
                }
                (None, None) => "（无）".to_owned(),
            };
            format!(
                "把抖店商家编码「{}」对应到{}，每件 {}",
                r.after_text("sku_code").unwrap_or(""),
                target,
                r.after_i64("units_per_item").unwrap_or(0)
            )
        }
        AuditAction::EraseBuyer => with_reason(
            format!(
                "删除了{}的个人信息（姓名、电话、地址等），订单和账目保留",
                Ctx::named(&c.names.buyers, id, "买家")
            ),
            r,
        ),
        AuditAction::CreateCollective => {
            format!(
                "新建了{}",
                Ctx::named(&c.names.collectives, id, "集体经济组织")
            )
        }
        AuditAction::UpdateCollective => fields::changed(
            c,
            &Ctx::named(&c.names.collectives, id, "集体经济组织"),
            "修改了",
        ),
        AuditAction::CreateCommissionRule => fields::rule(c),
        AuditAction::UpdateFeatured => fields::featured(c),
        AuditAction::CreateApiKey => {
            let buyer = Ctx::named(&c.names.buyers, id, "买家");
            match r.after_text("label") {
                Some(l) => format!("为{buyer}新建了接口密钥「{l}」"),
                None => format!("为{buyer}新建了接口密钥"),
            }
        }
        AuditAction::RevokeApiKey => format!(
            "停用了{}的一把接口密钥",
            Ctx::named(&c.names.buyers, id, "买家")
        ),
    }
}

#[cfg(test)]
mod tests;
