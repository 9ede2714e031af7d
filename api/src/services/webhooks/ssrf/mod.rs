//! Where webhooks may go. Refused: anything but `https`, credentials in the URL, and hosts that
//! are — or resolve to — an address in an IANA special-purpose range, or IPv6 outside global
//! unicast (`ranges.rs`, generated from IANA's registries), including IPv4 written as a number
//! or inside an IPv6 address. Checked at registration and again, after DNS, at every delivery;
//! the request is then pinned to the checked address, so a second lookup cannot swap it. Hosts
//! in the explicit allow-list setting skip these checks (tests use it for a loopback receiver).

use futures_util::future::BoxFuture;
use std::net::{IpAddr, SocketAddr};
use url::{Host, Url};

/// Looks up a host; the real one asks the system, tests give a stub.
pub trait Resolver: Send + Sync {
    fn lookup(&self, host: &str, port: u16)
    -> BoxFuture<'static, std::io::Result<Vec<SocketAddr>>>;
}

pub struct SystemResolver;

impl Resolver for SystemResolver {
    fn lookup(
        &self,
        host: &str,
        port: u16,
    ) -> BoxFuture<'static, std::io::Result<Vec<SocketAddr>>> {
        let target = format!("{host}:{port}");
        Box::pin(async move { Ok(tokio::net::lookup_host(target).await?.collect()) })
    }
}

mod ranges;

pub use ranges::forbidden;

fn allowed_host(url: &Url, allow: &[String]) -> bool {
    url.host_str().is_some_and(|h| {
        allow
            .iter()
            .any(|a| a.eq_ignore_ascii_case(h.trim_matches(['[', ']'])))
    })
}

