//! A finance sheet's figures, drawn from the collective's books now: the period's vouchers item
//! by item, the trial balance's assets and debts, and the settled sales behind the commission.

use super::Drafting;
use crate::db::Db;
use crate::db::replica::ReportReader;
use crate::domain::books::chart::AccountClass;
use crate::domain::books::disclosure::{Period, VoucherLine, income_and_spending};
use crate::dto::disclosure::{FinanceSheetContent, SheetBalance, SheetDebt, SheetNotes, SheetSale};
use crate::error::AppResult;
use crate::services::books::accounts::{Books, collective_name};
use crate::services::books::trial_balance::trial_balance;

/// The sheet's figures for `period`, drawn from the collective's books now.
pub(super) async fn figures(
    db: &Db,
    collective_id: i64,
    period: &Period,
    notes: SheetNotes,
    d: &Drafting,
) -> AppResult<FinanceSheetContent> {
    let mut vouchers = Vec::new();
    let mut books_closed = true;
    for month in period.months() {
        let v = crate::services::books::vouchers(
            &db.read,
            collective_id,
            &month,
            false,
            d.keeper_setting,
        )
        .await?;
        books_closed &= v.closed;
        vouchers.extend(v.vouchers);
    }
    let books = Books::load(&db.read, collective_id, d.keeper_setting).await?;
    let lines: Vec<VoucherLine<'_>> = vouchers
        .iter()
        .flat_map(|v| {
            v.lines.iter().map(|l| VoucherLine {
                kind: v.kind,
                date: v.date,
                number: &v.number,
                summary: &v.summary,
                account_code: &l.account_code,
                account_name: &l.account_name,
                debit_fen: l.debit_fen,
                credit_fen: l.credit_fen,
            })
        })
        .collect();
    let (income, spending) = income_and_spending(books.chart(), &lines);
    let balances = trial_balance(
        &db.read,
        collective_id,
        period.from,
        period.to,
        d.keeper_setting,
    )
    .await?;
    let mut assets = Vec::new();
    let mut debts = Vec::new();
    for a in &balances.accounts {
        let closing = a.balance.closing_fen;
        if a.items.is_empty() {
            if a.class == AccountClass::Asset && closing != 0 {
                assets.push(SheetBalance {
                    account_code: a.account_code.clone(),
                    account_name: a.account_name.clone(),
                    closing_fen: closing,
                });
            }
            continue;
        }
        for i in a.items.iter().filter(|i| i.balance.closing_fen != 0) {
            debts.push(SheetDebt {
                account_code: a.account_code.clone(),
                account_name: a.account_name.clone(),
                party: i.auxiliary.clone(),
                owed_by_collective_fen: (-i.balance.closing_fen).max(0),
                owed_to_collective_fen: i.balance.closing_fen.max(0),
            });
        }
    }
    let owed_to_growers_fen = debts
        .iter()
        .filter(|x| {
            x.party
                .starts_with(crate::services::books::entries::GROWER_ITEM)
        })
        .map(|x| x.owed_by_collective_fen - x.owed_to_collective_fen)
        .sum();
    Ok(FinanceSheetContent {
        collective_name: collective_name(&db.read, collective_id).await?,
        chart: books.chart(),
        period: period.key.clone(),
        period_text: period.text(),
        from: period.from,
        to: period.to,
        books_closed,
        income_total_fen: income.iter().map(|a| a.total_fen).sum(),
        income,
        spending_total_fen: spending.iter().map(|a| a.total_fen).sum(),
        spending,
        assets,
        debts,
        owed_to_growers_fen,
        top_sales: top_sales(db, collective_id, period, d.top_sales).await?,
        notes,
    })
}

/// The products whose settled sales in the period the collective's commission came from.
async fn top_sales(
    db: &Db,
    collective_id: i64,
    period: &Period,
    limit: u64,
) -> AppResult<Vec<SheetSale>> {
    let query = format!(
        "from={}&to={}&basis=settled&group_by=product&collective_id={collective_id}\
         &order_by=net_sales_fen&limit={limit}",
        period.from, period.to
    );
    let (req, _) = crate::services::reports::request::parse(&query, 1)?;
    // The primary, as the books were read: the sheet is one moment's figures.
    let reader = ReportReader::choose(&db.read, None).await;
    let limits = crate::services::reports::sales::ReportLimits {
        max_rows: limit.max(1),
    };
    let report = crate::services::reports::sales::report(&reader, &req, limits).await?;
    Ok(report
        .rows
        .into_iter()
        .filter(|r| r.metrics.net_sales_fen != 0)
        .map(|r| SheetSale {
            product: r
                .dimensions
                .get("product")
                .map(|p| p.label.clone())
                .unwrap_or_default(),
            quantity_g: r.metrics.quantity_g,
            pieces: r.metrics.pieces,
            net_sales_fen: r.metrics.net_sales_fen,
            commission_fen: r.metrics.commission_fen,
        })
        .collect())
}
