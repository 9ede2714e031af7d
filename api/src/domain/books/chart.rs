//! The charts of accounts built in: the 2023 system for collective economic organisations
//! (财会〔2023〕14号, in force since 2024-01-01, 42 accounts) and the 2004 system for village
//! collectives (财会〔2004〕12号), which many county 三资 platforms still use. Each account has its
//! code, name, class and normal balance side; the contra accounts (累计折旧 and the like) stand
//! on the credit side though they are listed with the assets.
//!
//! The 2004 chart was read from the system's own text. The 2023 chart's count (42) is the
//! Ministry's; its codes follow the published tables, which agree with the accounts the Ministry
//! named as added, merged and removed.

use zhunong_entity::enums::Chart;

/// Where an account stands in the statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountClass {
    /// 资产类
    Asset,
    /// 负债类
    Liability,
    /// 所有者权益类
    Equity,
    /// 成本类
    Cost,
    /// 损益类
    ProfitLoss,
}

impl AccountClass {
    pub fn label(self) -> &'static str {
        match self {
            Self::Asset => "资产类",
            Self::Liability => "负债类",
            Self::Equity => "所有者权益类",
            Self::Cost => "成本类",
            Self::ProfitLoss => "损益类",
        }
    }
}

/// The side an account's balance normally stands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Debit,
    Credit,
}

impl Side {
    pub fn label(self) -> &'static str {
        match self {
            Self::Debit => "借",
            Self::Credit => "贷",
        }
    }
}

/// One account of a chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartAccount {
    pub code: &'static str,
    pub name: &'static str,
    pub class: AccountClass,
    pub side: Side,
}

const fn acc(
    code: &'static str,
    name: &'static str,
    class: AccountClass,
    side: Side,
) -> ChartAccount {
    ChartAccount {
        code,
        name,
        class,
        side,
    }
}

use AccountClass::{Asset, Cost, Equity, Liability, ProfitLoss};
use Side::{Credit, Debit};

/// 财会〔2023〕14号《农村集体经济组织会计制度》.
const CAC2023: [ChartAccount; 42] = [
    acc("101", "库存现金", Asset, Debit),
    acc("102", "银行存款", Asset, Debit),
    acc("111", "短期投资", Asset, Debit),
    acc("112", "应收款", Asset, Debit),
    acc("113", "内部往来", Asset, Debit),
    acc("121", "库存物资", Asset, Debit),
    acc("131", "消耗性生物资产", Asset, Debit),
    acc("132", "生产性生物资产", Asset, Debit),
    acc("133", "生产性生物资产累计折旧", Asset, Credit),
    acc("134", "公益性生物资产", Asset, Debit),
    acc("141", "长期投资", Asset, Debit),
    acc("151", "固定资产", Asset, Debit),
    acc("152", "累计折旧", Asset, Credit),
    acc("153", "在建工程", Asset, Debit),
    acc("154", "固定资产清理", Asset, Debit),
    acc("161", "无形资产", Asset, Debit),
    acc("162", "累计摊销", Asset, Credit),
    acc("171", "长期待摊费用", Asset, Debit),
    acc("181", "待处理财产损溢", Asset, Debit),
    acc("201", "短期借款", Liability, Credit),
    acc("211", "应付款", Liability, Credit),
    acc("212", "应付工资", Liability, Credit),
    acc("213", "应付劳务费", Liability, Credit),
    acc("214", "应交税费", Liability, Credit),
    acc("221", "长期借款及应付款", Liability, Credit),
    acc("231", "一事一议资金", Liability, Credit),
    acc("241", "专项应付款", Liability, Credit),
    acc("301", "资本", Equity, Credit),
    acc("311", "公积公益金", Equity, Credit),
    acc("321", "本年收益", Equity, Credit),
    acc("322", "收益分配", Equity, Credit),
    acc("401", "生产（劳务）成本", Cost, Debit),
    acc("501", "经营收入", ProfitLoss, Credit),
    acc("502", "投资收益", ProfitLoss, Credit),
    acc("503", "补助收入", ProfitLoss, Credit),
    acc("504", "其他收入", ProfitLoss, Credit),
    acc("511", "经营支出", ProfitLoss, Debit),
    acc("512", "税金及附加", ProfitLoss, Debit),
    acc("513", "管理费用", ProfitLoss, Debit),
    acc("514", "公益支出", ProfitLoss, Debit),
    acc("515", "其他支出", ProfitLoss, Debit),
    acc("521", "所得税费用", ProfitLoss, Debit),
];

