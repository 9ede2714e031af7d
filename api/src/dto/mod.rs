//! Request and response types. Entities never go over the wire: responses are built here from
//! them, and request types reject unknown fields so server-owned fields cannot be set.

pub mod after_sales;
pub mod audit;
pub mod auth;
pub mod backups;
pub mod bills;
pub mod books;
pub mod buyers;
pub mod catalog;
pub mod date;
pub mod disclosure;
pub mod events;
pub mod fulfilment;
pub mod grower_account;
pub mod integrity;
pub mod live;
pub mod loads;
pub mod money;
pub mod orders;
pub mod partner;
pub mod pick_list;
pub mod receivables;
pub mod reports;
pub mod robots;
pub mod shop;
pub mod trace;
pub mod weighing;

use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u64,
    pub per_page: u64,
    /// Rows matching the filters, over all pages.
    pub total: u64,
}

/// `?page=1&per_page=50`: pages count from 1.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<u64>,
    /// Rows per page (default 50, at most the configured maximum, 200 unless
    /// `ZHUNONG_MAX_PAGE_SIZE` says otherwise).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
}

/// `PATCH` fields that may be cleared: absent = leave as is, `null` = clear, value = set.
pub fn double_option<'de, T, D>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(de).map(Some)
}
