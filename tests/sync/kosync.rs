//! A real KOReader sync server for the tests: `redis-server` with no
//! persistence and the `kosync` crate's server, each on a free localhost
//! port, killed when the value drops. `.ci/run` installs both; a test
//! that needs them fails when they are missing, unless
//! `LONGFORM_SKIP_KOSYNC=1` says to skip it (loudly).

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a server may take to come up: long, for a busy machine.
const START: Duration = Duration::from_secs(30);

pub struct Kosync {
    redis: Child,
    server: Option<Child>,
    port: u16,
    redis_port: u16,
    pub url: String,
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// `name` on the PATH, or in cargo's bin folder (`cargo install` puts
/// kosync there, which a CI shell may not have on its PATH).
fn find(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        dirs.push(PathBuf::from(home).join("bin"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < START, "{what} did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Kosync {
    /// Start redis and kosync, or `None` when the tests are told to skip
    /// them.
    pub fn start(test: &str) -> Option<Kosync> {
        if std::env::var_os("LONGFORM_SKIP_KOSYNC").is_some_and(|v| v == "1") {
            eprintln!(
                "\n!!! SKIPPED {test}: LONGFORM_SKIP_KOSYNC=1, so no kosync server runs. \
                 CI never skips it. !!!\n"
            );
            return None;
        }
        let missing = |name: &str| {
            format!(
                "{name} is not installed: .ci/run installs it \
                 (apt-get install -y redis-server; cargo install --locked kosync), \
                 or set LONGFORM_SKIP_KOSYNC=1 to skip the sync tests"
            )
        };
        let redis_bin =
            find("redis-server").unwrap_or_else(|| panic!("{}", missing("redis-server")));
        let kosync_bin = find("kosync").unwrap_or_else(|| panic!("{}", missing("kosync")));
        let redis_port = free_port();
        let redis = Command::new(redis_bin)
            .args(["--port", &redis_port.to_string(), "--bind", "127.0.0.1"])
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start redis-server");
        wait_for("redis-server", || {
            TcpStream::connect(("127.0.0.1", redis_port)).is_ok()
        });
        let port = free_port();
        let mut kosync = Kosync {
            redis,
            server: None,
            port,
            redis_port,
            url: format!("http://127.0.0.1:{port}"),
        };
        kosync.server = Some(kosync.spawn_server(&kosync_bin));
        kosync.wait_healthy();
        Some(kosync)
    }

    fn spawn_server(&self, bin: &PathBuf) -> Child {
        Command::new(bin)
            .args(["-p", &self.port.to_string()])
            .args(["-r", &format!("redis://127.0.0.1:{}/0", self.redis_port)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start kosync")
    }

    fn wait_healthy(&self) {
        let url = format!("{}/healthcheck", self.url);
        wait_for("kosync", || {
            ureq::get(&url)
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_to_string().ok())
                .is_some_and(|b| b.contains("OK"))
        });
    }

    /// Kill the server (redis keeps the data): the network is down.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.server.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Start the server again on the same port.
    pub fn restart(&mut self) {
        self.stop();
        let bin = find("kosync").expect("kosync");
        self.server = Some(self.spawn_server(&bin));
        self.wait_healthy();
    }
}

impl Drop for Kosync {
    fn drop(&mut self) {
        self.stop();
        let _ = self.redis.kill();
        let _ = self.redis.wait();
    }
}
