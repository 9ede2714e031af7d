//! Group-chat robots (企业微信, 钉钉): which addresses a robot of each kind may have, the
//! messages' bodies and size limits, DingTalk's signature, and the rate both allow.

pub mod address;
pub mod messages;
pub mod wire;
