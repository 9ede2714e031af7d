"""Scenarios that stop and start the service itself: SIGTERM with requests in flight, a rolling
restart of two replicas behind nginx, and a database file left read-only by a crash."""

from __future__ import annotations

import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
from collections import Counter

import harness
from harness import (
    HOST,
    RUN_ID,
    SHARED_PG_URL,
    Fixture,
    Ledger,
    Report,
    Server,
    Skip,
    audit,
    integrity_check,
    free_port,
    hist,
    join_all,
    keep_log,
    log,
    must,
    now,
    pg_shared_reachable,
    psql,
    raw_request_bytes,
    read_all,
    read_pg,
    read_sqlite,
    request,
    run_workers,
)

# --------------------------------------------------------------------------------------------
# SIGTERM with 50 orders in flight and a live board open, ten times in a row
# --------------------------------------------------------------------------------------------

SIGTERM_REQUESTS = 50
SIGTERM_ROUNDS = int(os.environ.get("FAULTS_SIGTERM_ROUNDS", "10"))
SIGTERM_EXIT_BAR = 2.0
SIGTERM_WAIT = 40.0
# For diagnosis only: wait this long after the last request was sent before SIGTERM (default 0).
SIGTERM_DELAY = float(os.environ.get("FAULTS_SIGTERM_DELAY_MS", "0")) / 1000.0
# On PostgreSQL each round holds one batch's row this long from before the orders are sent, so
# that the orders for it (one in five) are still running when the server stops taking new
# connections (0.3 s drain), while the rest are done: an HTTP worker whose orders are all done
# stops at once, and the others must finish theirs on connections it may have opened.
SIGTERM_HOLD_S = 0.8
SIGTERM_HELD_EVERY = 5


def open_board(port, token, sid, rep: Report):
    """The live board's stream, read until its first totals; returns the socket, or None."""
    sse = socket.create_connection((HOST, port), timeout=10)
    sse.sendall(raw_request_bytes(port, "GET", f"/api/v1/live-sessions/{sid}/stream", token, None,
                                  {"Accept": "text/event-stream"}))
    got = b""
    deadline = now() + 10
    while b"event: totals" not in got and now() < deadline:
        sse.settimeout(max(0.1, deadline - now()))
        try:
            chunk = sse.recv(65536)
        except (socket.timeout, TimeoutError):
            break
        if not chunk:
            break
        got += chunk
    if rep.check(got.startswith(b"HTTP/1.1 200") and b"event: totals" in got,
                 f"could not open the live stream: {got[:80]!r}"):
        return sse
    sse.close()
    return None


def hold_batch_row(schema: str, batch: int, seconds: float) -> subprocess.Popen:
    """Locks the batch's row from another session for `seconds` (PostgreSQL)."""
    sql = (f"SET search_path = {schema}; BEGIN; UPDATE batches SET stock_qty = stock_qty WHERE id = {int(batch)}; "
           f"SELECT pg_sleep({seconds}); COMMIT;")
    holder = subprocess.Popen(["psql", SHARED_PG_URL, "-q", "-c", sql], stdout=subprocess.DEVNULL,
                              stderr=subprocess.STDOUT)
    locked = f"SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid " \
             f"WHERE a.query LIKE '%pg_sleep({seconds})%' AND l.locktype = 'transactionid'"
    deadline = now() + 5
    while now() < deadline and psql(SHARED_PG_URL, locked)[0][0] == "0":
        time.sleep(0.01)
    return holder


