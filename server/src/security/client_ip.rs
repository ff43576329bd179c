//! The client's address: the connection's peer, or — when that peer is one
//! of our own reverse proxies (`TRUSTED_PROXIES`) — the address the proxy
//! saw, from `X-Forwarded-For`. Rate limits, the audit log and the list of
//! sessions use it; without it every patient behind the proxy would share
//! one address and one rate limit.

use app::context::ClientIp;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The proxies whose `X-Forwarded-For` we believe.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(pub Arc<[IpAddr]>);

impl TrustedProxies {
    /// Whether `peer` is one of our own proxies.
    pub fn trusts(&self, peer: IpAddr) -> bool {
        self.0.contains(&peer)
    }

    /// The client behind `peer`: `X-Forwarded-For` read from the right,
    /// skipping our own proxies; the peer itself when it is not trusted.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let forwarded: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|entry| entry.trim().parse().ok())
            .collect();
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !self.trusts(*ip))
            .unwrap_or(peer)
    }
}

pub async fn client_ip(
    State(trusted): State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(peer) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
    {
        let client = trusted.client(peer, request.headers());
        request.extensions_mut().insert(ClientIp(client));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarded(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", value.parse().unwrap());
        headers
    }

    #[test]
    fn only_a_trusted_proxy_may_name_the_client() {
        let proxy: IpAddr = "10.0.0.5".parse().unwrap();
        let trusted = TrustedProxies(Arc::from(vec![proxy]));
        let client: IpAddr = "203.0.113.7".parse().unwrap();
        assert_eq!(trusted.client(proxy, &forwarded("203.0.113.7")), client);
        // A client cannot pick its own address by sending the header itself:
        // the rightmost entry not ours is the one our proxy saw.
        assert_eq!(
            trusted.client(proxy, &forwarded("198.51.100.1, 203.0.113.7")),
            client
        );
        let stranger: IpAddr = "198.51.100.9".parse().unwrap();
        assert_eq!(
            trusted.client(stranger, &forwarded("203.0.113.7")),
            stranger
        );
        assert_eq!(trusted.client(proxy, &HeaderMap::new()), proxy);
    }
}
