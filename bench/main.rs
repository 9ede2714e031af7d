//! `zhunong-bench`: places 1-line orders through the release server at 8, 32 and 64 concurrent
//! clients — all on one hot batch, and spread over 100 batches — on PostgreSQL and SQLite, and
//! prints each figure beside a ceiling measured in the same run: the same minimal writes done
//! directly in SQL (pgbench on PostgreSQL, and pgbench writing the order's sales figures too; on
//! SQLite a single-writer loop through sqlx and one through C SQLite; on PostgreSQL also a
//! minimal actix + sqlx server doing the same writes, `minimal.rs`). Then partner bulk orders
//! of 200 lines (PostgreSQL, beside pgbench), logins beside orders, cold starts, and the peak
//! memory of every server it ran. Run it with `bench/run.sh`, which builds the release binaries
//! and installs wrk if needed.
//!
//! `zhunong-bench reports [--orders N --lines N --years N --runs N --tail N --only …]` times the sales
//! reports instead (see `reports.rs`).

mod bulk;
mod ceiling;
mod coldstart;
mod load;
mod login;
mod minimal;
mod reports;
mod server;

use std::process::ExitCode;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Backend {
    Postgres,
    Sqlite,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Scenario {
    /// Every order on one batch: row-lock contention.
    Hot,
    /// Orders spread over 100 batches.
    Spread,
}

pub struct Args {
    pub seconds: u64,
    pub clients: Vec<usize>,
    pub backends: Vec<Backend>,
    pub pg_url: String,
    pub binary: String,
    /// Which parts run: `orders`, `bulk`, `login`, `cold`.
    pub parts: Vec<String>,
}

impl Args {
    fn runs(&self, part: &str) -> bool {
        self.parts.iter().any(|p| p == part)
    }
}

const PARTS: [&str; 4] = ["orders", "bulk", "login", "cold"];

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        seconds: 8,
        clients: vec![8, 32, 64],
        backends: vec![Backend::Postgres, Backend::Sqlite],
        pg_url: std::env::var("BENCH_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into()),
        binary: "target/release/zhunong".into(),
        parts: PARTS.iter().map(|p| (*p).to_owned()).collect(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--seconds" => {
                args.seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?
            }
            "--clients" => {
                args.clients = value()?
                    .split(',')
                    .map(|c| c.trim().parse().map_err(|e| format!("--clients: {e}")))
                    .collect::<Result<_, _>>()?
            }
            "--only" => {
                args.backends = match value()?.as_str() {
                    "postgres" | "pg" => vec![Backend::Postgres],
                    "sqlite" => vec![Backend::Sqlite],
                    other => return Err(format!("--only postgres|sqlite, not {other}")),
                }
            }
            "--pg-url" => args.pg_url = value()?,
            "--binary" => args.binary = value()?,
            "--parts" => {
                args.parts = value()?.split(',').map(|p| p.trim().to_owned()).collect();
                if let Some(p) = args.parts.iter().find(|p| !PARTS.contains(&p.as_str())) {
                    return Err(format!("--parts: {p} is none of {}", PARTS.join(",")));
                }
            }
            other => {
                return Err(format!(
                    "unknown flag {other}; flags: --seconds N --clients 8,32,64 --only postgres|sqlite --parts orders,bulk,login,cold --pg-url URL --binary PATH"
                ));
            }
        }
    }
    Ok(args)
}

fn parse_report_args() -> Result<reports::ReportArgs, String> {
    let mut a = reports::ReportArgs {
        orders: 500_000,
        lines: 1_000_000,
        years: 3,
        runs: 7,
        tail: 20_000,
        backends: vec![Backend::Postgres, Backend::Sqlite],
        pg_url: std::env::var("BENCH_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into()),
        binary: "target/release/zhunong".into(),
    };
    let mut it = std::env::args().skip(2);
    while let Some(flag) = it.next() {
        let v = it.next().ok_or(format!("{flag} needs a value"))?;
        let num = |v: &str| v.parse::<u64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--orders" => a.orders = num(&v)?,
            "--lines" => a.lines = num(&v)?,
            "--years" => a.years = u32::try_from(num(&v)?).map_err(|e| e.to_string())?,
            "--runs" => a.runs = usize::try_from(num(&v)?).map_err(|e| e.to_string())?,
            "--tail" => a.tail = num(&v)?,
            "--only" => {
                a.backends = match v.as_str() {
                    "postgres" | "pg" => vec![Backend::Postgres],
                    "sqlite" => vec![Backend::Sqlite],
                    other => return Err(format!("--only postgres|sqlite, not {other}")),
                }
            }
            "--pg-url" => a.pg_url = v,
            "--binary" => a.binary = v,
            other => {
                return Err(format!(
                    "unknown flag {other}; flags: --orders --lines --years --runs --tail --only --pg-url --binary"
                ));
            }
        }
    }
    Ok(a)
}

