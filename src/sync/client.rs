//! The client side of the KOReader sync protocol (kosync) over HTTP:
//! register, log in, push a place and pull one, with KOReader's headers.
//! Every request has a 3 s deadline and a 64 KB cap on what it reads; a
//! redirect is followed only on the same server; plain `http://` goes only
//! to this machine unless the user allowed it. Each fault is one `Fault`,
//! a line that says what went wrong; nothing here touches a record.

use std::fmt;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use ureq::http::{Method, Request, Uri};

/// How long any request may take, from connecting to the last byte.
pub const TIMEOUT: Duration = Duration::from_secs(3);
/// The most a reply may weigh: a kosync reply is a few hundred bytes.
pub const MAX_BODY: u64 = 64 * 1024;
/// What KOReader accepts, and what kosync servers expect to see.
const ACCEPT: &str = "application/vnd.koreader.v1+json";
/// Redirects followed on the same server before giving up.
const MAX_REDIRECTS: usize = 3;

/// A sync server's address, checked: http or https, a host, and plain
/// http only on this machine unless allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Server {
    /// `scheme://host[:port][/path]`, without a trailing slash.
    base: String,
    scheme: String,
    host: String,
    port: u16,
}

impl Server {
    /// Check `url`. `insecure_http` allows plain http to another machine
    /// (`sync.insecure_http = true`); `warning` then says so.
    pub fn parse(url: &str, insecure_http: bool) -> Result<Server, Fault> {
        let trimmed = url.trim().trim_end_matches('/');
        let bad = || Fault::BadUrl(crate::parse::sanitize(url));
        let uri: Uri = trimmed.parse().map_err(|_| bad())?;
        let scheme = uri
            .scheme_str()
            .map(str::to_ascii_lowercase)
            .ok_or_else(bad)?;
        let default_port = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return Err(bad()),
        };
        let host = uri.host().filter(|h| !h.is_empty()).ok_or_else(bad)?;
        if uri.query().is_some() {
            return Err(bad());
        }
        let server = Server {
            base: trimmed.to_string(),
            scheme,
            host: host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_ascii_lowercase(),
            port: uri.port_u16().unwrap_or(default_port),
        };
        if server.is_plain_http_elsewhere() && !insecure_http {
            return Err(Fault::Insecure(server.base.clone()));
        }
        Ok(server)
    }

    /// The address as the user gave it, without a trailing slash.
    pub fn url(&self) -> &str {
        &self.base
    }

    /// `host:port`, for messages.
    pub fn name(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// Plain http to another machine: the password key would travel in
    /// clear.
    pub fn is_plain_http_elsewhere(&self) -> bool {
        self.scheme == "http" && !is_local(&self.host)
    }

    /// What to say about a server allowed by `sync.insecure_http`.
    pub fn warning(&self) -> Option<String> {
        self.is_plain_http_elsewhere().then(|| {
            format!(
                "{} is plain http: your user name and password key travel unencrypted \
                 (sync.insecure_http = true)",
                self.base
            )
        })
    }

    /// Whether `url` is on this server: the same scheme, host and port.
    fn owns(&self, url: &Uri) -> bool {
        let scheme = url.scheme_str().map(str::to_ascii_lowercase);
        let default_port = if scheme.as_deref() == Some("https") {
            443
        } else {
            80
        };
        scheme.as_deref() == Some(self.scheme.as_str())
            && url.host().is_some_and(|h| {
                h.trim_start_matches('[')
                    .trim_end_matches(']')
                    .eq_ignore_ascii_case(&self.host)
            })
            && url.port_u16().unwrap_or(default_port) == self.port
    }
}