/// Checks a URL's form and, for literal addresses, the address.
///
/// # Errors
/// Why the URL is refused.
pub fn check_url(raw: &str, allow: &[String]) -> Result<Url, String> {
    let url = Url::parse(raw).map_err(|e| format!("not a URL: {e}"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("credentials in the URL are not allowed".into());
    }
    let host = url.host().ok_or("the URL has no host")?.to_owned();
    if allowed_host(&url, allow) {
        return matches!(url.scheme(), "https" | "http")
            .then_some(url)
            .ok_or_else(|| "only http(s) URLs".to_owned());
    }
    if url.scheme() != "https" {
        return Err("webhook URLs must use https".into());
    }
    let literal = match host {
        Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
        Host::Ipv6(v6) => Some(IpAddr::V6(v6)),
        Host::Domain(d)
            if d.eq_ignore_ascii_case("localhost")
                || d.to_ascii_lowercase().ends_with(".localhost") =>
        {
            return Err("loopback hosts are not allowed".into());
        }
        Host::Domain(_) => None,
    };
    match literal {
        Some(ip) if forbidden(ip) => {
            Err(format!("{ip} is a private, loopback or reserved address"))
        }
        _ => Ok(url),
    }
}

/// The addresses to deliver to: every address the host resolves to must be public (unless the
/// host is allow-listed).
///
/// # Errors
/// Why delivery is refused.
pub async fn resolve(
    url: &Url,
    allow: &[String],
    resolver: &dyn Resolver,
) -> Result<Vec<SocketAddr>, String> {
    let port = url.port_or_known_default().ok_or("no port")?;
    let addrs: Vec<SocketAddr> = match url.host() {
        Some(Host::Ipv4(v4)) => vec![SocketAddr::new(IpAddr::V4(v4), port)],
        Some(Host::Ipv6(v6)) => vec![SocketAddr::new(IpAddr::V6(v6), port)],
        Some(Host::Domain(d)) => resolver
            .lookup(d, port)
            .await
            .map_err(|e| format!("cannot resolve {d}: {e}"))?,
        None => return Err("no host".into()),
    };
    if addrs.is_empty() {
        return Err("the host resolves to nothing".into());
    }
    if !allowed_host(url, allow)
        && let Some(bad) = addrs.iter().find(|a| forbidden(a.ip()))
    {
        return Err(format!(
            "the host resolves to {}, a private, loopback or reserved address",
            bad.ip()
        ));
    }
    Ok(addrs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Answers from a table; never touches the network.
    struct Stub(HashMap<&'static str, Vec<IpAddr>>);

    impl Resolver for Stub {
        fn lookup(
            &self,
            host: &str,
            port: u16,
        ) -> BoxFuture<'static, std::io::Result<Vec<SocketAddr>>> {
            let found = self
                .0
                .get(host)
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|ip| SocketAddr::new(ip, port))
                .collect();
            Box::pin(async move { Ok(found) })
        }
    }

    fn stub() -> Stub {
        let ip = |s: &str| {
            s.parse::<IpAddr>()
                .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
        };
        Stub(HashMap::from([
            ("partner.example.com", vec![ip("93.184.216.34")]),
            ("metadata.attacker.example", vec![ip("169.254.169.254")]),
            (
                "rebind.attacker.example",
                vec![ip("93.184.216.34"), ip("10.0.0.5")],
            ),
            ("internal.attacker.example", vec![ip("fd00::1")]),
            ("cgnat.attacker.example", vec![ip("100.64.0.1")]),
        ]))
    }

    #[test]
    fn literal_and_malformed_targets_are_refused_at_registration() {
        for bad in [
            "https://127.0.0.1/hook",
            "https://localhost/hook",
            "https://0x7f000001/hook",
            "https://2130706433/hook",
            "https://[::1]/hook",
            "https://[::ffff:127.0.0.1]/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://10.1.2.3/",
            "https://172.16.0.1/",
            "https://172.31.255.255/",
            "https://192.168.1.1/",
            "https://100.64.0.1/",
            "https://[fd00::1]/",
            "https://[fe80::1]/",
            "https://0.0.0.0/",
            "http://partner.example.com/hook",
            "file:///etc/passwd",
            "gopher://partner.example.com/",
            "https://user:pass@partner.example.com/hook",
            "not a url",
        ] {
            assert!(check_url(bad, &[]).is_err(), "{bad} was accepted");
        }
        assert!(check_url("https://partner.example.com/hook", &[]).is_ok());
        assert!(
            check_url("https://172.32.0.1/", &[]).is_ok(),
            "just outside 172.16/12"
        );
    }

    #[tokio::test]
    async fn names_resolving_to_addresses_that_embed_a_forbidden_ipv4_are_refused() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap_or_else(|e| panic!("{s}: {e}"));
        let r = Stub(HashMap::from([
            ("nat64.attacker.example", vec![ip("64:ff9b::a9fe:a9fe")]),
            ("sixtofour.attacker.example", vec![ip("2002:a9fe:a9fe::1")]),
            (
                "teredo.attacker.example",
                vec![ip("2001:0:4136:e378:8000:63bf:3fff:fdd2")],
            ),
            (
                "mapped.attacker.example",
                vec![ip("::ffff:169.254.169.254")],
            ),
        ]));
        for host in r.0.keys() {
            let url = check_url(&format!("https://{host}/hook"), &[])
                .unwrap_or_else(|e| panic!("{host}: {e}"));
            assert!(resolve(&url, &[], &r).await.is_err(), "{host} was allowed");
        }
    }

    #[tokio::test]
    async fn names_resolving_to_forbidden_addresses_are_refused_at_delivery() {
        let r = stub();
        for host in [
            "metadata.attacker.example",
            "rebind.attacker.example",
            "internal.attacker.example",
            "cgnat.attacker.example",
            "nowhere.example",
        ] {
            let url = check_url(&format!("https://{host}/hook"), &[])
                .unwrap_or_else(|e| panic!("{host}: {e}"));
            assert!(resolve(&url, &[], &r).await.is_err(), "{host} was allowed");
        }
        let ok =
            check_url("https://partner.example.com/hook", &[]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(resolve(&ok, &[], &r).await.map(|a| a.len()), Ok(1));
    }

    #[tokio::test]
    async fn the_allow_list_admits_a_loopback_receiver() {
        let allow = vec!["127.0.0.1".to_owned()];
        let url = check_url("http://127.0.0.1:8123/hook", &allow).unwrap_or_else(|e| panic!("{e}"));
        assert!(resolve(&url, &allow, &stub()).await.is_ok());
        assert!(check_url("http://127.0.0.2:8123/hook", &allow).is_err());
    }
}