/// `a / b`, or 0 when there is no `b`.
pub fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

struct Row {
    backend: Backend,
    scenario: Scenario,
    clients: usize,
    service: load::Measured,
    ceiling_tps: f64,
    /// SQLite: the ceiling through C SQLite (rusqlite), beside the one through sqlx.
    /// PostgreSQL: pgbench writing the sales figures too. Its label and transactions a second.
    second_ceiling: (&'static str, f64),
    /// PostgreSQL: the minimal actix + sqlx server doing the same writes (`minimal.rs`).
    minimal: Option<load::Measured>,
}

impl Row {
    fn ratio(&self) -> f64 {
        ratio(self.service.rps, self.ceiling_tps)
    }

    /// Against the second ceiling.
    fn second_ratio(&self) -> f64 {
        ratio(self.service.rps, self.second_ceiling.1)
    }

    /// Against the minimal server, if it ran.
    fn minimal_ratio(&self) -> Option<f64> {
        self.minimal
            .as_ref()
            .map(|m| ratio(self.service.rps, m.rps))
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("reports") {
        return match parse_report_args() {
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(2)
            }
            Ok(a) => match reports::run(&a).await {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::FAILURE,
                Err(e) => {
                    eprintln!("bench failed: {e:#}");
                    ExitCode::from(2)
                }
            },
        };
    }
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(&args).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("bench failed: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Everything measured in one run.
#[derive(Default)]
struct Figures {
    rows: Vec<Row>,
    bulk: Vec<bulk::BulkRow>,
    logins: Vec<(Backend, login::LoginFigures)>,
    cold: Vec<coldstart::ColdStart>,
    /// Peak resident memory of every server process the bench ran.
    rss: Vec<(String, Option<f64>)>,
}

async fn run(args: &Args) -> anyhow::Result<bool> {
    let mut f = Figures::default();
    for &backend in &args.backends {
        let srv = server::Server::start(backend, args).await?;
        if args.runs("orders") {
            orders(&srv, args, &mut f.rows).await?;
        }
        if backend == Backend::Postgres && args.runs("bulk") {
            f.bulk = bulk::run(&srv, &[1, 8], args.seconds).await?;
        }
        if args.runs("login") {
            f.logins
                .push((backend, login::run(&srv, args.seconds).await?));
        }
        f.rss
            .push((format!("{backend:?} server"), srv.peak_rss_mib()));
        srv.stop();
        if args.runs("cold") {
            let c = coldstart::run(backend, args).await?;
            f.rss
                .push((format!("{backend:?} cold starts"), c.peak_rss_mib));
            f.cold.push(c);
        }
    }
    Ok(report(&f))
}

/// 1-line orders: each scenario and client count, beside its ceilings.
async fn orders(srv: &server::Server, args: &Args, rows: &mut Vec<Row>) -> anyhow::Result<()> {
    for scenario in [Scenario::Hot, Scenario::Spread] {
        for &clients in &args.clients {
            srv.reset().await?;
            let service = load::run(srv, scenario, clients, args.seconds)?;
            srv.reset().await?;
            let ceiling_tps = ceiling::measure(srv, scenario, clients, args.seconds).await?;
            srv.reset().await?;
            let second_ceiling =
                ceiling::measure_second(srv, scenario, clients, args.seconds).await?;
            let minimal = if srv.backend == Backend::Postgres {
                srv.reset().await?;
                Some(minimal::measure(srv, scenario, clients, args.seconds).await?)
            } else {
                None
            };
            let row = Row {
                backend: srv.backend,
                scenario,
                clients,
                service,
                ceiling_tps,
                second_ceiling,
                minimal,
            };
            print_row(&row);
            rows.push(row);
        }
    }
    Ok(())
}

fn print_row(r: &Row) {
    let (label, second) = r.second_ceiling;
    let x = r.second_ratio();
    println!(
        "{:<8} {:<6} {:>3} clients: service {:>7.0} orders/s (p50 {:>6.1} ms, p99 {:>6.1} ms, non-2xx {:>4}) | ceiling {:>7.0}/s | {:.2}× | {label} {second:>7.0}/s | {x:.2}×",
        format!("{:?}", r.backend),
        format!("{:?}", r.scenario),
        r.clients,
        r.service.rps,
        r.service.p50_ms,
        r.service.p99_ms,
        r.service.non_2xx,
        r.ceiling_tps,
        r.ratio()
    );
    if let Some(m) = &r.minimal {
        println!(
            "{:>27} minimal actix + sqlx server, same writes {:>7.0} orders/s (p99 {:>6.1} ms) | service {:.2}× of it | it {:.2}× pgbench + sales figures",
            "",
            m.rps,
            m.p99_ms,
            ratio(r.service.rps, m.rps),
            ratio(m.rps, r.second_ceiling.1)
        );
    }
}

/// Prints the targets and whether each was met; true if all were.
fn report(f: &Figures) -> bool {
    let rows = &f.rows;
    let find = |b, s, c| {
        rows.iter()
            .find(|r| r.backend == b && r.scenario == s && r.clients == c)
    };
    let mut checks: Vec<(String, bool)> = Vec::new();
    if let Some(r) = find(Backend::Postgres, Scenario::Spread, 32) {
        checks.push((
            format!(
                "PostgreSQL, 32 clients, spread: {:.2}× ceiling (target ≥ 0.6×); {:.2}× pgbench writing the sales figures too; {} a minimal actix + sqlx server writing them",
                r.ratio(),
                r.second_ratio(),
                r.minimal_ratio().map_or("–".into(), |x| format!("{x:.2}×"))
            ),
            r.ratio() >= 0.6,
        ));
    }
    if let Some(r) = find(Backend::Postgres, Scenario::Hot, 8) {
        checks.push((
            format!(
                "PostgreSQL, 8 clients, hot batch: {:.2}× ceiling (target ≥ 0.5×)",
                r.ratio()
            ),
            r.ratio() >= 0.5,
        ));
    }
    if let (Some(r8), Some(r64)) = (
        find(Backend::Postgres, Scenario::Hot, 8),
        find(Backend::Postgres, Scenario::Hot, 64),
    ) {
        let kept = ratio(r64.service.rps, r8.service.rps);
        checks.push((format!("PostgreSQL, 64 clients, hot batch: {:.2}× of the 8-client rate (no collapse: ≥ 0.5×)", kept), kept >= 0.5));
    }
    for r in rows.iter().filter(|r| r.backend == Backend::Sqlite) {
        let c = r.second_ratio();
        // The target stands against the loop through the same driver; C SQLite shows how much
        // of the rest is the driver's (sqlx runs each connection on a thread of its own).
        checks.push((
            format!(
                "SQLite, {} clients, {:?}: {:.2}× the sqlx loop (target ≥ 0.2×); {c:.2}× C SQLite",
                r.clients,
                r.scenario,
                r.ratio()
            ),
            r.ratio() >= 0.2,
        ));
    }
    for r in &f.bulk {
        checks.push((
            format!(
                "PostgreSQL, bulk 200 lines, {} clients: {:.2}× ceiling (target ≥ 0.5×), {} non-2xx (target 0); {:.2}× pgbench writing the sales figures and the answer too",
                r.clients,
                r.ratio(),
                r.service.non_2xx,
                r.with_figures_ratio()
            ),
            r.ratio() >= 0.5 && r.service.non_2xx == 0,
        ));
    }
    for (b, l) in &f.logins {
        checks.push((
            format!(
                "{b:?}: logins {:.2}× bare argon2id; order p99 with 8 clients logging in beside: {:.2}× alone (target ≤ 3×), {} failed logins",
                l.login_ratio(),
                l.p99_ratio(),
                l.logins.non_2xx
            ),
            l.p99_ratio() <= 3.0 && l.logins.non_2xx == 0,
        ));
    }
    let peak = f.rss.iter().filter_map(|(_, m)| *m).reduce(f64::max);
    match peak {
        Some(m) if f.rss.iter().all(|(_, m)| m.is_some()) => checks.push((
            format!("peak server RSS across the bench {m:.1} MiB (target ≤ 96 MiB)"),
            m <= 96.0,
        )),
        _ => checks.push(("peak RSS unavailable for some server".into(), false)),
    }
    for (what, mib) in &f.rss {
        println!(
            "{what}: peak RSS {}",
            mib.map_or("?".into(), |m| format!("{m:.1} MiB"))
        );
    }
    for r in rows {
        if r.service.non_2xx > 0 {
            checks.push((
                format!(
                    "{:?} {:?} {}: {} non-2xx answers",
                    r.backend, r.scenario, r.clients, r.service.non_2xx
                ),
                false,
            ));
        }
    }
    for c in &f.cold {
        println!(
            "{:?}: cold start to /ready {:.0} ms on an empty database, {:.0} ms up to date",
            c.backend,
            c.empty.as_secs_f64() * 1000.0,
            c.up_to_date.as_secs_f64() * 1000.0
        );
    }
    println!("\nTargets:");
    let mut all = true;
    for (text, ok) in &checks {
        println!("  [{}] {text}", if *ok { "met " } else { "MISS" });
        all &= ok;
    }
    all
}
