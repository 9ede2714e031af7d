//! The columns of each bill that Zhunong reads, by header name, as FORMATS.md lists them. A file
//! may carry them in any order, with more columns than these (reported back as not recognised).

use zhunong_entity::enums::BillKind;

/// One field and the header names it may go by.
pub struct Field {
    pub names: &'static [&'static str],
}

const fn f(names: &'static [&'static str]) -> Field {
    Field { names }
}

// 抖店 结算账单 (settlement bill).
pub const DY_SETTLED_AT: Field = f(&["结算时间"]);
pub const DY_ORDER_ID: Field = f(&["订单号", "主订单号", "主订单编号"]);
pub const DY_SUB_ORDER_ID: Field = f(&["子订单号", "子订单编号"]);
pub const DY_ORDERED_AT: Field = f(&["下单时间"]);
pub const DY_SETTLED: Field = f(&["结算金额"]);
pub const DY_GOODS: Field = f(&["商品总价"]);
pub const DY_SHOP_COUPON: Field = f(&["店铺劵", "店铺券"]);
pub const DY_REFUND_BEFORE: Field = f(&["结算前退款金额"]);
pub const DY_INCOME: Field = f(&["收入合计"]);
pub const DY_EXPENSE: Field = f(&["支出合计"]);
/// Each fee the platform keeps; summed when the bill has no 支出合计.
pub const DY_FEES: [Field; 6] = [
    f(&["平台服务费"]),
    f(&["佣金"]),
    f(&["渠道分成"]),
    f(&["招商服务费"]),
    f(&["站外推广费"]),
    f(&["其他分成"]),
];
pub const DY_SUBSIDIES: [Field; 3] = [f(&["平台补贴"]), f(&["达人补贴"]), f(&["抖音支付补贴"])];

// 抖店 资金账单 (fund bill): every movement of the shop's balance.
pub const FUND_TIME: Field = f(&["动账时间"]);
pub const FUND_SERIAL: Field = f(&["动帐流水号", "动账流水号"]);
pub const FUND_DIRECTION: Field = f(&["动账方向"]);
pub const FUND_AMOUNT: Field = f(&["动账金额"]);
pub const FUND_SCENE: Field = f(&["动账场景"]);

// 微信支付 交易账单 (ALL).
pub const WX_TIME: Field = f(&["交易时间"]);
pub const WX_MERCHANT_NO: Field = f(&["商户号"]);
pub const WX_TRANSACTION_ID: Field = f(&["微信订单号"]);
pub const WX_OUT_TRADE_NO: Field = f(&["商户订单号"]);
pub const WX_STATE: Field = f(&["交易状态"]);
pub const WX_SETTLEMENT_AMOUNT: Field = f(&["应结订单金额"]);
pub const WX_ORDER_AMOUNT: Field = f(&["订单金额"]);
pub const WX_REFUND_ID: Field = f(&["微信退款单号"]);
pub const WX_OUT_REFUND_NO: Field = f(&["商户退款单号"]);
pub const WX_REFUND_AMOUNT: Field = f(&["退款金额"]);
pub const WX_REFUND_ASKED: Field = f(&["申请退款金额"]);
pub const WX_FEE: Field = f(&["手续费"]);

// 支付宝 业务明细 (trade bill).
pub const ALI_TRADE_NO: Field = f(&["支付宝交易号"]);
pub const ALI_OUT_TRADE_NO: Field = f(&["商户订单号"]);
pub const ALI_TYPE: Field = f(&["业务类型"]);
pub const ALI_FINISHED_AT: Field = f(&["完成时间"]);
pub const ALI_CREATED_AT: Field = f(&["创建时间"]);
pub const ALI_AMOUNT: Field = f(&["订单金额（元）", "订单金额(元)", "订单金额"]);
pub const ALI_REFUND_NO: Field = f(&["退款批次号/请求号"]);
pub const ALI_FEE: Field = f(&["服务费（元）", "服务费(元)", "服务费"]);

