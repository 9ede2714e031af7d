use super::double_option;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use zhunong_entity::buyer;
use zhunong_entity::enums::BuyerKind;

/// A person to reach at an enterprise buyer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    pub phone: Option<String>,
    pub title: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBuyer {
    pub kind: BuyerKind,
    #[schema(example = "李女士")]
    pub name: String,
    /// Mobile number; unique among buyers, used to find them.
    #[schema(example = "13800000001")]
    pub phone: Option<String>,
    pub address: Option<String>,
    /// Company name, for enterprises.
    pub company: Option<String>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    pub payment_terms: Option<String>,
    /// What the live room knows them by (抖音昵称).
    #[schema(example = "葡萄爱好者")]
    pub douyin_nickname: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBuyer {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub company: Option<Option<String>>,
    pub contacts: Option<Vec<Contact>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub payment_terms: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub douyin_nickname: Option<Option<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BuyerOut {
    pub id: i64,
    pub kind: BuyerKind,
    pub name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub company: Option<String>,
    pub contacts: Vec<Contact>,
    pub payment_terms: Option<String>,
    pub douyin_nickname: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the buyer's personal data was erased; their orders and money stay, under a
    /// pseudonym.
    pub erased_at: Option<DateTime<Utc>>,
}

impl From<buyer::Model> for BuyerOut {
    fn from(m: buyer::Model) -> Self {
        Self {
            id: m.id,
            kind: m.kind,
            name: m.name,
            phone: m.phone,
            address: m.address,
            company: m.company,
            contacts: serde_json::from_value(m.contacts).unwrap_or_default(),
            payment_terms: m.payment_terms,
            douyin_nickname: m.douyin_nickname,
            created_at: m.created_at,
            updated_at: m.updated_at,
            erased_at: m.erased_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BuyerFilter {
    pub kind: Option<BuyerKind>,
    /// Exact phone number.
    pub phone: Option<String>,
    /// Part of the name, company or Douyin nickname.
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// The last digits of the phone number (3 to 11 digits), as a helper hears them in the live
    /// room: `5678` finds 13812345678.
    #[param(pattern = "^[0-9]{3,11}$")]
    pub phone_ends: Option<String>,
}

/// Why a buyer's personal data is erased (kept in the audit log).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EraseBuyer {
    /// For example 本人申请删除; up to 200 characters.
    pub reason: String,
}
