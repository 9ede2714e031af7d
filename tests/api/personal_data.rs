//! A buyer's personal data: the copy they may ask for, and erasure that leaves no trace of them
//! in the database file or later backups while the money, the ledger and the reports stay exact;
//! a backup from before the erasure, restored, erases them again when served.

use crate::helpers::{TestApp, backend_name, said, spawn_app, spawn_app_with};
use crate::money::{deliver, grape_farm, pay, rule, weighed_orders};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec()))
        .unwrap_or_else(|e| panic!("not a zip: {e}"));
    let mut out = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap_or_else(|e| panic!("{e}"));
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).unwrap_or_else(|e| panic!("{e}"));
        let name = f.name().map(|n| n.to_string()).unwrap_or_default();
        out.insert(name, buf);
    }
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// The only backup in `dir`.
fn backup_in(app: &TestApp, dir: &Path) -> PathBuf {
    let o = app.cli(&["backup", "--to", &dir.display().to_string()]);
    assert!(o.status.success(), "{}", said(&o));
    std::fs::read_dir(dir)
        .ok()
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "zip"))
        .unwrap_or_else(|| panic!("no backup in {}", dir.display()))
}

async fn summary(app: &TestApp) -> Value {
    let mut s = app
        .get(
            &app.token("secretary").await,
            "/api/v1/reports/sales/summary",
        )
        .await
        .json;
    // When it was read is not a figure.
    for k in ["as_of", "read_from", "generated_at"] {
        s.as_object_mut().map(|o| o.remove(k));
    }
    s
}

