//! The public finance sheet as people read it: the public page (`/gongkai/…`, phone first, no
//! script) and the A3 poster for the notice board, with the QR code of that page. Both print
//! the rule's eight categories in order; no buyer, no phone number, no address appears, and of
//! the growers only their names and what the collective owes them.

use crate::domain::format::{html, jin, yuan_grouped as money};
use crate::dto::disclosure::{FinanceSheetContent, FinanceSheetOut, SheetAccount};

fn none_this_period(text: &str) -> String {
    if text.trim().is_empty() {
        "<p class=\"none\">本期无。</p>".to_owned()
    } else {
        text.lines()
            .map(|l| format!("<p>{}</p>", html(l)))
            .collect()
    }
}

fn accounts_table(accounts: &[SheetAccount], total_fen: i64, total_label: &str) -> String {
    if accounts.is_empty() {
        return "<p class=\"none\">本期无。</p>".to_owned();
    }
    let mut t = String::from(
        "<div class=\"scroll\"><table><tr><th>科目及项目</th><th class=n>金额</th></tr>",
    );
    for a in accounts {
        t.push_str(&format!(
            "<tr class=\"account\"><th>{} {}</th><th class=n>{}</th></tr>",
            html(&a.account_code),
            html(&a.account_name),
            money(a.total_fen)
        ));
        for i in &a.items {
            let day = i.date.map(|d| format!("{d} ")).unwrap_or_default();
            t.push_str(&format!(
                "<tr><td class=\"item\">{day}{}</td><td class=n>{}</td></tr>",
                html(&i.text),
                money(i.amount_fen)
            ));
        }
    }
    t.push_str(&format!(
        "<tr class=\"total\"><th>{total_label}</th><th class=n data-testid=\"{}\">{}</th></tr></table></div>",
        if total_label.starts_with("收入") { "income-total" } else { "spending-total" },
        money(total_fen)
    ));
    t
}

/// The eight categories, in the rule's order.
fn sections(c: &FinanceSheetContent) -> String {
    let mut b = String::new();
    b.push_str(&format!(
        "<section><h2>一、财务计划</h2>{}</section>",
        none_this_period(&c.notes.plan)
    ));
    b.push_str(&format!(
        "<section><h2>二、各项收入</h2>{}",
        accounts_table(&c.income, c.income_total_fen, "收入合计")
    ));
    if !c.top_sales.is_empty() {
        b.push_str(
            "<h3>销售提成来自的主要产品</h3><div class=\"scroll\"><table><tr><th>产品</th>\
             <th class=n>数量</th><th class=n>销售额</th><th class=n>提成</th></tr>",
        );
        for s in &c.top_sales {
            let amount = if s.quantity_g > 0 {
                format!("{} 斤", jin(s.quantity_g))
            } else {
                format!("{} 件", s.pieces)
            };
            b.push_str(&format!(
                "<tr><td>{}</td><td class=n>{amount}</td><td class=n>{}</td><td class=n>{}</td></tr>",
                html(&s.product),
                money(s.net_sales_fen),
                money(s.commission_fen)
            ));
        }
        b.push_str("</table></div>");
    }
    b.push_str("</section>");
    b.push_str(&format!(
        "<section><h2>三、各项支出</h2>{}</section>",
        accounts_table(&c.spending, c.spending_total_fen, "支出合计")
    ));
    b.push_str("<section><h2>四、各项资产</h2>");
    if c.assets.is_empty() {
        b.push_str("<p class=\"none\">本期无。</p>");
    } else {
        b.push_str("<table><tr><th>科目</th><th class=n>期末余额</th></tr>");
        for a in &c.assets {
            b.push_str(&format!(
                "<tr><td>{} {}</td><td class=n>{}</td></tr>",
                html(&a.account_code),
                html(&a.account_name),
                money(a.closing_fen)
            ));
        }
        b.push_str("</table>");
    }
    b.push_str("</section>");
    b.push_str(&format!(
        "<section><h2>五、各类资源</h2>{}</section>",
        none_this_period(&c.notes.resources)
    ));
    b.push_str("<section><h2>六、债权债务</h2>");
    if c.debts.is_empty() {
        b.push_str("<p class=\"none\">本期末无债权债务。</p>");
    } else {
        b.push_str(
            "<div class=\"scroll\"><table><tr><th>往来单位或个人</th><th>科目</th>\
             <th class=n>集体应付</th><th class=n>集体应收</th></tr>",
        );
        for d in &c.debts {
            let cell = |fen: i64| if fen == 0 { String::new() } else { money(fen) };
            b.push_str(&format!(
                "<tr><td>{}</td><td>{} {}</td><td class=n>{}</td><td class=n>{}</td></tr>",
                html(&d.party),
                html(&d.account_code),
                html(&d.account_name),
                cell(d.owed_by_collective_fen),
                cell(d.owed_to_collective_fen)
            ));
        }
        b.push_str(&format!(
            "<tr class=\"total\"><th colspan=2>应付种植户合计</th><th class=n data-testid=\"owed-to-growers\">{}</th><th></th></tr></table></div>",
            money(c.owed_to_growers_fen)
        ));
    }
    b.push_str("</section>");
    b.push_str(&format!(
        "<section><h2>七、收益分配</h2>{}</section>",
        none_this_period(&c.notes.distribution)
    ));
    b.push_str(&format!(
        "<section><h2>八、其他</h2>{}</section>",
        none_this_period(&c.notes.other)
    ));
    b
}

