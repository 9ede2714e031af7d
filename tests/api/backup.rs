//! `zhunong backup` and `zhunong restore`, run as an operator runs them, against a server that
//! keeps taking orders.

use crate::helpers::{backend_name, said, spawn_app, spawn_app_with};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Output;

fn zhunong(database_url: &str, args: &[&str]) -> Output {
    crate::helpers::cli_on(database_url, None, args)
}

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zhunong-backup-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn only_zip(dir: &Path) -> PathBuf {
    let zips: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "zip"))
        .collect();
    assert_eq!(zips.len(), 1, "{zips:?}");
    zips[0].clone()
}

fn manifest_of(zip_path: &Path) -> Value {
    let f = std::fs::File::open(zip_path).unwrap_or_else(|e| panic!("{e}"));
    let mut zip = zip::ZipArchive::new(f).unwrap_or_else(|e| panic!("{e}"));
    let m = zip
        .by_name("manifest.json")
        .unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_reader(m).unwrap_or_else(|e| panic!("{e}"))
}

/// `zhunong restore FILE --to DIR`.
fn restore_to(database_url: &str, file: &Path, dir: &Path) -> Output {
    zhunong(
        database_url,
        &[
            "restore",
            &file.display().to_string(),
            "--to",
            &dir.display().to_string(),
        ],
    )
}

/// A copy of the backup `from` at `to`, each entry passed through `change` first.
fn rewrite(from: &Path, to: &Path, change: impl Fn(&str, &mut Vec<u8>)) {
    let src = std::fs::File::open(from).unwrap_or_else(|e| panic!("{e}"));
    let mut zin = zip::ZipArchive::new(src).unwrap_or_else(|e| panic!("{e}"));
    let out = std::fs::File::create(to).unwrap_or_else(|e| panic!("{e}"));
    let mut zout = zip::ZipWriter::new(out);
    for name in ["manifest.json", "zhunong.db"] {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut zin.by_name(name).unwrap_or_else(|e| panic!("{e}")),
            &mut bytes,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        change(name, &mut bytes);
        zout.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        std::io::Write::write_all(&mut zout, &bytes).unwrap_or_else(|e| panic!("{e}"));
    }
    zout.finish().unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test]
