//! How the commission shares in force are stored on an order line: a persisted type of its own,
//! not the request DTO, so that a change to the API cannot change what old lines mean.

use crate::error::{AppResult, Invariant};
use serde::{Deserialize, Serialize};

/// One collective's part of a line's commission, as stored (`[{"collective_id":1,"shares":3}]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredShare {
    pub collective_id: i64,
    pub shares: u64,
}

/// # Errors
/// Never in practice; serialising two integers cannot fail, but it is not silently dropped.
pub fn to_json(shares: &[crate::dto::money::Share]) -> AppResult<serde_json::Value> {
    let stored: Vec<StoredShare> = shares
        .iter()
        .map(|s| StoredShare {
            collective_id: s.collective_id,
            shares: s.shares,
        })
        .collect();
    serde_json::to_value(stored).invariant("commission shares serialise")
}

/// The stored shares of a line; a line without a rule has none.
///
/// # Errors
/// Shares that do not parse are a broken invariant (500, logged), never zero commission.
pub fn from_json(stored: Option<&serde_json::Value>, line_id: i64) -> AppResult<Vec<StoredShare>> {
    match stored {
        None | Some(serde_json::Value::Null) => Ok(Vec::new()),
        Some(v) => serde_json::from_value(v.clone()).invariant(&format!(
            "order line {line_id} has unreadable commission shares"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_shares_round_trip_and_garbage_is_an_error() {
        let dto = vec![crate::dto::money::Share {
            collective_id: 4,
            shares: 3,
        }];
        let v = to_json(&dto).unwrap_or_default();
        assert_eq!(v, serde_json::json!([{"collective_id": 4, "shares": 3}]));
        assert_eq!(
            from_json(Some(&v), 1).ok(),
            Some(vec![StoredShare {
                collective_id: 4,
                shares: 3
            }])
        );
        assert!(from_json(Some(&serde_json::json!({"x": 1})), 1).is_err());
        assert!(from_json(Some(&serde_json::json!([{"collective_id": "a"}])), 1).is_err());
        assert_eq!(from_json(None, 1).ok(), Some(Vec::new()));
    }
}
