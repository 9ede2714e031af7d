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
