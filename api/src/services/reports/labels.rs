//! What a person reads for each group of a report: product and grower names, a batch by its
//! code, channels in Chinese. One query per dimension, for the groups shown only.

use crate::domain::labels::of_code;
use crate::dto::reports::{Dimension, DimensionValue};
use crate::error::AppResult;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{BTreeMap, HashMap, HashSet};
use zhunong_entity::enums::{BuyerKind, Channel, Fulfilment};
use zhunong_entity::{batch, buyer, collective, grower, live_session, product};

/// A group: for each dimension, its id or its code (buyer kind, channel).
pub type GroupKey = Vec<(Option<i64>, Option<String>)>;

#[derive(Default)]
pub struct Labels {
    names: HashMap<(Dimension, i64), String>,
}

impl Labels {
    /// Looks up the names of the ids in `groups`.
    ///
    /// # Errors
    /// Database errors.
    pub async fn load(
        db: &impl ConnectionTrait,
        dims: &[Dimension],
        groups: &[GroupKey],
    ) -> AppResult<Self> {
        let mut names = HashMap::new();
        for (i, d) in dims.iter().enumerate() {
            let ids: Vec<i64> = groups
                .iter()
                .filter_map(|g| g.get(i).and_then(|k| k.0))
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            if ids.is_empty() {
                continue;
            }
            for (id, name) in names_of(db, *d, ids).await? {
                names.insert((*d, id), name);
            }
        }
        Ok(Self { names })
    }

    /// The dimensions of one row, by name.
    pub fn row(&self, dims: &[Dimension], g: &GroupKey) -> BTreeMap<String, DimensionValue> {
        dims.iter()
            .zip(g)
            .map(|(d, (id, code))| (d.name().to_owned(), self.value(*d, *id, code.as_deref())))
            .collect()
    }

    fn value(&self, d: Dimension, id: Option<i64>, code: Option<&str>) -> DimensionValue {
        let label = match (d, id, code) {
            (Dimension::Channel, _, Some(c)) => of_code::<Channel>(c).unwrap_or("其他").to_owned(),
            (Dimension::Fulfilment, _, Some(c)) => {
                of_code::<Fulfilment>(c).unwrap_or("其他").to_owned()
            }
            (Dimension::BuyerKind, _, Some(c)) => {
                of_code::<BuyerKind>(c).unwrap_or("其他").to_owned()
            }
            (Dimension::Collective, None, _) => "无提成".to_owned(),
            (Dimension::LiveSession, None, _) => "非直播".to_owned(),
            (_, Some(id), _) => self
                .names
                .get(&(d, id))
                .cloned()
                .unwrap_or_else(|| format!("#{id}")),
            _ => "—".to_owned(),
        };
        DimensionValue {
            id,
            code: code.map(str::to_owned),
            label,
        }
    }
}

async fn names_of(
    db: &impl ConnectionTrait,
    d: Dimension,
    ids: Vec<i64>,
) -> AppResult<Vec<(i64, String)>> {
    Ok(match d {
        Dimension::Product => {
            id_names::<product::Entity>(db, product::Column::Id, product::Column::Name, ids).await?
        }
        Dimension::Grower => {
            id_names::<grower::Entity>(db, grower::Column::Id, grower::Column::Name, ids).await?
        }
        Dimension::Collective => {
            id_names::<collective::Entity>(
                db,
                collective::Column::Id,
                collective::Column::Name,
                ids,
            )
            .await?
        }
        Dimension::Buyer => {
            id_names::<buyer::Entity>(db, buyer::Column::Id, buyer::Column::Name, ids).await?
        }
        Dimension::LiveSession => {
            id_names::<live_session::Entity>(
                db,
                live_session::Column::Id,
                live_session::Column::Title,
                ids,
            )
            .await?
        }
        Dimension::Batch => {
            let rows: Vec<(i64, Option<String>, String)> = batch::Entity::find()
                .select_only()
                .column(batch::Column::Id)
                .column(batch::Column::Code)
                .column(product::Column::Name)
                .inner_join(product::Entity)
                .filter(batch::Column::Id.is_in(ids))
                .into_tuple()
                .all(db)
                .await?;
            rows.into_iter()
                .map(|(id, code, name)| {
                    let code = code.unwrap_or_else(|| format!("#{id}"));
                    (id, format!("{name} {code}"))
                })
                .collect()
        }
        Dimension::BuyerKind | Dimension::Channel | Dimension::Fulfilment => Vec::new(),
    })
}

/// `(id, name)` of the rows of `E` with these ids.
async fn id_names<E: EntityTrait>(
    db: &impl ConnectionTrait,
    id: E::Column,
    name: E::Column,
    ids: Vec<i64>,
) -> AppResult<Vec<(i64, String)>> {
    Ok(E::find()
        .select_only()
        .columns([id, name])
        .filter(id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?)
}
