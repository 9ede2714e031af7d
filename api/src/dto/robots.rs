//! Group-chat robots (企业微信, 钉钉) the office registers, and the messages sent to them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhunong_entity::enums::{DeliveryStatus, RobotKind, RobotTopic};

fn default_daily_at() -> String {
    "21:00".to_owned()
}

/// A robot to register: the address copied from the group's robot settings (it holds the
/// robot's key), for DingTalk the signing secret, and what it is told.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRobot {
    /// What the office calls it (村干部群).
    #[schema(example = "村干部群")]
    pub name: String,
    pub kind: RobotKind,
    /// `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…` or
    /// `https://oapi.dingtalk.com/robot/send?access_token=…`.
    pub url: String,
    /// DingTalk's signing secret (加签), `SEC…`; required for DingTalk, refused for WeCom.
    pub secret: Option<String>,
    #[serde(default)]
    pub daily_summary: bool,
    /// Local time of the daily summary, `HH:MM` (default 21:00).
    #[serde(default = "default_daily_at")]
    #[schema(example = "21:00")]
    pub daily_at: String,
    #[serde(default)]
    pub show_summary: bool,
    #[serde(default)]
    pub after_sales: bool,
    #[serde(default)]
    pub finance_sheets: bool,
}

/// What to change of a robot; absent fields stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRobot {
    pub name: Option<String>,
    pub daily_summary: Option<bool>,
    pub daily_at: Option<String>,
    pub show_summary: Option<bool>,
    pub after_sales: Option<bool>,
    pub finance_sheets: Option<bool>,
    pub enabled: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RobotOut {
    pub id: i64,
    pub name: String,
    pub kind: RobotKind,
    /// The address's host and the key's last characters; the key itself is never shown.
    pub url_hint: String,
    /// Whether a signing secret is kept (DingTalk).
    pub signed: bool,
    pub daily_summary: bool,
    pub daily_at: String,
    pub show_summary: bool,
    pub after_sales: bool,
    pub finance_sheets: bool,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    /// Messages waiting to be sent, and refused or failed ones.
    pub pending: u64,
    pub failed: u64,
    /// The newest failure's error, as the robot or the network gave it.
    pub last_error: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RobotMessageOut {
    pub id: i64,
    pub robot_id: i64,
    pub topic: RobotTopic,
    pub title: String,
    pub body: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub next_attempt_at: DateTime<Utc>,
}
