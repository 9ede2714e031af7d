//! Deciding what each order of a shop export does, from the file and what is stored: create it,
//! refund or cancel what the shop says was refunded or closed, leave it, skip it, or refuse it
//! with the reason. The same plan serves the preview and the commit, so a preview says what a
//! commit would do (stock is counted down as the plan goes, in file order).

use crate::domain::shop_export::values::{AfterSale, ShopState};
use crate::domain::shop_export::{Refusal, ShopRow};
use crate::services::shop::skus::Target;
use std::collections::{BTreeMap, HashMap};
use zhunong_entity::enums::OrderStatus;

/// One order of the file: its rows, in file order.
pub struct FileOrder {
    pub platform_id: String,
    pub rows: Vec<ShopRow>,
}

/// Groups readable rows by 主订单编号, keeping the order in which orders first appear; a row
/// refused on reading refuses its whole order. An order met in an earlier part of the file
/// (`seen`) is refused: the shop's exports keep an order's rows together, and its first rows
/// were decided already.
pub fn group(
    rows: Vec<Result<ShopRow, Refusal>>,
    seen: &std::collections::HashSet<String>,
) -> (Vec<FileOrder>, Vec<Refusal>) {
    let mut orders: Vec<FileOrder> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut refused = Vec::new();
    for r in rows {
        match r {
            Ok(row) => match at.get(&row.order_id) {
                Some(&i) => orders[i].rows.push(row),
                None => {
                    at.insert(row.order_id.clone(), orders.len());
                    orders.push(FileOrder {
                        platform_id: row.order_id.clone(),
                        rows: vec![row],
                    });
                }
            },
            Err(e) => refused.push(e),
        }
    }
    // An order with a refused row is refused whole: half an order is worse than none.
    let bad: std::collections::HashSet<&str> =
        refused.iter().map(|r| r.order_id.as_str()).collect();
    let apart = "这张订单的行在文件里没有挨在一起：请按主订单编号排序后再导入";
    let (keep, drop): (Vec<FileOrder>, Vec<FileOrder>) = orders
        .into_iter()
        .partition(|o| !bad.contains(o.platform_id.as_str()) && !seen.contains(&o.platform_id));
    for o in drop {
        for r in o.rows {
            let reason = if seen.contains(&r.order_id) {
                apart
            } else {
                "同一订单的其他行有错误"
            };
            refused.push(Refusal {
                line: r.line,
                order_id: r.order_id,
                reason: reason.into(),
            });
        }
    }
    (keep, refused)
}

/// An imported order as stored: ours, and its lines by 子订单编号.
pub struct Stored {
    pub order_id: i64,
    pub status: OrderStatus,
    pub paid_fen: i64,
    /// 子订单编号 → (line id, what the line is due, refunded so far).
    pub lines: HashMap<String, (i64, i64, i64)>,
}

/// A line to create.
pub struct NewLine {
    pub batch_id: i64,
    pub quantity: i64,
}

/// What one order does.
pub enum Plan {
    /// Create the order from `rows` (those not refunded before it was ever imported), one line
    /// each.
    Create {
        rows: Vec<ShopRow>,
        lines: Vec<NewLine>,
        live_session_id: Option<i64>,
    },
    /// Refund these lines, and cancel the order if the shop closed it.
    Change {
        order_id: i64,
        refunds: Vec<Refund>,
        cancel: bool,
    },
    Unchanged {
        order_id: i64,
    },
    Skip(String),
    Refuse(String),
}

/// A live show: its id, when it started, and when it ended (none while still live).
pub type Show = (
    i64,
    chrono::DateTime<chrono::Utc>,
    Option<chrono::DateTime<chrono::Utc>>,
);

/// A line to refund: our line, its 子订单编号, and how much.
pub struct Refund {
    pub line_id: i64,
    pub sub_order_id: String,
    pub fen: i64,
}

/// What the plan reads besides the file.
pub struct Known<'a> {
    pub targets: &'a HashMap<String, Target>,
    /// Each target batch's stock and whether it is open.
    pub stock: &'a mut HashMap<i64, (i64, bool)>,
    /// Live shows: id, start, end (open while still live).
    pub shows: &'a [Show],
}

/// The states an order can still be cancelled from (before it is on a truck or with a courier).
const CANCELLABLE: [OrderStatus; 3] = [
    OrderStatus::Pending,
    OrderStatus::Confirmed,
    OrderStatus::Weighed,
];

/// Decides `order` given what is `stored` of it.
pub fn decide(order: &FileOrder, stored: Option<&Stored>, known: &mut Known<'_>) -> Plan {
    let first = &order.rows[0];
    match stored {
        None => create(order, known),
        Some(s) => change(order, first.state, s),
    }
}

