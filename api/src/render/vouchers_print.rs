//! A month's vouchers as a printable page: one 记账凭证 to an A5 sheet in landscape, with its
//! date, number, originals attached, lines, the total in capitals, and the boxes to sign (会计主管,
//! 记账, 审核, 出纳, 制单).

use super::page;
use crate::domain::books::upper::upper_yuan;
use crate::domain::format::{html, yuan};
use crate::dto::books::VouchersOut;

fn money(fen: i64) -> String {
    if fen == 0 { String::new() } else { yuan(fen) }
}

pub fn html_page(v: &VouchersOut, unit: &str, origin: &str) -> String {
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
