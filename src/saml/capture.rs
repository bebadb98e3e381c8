//! One browser run: open the IdP's URL and wait for the SAML response's POST to
//! the sign-in endpoint, which the Fetch domain pauses before it leaves the
//! browser and grant then fails, so the browser never submits it. Other requests
//! of the page go on as usual; new windows the page opens are closed before they
//! load anything, downloads are denied, dialogs dismissed, and the HTTP cache is
//! off (the IdP's auto-posting page carries the response).

use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::SamlError;
use super::assertion::SamlResponse;
use super::devtools::{DevTools, Event};
use crate::partition::Partition;

/// A headless page that has loaded and stays this quiet waits for a person.
const QUIET_PAGE: Duration = Duration::from_secs(5);

/// The sign-in endpoint SAML responses are taken from.
#[derive(Debug, Clone)]
pub struct Endpoint {
    url: url::Url,
    /// Regional hosts (`us-east-2.signin.aws.amazon.com`) take posts too.
    regional_suffix: Option<String>,
}

impl Endpoint {
    /// `/saml` on the partition's sign-in host (`https://signin.aws.amazon.com/saml`
    /// and its peers, from the SDK's partition data), or under
    /// `AWS_ENDPOINT_URL_SIGNIN` (else `AWS_ENDPOINT_URL`), as the console uses.
    pub fn for_partition(partition: Partition) -> Endpoint {
        if let Some((base, variable)) = crate::env::endpoint_override("AWS_ENDPOINT_URL_SIGNIN")
            && let Ok(url) = url::Url::parse(&format!("{}/saml", base.trim_end_matches('/')))
        {
            crate::debug!("SAML sign-in endpoint from {variable}: {url}");
            return Endpoint {
                url,
                regional_suffix: None,
            };
        }
        Endpoint::of_partition(partition)
    }

    /// `https://SIGNIN-HOST/saml` of `partition`, regional hosts included.
    fn of_partition(partition: Partition) -> Endpoint {
        let host = partition.signin_host();
        #[expect(clippy::expect_used, reason = "a constant URL")]
        let url = url::Url::parse(&format!("https://{host}/saml")).expect("a valid URL");
        Endpoint {
            url,
            regional_suffix: Some(format!(".{host}")),
        }
    }

    /// Whether `url` is this endpoint (any query): same scheme, host, port and path.
    pub fn matches(&self, url: &str) -> bool {
        let Ok(url) = url::Url::parse(url) else {
            return false;
        };
        let host_matches = match (url.host_str(), self.url.host_str()) {
            (Some(host), Some(ours)) if host.eq_ignore_ascii_case(ours) => true,
            (Some(host), _) => self.regional_suffix.as_ref().is_some_and(|suffix| {
                host.strip_suffix(suffix.as_str()).is_some_and(|region| {
                    !region.is_empty()
                        && region
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                })
            }),
            _ => false,
        };
        host_matches
            && url.scheme() == self.url.scheme()
            && url.port_or_known_default() == self.url.port_or_known_default()
            && url.path() == self.url.path()
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.url.as_str())
    }
}

pub struct Run<'a> {
    pub browser: &'a Path,
    pub profile_dir: &'a Path,
    pub url: &'a str,
    pub endpoint: &'a Endpoint,
    pub headless: bool,
    pub timeout: Duration,
}

#[derive(Debug)]
pub enum Outcome {
    Response(SamlResponse),
    /// Headless: the page loaded and waits (a login form).
    WaitsForPerson,
    /// The person closed the window.
    Closed,
    TimedOut,
}

