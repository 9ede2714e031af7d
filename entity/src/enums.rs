//! Status and kind enums, stored as short strings so the same schema works on SQLite and
//! PostgreSQL.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $value:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize,
            Deserialize, ToSchema,
        )]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
        pub enum $name {
            $(
                #[sea_orm(string_value = $value)]
                #[serde(rename = $value)]
                $variant,
            )+
        }

        impl $name {
            /// The stored and serialized name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $value,)+
                }
            }
        }
    };
}

string_enum!(
    /// Who a user is; every route declares which roles may call it.
    Role { Admin = "admin", Secretary = "secretary", Helper = "helper", Station = "station", Partner = "partner" }
);

string_enum!(
    /// The kind of farm that supplies produce.
    GrowerKind { Household = "household", FamilyFarm = "family_farm", Cooperative = "cooperative" }
);

string_enum!(
    /// How a product is priced and counted: by weight (grams, price per jin) or by piece.
    Pricing { ByWeight = "by_weight", ByPiece = "by_piece" }
);

string_enum!(
    /// Whether a batch can still be ordered from.
    BatchStatus { Open = "open", Closed = "closed" }
);

string_enum!(
    /// A person buying for themselves, or a company.
    BuyerKind { Individual = "individual", Enterprise = "enterprise" }
);

string_enum!(
    /// Where an order came from.
    Channel { Livestream = "livestream", PartnerApi = "partner_api", Expo = "expo", Phone = "phone", WalkIn = "walk_in" }
);

string_enum!(
    /// The life of an order; see `domain::order_status` for the legal transitions.
    OrderStatus {
        Pending = "pending",
        Confirmed = "confirmed",
        Weighed = "weighed",
        Loaded = "loaded",
        Delivered = "delivered",
        Settled = "settled",
        Cancelled = "cancelled",
    }
);

string_enum!(
    /// One truck trip.
    LoadStatus { Open = "open", Loaded = "loaded", Departed = "departed", Delivered = "delivered" }
);

string_enum!(
    /// Money received against an order.
    PaymentStatus { Unpaid = "unpaid", PartiallyPaid = "partially_paid", Paid = "paid", Refunded = "refunded" }
);
