//! Role sets a route can require. A handler names one in its `Auth<…>` argument, so who may call
//! a route is declared in its signature; there is no route without one.

use zhunong_entity::enums::Role;

pub trait RoleSet {
    const ROLES: &'static [Role];
}

macro_rules! role_set {
    ($(#[$meta:meta])* $name:ident => [$($role:ident),+]) => {
        $(#[$meta])*
        pub struct $name;
        impl RoleSet for $name {
            const ROLES: &'static [Role] = &[$(Role::$role),+];
        }
    };
}

role_set!(
    /// The catalog, prices and other back-office writes.
    Office => [Admin, Secretary]
);
role_set!(
    /// Looking after the data itself: downloading backups, running the integrity check.
    Operator => [Admin]
);
role_set!(
    /// Taking orders and keeping buyers: the office and the livestream helper.
    Sales => [Admin, Secretary, Helper]
);
role_set!(
    /// Reading the catalog and orders: every staff role.
    Staff => [Admin, Secretary, Helper, Station]
);
role_set!(
    /// Weighing and loading: the station, and the office over it.
    Yard => [Admin, Secretary, Station]
);
role_set!(
    /// The villagers' finance group (民主理财小组): signing off a finance sheet.
    FinanceGroup => [Auditor]
);

/// Reads the secretary may make and an auditor may not: printing trace labels mints their
/// codes, and a buyer's personal-data export is for the buyer who asked for it.
pub const NOT_FOR_AUDITORS: &[&str] = &["/api/v1/labels", "/api/v1/buyers/{id}/personal-data"];

/// Whether `role` may call the route `path` (as declared), open to `roles`, with `method`. An
/// auditor reads whatever the secretary reads, and writes nothing but what names the auditor.
pub fn admits(roles: &[Role], role: Role, method: &actix_web::http::Method, path: &str) -> bool {
    roles.contains(&role)
        || (role == Role::Auditor
            && (method == actix_web::http::Method::GET || method == actix_web::http::Method::HEAD)
            && roles.contains(&Role::Secretary)
            && !NOT_FOR_AUDITORS.contains(&path))
}
