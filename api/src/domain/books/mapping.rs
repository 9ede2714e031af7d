//! Which kind of posting a ledger entry is, in a collective's books, and the account each kind
//! goes to by default.
//!
//! The books are the keeping collective's: the one that takes the money in and owes the growers
//! (setting `books_collective_id`, or the first collective). Its books hold every ledger
//! transaction. Another collective's books hold only what is posted to its own account, each
//! entry balanced by what the keeping collective owes it (`due_from_keeper`).

use zhunong_entity::enums::{Chart, IncomeCategory, PostingKind};

/// What a ledger entry says about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryAccount {
    Cash,
    Grower {
        id: i64,
        collective_id: i64,
    },
    Collective {
        id: i64,
        category: Option<IncomeCategory>,
    },
    PlatformFees,
    PlatformSubsidies,
}

/// The auxiliary item (辅助核算) a line carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Auxiliary {
    Grower(i64),
    Collective(i64),
}

/// The kind of posting `entry` is in `books_of`'s books, with its auxiliary item.
pub fn kind_of(entry: EntryAccount, books_of: i64) -> (PostingKind, Option<Auxiliary>) {
    match entry {
        EntryAccount::Cash => (PostingKind::Cash, None),
        EntryAccount::Grower { id, collective_id } => (
            if collective_id == books_of {
                PostingKind::GrowerMember
            } else {
                PostingKind::GrowerOther
            },
            Some(Auxiliary::Grower(id)),
        ),
        EntryAccount::Collective { id, category } if id == books_of => {
            (income_kind(category.unwrap_or(IncomeCategory::Other)), None)
        }
        EntryAccount::Collective { id, .. } => (
            PostingKind::OtherCollective,
            Some(Auxiliary::Collective(id)),
        ),
        EntryAccount::PlatformFees => (PostingKind::PlatformFees, None),
        EntryAccount::PlatformSubsidies => (PostingKind::PlatformSubsidies, None),
    }
}

fn income_kind(c: IncomeCategory) -> PostingKind {
    match c {
        IncomeCategory::SalesCommission => PostingKind::SalesCommission,
        IncomeCategory::GreenhouseRent => PostingKind::GreenhouseRent,
        IncomeCategory::ColdStoreRent => PostingKind::ColdStoreRent,
        IncomeCategory::JointDividend => PostingKind::JointDividend,
        IncomeCategory::Grant => PostingKind::Grant,
        IncomeCategory::Other => PostingKind::OtherIncome,
    }
}

/// The account each kind goes to unless the collective maps it elsewhere: commission kept and
/// rents are operating income; a joint project's dividend is investment income; grants are
/// grants; what is owed to member growers is an internal account (内部往来), to anyone else a
/// payable (应付款); cash is kept in the bank and the payment wallets (银行存款); the platforms'
/// fees are an operating cost and their subsidies other income.
pub fn default_code(chart: Chart, kind: PostingKind) -> &'static str {
    use PostingKind as K;
    match (chart, kind) {
        (_, K::Cash) => "102",
        (_, K::GrowerMember) => "113",
        (_, K::DueFromKeeper) => "112",
        (Chart::Cac2023, K::GrowerOther | K::OtherCollective) => "211",
        (Chart::Cac2004, K::GrowerOther | K::OtherCollective) => "202",
        (_, K::SalesCommission | K::GreenhouseRent | K::ColdStoreRent) => "501",
        (Chart::Cac2023, K::JointDividend) => "502",
        (Chart::Cac2004, K::JointDividend) => "561",
        (Chart::Cac2023, K::Grant) => "503",
        (Chart::Cac2004, K::Grant) => "522",
        (Chart::Cac2023, K::OtherIncome | K::PlatformSubsidies) => "504",
        (Chart::Cac2004, K::OtherIncome | K::PlatformSubsidies) => "531",
        (Chart::Cac2023, K::PlatformFees) => "511",
        (Chart::Cac2004, K::PlatformFees) => "502",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    #[test]
    fn every_kind_has_a_default_account_in_every_chart() {
        for chart in Chart::iter() {
            for kind in PostingKind::iter() {
                let code = default_code(chart, kind);
                assert!(
                    super::super::chart::find(chart, code).is_some(),
                    "{chart:?} {kind:?} → {code}"
                );
            }
        }
    }

    #[test]
    fn members_are_internal_and_other_collectives_are_owed() {
        let g = |collective_id| EntryAccount::Grower {
            id: 5,
            collective_id,
        };
        assert_eq!(kind_of(g(1), 1).0, PostingKind::GrowerMember);
        assert_eq!(kind_of(g(2), 1).0, PostingKind::GrowerOther);
        let c = |id| EntryAccount::Collective {
            id,
            category: Some(IncomeCategory::JointDividend),
        };
        assert_eq!(kind_of(c(1), 1), (PostingKind::JointDividend, None));
        assert_eq!(
            kind_of(c(2), 1),
            (PostingKind::OtherCollective, Some(Auxiliary::Collective(2)))
        );
    }
}