fn create(order: &FileOrder, known: &mut Known<'_>) -> Plan {
    let first = &order.rows[0];
    match first.state {
        ShopState::Unpaid => return Plan::Skip("未支付，不导入".into()),
        ShopState::Closed => return Plan::Skip("已关闭，从未导入，不占库存".into()),
        ShopState::Paid => {}
    }
    if let Some(twice) = repeated_sub_order(order) {
        return Plan::Refuse(format!("子订单编号 {twice} 在这张订单里出现了两次"));
    }
    // A line refunded before the order was ever imported is not sold: it takes no stock and is
    // not written (the later exports' 退款成功 on it then changes nothing).
    let kept: Vec<ShopRow> = order
        .rows
        .iter()
        .filter(|r| r.after_sale != AfterSale::Refunded)
        .cloned()
        .collect();
    if kept.is_empty() {
        return Plan::Skip("已全额退款，不导入".into());
    }
    let mut lines = Vec::with_capacity(kept.len());
    let mut needs: BTreeMap<i64, i64> = BTreeMap::new();
    for r in &kept {
        let Some(t) = known.targets.get(&r.sku_code) else {
            return Plan::Refuse(format!("商家编码「{}」还没有对应的批次", r.sku_code));
        };
        let Some(quantity) = r.items.checked_mul(t.units_per_item) else {
            return Plan::Refuse("数量太大".into());
        };
        *needs.entry(t.batch_id).or_default() += quantity;
        lines.push(NewLine {
            batch_id: t.batch_id,
            quantity,
        });
    }
    for (batch, need) in &needs {
        let (have, open) = known.stock.get(batch).copied().unwrap_or((0, false));
        if !open {
            return Plan::Refuse(format!("批次 {batch} 已关闭，不能再卖"));
        }
        if have < *need {
            return Plan::Refuse(format!("库存不足：批次 {batch} 还差 {}", need - have));
        }
    }
    for (batch, need) in &needs {
        if let Some(s) = known.stock.get_mut(batch) {
            s.0 -= need;
        }
    }
    let live_session_id = first.paid_at.filter(|_| first.live).and_then(|t| {
        known
            .shows
            .iter()
            .find(|(_, start, end)| *start <= t && end.is_none_or(|e| t <= e))
            .map(|(id, _, _)| *id)
    });
    Plan::Create {
        rows: kept,
        lines,
        live_session_id,
    }
}

/// A 子订单编号 the order has twice (a row repeated, or rows without 子订单编号 in a 子订单 export).
fn repeated_sub_order(order: &FileOrder) -> Option<&str> {
    let mut seen = std::collections::HashSet::new();
    order
        .rows
        .iter()
        .map(|r| r.sub_order_id.as_str())
        .find(|id| !seen.insert(*id))
}

fn change(order: &FileOrder, state: ShopState, s: &Stored) -> Plan {
    for r in &order.rows {
        // A line refunded before its order was imported was never written.
        if !s.lines.contains_key(&r.sub_order_id) && r.after_sale != AfterSale::Refunded {
            return Plan::Refuse(format!(
                "订单已导入，但文件里多了子订单 {}，无法追加",
                r.sub_order_id
            ));
        }
    }
    let cancelled = s.status == OrderStatus::Cancelled;
    match (state, cancelled) {
        (ShopState::Closed, true) => {
            return Plan::Unchanged {
                order_id: s.order_id,
            };
        }
        (ShopState::Closed, false) if !CANCELLABLE.contains(&s.status) => {
            return Plan::Refuse(format!(
                "抖店里已关闭，但本系统里这张订单已{}，不能再取消：请按售后处理",
                crate::domain::labels::Label::label(s.status)
            ));
        }
        (ShopState::Closed, false) => {
            // Everything still paid goes back, every line of the order (whether or not the file
            // lists it), then the order is cancelled.
            let mut lines: Vec<(&String, &(i64, i64, i64))> = s.lines.iter().collect();
            lines.sort_by_key(|(_, (line, _, _))| *line);
            let mut refunds = Vec::new();
            let mut left = s.paid_fen;
            for (sub, &(line, due, refunded)) in lines {
                let back = (due - refunded).min(left).max(0);
                if back > 0 {
                    refunds.push(Refund {
                        line_id: line,
                        sub_order_id: sub.clone(),
                        fen: back,
                    });
                    left -= back;
                }
            }
            return Plan::Change {
                order_id: s.order_id,
                refunds,
                cancel: true,
            };
        }
        (_, true) => {
            return Plan::Refuse(format!(
                "本系统里这张订单已取消，抖店里仍是「{}」",
                order.rows[0].state_word
            ));
        }
        _ => {}
    }
    let refunds: Vec<Refund> = order
        .rows
        .iter()
        .filter(|r| r.after_sale == AfterSale::Refunded)
        .filter_map(|r| {
            let &(line, due, refunded) = s.lines.get(&r.sub_order_id)?;
            (refunded == 0 && due > 0).then(|| Refund {
                line_id: line,
                sub_order_id: r.sub_order_id.clone(),
                fen: due,
            })
        })
        .collect();
    if refunds.is_empty() {
        Plan::Unchanged {
            order_id: s.order_id,
        }
    } else {
        Plan::Change {
            order_id: s.order_id,
            refunds,
            cancel: false,
        }
    }
}
