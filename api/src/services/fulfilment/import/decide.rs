//! One row of a tracking file decided against what is stored and what earlier rows did, in
//! memory: applied with a plan, unchanged, or refused with its reason.

use super::Plan;
use super::known::Known;
use crate::domain::order_number;
use crate::domain::shipping::{carrier_code, tracking_number};
use crate::domain::tracking_file::Row;
use crate::dto::fulfilment::{ImportRow, RowResult};
use std::collections::HashMap;
use zhunong_entity::enums::{Fulfilment, OrderStatus, ParcelStatus};

fn refused(r: &Row, code: &str, reason: impl Into<String>) -> Box<ImportRow> {
    Box::new(ImportRow {
        line: r.line,
        order_number: r.order_number.clone(),
        tracking_no: r.tracking_no.clone(),
        result: RowResult::Refused,
        code: Some(code.to_owned()),
        reason: Some(reason.into()),
        parcel_id: None,
    })
}

pub(super) fn done(r: &Row, result: RowResult, parcel_id: Option<i64>) -> ImportRow {
    ImportRow {
        line: r.line,
        order_number: r.order_number.clone(),
        tracking_no: r.tracking_no.clone(),
        result,
        code: None,
        reason: None,
        parcel_id,
    }
}

/// Decides one row against what is stored and what earlier rows of the file did.
pub(super) fn decide(
    r: &Row,
    k: &Known,
    claimed: &HashMap<String, i64>,
    shipped_now: &HashMap<i64, String>,
) -> Result<(i64, String, Option<Plan>), Box<ImportRow>> {
    let number = order_number::parse(&r.order_number).ok_or_else(|| {
        refused(
            r,
            "unknown_order",
            format!("{:?} is not an order number", r.order_number),
        )
    })?;
    let tracking = tracking_number(&r.tracking_no).ok_or_else(|| {
        refused(
            r,
            "bad_tracking_no",
            "letters, digits and '-' only, at most 40",
        )
    })?;
    let carrier = if r.carrier.is_empty() {
        None
    } else {
        Some(
            carrier_code(&r.carrier)
                .ok_or_else(|| {
                    refused(
                        r,
                        "unknown_carrier",
                        format!("unknown carrier {:?}", r.carrier),
                    )
                })?
                .to_owned(),
        )
    };
    let o = k
        .orders
        .get(&number)
        .ok_or_else(|| refused(r, "unknown_order", format!("no order {}", r.order_number)))?;
    if o.fulfilment != Fulfilment::Parcel {
        return Err(refused(
            r,
            "not_a_parcel_order",
            format!("the order is a {} order", o.fulfilment.as_str()),
        ));
    }
    // The number is on a parcel of this order already, or taken by another order.
    let holder = k
        .by_tracking
        .get(&tracking)
        .and_then(|p| k.orders_in.get(p));
    if let Some(orders) = holder {
        return if orders.contains(&number) {
            Ok((number, tracking, None))
        } else {
            Err(refused(
                r,
                "tracking_number_taken",
                format!("{tracking} is on another order's parcel"),
            ))
        };
    }
    if let Some(other) = claimed.get(&tracking) {
        return if *other == number {
            Ok((number, tracking, None))
        } else {
            Err(refused(
                r,
                "tracking_number_taken",
                format!("{tracking} is on another row of this file"),
            ))
        };
    }
    if let Some(earlier) = shipped_now.get(&number) {
        return Err(refused(
            r,
            "already_shipped",
            format!("shipped by an earlier row with {earlier}"),
        ));
    }
    if o.status != OrderStatus::Weighed {
        let code = if matches!(o.status, OrderStatus::Pending | OrderStatus::Confirmed) {
            "not_weighed"
        } else {
            "already_shipped"
        };
        return Err(refused(
            r,
            code,
            format!("the order is {}", o.status.as_str()),
        ));
    }
    if o.weights_pending {
        return Err(refused(
            r,
            "weights_not_approved",
            "its weights need a secretary's approval",
        ));
    }
    let packed: Vec<i64> = k
        .parcels_of
        .get(&number)
        .into_iter()
        .flatten()
        .copied()
        .filter(|p| {
            k.parcels
                .get(p)
                .is_some_and(|p| p.status == ParcelStatus::Packed)
        })
        .collect();
    let loose = k.loose.get(&number).map_or(0, Vec::len);
    match (packed.as_slice(), loose) {
        ([], 0) => Err(refused(
            r,
            "nothing_to_ship",
            "no crate of the order is waiting",
        )),
        ([], _) => match carrier {
            Some(c) => Ok((
                number,
                tracking,
                Some(Plan::Pack {
                    order: number,
                    carrier: c,
                }),
            )),
            None => Err(refused(r, "unknown_carrier", "the row names no carrier")),
        },
        ([one], 0) if k.parcels.get(one).is_some_and(|p| p.tracking_no.is_none()) => Ok((
            number,
            tracking,
            Some(Plan::Ship {
                parcel: *one,
                carrier,
            }),
        )),
        _ => Err(refused(
            r,
            "several_parcels",
            "the order has several parcels or crates still loose: ship them at the station",
        )),
    }
}
