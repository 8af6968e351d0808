//! The careful outbound HTTP client.
//!
//! Every provider call goes through [`client`]: explicit connect and total timeouts, no
//! environment proxy, a user agent, and an address policy that refuses loopback, private,
//! link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, multicast, unspecified and
//! documentation addresses — for IP literals in the URL, for every address a name resolves to,
//! and for every redirect hop. Tests and on-premises deployments can allow private addresses.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::Url;

/// Which destinations outbound calls may reach.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    /// Allow loopback and private networks (tests, fakes, on-premises providers).
    pub allow_private: bool,
}

/// Why a destination was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BlockedError {
    /// Not an http(s) URL with a host.
    #[error("only http and https URLs with a host are allowed")]
    BadUrl,
    /// The host is, or resolves only to, a private address.
    #[error("{0} is a private, loopback or link-local address; outbound calls there are refused")]
    Private(String),
}

/// Whether an address is on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (s[0] & 0xffc0) == 0xfe80 // link local fe80::/10
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x0064 && s[1] == 0xff9b) // NAT64 well-known prefix maps to IPv4
                || v6 == Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0, 0))
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_documentation()
        || o[0] == 0 // 0.0.0.0/8
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // 100.64.0.0/10 carrier-grade NAT
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // 192.0.0.0/24 protocol assignments
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // 198.18.0.0/15 benchmarking
        || o[0] >= 240) // reserved
}

/// Checks a URL before it is called: scheme, and the host when it is an IP literal or a name
/// that is always local.
pub fn check_url(url: &Url, policy: AddressPolicy) -> Result<(), BlockedError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(BlockedError::BadUrl);
    }
    if policy.allow_private {
        return Ok(());
    }
    match url.host() {
        None => Err(BlockedError::BadUrl),
        Some(url::Host::Ipv4(ip)) if !is_public(IpAddr::V4(ip)) => {
            Err(BlockedError::Private(ip.to_string()))
        }
        Some(url::Host::Ipv6(ip)) if !is_public(IpAddr::V6(ip)) => {
            Err(BlockedError::Private(ip.to_string()))
        }
        Some(url::Host::Domain(d))
            if d.eq_ignore_ascii_case("localhost")
                || d.to_ascii_lowercase().ends_with(".localhost") =>
        {
            Err(BlockedError::Private(d.to_string()))
        }
        _ => Ok(()),
    }
}

/// A resolver that drops every non-public address and fails when none is left.
#[derive(Debug, Clone, Copy)]
struct GuardedResolver;

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = addrs.into_iter().filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(Box::new(BlockedError::Private(host))
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

/// Settings of an outbound client.
#[derive(Debug, Clone, Copy)]
pub struct ClientSettings {
    /// Address policy.
    pub policy: AddressPolicy,
    /// Time to connect.
    pub connect_timeout: Duration,
    /// Time for the whole call.
    pub timeout: Duration,
}

impl Default for ClientSettings {
    fn default() -> Self {
        Self {
            policy: AddressPolicy::default(),
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(20),
        }
    }
}

/// The outbound client: the only way to build a request checks the URL against the policy first
/// (IP literals never reach the resolver, so the resolver alone is not enough).
#[derive(Debug, Clone)]
pub struct Outbound {
    client: reqwest::Client,
    policy: AddressPolicy,
}

impl Outbound {
    /// A client with these settings.
    pub fn new(settings: ClientSettings) -> Self {
        Self {
            client: client(settings),
            policy: settings.policy,
        }
    }

    /// The address policy.
    pub fn policy(&self) -> AddressPolicy {
        self.policy
    }

    /// A request to `url`, refused if the URL points somewhere it must not.
    pub fn request(
        &self,
        method: reqwest::Method,
        url: &str,
    ) -> Result<reqwest::RequestBuilder, BlockedError> {
        let parsed = Url::parse(url).map_err(|_| BlockedError::BadUrl)?;
        check_url(&parsed, self.policy)?;
        Ok(self.client.request(method, parsed))
    }

    /// A POST to `url`.
    pub fn post(&self, url: &str) -> Result<reqwest::RequestBuilder, BlockedError> {
        self.request(reqwest::Method::POST, url)
    }

    /// A GET of `url`.
    pub fn get(&self, url: &str) -> Result<reqwest::RequestBuilder, BlockedError> {
        self.request(reqwest::Method::GET, url)
    }
}

/// Builds the underlying reqwest client (prefer [`Outbound`], which also checks URLs).
pub fn client(settings: ClientSettings) -> reqwest::Client {
    let policy = settings.policy;
    let mut b = reqwest::Client::builder()
        .connect_timeout(settings.connect_timeout)
        .timeout(settings.timeout)
        .no_proxy()
        .user_agent(concat!("Frontdesk/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 5 {
                attempt.error("too many redirects")
            } else if let Err(e) = check_url(attempt.url(), policy) {
                attempt.error(e)
            } else {
                attempt.follow()
            }
        }));
    if !policy.allow_private {
        b = b.dns_resolver(Arc::new(GuardedResolver));
    }
    b.build().expect("a TLS backend is compiled in")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "198.18.0.1",
            "192.0.2.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip} must be refused");
        }
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "2606:4700::1111",
            "100.128.0.1",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip} is public");
        }
    }

    #[test]
    fn urls_are_checked_before_any_call() {
        let p = AddressPolicy::default();
        for u in [
            "http://127.0.0.1/x",
            "http://[::1]:80/",
            "http://169.254.169.254/latest/meta-data",
            "http://localhost:8080",
            "http://api.localhost/",
            "ftp://example.com/",
            "file:///etc/passwd",
        ] {
            assert!(check_url(&Url::parse(u).unwrap(), p).is_err(), "{u}");
        }
        assert!(check_url(&Url::parse("https://api.twilio.com/2010-04-01").unwrap(), p).is_ok());
        assert!(
            check_url(
                &Url::parse("http://127.0.0.1:9/").unwrap(),
                AddressPolicy {
                    allow_private: true
                }
            )
            .is_ok()
        );
    }

    #[tokio::test]
    async fn the_client_refuses_loopback_even_through_a_name() {
        // The resolver drops loopback answers, even for a name check_url does not know.
        let c = client(ClientSettings::default());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let err = c
            .get(format!("http://localhost:{port}/"))
            .send()
            .await
            .unwrap_err();
        let text = format!("{err:?}");
        assert!(text.contains("Private(\"localhost\")"), "{text}");
        // And the wrapper refuses IP literals before any connection.
        let out = Outbound::new(ClientSettings::default());
        assert_eq!(
            out.get(&format!("http://127.0.0.1:{port}/")).unwrap_err(),
            BlockedError::Private("127.0.0.1".into())
        );
        assert!(
            Outbound::new(ClientSettings {
                policy: AddressPolicy {
                    allow_private: true
                },
                ..Default::default()
            })
            .get("http://127.0.0.1:1/")
            .is_ok()
        );
    }
}
