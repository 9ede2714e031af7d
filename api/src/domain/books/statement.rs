//! The income statement (收益及收益分配表) in each chart's shape: its lines in order, each an
//! account added or taken away, or a subtotal of what came before. The distribution part
//! (年初未分配收益 through 年末未分配收益) is the bookkeeper's and not kept here; its lines are
//! listed empty so the sheet has the official shape.
//!
//! The 2004 layout (村会02表) is the system's own. The 2023 system names its accounts but the
//! statement's rows were not found in a primary source: its layout here follows the 2004 one,
//! with the accounts the 2023 system added (税金及附加, 公益支出, 所得税费用) in their places.

use zhunong_entity::enums::Chart;

/// What a line of the statement is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// An income account's movement (credits less debits), added.
    Add(&'static str),
    /// A cost account's movement (debits less credits), taken away.
    Less(&'static str),
    /// The running total so far.
    Subtotal,
    /// A line of the distribution, which the bookkeeper keeps.
    NotKept,
}

#[derive(Debug, Clone, Copy)]
pub struct Line {
    pub label: &'static str,
    pub kind: LineKind,
}

const fn line(label: &'static str, kind: LineKind) -> Line {
    Line { label, kind }
}

use LineKind::{Add, Less, NotKept, Subtotal};

const DISTRIBUTION: [Line; 8] = [
    line("加：年初未分配收益", NotKept),
    line("其他转入", NotKept),
    line("五、可分配收益", NotKept),
    line("减：提取公积公益金", NotKept),
    line("外来投资分利", NotKept),
    line("农户分配", NotKept),
    line("其他", NotKept),
    line("六、年末未分配收益", NotKept),
];

const CAC2023: [Line; 13] = [
    line("一、经营收入", Add("501")),
    line("加：投资收益", Add("502")),
    line("减：经营支出", Less("511")),
    line("税金及附加", Less("512")),
    line("管理费用", Less("513")),
    line("二、经营收益", Subtotal),
    line("加：补助收入", Add("503")),
    line("其他收入", Add("504")),
    line("减：公益支出", Less("514")),
    line("其他支出", Less("515")),
    line("三、收益总额", Subtotal),
    line("减：所得税费用", Less("521")),
    line("四、本年收益", Subtotal),
];

const CAC2004: [Line; 12] = [
    line("一、经营收入", Add("501")),
    line("加：发包及上交收入", Add("511")),
    line("投资收益", Add("561")),
    line("减：经营支出", Less("502")),
    line("管理费用", Less("541")),
    line("二、经营收益", Subtotal),
    line("加：农业税附加返还收入", Add("521")),
    line("补助收入", Add("522")),
    line("其他收入", Add("531")),
    line("减：其他支出", Less("551")),
    line("三、本年收益", Subtotal),
    line("四、本年收益", Subtotal),
];

/// The statement's lines for `chart`, distribution included.
pub fn lines(chart: Chart) -> Vec<Line> {
    let head: &[Line] = match chart {
        Chart::Cac2023 => &CAC2023,
        Chart::Cac2004 => &CAC2004,
    };
    head.iter().chain(DISTRIBUTION.iter()).copied().collect()
}

/// Each line's figure, given an account's movement over the period (credits less debits):
/// `None` for a line not kept here. The last subtotal is the year's income (本年收益).
pub fn figures(chart: Chart, movement: impl Fn(&str) -> i64) -> Vec<Option<i64>> {
    let mut running = 0i64;
    lines(chart)
        .iter()
        .map(|l| match l.kind {
            Add(code) => {
                let v = movement(code);
                running += v;
                Some(v)
            }
            Less(code) => {
                let v = -movement(code);
                running -= v;
                Some(v)
            }
            Subtotal => Some(running),
            NotKept => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    #[test]
    fn the_subtotals_add_the_lines_above_them_and_every_account_is_in_the_chart() {
        // Income 1,000 at 501, 300 at 502; costs 200 at 511; other income 50 at 504.
        let movement = |code: &str| match code {
            "501" => 1_000,
            "502" => 300,
            "511" => -200,
            "504" => 50,
            _ => 0,
        };
        let f = figures(Chart::Cac2023, movement);
        let l = lines(Chart::Cac2023);
        let at = |label: &str| l.iter().position(|x| x.label == label).and_then(|i| f[i]);
        assert_eq!(at("减：经营支出"), Some(200));
        assert_eq!(at("二、经营收益"), Some(1_100));
        assert_eq!(at("三、收益总额"), Some(1_150));
        assert_eq!(at("四、本年收益"), Some(1_150));
        assert_eq!(at("六、年末未分配收益"), None);
        for chart in Chart::iter() {
            for x in lines(chart) {
                if let Add(c) | Less(c) = x.kind {
                    assert!(
                        super::super::chart::find(chart, c).is_some(),
                        "{chart:?} {c}"
                    );
                }
            }
        }
    }
}
