//! One generated order: its lines, weighing, and for a settled one its payment and ledger
//! postings.

use super::catalog::Catalog;
use super::*;
use crate::domain::units::Fen;

pub(super) struct OrderSeed {
    pub(super) id: i64,
    pub(super) date: NaiveDate,
    pub(super) session: Option<i64>,
    pub(super) line_count: u64,
    pub(super) today: NaiveDate,
    pub(super) actor: i64,
    pub(super) offset: chrono::FixedOffset,
}

pub(super) struct Generated {
    pub(super) enterprise: bool,
    pub(super) order: order::Model,
    pub(super) lines: Vec<order_line::Model>,
    pub(super) payment: Option<payment::ActiveModel>,
    pub(super) txn: Option<ledger_transaction::ActiveModel>,
    pub(super) entries: Vec<ledger_entry::ActiveModel>,
    pub(super) tickets: Vec<zhunong_entity::weigh_ticket::ActiveModel>,
}

pub(super) fn one_order(
    rng: &mut Rng,
    c: &Catalog,
    s: OrderSeed,
    next_line: &mut i64,
    next_txn: &mut i64,
    taken: &mut HashMap<i64, i64>,
) -> anyhow::Result<Generated> {
    let live = s.session.is_some() && rng.chance(70);
    let enterprise = !live && !c.enterprises.is_empty() && rng.chance(10);
    let channel = match (live, enterprise) {
        (true, _) => Channel::Livestream,
        (false, true) => Channel::PartnerApi,
        _ => [Channel::Phone, Channel::WalkIn, Channel::Expo]
            [usize::try_from(rng.range(0, 2)).unwrap_or(0)],
    };
    let pick = |rng: &mut Rng, ids: &[i64]| {
        ids.get(usize::try_from(rng.next() % ids.len().max(1) as u64).unwrap_or(0))
            .copied()
    };
    let buyer_id = if enterprise {
        pick(rng, &c.enterprises)
    } else {
        pick(rng, &c.individuals)
    }
    .ok_or_else(|| anyhow::anyhow!("the catalog has no buyers"))?;
    let placed = local_time(
        s.date,
        u32::try_from(if live {
            rng.range(19, 21)
        } else {
            rng.range(8, 21)
        })
        .unwrap_or(9),
        u32::try_from(rng.range(0, 59)).unwrap_or(0),
        s.offset,
    );
    let age = (s.today - s.date).num_days();
    let cancelled = rng.chance(5);
    let weighed = !cancelled && (age > 3 || rng.chance(50));
    let settled = weighed && age > 30 && rng.chance(90);
    let in_season: Vec<usize> = (0..c.products.len())
        .filter(|p| !c.products[*p].seasonal || is_grape_month(s.date))
        .collect();
    let mut lines = Vec::new();
    // The product index of each line, for its commission rule at settlement.
    let mut line_products = Vec::new();
    for no in 0..s.line_count {
        let p = in_season[usize::try_from(rng.next() % in_season.len() as u64).unwrap_or(0)];
        // This month's batches of the product, else the latest before.
        let month_start =
            NaiveDate::from_ymd_opt(s.date.year(), s.date.month(), 1).unwrap_or(s.date);
        let options: Vec<&(i64, NaiveDate, i64)> =
            c.batches[p].iter().filter(|b| b.1 == month_start).collect();
        let &(batch_id, _, retail) = *options
            .get(usize::try_from(rng.next() % options.len().max(1) as u64).unwrap_or(0))
            .or(c.batches[p].last().as_ref())
            .ok_or_else(|| anyhow::anyhow!("no batch of product {p}"))?;
        let by_weight = c.products[p].by_weight;
        let unit_price = if live {
            retail * 9 / 10
        } else if enterprise {
            retail * 4 / 5
        } else {
            retail
        };
        let quantity = match (by_weight, enterprise) {
            (true, true) => rng.range(40, 400) * 500,
            (true, false) => rng.range(2, 20) * 500,
            (false, true) => rng.range(20, 100),
            (false, false) => rng.range(1, 5),
        };
        let pricing = if by_weight {
            Pricing::ByWeight
        } else {
            Pricing::ByPiece
        };
        let amount = line_amount_fen(pricing, quantity, Fen::new(unit_price))
            .map(Fen::get)
            .ok_or_else(|| anyhow::anyhow!("line amount overflows"))?;
        let (weighed_g, final_amount) = if weighed {
            if by_weight {
                let w = quantity * rng.range(960, 1_020) / 1_000;
                (
                    Some(w),
                    line_amount_fen(pricing, w, Fen::new(unit_price)).map(Fen::get),
                )
            } else {
                (Some(quantity * rng.range(2_400, 2_600)), Some(amount))
            }
        } else {
            (None, None)
        };
        let holds = if by_weight {
            weighed_g.unwrap_or(quantity)
        } else {
            quantity
        };
        if !cancelled {
            *taken.entry(batch_id).or_default() += holds;
        }
        let (rule_id, bp, shares) = &c.rules[p];
        line_products.push(p);
        lines.push(order_line::Model {
            id: *next_line,
            order_id: s.id,
            line_no: i32::try_from(no + 1).unwrap_or(1),
            batch_id,
            quantity,
            unit_price_fen: unit_price,
            amount_fen: amount,
            weighed_g,
            final_amount_fen: final_amount,
            flagged: false,
            weighing_completed_at: weighed.then(|| placed + Duration::days(1)),
            // As weighing leaves it: what was taken beyond the order, or (negative) the
            // shortfall a completed line gave back.
            stock_beyond_order: if by_weight { holds - quantity } else { 0 },
            commission_rule_id: Some(*rule_id),
            commission_bp: Some(*bp),
            commission_fen_per_jin: Some(0),
            commission_shares: Some(shares.clone()),
            fixed_amount: false,
        });
        *next_line += 1;
    }
    let total: i64 = lines.iter().map(|l| l.amount_fen).sum();
    let final_total: Option<i64> = weighed.then(|| {
        lines
            .iter()
            .map(|l| crate::domain::money::line_due_fen(l).get())
            .sum()
    });
    let now = Utc::now();
    let settled_at = settled.then(|| (placed + Duration::days(rng.range(3, 10))).min(now));
    let status = match (cancelled, settled, weighed) {
        (true, _, _) => OrderStatus::Cancelled,
        (_, true, _) => OrderStatus::Settled,
        (_, _, true) if age > 7 => OrderStatus::Delivered,
        (_, _, true) => OrderStatus::Weighed,
        _ if age > 1 => OrderStatus::Confirmed,
        _ => OrderStatus::Pending,
    };
    let paid = if settled {
        final_total.unwrap_or(total)
    } else {
        0
    };
    let mut g = Generated {
        enterprise,
        order: order::Model {
            id: s.id,
            buyer_id,
            channel,
            status,
            payment_status: if settled {
                PaymentStatus::Paid
            } else {
                PaymentStatus::Unpaid
            },
            total_fen: total,
            note: None,
            created_by: s.actor,
            created_at: placed,
            updated_at: settled_at.unwrap_or(placed),
            confirmed_at: (status != OrderStatus::Pending).then_some(placed),
            cancelled_at: cancelled.then_some(placed + Duration::hours(1)),
            final_total_fen: final_total,
            weights_flagged: false,
            weights_approved_by: None,
            weights_approved_at: None,
            weights_approval_reason: None,
            load_id: None,
            delivered_at: matches!(status, OrderStatus::Delivered | OrderStatus::Settled)
                .then_some(placed + Duration::days(2)),
            paid_fen: paid,
            settlement_transaction_id: None,
            settled_at,
            live_session_id: if live { s.session } else { None },
            weighed_revision: i32::from(weighed),
            fulfilment: zhunong_entity::enums::Fulfilment::Load,
            pickup_point_id: None,
            platform_fees_fen: 0,
            fees_reduce_commission_base: None,
            pickup_code: None,
            pickup_failures: 0,
            pickup_locked_until: None,
            picked_up_at: None,
            shipped_at: None,
            view_token: None,
        },
        tickets: lines
            .iter()
            .flat_map(|l| super::tickets::for_line(l, s.actor, placed + Duration::days(1)))
            .collect(),
        lines,
        payment: None,
        txn: None,
        entries: Vec::new(),
    };
    if let Some(at) = settled_at {
        g.payment = Some(payment::ActiveModel {
            order_id: Set(s.id),
            amount_fen: Set(paid),
            method: Set(PaymentMethod::WechatPay),
            reference: Set(None),
            reason: Set(None),
            paid_at: Set(at),
            recorded_by: Set(s.actor),
            created_at: Set(at),
            ..Default::default()
        });
        let settle_lines: Vec<SettleLine> = g
            .lines
            .iter()
            .zip(&line_products)
            .map(|(l, p)| SettleLine {
                grower_id: c.batch_info[&l.batch_id].grower_id,
                amount_fen: crate::domain::money::line_due_fen(l).get(),
                quantity_g: l.weighed_g.unwrap_or(0),
                basis_points: l.commission_bp.unwrap_or(0),
                fen_per_jin: 0,
                shares: c.rules[*p]
                    .2
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|s| {
                                (
                                    s["collective_id"].as_i64().unwrap_or(0),
                                    s["shares"].as_u64().unwrap_or(1),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                // Generated orders carry no platform fees.
                fees_fen: 0,
            })
            .collect();
        let day = at.with_timezone(&s.offset).date_naive();
        let txn = *next_txn;
        *next_txn += 1;
        g.txn = Some(ledger_transaction::ActiveModel {
            id: Set(txn),
            kind: Set(TransactionKind::Settlement),
            order_id: Set(Some(s.id)),
            reverses_id: Set(None),
            description: Set(format!(
                "结算 {}",
                crate::domain::order_number::format(s.id)
            )),
            occurred_on: Set(day),
            created_by: Set(s.actor),
            created_at: Set(at),
        });
        let period = day.year() * 100 + day.month().cast_signed();
        for p in postings(&settle_lines).ok_or_else(|| anyhow::anyhow!("settlement overflows"))? {
            let kind: EntryKind = entry_kind(p.leg);
            g.entries.push(ledger_entry::ActiveModel {
                transaction_id: Set(txn),
                account: Set(p.account.name()),
                entry_kind: Set(kind),
                collective_id: Set(match p.account {
                    Account::Collective(id) => Some(id),
                    _ => None,
                }),
                grower_id: Set(match p.account {
                    Account::Grower(id) => Some(id),
                    _ => None,
                }),
                category: Set(
                    (kind == EntryKind::Commission).then_some(IncomeCategory::SalesCommission)
                ),
                amount_fen: Set(p.amount_fen),
                quantity_g: Set(p.quantity_g),
                occurred_on: Set(day),
                period: Set(period),
                ..Default::default()
            });
        }
    }
    Ok(g)
}
