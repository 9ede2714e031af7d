//! Secrets the services make and check without any web context: password hashes (Argon2, on a
//! bounded pool of threads), API key hashes, and random tokens. Kept apart from `auth`, whose
//! extractors need the application state, so that services do not depend on the web layer.

pub mod api_key;
pub mod password;

/// Random bytes as lowercase hex, for generated secrets and passwords.
pub fn random_hex(bytes: usize) -> String {
    use std::fmt::Write;
    let mut buf = vec![0u8; bytes];
    rand::fill(buf.as_mut_slice());
    buf.iter()
        .fold(String::with_capacity(bytes * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