/// The fields a kind reads; a header with all of its `required` is a bill of that kind.
pub struct KindColumns {
    pub kind: BillKind,
    pub required: &'static [&'static Field],
    pub optional: &'static [&'static Field],
}

pub const KINDS: [KindColumns; 4] = [
    KindColumns {
        kind: BillKind::DouyinSettlement,
        required: &[&DY_SETTLED_AT, &DY_ORDER_ID, &DY_GOODS],
        optional: &[
            &DY_SUB_ORDER_ID,
            &DY_ORDERED_AT,
            &DY_SETTLED,
            &DY_SHOP_COUPON,
            &DY_REFUND_BEFORE,
            &DY_INCOME,
            &DY_EXPENSE,
            &DY_FEES[0],
            &DY_FEES[1],
            &DY_FEES[2],
            &DY_FEES[3],
            &DY_FEES[4],
            &DY_FEES[5],
            &DY_SUBSIDIES[0],
            &DY_SUBSIDIES[1],
            &DY_SUBSIDIES[2],
        ],
    },
    KindColumns {
        kind: BillKind::DouyinFund,
        required: &[&FUND_TIME, &FUND_DIRECTION, &FUND_AMOUNT, &FUND_SCENE],
        optional: &[
            &FUND_SERIAL,
            &DY_ORDER_ID,
            &DY_SUB_ORDER_ID,
            &DY_FEES[0],
            &DY_FEES[1],
            &DY_FEES[2],
            &DY_FEES[3],
            &DY_FEES[4],
            &DY_FEES[5],
            &DY_SUBSIDIES[0],
            &DY_SUBSIDIES[1],
            &DY_SUBSIDIES[2],
        ],
    },
    KindColumns {
        kind: BillKind::WechatAll,
        required: &[&WX_TIME, &WX_TRANSACTION_ID, &WX_STATE],
        optional: &[
            &WX_MERCHANT_NO,
            &WX_OUT_TRADE_NO,
            &WX_SETTLEMENT_AMOUNT,
            &WX_ORDER_AMOUNT,
            &WX_REFUND_ID,
            &WX_OUT_REFUND_NO,
            &WX_REFUND_AMOUNT,
            &WX_REFUND_ASKED,
            &WX_FEE,
        ],
    },
    KindColumns {
        kind: BillKind::Alipay,
        required: &[&ALI_TRADE_NO, &ALI_TYPE, &ALI_AMOUNT],
        optional: &[
            &ALI_OUT_TRADE_NO,
            &ALI_FINISHED_AT,
            &ALI_CREATED_AT,
            &ALI_REFUND_NO,
            &ALI_FEE,
        ],
    },
];

/// Where each field of a kind sits in a header row, and which headers were used or not.
pub struct Layout {
    positions: Vec<(&'static str, usize)>,
    pub used: Vec<String>,
    pub unknown: Vec<String>,
}

impl Layout {
    /// The layout of `header` for `kind`, or `None` when it lacks one of the kind's required
    /// fields.
    pub fn of(kind: &KindColumns, header: &[String]) -> Option<Self> {
        let mut positions = Vec::new();
        let (mut used, mut unknown) = (Vec::new(), Vec::new());
        let fields = || kind.required.iter().chain(kind.optional);
        for (i, h) in header.iter().enumerate() {
            let h = crate::domain::table_file::clean(h);
            if h.is_empty() {
                continue;
            }
            match fields().find(|f| f.names.contains(&h.as_str())) {
                Some(f) if !positions.iter().any(|(n, _)| *n == f.names[0]) => {
                    positions.push((f.names[0], i));
                    used.push(h);
                }
                _ => unknown.push(h),
            }
        }
        let layout = Self {
            positions,
            used,
            unknown,
        };
        kind.required
            .iter()
            .all(|f| layout.position(f).is_some())
            .then_some(layout)
    }

    pub fn position(&self, field: &Field) -> Option<usize> {
        self.positions
            .iter()
            .find(|(n, _)| *n == field.names[0])
            .map(|(_, i)| *i)
    }
}
