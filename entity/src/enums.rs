//! Status and kind enums, stored as short strings so the same schema works on SQLite and
//! PostgreSQL.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $value:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, EnumIter, DeriveActiveEnum, Serialize,
            Deserialize, ToSchema,
        )]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
        // Written here, not substituted from `$value`: utoipa reads only literal attributes.
        // A unit test checks every variant's snake_case name equals its stored value.
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $(
                #[sea_orm(string_value = $value)]
                $variant,
            )+
        }

        impl $name {
            /// The stored and serialized name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $value,)+
                }
            }
        }
    };
}

string_enum!(
    /// Who a user is; every route declares which roles may call it.
    /// An auditor is a member of the villagers' finance group (民主理财小组): reads what the
    /// secretary reads, and changes nothing but signing off a finance sheet.
    Role { Admin = "admin", Secretary = "secretary", Helper = "helper", Station = "station", Partner = "partner", Auditor = "auditor" }
);

string_enum!(
    /// The kind of farm that supplies produce.
    GrowerKind { Household = "household", FamilyFarm = "family_farm", Cooperative = "cooperative" }
);

string_enum!(
    /// How a product is priced and counted: by weight (grams, price per jin) or by piece.
    Pricing { ByWeight = "by_weight", ByPiece = "by_piece" }
);

string_enum!(
    /// Whether a batch can still be ordered from.
    BatchStatus { Open = "open", Closed = "closed" }
);

string_enum!(
    /// A person buying for themselves, or a company.
    BuyerKind { Individual = "individual", Enterprise = "enterprise" }
);

string_enum!(
    /// Where an order came from.
    Channel { Livestream = "livestream", PartnerApi = "partner_api", Expo = "expo", Phone = "phone", WalkIn = "walk_in", DouyinShop = "douyin_shop" }
);

string_enum!(
    /// The life of an order; see `domain::order_status` for the legal transitions.
    OrderStatus {
        Pending = "pending",
        Confirmed = "confirmed",
        Weighed = "weighed",
        Loaded = "loaded",
        Shipped = "shipped",
        Delivered = "delivered",
        Settled = "settled",
        Cancelled = "cancelled",
    }
);

string_enum!(
    /// How an order reaches its buyer: on a truck load, as an express parcel, or collected at a
    /// pickup point (自提).
    Fulfilment { Load = "load", Parcel = "parcel", Pickup = "pickup" }
);

string_enum!(
    /// A parcel's life: packed at the station, shipped with a tracking number, delivered.
    ParcelStatus { Packed = "packed", Shipped = "shipped", Delivered = "delivered" }
);

string_enum!(
    /// What a buyer asks for after a sale: part of the money back (仅退款), a new box (补寄), or
    /// the goods returned for the money (退货退款, rare for fruit).
    CaseKind { Refund = "refund", Reship = "reship", ReturnRefund = "return_refund" }
);

string_enum!(
    /// Why: bad fruit (坏果), short weight (少称), not received (未收到), the wrong goods (错发), other.
    CaseReason { BadFruit = "bad_fruit", ShortWeight = "short_weight", NotReceived = "not_received", WrongItem = "wrong_item", Other = "other" }
);

string_enum!(
    /// open → answered → closed; a case may be reopened once.
    CaseStatus { Open = "open", Answered = "answered", Closed = "closed" }
);

string_enum!(
    /// The village's answer.
    CaseDecision { Agreed = "agreed", PartlyAgreed = "partly_agreed", Rejected = "rejected", Reshipped = "reshipped" }
);

string_enum!(
    /// One truck trip.
    LoadStatus { Open = "open", Loaded = "loaded", Departed = "departed", Delivered = "delivered" }
);

string_enum!(
    /// How money moved.
    PaymentMethod { WechatPay = "wechat_pay", Alipay = "alipay", Cash = "cash", BankTransfer = "bank_transfer", Invoice = "invoice", Platform = "platform" }
);

string_enum!(
    /// What a commission rule applies to; the most specific wins.
    RuleScope { Batch = "batch", Product = "product", Channel = "channel" }
);

string_enum!(
    /// Kinds of collective income.
    IncomeCategory {
        SalesCommission = "sales_commission",
        GreenhouseRent = "greenhouse_rent",
        ColdStoreRent = "cold_store_rent",
        JointDividend = "joint_dividend",
        Grant = "grant",
        Other = "other",
    }
);

