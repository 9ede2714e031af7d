//! The `zhunong` binary as an operator runs it, with its log captured: what the log never shows,
//! and what a misconfigured start says.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_zhunong");

/// A `zhunong serve` on a fresh SQLite file and a free port, its output collected.
pub(crate) struct Served {
    child: Child,
    pub port: u16,
    /// The port `/metrics` is on, when `ZHUNONG_METRICS_BIND` was given.
    pub metrics_port: Option<u16>,
    log: Arc<Mutex<String>>,
    dir: std::path::PathBuf,
}

/// The port in a line such as `… on http://127.0.0.1:8080/…`, after `marker`.
fn port_after(line: &str, marker: &str) -> Option<u16> {
    let rest = line.split(marker).nth(1)?;
    let addr = rest.split_whitespace().next()?;
    let addr = addr.split('/').next()?;
    addr.rsplit(':').next()?.parse().ok()
}

impl Served {
    fn start() -> Self {
        Self::start_with(&[])
    }

    pub(crate) fn start_with(env: &[(&str, &str)]) -> Self {
        let dir = std::env::temp_dir().join(format!("zhunong-process-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let mut child = Command::new(BIN)
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env(
                "ZHUNONG_DATABASE_URL",
                format!("sqlite://{}/z.db?mode=rwc", dir.display()),
            )
            .env("ZHUNONG_BIND", "127.0.0.1:0")
            .env("ZHUNONG_ADMIN_PASSWORD", crate::helpers::ADMIN_PASSWORD)
            .env("ZHUNONG_LOG_LEVEL", "info")
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {BIN}: {e}"));
        let log = Arc::new(Mutex::new(String::new()));
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        let stdout = child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>);
        let stderr = child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>);
        for stream in [stdout, stderr].into_iter().flatten() {
            let (log, port_tx) = (log.clone(), port_tx.clone());
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if let Some(port) = port_after(&line, "listening on http://") {
                        let _ = port_tx.send((false, port));
                    }
                    if let Some(port) = port_after(&line, "Metrics on http://") {
                        let _ = port_tx.send((true, port));
                    }
                    let mut l = log.lock().unwrap_or_else(|p| p.into_inner());
                    l.push_str(&line);
                    l.push('\n');
                }
            });
        }
        let wants_metrics = env.iter().any(|(k, _)| *k == "ZHUNONG_METRICS_BIND");
        let (mut port, mut metrics_port) = (None, None);
        while port.is_none() || (wants_metrics && metrics_port.is_none()) {
            let (is_metrics, p) = port_rx
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| {
                    panic!(
                        "the server did not say where it listens: {}",
                        log.lock().map(|l| l.clone()).unwrap_or_default()
                    )
                });
            if is_metrics {
                metrics_port = Some(p);
            } else {
                port = Some(p);
            }
        }
        Self {
            child,
            port: port.unwrap_or_default(),
            metrics_port,
            log,
            dir,
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Stops the server (SIGTERM) and returns everything it wrote.
    pub(crate) fn stop(mut self) -> String {
        let pid = libc::pid_t::try_from(self.child.id()).unwrap_or(0);
        // SAFETY: kill only sends SIGTERM, as an operator would, to our own child process.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::thread::sleep(Duration::from_millis(200));
        let _ = std::fs::remove_dir_all(&self.dir);
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

#[tokio::test]
async fn a_token_sent_in_a_url_is_refused_and_never_written_to_the_log() {
    let served = Served::start();
    let client = reqwest::Client::new();
    let login = client
        .post(served.url("/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "admin", "password": crate::helpers::ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let body: serde_json::Value = login.json().await.unwrap_or_default();
    let token = body["access_token"].as_str().unwrap_or_default().to_owned();
    assert!(token.len() > 40, "{body}");
    for path in [
        format!("/api/v1/me?access_token={token}"),
        format!("/api/v1/orders?page=1&token={token}"),
        format!("/app/office?key={token}"),
        format!("/api/v1/nothing-here?api_key={token}"),
    ] {
        let r = client
            .get(served.url(&path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.status(), 401, "{path}");
    }
    // A request the log records in full, to show the log is being written at all.
    let ok = client
        .get(served.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ok.status(), 200);
    let log = served.stop();
    assert!(
        log.contains("/api/v1/me"),
        "the access log was not captured:\n{log}"
    );
    assert!(
        log.contains("[redacted]"),
        "the redacted target is not in the log:\n{log}"
    );
    let signature = token.rsplit('.').next().unwrap_or_default();
    assert!(
        !log.contains(&token) && !log.contains(signature),
        "the token is in the log:\n{log}"
    );
}

#[test]
fn an_unknown_setting_is_named_with_the_closest_real_one() {
    let out = Command::new(BIN)
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("ZHUNONG_DATABSE_URL", "sqlite::memory:")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("ZHUNONG_DATABSE_URL is not a setting; did you mean ZHUNONG_DATABASE_URL?"),
        "{said}"
    );
    assert!(
        said.len() < 300,
        "one line, not a list of every setting: {said}"
    );
}
