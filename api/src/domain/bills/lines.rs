//! One row of each kind of bill into a [`BillLine`].

use super::BillLine;
use super::columns::{self as c, Field, Layout};
use crate::domain::shop_export::values::{fen, time};
use crate::domain::table_file::clean;
use chrono::{DateTime, FixedOffset, Utc};

fn cell(layout: &Layout, row: &[String], field: &Field) -> Option<String> {
    let v = clean(row.get(layout.position(field)?)?);
    (!v.is_empty() && v != "-").then_some(v)
}

fn money(layout: &Layout, row: &[String], field: &Field) -> Result<Option<i64>, String> {
    match cell(layout, row, field) {
        Some(v) => fen(&v).map_err(|e| format!("{}：{e}", field.names[0])),
        None => Ok(None),
    }
}

fn at(
    layout: &Layout,
    row: &[String],
    field: &Field,
    offset: FixedOffset,
) -> Result<Option<DateTime<Utc>>, String> {
    match cell(layout, row, field) {
        Some(v) => time(&v, offset).map_err(|e| format!("{}：{e}", field.names[0])),
        None => Ok(None),
    }
}

/// A number the platform or the merchant gave: up to 64 characters of letters, digits, `-` and
/// `_`; Excel's `1.23E+18` form is refused, the number being lost.
fn reference(layout: &Layout, row: &[String], field: &Field) -> Result<Option<String>, String> {
    let Some(v) = cell(layout, row, field) else {
        return Ok(None);
    };
    if v.contains(['E', 'e'])
        && v.contains('+')
        && v.replace(['E', 'e', '+', '.'], "")
            .bytes()
            .all(|b| b.is_ascii_digit())
    {
        return Err(format!(
            "{}「{v}」被表格软件改成了科学计数法，原编号已丢失；请重新下载账单",
            field.names[0]
        ));
    }
    if v.chars().count() > 64
        || !v
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
    {
        return Err(format!("{}「{v}」格式不对", field.names[0]));
    }
    Ok(Some(v))
}

fn required<T>(v: Option<T>, field: &Field) -> Result<T, String> {
    v.ok_or_else(|| format!("缺少{}", field.names[0]))
}

/// A 抖店 settlement bill's row (one 子订单 settled).
pub fn douyin(
    layout: &Layout,
    row: &[String],
    n: usize,
    offset: FixedOffset,
) -> Result<Option<BillLine>, String> {
    let order = required(reference(layout, row, &c::DY_ORDER_ID)?, &c::DY_ORDER_ID)?;
    let settled_at = required(
        at(layout, row, &c::DY_SETTLED_AT, offset)?,
        &c::DY_SETTLED_AT,
    )?;
    let goods = required(money(layout, row, &c::DY_GOODS)?, &c::DY_GOODS)?;
    let coupon = money(layout, row, &c::DY_SHOP_COUPON)?.unwrap_or(0).abs();
    let refunded = money(layout, row, &c::DY_REFUND_BEFORE)?.unwrap_or(0).abs();
    let expense = money(layout, row, &c::DY_EXPENSE)?;
    let fee = match expense {
        Some(e) => e.abs(),
        None => {
            let mut sum = 0;
            for f in &c::DY_FEES {
                sum += money(layout, row, f)?.unwrap_or(0).abs();
            }
            sum
        }
    };
    let mut subsidy = 0;
    for f in &c::DY_SUBSIDIES {
        subsidy += money(layout, row, f)?.unwrap_or(0);
    }
    let income = money(layout, row, &c::DY_INCOME)?;
    let settled = money(layout, row, &c::DY_SETTLED)?;
    if let (Some(i), Some(e), Some(s)) = (income, expense, settled)
        && i - e.abs() != s
    {
        return Err(format!(
            "结算金额 {} 不等于收入合计 {} 减支出合计 {}",
            crate::domain::format::yuan(s),
            crate::domain::format::yuan(i),
            crate::domain::format::yuan(e.abs())
        ));
    }
    Ok(Some(BillLine {
        row: n,
        platform_ref: order,
        merchant_ref: reference(layout, row, &c::DY_SUB_ORDER_ID)?,
        refund_ref: None,
        at: settled_at,
        ordered_at: at(layout, row, &c::DY_ORDERED_AT, offset)?,
        amount_fen: goods - coupon - refunded,
        fee_fen: fee,
        subsidy_fen: subsidy,
    }))
}

