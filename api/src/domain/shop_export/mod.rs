//! A Douyin shop order export (抖店 订单导出) read into rows: the standard report, one row per
//! 子订单, or one row per 主订单 (then the order's id stands for its one line). Columns are found
//! by their header's name ([`columns`]); each row is read on its own, and a row that cannot be
//! read is refused with its reason while the rest are kept.

pub mod columns;
pub mod values;

use columns::Layout;
use values::{AfterSale, ShopState};

/// A recipient as the export writes one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recipient {
    pub name: String,
    pub phone: String,
    pub province: String,
    pub city: String,
    pub district: String,
    pub street: String,
    pub detail: String,
}

/// One row read: a line of an order in the shop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShopRow {
    /// The row's number as the spreadsheet shows it.
    pub line: usize,
    pub order_id: String,
    pub sub_order_id: String,
    pub sku_code: String,
    pub product_name: String,
    /// 商品数量: how many of the SKU.
    pub items: i64,
    /// The goods before discounts: unit price × items.
    pub goods_fen: i64,
    pub shipping_fen: i64,
    /// What the buyer paid (订单应付金额).
    pub paid_fen: i64,
    pub platform_discount_fen: i64,
    pub shop_discount_fen: i64,
    pub host_discount_fen: i64,
    pub recipient: Recipient,
    pub paid_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Sold in a livestream (流量体裁 = 直播).
    pub live: bool,
    pub state: ShopState,
    pub state_word: String,
    pub after_sale: AfterSale,
    pub after_sale_word: String,
}

impl ShopRow {
    /// What the village earns for the goods: the goods less the discounts the shop itself
    /// bears. Discounts the platform or the host bear are paid back to the shop, and shipping
    /// pays the courier, so neither changes what the produce sold for. Commission is computed on
    /// this amount.
    pub fn sale_fen(&self) -> i64 {
        self.goods_fen - self.shop_discount_fen
    }
}

/// A row that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub line: usize,
    /// The 主订单编号 cell as it stood, for the results.
    pub order_id: String,
    pub reason: String,
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    NotATable,
    /// No row in the first ten names the order id and the SKU code; the first row's cells.
    NoHeader {
        found: Vec<String>,
    },
    /// A header was found but lacks required columns.
    MissingColumns {
        missing: Vec<&'static str>,
        found: Vec<String>,
    },
    TooManyRows {
        max: usize,
    },
}

/// An export opened: which headers were used and which not, and its rows, read one at a time
/// (an iterator), so that a caller keeps only the rows it is working on.
pub struct Export<'a> {
    pub used: Vec<String>,
    pub unknown: Vec<String>,
    /// The data rows (the empty ones aside).
    pub rows: usize,
    layout: Layout,
    table: super::table_file::Rows<'a>,
    /// The spreadsheet's number of the next row.
    line: usize,
    offset: chrono::FixedOffset,
}

impl Iterator for Export<'_> {
    type Item = Result<ShopRow, Refusal>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let cells = self.table.next()?;
            self.line += 1;
            if cells.iter().any(|c| !c.trim().is_empty()) {
                return Some(row(&self.layout, &cells, self.line - 1, self.offset));
            }
        }
    }
}