def sigterm_round(srv: Server, fx: Fixture, sid: int, n_round: int, rep: Report, schema=None) -> dict:
    """One round: a board open, 50 orders fully sent, SIGTERM. Returns what was seen."""
    sse = open_board(srv.port, fx.helper, sid, rep)
    holder = hold_batch_row(schema, fx.batches[0], SIGTERM_HOLD_S) if schema else None
    sse_end: dict = {}

    def sse_reader():
        data, how = read_all(sse, SIGTERM_WAIT + 5)
        sse_end["at"], sse_end["how"] = now(), how
        sse_end["terminated"] = data.endswith(b"0\r\n\r\n")

    sse_t = threading.Thread(target=sse_reader, daemon=True) if sse else None
    if sse_t:
        sse_t.start()
    sent = threading.Barrier(SIGTERM_REQUESTS + 1, timeout=20)
    results: list[dict] = [{} for _ in range(SIGTERM_REQUESTS)]

    def order(n):
        res = results[n]
        key = f"st-{RUN_ID}-{n_round:02d}-{n:03d}"
        batch = fx.batches[0] if n % SIGTERM_HELD_EVERY == 0 else fx.batches[-1]
        body = {"buyer_id": fx.buyer, "channel": "livestream", "live_session_id": sid, "note": key,
                "lines": [{"batch_id": batch, "quantity": 1 + n % 3}]}
        res["key"] = key
        try:
            sock = socket.create_connection((HOST, srv.port), timeout=10)
            sock.sendall(raw_request_bytes(srv.port, "POST", "/api/v1/orders", fx.helper, body,
                                           {"Idempotency-Key": key}))
            res["sent"] = now()
        except OSError as e:
            res["send_error"] = harness.classify(e)
            try:
                sent.wait()
            except threading.BrokenBarrierError:
                pass
            return
        try:
            sent.wait()
        except threading.BrokenBarrierError:
            pass
        data, how = read_all(sock, SIGTERM_WAIT)
        sock.close()
        res["end"], res["how"] = now(), how
        res["status"] = int(data[9:12]) if data.startswith(b"HTTP/1.1 ") and len(data) >= 12 else None
        if res["status"] is not None:
            payload = data.partition(b"\r\n\r\n")[2]
            try:
                parsed = json.loads(payload.decode())
            except (ValueError, UnicodeDecodeError):
                parsed = {}
            res["id"] = parsed.get("id") if res["status"] == 201 else None
            res["detail"] = parsed.get("detail") if res["status"] != 201 else None

    threads = run_workers(SIGTERM_REQUESTS, order)
    try:
        sent.wait()
    except threading.BrokenBarrierError:
        pass
    if SIGTERM_DELAY:
        time.sleep(SIGTERM_DELAY)
    t_term = now()
    os.kill(srv.proc.pid, signal.SIGTERM)
    try:
        rc = srv.proc.wait(timeout=SIGTERM_WAIT)
    except subprocess.TimeoutExpired:
        rc = None
    t_exit = now()
    join_all(threads, 10)
    if sse_t:
        sse_t.join(5)
    if holder is not None:
        holder.wait(10)
    if srv.alive():
        srv.kill9()
    return {"results": results, "rc": rc, "exit_s": t_exit - t_term, "t_term": t_term,
            "sse": sse_end if sse else None}


