//! The addresses no webhook may reach: the IANA special-purpose ranges, as (network, prefix)
//! tables, and the IPv4 inside IPv4-mapped and IPv4-compatible IPv6 addresses.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

const fn v4(a: u8, b: u8, c: u8, d: u8) -> Ipv4Addr {
    Ipv4Addr::new(a, b, c, d)
}

/// IPv4 special-purpose ranges (IANA registry, RFC 6890 and successors).
const FORBIDDEN_V4: &[(Ipv4Addr, u8)] = &[
    (v4(0, 0, 0, 0), 8),          // "this network"
    (v4(10, 0, 0, 0), 8),         // private
    (v4(100, 64, 0, 0), 10),      // carrier-grade NAT
    (v4(127, 0, 0, 0), 8),        // loopback
    (v4(169, 254, 0, 0), 16),     // link-local, cloud metadata
    (v4(172, 16, 0, 0), 12),      // private
    (v4(192, 0, 0, 0), 24),       // IETF protocol assignments
    (v4(192, 0, 2, 0), 24),       // documentation TEST-NET-1
    (v4(192, 88, 99, 0), 24),     // 6to4 relay anycast
    (v4(192, 168, 0, 0), 16),     // private
    (v4(198, 18, 0, 0), 15),      // benchmarking
    (v4(198, 51, 100, 0), 24),    // documentation TEST-NET-2
    (v4(203, 0, 113, 0), 24),     // documentation TEST-NET-3
    (v4(224, 0, 0, 0), 4),        // multicast
    (v4(240, 0, 0, 0), 4),        // reserved
    (v4(255, 255, 255, 255), 32), // broadcast (inside 240/4; listed for the record)
];

/// IPv6 special-purpose ranges. NAT64, 6to4 and Teredo carry an IPv4 address, but a webhook
/// receiver never needs them, so they are refused outright rather than decoded: no embedded
/// address can slip through a decoding mistake. IPv4-mapped (`::ffff:a.b.c.d`) and
/// IPv4-compatible (`::a.b.c.d`) addresses are the IPv4 host itself; [`forbidden_v6`] checks
/// their IPv4 address with the IPv4 rules.
const FORBIDDEN_V6: &[(Ipv6Addr, u8)] = &[
    (Ipv6Addr::UNSPECIFIED, 128),                        // ::/128
    (Ipv6Addr::LOCALHOST, 128),                          // ::1/128
    (Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96), // NAT64
    (Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, 0, 0), 48), // local-use NAT64
    (Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0), 64),     // discard-only
    // IETF protocol assignments, among them Teredo (2001::/32) and ORCHID
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23),
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32), // documentation
    (Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16),     // 6to4
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20),     // documentation (RFC 9637)
    (Ipv6Addr::new(0x5f00, 0, 0, 0, 0, 0, 0, 0), 16),     // SRv6 SIDs
    (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7),      // unique-local
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10),     // link-local
    (Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10),     // site-local (deprecated)
    (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8),      // multicast
];

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let ip = ip.to_bits();
    FORBIDDEN_V4.iter().any(|&(net, len)| {
        let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
        ip & mask == net.to_bits() & mask
    })
}

fn forbidden_v6(ip: Ipv6Addr) -> bool {
    let bits = ip.to_bits();
    let listed = FORBIDDEN_V6.iter().any(|&(net, len)| {
        let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
        bits & mask == net.to_bits() & mask
    });
    // `::` and `::1` are listed, so this only decides for real IPv4-compatible addresses.
    let compatible = (bits >> 32 == 0).then(|| Ipv4Addr::from_bits(bits as u32));
    listed || ip.to_ipv4_mapped().or(compatible).is_some_and(forbidden_v4)
}