/// A 抖店 fund bill's row: one movement of the shop's balance, in (入账) or out (出账). A
/// withdrawal (提现) moves the balance to the bank and concerns no order; it is passed over. The
/// goods money of a movement is what moved plus the fees kept less the subsidies added, so that
/// a settlement (货款结算入账) reads as the settlement bill's line of the same order, and a refund
/// after settlement (退款-结算后退款-退用户) as negative goods money.
pub fn douyin_fund(
    layout: &Layout,
    row: &[String],
    n: usize,
    offset: FixedOffset,
) -> Result<Option<BillLine>, String> {
    let scene = required(cell(layout, row, &c::FUND_SCENE), &c::FUND_SCENE)?;
    if scene.contains("提现") {
        return Ok(None);
    }
    let sign = match required(cell(layout, row, &c::FUND_DIRECTION), &c::FUND_DIRECTION)?.as_str() {
        "入账" | "收入" => 1,
        "出账" | "支出" => -1,
        other => return Err(format!("动账方向「{other}」不认识")),
    };
    let moved = sign * required(money(layout, row, &c::FUND_AMOUNT)?, &c::FUND_AMOUNT)?.abs();
    let mut fee = 0;
    for f in &c::DY_FEES {
        fee += money(layout, row, f)?.unwrap_or(0).abs();
    }
    let mut subsidy = 0;
    for f in &c::DY_SUBSIDIES {
        subsidy += money(layout, row, f)?.unwrap_or(0);
    }
    // A movement without an order (a compensation, a deposit) is named by its serial number.
    let platform_ref = match reference(layout, row, &c::DY_ORDER_ID)? {
        Some(order) => order,
        None => required(reference(layout, row, &c::FUND_SERIAL)?, &c::DY_ORDER_ID)?,
    };
    Ok(Some(BillLine {
        row: n,
        platform_ref,
        merchant_ref: reference(layout, row, &c::DY_SUB_ORDER_ID)?,
        refund_ref: None,
        at: required(at(layout, row, &c::FUND_TIME, offset)?, &c::FUND_TIME)?,
        ordered_at: None,
        amount_fen: moved + fee - subsidy,
        fee_fen: fee,
        subsidy_fen: subsidy,
    }))
}

/// A WeChat Pay trade bill's row: a payment (SUCCESS) or a refund (REFUND); a revoked or closed
/// payment moved no money and is passed over.
pub fn wechat(
    layout: &Layout,
    row: &[String],
    n: usize,
    offset: FixedOffset,
    merchant_no: &mut Option<String>,
) -> Result<Option<BillLine>, String> {
    let state = required(cell(layout, row, &c::WX_STATE), &c::WX_STATE)?;
    let refund = match state.as_str() {
        "SUCCESS" => false,
        "REFUND" => true,
        "REVOKED" | "CLOSED" => return Ok(None),
        other => return Err(format!("交易状态「{other}」不认识")),
    };
    if let Some(m) = cell(layout, row, &c::WX_MERCHANT_NO) {
        match merchant_no {
            Some(seen) if *seen != m => {
                return Err(format!("商户号「{m}」与前面各行的「{seen}」不同"));
            }
            Some(_) => {}
            None => *merchant_no = Some(m),
        }
    }
    let amount = if refund {
        let r = match money(layout, row, &c::WX_REFUND_AMOUNT)? {
            Some(r) => Some(r),
            None => money(layout, row, &c::WX_REFUND_ASKED)?,
        };
        -required(r, &c::WX_REFUND_AMOUNT)?.abs()
    } else {
        let a = match money(layout, row, &c::WX_ORDER_AMOUNT)? {
            Some(a) => Some(a),
            None => money(layout, row, &c::WX_SETTLEMENT_AMOUNT)?,
        };
        required(a, &c::WX_ORDER_AMOUNT)?
    };
    let refund_ref = match reference(layout, row, &c::WX_OUT_REFUND_NO)? {
        Some(r) => Some(r),
        None => reference(layout, row, &c::WX_REFUND_ID)?,
    };
    Ok(Some(BillLine {
        row: n,
        platform_ref: required(
            reference(layout, row, &c::WX_TRANSACTION_ID)?,
            &c::WX_TRANSACTION_ID,
        )?,
        merchant_ref: reference(layout, row, &c::WX_OUT_TRADE_NO)?,
        refund_ref: if refund { refund_ref } else { None },
        at: required(at(layout, row, &c::WX_TIME, offset)?, &c::WX_TIME)?,
        ordered_at: None,
        amount_fen: amount,
        fee_fen: money(layout, row, &c::WX_FEE)?.unwrap_or(0),
        subsidy_fen: 0,
    }))
}