/// Opens `bytes`: finds the header, and counts the rows (at most `max_rows`) before any is
/// used, so that a file too long is refused whole. Times are read in `offset`.
///
/// # Errors
/// A [`FileProblem`].
pub fn open(
    bytes: &[u8],
    max_rows: usize,
    offset: chrono::FixedOffset,
) -> Result<Export<'_>, FileProblem> {
    let mut table = super::table_file::rows(bytes).ok_or(FileProblem::NotATable)?;
    // The header: the first of the first ten rows naming the order id and the SKU code.
    let mut before = Vec::new();
    let (layout, header_cells) = loop {
        let Some(row) = table.next().filter(|_| before.len() < 10) else {
            return Err(FileProblem::NoHeader {
                found: super::table_file::first_cells(&before),
            });
        };
        let layout = Layout::of(&row);
        if layout.has(&columns::ORDER_ID) && layout.has(&columns::SKU_CODE) {
            break (layout, row);
        }
        before.push(row);
    };
    let missing = layout.missing();
    if !missing.is_empty() {
        return Err(FileProblem::MissingColumns {
            missing,
            found: super::table_file::first_cells(&[header_cells]),
        });
    }
    let rows = table.count_rest();
    if rows > max_rows {
        return Err(FileProblem::TooManyRows { max: max_rows });
    }
    Ok(Export {
        used: layout.used.clone(),
        unknown: layout.unknown.clone(),
        rows,
        layout,
        table,
        line: before.len() + 2,
        offset,
    })
}

