//! Matching a bill's lines to the books, and the class each ends in. Pure rules: the services
//! load the books and write the outcome.

use super::BillLine;
use chrono::{DateTime, Utc};
use zhunong_entity::enums::BillClass;

/// How far apart a bill line and a payment may be and still be taken as one, when no number
/// ties them: the secretary sets both per bill.
#[derive(Debug, Clone, Copy)]
pub struct Tolerance {
    pub minutes: i64,
    pub fen: i64,
}

/// A payment or refund in the books, as a payment bill is matched against it.
#[derive(Debug, Clone)]
pub struct BookPayment {
    pub id: i64,
    pub order_id: i64,
    pub order_number: String,
    pub amount_fen: i64,
    pub at: DateTime<Utc>,
    pub reference: Option<String>,
}

/// Which payment a line was matched to, and whether a number tied them (then amounts may differ,
/// and say so) or only amount and time did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentMatch {
    pub payment: usize,
    pub by_number: bool,
}

/// Matches each line of a payment bill to at most one payment, and each payment to at most one
/// line: first by number (the payment's reference is the platform's id, the merchant's order
/// or refund number; or a payment's order number is the merchant order number), then by amount
/// and time within `tol`, nearest in time first. A refund matches only a refund.
pub fn match_payments(
    lines: &[BillLine],
    books: &[BookPayment],
    tol: Tolerance,
) -> Vec<Option<PaymentMatch>> {
    let mut taken = vec![false; books.len()];
    let mut out = vec![None; lines.len()];
    for (i, line) in lines.iter().enumerate() {
        let numbers: Vec<&str> = [
            Some(line.platform_ref.as_str()),
            line.merchant_ref.as_deref().filter(|_| !line.is_refund()),
            line.refund_ref.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        let found = books.iter().enumerate().find(|(j, p)| {
            !taken[*j]
                && (p.amount_fen < 0) == line.is_refund()
                && (p.reference.as_deref().is_some_and(|r| numbers.contains(&r))
                    || (!line.is_refund()
                        && line.merchant_ref.as_deref() == Some(p.order_number.as_str())))
        });
        if let Some((j, _)) = found {
            taken[j] = true;
            out[i] = Some(PaymentMatch {
                payment: j,
                by_number: true,
            });
        }
    }
    for (i, line) in lines.iter().enumerate() {
        if out[i].is_some() {
            continue;
        }
        let nearest = books
            .iter()
            .enumerate()
            .filter(|(j, p)| {
                !taken[*j]
                    && (p.amount_fen - line.amount_fen).abs() <= tol.fen
                    && (p.at - line.at).num_minutes().abs() <= tol.minutes
            })
            .min_by_key(|(_, p)| (p.at - line.at).num_seconds().abs());
        if let Some((j, _)) = nearest {
            taken[j] = true;
            out[i] = Some(PaymentMatch {
                payment: j,
                by_number: false,
            });
        }
    }
    out
}

/// The class of a matched pair: the same amount within the tolerance, or not.
pub fn class_of(bill_fen: i64, books_fen: i64, tol: Tolerance) -> BillClass {
    if (bill_fen - books_fen).abs() <= tol.fen {
        BillClass::Matched
    } else {
        BillClass::AmountDiffers
    }
}

/// The class of a shop order in a settlement bill. The platform settles what the order was
/// worth when it settled; a refund the books recorded after that time explains a difference of
/// exactly its amount (the platform takes it back later).
pub fn shop_order_class(
    bill_fen: i64,
    books_fen: i64,
    refunded_after_fen: i64,
    tol: Tolerance,
) -> BillClass {
    if refunded_after_fen > 0 && (bill_fen - (books_fen + refunded_after_fen)).abs() <= tol.fen {
        BillClass::RefundedAfterSettlement
    } else {
        class_of(bill_fen, books_fen, tol)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(min: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0)
            .single()
            .unwrap_or_default()
            + chrono::Duration::minutes(min)
    }

    fn line(platform: &str, merchant: Option<&str>, fen: i64, min: i64) -> BillLine {
        BillLine {
            row: 2,
            platform_ref: platform.into(),
            merchant_ref: merchant.map(Into::into),
            refund_ref: None,
            at: t(min),
            ordered_at: None,
            amount_fen: fen,
            fee_fen: 0,
            subsidy_fen: 0,
        }
    }

    fn paid(id: i64, fen: i64, min: i64, reference: Option<&str>) -> BookPayment {
        BookPayment {
            id,
            order_id: id,
            order_number: format!("ZN{id}"),
            amount_fen: fen,
            at: t(min),
            reference: reference.map(Into::into),
        }
    }

    const TOL: Tolerance = Tolerance {
        minutes: 30,
        fen: 0,
    };

    #[test]
    fn numbers_first_then_nearest_amount_and_time_each_payment_once() {
        let lines = [
            line("4200001", None, 1_000, 0),
            line("4200002", Some("ZN3"), 2_500, 0),
            line("4200003", None, 1_000, 5),
            line("4200004", None, 1_000, 100),
        ];
        let books = [
            paid(1, 1_000, 20, None),
            paid(2, 1_000, 4, None),
            paid(3, 2_000, 0, None),
            paid(4, 1_200, 0, Some("4200001")),
        ];
        let got = match_payments(&lines, &books, TOL);
        let ids: Vec<Option<(i64, bool)>> = got
            .iter()
            .map(|m| m.map(|m| (books[m.payment].id, m.by_number)))
            .collect();
        assert_eq!(
            ids,
            vec![Some((4, true)), Some((3, true)), Some((2, false)), None]
        );
        assert_eq!(class_of(1_000, 1_200, TOL), BillClass::AmountDiffers);
        assert_eq!(class_of(2_000, 2_000, TOL), BillClass::Matched);
    }

    #[test]
    fn a_refund_after_settlement_explains_exactly_its_amount() {
        assert_eq!(
            shop_order_class(5_000, 3_000, 2_000, TOL),
            BillClass::RefundedAfterSettlement
        );
        assert_eq!(
            shop_order_class(5_000, 3_000, 1_000, TOL),
            BillClass::AmountDiffers
        );
        assert_eq!(shop_order_class(5_000, 5_000, 0, TOL), BillClass::Matched);
    }
}
