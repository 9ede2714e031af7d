//! Who is asking: the signed-in staff member or partner a service acts for. The web layer
//! (`extract::caller`) makes one from a verified token; services and the demo take it from here,
//! so the rules do not depend on the web layer.

use zhunong_entity::enums::Role;

#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: i64,
    /// The login name.
    pub username: String,
    pub role: Role,
}

/// An enterprise partner calling with its API key: the buyer it orders for, and which key.
#[derive(Debug, Clone)]
pub struct PartnerAuth {
    pub buyer_id: i64,
    pub key_id: String,
}
