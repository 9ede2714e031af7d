//! A robot's address must be its platform's: WeCom's robots post to
//! `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`, DingTalk's to
//! `https://oapi.dingtalk.com/robot/send?access_token=…`. The webhook rules (HTTPS, no private
//! address) apply besides; a host on the allow-list (tests' loopback receivers) stands in for
//! the platform's.

use url::Url;
use zhunong_entity::enums::RobotKind;

/// The platform's host, path and the query parameter that holds the robot's key.
pub fn expected(kind: RobotKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        RobotKind::Wecom => ("qyapi.weixin.qq.com", "/cgi-bin/webhook/send", "key"),
        RobotKind::Dingtalk => ("oapi.dingtalk.com", "/robot/send", "access_token"),
    }
}

/// Checks that `url` is the kind's address (or an allow-listed host's, with the same path and
/// key); returns the key.
///
/// # Errors
/// Why it is not.
pub fn check(kind: RobotKind, url: &Url, allow: &[String]) -> Result<String, String> {
    let (host, path, key_name) = expected(kind);
    let actual = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let allowed = allow.iter().any(|a| a.eq_ignore_ascii_case(&actual));
    if actual != host && !allowed {
        return Err(format!("a {} robot's address is on {host}", kind.as_str()));
    }
    if url.path() != path {
        return Err(format!(
            "a {} robot's address is {host}{path}",
            kind.as_str()
        ));
    }
    url.query_pairs()
        .find(|(k, _)| k == key_name)
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| format!("the address has no {key_name}"))
}

/// What the office shows of an address: its host and the key's last four characters.
pub fn hint(url: &Url, key: &str) -> String {
    let tail: String = key
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("{} …{tail}", url.host_str().unwrap_or_default())
}

/// A DingTalk signing secret begins `SEC`.
pub fn is_dingtalk_secret(s: &str) -> bool {
    s.starts_with("SEC") && s.len() > 3 && s.chars().all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn each_kind_has_its_own_host_path_and_key() {
        let wecom = url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123");
        assert_eq!(check(RobotKind::Wecom, &wecom, &[]), Ok("abc-123".into()));
        assert!(check(RobotKind::Dingtalk, &wecom, &[]).is_err());
        let ding = url("https://oapi.dingtalk.com/robot/send?access_token=t0k3n");
        assert_eq!(check(RobotKind::Dingtalk, &ding, &[]), Ok("t0k3n".into()));
        assert!(check(RobotKind::Wecom, &ding, &[]).is_err());
        let no_key = url("https://oapi.dingtalk.com/robot/send");
        assert!(check(RobotKind::Dingtalk, &no_key, &[]).is_err());
        let test = url("http://127.0.0.1:9/robot/send?access_token=x");
        assert!(check(RobotKind::Dingtalk, &test, &[]).is_err());
        assert!(check(RobotKind::Dingtalk, &test, &["127.0.0.1".into()]).is_ok());
        assert_eq!(hint(&ding, "t0k3n"), "oapi.dingtalk.com …0k3n");
    }

    #[test]
    fn a_dingtalk_secret_begins_sec() {
        assert!(is_dingtalk_secret("SECabc123"));
        assert!(!is_dingtalk_secret("abc123"));
        assert!(!is_dingtalk_secret("SEC"));
        assert!(!is_dingtalk_secret("SEC abc"));
    }
}
