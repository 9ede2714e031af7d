//! What a person reads for each stored code, written once: the pages receive these tables from
//! the server (`/app/labels.js`), and sentences, sheets and exports use the same words.

use sea_orm::Iterable;
use serde_json::{Map, Value};
use zhunong_entity::enums::{
    AuditAction, BatchStatus, BillClass, BillKind, BillResolution, BuyerKind, CaseDecision,
    CaseKind, CaseReason, CaseStatus, Channel, Chart, EntryKind, Fulfilment, GrowerKind,
    IncomeCategory, LiveStatus, LoadStatus, OrderStatus, ParcelStatus, PaymentMethod,
    PaymentStatus, Platform, PostingKind, Pricing, Role, RuleScope, SheetStatus, TransactionKind,
};

/// A stored code with the words a person reads for it.
pub trait Label: Copy {
    /// The code as stored and sent (`weighed`).
    fn code(self) -> &'static str;
    /// What a person reads (`已称重`).
    fn label(self) -> &'static str;
}

/// The label of `code` if it is a code of `E`.
pub fn of_code<E: Label + Iterable>(code: &str) -> Option<&'static str> {
    E::iter().find(|e| e.code() == code).map(Label::label)
}

macro_rules! labels {
    ($ty:ident { $($variant:ident => $text:literal,)+ }) => {
        impl Label for $ty {
            fn code(self) -> &'static str {
                self.as_str()
            }
            fn label(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }
    };
}

labels!(OrderStatus {
    Pending => "待确认",
    Confirmed => "已确认",
    Weighed => "已称重",
    Loaded => "已装车",
    Shipped => "已发货",
    Delivered => "已送达",
    Settled => "已结算",
    Cancelled => "已取消",
});

labels!(PaymentStatus {
    Unpaid => "未付款",
    PartiallyPaid => "部分付款",
    Paid => "已付款",
    Refunded => "已退款",
});

labels!(Channel {
    Livestream => "直播",
    PartnerApi => "企业接口",
    Expo => "展会",
    Phone => "电话",
    WalkIn => "到店",
    DouyinShop => "抖店",
});

labels!(PaymentMethod {
    WechatPay => "微信支付",
    Alipay => "支付宝",
    Cash => "现金",
    BankTransfer => "银行转账",
    Invoice => "挂账（发票）",
    Platform => "平台代收",
});

labels!(Platform {
    Douyin => "抖音",
    Kuaishou => "快手",
    WechatChannels => "视频号",
    TaobaoLive => "淘宝直播",
    Other => "其他平台",
});

labels!(BuyerKind {
    Individual => "个人",
    Enterprise => "企业",
});

labels!(GrowerKind {
    Household => "农户",
    FamilyFarm => "家庭农场",
    Cooperative => "合作社",
});

labels!(Pricing {
    ByWeight => "按斤称重",
    ByPiece => "按件",
});

labels!(BatchStatus {
    Open => "在售",
    Closed => "已停售",
});

labels!(LoadStatus {
    Open => "装车中",
    Loaded => "已装车",
    Departed => "已发车",
    Delivered => "已送达",
});

labels!(Role {
    Admin => "管理员",
    Secretary => "书记 / 会计",
    Helper => "直播助手",
    Station => "称重站",
    Partner => "合作企业",
    Auditor => "民主理财小组成员",
});

labels!(SheetStatus {
    Drafted => "草稿",
    Checked => "已审核",
    Published => "已公布",
    Replaced => "已被更正",
});

labels!(RuleScope {
    Channel => "渠道",
    Product => "产品",
    Batch => "批次",
});

labels!(IncomeCategory {
    SalesCommission => "销售提成",
    GreenhouseRent => "大棚租金",
    ColdStoreRent => "冷库租金",
    JointDividend => "联营分红",
    Grant => "补助收入",
    Other => "其他收入",
});