def scenario_sigterm(backend: str, rep: Report):
    workdir = tempfile.mkdtemp(prefix=f"zhunong-faults-sigterm-{backend}-")
    srv = None
    schema = None
    try:
        if backend == "sqlite":
            dbpath = os.path.join(workdir, "sigterm.db")
            srv = Server(f"sigterm-{backend}", workdir, f"sqlite://{dbpath}?mode=rwc")
        else:
            if not pg_shared_reachable():
                raise Skip(f"PostgreSQL not reachable at {SHARED_PG_URL}")
            schema = f"faults_{RUN_ID}_st"
            psql(SHARED_PG_URL, f"CREATE SCHEMA {schema}")
            # More HTTP workers than cores: some finish their share of the orders before others,
            # and stop while the others still use connections that they opened.
            srv = Server(f"sigterm-{backend}", workdir, SHARED_PG_URL,
                         {"ZHUNONG_DATABASE_SCHEMA": schema, "ZHUNONG_WORKERS": "6"})
        srv.start()
        srv.wait_ready()
        fx = Fixture(srv.port, batches=2)
        h = fx.helper
        s = must(request(srv.port, "POST", "/api/v1/live-sessions", h,
                         {"platform": "douyin", "host": "第一书记", "title": "故障演练直播",
                          "planned_start": "2026-11-28T12:00:00Z"}), 201, "live session")
        sid = s["id"]
        for batch in fx.batches:
            must(request(srv.port, "POST", f"/api/v1/live-sessions/{sid}/featured", h,
                         {"batch_id": batch, "live_price_fen": 500, "per_buyer_limit": None}), 200, "feature")
        must(request(srv.port, "POST", f"/api/v1/live-sessions/{sid}/start", h, {}), 200, "start")
        rounds = []
        for n in range(SIGTERM_ROUNDS):
            if n > 0:
                srv.start()
                srv.wait_ready()
            if schema:
                # Every worker opens pooled connections, as under real traffic.
                warm = [f"warm-{RUN_ID}-{n:02d}-{i:02d}" for i in range(SIGTERM_REQUESTS)]
                join_all(run_workers(len(warm), lambda i: request(
                    srv.port, "POST", "/api/v1/orders", h, fx.order_body(warm[i], i),
                    {"Idempotency-Key": warm[i]})), 30)
            rounds.append(sigterm_round(srv, fx, sid, n, rep, schema))
        results = [r for rd in rounds for r in rd["results"]]
        fully_sent = [r for r in results if "sent" in r]
        created = [r for r in fully_sent if r.get("status") == 201]
        other = [r for r in fully_sent if r.get("status") != 201]
        exits = [rd["exit_s"] for rd in rounds]
        boards = [rd["sse"] for rd in rounds if rd["sse"] is not None]
        rep.fig("rounds", f"{len(rounds)}" + (f", the batch row held {SIGTERM_HOLD_S} s across each SIGTERM"
                                              if schema else ""))
        rep.fig("requests fully sent before SIGTERM", f"{len(fully_sent)} of {SIGTERM_REQUESTS * len(rounds)}")
        rep.fig("answered 201", f"{len(created)}; otherwise {hist(r.get('status') or r.get('how') for r in other)}")
        if other:
            rep.fig("first refusal", f"{other[0].get('status')} {other[0].get('detail')}")
        rep.fig("exit codes", hist(rd["rc"] for rd in rounds))
        rep.fig("SIGTERM -> exit", f"max {max(exits):.3f}s, median {sorted(exits)[len(exits) // 2]:.3f}s")
        if boards:
            ends = [b["at"] - rd["t_term"] for rd, b in zip(rounds, boards) if "at" in b]
            rep.fig("live boards closed", f"{sum(1 for b in boards if b.get('terminated'))} of {len(boards)} "
                                          f"with the chunked terminator, at most {max(ends or [0]):.3f}s after SIGTERM")
        rep.check(len(fully_sent) == SIGTERM_REQUESTS * len(rounds), "some requests could not be sent")
        rep.check(not other, f"{len(other)} requests received before SIGTERM were not answered 201: "
                             f"{hist(r.get('status') or r.get('how') for r in other)}")
        rep.check(all(rd["rc"] == 0 for rd in rounds), f"exit codes {[rd['rc'] for rd in rounds]} (want 0)")
        rep.check(max(exits) < SIGTERM_EXIT_BAR, f"an exit took {max(exits):.3f}s after SIGTERM (bar < {SIGTERM_EXIT_BAR}s)")
        rep.check(all(b.get("terminated") for b in boards), "a live board's stream was not ended cleanly")
        if backend == "sqlite":
            con = sqlite3.connect(f"file:{dbpath}?mode=rw", uri=True, timeout=30)
            try:
                integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
                ids = {r[0] for r in con.execute("SELECT id FROM orders").fetchall()}
            finally:
                con.close()
            rep.fig("PRAGMA integrity_check", integrity)
            rep.check(integrity == "ok", f"integrity_check: {integrity}")
        else:
            ids = {int(r[0]) for r in psql(SHARED_PG_URL, "SELECT id FROM orders", schema)}
        lost = [r["key"] for r in created if r.get("id") not in ids]
        rep.fig("201 answers lost", len(lost))
        rep.check(not lost, f"{len(lost)} orders answered 201 are not in the database")
    finally:
        if srv is not None and srv.alive():
            srv.kill9()
        if srv is not None and rep.failures:
            keep_log(srv)
        if schema:
            try:
                psql(SHARED_PG_URL, f"DROP SCHEMA {schema} CASCADE")
            except Exception:  # noqa: BLE001 - cleanup only
                pass
        shutil.rmtree(workdir, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# A rolling restart: two replicas on PostgreSQL behind nginx, restarted in turn under load
# --------------------------------------------------------------------------------------------

ROLLING_RESTARTS = int(os.environ.get("FAULTS_ROLLING_RESTARTS", "10"))
ROLLING_CLIENTS = 50
# How long a replica runs between its restart and the next replica's: long enough to be seen
# serving, as an operator's rollout waits for health.
ROLLING_SETTLE_S = 1.0


def nginx_config(workdir: str, port: int, upstreams: list[int]) -> str:
    """`deploy/nginx.conf` as it is, with the replicas' loopback ports in place of Docker's name
    (whose `resolve` needs a newer nginx) and a loopback listener: the same upstream, keepalive,
    timeouts and headers that production runs."""
    with open(os.path.join(harness.ROOT, "deploy", "nginx.conf"), encoding="utf-8") as f:
        src = f.read()
    out = []
    for line in src.splitlines():
        t = line.strip()
        if t.startswith("resolver "):
            continue
        if t.startswith("server app:8080"):
            params = t.removeprefix("server app:8080").replace(" resolve", "").rstrip(";")
            out += [f"    server 127.0.0.1:{p}{params};" for p in upstreams]
            continue
        out.append(f"    listen {HOST}:{port};" if t == "listen 80;" else line)
    body = "\n".join(out)
    return (f"daemon off;\npid {workdir}/nginx.pid;\nerror_log {workdir}/nginx-error.log warn;\n"
            f"worker_processes 1;\nevents {{ worker_connections 4096; }}\n"
            f"http {{\n  access_log off;\n  client_body_temp_path {workdir}/nginx-body;\n"
            f"  proxy_temp_path {workdir}/nginx-proxy;\n{body}\n}}\n")


def scenario_rolling(rep: Report):
    if not pg_shared_reachable():
        raise Skip(f"PostgreSQL not reachable at {SHARED_PG_URL}")
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if nginx is None:
        raise Skip("nginx is not installed (tests/faults/run.sh installs it with apt)")
    workdir = tempfile.mkdtemp(prefix="zhunong-faults-rolling-")
    schema = f"faults_{RUN_ID}_roll"
    replicas: list[Server] = []
    proxy = None
    stop = threading.Event()
    try:
        psql(SHARED_PG_URL, f"CREATE SCHEMA {schema}")
        env = {"ZHUNONG_DATABASE_SCHEMA": schema, "ZHUNONG_TRUSTED_PROXIES": '["127.0.0.1"]'}
        for name in ("replica-a", "replica-b"):
            srv = Server(name, workdir, SHARED_PG_URL, env)
            srv.start()
            srv.wait_ready()
            replicas.append(srv)
        port = free_port()
        conf = os.path.join(workdir, "nginx.conf")
        with open(conf, "w", encoding="utf-8") as f:
            f.write(nginx_config(workdir, port, [s.port for s in replicas]))
        proxy = subprocess.Popen([nginx, "-p", workdir, "-c", conf], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.STDOUT)
        deadline = now() + 10
        while request(port, "GET", "/ready", timeout=2).status != 200:
            if now() > deadline or proxy.poll() is not None:
                raise RuntimeError("nginx did not come up in front of the replicas")
            time.sleep(0.05)
        fx = Fixture(port, batches=4)
        ledger = Ledger()
        prefix = f"roll-{RUN_ID}-"
        answers: list[tuple[float, str, str]] = []  # (end, label, detail)
        lock = threading.Lock()

        def client(n):
            conn = http.client.HTTPConnection(HOST, port, timeout=35)
            i = 0
            while not stop.is_set():
                i += 1
                key = f"{prefix}{n:02d}-{i:05d}"
                body = {"buyer_id": fx.buyer, "channel": "phone", "note": key,
                        "lines": [{"batch_id": fx.batches[i % len(fx.batches)], "quantity": 1 + i % 3}]}
                # Until it is acknowledged: a refused attempt is counted, then sent again with its key.
                for _attempt in range(200):
                    start = now()
                    try:
                        conn.request("POST", "/api/v1/orders", json.dumps(body, ensure_ascii=False).encode(),
                                     {"Authorization": f"Bearer {fx.helper}", "Content-Type": "application/json",
                                      "Idempotency-Key": key})
                        resp = conn.getresponse()
                        raw = resp.read()
                        status, label = resp.status, str(resp.status)
                    except (OSError, http.client.HTTPException) as e:
                        conn.close()
                        conn = http.client.HTTPConnection(HOST, port, timeout=35)
                        status, label, raw = None, harness.classify(e), b""
                    reply = harness.Reply(status, {}, raw, None if status else label, start, now())
                    ledger.attempt(reply)
                    with lock:
                        answers.append((reply.end, label, "" if status == 201 else raw[:160].decode(errors="replace")))
                    if status == 201:
                        j = reply.json() or {}
                        with ledger.lock:
                            ledger.acked[key] = {"id": j.get("id"), "status": 201, "at": reply.end,
                                                 "replayed": False,
                                                 "lines": [(ln.get("batch_id"), ln.get("quantity"))
                                                           for ln in j.get("lines", [])]}
                        break
                    time.sleep(0.05)
            conn.close()

        threads = run_workers(ROLLING_CLIENTS, client)
        time.sleep(ROLLING_SETTLE_S)
        restarts = []
        for n in range(ROLLING_RESTARTS):
            srv = replicas[n % 2]
            t0 = now()
            rc, took = srv.terminate(SIGTERM_WAIT)
            if rc is None:
                srv.kill9()
            srv.start()
            t_ready = srv.wait_ready(30)
            restarts.append({"replica": srv.name, "rc": rc, "exit_s": took, "down_s": t_ready - t0,
                             "t_term": t0, "t_ready": t_ready})
            time.sleep(ROLLING_SETTLE_S)
        stop.set()
        join_all(threads, 60)
        labels = Counter(a[1] for a in answers)
        refused = [a for a in answers if a[1] != "201"]
        rep.fig("rolling restarts", f"{len(restarts)} (replicas alternately, SIGTERM, start, ready, "
                                    f"{ROLLING_SETTLE_S:.0f} s)")
        rep.fig("SIGTERM -> exit", f"max {max(r['exit_s'] for r in restarts):.3f}s; "
                                   f"exit codes {hist(r['rc'] for r in restarts)}")
        rep.fig("requests through nginx", f"{len(answers)}: {dict(labels)}")
        rep.fig("orders acknowledged", len(ledger.acked))
        if refused:
            rep.fig("first refusals", "; ".join(f"{a[1]} {a[2][:100]}" for a in refused[:3]))

            def when(t):
                r = min(restarts, key=lambda r: abs(t - r["t_term"]))
                return f"{t - r['t_term']:+.3f}s from SIGTERM of {r['replica']} (exit after {r['exit_s']:.3f}s)"
            rep.fig("refusals, ended", "; ".join(when(a[0]) for a in refused[:12]))
        rep.check(not refused, f"{len(refused)} of {len(answers)} requests were not answered 201 "
                               f"during the restarts: {dict(Counter(a[1] for a in refused))}")
        rep.check(all(r["rc"] == 0 for r in restarts), f"exit codes {[r['rc'] for r in restarts]} (want 0)")
        rep.check(all(r["exit_s"] < SIGTERM_EXIT_BAR * 3 for r in restarts),
                  f"a replica took {max(r['exit_s'] for r in restarts):.3f}s to stop")
        integrity_check(rep, SHARED_PG_URL, schema)
        audit(read_pg(SHARED_PG_URL, schema, fx.batches), ledger, fx, prefix, rep)
    finally:
        stop.set()
        if proxy is not None and proxy.poll() is None:
            proxy.terminate()
            try:
                proxy.wait(10)
            except subprocess.TimeoutExpired:
                proxy.kill()
        for srv in replicas:
            if srv.alive():
                srv.kill9()
            if rep.failures:
                keep_log(srv)
        if rep.failures and os.path.exists(os.path.join(workdir, "nginx-error.log")):
            with open(os.path.join(workdir, "nginx-error.log"), encoding="utf-8", errors="replace") as f:
                tail = [ln for ln in f.read().splitlines() if "Connection refused" not in ln][-5:]
            log("  nginx errors (other than refused connections):\n" + "\n".join("    | " + ln for ln in tail))
        try:
            psql(SHARED_PG_URL, f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        except Exception:  # noqa: BLE001 - cleanup only
            pass
        shutil.rmtree(workdir, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# A database file left read-only (a disk remounted read-only after a crash, or a clean stop)
# --------------------------------------------------------------------------------------------


def make_read_only(dbpath: str, workdir: str, writable: bool):
    mode = 0o600 if writable else 0o400
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(dbpath + suffix):
            os.chmod(dbpath + suffix, mode)
    os.chmod(workdir, 0o700 if writable else 0o500)


def check_read_only_service(srv: Server, fx: Fixture, admin: str, order_id: int, how: str, rep: Report):
    """A service on a read-only file: it says so, reads work, writes and logins are 503
    `read_only`, and nothing answers 500."""
    ready = request(srv.port, "GET", "/ready")
    rep.fig(f"{how}: /ready", f"{ready.status} {ready.body.decode(errors='replace')}")
    rep.check(ready.status == 200 and (ready.json() or {}).get("status") == "read_only",
              f"{how}: /ready does not say read-only: {ready.label} {ready.body[:100]!r}")
    read = request(srv.port, "GET", f"/api/v1/orders/{order_id}", fx.helper)
    rep.check(read.status == 200, f"{how}: reading an order answered {read.label}")
    writes = {
        "login": request(srv.port, "POST", "/api/v1/auth/login", None,
                         {"username": "admin", "password": harness.ADMIN_PASSWORD}),
        "order": request(srv.port, "POST", "/api/v1/orders", fx.helper, fx.order_body(f"ro2-{RUN_ID}", 0),
                         {"Idempotency-Key": f"ro-{RUN_ID}-{len(how)}"}),
        "collective": request(srv.port, "POST", "/api/v1/collectives", admin, {"name": "只读村"}),
    }
    rep.fig(f"{how}: writes", ", ".join(f"{k} {r.label} {r.code}" for k, r in writes.items()))
    for what, r in writes.items():
        rep.check(r.status == 503 and r.code == "read_only" and r.content_type.startswith("application/problem+json"),
                  f"{how}: {what} answered {r.label} {r.code} (want 503 read_only)")


def scenario_readonly(rep: Report):
    workdir = tempfile.mkdtemp(prefix="zhunong-faults-readonly-")
    srv = None
    # As root, file modes do not stop writes: the service then runs as `nobody`, whose files
    # these are (the binary is copied where `nobody` may run it).
    as_root = os.geteuid() == 0
    try:
        os.chmod(workdir, 0o700)
        extra_env, user = {}, None
        binary = harness.BIN
        if as_root:
            nobody = pwd.getpwnam("nobody")
            user = nobody.pw_uid
            bindir = tempfile.mkdtemp(prefix="zhunong-faults-bin-")
            os.chmod(bindir, 0o755)
            binary = os.path.join(bindir, "zhunong")
            shutil.copy2(harness.BIN, binary)
            os.chmod(binary, 0o755)
            os.chown(workdir, nobody.pw_uid, nobody.pw_gid)
        dbpath = os.path.join(workdir, "readonly.db")
        srv = Server("readonly", workdir, f"sqlite://{dbpath}?mode=rwc", extra_env)
        srv.binary, srv.user = binary, user
        srv.start()
        srv.wait_ready()
        fx = Fixture(srv.port, batches=1)
        admin = fx.login("admin", harness.ADMIN_PASSWORD)
        placed = must(request(srv.port, "POST", "/api/v1/orders", fx.helper, fx.order_body(f"ro-{RUN_ID}", 0),
                              {"Idempotency-Key": f"ro-{RUN_ID}"}), 201, "order")
        cases = (("after a crash", "kill9"), ("after a clean stop", "sigterm"),
                 ("with no WAL left (a clean close)", "close"))
        for how, stop in cases:
            if stop == "kill9":
                srv.kill9()
            else:
                srv.stop()
            if stop == "close":
                # What a clean close leaves: everything checkpointed, no -wal or -shm file.
                con = sqlite3.connect(dbpath)
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                con.close()
                rep.check(not os.path.exists(dbpath + "-wal"), "the WAL is still there after a clean close")
            make_read_only(dbpath, workdir, writable=False)
            srv.start()
            try:
                srv.wait_ready(30)
            except RuntimeError as e:
                rep.check(False, f"{how}: the service did not start on a read-only file: {e}")
                make_read_only(dbpath, workdir, writable=True)
                continue
            check_read_only_service(srv, fx, admin, placed["id"], how, rep)
            srv.stop()
            make_read_only(dbpath, workdir, writable=True)
        # Writable again: the service writes, and the order from before is whole.
        srv.start()
        srv.wait_ready()
        again = request(srv.port, "POST", "/api/v1/collectives", admin, {"name": "恢复村"})
        rep.check(again.status == 201, f"writable again, a write answered {again.label}")
        srv.stop()
        view = read_sqlite(dbpath, fx.batches)
        rep.fig("PRAGMA integrity_check", view.integrity)
        rep.check(view.integrity == "ok", f"integrity_check: {view.integrity}")
        rep.check(any(o[0] == placed["id"] for o in view.orders), "the order placed before is gone")
        log_text = open(srv.log_path, encoding="utf-8", errors="replace").read()
        rep.check("panicked" not in log_text, "the server panicked")
        rep.check("status=500" not in log_text and "internal_error" not in log_text,
                  "the log shows an internal error")
    finally:
        if srv is not None and srv.alive():
            srv.kill9()
        if srv is not None and rep.failures:
            keep_log(srv)
        make_read_only(os.path.join(workdir, "readonly.db"), workdir, writable=True)
        shutil.rmtree(workdir, ignore_errors=True)


SCENARIOS = {
    "sigterm-sqlite": lambda rep: scenario_sigterm("sqlite", rep),
    "sigterm-pg": lambda rep: scenario_sigterm("postgres", rep),
    "rolling": scenario_rolling,
    "readonly": scenario_readonly,
}