fn heading(s: &FinanceSheetOut) -> String {
    let c = &s.content;
    let published = s
        .published_at
        .map(|t| format!(" · 公布于 {}", t.date_naive()))
        .unwrap_or_default();
    let mut h = format!(
        "<h1 data-testid=\"sheet-title\">{}财务公开</h1>\
         <p class=\"period\" data-testid=\"sheet-period\">{}（{} 至 {}）· 第 {} 版{published}</p>",
        html(&c.collective_name),
        html(&c.period_text),
        c.from,
        c.to,
        s.version
    );
    if !c.books_closed {
        h.push_str("<p class=\"note\">本表编制时，这一期的账还没有结账。</p>");
    }
    h
}

fn signed(s: &FinanceSheetOut) -> String {
    format!(
        "<p class=\"signed\" data-testid=\"checked-by\">民主理财小组审核：{}{}{}</p>",
        html(s.checked_by.as_deref().unwrap_or("")),
        s.checked_at
            .map(|t| format!("（{}）", t.date_naive()))
            .unwrap_or_default(),
        s.check_note
            .as_deref()
            .map(|n| format!(" 意见：{}", html(n)))
            .unwrap_or_default()
    )
}

fn public_shell(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title>\
         <link rel=\"icon\" href=\"/app/static/favicon.svg\" type=\"image/svg+xml\">\
         <link rel=\"stylesheet\" href=\"/app/static/gongkai.css\"></head><body>\
         <header>村务公开 · 财务公开</header><main>{body}</main>\
         <footer>本页由村集体经济组织公布，经民主理财小组审核。</footer></body></html>",
        html(title)
    )
}

/// The public page of one published version; an older one says it was corrected and links to
/// the version in force.
pub fn public_page(s: &FinanceSheetOut, current_version: i32) -> String {
    let mut body = String::new();
    if s.version != current_version {
        body.push_str(&format!(
            "<p class=\"replaced\" data-testid=\"replaced\">此版本已被第 {current_version} 版更正。\
             <a href=\"?v={current_version}\">查看最新版本</a></p>"
        ));
    }
    body.push_str(&heading(s));
    body.push_str(&sections(&s.content));
    body.push_str(&signed(s));
    public_shell(
        &format!(
            "{}财务公开 · {}",
            s.content.collective_name, s.content.period_text
        ),
        &body,
    )
}

/// No published sheet at this address.
pub fn not_found() -> String {
    public_shell(
        "没有找到 · 财务公开",
        "<h1>没有找到这一期的财务公开</h1><p>这一期可能还没有公布。请核对公开栏上的二维码，或到村委会查看。</p>",
    )
}

/// The database is away.
pub fn unavailable() -> String {
    public_shell(
        "请稍后再试 · 财务公开",
        "<h1>暂时打不开</h1><p>服务器正忙，请过一会儿再试。</p>",
    )
}

/// Too many requests from one address.
pub fn too_many(wait_secs: u64) -> String {
    public_shell(
        "请稍后再试 · 财务公开",
        &format!("<h1>请稍后再试</h1><p>打开得太频繁了，请 {wait_secs} 秒后再试。</p>"),
    )
}

/// The A3 poster for the notice board: the sheet, the finance group's sign-off, and the QR code
/// of its public page (`url`).
pub fn poster(s: &FinanceSheetOut, url: &str, origin: &str) -> String {
    let qr = super::qr::labelled_svg(url, 40, "财务公开网页二维码").unwrap_or_default();
    let body = format!(
        "<article class=\"poster\"><div class=\"poster-head\"><div>{}</div>\
         <figure class=\"poster-qr\" data-testid=\"poster-qr\">{qr}<figcaption>扫码在手机上查看<br>\
         <span class=\"url\">{}</span></figcaption></figure></div>{}{}\
         <div class=\"sign\"><div>村集体经济组织负责人：</div><div>民主理财小组组长：</div><div>制表：{}</div></div>\
         </article>",
        heading(s),
        html(url),
        sections(&s.content),
        signed(s),
        html(&s.drafted_by)
    );
    super::page(
        &format!(
            "{}财务公开 · {}",
            s.content.collective_name, s.content.period_text
        ),
        &body,
        origin,
    )
}