pub fn run(run: &Run<'_>) -> Result<Outcome, SamlError> {
    let mut args = vec![
        "--remote-debugging-pipe".to_owned(),
        format!("--user-data-dir={}", run.profile_dir.display()),
        "--no-first-run".to_owned(),
        "--no-default-browser-check".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        "--disable-default-apps".to_owned(),
        "--disk-cache-size=1".to_owned(),
    ];
    if run.headless {
        args.push("--headless".to_owned());
    }
    args.push("about:blank".to_owned());
    remove_http_cache(run.profile_dir);
    let outcome = {
        let mut browser = DevTools::launch(run.browser, &args)?;
        let mut page = Page::open(&mut browser)?;
        page.navigate(&mut browser, run.url)
            .and_then(|()| page.wait(&mut browser, run))
        // The browser closes here.
    };
    remove_http_cache(run.profile_dir);
    outcome
}

/// The browser's HTTP cache may hold the IdP's page, and the SAML response in
/// it; it goes after every run (the cookies, which keep the session, stay).
fn remove_http_cache(profile_dir: &Path) {
    for cache in ["Cache", "Code Cache"] {
        let dir = profile_dir.join("Default").join(cache);
        if let Err(error) = std::fs::remove_dir_all(&dir)
            && error.kind() != std::io::ErrorKind::NotFound
        {
            crate::debug!("cannot remove {}: {error}", dir.display());
        }
    }
}

/// Our tab, and what has been seen of it.
struct Page {
    target: String,
    session: String,
    /// Set when the page finished loading and has not started another load since.
    loaded_at: Option<Instant>,
}