/// 财会〔2004〕12号《村集体经济组织会计制度》: its 33 accounts, and the three it lets a village
/// add (161 无形资产, 171 拨付所属单位资金, 241 专项应付款).
const CAC2004: [ChartAccount; 36] = [
    acc("101", "现金", Asset, Debit),
    acc("102", "银行存款", Asset, Debit),
    acc("111", "短期投资", Asset, Debit),
    acc("112", "应收款", Asset, Debit),
    acc("113", "内部往来", Asset, Debit),
    acc("121", "库存物资", Asset, Debit),
    acc("131", "牲畜（禽）资产", Asset, Debit),
    acc("132", "林木资产", Asset, Debit),
    acc("141", "长期投资", Asset, Debit),
    acc("151", "固定资产", Asset, Debit),
    acc("152", "累计折旧", Asset, Credit),
    acc("153", "固定资产清理", Asset, Debit),
    acc("154", "在建工程", Asset, Debit),
    acc("161", "无形资产", Asset, Debit),
    acc("171", "拨付所属单位资金", Asset, Debit),
    acc("201", "短期借款", Liability, Credit),
    acc("202", "应付款", Liability, Credit),
    acc("211", "应付工资", Liability, Credit),
    acc("212", "应付福利费", Liability, Credit),
    acc("221", "长期借款及应付款", Liability, Credit),
    acc("231", "一事一议资金", Liability, Credit),
    acc("241", "专项应付款", Liability, Credit),
    acc("301", "资本", Equity, Credit),
    acc("311", "公积公益金", Equity, Credit),
    acc("321", "本年收益", Equity, Credit),
    acc("322", "收益分配", Equity, Credit),
    acc("401", "生产（劳务）成本", Cost, Debit),
    acc("501", "经营收入", ProfitLoss, Credit),
    acc("502", "经营支出", ProfitLoss, Debit),
    acc("511", "发包及上交收入", ProfitLoss, Credit),
    acc("521", "农业税附加返还收入", ProfitLoss, Credit),
    acc("522", "补助收入", ProfitLoss, Credit),
    acc("531", "其他收入", ProfitLoss, Credit),
    acc("541", "管理费用", ProfitLoss, Debit),
    acc("551", "其他支出", ProfitLoss, Debit),
    acc("561", "投资收益", ProfitLoss, Credit),
];

/// Every account of `chart`, in code order.
pub fn accounts(chart: Chart) -> &'static [ChartAccount] {
    match chart {
        Chart::Cac2023 => &CAC2023,
        Chart::Cac2004 => &CAC2004,
    }
}

/// The account of `chart` with `code`.
pub fn find(chart: Chart, code: &str) -> Option<&'static ChartAccount> {
    accounts(chart).iter().find(|a| a.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    #[test]
    fn the_2023_chart_has_its_42_accounts_and_every_code_is_unique_and_sorted() {
        assert_eq!(accounts(Chart::Cac2023).len(), 42);
        for chart in Chart::iter() {
            let codes: Vec<&str> = accounts(chart).iter().map(|a| a.code).collect();
            let mut sorted = codes.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(codes, sorted, "{chart:?}");
        }
        assert_eq!(find(Chart::Cac2023, "211").map(|a| a.name), Some("应付款"));
        assert_eq!(find(Chart::Cac2004, "202").map(|a| a.name), Some("应付款"));
        assert_eq!(find(Chart::Cac2023, "999"), None);
    }
}
