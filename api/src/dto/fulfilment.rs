//! Recipients, address books, pickup points and parcels: how an order reaches its buyer.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use zhunong_entity::enums::{Fulfilment, OrderStatus, ParcelStatus};
use zhunong_entity::{buyer_address, order_recipient, pickup_point};

/// Who a parcel goes to. `province`, `city` and `district` must name one place in China's
/// divisions when given; an address that could not be read is kept whole in `detail` (with
/// `raw_text`) and the missing fields listed in `unsure`.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RecipientIn {
    pub name: String,
    pub phone: String,
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub district: String,
    #[serde(default)]
    pub street: String,
    pub detail: String,
    /// The pasted text it was read from.
    pub raw_text: Option<String>,
    /// Fields a person should check (from `POST /addresses/parse`).
    #[serde(default)]
    pub unsure: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecipientOut {
    pub name: String,
    pub phone: String,
    pub province: String,
    pub city: String,
    pub district: String,
    pub street: String,
    pub detail: String,
    pub raw_text: Option<String>,
    pub unsure: Vec<String>,
}

impl From<order_recipient::Model> for RecipientOut {
    fn from(m: order_recipient::Model) -> Self {
        Self {
            name: m.name,
            phone: m.phone,
            province: m.province,
            city: m.city,
            district: m.district,
            street: m.street,
            detail: m.detail,
            raw_text: m.raw_text,
            unsure: m
                .unsure
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }
}

/// Text to read a recipient from (智能识别).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParseAddress {
    /// Up to 300 characters.
    #[schema(example = "张三 13800001234 安徽省亳州市利辛县张村镇红光村3组")]
    pub text: String,
}

/// Adding an address to a buyer's book.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AddressQuery {
    /// Make it the default (`true`); the first address always is.
    pub default: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AddressOut {
    pub id: i64,
    pub buyer_id: i64,
    pub name: String,
    pub phone: String,
    pub province: String,
    pub city: String,
    pub district: String,
    pub street: String,
    pub detail: String,
    pub is_default: bool,
}