/// Whether `ip` is in a special-purpose range (or is an IPv4 one written as IPv6).
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

    /// Every special-purpose range, with addresses inside it (refused) and public neighbours
    /// just outside it (allowed). Written by hand, not derived from the tables above.
    const RANGES: &[(&str, &[&str], &[&str])] = &[
        ("0.0.0.0/8", &["0.0.0.0", "0.255.255.255"], &["1.0.0.1"]),
        (
            "10/8",
            &["10.0.0.1", "10.255.255.255"],
            &["9.255.255.254", "11.0.0.1"],
        ),
        (
            "100.64/10",
            &["100.64.0.1", "100.127.255.254"],
            &["100.63.255.254", "100.128.0.1"],
        ),
        (
            "127/8",
            &["127.0.0.1", "127.255.255.254"],
            &["126.255.255.254", "128.0.0.1"],
        ),
        (
            "169.254/16",
            &["169.254.169.254"],
            &["169.253.255.254", "169.255.0.1"],
        ),
        (
            "172.16/12",
            &["172.16.0.1", "172.31.255.255"],
            &["172.15.255.254", "172.32.0.1"],
        ),
        ("192.0.0/24", &["192.0.0.1", "192.0.0.255"], &["192.0.1.1"]),
        ("192.0.2/24", &["192.0.2.1"], &["192.0.3.1"]),
        (
            "192.88.99/24",
            &["192.88.99.1"],
            &["192.88.98.1", "192.88.100.1"],
        ),
        (
            "192.168/16",
            &["192.168.1.1"],
            &["192.167.255.254", "192.169.0.1"],
        ),
        (
            "198.18/15",
            &["198.18.0.1", "198.19.255.254"],
            &["198.17.255.254", "198.20.0.1"],
        ),
        (
            "198.51.100/24",
            &["198.51.100.7"],
            &["198.51.99.1", "198.51.101.1"],
        ),
        (
            "203.0.113/24",
            &["203.0.113.9"],
            &["203.0.112.1", "203.0.114.1"],
        ),
        (
            "224/4",
            &["224.0.0.1", "239.255.255.250"],
            &["223.255.255.254"],
        ),
        ("240/4", &["240.0.0.1", "254.255.255.254"], &[]),
        ("255.255.255.255", &["255.255.255.255"], &[]),
        ("::/128", &["::"], &[]),
        ("::1/128", &["::1"], &[]),
        (
            "::ffff:0:0/96, by its IPv4 address",
            &[
                "::ffff:127.0.0.1",
                "::ffff:10.0.0.1",
                "::ffff:169.254.169.254",
            ],
            &["::ffff:8.8.8.8"],
        ),
        (
            "IPv4-compatible ::/96, by its IPv4 address",
            &["::127.0.0.1", "::10.1.2.3", "::0.0.0.2"],
            &["::8.8.8.8"],
        ),
        (
            "64:ff9b::/96 NAT64",
            &["64:ff9b::7f00:1", "64:ff9b::808:808"],
            &["64:ff9a::1"],
        ),
        (
            "64:ff9b:1::/48",
            &["64:ff9b:1::a00:1", "64:ff9b:1:ffff::1"],
            &["64:ff9b:2::1"],
        ),
        (
            "100::/64",
            &["100::1", "100::ffff:ffff:ffff:ffff"],
            &["100:0:0:1::1"],
        ),
        (
            "2001::/23 incl. Teredo, ORCHID",
            // Teredo: server 8.8.8.8, client 8.8.8.8 (XOR ffff:ffff) — refused all the same.
            &["2001:0:808:808::f7f7:f7f7", "2001:10::1", "2001:1ff::1"],
            &["2001:200::1", "2001:4860:4860::8888"],
        ),
        (
            "2001:db8::/32",
            &["2001:db8::1"],
            &["2001:db7::1", "2001:db9::1"],
        ),
        (
            "2002::/16 6to4",
            &["2002:808:808::1", "2002:7f00:1::1"],
            &["2001:ffff::1", "2003::1"],
        ),
        (
            "3fff::/20",
            &["3fff::1", "3fff:fff::1"],
            &["3ffe:ffff::1", "3fff:1000::1"],
        ),
        ("5f00::/16", &["5f00::1"], &["5eff::1", "5f01::1"]),
        ("fc00::/7", &["fc00::1", "fd00::1"], &["fbff::1"]),
        ("fe80::/10", &["fe80::1", "febf::1"], &[]),
        ("fec0::/10", &["fec0::1", "feff::1"], &[]),
        ("ff00::/8", &["ff02::1", "ff05::1:3", "ffff::1"], &[]),
        (
            "public",
            &[],
            &[
                "8.8.8.8",
                "1.1.1.1",
                "93.184.216.34",
                "2606:4700:4700::1111",
            ],
        ),
    ];

    #[test]
    fn every_special_purpose_range_is_refused_and_its_public_neighbours_are_not() {
        for (range, inside, outside) in RANGES {
            for s in *inside {
                let ip: IpAddr = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
                assert!(forbidden(ip), "{s} ({range}) was allowed");
                let url = format!("https://{}/hook", SocketAddr::new(ip, 443));
                assert!(check_url(&url, &[]).is_err(), "{url} was accepted");
            }
            for s in *outside {
                let ip: IpAddr = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
                assert!(!forbidden(ip), "{s} (next to {range}) was refused");
            }
        }
    }
}