impl Page {
    /// A new tab, attached and paused before it runs anything, then set up.
    fn open(browser: &mut DevTools) -> Result<Page, SamlError> {
        let _ = browser.call(
            None,
            "Browser.setDownloadBehavior",
            json!({"behavior": "deny"}),
        );
        browser.call(
            None,
            "Target.setAutoAttach",
            json!({"autoAttach": true, "waitForDebuggerOnStart": true, "flatten": true}),
        )?;
        let created = browser.call(None, "Target.createTarget", json!({"url": "about:blank"}))?;
        let target = created["targetId"].as_str().unwrap_or_default().to_owned();
        let session = match auto_attached(browser, &target)? {
            Some(session) => session,
            None => browser.call(
                None,
                "Target.attachToTarget",
                json!({"targetId": target, "flatten": true}),
            )?["sessionId"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        };
        let page = Page {
            target,
            session,
            loaded_at: None,
        };
        let session = Some(page.session.as_str());
        browser.call(
            session,
            "Fetch.enable",
            json!({"patterns": [{"urlPattern": "*", "requestStage": "Request"}]}),
        )?;
        browser.call(session, "Page.enable", json!({}))?;
        // The IdP's page holds the SAML response: nothing may reach the disk cache.
        browser.call(session, "Network.enable", json!({}))?;
        browser.call(
            session,
            "Network.setCacheDisabled",
            json!({"cacheDisabled": true}),
        )?;
        let _ = browser.call(session, "Runtime.runIfWaitingForDebugger", json!({}));
        Ok(page)
    }

    /// Not waited for: the navigation's answer comes after its request, which
    /// waits in the Fetch domain for [`Page::on_request`].
    fn navigate(&mut self, browser: &mut DevTools, url: &str) -> Result<(), SamlError> {
        browser.send(Some(&self.session), "Page.navigate", json!({"url": url}))?;
        Ok(())
    }

    fn wait(&mut self, browser: &mut DevTools, run: &Run<'_>) -> Result<Outcome, SamlError> {
        let deadline = Instant::now() + run.timeout;
        loop {
            let now = Instant::now();
            if now >= deadline {
                return Ok(Outcome::TimedOut);
            }
            if run.headless && self.loaded_at.is_some_and(|at| now - at >= QUIET_PAGE) {
                return Ok(Outcome::WaitsForPerson);
            }
            let event = match browser.next_event(Duration::from_millis(250)) {
                Ok(Some(event)) => event,
                Ok(None) => continue,
                Err(super::devtools::DevToolsError::Closed) if !run.headless => {
                    return Ok(Outcome::Closed);
                }
                Err(error) => return Err(error.into()),
            };
            if let Some(outcome) = self.on_event(browser, run, &event)? {
                return Ok(outcome);
            }
        }
    }

    fn on_event(
        &mut self,
        browser: &mut DevTools,
        run: &Run<'_>,
        event: &Event,
    ) -> Result<Option<Outcome>, SamlError> {
        let ours = event.session.as_deref() == Some(self.session.as_str());
        match event.method.as_str() {
            "Fetch.requestPaused" => return self.on_request(browser, run, event),
            "Target.attachedToTarget" => self.on_new_target(browser, &event.params)?,
            "Page.javascriptDialogOpening" => {
                browser.send(
                    event.session.as_deref(),
                    "Page.handleJavaScriptDialog",
                    json!({"accept": false}),
                )?;
            }
            "Page.loadEventFired" if ours => self.loaded_at = Some(Instant::now()),
            "Page.frameStartedLoading" if ours => self.loaded_at = None,
            "Target.detachedFromTarget"
                if event.params["sessionId"].as_str() == Some(self.session.as_str()) =>
            {
                return Ok(Some(Outcome::Closed));
            }
            "Target.targetDestroyed"
                if event.params["targetId"].as_str() == Some(self.target.as_str()) =>
            {
                return Ok(Some(Outcome::Closed));
            }
            _ => {}
        }
        Ok(None)
    }

    /// A window or tab the page opened is closed before it runs; anything else
    /// that waits for a debugger (workers) goes on.
    fn on_new_target(&mut self, browser: &mut DevTools, params: &Value) -> Result<(), SamlError> {
        let info = &params["targetInfo"];
        let target = info["targetId"].as_str().unwrap_or_default();
        if target == self.target {
            return Ok(());
        }
        if info["type"].as_str() == Some("page") {
            crate::debug!("SAML: closing a window the IdP page opened");
            browser.send(None, "Target.closeTarget", json!({"targetId": target}))?;
        } else if params["waitingForDebugger"].as_bool() == Some(true)
            && let Some(session) = params["sessionId"].as_str()
        {
            browser.send(Some(session), "Runtime.runIfWaitingForDebugger", json!({}))?;
        }
        Ok(())
    }

    /// The SAML response posted to the endpoint is taken and its request failed;
    /// anything else bound for the endpoint is failed too; other http(s) requests
    /// go on, and requests of any other scheme are failed.
    fn on_request(
        &mut self,
        browser: &mut DevTools,
        run: &Run<'_>,
        event: &Event,
    ) -> Result<Option<Outcome>, SamlError> {
        self.loaded_at = self.loaded_at.map(|_| Instant::now());
        let params = &event.params;
        let id = params["requestId"].as_str().unwrap_or_default().to_owned();
        let request = &params["request"];
        let url = request["url"].as_str().unwrap_or_default();
        let session = event.session.as_deref();
        crate::debug!(
            "SAML: {} {}",
            request["method"].as_str().unwrap_or_default(),
            crate::term_text::shown(url.split('?').next().unwrap_or_default())
        );
        let fail = |browser: &mut DevTools| {
            browser.send(
                session,
                "Fetch.failRequest",
                json!({"requestId": id, "errorReason": "Aborted"}),
            )
        };
        if run.endpoint.matches(url) {
            fail(browser)?;
            if request["method"].as_str() != Some("POST") {
                return Ok(None);
            }
            crate::debug!("SAML: caught the POST to {}", run.endpoint);
            return match saml_response(request) {
                Some(response) => Ok(Some(Outcome::Response(response))),
                None => Err(SamlError::NoSamlResponse {
                    endpoint: run.endpoint.to_string(),
                }),
            };
        }
        if url.starts_with("https://") || url.starts_with("http://") {
            browser.send(session, "Fetch.continueRequest", json!({"requestId": id}))?;
        } else {
            fail(browser)?;
        }
        Ok(None)
    }
}

/// The session the browser attached to `target` by itself (paused until it runs),
/// keeping every other event for later; `None` when the browser does not.
fn auto_attached(browser: &mut DevTools, target: &str) -> Result<Option<String>, SamlError> {
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut others = Vec::new();
    let mut found = None;
    while found.is_none() && Instant::now() < deadline {
        let Some(event) = browser.next_event(Duration::from_millis(100))? else {
            continue;
        };
        if event.method == "Target.attachedToTarget"
            && event.params["targetInfo"]["targetId"].as_str() == Some(target)
        {
            found = event.params["sessionId"].as_str().map(str::to_owned);
        } else {
            others.push(event);
        }
    }
    browser.requeue(others);
    Ok(found)
}

/// The `SAMLResponse` value of a form POST, from `postData` or `postDataEntries`.
fn saml_response(request: &Value) -> Option<SamlResponse> {
    let body: Vec<u8> = match request["postData"].as_str() {
        Some(text) => text.as_bytes().to_vec(),
        None => request["postDataEntries"]
            .as_array()?
            .iter()
            .filter_map(|entry| entry["bytes"].as_str())
            .filter_map(|bytes| STANDARD.decode(bytes).ok())
            .flatten()
            .collect(),
    };
    url::form_urlencoded::parse(&body)
        .find(|(name, _)| name == "SAMLResponse")
        .map(|(_, value)| SamlResponse::new(value.into_owned()))
        .filter(|response| !response.as_base64().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_partitions_endpoint_and_its_regional_hosts() {
        let endpoint = Endpoint {
            url: url::Url::parse("https://signin.aws.amazon.com/saml").unwrap(),
            regional_suffix: Some(".signin.aws.amazon.com".into()),
        };
        assert!(endpoint.matches("https://signin.aws.amazon.com/saml"));
        assert!(endpoint.matches("https://SIGNIN.aws.amazon.com/saml?x=1"));
        assert!(endpoint.matches("https://us-east-2.signin.aws.amazon.com/saml"));
        for other in [
            "http://signin.aws.amazon.com/saml",
            "https://signin.aws.amazon.com/saml/",
            "https://signin.aws.amazon.com/samlx",
            "https://signin.aws.amazon.com.evil.example/saml",
            "https://evil.example/saml",
            "https://a.b.signin.aws.amazon.com.evil/saml",
            "https://signin.aws.amazon.com:444/saml",
            "https://signin.amazonaws.cn/saml",
        ] {
            assert!(!endpoint.matches(other), "{other}");
        }
    }

    #[test]
    fn each_partition_takes_posts_at_its_own_sign_in_host_from_the_sdks_data() {
        let named = |name| Endpoint::of_partition(Partition::named(name).unwrap());
        let eusc = named("aws-eusc");
        assert!(eusc.matches("https://signin.amazonaws-eusc.eu/saml"));
        assert!(!eusc.matches("https://signin.aws.amazon.com/saml"));
        assert!(named("aws-cn").matches("https://signin.amazonaws.cn/saml"));
        assert!(named("aws-us-gov").matches("https://signin.amazonaws-us-gov.com/saml"));
        assert!(named("aws").matches("https://eu-west-1.signin.aws.amazon.com/saml"));
    }

    #[test]
    fn the_response_comes_from_either_form_of_post_data() {
        let plain = json!({"postData": "RelayState=&SAMLResponse=PHg%2BPC94Pg%3D%3D"});
        assert_eq!(saml_response(&plain).unwrap().as_base64(), "PHg+PC94Pg==");
        let entries = json!({"postDataEntries": [
            {"bytes": STANDARD.encode("SAMLResponse=abc")},
            {"bytes": STANDARD.encode("%3D&x=1")}
        ]});
        assert_eq!(saml_response(&entries).unwrap().as_base64(), "abc=");
        assert!(saml_response(&json!({"postData": "SAMLRequest=abc"})).is_none());
    }
}
