//! `docker-compose.yml` and `deploy/nginx.conf`, read back: there is no Docker engine here to run
//! them, so this checks what the README promises of them. PostgreSQL, two or more replicas of the
//! service behind nginx on port 8080, health checks, `X-Forwarded-For` believed from nginx only,
//! and the live stream unbuffered.

use yaml_rust2::{Yaml, YamlLoader};

fn read(path: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn compose() -> Yaml {
    let docs = YamlLoader::load_from_str(&read("docker-compose.yml"))
        .unwrap_or_else(|e| panic!("docker-compose.yml is not YAML: {e}"));
    docs.into_iter().next().unwrap_or(Yaml::Null)
}

/// `environment:` as a map of strings.
fn env_of(service: &Yaml, name: &str) -> Option<String> {
    service["environment"][name].as_str().map(str::to_owned)
}

#[test]
fn the_compose_file_runs_replicas_behind_nginx_as_the_readme_says() {
    let c = compose();
    let services = &c["services"];
    for name in ["db", "app", "nginx"] {
        assert!(!services[name].is_badvalue(), "no service {name}");
    }
    let (db, app, nginx) = (&services["db"], &services["app"], &services["nginx"]);

    assert!(
        db["image"]
            .as_str()
            .is_some_and(|i| i.starts_with("postgres:"))
    );
    assert!(
        !db["healthcheck"]["test"].is_badvalue(),
        "db has no health check"
    );

    // The service: built here, on PostgreSQL, two replicas, no host port of its own.
    assert_eq!(app["build"].as_str(), Some("."));
    assert_eq!(app["deploy"]["replicas"].as_i64(), Some(2));
    assert!(
        app["ports"].is_badvalue(),
        "a replica publishing a host port cannot be scaled"
    );
    assert!(
        env_of(app, "ZHUNONG_DATABASE_URL")
            .is_some_and(|u| u.starts_with("postgres://") && u.contains("@db:5432/"))
    );
    assert_eq!(env_of(app, "ZHUNONG_BIND").as_deref(), Some("0.0.0.0:8080"));
    assert!(
        env_of(app, "ZHUNONG_JWT_SECRET").is_some_and(|s| s.contains("${ZHUNONG_JWT_SECRET:?")),
        "the secret must be required, so that replicas share it"
    );
    let health = format!("{:?}", app["healthcheck"]["test"]);
    assert!(health.contains("/ready"), "app health check: {health}");
    assert_eq!(
        app["depends_on"]["db"]["condition"].as_str(),
        Some("service_healthy")
    );

    // Only nginx's address is a trusted proxy, and nginx has that address.
    let trusted = env_of(app, "ZHUNONG_TRUSTED_PROXIES").unwrap_or_default();
    let nginx_ip = nginx["networks"]["backend"]["ipv4_address"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        !nginx_ip.is_empty(),
        "nginx needs a fixed address to be trusted"
    );
    let parsed: Vec<String> = serde_json::from_str(&trusted).unwrap_or_default();
    assert_eq!(
        parsed,
        vec![nginx_ip.clone()],
        "ZHUNONG_TRUSTED_PROXIES = {trusted}"
    );
    let subnet = c["networks"]["backend"]["ipam"]["config"][0]["subnet"]
        .as_str()
        .unwrap_or_default();
    assert!(
        subnet.starts_with(nginx_ip.rsplit_once('.').map_or("", |(net, _)| net)),
        "{nginx_ip} in {subnet}"
    );

    // nginx: the way in, on 8080, with its own health check, after the replicas are healthy.
    let ports: Vec<&str> = nginx["ports"]
        .as_vec()
        .map(|p| p.iter().filter_map(Yaml::as_str).collect())
        .unwrap_or_default();
    assert_eq!(ports, vec!["8080:80"]);
    assert!(format!("{:?}", nginx["healthcheck"]["test"]).contains("/ready"));
    assert_eq!(
        nginx["depends_on"]["app"]["condition"].as_str(),
        Some("service_healthy")
    );
    let volumes = format!("{:?}", nginx["volumes"]);
    assert!(
        volumes.contains("./deploy/nginx.conf:/etc/nginx/conf.d/default.conf"),
        "{volumes}"
    );
}

#[test]
fn nginx_overwrites_the_client_address_and_does_not_buffer_the_live_stream() {
    let conf = read("deploy/nginx.conf");
    let code: Vec<&str> = conf
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .collect();
    let has = |line: &str| code.contains(&line);
    // $remote_addr, not $proxy_add_x_forwarded_for: a client's own header is thrown away.
    assert!(
        has("proxy_set_header X-Forwarded-For $remote_addr;"),
        "{conf}"
    );
    assert!(!conf.contains("$proxy_add_x_forwarded_for"));
    assert!(
        has("server app:8080 resolve max_fails=0;"),
        "every replica, re-resolved as they scale, never marked failed while it restarts"
    );
    // nginx drops an idle connection before the service would (5 s), so it never reuses one the
    // service is closing; the fault suite's rolling restart runs this file.
    assert!(has("keepalive_timeout 4s;"), "{conf}");
    // The stream's location turns buffering off and waits as long as a show.
    let stream = conf
        .split("location ~ ^/api/v1/live-sessions/[0-9]+/stream$")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .unwrap_or_else(|| panic!("no location for the live stream:\n{conf}"));
    assert!(stream.contains("proxy_buffering off;"), "{stream}");
    assert!(stream.contains("proxy_read_timeout 6h;"), "{stream}");
}

#[test]
fn the_readme_explains_scaling_and_the_compose_file() {
    let readme = read("README.md");
    assert!(
        readme.contains("--scale app="),
        "README does not explain --scale app=N"
    );
    assert!(readme.contains("docker compose up --build"));
    assert!(readme.contains("deploy/nginx.conf"));
}

/// `promtool` on a deploy file; required in CI, which installs it.
fn promtool(args: &[&str]) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    match std::process::Command::new("promtool")
        .args(args)
        .current_dir(root)
        .output()
    {
        Ok(out) => assert!(
            out.status.success(),
            "promtool {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => assert!(
            std::env::var("CI").is_err(),
            "promtool is required in CI: {e}"
        ),
    }
}

