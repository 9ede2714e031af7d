//! Reading the cells of a shop export: yuan with at most two decimals to fen (exactly, no
//! floating point), ids that Excel may have mangled, the times in the formats the shop and
//! Excel write, and the shop's state words.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};

/// Yuan to fen: `12`, `12.3`, `12.30`, `¥1,234.50`, `-3.00`; empty is `None`. More than two
/// decimals, or anything not a number, is an error naming the cell.
///
/// # Errors
/// The reason, in the office's words.
pub fn fen(cell: &str) -> Result<Option<i64>, String> {
    let t = cell.trim().trim_start_matches(['¥', '￥']).replace(',', "");
    if t.is_empty() || t == "-" {
        return Ok(None);
    }
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.as_str()),
    };
    let (whole, part) = digits.split_once('.').unwrap_or((digits, ""));
    let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !is_digits(whole) || !is_digits(part) {
        return Err(format!("金额「{cell}」不是数字"));
    }
    if part.len() > 2 {
        return Err(format!("金额「{cell}」超过两位小数"));
    }
    let cents = format!("{part:0<2}");
    let value = whole
        .parse::<i64>()
        .ok()
        .and_then(|w| w.checked_mul(100))
        .and_then(|w| w.checked_add(cents.parse::<i64>().ok()?))
        .filter(|v| *v <= 10_000_000_000)
        .ok_or_else(|| format!("金额「{cell}」太大"))?;
    Ok(Some(if negative { -value } else { value }))
}

/// A platform id (主订单编号 …): digits as the shop writes them. Excel's `1.23E+18` form, or
/// any non-digit, is refused: the id cannot be recovered from it.
///
/// # Errors
/// The reason.
pub fn platform_id(cell: &str, what: &str) -> Result<String, String> {
    let t = cell.trim();
    if t.contains(['E', 'e']) && t.contains('+') {
        return Err(format!(
            "{what}「{t}」被表格软件改成了科学计数法，原编号已丢失；请把该列设为文本后重新导出"
        ));
    }
    if t.is_empty() {
        return Err(format!("缺少{what}"));
    }
    if t.len() > 32 || !t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(format!("{what}「{t}」格式不对"));
    }
    Ok(t.to_owned())
}

/// A time as the shop writes it (`2026-11-28 20:15:03`, `2026/11/28 20:15`, …), in the
/// village's time zone; empty is `None`.
///
/// # Errors
/// A format not among those known.
pub fn time(cell: &str, offset: FixedOffset) -> Result<Option<DateTime<Utc>>, String> {
    let t = cell.trim();
    if t.is_empty() || t == "-" {
        return Ok(None);
    }
    const FORMATS: [&str; 6] = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y年%m月%d日 %H:%M:%S",
    ];
    FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
        .and_then(|naive| offset.from_local_datetime(&naive).single())
        .map(|local| Some(local.with_timezone(&Utc)))
        .ok_or_else(|| format!("时间「{t}」的格式无法识别"))
}

/// Where the order stands in the shop, as far as stock and money go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShopState {
    /// Not paid yet: nothing to import.
    Unpaid,
    /// Paid, whether or not shipped: it holds stock.
    Paid,
    /// Cancelled or closed: it holds none.
    Closed,
}

/// The state a word of 订单状态 means.
///
/// # Errors
/// A word not known, named.
pub fn state(word: &str) -> Result<ShopState, String> {
    match word.trim() {
        "待支付" | "待付款" | "未支付" => Ok(ShopState::Unpaid),
        "已支付" | "待发货" | "备货中" | "部分发货" | "已发货" | "待收货" | "已签收" | "已完成"
        | "交易成功" => Ok(ShopState::Paid),
        "已取消" | "已关闭" | "交易关闭" | "订单关闭" => Ok(ShopState::Closed),
        other => Err(format!("订单状态「{other}」无法识别")),
    }
}

/// What 售后状态 means for our books.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterSale {
    /// None, or one that ended without money back.
    None,
    /// Asked for and not yet decided: nothing changes until it is.
    Pending,
    /// Money went back to the buyer.
    Refunded,
}

/// # Errors
/// A word not known, named.
pub fn after_sale(word: &str) -> Result<AfterSale, String> {
    match word.trim() {
        "" | "-" | "无" | "无售后" | "售后关闭" | "售后已关闭" | "退款关闭" | "已拒绝"
        | "拒绝退款" | "售后取消" => Ok(AfterSale::None),
        "售后中" | "待商家处理" | "退款中" | "待退货" | "待买家退货" | "待商家收货"
        | "申请退款" | "售后待处理" => Ok(AfterSale::Pending),
        "退款成功" | "售后完成" | "已退款" | "退款完成" | "售后成功" => {
            Ok(AfterSale::Refunded)
        }
        other => Err(format!("售后状态「{other}」无法识别")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_become_fen_exactly_or_are_refused() {
        assert_eq!(fen("12"), Ok(Some(1200)));
        assert_eq!(fen("12.3"), Ok(Some(1230)));
        assert_eq!(fen(" ¥1,234.05 "), Ok(Some(123_405)));
        assert_eq!(fen("-0.01"), Ok(Some(-1)));
        assert_eq!(fen("0.10"), Ok(Some(10)));
        assert_eq!(fen(""), Ok(None));
        assert!(fen("1.005").is_err_and(|e| e.contains("两位小数")));
        assert!(fen("abc").is_err_and(|e| e.contains("不是数字")));
        assert!(fen("1.2.3").is_err());
        assert!(fen(".5").is_err());
        assert!(fen("99999999999999").is_err());
    }

    #[test]
    fn mangled_ids_are_refused_and_good_ones_kept() {
        assert_eq!(
            platform_id(" 6921234567890123456", "主订单编号"),
            Ok("6921234567890123456".into())
        );
        assert!(platform_id("6.92123E+18", "主订单编号").is_err_and(|e| e.contains("科学计数法")));
        assert!(platform_id("", "主订单编号").is_err());
        assert!(platform_id("=HYPERLINK(1)", "主订单编号").is_err());
    }

    #[test]
    fn times_in_the_known_formats_are_local() {
        let Some(cst) = FixedOffset::east_opt(8 * 3600) else {
            return;
        };
        let t = time("2026/11/28 20:15", cst);
        assert_eq!(
            t.ok().flatten().map(|t| t.to_rfc3339()),
            Some("2026-11-28T12:15:00+00:00".to_owned())
        );
        assert!(time("28.11.2026", cst).is_err());
        assert_eq!(time("", cst), Ok(None));
    }

    #[test]
    fn state_words_map_and_unknown_ones_are_named() {
        assert_eq!(state("待发货"), Ok(ShopState::Paid));
        assert_eq!(state("已关闭"), Ok(ShopState::Closed));
        assert_eq!(state("待支付"), Ok(ShopState::Unpaid));
        assert!(state("神秘状态").is_err_and(|e| e.contains("神秘状态")));
        assert_eq!(after_sale("退款成功"), Ok(AfterSale::Refunded));
        assert_eq!(after_sale(""), Ok(AfterSale::None));
        assert!(after_sale("怪").is_err());
    }
}
