//! The client's address. Behind a reverse proxy every request comes from the proxy, so the
//! address is read from `X-Forwarded-For` — but only when the request really comes from a proxy
//! listed in `trusted_proxies`; anyone else could write any address there.

use actix_web::HttpRequest;
use ipnet::IpNet;
use std::net::IpAddr;

/// `trusted_proxies` entries: addresses (`10.0.0.2`) or networks (`10.0.0.0/8`).
///
/// # Errors
/// An entry that is neither.
pub fn parse_trusted(entries: &[String]) -> anyhow::Result<Vec<IpNet>> {
    entries
        .iter()
        .map(|e| {
            let e = e.trim();
            e.parse::<IpNet>()
                .or_else(|_| e.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| anyhow::anyhow!("trusted_proxies: `{e}` is not an address or network"))
        })
        .collect()
}

/// The peer address, or — if the peer is a trusted proxy — the nearest address in
/// `X-Forwarded-For` that is not itself a trusted proxy.
pub fn client_addr(req: &HttpRequest, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    // Each proxy appends the address it saw: read from the right, past our own proxies.
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !is_trusted(ip))
            .unwrap_or(peer),
    )
}

/// Whether the client reached us over HTTPS: only a trusted proxy's `X-Forwarded-Proto` (or
/// `Forwarded: proto=`) is believed; the service itself speaks plain HTTP.
pub fn client_used_https(req: &HttpRequest, trusted: &[IpNet]) -> bool {
    let from_proxy = req
        .peer_addr()
        .is_some_and(|p| trusted.iter().any(|n| n.contains(&p.ip())));
    from_proxy && req.connection_info().scheme() == "https"
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn req(peer: &str, xff: Option<&str>) -> HttpRequest {
        let mut r = TestRequest::default().peer_addr(
            peer.parse()
                .unwrap_or_else(|_| std::net::SocketAddr::from(([0, 0, 0, 0], 0))),
        );
        if let Some(x) = xff {
            r = r.insert_header(("x-forwarded-for", x));
        }
        r.to_http_request()
    }

    #[test]
    fn https_is_believed_only_from_a_trusted_proxy() {
        let trusted = parse_trusted(&["10.0.0.2".into()]).unwrap_or_default();
        let https = |peer: &str| {
            let r = TestRequest::default()
                .peer_addr(peer.parse().unwrap_or_else(|e| panic!("{e}")))
                .insert_header(("x-forwarded-proto", "https"))
                .to_http_request();
            client_used_https(&r, &trusted)
        };
        assert!(https("10.0.0.2:5000"));
        assert!(!https("198.51.100.7:5000"));
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let trusted = parse_trusted(&["10.0.0.0/8".into(), "192.0.2.9".into()]).unwrap_or_default();
        let ip = |s: &str| s.parse::<IpAddr>().ok();
        // Not a proxy: the header is ignored, whatever it says.
        assert_eq!(
            client_addr(&req("198.51.100.7:5000", Some("1.2.3.4")), &trusted),
            ip("198.51.100.7")
        );
        // From our proxy: the client it saw.
        assert_eq!(
            client_addr(&req("10.0.0.2:5000", Some("203.0.113.5")), &trusted),
            ip("203.0.113.5")
        );
        // A client that forges a first entry: the proxies' own entries are read from the right.
        assert_eq!(
            client_addr(
                &req("10.0.0.2:5000", Some("1.1.1.1, 203.0.113.5, 192.0.2.9")),
                &trusted
            ),
            ip("203.0.113.5")
        );
        // No header: the proxy itself.
        assert_eq!(
            client_addr(&req("10.0.0.2:5000", None), &trusted),
            ip("10.0.0.2")
        );
        assert!(parse_trusted(&["not-an-ip".into()]).is_err());
    }
}
