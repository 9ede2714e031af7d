//! "These ids → these rows": the one loader behind every page that names what its rows point
//! at (the batches of an order's lines, the buyers of a load's orders …).

use crate::error::{AppResult, Invariant};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Iterable, ModelTrait, PrimaryKeyToColumn,
    QueryFilter, Value,
};
use std::collections::{BTreeSet, HashMap};

/// The rows of `E` whose id is among `ids`, by id; ids without a row are simply absent. Each id
/// is asked for once, and no query is sent for none.
///
/// # Errors
/// Database errors; an entity whose key is not one integer (none is).
pub async fn by_id<E>(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> AppResult<HashMap<i64, E::Model>>
where
    E: EntityTrait,
{
    let ids: BTreeSet<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let key = E::PrimaryKey::iter()
        .next()
        .invariant("an entity has a primary key")?
        .into_column();
    let ids: Vec<i64> = ids.into_iter().collect();
    let mut out = HashMap::with_capacity(ids.len());
    // An `IN (…)` list within SQLite's 32,766 bound parameters, however many ids are asked for.
    for part in ids.chunks(IDS_PER_QUERY) {
        for m in E::find()
            .filter(key.is_in(part.iter().copied()))
            .all(db)
            .await?
        {
            let id = match m.get(key) {
                Value::BigInt(Some(id)) => Some(id),
                Value::Int(Some(id)) => Some(i64::from(id)),
                _ => None,
            };
            out.insert(id.invariant("a row's key is an integer")?, m);
        }
    }
    Ok(out)
}

/// Ids asked for in one query.
const IDS_PER_QUERY: usize = 10_000;
