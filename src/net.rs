//! Name lookups and the HTTPS client of every call grant makes to AWS.
//!
//! Names are looked up in Rust ([hickory_resolver]: `/etc/hosts`, then the name
//! servers of `/etc/resolv.conf`), never through glibc's `getaddrinfo`: the release
//! binary links glibc statically, and a static glibc asks NSS, which loads the
//! system's `libnss_*` modules (mdns, systemd-resolved, sss), built for the system's
//! own glibc, into grant. Only the network commands get here: the credential-process
//! cache hit never builds a resolver.
//!
//! Proxies are the SDK's: `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`
//! (and their lower-case forms). The proxy's own name is looked up here too.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_http_client::{Builder, ConnectorBuilder};
use aws_smithy_runtime_api::client::dns::{DnsFuture, ResolveDns, ResolveDnsError};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use hickory_resolver::TokioResolver;
use hickory_resolver::config::ResolveHosts;

/// A resolver of the system's configuration, read once when it is made. Cheap to
/// clone: the clones share the configuration and the answers.
#[derive(Clone)]
pub struct Resolver {
    inner: Arc<Result<TokioResolver, String>>,
}

impl std::fmt::Debug for Resolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Resolver")
    }
}

impl Resolver {
    /// The resolver of `/etc/resolv.conf` and `/etc/hosts`. A configuration that
    /// cannot be read fails each lookup, with the reason, rather than falling back
    /// to some public name server the user did not choose.
    pub fn from_system() -> Resolver {
        let built = TokioResolver::builder_tokio()
            .and_then(|mut builder| {
                builder.options_mut().use_hosts_file = ResolveHosts::Always;
                builder.build()
            })
            .map_err(|error| format!("cannot read the system's name server settings: {error}"));
        Resolver {
            inner: Arc::new(built),
        }
    }

    /// The addresses of `name`, in the order to try them.
    pub async fn lookup(&self, name: &str) -> Result<Vec<IpAddr>, LookupError> {
        let resolver = self.inner.as_ref().as_ref().map_err(|reason| LookupError {
            name: name.to_owned(),
            reason: reason.clone(),
        })?;
        let answer = resolver
            .lookup_ip(name)
            .await
            .map_err(|error| LookupError {
                name: name.to_owned(),
                reason: error.to_string(),
            })?;
        let addresses: Vec<IpAddr> = answer.iter().collect();
        if addresses.is_empty() {
            return Err(LookupError {
                name: name.to_owned(),
                reason: "no address".to_owned(),
            });
        }
        Ok(addresses)
    }
}

/// A name that has no address (or whose lookup failed).
#[derive(Debug, thiserror::Error)]
#[error("cannot look up {name}: {reason}")]
pub struct LookupError {
    name: String,
    reason: String,
}

/// The SDK asks for addresses through this (its HTTPS client below).
impl ResolveDns for Resolver {
    fn resolve_dns<'a>(&'a self, name: &'a str) -> DnsFuture<'a> {
        DnsFuture::new(async move { self.lookup(name).await.map_err(ResolveDnsError::new) })
    }
}

/// hyper-util's connector asks for addresses through this (the console's GET).
impl tower_service::Service<hyper_util::client::legacy::connect::dns::Name> for Resolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = LookupError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, LookupError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), LookupError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: hyper_util::client::legacy::connect::dns::Name) -> Self::Future {
        let resolver = self.clone();
        Box::pin(async move {
            let addresses = resolver.lookup(name.as_str()).await?;
            // The connector puts in the port of the URL.
            Ok(addresses
                .into_iter()
                .map(|ip| SocketAddr::new(ip, 0))
                .collect::<Vec<_>>()
                .into_iter())
        })
    }
}

/// The SDK's default HTTPS client (rustls with aws-lc-rs, the system's roots and
/// `SSL_CERT_FILE`/`SSL_CERT_DIR`, proxies from the environment), with names looked
/// up by [`Resolver`].
pub fn https_client() -> SharedHttpClient {
    let resolver = Resolver::from_system();
    Builder::new().build_with_connector_fn(move |settings, components| {
        let mut builder =
            ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc));
        builder.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            builder.set_sleep_impl(components.sleep_impl());
        }
        builder.set_proxy_config(Some(ProxyConfig::from_env()));
        builder.build_with_resolver(resolver.clone())
    })
}
