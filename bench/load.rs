//! Load through the service with wrk: closed-loop clients, each sending the next order as soon
//! as the last is answered.

use crate::Scenario;
use crate::server::Server;
use anyhow::Context;
use std::process::Command;

pub struct Measured {
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub non_2xx: u64,
}

fn lua_script(srv: &Server, scenario: Scenario) -> String {
    let (first, count) = match scenario {
        Scenario::Hot => (srv.hot_batch, 1),
        Scenario::Spread => (srv.first_spread_batch, crate::server::SPREAD),
    };
    format!(
        r#"wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
local first, count, buyer = {first}, {count}, {buyer}
request = function()
  local b = first + math.random(0, count - 1)
  return wrk.format(nil, "/api/v1/orders", nil,
    string.format('{{"buyer_id":%d,"channel":"phone","lines":[{{"batch_id":%d,"quantity":1}}]}}', buyer, b))
end
"#,
        token = srv.token,
        buyer = srv.buyer_id,
    )
}

/// "1.23ms" → 1.23, "850.00us" → 0.85, "1.02s" → 1020.
fn parse_duration_ms(s: &str) -> Option<f64> {
    let (num, factor) = if let Some(n) = s.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return None;
    };
    num.parse::<f64>().ok().map(|v| v * factor)
}

pub fn run(
    srv: &Server,
    scenario: Scenario,
    clients: usize,
    seconds: u64,
) -> anyhow::Result<Measured> {
    run_at(srv, &srv.base, scenario, clients, seconds)
}

/// The service's orders, sent to the server at `base` (the service, or the minimal server).
pub fn run_at(
    srv: &Server,
    base: &str,
    scenario: Scenario,
    clients: usize,
    seconds: u64,
) -> anyhow::Result<Measured> {
    let script = write_script(&format!("{scenario:?}"), &lua_script(srv, scenario))?;
    let out = wrk(base, &script, clients, seconds)
        .output()
        .context("run wrk (bench/run.sh installs it)")?;
    parse(&out)
}

/// Writes a wrk script to a temporary file named after `name`.
pub fn write_script(name: &str, text: &str) -> anyhow::Result<std::path::PathBuf> {
    let path = std::env::temp_dir().join(format!("zhunong-bench-{name}.lua"));
    std::fs::write(&path, text)?;
    Ok(path)
}

/// wrk with `clients` closed-loop connections on two threads for `seconds`, ready to run.
pub fn wrk(base: &str, script: &std::path::Path, clients: usize, seconds: u64) -> Command {
    let mut cmd = Command::new("wrk");
    // wrk wants at least one connection per thread.
    cmd.args([
        &format!("-t{}", clients.clamp(1, 2)),
        &format!("-c{clients}"),
        &format!("-d{seconds}s"),
        "--timeout",
        "30s",
        "--latency",
        "-s",
    ])
    .arg(script)
    .arg(base);
    cmd
}

/// The rate, median and p99 latency and non-2xx count wrk printed.
pub fn parse(out: &std::process::Output) -> anyhow::Result<Measured> {
    let text = String::from_utf8_lossy(&out.stdout);
    let find = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find(|l| l.starts_with(prefix))
            .map(str::to_owned)
    };
    let rps = find("Requests/sec:")
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .with_context(|| {
            format!(
                "wrk printed no rate:\n{text}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        })?;
    let pct = |p: &str| {
        find(p)
            .and_then(|l| l.split_whitespace().nth(1).and_then(parse_duration_ms))
            .unwrap_or(f64::NAN)
    };
    let non_2xx = find("Non-2xx or 3xx responses:")
        .and_then(|l| l.rsplit(' ').next().and_then(|v| v.parse().ok()))
        .unwrap_or(0);
    if let Some(e) = find("Socket errors:") {
        eprintln!("wrk: {e}");
    }
    Ok(Measured {
        rps,
        p50_ms: pct("50%"),
        p99_ms: pct("99%"),
        non_2xx,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_parse() {
        assert_eq!(super::parse_duration_ms("850.00us"), Some(0.85));
        assert_eq!(super::parse_duration_ms("1.50ms"), Some(1.5));
        assert_eq!(super::parse_duration_ms("1.02s"), Some(1020.0));
        assert_eq!(super::parse_duration_ms("x"), None);
    }
}
