//! Trace codes (溯源码): 80 random bits written as 16 characters of base32 (RFC 4648's alphabet,
//! A–Z and 2–7, no padding). Unguessable, short enough for a small QR code, and free of the
//! letters a phone camera or a person confuses (no 0, 1, 8, 9).

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
pub const CODE_LEN: usize = 16;

/// The code of 80 bits (the low 80 of `bits`).
pub fn encode(bits: u128) -> String {
    (0..CODE_LEN)
        .rev()
        .map(|i| ALPHABET[((bits >> (i * 5)) & 0x1f) as usize] as char)
        .collect()
}

/// A new random code.
pub fn new_code() -> String {
    encode(rand::random::<u128>())
}

/// Whether `s` is shaped like a code, so that a scan of anything else is answered without
/// asking the database.
pub fn is_code(s: &str) -> bool {
    s.len() == CODE_LEN && s.bytes().all(|b| ALPHABET.contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sixteen_base32_characters_of_eighty_bits() {
        assert_eq!(encode(0), "AAAAAAAAAAAAAAAA");
        assert_eq!(encode((1u128 << 80) - 1), "7777777777777777");
        // Bits above the 80th are not part of the code.
        assert_eq!(encode(1u128 << 80), "AAAAAAAAAAAAAAAA");
        assert_eq!(encode(0b11111), "AAAAAAAAAAAAAAA7");
        let a = new_code();
        assert!(is_code(&a), "{a}");
        assert_ne!(a, new_code());
        assert!(!is_code("AAAAAAAAAAAAAAA0"));
        assert!(!is_code("aaaaaaaaaaaaaaaa"));
        assert!(!is_code("AAAA"));
    }
}
