//! The integrity check (`zhunong check`, the office's 完整性检查, and every restore): each
//! invariant the design promises, verified again from what is stored.
//!
//! It only reads, inside one snapshot (a read-only repeatable-read transaction on PostgreSQL, a
//! read transaction on SQLite's WAL), so it is safe on a live database and sees one moment of
//! it: an order placed while it runs is either wholly in what it checks or wholly outside.
//!
//! Each rule lists what breaks it with the ids involved, at most `max_listed` per rule, and
//! counts all of them. The rules:
//! - every ledger transaction sums to 0;
//! - the ledger, payments, weigh tickets and the audit log are append-only: their triggers are
//!   in place, and on PostgreSQL the table statistics show no update or delete;
//! - every settled order's grower payable plus its commissions equals what was paid for it;
//! - every order's paid amount equals the sum of its payments;
//! - each batch's stock equals its quantity, plus its adjustments, less what orders hold;
//! - the daily totals equal the sum of their facts;
//! - each order's facts equal the facts its order, lines and payments make now;
//! - every stored idempotent answer points at objects that exist;
//! - no order is in an impossible state;
//! - a Douyin shop order's refunds equal its lines' refunds, and each line has its 子订单编号.

mod bills;
mod ledger;
mod orders;
mod sales;
mod shop;
mod stock;

use crate::error::AppResult;
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DbBackend, IsolationLevel, Statement,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// An invariant the check verifies.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Every ledger transaction sums to 0 (double entry).
    LedgerBalances,
    /// The append-only tables refuse UPDATE and DELETE, and show none.
    AppendOnly,
    /// A settled order's grower payable plus commissions equals what was paid for it.
    SettledSplit,
    /// An order's paid amount equals the sum of its payments.
    Payments,
    /// A batch's stock equals its quantity, plus adjustments, less what orders hold.
    Stock,
    /// The daily totals equal their facts.
    DailyTotals,
    /// An order's facts equal what its order, lines and payments make.
    Facts,
    /// Stored idempotent answers point at existing objects.
    Idempotency,
    /// No order is in an impossible state.
    OrderState,
    /// A shop order's refunds equal its lines' refunds; every line has its 子订单编号.
    ShopOrders,
    /// An order's platform fees equal its fee and subsidy postings; a payment a bill confirmed
    /// is confirmed by a matched item of that bill.
    PlatformFees,
}

impl Rule {
    pub const ALL: [Rule; 11] = [
        Rule::LedgerBalances,
        Rule::AppendOnly,
        Rule::SettledSplit,
        Rule::Payments,
        Rule::Stock,
        Rule::DailyTotals,
        Rule::Facts,
        Rule::Idempotency,
        Rule::OrderState,
        Rule::ShopOrders,
        Rule::PlatformFees,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::LedgerBalances => "ledger_balances",
            Rule::AppendOnly => "append_only",
            Rule::SettledSplit => "settled_split",
            Rule::Payments => "payments",
            Rule::Stock => "stock",
            Rule::DailyTotals => "daily_totals",
            Rule::Facts => "facts",
            Rule::Idempotency => "idempotency",
            Rule::OrderState => "order_state",
            Rule::ShopOrders => "shop_orders",
            Rule::PlatformFees => "platform_fees",
        }
    }
}

/// What a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Order,
    Batch,
    LedgerTransaction,
    /// A day's totals (the id is the day, `YYYYMMDD`).
    Day,
    IdempotencyKey,
    /// A table (the id is 0; the detail names it).
    Table,
}

/// One thing that breaks a rule.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Finding {
    pub rule: Rule,
    pub subject: Subject,
    pub id: i64,
    /// The figure the rule expects, where the rule is about a figure.
    pub expected: Option<i64>,
    /// The figure stored.
    pub found: Option<i64>,
    /// The table, for a finding about one (`subject` = `table`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// What is wrong, for the operator's terminal and the log.
    pub detail: String,
}

/// How many things broke one rule (all of them, also those not listed).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RuleResult {
    pub rule: Rule,
    pub violations: u64,
}

/// What a check found.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Report {
    /// True when no rule is broken.
    pub ok: bool,
    /// Every rule checked, with how many things broke it.
    pub rules: Vec<RuleResult>,
    /// What broke them, at most `max_listed` per rule.
    pub findings: Vec<Finding>,
    /// How long the check took.
    pub took_ms: u64,
}

impl Report {
    /// One line per broken rule and per finding, for a terminal.
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        for r in &self.rules {
            let verdict = if r.violations == 0 {
                "ok".to_owned()
            } else {
                format!("{} violation(s)", r.violations)
            };
            let _ = writeln!(out, "{:<16} {verdict}", r.rule.as_str());
            for f in self.findings.iter().filter(|f| f.rule == r.rule) {
                let _ = writeln!(out, "  {}", f.detail);
            }
        }
        let _ = writeln!(
            out,
            "{} in {} ms",
            if self.ok {
                "all invariants hold"
            } else {
                "INVARIANTS BROKEN"
            },
            self.took_ms
        );
        out
    }
}

