use super::*;
use serde_json::json;

fn names() -> Names {
    let mut n = Names::default();
    n.users.insert(1, "张会计".into());
    n.users.insert(2, "李站长".into());
    n.order_buyers.insert(7, "王五".into());
    n.lines.insert(
        30,
        LineOf {
            order_id: 7,
            batch_id: 44,
        },
    );
    n.batches.insert(
        44,
        BatchName {
            label: "巨峰葡萄 A批".into(),
            piece_unit: None,
        },
    );
    n.batches.insert(
        45,
        BatchName {
            label: "土鸡蛋 一号".into(),
            piece_unit: Some("箱".into()),
        },
    );
    n.growers.insert(3, "赵大爷".into());
    n.loads.insert(9, "皖S·12345".into());
    n
}

fn say(
    actor: i64,
    action: &str,
    entity: &str,
    id: i64,
    before: Option<Value>,
    after: Option<Value>,
) -> String {
    // A name that is no action or entity reads as itself, so the assertion on it fails.
    let (Ok(action), Ok(entity)) = (
        serde_json::from_value::<AuditAction>(Value::from(action)),
        serde_json::from_value::<AuditEntity>(Value::from(entity)),
    ) else {
        return format!("no such action or entity: {action} on {entity}");
    };
    let r = Record {
        actor: Some(actor),
        action,
        entity,
        entity_id: id,
        before: before.as_ref(),
        after: after.as_ref(),
    };
    sentence(&r, &names())
}

#[test]
fn weighing_reads_in_jin_and_yuan_with_names() {
    let s = say(
        2,
        "weigh",
        "order_line",
        30,
        Some(json!({"weighed_g": null, "final_amount_fen": null, "flagged": false})),
        Some(
            json!({"line": {"weighed_g": 4830, "final_amount_fen": 4830, "flagged": false}, "tickets": [1, 2]}),
        ),
    );
    assert_eq!(
        s,
        "李站长为订单 ZN000007（王五）的批次「巨峰葡萄 A批」称重 2 筐：称重 9.66 斤，金额 48.30 元"
    );
}

#[test]
fn stock_reads_in_the_batch_unit_with_the_reason() {
    let s = say(
        1,
        "adjust_stock",
        "batch",
        44,
        Some(json!({"stock_qty": 4830})),
        Some(json!({"stock_qty": 504830, "reason": "补录入库"})),
    );
    assert_eq!(
        s,
        "张会计调整了批次「巨峰葡萄 A批」的库存：9.66 斤 → 1009.66 斤，原因：补录入库"
    );
    let s = say(
        1,
        "adjust_stock",
        "batch",
        45,
        Some(json!({"stock_qty": 3})),
        Some(json!({"stock_qty": 5})),
    );
    assert!(s.ends_with("3 箱 → 5 箱"), "{s}");
}

#[test]
fn money_entries_name_the_order_grower_and_method() {
    let s = say(
        1,
        "record_payment",
        "order",
        7,
        None,
        Some(
            json!({"amount_fen": 9660, "method": "wechat_pay", "paid_fen": 9660, "due_fen": 9660}),
        ),
    );
    assert_eq!(
        s,
        "张会计为订单 ZN000007（王五）登记收款 96.60 元（微信支付），已收 96.60 元 / 应收 96.60 元"
    );
    let s = say(
        1,
        "payout",
        "grower",
        3,
        None,
        Some(json!({"amount_fen": 50000, "method": "cash"})),
    );
    assert_eq!(s, "张会计付款给种植户「赵大爷」500.00 元（现金）");
    let s = say(
        1,
        "settle_order",
        "order",
        7,
        None,
        Some(json!({"amount_fen": 9660, "trigger": "payment"})),
    );
    assert!(
        s.contains("结算了订单 ZN000007（王五），金额 96.60 元（收齐款后自动结算）"),
        "{s}"
    );
}

#[test]
fn field_changes_use_chinese_labels_and_hide_unknown_fields() {
    let s = say(
        1,
        "update_user",
        "user",
        2,
        Some(json!({"role": "station", "active": true, "token_version": 3})),
        Some(json!({"role": "helper", "active": false, "token_version": 4})),
    );
    assert_eq!(
        s,
        "张会计修改了账号「李站长」：角色 称重站 → 直播助手，可登录 是 → 否"
    );
}

#[test]
fn nothing_unknown_reads_as_an_id_or_english() {
    let s = say(
        5,
        "add_to_load",
        "load",
        99,
        None,
        Some(json!({"order_id": 8, "net_g": 500})),
    );
    assert_eq!(s, "系统把订单 ZN000008装上一辆车，净重 1.00 斤");
}

#[test]
fn every_action_reads_as_chinese_even_with_nothing_recorded() {
    use sea_orm::Iterable;
    for action in AuditAction::iter() {
        for entity in AuditEntity::iter() {
            let r = Record {
                actor: Some(1),
                action,
                entity,
                entity_id: 1,
                before: None,
                after: None,
            };
            let s = sentence(&r, &names());
            assert!(s.starts_with("张会计"), "{action:?} on {entity:?}: {s}");
            assert!(
                !s.chars().any(|c| c.is_ascii_lowercase()),
                "{action:?} on {entity:?} reads with English or a code: {s}"
            );
        }
    }
}

#[test]
fn wanted_collects_ids_from_entities_and_payloads() {
    let after = json!({"order_id": 8});
    let r = Record {
        actor: Some(1),
        action: AuditAction::AddToLoad,
        entity: AuditEntity::Load,
        entity_id: 9,
        before: None,
        after: Some(&after),
    };
    let w = wanted([&r]);
    assert_eq!(w.loads, vec![9]);
    assert_eq!(w.orders, vec![8]);
    assert_eq!(w.users, vec![1]);
}

#[test]
fn a_featured_batch_changed_during_a_show_reads_with_its_price_limit_and_sale() {
    let s = say(
        1,
        "update_featured",
        "live_session",
        3,
        Some(
            json!({"batch_id": 45, "live_price_fen": 3000, "per_buyer_limit": 2, "on_sale": true}),
        ),
        Some(
            json!({"batch_id": 45, "live_price_fen": 2500, "per_buyer_limit": null, "on_sale": false}),
        ),
    );
    assert_eq!(
        s,
        "张会计修改了直播中的批次「土鸡蛋 一号」：直播价 30.00 元 → 25.00 元，每人限购 2 箱 → 不限，在售 是 → 否"
    );
}