fn is_local(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// What went wrong with a sync request, as one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Not an http(s) URL with a host.
    BadUrl(String),
    /// Plain http to another machine without `sync.insecure_http`.
    Insecure(String),
    /// The server is down, unknown or unreachable.
    Offline { server: String, why: String },
    /// The server took longer than `TIMEOUT`.
    Slow { server: String },
    /// Wrong user name or password.
    Unauthorized { server: String },
    /// Registering a name that is taken.
    UserExists { server: String, user: String },
    /// A redirect to another host, or too many.
    Redirect { server: String, to: String },
    /// A web page, or something else that is no kosync reply.
    NotKosync { server: String, what: String },
    /// A reply over `MAX_BODY`.
    TooBig { server: String },
    /// A place outside the document (a percentage not in 0..1), as some
    /// client pushed it.
    BadPlace { server: String, percentage: String },
    /// Any other HTTP status.
    Status {
        server: String,
        code: u16,
        said: String,
    },
}

impl Fault {
    /// The network or the server could not be reached in time: worth a
    /// quiet word, not an alarm.
    pub fn is_offline(&self) -> bool {
        matches!(self, Fault::Offline { .. } | Fault::Slow { .. })
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::BadUrl(url) => write!(
                f,
                "{url:?} is not a sync server address: give one like https://sync.example.org"
            ),
            Fault::Insecure(url) => write!(
                f,
                "{url} is plain http to another machine, so your password key would travel \
                 unencrypted: use https://, or set sync.insecure_http = true"
            ),
            Fault::Offline { server, why } => {
                write!(f, "cannot reach the sync server {server} ({why})")
            }
            Fault::Slow { server } => write!(
                f,
                "the sync server {server} did not answer within {} s",
                TIMEOUT.as_secs()
            ),
            Fault::Unauthorized { server } => write!(
                f,
                "the sync server {server} refused the user name or password \
                 (longform sync login logs in again)"
            ),
            Fault::UserExists { server, user } => write!(
                f,
                "the user {user} already exists on {server} (longform sync login logs in)"
            ),
            Fault::Redirect { server, to } => write!(
                f,
                "the sync server {server} redirects to {to}, not the same server; not following"
            ),
            Fault::NotKosync { server, what } => write!(
                f,
                "{server} answered {what}, not a kosync reply: is this a KOReader sync server?"
            ),
            // What matters first, for a narrow status bar.
            Fault::BadPlace { server, percentage } => write!(
                f,
                "not taken: a place outside the document ({percentage}) from the sync \
                 server {server}"
            ),
            Fault::TooBig { server } => write!(
                f,
                "the sync server {server} sent more than {} KB; not reading it",
                MAX_BODY / 1024
            ),
            Fault::Status { server, code, said } if said.is_empty() => {
                write!(f, "the sync server {server} answered HTTP {code}")
            }
            Fault::Status { server, code, said } => {
                write!(f, "the sync server {server} answered HTTP {code}: {said}")
            }
        }
    }
}

impl std::error::Error for Fault {}

/// What is pushed for a document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Push {
    pub document: String,
    pub progress: String,
    pub percentage: f64,
    pub device: String,
    pub device_id: String,
}

/// A record pulled from the server.
#[derive(Clone, Debug, PartialEq)]
pub struct Remote {
    pub progress: String,
    pub percentage: f64,
    pub device: String,
    pub device_id: String,
    /// When the server got it (unix seconds); 0 when it does not say.
    pub timestamp: u64,
}

/// A user on a server.
#[derive(Clone, Debug)]
pub struct Client {
    server: Server,
    user: String,
    /// The MD5 of the password, which is what KOReader sends.
    key: String,
    agent: ureq::Agent,
}

/// A reply read within the limits.
struct Reply {
    status: u16,
    body: Vec<u8>,
    html: bool,
}