/// An Alipay trade bill's row: 交易 (a payment) or 退款 (a refund).
pub fn alipay(
    layout: &Layout,
    row: &[String],
    n: usize,
    offset: FixedOffset,
) -> Result<Option<BillLine>, String> {
    let kind = required(cell(layout, row, &c::ALI_TYPE), &c::ALI_TYPE)?;
    let refund = match kind.as_str() {
        "交易" => false,
        "退款" => true,
        other => return Err(format!("业务类型「{other}」不认识")),
    };
    let amount = required(money(layout, row, &c::ALI_AMOUNT)?, &c::ALI_AMOUNT)?.abs();
    let fee = money(layout, row, &c::ALI_FEE)?.unwrap_or(0).abs();
    let when = match at(layout, row, &c::ALI_FINISHED_AT, offset)? {
        Some(t) => Some(t),
        None => at(layout, row, &c::ALI_CREATED_AT, offset)?,
    };
    Ok(Some(BillLine {
        row: n,
        platform_ref: required(reference(layout, row, &c::ALI_TRADE_NO)?, &c::ALI_TRADE_NO)?,
        merchant_ref: reference(layout, row, &c::ALI_OUT_TRADE_NO)?,
        refund_ref: if refund {
            reference(layout, row, &c::ALI_REFUND_NO)?
        } else {
            None
        },
        at: required(when, &c::ALI_FINISHED_AT)?,
        ordered_at: None,
        amount_fen: if refund { -amount } else { amount },
        fee_fen: if refund { -fee } else { fee },
        subsidy_fen: 0,
    }))
}

/// The account an Alipay bill's opening lines name (`#账号：[2088…]`).
pub fn account_in_preamble(rows: &[Vec<String>]) -> Option<String> {
    rows.iter().flatten().find_map(|cell| {
        let after = cell.split_once("账号")?.1;
        let digits: String = after
            .chars()
            .skip_while(|ch| !ch.is_ascii_digit())
            .take_while(char::is_ascii_digit)
            .collect();
        (digits.len() >= 6).then_some(digits)
    })
}

/// WeChat's totals block agrees with its lines: the count and the fees.
pub fn check_wechat_totals(
    names: &[String],
    values: &[String],
    lines: &[BillLine],
) -> Result<(), String> {
    let value = |name: &str| -> Result<Option<String>, String> {
        Ok(names
            .iter()
            .position(|n| clean(n) == name)
            .and_then(|i| values.get(i))
            .map(|v| clean(v)))
    };
    if let Some(count) = value("总交易单数")? {
        let want: usize = count
            .parse()
            .map_err(|_| format!("总交易单数「{count}」不是数字"))?;
        if want != lines.len() {
            return Err(format!("汇总说 {want} 笔，明细有 {} 笔", lines.len()));
        }
    }
    if let Some(fees) = value("手续费总金额")? {
        let want = fen(&fees)?.unwrap_or(0);
        let got: i64 = lines.iter().map(|l| l.fee_fen).sum();
        if want != got {
            return Err(format!(
                "汇总的手续费 {} 与明细之和 {} 不符",
                crate::domain::format::yuan(want),
                crate::domain::format::yuan(got)
            ));
        }
    }
    Ok(())
}
