//! What goes on the wire to each robot: the JSON body of a markdown message, DingTalk's
//! signature, the size each allows, and which answers mean "too fast, try later".

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use zhunong_entity::enums::RobotKind;

/// The body of a markdown message: WeCom's `{"msgtype":"markdown","markdown":{"content":…}}`,
/// DingTalk's `{"msgtype":"markdown","markdown":{"title":…,"text":…}}`.
pub fn body(kind: RobotKind, title: &str, text: &str) -> Value {
    match kind {
        RobotKind::Wecom => json!({"msgtype": "markdown", "markdown": {"content": text}}),
        RobotKind::Dingtalk => {
            json!({"msgtype": "markdown", "markdown": {"title": title, "text": text}})
        }
    }
}

/// DingTalk's signature of a request sent at `timestamp_ms`: the base64 of
/// HMAC-SHA256(key = secret, message = `{timestamp_ms}\n{secret}`), to be URL-encoded as the
/// `sign` parameter beside `timestamp`.
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> Option<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(format!("{timestamp_ms}\n{secret}").as_bytes());
    Some(STANDARD.encode(mac.finalize().into_bytes()))
}

/// An answer's `errcode` that means the robot is sending too fast (WeCom 45009, DingTalk
/// 130101): the message waits and is tried again, rather than counted as refused.
pub fn too_fast(kind: RobotKind, errcode: i64) -> bool {
    match kind {
        RobotKind::Wecom => errcode == 45_009,
        RobotKind::Dingtalk => errcode == 130_101,
    }
}

/// How many more messages a robot may be handed now: `max` a window, less those handed in the
/// window already (sent, refused or in flight).
pub fn budget(max: u32, handed_in_window: u64) -> u64 {
    u64::from(max).saturating_sub(handed_in_window)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dingtalk_signs_timestamp_and_secret_with_the_secret() {
        // From `printf '1700000000000\nSECtest' | openssl dgst -sha256 -hmac SECtest -binary | base64`.
        assert_eq!(
            dingtalk_sign("SECtest", 1_700_000_000_000).as_deref(),
            Some("aZLLrriXgn05YbwaGR7knYsLeJADjr9NwLaNNKpxh4g=")
        );
    }

    #[test]
    fn the_budget_is_what_the_window_leaves() {
        assert_eq!(budget(20, 0), 20);
        assert_eq!(budget(20, 19), 1);
        assert_eq!(budget(20, 20), 0);
        assert_eq!(budget(20, 25), 0);
    }

    #[test]
    fn each_kind_has_its_body() {
        assert_eq!(
            body(RobotKind::Wecom, "t", "x"),
            json!({"msgtype":"markdown","markdown":{"content":"x"}})
        );
        assert_eq!(
            body(RobotKind::Dingtalk, "t", "x"),
            json!({"msgtype":"markdown","markdown":{"title":"t","text":"x"}})
        );
    }
}