impl Client {
    pub fn new(server: Server, user: &str, key: &str) -> Client {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(TIMEOUT))
            .max_redirects(0)
            .http_status_as_error(false)
            .user_agent(format!("longform/{}", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client {
            server,
            user: user.to_string(),
            key: key.to_string(),
            agent,
        }
    }

    pub fn server(&self) -> &Server {
        &self.server
    }

    /// Create the account (`POST /users/create`).
    pub fn register(&self) -> Result<(), Fault> {
        let body = serde_json::json!({ "username": self.user, "password": self.key });
        let reply = self.request(Method::POST, "/users/create", Some(body.to_string()))?;
        match reply.status {
            200 | 201 => self.json(&reply).map(|_| ()),
            // kosync says 409; KOReader's own server, 402.
            402 | 409 => Err(Fault::UserExists {
                server: self.server.name(),
                user: self.user.clone(),
            }),
            _ => Err(self.status(&reply)),
        }
    }

    /// Check the user name and key (`GET /users/auth`).
    pub fn login(&self) -> Result<(), Fault> {
        let reply = self.request(Method::GET, "/users/auth", None)?;
        match reply.status {
            200 => self.json(&reply).map(|_| ()),
            _ => Err(self.status(&reply)),
        }
    }

    /// Push a place (`PUT /syncs/progress`). Returns the server's time for
    /// it (unix seconds), or 0 when it does not say.
    pub fn push(&self, push: &Push) -> Result<u64, Fault> {
        let body = serde_json::to_string(push).unwrap_or_default();
        let reply = self.request(Method::PUT, "/syncs/progress", Some(body))?;
        match reply.status {
            200..=202 => {
                let value = self.json(&reply)?;
                Ok(value
                    .get("timestamp")
                    .and_then(number)
                    .map_or(0, |t| t as u64))
            }
            _ => Err(self.status(&reply)),
        }
    }

    /// Pull the place of `document` (`GET /syncs/progress/<document>`);
    /// `None` when no device pushed one.
    pub fn pull(&self, document: &str) -> Result<Option<Remote>, Fault> {
        let path = format!("/syncs/progress/{document}");
        let reply = self.request(Method::GET, &path, None)?;
        if reply.status != 200 {
            return Err(self.status(&reply));
        }
        let value = self.json(&reply)?;
        let text = |key: &str| {
            value
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let progress = text("progress");
        let Some(percentage) = value.get("percentage").and_then(number) else {
            return Ok(None);
        };
        if progress.is_empty() {
            return Ok(None);
        }
        // A fraction of the document: anything else is no place.
        if !(0.0..=1.0).contains(&percentage) {
            return Err(Fault::BadPlace {
                server: self.server.name(),
                percentage: format!("{}%", percentage * 100.0),
            });
        }
        Ok(Some(Remote {
            progress,
            percentage,
            device: text("device"),
            device_id: text("device_id"),
            timestamp: value
                .get("timestamp")
                .and_then(number)
                .map_or(0, |t| t as u64),
        }))
    }

    /// Send one request, following redirects on the same server only, and
    /// read the reply within the limits.
    fn request(&self, method: Method, path: &str, body: Option<String>) -> Result<Reply, Fault> {
        let mut url = format!("{}{path}", self.server.base);
        for _ in 0..=MAX_REDIRECTS {
            let builder = Request::builder()
                .method(method.clone())
                .uri(&url)
                .header("Accept", ACCEPT)
                .header("x-auth-user", &self.user)
                .header("x-auth-key", &self.key);
            let sent = match &body {
                Some(json) => builder
                    .header("Content-Type", "application/json")
                    .body(json.clone())
                    .map_err(|_| Fault::BadUrl(url.clone()))
                    .and_then(|req| self.agent.run(req).map_err(|e| self.fault(&e))),
                None => builder
                    .body(())
                    .map_err(|_| Fault::BadUrl(url.clone()))
                    .and_then(|req| self.agent.run(req).map_err(|e| self.fault(&e))),
            };
            let mut response = sent?;
            let status = response.status().as_u16();
            if (300..400).contains(&status) {
                let location = response
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                let next = resolve(&url, location);
                match next.parse::<Uri>() {
                    Ok(uri) if self.server.owns(&uri) => {
                        url = next;
                        continue;
                    }
                    parsed => {
                        let to = parsed
                            .ok()
                            .and_then(|u| u.host().map(str::to_string))
                            .unwrap_or_else(|| "somewhere unreadable".to_string());
                        return Err(Fault::Redirect {
                            server: self.server.name(),
                            to: crate::parse::sanitize(&to),
                        });
                    }
                }
            }
            if response
                .body()
                .content_length()
                .is_some_and(|n| n > MAX_BODY)
            {
                return Err(self.too_big());
            }
            let html = response
                .body()
                .mime_type()
                .is_some_and(|m| m.eq_ignore_ascii_case("text/html"));
            let body = response
                .body_mut()
                .with_config()
                .limit(MAX_BODY)
                .read_to_vec()
                .map_err(|e| self.fault(&e))?;
            let html = html || looks_like_html(&body);
            return Ok(Reply { status, body, html });
        }
        Err(Fault::Redirect {
            server: self.server.name(),
            to: "itself, again and again".to_string(),
        })
    }

    /// The reply as a JSON object, or the fault of a reply that is none.
    fn json(&self, reply: &Reply) -> Result<Value, Fault> {
        let not = |what: &str| Fault::NotKosync {
            server: self.server.name(),
            what: what.to_string(),
        };
        if reply.html {
            return Err(not("a web page"));
        }
        match serde_json::from_slice::<Value>(&reply.body) {
            Ok(value) if value.is_object() => Ok(value),
            _ => Err(not("something that is not JSON")),
        }
    }

    /// The fault of an unexpected status.
    fn status(&self, reply: &Reply) -> Fault {
        let server = self.server.name();
        match reply.status {
            401 | 403 => Fault::Unauthorized { server },
            code if reply.html && (200..300).contains(&code) => Fault::NotKosync {
                server,
                what: "a web page".to_string(),
            },
            code => Fault::Status {
                server,
                code,
                said: said(reply),
            },
        }
    }

    fn too_big(&self) -> Fault {
        Fault::TooBig {
            server: self.server.name(),
        }
    }

    fn fault(&self, err: &ureq::Error) -> Fault {
        let server = self.server.name();
        let offline = |why: &str| Fault::Offline {
            server: server.clone(),
            why: why.to_string(),
        };
        match err {
            ureq::Error::Timeout(_) => Fault::Slow { server },
            ureq::Error::BodyExceedsLimit(_) => self.too_big(),
            ureq::Error::HostNotFound => offline("host not found"),
            ureq::Error::ConnectionFailed => offline("connection failed"),
            ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                Fault::Slow { server }
            }
            ureq::Error::Io(e) => offline(&not_tls(&e.to_string()).unwrap_or_else(|| short_io(e))),
            // Reached, but what came back is not HTTP.
            ureq::Error::Protocol(_) => Fault::NotKosync {
                server,
                what: "something that is not HTTP".to_string(),
            },
            other => {
                let text = other.to_string();
                offline(&not_tls(&text).unwrap_or_else(|| crate::parse::sanitize(&text)))
            }
        }
    }
}

/// A JSON number, or a number written as a string (servers store them as
/// text).
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|n: &f64| n.is_finite())
}