async fn a_backup_taken_while_orders_flow_restores_to_a_server_with_the_same_orders() {
    let app = spawn_app().await;
    if backend_name() == "postgres" {
        return crate::backup_pg::a_dump_restores_into_a_new_database_and_checks(app).await;
    }
    let helper = app.token("helper").await;
    let batch = app.batch("by_piece", 1_000, 500).await;
    let buyer = app.buyer("individual").await;
    let order = json!({"buyer_id": buyer, "channel": "phone", "lines": [{"batch_id": batch, "quantity": 1}]});
    for _ in 0..20 {
        assert_eq!(app.place_order(&helper, order.clone()).await.status, 201);
    }
    let dir = scratch();
    let backups = dir.join("backups");
    // Orders keep being placed while the backup runs.
    let url = app.settings.database_url.clone();
    let to = backups.display().to_string();
    let run = tokio::task::spawn_blocking(move || zhunong(&url, &["backup", "--to", &to]));
    let mut during = 0;
    while !run.is_finished() {
        assert_eq!(app.place_order(&helper, order.clone()).await.status, 201);
        during += 1;
    }
    let out = run.await.unwrap_or_else(|e| panic!("{e}"));
    assert!(out.status.success(), "{}", said(&out));
    assert!(
        said(&out).contains("restored and checked"),
        "{}",
        said(&out)
    );
    let file = only_zip(&backups);
    let m = manifest_of(&file);
    assert_eq!(m["integrity"], "ok");
    let in_backup = m["row_counts"]["orders"].as_i64().unwrap_or(-1);
    assert!(
        (20..=20 + during).contains(&in_backup),
        "{in_backup} orders in the backup, {during} placed during it"
    );

    // Restored into a new data directory, a server there has exactly the backup's orders.
    let restored = dir.join("restored");
    let r = restore_to(&app.settings.database_url, &file, &restored);
    assert!(r.status.success(), "{}", said(&r));
    let db = restored.join("zhunong.db");
    let again =
        spawn_app_with(|s| s.database_url = format!("sqlite://{}?mode=rwc", db.display())).await;
    // The restored database has the users too: the helper signs in with the same password.
    let t = again
        .login("helper-user", crate::helpers::STAFF_PASSWORD)
        .await
        .json["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let total = again.get(&t, "/api/v1/orders?per_page=1").await.json["total"].as_i64();
    assert_eq!(total, Some(in_backup));
    let stock = again
        .get(&t, &format!("/api/v1/batches/{batch}"))
        .await
        .json["stock_qty"]
        .as_i64();
    assert_eq!(
        stock,
        Some(1_000 - in_backup),
        "the stock came with the orders"
    );

    // The same directory again is refused: a restore never writes over what exists unasked.
    let twice = restore_to(&app.settings.database_url, &file, &restored);
    assert!(!twice.status.success());
    assert!(said(&twice).contains("exists"), "{}", said(&twice));
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn a_damaged_file_a_newer_schema_and_a_database_in_use_are_refused() {
    let app = spawn_app().await;
    if backend_name() == "postgres" {
        let o = zhunong(&app.settings.database_url, &["restore", "x.zip"]);
        assert!(
            !o.status.success(),
            "a PostgreSQL database is not restored from a file"
        );
        assert!(said(&o).contains("--to"), "{}", said(&o));
        return;
    }
    let dir = scratch();
    let out = zhunong(
        &app.settings.database_url,
        &["backup", "--to", &dir.display().to_string()],
    );
    assert!(out.status.success(), "{}", said(&out));
    let file = only_zip(&dir);
    let file_arg = file.display().to_string();

    // A damaged copy: the database inside no longer matches its checksum.
    let damaged = dir.join("damaged.zip");
    rewrite(&file, &damaged, |name, bytes| {
        if name == "zhunong.db" {
            let mid = bytes.len() / 2;
            bytes[mid] ^= 0xff;
        }
    });
    let target = dir.join("from-damaged");
    let r = restore_to(&app.settings.database_url, &damaged, &target);
    assert!(!r.status.success());
    assert!(said(&r).contains("checksum does not match"), "{}", said(&r));
    assert!(!target.join("zhunong.db").exists(), "nothing was written");

    // A backup from a newer schema than this binary knows.
    let newer = dir.join("newer.zip");
    rewrite(&file, &newer, |name, bytes| {
        if name == "manifest.json" {
            let mut m: Value = serde_json::from_slice(bytes).unwrap_or_default();
            m["schema_version"] = json!("m29990101_000001_from_the_future");
            *bytes = m.to_string().into_bytes();
        }
    });
    let r = restore_to(&app.settings.database_url, &newer, &dir.join("n"));
    assert!(!r.status.success());
    assert!(said(&r).contains("newer version"), "{}", said(&r));

    // --force over a database a service holds: refused, and the database is untouched.
    let db = app
        .settings
        .sqlite_path()
        .unwrap_or_else(|| panic!("a SQLite test"));
    let held = zhunong_api::backup::hold_serving_lock(&db).unwrap_or_else(|e| panic!("{e}"));
    assert!(held.is_some());
    let before = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    let r = zhunong(
        &app.settings.database_url,
        &["restore", &file_arg, "--force"],
    );
    assert!(!r.status.success());
    assert!(said(&r).contains("running zhunong service"), "{}", said(&r));
    assert_eq!(std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0), before);
    drop(held);
    std::fs::remove_file(zhunong_api::backup::serving_lock_path(&db)).ok();
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn serve_takes_a_backup_on_schedule_and_the_office_sees_it_and_any_that_failed() {
    let dir = scratch();
    let d = dir.display().to_string();
    let app = spawn_app_with(|s| {
        s.backup_dir = Some(d);
        s.backup_first_after_secs = 0;
    })
    .await;
    let t = app.token("secretary").await;
    if backend_name() == "postgres" {
        let b = app.get(&t, "/api/v1/backups").await;
        assert_eq!((b.status, &b.json["scheduled"]), (200, &json!(false)));
        return;
    }
    // A backup kept aside as failed, as a disk error would leave one.
    std::fs::write(
        dir.join("zhunong-20261201-020000.000.failed.zip"),
        b"not a zip",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut seen = Value::Null;
    for _ in 0..100 {
        seen = app.get(&t, "/api/v1/backups").await.json;
        if seen["files"]
            .as_array()
            .is_some_and(|f| f.iter().any(|x| x["good"] == true))
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(seen["scheduled"], true, "{seen}");
    let files = seen["files"].as_array().cloned().unwrap_or_default();
    let good: Vec<&Value> = files.iter().filter(|f| f["good"] == true).collect();
    assert_eq!(good.len(), 1, "{seen}");
    assert!(good[0]["rows"].as_i64().unwrap_or(0) > 0, "{seen}");
    assert!(
        good[0]["schema_version"]
            .as_str()
            .is_some_and(|v| v.starts_with('m'))
    );
    let failed: Vec<&Value> = files.iter().filter(|f| f["good"] == false).collect();
    assert_eq!(failed.len(), 1, "{seen}");
    assert_eq!(
        files.last().map(|f| &f["good"]),
        Some(&json!(false)),
        "newest first"
    );
    // The admin downloads the good one, byte for byte; nobody downloads anything else.
    let name = good[0]["name"].as_str().unwrap_or_default().to_owned();
    let admin = app.token("admin").await;
    let got = app
        .client
        .get(app.url(&format!("/api/v1/backups/{name}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got.status(), 200);
    assert_eq!(
        got.headers().get("content-type").map(|v| v.as_bytes()),
        Some(&b"application/zip"[..])
    );
    let bytes = got.bytes().await.unwrap_or_default();
    let on_disk = std::fs::read(dir.join(&name)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bytes.len(), on_disk.len());
    assert!(bytes == on_disk, "the download differs from the file");
    for other in [
        "..%2Fzhunong.db",
        "notes.txt",
        "zhunong-20200101-000000.000.zip",
    ] {
        let r = app.get(&admin, &format!("/api/v1/backups/{other}")).await;
        r.assert_problem(404, "not_found");
    }
    assert_eq!(
        app.get(&t, &format!("/api/v1/backups/{name}")).await.status,
        403
    );
    // A helper does not see the backups.
    let h = app.token("helper").await;
    assert_eq!(app.get(&h, "/api/v1/backups").await.status, 403);
    std::fs::remove_dir_all(&dir).ok();
}