/// Bytes inside a claim's photo, to find it in a file.
const PHOTO_MARK: &str = "PHOTO-MARK-7731";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_erased_buyer_is_gone_from_the_file_and_backups_while_the_money_stays_exact() {
    let app = Arc::new(spawn_app().await);
    let sec = app.token("secretary").await;
    let (collective, _, product, batch) = grape_farm(&app, 20, 10_000).await;
    rule(&app, json!({"scope": "product", "product_id": product, "basis_points": 500, "valid_from": "2026-01-01", "shares": [{"collective_id": collective, "shares": 1}]})).await;
    let phone = format!("137{:08}", crate::helpers::rand_u32() % 100_000_000);
    let b = app
        .post(&sec, "/api/v1/buyers", json!({"kind": "individual", "name": "张桂兰", "phone": phone, "address": "安徽省亳州市利辛县张村镇红光村3组", "douyin_nickname": "桂兰爱葡萄"}))
        .await;
    assert_eq!(b.status, 201, "{}", b.text);
    let buyer = b.json["id"].as_i64().unwrap_or(0);
    let moved = app
        .patch(
            &sec,
            &format!("/api/v1/buyers/{buyer}"),
            json!({"address": "安徽省亳州市利辛县张村镇红光村4组"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    let orders = weighed_orders(&app, batch, buyer, 2).await;
    deliver(&app, &orders).await;
    assert_eq!(pay(&app, orders[0], 10_000).await.status, 201);
    // An address in the book, and a parcel order sent to it.
    let home = json!({"name": "张桂兰", "phone": phone, "province": "安徽省", "city": "亳州市",
                      "district": "利辛县", "street": "张村镇", "detail": "红光村3组"});
    let a = app
        .post(&sec, &format!("/api/v1/buyers/{buyer}/addresses"), home)
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    let parcel = app
        .place_order(
            &sec,
            json!({"buyer_id": buyer, "channel": "phone", "fulfilment": "parcel",
                                  "lines": [{"batch_id": batch, "quantity": 1}]}),
        )
        .await;
    assert_eq!(parcel.status, 201, "{}", parcel.text);
    // A claim on a delivered order, with a photo whose picture holds a mark to look for.
    let case = app
        .post(
            &sec,
            "/api/v1/after-sales",
            json!({"order_id": orders[1], "reason": "bad_fruit", "note": "桂兰的葡萄坏了"}),
        )
        .await;
    assert_eq!(case.status, 201, "{}", case.text);
    let mut photo = vec![0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02];
    photo.extend_from_slice(PHOTO_MARK.as_bytes());
    photo.extend_from_slice(&[0xFF, 0xD9]);
    let added = app
        .client
        .post(app.url(&format!("/api/v1/after-sales/{}/photos", case.json["id"])))
        .bearer_auth(&sec)
        .header("content-type", "image/jpeg")
        .body(photo)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(added.status(), 201);

    // The copy the buyer may ask for holds them and their orders.
    let copy = app
        .client
        .get(app.url(&format!("/api/v1/buyers/{buyer}/personal-data")))
        .bearer_auth(&sec)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(copy.status(), 200);
    let files = unzip(&copy.bytes().await.unwrap_or_default());
    assert!(contains(&files["买家信息.json"], &phone));
    let listed: Value = serde_json::from_slice(&files["订单.json"]).unwrap_or_default();
    assert_eq!(listed.as_array().map(Vec::len), Some(3));
    assert!(contains(&files["收款与退款.json"], "10000"));
    assert!(contains(&files["操作记录.json"], "红光村3组"));
    assert!(
        contains(&files["收货地址.json"], &phone),
        "the book and the recipients"
    );
    assert!(String::from_utf8_lossy(&files["说明.txt"]).contains("个人信息保护法"));

    let sqlite = backend_name() == "sqlite";
    let scratch = std::env::temp_dir().join(format!("zhunong-erasure-{}", uuid::Uuid::new_v4()));
    let before_backup = if sqlite {
        Some(backup_in(&app, &scratch.join("before")))
    } else {
        None
    };
    let figures = summary(&app).await;

    let erased = app
        .post(
            &sec,
            &format!("/api/v1/buyers/{buyer}/erase"),
            json!({"reason": "本人申请删除"}),
        )
        .await;
    assert_eq!(erased.status, 200, "{}", erased.text);
    assert_eq!(erased.json["name"], "已删除的买家");
    assert_eq!(erased.json["phone"], Value::Null);
    assert_eq!(erased.json["address"], Value::Null);
    assert!(erased.json["erased_at"].is_string());
    let again = app
        .post(
            &sec,
            &format!("/api/v1/buyers/{buyer}/erase"),
            json!({"reason": "再次"}),
        )
        .await;
    assert_eq!(again.json["erased_at"], erased.json["erased_at"]);
    app.post(
        &sec,
        &format!("/api/v1/buyers/{buyer}/erase"),
        json!({"reason": " "}),
    )
    .await
    .assert_field_error("reason");

    // Money, the ledger and the reports are as they were; every invariant holds.
    assert_eq!(summary(&app).await, figures);
    let check = app.cli(&["check"]);
    assert!(check.status.success(), "{}", said(&check));
    let order = app
        .get(&sec, &format!("/api/v1/orders/{}", orders[0]))
        .await;
    assert_eq!(
        (
            order.json["status"].as_str(),
            order.json["paid_fen"].as_i64()
        ),
        (Some("settled"), Some(10_000))
    );
    // The audit log says it was done and why, and holds none of the values.
    let log = app
        .get(&app.token("admin").await, "/api/v1/audit-log?per_page=200")
        .await;
    assert!(
        log.text.contains("删除了买家「已删除的买家」的个人信息"),
        "{}",
        log.text
    );
    assert!(log.text.contains("本人申请删除"));
    for gone in [
        phone.as_str(),
        "红光村3组",
        "红光村4组",
        "桂兰爱葡萄",
        "张桂兰",
    ] {
        assert!(!log.text.contains(gone), "{gone} is still in the audit log");
    }
    let db = app.raw_db().await;
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT CAST(before AS TEXT), CAST(after AS TEXT) FROM audit_log".to_owned(),
        ))
        .await
        .unwrap_or_default();
    for r in rows {
        for i in 0..2 {
            let text: Option<String> = r.try_get_by_index(i).unwrap_or_default();
            assert!(!text.unwrap_or_default().contains(&phone));
        }
    }
    db.close().await.ok();

    if let (true, Some(before_backup)) = (sqlite, before_backup) {
        // Not in the file, its WAL, nor a backup taken since.
        let path = app.settings.sqlite_path().unwrap_or_default();
        for side in ["", "-wal"] {
            let mut p = path.clone().into_os_string();
            p.push(side);
            let bytes = std::fs::read(PathBuf::from(p)).unwrap_or_default();
            assert!(
                !contains(&bytes, &phone),
                "the phone is in the database file{side}"
            );
            assert!(
                !contains(&bytes, "桂兰爱葡萄"),
                "the nickname is in the database file{side}"
            );
            assert!(
                !contains(&bytes, PHOTO_MARK),
                "the claim's photo is in the database file{side}"
            );
        }
        let after = backup_in(&app, &scratch.join("after"));
        let inside = unzip(&std::fs::read(&after).unwrap_or_default());
        assert!(
            !contains(&inside["zhunong.db"], &phone),
            "the phone is in a later backup"
        );
        assert!(contains(
            &unzip(&std::fs::read(&before_backup).unwrap_or_default())["zhunong.db"],
            &phone
        ));

        // The backup from before, restored and served, erases the buyer again.
        let restored = scratch.join("restored");
        let o = app.cli(&[
            "restore",
            &before_backup.display().to_string(),
            "--to",
            &restored.display().to_string(),
        ]);
        assert!(o.status.success(), "{}", said(&o));
        let db_path = restored.join("zhunong.db");
        let served =
            spawn_app_with(|s| s.database_url = format!("sqlite://{}?mode=rwc", db_path.display()))
                .await;
        // The restored database has the same staff (the helpers' secretary among them).
        let login = served
            .login("secretary-user", crate::helpers::STAFF_PASSWORD)
            .await;
        let t = login.json["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let back = served.get(&t, &format!("/api/v1/buyers/{buyer}")).await;
        assert_eq!(back.json["name"], "已删除的买家", "{}", back.text);
        assert_eq!(back.json["phone"], Value::Null);
        drop(served);
        let bytes = std::fs::read(&db_path).unwrap_or_default();
        assert!(
            !contains(&bytes, &phone),
            "the restored file still holds the phone"
        );
    }
    std::fs::remove_dir_all(&scratch).ok();
}
