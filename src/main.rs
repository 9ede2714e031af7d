//! The `zhunong` command: `serve` (default), `migrate`, `create-user`, `demo`, `generate`,
//! `backup`, `restore`, `check`.

use clap::{Parser, Subcommand};
use zhunong_api::auth::random_hex;
use zhunong_api::db::Db;
use zhunong_api::dto::auth::CreateUserRequest;
use zhunong_api::{Application, Settings, telemetry};

#[derive(Parser)]
#[command(
    name = "zhunong",
    version,
    about = "Village produce sales: batches, buyers, orders, stock"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations, make sure an admin exists, and serve HTTP (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Create a staff user.
    CreateUser {
        username: String,
        /// admin, secretary, helper or station.
        #[arg(long)]
        role: String,
        /// The password; read from ZHUNONG_NEW_USER_PASSWORD if not given, generated if neither.
        #[arg(long, env = "ZHUNONG_NEW_USER_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// What pages and the audit log call them (张会计); the login name if not given.
        #[arg(long)]
        name: Option<String>,
    },
    /// Fill an empty database with years of realistic sales, for benchmarks (bulk inserts).
    Generate {
        #[arg(long, default_value_t = 500_000)]
        orders: u64,
        #[arg(long, default_value_t = 1_000_000)]
        lines: u64,
        #[arg(long, default_value_t = 3)]
        years: u32,
        /// The same seed writes the same data set.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Back the database up while the service runs. SQLite: a checked, compressed copy with a
    /// manifest, restored once in a scratch directory before it counts as good. PostgreSQL:
    /// pg_dump in its custom format (where the client tools are installed), read back whole.
    Backup {
        /// Where the backup file goes (a USB disk, a network share).
        #[arg(long, default_value = "backups")]
        to: std::path::PathBuf,
    },
    /// Restore a backup file: into a new data directory (--to DIR), or over a stopped service's
    /// database (--force). Refuses a damaged file, a newer schema, and a database in use.
    Restore {
        file: std::path::PathBuf,
        /// A new data directory to restore into (its zhunong.db).
        #[arg(long)]
        to: Option<std::path::PathBuf>,
        /// Replace the configured database (the service must be stopped).
        #[arg(long)]
        force: bool,
    },
    /// Check every invariant (ledger, stock, payments, sales figures, order states) on the
    /// configured database; read-only and safe while the service runs. Exits 1 if any is broken.
    Check {
        /// Print the report as JSON instead of lines of text.
        #[arg(long)]
        json: bool,
    },
    /// Load demo data (Hongguang village and its neighbours) into an empty database.
    Demo {
        /// Password for the demo users secretary, helper and station; generated if not given.
        #[arg(long, env = "ZHUNONG_DEMO_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

fn main() -> anyhow::Result<()> {
    cap_malloc_arenas();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

/// glibc gives every thread that allocates an arena of its own (up to eight per core) and keeps
/// what is freed there. Capped before any thread starts, peak memory stays within the budget
/// (`bench/`) without a different allocator.
fn cap_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tunable of the allocator; it is called before any other thread
    // exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, MALLOC_ARENAS);
        // A fixed threshold (glibc raises it after each large free otherwise): big buffers, a
        // password hash's 19 MiB or a 200-line order's bodies, are mapped on their own and given
        // back when freed instead of staying in an arena.
        libc::mallopt(libc::M_MMAP_THRESHOLD, MALLOC_MMAP_THRESHOLD);
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MALLOC_MMAP_THRESHOLD: libc::c_int = 1 << 20;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MALLOC_ARENAS: libc::c_int = 2;

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::load()?;
    telemetry::init(&settings.log_level);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            // Held for as long as this process serves, so that a restore can tell.
            let _serving = match settings.sqlite_path() {
                Some(db) => {
                    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
                        std::fs::create_dir_all(dir)?;
                    }
                    let lock = zhunong_api::backup::hold_serving_lock(&db)?;
                    anyhow::ensure!(
                        lock.is_some(),
                        "another zhunong service is already serving {}",
                        db.display()
                    );
                    lock
                }
                None => None,
            };
            let app = Application::build(settings.clone()).await?;
            let host = settings
                .bind
                .rsplit_once(':')
                .map_or("127.0.0.1", |(h, _)| h);
            println!(
                "Zhunong listening on http://{host}:{}  (API docs: /api/docs)",
                app.port()
            );
            if let Some(port) = app.metrics_port() {
                let host = settings
                    .metrics_bind
                    .as_deref()
                    .and_then(|b| b.rsplit_once(':'))
                    .map_or("127.0.0.1", |(h, _)| h);
                println!("Metrics on http://{host}:{port}/metrics");
            }
            app.run_until_stopped().await?;
        }
        Command::Backup { to } => {
            let Some(db) = settings.sqlite_path() else {
                let d = zhunong_api::backup::postgres::dump(
                    &settings.database_url,
                    settings.database_schema.as_deref(),
                    &to,
                )?;
                println!(
                    "backup {} ({} bytes, pg_dump custom format): {} tables' data, read back \
                     by pg_restore, sha256 {}; restore it with pg_restore --dbname URL FILE",
                    d.file.display(),
                    d.bytes,
                    d.tables,
                    d.sha256
                );
                return Ok(());
            };
            let made = zhunong_api::backup::backup(&db, &to, settings.check_options()).await?;
            let rows: i64 = made.manifest.row_counts.values().sum();
            println!(
                "backup {} ({} bytes): schema {}, {} rows in {} tables, integrity {}, restored and checked",
                made.file.display(),
                std::fs::metadata(&made.file).map_or(0, |m| m.len()),
                made.manifest.schema_version,
                rows,
                made.manifest.row_counts.len(),
                made.manifest.integrity
            );
        }
        Command::Restore { file, to, force } => {
            let target = match (to, settings.sqlite_path()) {
                (Some(dir), _) => dir.join("zhunong.db"),
                (None, Some(db)) if force => db,
                (None, Some(db)) => anyhow::bail!(
                    "say where: --to DIR for a new data directory, or --force to replace {} \
                     (stop the service first)",
                    db.display()
                ),
                (None, None) => {
                    anyhow::bail!("zhunong restore writes a SQLite database: give --to DIR")
                }
            };
            let m = zhunong_api::backup::restore(&file, &target, force).await?;
            println!(
                "restored {} into {} (schema {}, taken {})",
                file.display(),
                target.display(),
                m.schema_version,
                m.created_at
            );
            // The erased buyers go with the data: the restored database erases them again
            // when it is served.
            if let Some(list) = settings.erased_list_path() {
                zhunong_api::services::personal_data::carry_erased_list(
                    &list,
                    &zhunong_api::config::erased_list_beside(&target),
                )?;
            }
            let report = zhunong_api::check::sqlite_file(&target, settings.check_options()).await?;
            print!("{}", report.to_text());
            if !report.ok {
                anyhow::bail!(
                    "the restored database breaks the invariants above; it is in place at {}, \
                     but check it before serving from it",
                    target.display()
                );
            }
        }
        Command::Check { json } => {
            // SQLite: the file opened read-only, so the check writes nothing, not even the
            // journal mode.
            let report = match settings.sqlite_path() {
                Some(db) => zhunong_api::check::sqlite_file(&db, settings.check_options()).await?,
                None => {
                    let db = Db::connect(&settings).await?;
                    zhunong_api::check::run(db.read.pool(), settings.check_options()).await?
                }
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", report.to_text());
            }
            if !report.ok {
                std::process::exit(1);
            }
        }
        Command::Migrate => {
            let db = Db::connect(&settings).await?;
            db.migrate().await?;
            println!("migrations applied");
        }
        Command::CreateUser {
            username,
            role,
            password,
            name,
        } => {
            let db = Db::connect(&settings).await?;
            db.migrate().await?;
            let role = serde_json::from_value(serde_json::Value::String(role.clone()))
                .map_err(|_| anyhow::anyhow!("unknown role `{role}`"))?;
            let (password, generated) = match password {
                Some(p) => (p, false),
                None => (random_hex(12), true),
            };
            let req = CreateUserRequest {
                username: username.clone(),
                display_name: name,
                password: password.clone(),
                role,
            };
            zhunong_api::services::users::create(&db, None, req)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            println!("created user `{username}`");
            if generated {
                println!("password: {password}  (shown once)");
            }
        }
        Command::Generate {
            orders,
            lines,
            years,
            seed,
        } => {
            let db = Db::connect(&settings).await?;
            db.migrate().await?;
            let started = std::time::Instant::now();
            let plan = zhunong_api::generate::Plan {
                orders,
                lines,
                years,
                seed,
            };
            let admin_pw = settings.admin_password.as_ref().map(|s| s.expose());
            let w = zhunong_api::generate::generate(&db, plan, admin_pw).await?;
            println!(
                "generated {} orders ({} cancelled, {} settled), {} lines, {} report rows, {} ledger entries in {:.1} s",
                w.orders,
                w.cancelled,
                w.settled,
                w.lines,
                w.facts,
                w.ledger_entries,
                started.elapsed().as_secs_f64()
            );
        }
        Command::Demo { password } => {
            let db = Db::connect(&settings).await?;
            db.migrate().await?;
            let (password, generated) = match password {
                Some(p) => (p, false),
                None => (random_hex(8), true),
            };
            // The catalog in one transaction: there whole or not at all.
            let tx = db.begin_write().await?;
            let story = zhunong_api::demo::load(&tx, &password).await?;
            tx.commit().await?;
            println!(
                "demo data loaded: 4 collectives, 2 growers, 3 batches, 5 buyers; users secretary, helper, station"
            );
            let h = zhunong_api::demo::history(&db, &story).await?;
            println!(
                "sales history: {} orders over two seasons ({} settled), {} finished live shows, {} commission rules, other income; {} orders placed today",
                h.orders, h.settled, h.shows, h.rules, h.todays
            );
            if generated {
                println!("their password: {password}  (shown once)");
            }
        }
    }
    Ok(())
}