/// A short plain-text reason from the server, made safe to print.
fn said(reply: &Reply) -> String {
    if reply.html {
        return String::new();
    }
    let text = String::from_utf8_lossy(&reply.body);
    let line = text.lines().next().unwrap_or_default().trim();
    let line: String = line.chars().take(80).collect();
    crate::parse::sanitize(&line)
}

fn looks_like_html(body: &[u8]) -> bool {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    body[start..]
        .get(..14)
        .unwrap_or(&body[start..])
        .to_ascii_lowercase()
        .starts_with(b"<")
}

/// What a TLS error that says the server does not speak TLS at all (an
/// `https://` address of a plain HTTP server: rustls reads its reply as
/// a corrupt record) means to a user.
fn not_tls(error: &str) -> Option<String> {
    let plain = ["InvalidContentType", "corrupt message", "CorruptMessage"];
    plain.iter().any(|p| error.contains(p)).then(|| {
        "it does not answer HTTPS there; a server without TLS takes an http:// address".to_string()
    })
}

/// An I/O error without the "(os error N)" noise, in lower case to sit
/// inside a sentence.
fn short_io(err: &std::io::Error) -> String {
    let text = err.to_string();
    let text = match text.find(" (os error") {
        Some(i) => &text[..i],
        None => &text,
    };
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

/// The URL a `Location` header points to, from `url`.
fn resolve(url: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    // `scheme://authority` of the current URL.
    let origin_end = url
        .find("://")
        .and_then(|i| url[i + 3..].find('/').map(|j| i + 3 + j))
        .unwrap_or(url.len());
    let origin = &url[..origin_end];
    if let Some(rest) = location.strip_prefix("//") {
        let scheme = url.split("://").next().unwrap_or("http");
        return format!("{scheme}://{rest}");
    }
    if location.starts_with('/') {
        return format!("{origin}{location}");
    }
    let dir = url
        .rfind('/')
        .filter(|&i| i >= origin_end)
        .map_or(origin, |i| &url[..i]);
    format!("{dir}/{location}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_for_this_machine_only() {
        for ok in [
            "http://localhost:8081",
            "http://127.0.0.1:3030/",
            "http://[::1]:3030",
            "https://sync.example.org",
            "https://sync.example.org:8443/kosync",
        ] {
            let s = Server::parse(ok, false).unwrap_or_else(|e| panic!("{ok}: {e}"));
            assert!(s.warning().is_none(), "{ok}");
        }
        let err = Server::parse("http://sync.example.org", false).unwrap_err();
        assert!(matches!(err, Fault::Insecure(_)), "{err}");
        assert!(
            err.to_string().contains("sync.insecure_http = true"),
            "{err}"
        );
        let allowed = Server::parse("http://sync.example.org", true).unwrap();
        assert!(allowed.warning().unwrap().contains("unencrypted"));
        for bad in [
            "",
            "sync.example.org",
            "ftp://x.org",
            "http://",
            "https://x.org/?a=1",
        ] {
            assert!(
                matches!(Server::parse(bad, true), Err(Fault::BadUrl(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_base_keeps_a_path_and_drops_the_slash() {
        let s = Server::parse("https://Host.example:8443/kosync/", false).unwrap();
        assert_eq!(s.url(), "https://Host.example:8443/kosync");
        assert_eq!(s.name(), "host.example:8443");
        assert!(s.owns(&"https://host.example:8443/x".parse().unwrap()));
        assert!(!s.owns(&"http://host.example:8443/x".parse().unwrap()));
        assert!(!s.owns(&"https://evil.example:8443/x".parse().unwrap()));
        assert!(!s.owns(&"https://host.example/x".parse().unwrap()));
    }

    #[test]
    fn locations_resolve_against_the_request() {
        let url = "http://h:1/syncs/progress";
        assert_eq!(resolve(url, "http://e/x"), "http://e/x");
        assert_eq!(resolve(url, "//e/x"), "http://e/x");
        assert_eq!(resolve(url, "/users/auth"), "http://h:1/users/auth");
        assert_eq!(resolve(url, "other"), "http://h:1/syncs/other");
        assert_eq!(resolve("http://h:1", "a"), "http://h:1/a");
    }

    #[test]
    fn faults_are_one_line() {
        let server = "h:1".to_string();
        let faults = [
            Fault::BadUrl("x".into()),
            Fault::Insecure("http://e".into()),
            Fault::Offline {
                server: server.clone(),
                why: "connection refused".into(),
            },
            Fault::Slow {
                server: server.clone(),
            },
            Fault::Unauthorized {
                server: server.clone(),
            },
            Fault::UserExists {
                server: server.clone(),
                user: "a".into(),
            },
            Fault::Redirect {
                server: server.clone(),
                to: "e".into(),
            },
            Fault::NotKosync {
                server: server.clone(),
                what: "a web page".into(),
            },
            Fault::TooBig {
                server: server.clone(),
            },
            Fault::BadPlace {
                server: server.clone(),
                percentage: "750%".into(),
            },
            Fault::Status {
                server,
                code: 500,
                said: "INTERNAL".into(),
            },
        ];
        for f in faults {
            let text = f.to_string();
            assert!(!text.contains('\n') && !text.is_empty(), "{text}");
        }
    }

    #[test]
    fn html_is_seen_through_whitespace() {
        assert!(looks_like_html(b"  \n<!DOCTYPE html><p>"));
        assert!(!looks_like_html(b"{\"a\":1}"));
        assert!(!looks_like_html(b""));
    }
}
