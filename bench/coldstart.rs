//! Cold start: from spawning the release binary to the first `/ready` 200, on an empty database
//! (every migration applied) and on an up-to-date one (none to apply), three times each; the
//! median is printed.

use crate::server;
use crate::{Args, Backend};
use sea_orm::{ConnectionTrait, Database};
use std::time::Duration;

pub struct ColdStart {
    pub backend: Backend,
    pub empty: Duration,
    pub up_to_date: Duration,
    pub peak_rss_mib: Option<f64>,
}

const RUNS: usize = 3;
const COLD_SCHEMA: &str = "zhunong_bench_cold";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// A fresh, empty database for one start; its URL and schema.
async fn fresh(backend: Backend, args: &Args) -> anyhow::Result<(String, Option<String>)> {
    match backend {
        Backend::Postgres => {
            let schema = COLD_SCHEMA.to_owned();
            let admin = Database::connect(&args.pg_url).await?;
            admin
                .execute_unprepared(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                .await?;
            admin
                .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
                .await?;
            admin.close().await?;
            Ok((args.pg_url.clone(), Some(schema)))
        }
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join("zhunong-bench-cold");
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir)?;
            Ok((
                format!("sqlite://{}?mode=rwc", dir.join("cold.db").display()),
                None,
            ))
        }
    }
}

/// Starts the binary on `db`, waits for `/ready`, stops it; how long the start took and the
/// process's peak memory.
async fn one_start(
    args: &Args,
    db: &(String, Option<String>),
) -> anyhow::Result<(Duration, Option<f64>)> {
    let port = server::free_port()?;
    let started = std::time::Instant::now();
    let mut child = server::spawn(&args.binary, &db.0, db.1.as_deref(), port)?;
    let http = reqwest::Client::new();
    let ready = server::wait_ready(&http, &format!("http://127.0.0.1:{port}")).await;
    let took = started.elapsed();
    let rss = server::peak_rss_of(child.id());
    let _ = child.kill();
    let _ = child.wait();
    ready?;
    Ok((took, rss))
}

pub async fn run(backend: Backend, args: &Args) -> anyhow::Result<ColdStart> {
    let (mut empty, mut up_to_date, mut rss) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let db = fresh(backend, args).await?;
        let (t, r) = one_start(args, &db).await?;
        empty.push(t);
        rss.extend(r);
        let (t, r) = one_start(args, &db).await?;
        up_to_date.push(t);
        rss.extend(r);
    }
    if backend == Backend::Postgres {
        let admin = Database::connect(&args.pg_url).await?;
        admin
            .execute_unprepared(&format!("DROP SCHEMA IF EXISTS {COLD_SCHEMA} CASCADE"))
            .await?;
        admin.close().await?;
    }
    let c = ColdStart {
        backend,
        empty: median(empty),
        up_to_date: median(up_to_date),
        peak_rss_mib: rss.into_iter().reduce(f64::max),
    };
    println!(
        "{backend:?} cold start to the first /ready 200: empty database {:.0} ms, up to date {:.0} ms (median of {RUNS})",
        c.empty.as_secs_f64() * 1000.0,
        c.up_to_date.as_secs_f64() * 1000.0
    );
    Ok(c)
}