string_enum!(
    /// A group-chat robot: WeCom's (企业微信) or DingTalk's (钉钉).
    RobotKind { Wecom = "wecom", Dingtalk = "dingtalk" }
);

string_enum!(
    /// What a group-chat message tells.
    RobotTopic {
        DailySummary = "daily_summary", ShowSummary = "show_summary", AfterSales = "after_sales",
        FinanceSheet = "finance_sheet", Test = "test",
    }
);

string_enum!(
    /// Where a public finance sheet (财务公开) stands: drafted by the office, checked by the
    /// finance group, published on the notice board; a published one a later version corrects
    /// is replaced, and stays readable.
    SheetStatus { Drafted = "drafted", Checked = "checked", Published = "published", Replaced = "replaced" }
);

string_enum!(
    /// A collective's chart of accounts: the 2023 system for collective economic organisations
    /// (财会〔2023〕14号), or the 2004 system for village collectives (财会〔2004〕12号) that many county
    /// platforms still use.
    Chart { Cac2023 = "cac2023", Cac2004 = "cac2004" }
);

string_enum!(
    /// What a ledger entry is, as the collective's books see it: each maps to an account of the
    /// chart (and an auxiliary item where it has one).
    PostingKind {
        Cash = "cash",
        GrowerMember = "grower_member",
        GrowerOther = "grower_other",
        SalesCommission = "sales_commission",
        GreenhouseRent = "greenhouse_rent",
        ColdStoreRent = "cold_store_rent",
        JointDividend = "joint_dividend",
        Grant = "grant",
        OtherIncome = "other_income",
        OtherCollective = "other_collective",
        DueFromKeeper = "due_from_keeper",
        PlatformFees = "platform_fees",
        PlatformSubsidies = "platform_subsidies",
    }
);

string_enum!(
    /// Why a ledger transaction was posted.
    TransactionKind { Settlement = "settlement", Reversal = "reversal", OtherIncome = "other_income", Payout = "payout", PlatformFees = "platform_fees" }
);

string_enum!(
    /// What one ledger entry is, within its transaction.
    EntryKind {
        CashIn = "cash_in",
        CashOut = "cash_out",
        Sale = "sale",
        CommissionWithheld = "commission_withheld",
        Commission = "commission",
        Income = "income",
        Payout = "payout",
        PlatformFee = "platform_fee",
        PlatformSubsidy = "platform_subsidy",
    }
);

string_enum!(
    /// Whose bill: the 抖店 settlement bill (结算账单) or fund bill (资金账单), WeChat Pay's trade
    /// bill (ALL), Alipay's trade bill (业务明细).
    BillKind { DouyinSettlement = "douyin_settlement", DouyinFund = "douyin_fund", WechatAll = "wechat_all", Alipay = "alipay" }
);

string_enum!(
    /// How a bill's item stands against the books.
    BillClass {
        Matched = "matched",
        AmountDiffers = "amount_differs",
        BillOnly = "bill_only",
        BooksOnly = "books_only",
        RefundedAfterSettlement = "refunded_after_settlement",
    }
);

string_enum!(
    /// What the office did about an exception: recorded the missing payment, recorded the
    /// difference as the platform's fee, or explained it with a note.
    BillResolution { PaymentRecorded = "payment_recorded", FeeRecorded = "fee_recorded", Explained = "explained" }
);

string_enum!(
    /// Where a live show is streamed.
    Platform { Douyin = "douyin", Kuaishou = "kuaishou", WechatChannels = "wechat_channels", TaobaoLive = "taobao_live", Other = "other" }
);

string_enum!(
    /// A live show's life: planned → live → ended.
    LiveStatus { Planned = "planned", Live = "live", Ended = "ended" }
);

string_enum!(
    /// Money received against an order.
    PaymentStatus { Unpaid = "unpaid", PartiallyPaid = "partially_paid", Paid = "paid", Refunded = "refunded" }
);

string_enum!(
    /// Where a webhook delivery stands: waiting to be sent (or sent again), delivered, or given up
    /// after its last attempt (a partner may ask for it again).
    DeliveryStatus { Pending = "pending", Delivered = "delivered", Failed = "failed" }
);

