//! Money in fen, weight in grams, and the ids most often confused, as types of their own: a
//! price cannot be added to a weight, an order id cannot be passed where a batch id is wanted,
//! and every sum of money is checked (`None` on overflow, never a wrap).
//!
//! The stored rows and the API keep plain integers (`amount_fen`, `batch_id`); these types live
//! in the rules and the service signatures of the order and money paths, and convert at the
//! edge with `Fen::new(row.amount_fen)` and `fen.get()`.

/// An amount of money in fen (分), signed: ledger legs that take money out are negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fen(i64);

/// A weight in grams (or, for a by-piece product, a number of pieces).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Grams(i64);

macro_rules! checked_quantity {
    ($ty:ident) => {
        impl $ty {
            pub const ZERO: Self = Self(0);

            pub const fn new(value: i64) -> Self {
                Self(value)
            }

            /// The integer, for a row or an answer.
            pub const fn get(self) -> i64 {
                self.0
            }

            pub fn checked_add(self, other: Self) -> Option<Self> {
                self.0.checked_add(other.0).map(Self)
            }

            pub fn checked_sub(self, other: Self) -> Option<Self> {
                self.0.checked_sub(other.0).map(Self)
            }

            pub fn checked_neg(self) -> Option<Self> {
                self.0.checked_neg().map(Self)
            }

            /// The sum, or `None` if it overflows.
            pub fn sum(items: impl IntoIterator<Item = Self>) -> Option<Self> {
                items
                    .into_iter()
                    .try_fold(Self::ZERO, |acc, x| acc.checked_add(x))
            }

            pub fn is_negative(self) -> bool {
                self.0 < 0
            }
        }
    };
}

checked_quantity!(Fen);
checked_quantity!(Grams);

macro_rules! id_type {
    ($(#[$doc:meta])* $ty:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $ty(i64);

        impl $ty {
            pub const fn new(id: i64) -> Self {
                Self(id)
            }

            /// The id as stored.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// An order's id.
    OrderId
);
id_type!(
    /// An order line's id.
    OrderLineId
);
id_type!(
    /// A harvest batch's id.
    BatchId
);
id_type!(
    /// A buyer's id.
    BuyerId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_are_checked_not_wrapped() {
        assert_eq!(
            Fen::sum([Fen::new(150), Fen::new(-50)]),
            Some(Fen::new(100))
        );
        assert_eq!(Fen::sum([Fen::new(i64::MAX), Fen::new(1)]), None);
        assert_eq!(Grams::new(i64::MIN).checked_neg(), None);
        assert_eq!(Fen::new(5).checked_sub(Fen::new(7)), Some(Fen::new(-2)));
    }
}
