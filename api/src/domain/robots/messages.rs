//! The messages the robots send, as markdown in Chinese: the day's sales beside the same day a
//! week before, a show's summary, after-sales cases new or near their deadline, a published
//! finance sheet, and a test. Each fits its robot's size limit: a list is split into several
//! messages, anything else is cut with a note.

use crate::domain::format::yuan_grouped as money;
use crate::domain::settlement::{change_centi_percent, format_centi_percent};

/// The note a cut message ends with.
const CUT: &str = "\n\n……（内容太长，已截去，请到村务办公页面查看）";

/// `text` within `max_bytes`, cut at a character boundary with a note if it is longer.
pub fn fit(text: &str, max_bytes: usize) -> String {
    if text.len() <= max_bytes {
        return text.to_owned();
    }
    let mut end = max_bytes.saturating_sub(CUT.len());
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{CUT}", &text[..end])
}

/// A heading and list lines, in as few messages as fit `max_bytes` each; a line too long for
/// one message alone is cut.
pub fn split(heading: &str, lines: &[String], max_bytes: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = heading.to_owned();
    let mut has_lines = false;
    for l in lines {
        let line = format!("\n{l}");
        if has_lines && current.len() + line.len() > max_bytes {
            out.push(std::mem::replace(&mut current, format!("{heading}（续）")));
        }
        current.push_str(&line);
        has_lines = true;
    }
    out.push(current);
    out.into_iter().map(|m| fit(&m, max_bytes)).collect()
}

/// A day's figures, as the sales report gives them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayFigures {
    pub orders: i64,
    pub net_sales_fen: i64,
    pub refunds_fen: i64,
    pub commission_fen: i64,
}

fn against(now: i64, before: i64) -> String {
    match change_centi_percent(before, now).map(format_centi_percent) {
        Some(p) if p.starts_with('-') => format!("，比上周同日 {p}%"),
        Some(p) => format!("，比上周同日 +{p}%"),
        None => String::new(),
    }
}

/// The daily summary: the day beside the same weekday a week before.
pub fn daily_summary(
    village: &str,
    day: chrono::NaiveDate,
    today: DayFigures,
    week_ago: DayFigures,
) -> (String, String) {
    use chrono::Datelike;
    let title = format!("{}月{}日销售日报", day.month(), day.day());
    let text = format!(
        "### {village} {title}\n\
         - 销售额：**{}**（上周同日 {}{}）\n\
         - 订单：**{}** 单（上周同日 {} 单）\n\
         - 退款：{}（上周同日 {}）\n\
         - 村集体提成：**{}**（上周同日 {}{}）",
        money(today.net_sales_fen),
        money(week_ago.net_sales_fen),
        against(today.net_sales_fen, week_ago.net_sales_fen),
        today.orders,
        week_ago.orders,
        money(today.refunds_fen),
        money(week_ago.refunds_fen),
        money(today.commission_fen),
        money(week_ago.commission_fen),
        against(today.commission_fen, week_ago.commission_fen),
    );
    (title, text)
}

/// A show that ended.
pub struct ShowFigures<'a> {
    pub title: &'a str,
    pub host: &'a str,
    pub minutes: Option<i64>,
    pub orders: i64,
    pub buyers: i64,
    pub revenue_fen: i64,
    /// Each product featured and what it sold (`12.50 斤`, `30 盒`).
    pub products: Vec<(String, String)>,
}

pub fn show_summary(s: &ShowFigures<'_>) -> (String, String) {
    let title = format!("直播结束：{}", s.title);
    let mut text = format!(
        "### {title}\n- 主播：{}\n{}- 订单：**{}** 单，{} 位买家\n- 销售额：**{}**",
        s.host,
        s.minutes
            .map(|m| format!("- 时长：{} 小时 {} 分\n", m / 60, m % 60))
            .unwrap_or_default(),
        s.orders,
        s.buyers,
        money(s.revenue_fen)
    );
    for (product, sold) in &s.products {
        text.push_str(&format!("\n  - {product}：{sold}"));
    }
    (title, text)
}

/// One after-sales case in a list.
pub struct CaseLine<'a> {
    pub order_number: &'a str,
    pub kind: &'a str,
    pub reason: &'a str,
    pub claimed_fen: Option<i64>,
    /// Local time, `12月6日 18:00`.
    pub deadline: String,
}

pub fn case_line(c: &CaseLine<'_>) -> String {
    format!(
        "- {} {}（{}）{}，{} 前答复",
        c.order_number,
        c.kind,
        c.reason,
        c.claimed_fen
            .map(|f| format!("，申请 {}", money(f)))
            .unwrap_or_default(),
        c.deadline
    )
}

/// A published finance sheet.
pub fn finance_sheet(
    village: &str,
    period: &str,
    version: i32,
    income_fen: i64,
    spending_fen: i64,
    url: &str,
) -> (String, String) {
    let title = format!("{period}财务公开");
    let text = format!(
        "### {village} {title}（第 {version} 版）已公布\n\
         - 收入合计：**{}**\n- 支出合计：**{}**\n\n经民主理财小组审核。[查看全文]({url})",
        money(income_fen),
        money(spending_fen)
    );
    (title, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_text_is_cut_at_a_character_within_the_limit() {
        let long = "好".repeat(3000);
        let cut = fit(&long, 4096);
        assert!(cut.len() <= 4096 && cut.ends_with(CUT), "{}", cut.len());
        assert_eq!(fit("短", 4096), "短");
    }

    #[test]
    fn a_list_splits_into_messages_that_each_fit() {
        let lines: Vec<String> = (0..300)
            .map(|i| format!("- 第 {i} 件售后，请尽快答复"))
            .collect();
        let parts = split("### 售后提醒", &lines, 2048);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|p| p.len() <= 2048));
        let joined = parts.join("\n");
        assert!(lines.iter().all(|l| joined.contains(l.as_str())));
        assert!(parts[1].starts_with("### 售后提醒（续）"));
    }

    #[test]
    fn the_daily_summary_compares_with_a_week_before() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap_or_default();
        let now = DayFigures {
            orders: 12,
            net_sales_fen: 150_000,
            refunds_fen: 0,
            commission_fen: 15_000,
        };
        let then = DayFigures {
            orders: 10,
            net_sales_fen: 100_000,
            refunds_fen: 500,
            commission_fen: 10_000,
        };
        let (title, text) = daily_summary("红光村", day, now, then);
        assert_eq!(title, "12月6日销售日报");
        assert!(
            text.contains("销售额：**¥1,500.00**（上周同日 ¥1,000.00，比上周同日 +50.00%）"),
            "{text}"
        );
        assert!(text.contains("订单：**12** 单（上周同日 10 单）"), "{text}");
    }
}
