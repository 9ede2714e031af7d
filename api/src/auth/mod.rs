//! Who is calling: JWT issue/verify, password hashing, the login throttle, and the extractor that
//! lets every handler declare which roles may call it.

pub mod api_key;
pub mod client_addr;
pub mod extractor;
pub mod jwt;
pub mod partner;
pub mod password;
pub mod rate_limit;
pub mod roles;
pub mod shared_limit;
pub mod throttle;
mod throttle_shared;
pub mod user_states;

pub use extractor::Auth;
pub use jwt::JwtKeys;

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
