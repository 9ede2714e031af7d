//! The books as printable pages: a month's vouchers, one 记账凭证 to an A5 sheet in landscape,
//! with its date, number, originals attached, lines, the total in capitals, and the boxes to sign
//! (会计主管, 记账, 审核, 出纳, 制单); and the trial balance (科目余额表) with its balances on the
//! side they stand.

use super::page;
use crate::domain::books::upper::upper_yuan;
use crate::domain::format::{html, yuan};
use crate::dto::books::{BalanceOut, TrialBalanceOut, VouchersOut};

fn money(fen: i64) -> String {
    if fen == 0 { String::new() } else { yuan(fen) }
}

pub fn vouchers_page(v: &VouchersOut, unit: &str, origin: &str) -> String {
    let title = format!("记账凭证 · {}", v.month);
    let mut body = String::new();
    if v.vouchers.is_empty() {
        body.push_str(&format!("<h1>{}</h1><p>这个月没有记账。</p>", html(&title)));
    }
    for x in &v.vouchers {
        body.push_str(&format!(
            "<section class=\"voucher\"><h1>记账凭证</h1>\
             <p class=\"vhead\"><span>核算单位：{}</span><span>日期：{}</span><span>凭证号：{}</span>\
             <span>附单据 {} 张</span></p>\
             <table><tr><th>摘要</th><th>科目编码</th><th>会计科目</th><th>辅助核算</th>\
             <th>借方金额</th><th>贷方金额</th></tr>",
            html(unit),
            x.date,
            html(&x.number),
            x.attachments
        ));
        for (i, l) in x.lines.iter().enumerate() {
            body.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
                if i == 0 { html(&x.summary) } else { String::new() },
                html(&l.account_code),
                html(&l.account_name),
                html(l.auxiliary.as_deref().unwrap_or("")),
                money(l.debit_fen),
                money(l.credit_fen)
            ));
        }
        body.push_str(&format!(
            "<tr><th colspan=4>合计：人民币（大写）{}</th><th class=n>{}</th><th class=n>{}</th></tr></table>\
             <div class=\"sign\"><div>会计主管：</div><div>记账：</div><div>审核：</div><div>出纳：</div>\
             <div>制单：{}</div></div></section>",
            upper_yuan(x.total_fen),
            yuan(x.total_fen),
            yuan(x.total_fen),
            html(&x.made_by)
        ));
    }
    page(&title, &body, origin)
}

/// A signed balance as two cells: debit, credit.
fn sides(fen: i64) -> (String, String) {
    if fen >= 0 {
        (money(fen), String::new())
    } else {
        (String::new(), money(-fen))
    }
}

fn figures(b: &BalanceOut) -> String {
    let (od, oc) = sides(b.opening_fen);
    let (cd, cc) = sides(b.closing_fen);
    [od, oc, money(b.debit_fen), money(b.credit_fen), cd, cc]
        .iter()
        .map(|x| format!("<td class=n>{x}</td>"))
        .collect()
}

pub fn trial_balance_page(t: &TrialBalanceOut, unit: &str, origin: &str) -> String {
    let title = format!("科目余额表 · {} 至 {}", t.from, t.to);
    let mut body = format!(
        "<h1>科目余额表</h1><p class=\"vhead\">核算单位：{}　期间：{} 至 {}</p>\
         <table><tr><th rowspan=2>科目编码</th><th rowspan=2>科目名称</th><th rowspan=2>辅助核算</th>\
         <th colspan=2>期初余额</th><th colspan=2>本期发生额</th><th colspan=2>期末余额</th></tr>\
         <tr><th>借方</th><th>贷方</th><th>借方</th><th>贷方</th><th>借方</th><th>贷方</th></tr>",
        html(unit),
        t.from,
        t.to
    );
    for a in &t.accounts {
        body.push_str(&format!(
            "<tr><th>{}</th><th>{}</th><td></td>{}</tr>",
            html(&a.account_code),
            html(&a.account_name),
            figures(&a.balance)
        ));
        for i in &a.items {
            body.push_str(&format!(
                "<tr><td></td><td></td><td>{}</td>{}</tr>",
                html(&i.auxiliary),
                figures(&i.balance)
            ));
        }
    }
    body.push_str(&format!(
        "<tr><th colspan=3>合计</th><td></td><td></td><td class=n>{}</td><td class=n>{}</td><td></td><td></td></tr></table>\
         <div class=\"sign\"><div>会计主管：</div><div>制表：</div></div>",
        yuan(t.totals.debit_fen),
        yuan(t.totals.credit_fen)
    ));
    page(&title, &body, origin)
}
