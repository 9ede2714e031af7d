//! Building shop exports from the column names the shop uses.

/// The columns of a 子订单 export, as the shop names them, plus one it may add that Zhunong
/// does not read.
pub const HEADER: [&str; 23] = [
    "主订单编号",
    "子订单编号",
    "选购商品",
    "商家编码",
    "商品数量",
    "商品单价",
    "订单应付金额",
    "运费",
    "优惠总金额",
    "平台实际承担优惠金额",
    "商家实际承担优惠金额",
    "达人实际承担优惠金额",
    "收件人",
    "收件人手机号",
    "省",
    "市",
    "区",
    "详细地址",
    "支付完成时间",
    "流量体裁",
    "订单状态",
    "售后状态",
    "旗帜颜色",
];

/// One row of an export; money in fen.
#[derive(Clone, Debug)]
pub struct Row {
    pub main: String,
    pub sub: String,
    pub sku: String,
    pub items: i64,
    pub unit_fen: i64,
    pub shipping_fen: i64,
    pub platform_fen: i64,
    pub shop_fen: i64,
    pub host_fen: i64,
    pub paid_at: String,
    pub live: bool,
    pub state: String,
    pub after_sale: String,
    pub recipient: String,
}

impl Row {
    pub fn new(main: u64, sub: u64, sku: &str, items: i64, unit_fen: i64) -> Self {
        Self {
            main: main.to_string(),
            sub: sub.to_string(),
            sku: sku.to_owned(),
            items,
            unit_fen,
            shipping_fen: 0,
            platform_fen: 0,
            shop_fen: 0,
            host_fen: 0,
            paid_at: "2026-11-28 20:15:03".into(),
            live: false,
            state: "待发货".into(),
            after_sale: String::new(),
            recipient: "李四".into(),
        }
    }

    pub fn paid_fen(&self) -> i64 {
        self.items * self.unit_fen + self.shipping_fen
            - (self.platform_fen + self.shop_fen + self.host_fen)
    }

    /// What the village earns for the goods: the goods less the shop's own discount.
    pub fn sale_fen(&self) -> i64 {
        self.items * self.unit_fen - self.shop_fen
    }

    pub fn cells(&self) -> Vec<String> {
        let y = |f: i64| format!("{}.{:02}", f / 100, f % 100);
        vec![
            format!("\t{}", self.main),
            format!("\t{}", self.sub),
            "巨峰葡萄 5斤装".into(),
            self.sku.clone(),
            self.items.to_string(),
            y(self.unit_fen),
            y(self.paid_fen()),
            y(self.shipping_fen),
            y(self.platform_fen + self.shop_fen + self.host_fen),
            y(self.platform_fen),
            y(self.shop_fen),
            y(self.host_fen),
            self.recipient.clone(),
            "138****1234".into(),
            "安徽省".into(),
            "亳州市".into(),
            "利辛县".into(),
            "张村镇红光村3组".into(),
            self.paid_at.clone(),
            if self.live { "直播" } else { "短视频" }.into(),
            self.state.clone(),
            self.after_sale.clone(),
            "红".into(),
        ]
    }
}

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The rows as a UTF-8 CSV with a BOM, as the shop writes it.
pub fn csv(rows: &[Row]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    out.push_str(&HEADER.join(","));
    out.push('\n');
    for r in rows {
        out.push_str(
            &r.cells()
                .iter()
                .map(|c| field(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out.into_bytes()
}

/// The same CSV in GBK, as Excel saves it in China.
pub fn gbk(rows: &[Row]) -> Vec<u8> {
    let text = String::from_utf8(csv(rows)).unwrap_or_default();
    let text = text.trim_start_matches('\u{feff}');
    encoding_rs::GBK.encode(text).0.into_owned()
}

/// The rows as an XLSX workbook, ids as text cells.
pub fn xlsx(rows: &[Row]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        let c = u16::try_from(c).unwrap_or(0);
        sheet
            .write_string(0, c, *h)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    for (i, r) in rows.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(0);
        for (c, v) in r.cells().iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(0);
            sheet
                .write_string(row, c, v.trim_start_matches('\t'))
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    book.save_to_buffer().unwrap_or_else(|e| panic!("{e}"))
}
