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

/// Whether a buyer's phone, elsewhere, cannot open pages under `base` (`http://host:port`): a
/// loopback, private, link-local or unspecified address, or `localhost`. Other names may or may
/// not be public; they count as reachable.
pub fn unreachable_from_phones(base: &str) -> bool {
    use std::net::IpAddr;
    let rest = base.split_once("://").map_or(base, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    }
    .to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") || host.ends_with(".local") {
        return true;
    }
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(a)) => {
            a.is_loopback() || a.is_private() || a.is_link_local() || a.is_unspecified()
        }
        Ok(IpAddr::V6(a)) => {
            let first = a.segments()[0];
            a.is_loopback()
                || a.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_and_private_addresses_are_out_of_a_buyers_reach() {
        for base in [
            "http://127.0.0.1:8080",
            "http://localhost:8080",
            "http://192.168.1.20:8080",
            "http://10.0.0.5",
            "http://[::1]:8080",
            "http://[fd00::1]:8080",
            "http://zhunong.local",
        ] {
            assert!(unreachable_from_phones(base), "{base}");
        }
        for base in [
            "https://zhunong.example.cn",
            "http://8.8.8.8:8080",
            "http://[2001:db8::1]",
        ] {
            assert!(!unreachable_from_phones(base), "{base}");
        }
    }

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