#[test]
fn prometheus_scrapes_every_replica_on_the_metrics_port_and_the_alerts_load() {
    let c = compose();
    let app = &c["services"]["app"];
    let bind = env_of(app, "ZHUNONG_METRICS_BIND").unwrap_or_default();
    let port = bind.rsplit(':').next().unwrap_or_default().to_owned();
    assert!(!port.is_empty(), "the app has no metrics bind");
    // On the backend network only: no host port, and nginx never passes it.
    assert!(app["ports"].is_badvalue(), "the app publishes a host port");
    assert!(!read("deploy/nginx.conf").contains(&port));
    let prom = &c["services"]["prometheus"];
    let mounts: Vec<&str> = prom["volumes"]
        .as_vec()
        .into_iter()
        .flatten()
        .filter_map(Yaml::as_str)
        .collect();
    for file in ["./deploy/prometheus.yml", "./deploy/alerts.yml"] {
        assert!(
            mounts.iter().any(|m| m.starts_with(file)),
            "{file} is not mounted"
        );
    }
    let config = read("deploy/prometheus.yml");
    assert!(config.contains(&format!("port: {port}")) && config.contains("names: [\"app\"]"));
    promtool(&["check", "config", "deploy/prometheus.yml"]);
    promtool(&["check", "rules", "deploy/alerts.yml"]);
    // Every alert and dashboard query reads a metric the service exposes.
    let exposed = [
        "zhunong_http_requests_total",
        "zhunong_http_request_duration_seconds_bucket",
        "zhunong_orders_placed_total",
        "zhunong_stock_refusals_total",
        "zhunong_db_pool_connections",
        "zhunong_db_acquire_waiting",
        "zhunong_db_acquire_seconds_bucket",
        "zhunong_webhook_outbox_depth",
        "zhunong_webhook_outbox_oldest_age_seconds",
        "zhunong_backup_last_good_age_seconds",
        "zhunong_database_breaker_open",
        "zhunong_live_sessions_open",
    ];
    let dashboard: serde_json::Value = serde_json::from_str(&read("deploy/grafana-dashboard.json"))
        .unwrap_or_else(|e| panic!("the dashboard is not JSON: {e}"));
    let mut queries: Vec<String> = dashboard["panels"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["targets"].as_array().cloned().unwrap_or_default())
        .filter_map(|t| t["expr"].as_str().map(str::to_owned))
        .collect();
    assert!(queries.len() >= 8, "{queries:?}");
    queries.extend(
        read("deploy/alerts.yml")
            .lines()
            .filter(|l| l.contains("zhunong_"))
            .map(str::to_owned),
    );
    for q in &queries {
        let names: Vec<&str> = q
            .split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
            .filter(|w| w.starts_with("zhunong_"))
            .collect();
        assert!(!names.is_empty(), "{q}");
        for n in names {
            assert!(
                exposed.contains(&n),
                "{n} (in {q}) is not a metric the service exposes"
            );
        }
    }
}
