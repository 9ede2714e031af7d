//! The addresses no webhook may reach. The table is generated at build time (`api/build.rs`)
//! from IANA's IPv4 and IPv6 special-purpose address registries, kept in `api/iana/` as IANA
//! publishes them, so a range cannot be forgotten by hand. Every block in them is refused.
//!
//! Two rules cover what those registries leave to others:
//! - IPv4 multicast, 224.0.0.0/4 (IANA's multicast address space registry);
//! - for IPv6, only global unicast, 2000::/3, is allowed at all (IANA's IPv6 address space
//!   registry). That refuses every form that writes an IPv4 address inside IPv6 and lies outside
//!   it — mapped `::ffff:a.b.c.d`, translated `::ffff:0:a.b.c.d` (RFC 2765), compatible
//!   `::a.b.c.d`, NAT64 — as well as site-local, unique-local and multicast.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

include!(concat!(env!("OUT_DIR"), "/iana_special.rs"));

/// IPv4 multicast, which the special-purpose registry does not list.
const MULTICAST_V4: (u32, u8) = (0xe000_0000, 4);
/// The only IPv6 space IANA allocates for global unicast.
const GLOBAL_UNICAST_V6: (u128, u8) = (0x2000 << 112, 3);

fn in_v4(ip: u32, (net, len): (u32, u8)) -> bool {
    let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
    ip & mask == net & mask
}

fn in_v6(ip: u128, (net, len): (u128, u8)) -> bool {
    let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
    ip & mask == net & mask
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let ip = ip.to_bits();
    in_v4(ip, MULTICAST_V4) || IANA_V4.iter().any(|&(net, len, _)| in_v4(ip, (net, len)))
}

fn forbidden_v6(ip: Ipv6Addr) -> bool {
    let ip = ip.to_bits();
    !in_v6(ip, GLOBAL_UNICAST_V6) || IANA_V6.iter().any(|&(net, len, _)| in_v6(ip, (net, len)))
}

/// Whether `ip` is in a special-purpose range, or outside the address space a public host has.
pub fn forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::webhooks::ssrf::check_url;
    use std::net::SocketAddr;

    fn refused_everywhere(ip: IpAddr, why: &str) {
        assert!(forbidden(ip), "{ip} ({why}) was allowed");
        let url = format!("https://{}/hook", SocketAddr::new(ip, 443));
        assert!(check_url(&url, &[]).is_err(), "{url} ({why}) was accepted");
    }

    /// Both registries as IANA published them: 26 IPv4 blocks and 25 IPv6 blocks. A change of
    /// these counts means the files were updated; read the new rows.
    #[test]
    fn the_table_holds_every_block_of_both_registries() {
        assert_eq!(IANA_V4.len(), 26);
        assert_eq!(IANA_V6.len(), 25);
        assert!(IANA_V4.iter().any(|&(_, _, n)| n == "Limited Broadcast"));
        assert!(IANA_V6.iter().any(|&(_, _, n)| n == "Dummy IPv6 Prefix"));
    }

    #[test]
    fn the_first_and_last_address_of_every_registry_block_are_refused() {
        for &(net, len, name) in IANA_V4 {
            let last = net | u32::MAX.checked_shr(u32::from(len)).unwrap_or(0);
            for ip in [net, last] {
                refused_everywhere(IpAddr::V4(Ipv4Addr::from_bits(ip)), name);
            }
        }
        for &(net, len, name) in IANA_V6 {
            let last = net | u128::MAX.checked_shr(u32::from(len)).unwrap_or(0);
            for ip in [net, last] {
                refused_everywhere(IpAddr::V6(Ipv6Addr::from_bits(ip)), name);
            }
        }
    }

    /// Addresses written by hand, not derived from the tables: what an attacker would try.
    #[test]
    fn every_way_of_writing_a_private_ipv4_inside_ipv6_is_refused() {
        for s in [
            "::ffff:0:7f00:1",     // IPv4-translated 127.0.0.1 (RFC 2765)
            "::ffff:0:a9fe:a9fe",  // IPv4-translated 169.254.169.254
            "::ffff:127.0.0.1",    // IPv4-mapped
            "::ffff:8.8.8.8",      // IPv4-mapped, even of a public address
            "::127.0.0.1",         // IPv4-compatible
            "::0.0.0.2",           // IPv4-compatible
            "64:ff9b::7f00:1",     // NAT64
            "2002:7f00:1::1",      // 6to4
            "2001:0:4136:e378::1", // Teredo
            "fec0::1",             // site-local
            "ff02::1",             // multicast
            "224.0.0.1",           // multicast
            "239.255.255.250",     // multicast (SSDP)
            "0.1.2.3",             // "this network"
            "100.127.255.254",     // carrier-grade NAT
        ] {
            let ip: IpAddr = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
            refused_everywhere(ip, s);
        }
    }

    #[test]
    fn public_addresses_next_to_the_ranges_are_allowed() {
        for s in [
            "8.8.8.8",
            "1.1.1.1",
            "93.184.216.34",
            "9.255.255.255",
            "11.0.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.0.1.0",
            "192.88.98.255",
            "198.17.255.255",
            "198.20.0.0",
            "223.255.255.255",
            "2606:4700:4700::1111",
            "2001:4860:4860::8888",
            "2001:200::1",
            "2003::1",
            "2620:4f:7fff::1",
            "3ffe:ffff::1",
            "3fff:1000::1",
        ] {
            let ip: IpAddr = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
            assert!(!forbidden(ip), "{s} was refused");
        }
    }
}