string_enum!(
    /// What an audit-log row records. Each has its sentence in `domain::audit_text`.
    AuditAction {
        CreateUser = "create_user", UpdateUser = "update_user", ChangePassword = "change_password",
        ResetPassword = "reset_password", CreateApiKey = "create_api_key", RevokeApiKey = "revoke_api_key",
        CreateCollective = "create_collective", UpdateCollective = "update_collective",
        CreateGrower = "create_grower", UpdateGrower = "update_grower",
        CreateBuyer = "create_buyer", UpdateBuyer = "update_buyer", EraseBuyer = "erase_buyer",
        CreateBatch = "create_batch", UpdateBatch = "update_batch", AdjustStock = "adjust_stock",
        CreateCommissionRule = "create_commission_rule", UpdateFeatured = "update_featured",
        ConfirmOrder = "confirm_order", CancelOrder = "cancel_order",
        Weigh = "weigh", VoidWeighTicket = "void_weigh_ticket", CompleteWeighing = "complete_weighing",
        ApproveWeights = "approve_weights",
        CreateLoad = "create_load", AddToLoad = "add_to_load", RemoveFromLoad = "remove_from_load",
        AdvanceLoad = "advance_load",
        RecordPayment = "record_payment", RefundPayment = "refund_payment",
        SettleOrder = "settle_order", ResettleOrder = "resettle_order",
        IssueStatement = "issue_statement", Payout = "payout",
        ChangeFulfilment = "change_fulfilment", PackParcel = "pack_parcel",
        UnpackParcel = "unpack_parcel", ShipParcel = "ship_parcel", DeliverParcel = "deliver_parcel",
        HandOverPickup = "hand_over_pickup", ReissueOrderLink = "reissue_order_link",
        OpenCase = "open_case", DecideCase = "decide_case", CloseCase = "close_case",
        ReopenCase = "reopen_case",
        ImportShopOrders = "import_shop_orders", MapShopSku = "map_shop_sku",
        ImportBill = "import_bill", ResolveBillItem = "resolve_bill_item",
        MapBookAccount = "map_book_account", ChooseChart = "choose_chart", CloseMonth = "close_month",
        DraftFinanceSheet = "draft_finance_sheet", CheckFinanceSheet = "check_finance_sheet",
        PublishFinanceSheet = "publish_finance_sheet", RegisterRobot = "register_robot",
        UpdateRobot = "update_robot"
    }
);

string_enum!(
    /// The kind of thing an audit-log row is about (its `entity_id` is that thing's id).
    AuditEntity {
        User = "user", Collective = "collective", Grower = "grower", Buyer = "buyer", Batch = "batch",
        CommissionRule = "commission_rule", LiveSession = "live_session", Order = "order",
        OrderLine = "order_line", WeighTicket = "weigh_ticket", Load = "load",
        ShopImport = "shop_import", ShopSku = "shop_sku", Bill = "bill", BillItem = "bill_item",
        ChatRobot = "chat_robot"
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    fn check<E: Iterable + Serialize + Copy>(as_str: fn(E) -> &'static str) {
        for v in E::iter() {
            assert_eq!(
                serde_json::to_value(v).ok(),
                Some(serde_json::Value::String(as_str(v).to_owned()))
            );
        }
    }

    #[test]
    fn serialized_names_are_the_stored_values() {
        check(Role::as_str);
        check(GrowerKind::as_str);
        check(Pricing::as_str);
        check(BatchStatus::as_str);
        check(BuyerKind::as_str);
        check(Channel::as_str);
        check(OrderStatus::as_str);
        check(LoadStatus::as_str);
        check(Fulfilment::as_str);
        check(ParcelStatus::as_str);
        check(CaseKind::as_str);
        check(CaseReason::as_str);
        check(CaseStatus::as_str);
        check(CaseDecision::as_str);
        check(PaymentMethod::as_str);
        check(RuleScope::as_str);
        check(IncomeCategory::as_str);
        check(Chart::as_str);
        check(SheetStatus::as_str);
        check(RobotKind::as_str);
        check(RobotTopic::as_str);
        check(PostingKind::as_str);
        check(TransactionKind::as_str);
        check(EntryKind::as_str);
        check(BillKind::as_str);
        check(BillClass::as_str);
        check(BillResolution::as_str);
        check(PaymentStatus::as_str);
        check(Platform::as_str);
        check(LiveStatus::as_str);
        check(DeliveryStatus::as_str);
        check(AuditAction::as_str);
        check(AuditEntity::as_str);
    }
}