impl From<buyer_address::Model> for AddressOut {
    fn from(m: buyer_address::Model) -> Self {
        Self {
            id: m.id,
            buyer_id: m.buyer_id,
            name: m.name,
            phone: m.phone,
            province: m.province,
            city: m.city,
            district: m.district,
            street: m.street,
            detail: m.detail,
            is_default: m.is_default,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPickupPoint {
    pub name: String,
    pub address: String,
    /// e.g. 每天 8:00–18:00
    pub hours: String,
    /// Set false to stop offering it (orders already placed keep it).
    pub active: Option<bool>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PickupPointOut {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub hours: String,
    pub active: bool,
}

impl From<pickup_point::Model> for PickupPointOut {
    fn from(m: pickup_point::Model) -> Self {
        Self {
            id: m.id,
            name: m.name,
            address: m.address,
            hours: m.hours,
            active: m.active,
        }
    }
}

/// How an order is to reach its buyer, as placed or changed later (until it is packed or
/// loaded).
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FulfilmentIn {
    pub fulfilment: Fulfilment,
    /// For `parcel`: whom to send it to. Left out, the buyer's default address is used.
    pub recipient: Option<RecipientIn>,
    /// For `pickup`: where it is collected.
    pub pickup_point_id: Option<i64>,
}

/// Everything about how an order reaches its buyer.
#[derive(Debug, Serialize, ToSchema)]
pub struct FulfilmentOut {
    pub order_id: i64,
    pub status: OrderStatus,
    pub fulfilment: Fulfilment,
    pub recipient: Option<RecipientOut>,
    pub pickup_point: Option<PickupPointOut>,
    /// The code the buyer shows at the pickup point.
    pub pickup_code: Option<String>,
    pub picked_up_at: Option<DateTime<Utc>>,
    /// The buyer's own page, `/o/{token}`; null once revoked.
    pub view_path: Option<String>,
    pub parcels: Vec<ParcelOut>,
}

/// Packing crates into a parcel at the station.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PackParcel {
    /// The order packed; several orders for the same recipient share the parcel (合并发货).
    pub order_ids: Vec<i64>,
    /// The weighed crates (weigh ticket ids) in it; left out, every crate of those orders not yet
    /// packed.
    pub crate_ids: Option<Vec<i64>>,
    /// The parcel on the scale, box included.
    #[schema(example = 2300)]
    pub weight_g: i64,
    /// A code from `GET /carriers`.
    #[schema(example = "zhongtong")]
    pub carrier: String,
    /// Typed or scanned: letters, digits and `-`, up to 40.
    pub tracking_no: Option<String>,
    pub shipping_cost_fen: Option<i64>,
}

/// Handing a parcel to the courier.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShipParcel {
    /// Needed unless the parcel already has one.
    pub tracking_no: Option<String>,
    pub carrier: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParcelCrate {
    pub crate_id: i64,
    pub order_id: i64,
    pub line_id: i64,
    pub net_g: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParcelOut {
    pub id: i64,
    pub carrier: String,
    pub carrier_name: String,
    pub tracking_no: Option<String>,
    pub weight_g: i64,
    pub shipping_cost_fen: Option<i64>,
    pub status: ParcelStatus,
    pub packed_at: DateTime<Utc>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// Counted as delivered `ZHUNONG_PARCEL_AUTO_DELIVER_DAYS` after shipping.
    pub delivered_automatically: bool,
    pub order_ids: Vec<i64>,
    pub crates: Vec<ParcelCrate>,
}

/// The code a buyer shows at the pickup point.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PickupHandover {
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CarrierOut {
    pub code: &'static str,
    pub name: &'static str,
}

/// One line of an order as its buyer sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct BuyerLine {
    pub product: String,
    /// `by_weight` or `by_piece`.
    pub pricing: zhunong_entity::enums::Pricing,
    /// Grams or pieces ordered.
    pub quantity: i64,
    /// Net grams weighed; null until weighed.
    pub net_g: Option<i64>,
    pub amount_fen: i64,
    /// Paths of the trace pages of its crates (`/t/{code}`), where labels were made.
    pub trace_paths: Vec<String>,
}

/// A parcel as its buyer sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct BuyerParcel {
    pub carrier_name: String,
    pub tracking_no: Option<String>,
    pub status: ParcelStatus,
    pub shipped_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// The buyer's own page (`/o/{token}`): their order and nothing of anyone else's, the recipient
/// masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct BuyerView {
    pub number: String,
    pub status: OrderStatus,
    pub fulfilment: Fulfilment,
    pub placed_at: DateTime<Utc>,
    pub total_fen: i64,
    pub final_total_fen: Option<i64>,
    /// `张*`
    pub recipient_name: Option<String>,
    /// `138****1234`
    pub recipient_phone: Option<String>,
    /// Down to the district, the rest hidden.
    pub recipient_address: Option<String>,
    pub pickup_point: Option<PickupPointOut>,
    /// The code to show at the pickup point (pickup orders not yet collected).
    pub pickup_code: Option<String>,
    pub lines: Vec<BuyerLine>,
    pub parcels: Vec<BuyerParcel>,
    /// The buyer's claims on this order and their answers.
    pub cases: Vec<crate::dto::after_sales::BuyerCase>,
    /// Until when a claim may be opened here (`ZHUNONG_CLAIM_WINDOW_HOURS` after delivery).
    pub claim_until: Option<DateTime<Utc>>,
    pub shipped_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// The buyer's link after the secretary reissued it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ViewLink {
    /// `/o/{token}`; the old link no longer opens.
    pub view_path: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ParcelFilter {
    pub status: Option<ParcelStatus>,
    pub order_id: Option<i64>,
    /// Only parcels shipped at least this many days ago and not delivered (the office's list of
    /// parcels to chase).
    pub shipped_days_ago: Option<u32>,
}

/// What became of one row of a tracking-number file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowResult {
    /// The parcel was shipped with this number now.
    Applied,
    /// The order's parcel already has this number: nothing to do.
    Unchanged,
    /// Not applied; `code` and `reason` say why.
    Refused,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportRow {
    /// The row's number in the file (the header's row is 1 when it is first).
    pub line: usize,
    pub order_number: String,
    pub tracking_no: String,
    pub result: RowResult,
    /// Why it was refused, as an error code (`unknown_order`, `not_weighed`, …).
    pub code: Option<String>,
    pub reason: Option<String>,
    pub parcel_id: Option<i64>,
}

/// The result of importing a file of tracking numbers, row by row.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    pub applied: usize,
    pub unchanged: usize,
    pub refused: usize,
    pub rows: Vec<ImportRow>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WaitingQuery {
    /// `csv` (the default) or `xlsx`.
    pub format: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlipQuery {
    /// `a4` (default) or `thermal` (100 × 150 mm).
    #[serde(default)]
    pub layout: crate::dto::trace::LabelLayout,
}
