//! Pure business rules: money and rounding, order status transitions, order numbers. Nothing
//! here touches the database or HTTP; each rule is unit-tested beside its code.

pub mod address;
pub mod audit_text;
pub mod backup_keep;
pub mod bills;
pub mod books;
pub mod caller;
pub mod commission;
pub mod format;
pub mod labels;
pub mod money;
pub mod order_number;
pub mod order_status;
pub mod periods;
pub mod photos;
pub mod robots;
pub mod sales;
pub mod settlement;
pub mod shipping;
pub mod shop_export;
pub mod table_file;
pub mod trace;
pub mod tracking_file;
pub mod units;
pub mod weighing;
