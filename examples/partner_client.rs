//! A partner's side of the Zhunong partner API, in a page of Rust: place a bulk order that is
//! safe to retry, and verify a webhook's signature.
//!
//! ```sh
//! PARTNER_BASE_URL=http://127.0.0.1:8080 PARTNER_API_KEY=znk_… \
//!   cargo run --example partner_client -- order 3:40 1:500000
//! cargo run --example partner_client -- verify-vector
//! ```

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::time::Duration;

/// Places an order, retrying with the same Idempotency-Key until it gets a final answer: a
/// retry can never make a second order.
async fn place_order(base: &str, key: &str, lines: Vec<(i64, i64)>) -> Result<Value, String> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    let idempotency_key = format!("po-{}", uuid::Uuid::new_v4());
    let body = json!({"lines": lines.iter().map(|(b, q)| json!({"batch_id": b, "quantity": q})).collect::<Vec<_>>()});
    let mut wait = Duration::from_millis(200);
    for attempt in 1..=6 {
        let sent = client
            .post(format!("{base}/api/v1/partner/orders"))
            .bearer_auth(key)
            .header("idempotency-key", &idempotency_key)
            .json(&body)
            .send()
            .await;
        match sent {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let retry_after = resp
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok());
                let replayed = resp.headers().contains_key("idempotent-replayed");
                let answer: Value = resp.json().await.unwrap_or(Value::Null);
                match status {
                    201 => {
                        eprintln!(
                            "order {} placed (attempt {attempt}{})",
                            answer["number"],
                            if replayed { ", replayed" } else { "" }
                        );
                        return Ok(answer);
                    }
                    // Still in flight, rate limited, or the service is busy: wait and retry.
                    409 if answer["code"] == "idempotency_key_in_flight" => {}
                    429 | 503 => wait = Duration::from_secs(retry_after.unwrap_or(1)),
                    500..=599 => {}
                    _ => return Err(format!("{status}: {answer}")),
                }
            }
            // The network dropped: we do not know if it arrived, so retry with the same key.
            Err(e) => eprintln!("attempt {attempt}: {e}"),
        }
        tokio::time::sleep(wait).await;
        wait *= 2;
    }
    Err("gave up after 6 attempts".into())
}

/// Verifies `webhook-signature` for a delivery, as a receiver must before trusting it. Also
/// reject timestamps far from now (say ±5 minutes) to stop replays.
fn verify_webhook(
    secret: &str,
    id: &str,
    timestamp: &str,
    body: &str,
    signature_header: &str,
) -> bool {
    let Ok(key) = STANDARD.decode(secret.trim_start_matches("whsec_")) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key) else {
        return false;
    };
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    signature_header.split(' ').any(|s| s == expected)
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("verify-vector") => {
            // The Standard Webhooks specification's published example.
            let ok = verify_webhook(
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                "1614265330",
                r#"{"test": 2432232314}"#,
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            );
            println!("published vector verifies: {ok}");
            if ok {
                Ok(())
            } else {
                Err("signature check failed".into())
            }
        }
        Some("order") => {
            let base = std::env::var("PARTNER_BASE_URL")
                .unwrap_or_else(|_| "http://127.0.0.1:8080".into());
            let key =
                std::env::var("PARTNER_API_KEY").map_err(|_| "set PARTNER_API_KEY".to_owned())?;
            let lines = args[1..]
                .iter()
                .map(|l| {
                    let (b, q) = l.split_once(':').ok_or("lines are batch:quantity")?;
                    Ok((
                        b.parse().map_err(|_| "bad batch")?,
                        q.parse().map_err(|_| "bad quantity")?,
                    ))
                })
                .collect::<Result<Vec<(i64, i64)>, &str>>()?;
            let order = place_order(&base, &key, lines).await?;
            println!(
                "{}",
                serde_json::to_string_pretty(&order).unwrap_or_default()
            );
            Ok(())
        }
        _ => Err("usage: partner_client order BATCH:QTY… | verify-vector".into()),
    }
}