labels!(TransactionKind {
    Settlement => "结算",
    Reversal => "冲销",
    OtherIncome => "其他收入",
    Payout => "付给种植户",
    PlatformFees => "平台费用与补贴",
});

labels!(EntryKind {
    CashIn => "收款",
    CashOut => "付款",
    Sale => "货款",
    CommissionWithheld => "扣提成",
    Commission => "集体提成",
    Income => "集体收入",
    Payout => "付款",
    PlatformFee => "平台费用",
    PlatformSubsidy => "平台补贴",
});

labels!(BillKind {
    DouyinSettlement => "抖店结算账单",
    DouyinFund => "抖店资金账单",
    WechatAll => "微信支付交易账单",
    Alipay => "支付宝交易账单",
});

labels!(BillClass {
    Matched => "相符",
    AmountDiffers => "金额不符",
    BillOnly => "账单有、账上无",
    BooksOnly => "账上有、账单无",
    RefundedAfterSettlement => "结算后退款",
});

labels!(BillResolution {
    PaymentRecorded => "已补记收款",
    FeeRecorded => "已记为平台费用",
    Explained => "已说明",
});

labels!(LiveStatus {
    Planned => "待开播",
    Live => "直播中",
    Ended => "已结束",
});

labels!(AuditAction {
    ConfirmOrder => "确认订单",
    CancelOrder => "取消订单",
    Weigh => "称重",
    VoidWeighTicket => "作废磅单",
    CompleteWeighing => "称重完成",
    ApproveWeights => "审批称重",
    CreateLoad => "新建装车单",
    AddToLoad => "装入车辆",
    RemoveFromLoad => "移出车辆",
    AdvanceLoad => "装车状态变更",
    UpdateUser => "修改账号",
    ResetPassword => "重置密码",
    ChangePassword => "修改密码",
    AdjustStock => "调整库存",
    UpdateBatch => "修改批次",
    CreateBatch => "新建批次",
    CreateUser => "新建账号",
    RecordPayment => "登记收款",
    RefundPayment => "登记退款",
    SettleOrder => "结算订单",
    ResettleOrder => "退款后重新结算",
    IssueStatement => "出具对账单",
    Payout => "付款给种植户",
    CreateGrower => "新建种植户",
    UpdateGrower => "修改种植户",
    CreateBuyer => "新建买家",
    UpdateBuyer => "修改买家",
    EraseBuyer => "删除买家个人信息",
    CreateCollective => "新建集体经济组织",
    UpdateCollective => "修改集体经济组织",
    CreateCommissionRule => "新建抽成规则",
    CreateApiKey => "新建接口密钥",
    RevokeApiKey => "停用接口密钥",
    UpdateFeatured => "直播中改商品",
    ChangeFulfilment => "修改配送方式",
    PackParcel => "打包",
    UnpackParcel => "拆包",
    ShipParcel => "发货",
    DeliverParcel => "签收",
    HandOverPickup => "自提交货",
    ReissueOrderLink => "重发订单链接",
    OpenCase => "发起售后",
    DecideCase => "处理售后",
    CloseCase => "关闭售后",
    ReopenCase => "重新打开售后",
    ImportShopOrders => "导入抖店订单",
    MapShopSku => "对应抖店商品",
    ImportBill => "导入账单",
    ResolveBillItem => "处理对账差异",
    MapBookAccount => "修改科目对照",
    ChooseChart => "选择会计制度",
    CloseMonth => "结账",
    DraftFinanceSheet => "起草财务公开表",
    CheckFinanceSheet => "审核财务公开表",
    PublishFinanceSheet => "公布财务公开表",
    RegisterRobot => "添加群机器人",
    UpdateRobot => "修改群机器人",
});

labels!(Chart {
    Cac2023 => "农村集体经济组织会计制度（2023）",
    Cac2004 => "村集体经济组织会计制度（2004）",
});