fn row(
    layout: &Layout,
    cells: &[String],
    line: usize,
    offset: chrono::FixedOffset,
) -> Result<ShopRow, Refusal> {
    let cell = |f: &columns::Field| {
        layout
            .position(f)
            .and_then(|i| cells.get(i))
            .map_or_else(String::new, |c| super::table_file::clean(c))
    };
    let refuse = |reason: String| Refusal {
        line,
        order_id: cell(&columns::ORDER_ID),
        reason,
    };
    let money = |f: &columns::Field| values::fen(&cell(f)).map(Option::unwrap_or_default);
    let read = || -> Result<ShopRow, String> {
        let order_id = values::platform_id(&cell(&columns::ORDER_ID), "主订单编号")?;
        let sub = cell(&columns::SUB_ORDER_ID);
        let sub_order_id = if sub.is_empty() {
            order_id.clone()
        } else {
            values::platform_id(&sub, "子订单编号")?
        };
        let sku_code = cell(&columns::SKU_CODE);
        if sku_code.is_empty() {
            return Err("缺少商家编码".into());
        }
        let items = cell(&columns::QUANTITY)
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=100_000).contains(n))
            .ok_or_else(|| format!("商品数量「{}」不对", cell(&columns::QUANTITY)))?;
        let unit = if layout.has(&columns::UNIT_PRICE) {
            money(&columns::UNIT_PRICE)?
        } else {
            money(&columns::GOODS_AMOUNT)?
        };
        let goods_fen = unit
            .checked_mul(items)
            .ok_or_else(|| "商品金额太大".to_owned())?;
        let shipping_fen = money(&columns::SHIPPING)?;
        let paid_fen =
            values::fen(&cell(&columns::PAID))?.ok_or_else(|| "缺少订单应付金额".to_owned())?;
        let platform = money(&columns::PLATFORM_DISCOUNT)?;
        let shop = money(&columns::SHOP_DISCOUNT)?;
        let host = money(&columns::HOST_DISCOUNT)?;
        let discounts = match values::fen(&cell(&columns::DISCOUNT_TOTAL))? {
            Some(total) => total,
            None => platform + shop + host,
        };
        if [
            unit,
            shipping_fen,
            paid_fen,
            platform,
            shop,
            host,
            discounts,
        ]
        .iter()
        .any(|v| *v < 0)
        {
            return Err("金额不能为负".into());
        }
        let expected = goods_fen + shipping_fen - discounts;
        if (expected - paid_fen).abs() > 1 {
            return Err(format!(
                "金额对不上：商品 {} + 运费 {} − 优惠 {} = {}，但应付 {}",
                crate::domain::format::yuan(goods_fen),
                crate::domain::format::yuan(shipping_fen),
                crate::domain::format::yuan(discounts),
                crate::domain::format::yuan(expected),
                crate::domain::format::yuan(paid_fen),
            ));
        }
        if shop > goods_fen {
            return Err("商家承担的优惠大于商品金额".into());
        }
        let state_word = cell(&columns::STATE);
        let state = values::state(&state_word)?;
        let after_sale_word = cell(&columns::AFTER_SALE);
        let after_sale = values::after_sale(&after_sale_word)?;
        let paid_at = values::time(&cell(&columns::PAID_AT), offset)?;
        values::time(&cell(&columns::SUBMITTED_AT), offset)?;
        Ok(ShopRow {
            line,
            order_id,
            sub_order_id,
            sku_code,
            product_name: cell(&columns::PRODUCT_NAME),
            items,
            goods_fen,
            shipping_fen,
            paid_fen,
            platform_discount_fen: platform,
            shop_discount_fen: shop,
            host_discount_fen: host,
            recipient: Recipient {
                name: cell(&columns::RECIPIENT),
                phone: cell(&columns::PHONE),
                province: cell(&columns::PROVINCE),
                city: cell(&columns::CITY),
                district: cell(&columns::DISTRICT),
                street: cell(&columns::STREET),
                detail: cell(&columns::DETAIL),
            },
            paid_at,
            live: cell(&columns::TRAFFIC_FORM) == "直播",
            state,
            state_word,
            after_sale,
            after_sale_word,
        })
    };
    read().map_err(refuse)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cst() -> chrono::FixedOffset {
        chrono::FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| chrono::Utc.fix())
    }
    use chrono::Offset;

    const HEADER: &str = "主订单编号,子订单编号,商家编码,商品数量,商品单价,运费,优惠总金额,商家实际承担优惠金额,订单应付金额,订单状态,售后状态,支付完成时间,流量体裁,旗帜颜色";

    #[test]
    fn rows_are_read_by_header_and_bad_ones_refused_alone() {
        let csv = format!(
            "{HEADER}\n\
             \t6920000000000000001,6920000000000000011,PUTAO-5J,2,39.90,5.00,10.00,4.00,74.80,待发货,,2026/11/28 20:15:03,直播,红\n\
             6.92E+18,,PUTAO-5J,1,39.90,0,0,0,39.90,待发货,,2026-11-28 20:16:00,直播,\n\
             6920000000000000002,,PUTAO-5J,1,39.90,0,0,0,30.00,待发货,,2026-11-28 20:16:00,,\n"
        );
        let Ok(export) = open(csv.as_bytes(), 10, cst()) else {
            panic!("the file should be read");
        };
        assert_eq!(export.unknown, vec!["旗帜颜色".to_owned()]);
        assert_eq!((export.used.len(), export.rows), (13, 3));
        let rows: Vec<Result<ShopRow, Refusal>> = export.collect();
        let first = rows[0].clone().ok();
        assert_eq!(
            first
                .as_ref()
                .map(|r| (r.goods_fen, r.sale_fen(), r.paid_fen, r.live)),
            Some((7980, 7580, 7480, true))
        );
        assert_eq!(first.map(|r| r.line), Some(2));
        assert!(
            rows[1]
                .as_ref()
                .is_err_and(|e| e.reason.contains("科学计数法") && e.line == 3)
        );
        assert!(
            rows[2]
                .as_ref()
                .is_err_and(|e| e.reason.contains("金额对不上"))
        );
        assert!(matches!(
            open(csv.as_bytes(), 2, cst()),
            Err(FileProblem::TooManyRows { max: 2 })
        ));
    }

    #[test]
    fn a_file_without_the_columns_names_what_it_has() {
        assert!(matches!(
            open("姓名,电话\n张三,138\n".as_bytes(), 10, cst()),
            Err(FileProblem::NoHeader { found }) if found == ["姓名", "电话"]
        ));
        assert!(matches!(
            open("主订单编号,商家编码\n1,A\n".as_bytes(), 10, cst()),
            Err(FileProblem::MissingColumns { missing, .. }) if missing == ["商品数量", "订单应付金额", "订单状态"]
        ));
        assert!(matches!(
            open(b"\x00\x01", 10, cst()),
            Err(FileProblem::NotATable)
        ));
    }
}