/// Collects findings, listing at most `max_listed` per rule and counting all.
pub(crate) struct Findings {
    max_listed: usize,
    listed: Vec<Finding>,
    counts: BTreeMap<Rule, u64>,
}

impl Findings {
    fn new(max_listed: usize) -> Self {
        Self {
            max_listed,
            listed: Vec::new(),
            counts: Rule::ALL.iter().map(|r| (*r, 0)).collect(),
        }
    }

    pub(crate) fn add(&mut self, f: Finding) {
        let count = self.counts.entry(f.rule).or_default();
        *count += 1;
        if usize::try_from(*count).is_ok_and(|c| c <= self.max_listed) {
            self.listed.push(f);
        }
    }

    /// A finding about a figure that should equal another.
    pub(crate) fn figure(
        &mut self,
        rule: Rule,
        subject: Subject,
        id: i64,
        (expected, found): (i64, i64),
        detail: String,
    ) {
        self.add(Finding {
            rule,
            subject,
            id,
            expected: Some(expected),
            found: Some(found),
            table: None,
            detail,
        });
    }

    /// A finding with no figure.
    pub(crate) fn fact(&mut self, rule: Rule, subject: Subject, id: i64, detail: String) {
        self.add(Finding {
            rule,
            subject,
            id,
            expected: None,
            found: None,
            table: None,
            detail,
        });
    }

    /// A finding about a table.
    pub(crate) fn table(
        &mut self,
        rule: Rule,
        table: &str,
        figures: Option<(i64, i64)>,
        detail: String,
    ) {
        self.add(Finding {
            rule,
            subject: Subject::Table,
            id: 0,
            expected: figures.map(|f| f.0),
            found: figures.map(|f| f.1),
            table: Some(table.to_owned()),
            detail,
        });
    }
}

/// How the check reads: the village's time zone (the facts' local days) and how much it lists.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub local_offset: chrono::FixedOffset,
    pub max_listed: usize,
}

/// Checks the database behind `conn` in one read-only snapshot.
///
/// # Errors
/// Database errors (a broken invariant is a finding, not an error).
pub async fn run(conn: &DatabaseConnection, options: Options) -> AppResult<Report> {
    let started = std::time::Instant::now();
    let snapshot = match conn.get_database_backend() {
        DbBackend::Postgres => {
            conn.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await?
        }
        _ => conn.begin().await?,
    };
    let mut found = Findings::new(options.max_listed);
    ledger::balances(&snapshot, &mut found).await?;
    ledger::append_only(&snapshot, &mut found).await?;
    ledger::settled_split(&snapshot, &mut found).await?;
    orders::payments(&snapshot, &mut found).await?;
    orders::states(&snapshot, &mut found).await?;
    stock::batches(&snapshot, &mut found).await?;
    sales::daily_totals(&snapshot, &mut found).await?;
    sales::facts(&snapshot, options.local_offset, &mut found).await?;
    orders::idempotent_answers(&snapshot, &mut found).await?;
    shop::orders(&snapshot, &mut found).await?;
    bills::platform_fees(&snapshot, &mut found).await?;
    snapshot.rollback().await?;
    let rules: Vec<RuleResult> = found
        .counts
        .iter()
        .map(|(rule, violations)| RuleResult {
            rule: *rule,
            violations: *violations,
        })
        .collect();
    Ok(Report {
        ok: rules.iter().all(|r| r.violations == 0),
        rules,
        findings: found.listed,
        took_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    })
}

/// Checks the SQLite file at `path`, opened read-only (a restored or backed-up copy).
///
/// # Errors
/// The file cannot be opened, or a database error.
pub async fn sqlite_file(path: &std::path::Path, options: Options) -> anyhow::Result<Report> {
    anyhow::ensure!(path.exists(), "there is no database at {}", path.display());
    let conn = sea_orm::Database::connect(format!("sqlite://{}?mode=ro", path.display())).await?;
    let report = run(&conn, options).await;
    conn.close().await.ok();
    Ok(report?)
}

/// A raw statement in the connection's dialect.
pub(crate) fn sql(conn: &impl ConnectionTrait, text: &str) -> Statement {
    Statement::from_string(conn.get_database_backend(), text.to_owned())
}

/// Rows of integers from `text` (a NULL reads as 0).
pub(crate) async fn int_rows<const N: usize>(
    conn: &impl ConnectionTrait,
    text: &str,
) -> AppResult<Vec<[i64; N]>> {
    let rows = conn.query_all_raw(sql(conn, text)).await?;
    rows.iter()
        .map(|r| {
            let mut out = [0i64; N];
            for (i, slot) in out.iter_mut().enumerate() {
                // Keys (days, bases) are narrower integers on PostgreSQL.
                *slot = match r.try_get_by_index::<Option<i64>>(i) {
                    Ok(v) => v,
                    Err(_) => match r.try_get_by_index::<Option<i32>>(i) {
                        Ok(v) => v.map(i64::from),
                        Err(_) => r.try_get_by_index::<Option<i16>>(i)?.map(i64::from),
                    },
                }
                .unwrap_or(0);
            }
            Ok(out)
        })
        .collect()
}