labels!(PostingKind {
    Cash => "收付款（现金、银行、微信、支付宝）",
    GrowerMember => "应付本集体种植户",
    GrowerOther => "应付其他种植户",
    SalesCommission => "销售提成",
    GreenhouseRent => "大棚租金",
    ColdStoreRent => "冷库租金",
    JointDividend => "联营分红",
    Grant => "补助收入",
    OtherIncome => "其他收入",
    OtherCollective => "应付其他集体的提成",
    DueFromKeeper => "应收代收集体的款项",
    PlatformFees => "平台费用",
    PlatformSubsidies => "平台补贴",
});

labels!(CaseKind {
    Refund => "仅退款",
    Reship => "补寄",
    ReturnRefund => "退货退款",
});

labels!(CaseReason {
    BadFruit => "坏果",
    ShortWeight => "少称",
    NotReceived => "未收到",
    WrongItem => "错发",
    Other => "其他",
});

labels!(CaseStatus {
    Open => "待处理",
    Answered => "已答复",
    Closed => "已关闭",
});

labels!(CaseDecision {
    Agreed => "同意退款",
    PartlyAgreed => "部分退款",
    Rejected => "已拒绝",
    Reshipped => "已补寄",
});

labels!(Fulfilment {
    Load => "装车",
    Parcel => "快递",
    Pickup => "自提",
});

labels!(ParcelStatus {
    Packed => "已打包",
    Shipped => "已发货",
    Delivered => "已签收",
});

fn table<E: Label + Iterable>() -> Value {
    Value::Object(
        E::iter()
            .map(|e| (e.code().to_owned(), Value::from(e.label())))
            .collect::<Map<_, _>>(),
    )
}

/// Every table, by the name the pages use (`order_status`, `channel` …).
pub fn all() -> Value {
    let tables = [
        ("order_status", table::<OrderStatus>()),
        ("payment_status", table::<PaymentStatus>()),
        ("channel", table::<Channel>()),
        ("payment_method", table::<PaymentMethod>()),
        ("platform", table::<Platform>()),
        ("buyer_kind", table::<BuyerKind>()),
        ("grower_kind", table::<GrowerKind>()),
        ("pricing", table::<Pricing>()),
        ("batch_status", table::<BatchStatus>()),
        ("load_status", table::<LoadStatus>()),
        ("role", table::<Role>()),
        ("rule_scope", table::<RuleScope>()),
        ("income_category", table::<IncomeCategory>()),
        ("transaction_kind", table::<TransactionKind>()),
        ("entry_kind", table::<EntryKind>()),
        ("live_status", table::<LiveStatus>()),
        ("fulfilment", table::<Fulfilment>()),
        ("parcel_status", table::<ParcelStatus>()),
        ("case_kind", table::<CaseKind>()),
        ("case_reason", table::<CaseReason>()),
        ("case_status", table::<CaseStatus>()),
        ("case_decision", table::<CaseDecision>()),
        ("bill_kind", table::<BillKind>()),
        ("bill_class", table::<BillClass>()),
        ("bill_resolution", table::<BillResolution>()),
        ("chart", table::<Chart>()),
        ("posting_kind", table::<PostingKind>()),
        ("sheet_status", table::<SheetStatus>()),
    ];
    Value::Object(tables.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_in_chinese() {
        let Value::Object(tables) = all() else {
            panic!("the tables are an object");
        };
        assert_eq!(tables.len(), 28);
        for (name, t) in &tables {
            let Value::Object(t) = t else {
                panic!("{name} is an object");
            };
            assert!(!t.is_empty(), "{name}");
            for (code, label) in t {
                let label = label.as_str().unwrap_or_default();
                assert!(
                    label
                        .chars()
                        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "{name}.{code} = {label}"
                );
            }
        }
        assert_eq!(of_code::<Channel>("walk_in"), Some("到店"));
        assert_eq!(of_code::<Channel>("unknown"), None);
    }
}
