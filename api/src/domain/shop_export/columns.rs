//! The columns of a Douyin shop order export (订单导出) that Zhunong reads, by header name. The
//! names are the shop's own as listed in FORMATS.md; a file may carry any subset in any order,
//! and more columns than these (reported back as not recognised).

/// One field and the header names it may go by, the shop's own first.
pub struct Field {
    pub names: &'static [&'static str],
}

pub const ORDER_ID: Field = Field {
    names: &["主订单编号", "订单编号", "订单号"],
};
pub const SUB_ORDER_ID: Field = Field {
    names: &["子订单编号", "商品单号"],
};
pub const SKU_CODE: Field = Field {
    names: &["商家编码", "SKU编码", "商品编码"],
};
pub const PRODUCT_NAME: Field = Field {
    names: &["选购商品", "商品名称"],
};
pub const QUANTITY: Field = Field {
    names: &["商品数量", "数量"],
};
pub const UNIT_PRICE: Field = Field {
    names: &["商品单价"],
};
/// Third-party merchant tools read 商品金额 as the unit price; it is used only when 商品单价 is
/// missing.
pub const GOODS_AMOUNT: Field = Field {
    names: &["商品金额"],
};
pub const PAID: Field = Field {
    names: &["订单应付金额", "应付金额", "实付金额"],
};
pub const SHIPPING: Field = Field { names: &["运费"] };
pub const DISCOUNT_TOTAL: Field = Field {
    names: &["优惠总金额"],
};
pub const PLATFORM_DISCOUNT: Field = Field {
    names: &["平台实际承担优惠金额", "平台优惠"],
};
pub const SHOP_DISCOUNT: Field = Field {
    names: &["商家实际承担优惠金额", "商家优惠"],
};
pub const HOST_DISCOUNT: Field = Field {
    names: &["达人实际承担优惠金额", "达人优惠"],
};
pub const RECIPIENT: Field = Field {
    names: &["收件人", "收货人"],
};
pub const PHONE: Field = Field {
    names: &["收件人手机号", "收货人手机号", "联系电话"],
};
pub const PROVINCE: Field = Field { names: &["省"] };
pub const CITY: Field = Field { names: &["市"] };
pub const DISTRICT: Field = Field { names: &["区"] };
pub const STREET: Field = Field { names: &["街道"] };
pub const DETAIL: Field = Field {
    names: &["详细地址", "收货地址"],
};
pub const SUBMITTED_AT: Field = Field {
    names: &["订单提交时间", "下单时间"],
};
pub const PAID_AT: Field = Field {
    names: &["支付完成时间", "支付时间"],
};
pub const TRAFFIC_FORM: Field = Field {
    names: &["流量体裁"],
};
pub const STATE: Field = Field {
    names: &["订单状态"],
};
pub const AFTER_SALE: Field = Field {
    names: &["售后状态"],
};

/// Every field read, in the order the results list them.
pub const ALL: [&Field; 25] = [
    &ORDER_ID,
    &SUB_ORDER_ID,
    &SKU_CODE,
    &PRODUCT_NAME,
    &QUANTITY,
    &UNIT_PRICE,
    &GOODS_AMOUNT,
    &PAID,
    &SHIPPING,
    &DISCOUNT_TOTAL,
    &PLATFORM_DISCOUNT,
    &SHOP_DISCOUNT,
    &HOST_DISCOUNT,
    &RECIPIENT,
    &PHONE,
    &PROVINCE,
    &CITY,
    &DISTRICT,
    &STREET,
    &DETAIL,
    &SUBMITTED_AT,
    &PAID_AT,
    &TRAFFIC_FORM,
    &STATE,
    &AFTER_SALE,
];

/// Fields a file must have to be an order export at all.
pub const REQUIRED: [&Field; 5] = [&ORDER_ID, &SKU_CODE, &QUANTITY, &PAID, &STATE];

/// Where each field sits in a header row, and which headers were used or not recognised.
pub struct Layout {
    positions: Vec<(&'static str, usize)>,
    pub used: Vec<String>,
    pub unknown: Vec<String>,
}

impl Layout {
    /// The layout of `header`; a name listed under two fields goes to the first.
    pub fn of(header: &[String]) -> Self {
        let mut positions = Vec::new();
        let mut used = Vec::new();
        let mut unknown = Vec::new();
        for (i, h) in header.iter().enumerate() {
            let h = h.trim();
            if h.is_empty() {
                continue;
            }
            let field = ALL.iter().find(|f| f.names.contains(&h));
            match field {
                Some(f) if !positions.iter().any(|(n, _)| *n == f.names[0]) => {
                    positions.push((f.names[0], i));
                    used.push(h.to_owned());
                }
                _ => unknown.push(h.to_owned()),
            }
        }
        Self {
            positions,
            used,
            unknown,
        }
    }

    pub fn position(&self, field: &Field) -> Option<usize> {
        self.positions
            .iter()
            .find(|(n, _)| *n == field.names[0])
            .map(|(_, i)| *i)
    }

    pub fn has(&self, field: &Field) -> bool {
        self.position(field).is_some()
    }

    /// The required fields this header lacks, by their shop names.
    pub fn missing(&self) -> Vec<&'static str> {
        REQUIRED
            .iter()
            .filter(|f| !self.has(f))
            .map(|f| f.names[0])
            .collect()
    }
}
