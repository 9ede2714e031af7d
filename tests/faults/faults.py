#!/usr/bin/env python3
"""Fault-injection suite: the service binary runs as a separate OS process and faults are injected
from outside it (kill -9, a full disk, PostgreSQL going away, SIGTERM with requests in flight).

Python 3.11 standard library only. All traffic goes to 127.0.0.1. Every loop is bounded in count
and in time. Each scenario prints its figures and a PASS/FAIL (or SKIP) line; the last line is
`N passed, M failed`, and the exit status is non-zero if any scenario failed.

    python3 tests/faults/faults.py [--bin PATH] [kill9 | kill9-sqlite | kill9-pg | diskfull | pg | sigterm | replica ...]

`kill9` runs on SQLite and, if the shared PostgreSQL answers, on PostgreSQL too (each run counts as
one scenario). Without arguments every scenario runs.
"""

from __future__ import annotations

import argparse
import datetime
import glob
import http.client
import json
import os
import pwd
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
JWT_SECRET = "fault-suite-secret-0123456789abcdef-0123456789"
ADMIN_PASSWORD = "admin-password-faults-1"
STAFF_PASSWORD = "staff-password-faults-1"
SHARED_PG_URL = (os.environ.get("FAULTS_PG_URL") or os.environ.get("TEST_DATABASE_URL")
                 or "postgres://postgres@127.0.0.1:5432/test")
HOST = "127.0.0.1"
BIN = os.path.join(ROOT, "target", "debug", "zhunong")
RUN_ID = f"{os.getpid():x}{random.randrange(16**6):06x}"


def now() -> float:
    return time.monotonic()


def log(msg: str = "") -> None:
    print(msg, flush=True)


class Skip(Exception):
    """The scenario cannot run here (not a failure)."""


# --------------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------------


class Reply:
    __slots__ = ("status", "headers", "body", "error", "start", "end")

    def __init__(self, status=None, headers=None, body=b"", error=None, start=0.0, end=0.0):
        self.status = status
        self.headers = headers or {}
        self.body = body
        self.error = error
        self.start = start
        self.end = end

    @property
    def label(self) -> str:
        return str(self.status) if self.status is not None else self.error

    @property
    def latency(self) -> float:
        return self.end - self.start

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None

    @property
    def code(self):
        j = self.json()
        return j.get("code") if isinstance(j, dict) else None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def classify(e: BaseException) -> str:
    if isinstance(e, ConnectionRefusedError):
        return "refused"
    if isinstance(e, http.client.RemoteDisconnected):
        return "eof"
    if isinstance(e, ConnectionResetError):
        return "reset"
    if isinstance(e, BrokenPipeError):
        return "broken-pipe"
    if isinstance(e, (socket.timeout, TimeoutError)):
        return "timeout"
    if isinstance(e, http.client.IncompleteRead):
        return "incomplete"
    return type(e).__name__


def request(port, method, path, token=None, body=None, headers=None, timeout=15.0) -> Reply:
    """One request on a fresh connection (closed afterwards); never raises on network errors."""
    hdrs = {"Connection": "close", "Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        hdrs["Content-Type"] = "application/json"
    if token:
        hdrs["Authorization"] = f"Bearer {token}"
    if headers:
        hdrs.update(headers)
    start = now()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=data, headers=hdrs)
        resp = conn.getresponse()
        raw = resp.read()
        return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, raw, None, start, now())
    except Exception as e:  # noqa: BLE001 - every failure is a data point
        return Reply(None, None, b"", classify(e), start, now())
    finally:
        conn.close()


def must(r: Reply, status: int, what: str):
    if r.status != status:
        raise RuntimeError(f"{what}: expected {status}, got {r.label}: {r.body[:300]!r}")
    return r.json()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def hist(labels) -> str:
    c = Counter(labels)
    if not c:
        return "{}"
    return "{" + ", ".join(f"{k}: {v}" for k, v in sorted(c.items(), key=lambda kv: str(kv[0]))) + "}"


# --------------------------------------------------------------------------------------------
# The service process
# --------------------------------------------------------------------------------------------


class Server:
    """The zhunong binary as a child process on a fixed port (kept across restarts)."""

    def __init__(self, name: str, workdir: str, database_url: str, extra_env=None, port=None):
        self.name = name
        self.workdir = workdir
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None
        self.log_path = os.path.join(workdir, f"{name}.log")
        self.starts = 0
        env = {k: v for k, v in os.environ.items() if not k.startswith("ZHUNONG_")}
        env.update(
            {
                "ZHUNONG_DATABASE_URL": database_url,
                "ZHUNONG_BIND": f"{HOST}:{self.port}",
                "ZHUNONG_ADMIN_PASSWORD": ADMIN_PASSWORD,
                "ZHUNONG_JWT_SECRET": JWT_SECRET,
                "ZHUNONG_JWT_TTL_SECS": "3600",
                "ZHUNONG_LOG_LEVEL": "warn",
                "ZHUNONG_PARTNER_RATE_PER_SEC": "10000",
                "ZHUNONG_PARTNER_BURST": "10000",
                "RUST_BACKTRACE": "0",
                "NO_COLOR": "1",
            }
        )
        env.update(extra_env or {})
        self.env = env

    def start(self) -> float:
        self.starts += 1
        logf = open(self.log_path, "ab")
        logf.write(f"\n---- start #{self.starts} ----\n".encode())
        logf.flush()
        t = now()
        self.proc = subprocess.Popen(
            [BIN, "serve"], env=self.env, cwd=self.workdir, stdout=logf, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        logf.close()
        return t

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait_ready(self, timeout=30.0) -> float:
        deadline = now() + timeout
        while now() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode if self.proc else '?'}:\n{self.log_tail()}")
            r = request(self.port, "GET", "/ready", timeout=2.0)
            if r.status == 200:
                return now()
            time.sleep(0.02)
        raise RuntimeError(f"{self.name} not ready within {timeout}s:\n{self.log_tail()}")

    def kill9(self) -> None:
        if self.alive():
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def terminate(self, timeout: float):
        """SIGTERM; returns (exit code or None if still running after `timeout`, seconds taken)."""
        if not self.alive():
            return (self.proc.returncode if self.proc else None), 0.0
        t0 = now()
        os.kill(self.proc.pid, signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, now() - t0
        return rc, now() - t0

    def stop(self, timeout=15.0):
        """Graceful stop, SIGKILL if it does not exit in time. Returns the exit code."""
        rc, _ = self.terminate(timeout)
        if rc is None and self.alive():
            self.kill9()
            rc = "killed"
        return rc

    def log_tail(self, n=15) -> str:
        try:
            with open(self.log_path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
            return "\n".join("    | " + line for line in lines[-n:])
        except OSError:
            return "    | (no log)"


# --------------------------------------------------------------------------------------------
# Data set-up through the API
# --------------------------------------------------------------------------------------------


class Fixture:
    def __init__(self, port: int, batches: int = 4, stock: int = 1_000_000):
        self.port = port
        tag = RUN_ID + f"{random.randrange(10**6):06d}"
        admin = self.login("admin", ADMIN_PASSWORD)
        for role in ("secretary", "helper"):
            must(request(port, "POST", "/api/v1/users", admin,
                         {"username": f"{role}-{tag}", "password": STAFF_PASSWORD, "role": role}),
                 201, f"create {role}")
        self.secretary = self.login(f"secretary-{tag}", STAFF_PASSWORD)
        self.helper = self.login(f"helper-{tag}", STAFF_PASSWORD)
        t = self.secretary
        c = must(request(port, "POST", "/api/v1/collectives", t, {"name": f"村{tag}"}), 201, "collective")
        g = must(request(port, "POST", "/api/v1/growers", t,
                         {"collective_id": c["id"], "name": "王飞", "kind": "household"}), 201, "grower")
        p = must(request(port, "POST", "/api/v1/products", t,
                         {"name": f"上海青{tag}", "pricing": "by_piece"}), 201, "product")
        self.initial = {}
        self.batches = []
        for _ in range(batches):
            b = must(request(port, "POST", "/api/v1/batches", t,
                             {"product_id": p["id"], "grower_id": g["id"], "harvest_date": "2026-11-01",
                              "quantity": stock, "retail_price_fen": 100, "enterprise_price_fen": 80}),
                     201, "batch")
            self.batches.append(b["id"])
            self.initial[b["id"]] = stock
        phone = "139" + f"{random.randrange(10**8):08d}"
        self.buyer = must(request(port, "POST", "/api/v1/buyers", t,
                                  {"kind": "individual", "name": "李女士", "phone": phone}), 201, "buyer")["id"]

    def login(self, user, pw) -> str:
        j = must(request(self.port, "POST", "/api/v1/auth/login", None, {"username": user, "password": pw}),
                 200, f"login {user}")
        return j["access_token"]

    def order_body(self, key: str, i: int, pad: str = "") -> dict:
        return {"buyer_id": self.buyer, "channel": "phone", "note": key + pad,
                "lines": [{"batch_id": self.batches[i % len(self.batches)], "quantity": 1 + i % 3}]}


def key_of_note(note) -> str:
    return (note or "").split(" ", 1)[0]


# --------------------------------------------------------------------------------------------
# Keyed order clients
# --------------------------------------------------------------------------------------------


class Ledger:
    """What the clients saw: every attempt, and each key's outcome."""

    def __init__(self):
        self.lock = threading.Lock()
        self.attempts: list[tuple[float, float, str, Reply]] = []  # (start, end, label, reply)
        self.acked: dict[str, dict] = {}        # key -> {"id", "status", "at", "replayed", "lines"}
        self.rejected: dict[str, str] = {}      # key -> "status body" (a definite 4xx)
        self.gave_up: set[str] = set()          # never answered with 2xx/4xx in time

    def attempt(self, r: Reply):
        with self.lock:
            self.attempts.append((r.start, r.end, r.label, r))

    def labels(self, t0=None, t1=None):
        """Labels of attempts started in [t0, t1]."""
        return [a[2] for a in self.attempts if (t0 is None or a[0] >= t0) and (t1 is None or a[0] <= t1)]

    def overlapping(self, t0, t1):
        """Attempts in progress at some moment of [t0, t1] (started before t1, ended after t0)."""
        return [a for a in self.attempts if a[0] <= t1 and a[1] >= t0]

    def first_ok_after(self, t: float, statuses=(201,)):
        ends = [a[1] for a in self.attempts if a[1] >= t and a[3].status in statuses]
        return (min(ends) - t) if ends else None


RETRYABLE_409 = {"idempotency_key_in_flight"}


def place_keyed(port, token, key, body, ledger: Ledger, deadline: float, max_attempts=2000,
                pause=0.05, timeout=35.0, once=False) -> Reply | None:
    """POSTs the order with its key until it gets a 2xx or a definite 4xx. Unanswered requests
    (connection errors, 5xx, 429, 409 in flight) are retried with the same key. Returns the last reply."""
    last = None
    for _ in range(max_attempts):
        r = request(port, "POST", "/api/v1/orders", token, body, {"Idempotency-Key": key}, timeout=timeout)
        ledger.attempt(r)
        last = r
        if r.status is not None and 200 <= r.status < 300:
            j = r.json() or {}
            with ledger.lock:
                ledger.acked[key] = {"id": j.get("id"), "status": r.status, "at": r.end,
                                     "replayed": r.headers.get("idempotent-replayed") == "true",
                                     "lines": [(l.get("batch_id"), l.get("quantity")) for l in j.get("lines", [])]}
                ledger.gave_up.discard(key)
            return r
        retry = (r.status is None or r.status >= 500 or r.status == 429
                 or (r.status == 409 and r.code in RETRYABLE_409))
        if not retry:
            with ledger.lock:
                ledger.rejected[key] = f"{r.status} {r.body[:200]!r}"
            return r
        if once or now() + pause >= deadline:
            break
        time.sleep(pause + random.random() * pause)
    with ledger.lock:
        if key not in ledger.acked:
            ledger.gave_up.add(key)
    return last


def verify_acked_via_api(port, token, ledger: Ledger):
    """GET every acknowledged order by id. Returns (ok, missing: list[str])."""
    items = list(ledger.acked.items())

    def check(kv):
        key, a = kv
        if a["id"] is None:
            return key, "no id in answer"
        for _ in range(50):
            r = request(port, "GET", f"/api/v1/orders/{a['id']}", token, timeout=15)
            if r.status == 200:
                j = r.json() or {}
                if key_of_note(j.get("note")) != key:
                    return key, f"order {a['id']} belongs to key {key_of_note(j.get('note'))!r}"
                return key, None
            if r.status is None or r.status >= 500:
                time.sleep(0.1)
                continue
            return key, f"GET /orders/{a['id']} -> {r.status}"
        return key, "GET never answered"

    with ThreadPoolExecutor(8) as ex:
        results = list(ex.map(check, items))
    missing = [f"{k}: {why}" for k, why in results if why]
    return len(items) - len(missing), missing


class DbView:
    """The database as the checks need it, read after (or beside) the service."""

    def __init__(self, orders, lines, stock, integrity=None):
        self.orders = orders        # list of (id, note)
        self.lines = lines          # list of (order_id, batch_id, quantity, order_status)
        self.stock = stock          # {batch_id: stock_qty}
        self.integrity = integrity  # SQLite integrity_check result, or None


def read_sqlite(path: str, batches) -> DbView:
    con = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=30)
    try:
        integrity = ";".join(r[0] for r in con.execute("PRAGMA integrity_check").fetchall())
        orders = con.execute("SELECT id, note FROM orders").fetchall()
        lines = con.execute(
            "SELECT l.order_id, l.batch_id, l.quantity, o.status FROM order_lines l JOIN orders o ON o.id = l.order_id"
        ).fetchall()
        ids = ",".join(str(int(b)) for b in batches)
        stock = dict(con.execute(f"SELECT id, stock_qty FROM batches WHERE id IN ({ids})").fetchall())
    finally:
        con.close()
    return DbView(orders, lines, stock, integrity)


def psql(url: str, sql: str, schema: str | None = None, timeout=60) -> list[list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHUNONG_")}
    if schema:
        env["PGOPTIONS"] = f"-c search_path={schema}"
    p = subprocess.run(["psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-tA", "-F", "\t", "-c", sql],
                       env=env, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"psql failed ({p.returncode}): {p.stderr.strip()}")
    return [line.split("\t") for line in p.stdout.splitlines() if line != ""]


def read_pg(url: str, schema: str | None, batches) -> DbView:
    orders = [(int(i), n) for i, n in psql(url, "SELECT id, coalesce(note, '') FROM orders", schema)]
    lines = [(int(a), int(b), int(c), s) for a, b, c, s in psql(
        url, "SELECT l.order_id, l.batch_id, l.quantity, o.status FROM order_lines l JOIN orders o ON o.id = l.order_id", schema)]
    ids = ",".join(str(int(b)) for b in batches)
    stock = {int(i): int(q) for i, q in psql(url, f"SELECT id, stock_qty FROM batches WHERE id IN ({ids})", schema)}
    return DbView(orders, lines, stock)


def audit(view: DbView, ledger: Ledger, fx: Fixture, prefix: str, rep: "Report"):
    """Lost, duplicates, phantom orders and the stock identity, from the database itself."""
    by_key: dict[str, list[int]] = {}
    for oid, note in view.orders:
        k = key_of_note(note)
        if k.startswith(prefix):
            by_key.setdefault(k, []).append(int(oid))
    lost = [k for k, a in ledger.acked.items() if a["id"] not in by_key.get(k, [])]
    dups = sum(len(v) - 1 for v in by_key.values() if len(v) > 1)
    dup_keys = [k for k, v in by_key.items() if len(v) > 1]
    unacked = [k for k in by_key if k not in ledger.acked]
    taken: Counter = Counter()
    for _oid, batch, qty, status in view.lines:
        if status != "cancelled":
            taken[int(batch)] += int(qty)
    acked_taken: Counter = Counter()
    for a in ledger.acked.values():
        for b, q in a["lines"]:
            acked_taken[int(b)] += int(q)
    stock_bad = []
    for b in fx.batches:
        expect = fx.initial[b] - taken[b]
        if view.stock.get(b) != expect:
            stock_bad.append(f"batch {b}: stock {view.stock.get(b)} != {fx.initial[b]} - {taken[b]}")
    rep.fig("orders in database", len(view.orders))
    rep.fig("lost (acknowledged, not in database)", len(lost))
    rep.fig("duplicates (extra orders for one key)", dups)
    rep.fig("orders in database never acknowledged", len(unacked))
    rep.fig("stock == initial - sum(lines)", "yes" if not stock_bad else "; ".join(stock_bad))
    rep.fig("sum(lines) of acknowledged orders == sum(lines) in database",
            "yes" if acked_taken == taken else f"no: acked {dict(acked_taken)} db {dict(taken)}")
    rep.check(not lost, f"{len(lost)} acknowledged orders lost, e.g. {lost[:3]}")
    rep.check(dups == 0, f"{dups} duplicate orders, e.g. keys {dup_keys[:3]}")
    rep.check(not stock_bad, "stock does not add up: " + "; ".join(stock_bad))
    rep.check(acked_taken == taken or bool(unacked) or bool(lost),
              "lines in the database differ from the acknowledged answers")
    if view.integrity is not None:
        rep.fig("PRAGMA integrity_check", view.integrity)
        rep.check(view.integrity == "ok", f"integrity_check: {view.integrity}")


# --------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------


class Report:
    def __init__(self, name: str):
        self.name = name
        self.failures: list[str] = []

    def fig(self, what: str, value) -> None:
        log(f"  {what}: {value}")

    def check(self, ok: bool, why: str) -> bool:
        if not ok:
            self.failures.append(why)
        return ok


LOG_KEEP_DIR = os.environ.get("FAULTS_LOG_DIR", os.path.join(tempfile.gettempdir(), "zhunong-faults-logs"))


def keep_log(srv: "Server") -> None:
    """Keeps a failed scenario's server log (its work directory is removed) and shows its tail."""
    try:
        os.makedirs(LOG_KEEP_DIR, exist_ok=True)
        dest = os.path.join(LOG_KEEP_DIR, f"{srv.name}-{RUN_ID}.log")
        shutil.copyfile(srv.log_path, dest)
    except OSError as e:
        dest = f"(not kept: {e})"
    log(f"  server log: {dest}; last lines:\n{srv.log_tail(6)}")


def run_workers(n, fn):
    ts = [threading.Thread(target=fn, args=(i,), daemon=True) for i in range(n)]
    for t in ts:
        t.start()
    return ts


def join_all(threads, timeout):
    deadline = now() + timeout
    for t in threads:
        t.join(max(0.0, deadline - now()))
    return all(not t.is_alive() for t in threads)


def fmt_s(x) -> str:
    return "never" if x is None else f"{x:.3f}s"


# --------------------------------------------------------------------------------------------
# Scenario 1: kill -9 three times during 2,000 keyed orders from 8 clients
# --------------------------------------------------------------------------------------------

KILL9_ORDERS = int(os.environ.get("FAULTS_KILL9_ORDERS", "2000"))
KILL9_CLIENTS = 8
KILL9_KILLS = 3
KILL9_RECOVERY_BAR = 5.0


def pg_shared_reachable() -> bool:
    try:
        psql(SHARED_PG_URL, "SELECT 1", timeout=10)
        return True
    except Exception:  # noqa: BLE001
        return False


def scenario_kill9(backend: str, rep: Report):
    workdir = tempfile.mkdtemp(prefix=f"zhunong-faults-kill9-{backend}-")
    schema = None
    srv = None
    try:
        if backend == "sqlite":
            dbpath = os.path.join(workdir, "kill9.db")
            srv = Server("kill9-sqlite", workdir, f"sqlite://{dbpath}?mode=rwc")
        else:
            if not pg_shared_reachable():
                raise Skip(f"PostgreSQL not reachable at {SHARED_PG_URL}")
            schema = f"faults_{RUN_ID}_k9"
            psql(SHARED_PG_URL, f"CREATE SCHEMA {schema}")
            srv = Server("kill9-pg", workdir, SHARED_PG_URL, {"ZHUNONG_DATABASE_SCHEMA": schema})
        srv.start()
        srv.wait_ready()
        fx = Fixture(srv.port)
        ledger = Ledger()
        prefix = f"k9{backend[0]}-{RUN_ID}-"
        keys = [f"{prefix}{i:05d}" for i in range(KILL9_ORDERS)]
        counter = iter(range(len(keys)))
        counter_lock = threading.Lock()
        t_begin = now()
        deadline = t_begin + 180.0

        def worker(_n):
            while now() < deadline:
                with counter_lock:
                    i = next(counter, None)
                if i is None:
                    return
                place_keyed(srv.port, fx.helper, keys[i], fx.order_body(keys[i], i), ledger, deadline)

        threads = run_workers(KILL9_CLIENTS, worker)
        kills = []  # dicts: kill, restart, ready
        thresholds = [int(KILL9_ORDERS * f) for f in (0.2, 0.45, 0.7)][:KILL9_KILLS]
        for th in thresholds:
            while len(ledger.acked) < th and now() < deadline and any(t.is_alive() for t in threads):
                time.sleep(0.01)
            if now() >= deadline or not any(t.is_alive() for t in threads):
                break
            t_kill = now()
            acked_at_kill = len(ledger.acked)
            srv.kill9()
            t_restart = srv.start()
            try:
                t_ready = srv.wait_ready(30)
            except RuntimeError as e:
                rep.check(False, f"restart after kill {len(kills) + 1} failed: {e}")
                t_ready = None
            kills.append({"kill": t_kill, "restart": t_restart, "ready": t_ready, "acked": acked_at_kill})
            if t_ready is None:
                break
        finished = join_all(threads, max(1.0, deadline - now()) + 40)
        t_end = now()

        rep.fig("backend", backend if backend == "sqlite" else f"postgres (schema {schema})")
        rep.fig("keys / clients", f"{len(keys)} / {KILL9_CLIENTS}")
        rep.fig("kill -9 done", len(kills))
        for n, k in enumerate(kills, 1):
            first = ledger.first_ok_after(k["restart"])
            k["first201"] = first
            ready = None if k["ready"] is None else k["ready"] - k["restart"]
            during = [a[2] for a in ledger.overlapping(k["kill"], k["restart"] + (first or 0.0))]
            rep.fig(f"kill {n}", f"at {k['kill'] - t_begin:.2f}s after {k['acked']} acks; restart->ready {fmt_s(ready)}, "
                               f"restart->first 201 {fmt_s(first)}; answers in progress kill..first 201 {hist(during)}")
            rep.check(first is not None and first <= KILL9_RECOVERY_BAR,
                      f"kill {n}: first 201 {fmt_s(first)} after restart (bar {KILL9_RECOVERY_BAR}s)")
        rep.fig("all attempts", f"{len(ledger.attempts)} {hist(ledger.labels())}")
        rep.fig("acknowledged", f"{len(ledger.acked)} (of them replays of an earlier commit: "
                                f"{sum(1 for a in ledger.acked.values() if a['replayed'])})")
        rep.fig("rejected (definite 4xx)", len(ledger.rejected))
        rep.fig("never answered (gave up)", len(ledger.gave_up))
        rep.fig("wall time", f"{t_end - t_begin:.1f}s")
        rep.check(len(kills) == KILL9_KILLS, f"only {len(kills)} of {KILL9_KILLS} kills happened")
        rep.check(finished, "client threads did not finish in time")
        rep.check(not ledger.rejected, f"{len(ledger.rejected)} keys rejected, e.g. {list(ledger.rejected.items())[:2]}")
        rep.check(not ledger.gave_up, f"{len(ledger.gave_up)} keys never answered")
        rep.check(len(ledger.acked) == len(keys), f"{len(ledger.acked)} of {len(keys)} acknowledged")

        ok, missing = verify_acked_via_api(srv.port, fx.helper, ledger)
        rep.fig("acknowledged orders fetched by id", f"{ok} of {len(ledger.acked)}")
        rep.check(not missing, f"{len(missing)} acknowledged orders not readable: {missing[:3]}")
        rc = srv.stop()
        rep.fig("final stop exit code", rc)
        if backend == "sqlite":
            view = read_sqlite(dbpath, fx.batches)
        else:
            view = read_pg(SHARED_PG_URL, schema, fx.batches)
        audit(view, ledger, fx, prefix, rep)
    finally:
        if srv is not None and srv.alive():
            srv.kill9()
        if schema:
            try:
                psql(SHARED_PG_URL, f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            except Exception as e:  # noqa: BLE001
                log(f"  (could not drop schema {schema}: {e})")
        if srv is not None and rep.failures:
            keep_log(srv)
        shutil.rmtree(workdir, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Scenario 2: SQLite on a full disk (tmpfs of 20 MiB)
# --------------------------------------------------------------------------------------------

# Each order carries a padded note (and its stored answer repeats it), so the disk fills quickly.
DISK_PAD = " " + "菜" * 150


def fill_disk(path: str) -> int:
    """Appends to `path` until the file system refuses; returns the bytes written."""
    written = 0
    with open(path, "ab", buffering=0) as f:
        for size in (1 << 20, 1 << 16, 1 << 12, 512):
            chunk = b"\0" * size
            for _ in range(64):
                try:
                    f.write(chunk)
                    written += size
                except OSError:
                    break
        try:
            os.fsync(f.fileno())
        except OSError:
            pass
    return written


def scenario_diskfull(rep: Report):
    if os.geteuid() != 0:
        raise Skip("needs root to mount a tmpfs")
    workdir = tempfile.mkdtemp(prefix="zhunong-faults-diskfull-")
    mnt = os.path.join(workdir, "mnt")
    os.mkdir(mnt)
    m = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=20M", "tmpfs", mnt], capture_output=True, text=True)
    if m.returncode != 0:
        shutil.rmtree(workdir, ignore_errors=True)
        raise Skip(f"cannot mount tmpfs: {m.stderr.strip()}")
    srv = None
    try:
        dbpath = os.path.join(mnt, "full.db")
        filler = os.path.join(mnt, "filler")
        srv = Server("diskfull", workdir, f"sqlite://{dbpath}?mode=rwc")
        srv.start()
        srv.wait_ready()
        pid = srv.proc.pid
        fx = Fixture(srv.port)
        ledger = Ledger()
        prefix = f"df-{RUN_ID}-"
        seq = iter(range(1_000_000))
        seq_lock = threading.Lock()

        def new_key():
            with seq_lock:
                i = next(seq)
            return f"{prefix}{i:06d}", i

        # Phase A: orders on a disk with room.
        def phase_a(_n):
            for _ in range(50):
                k, i = new_key()
                place_keyed(srv.port, fx.helper, k, fx.order_body(k, i, DISK_PAD), ledger, now() + 30)

        join_all(run_workers(4, phase_a), 90)
        acked_before = dict(ledger.acked)
        rep.fig("acknowledged before the disk filled", len(acked_before))

        # Phase B: fill the rest of the disk, keep writing (one attempt per key; unanswered keys
        # are retried with the same key once space is back) and keep reading.
        filled = fill_disk(filler)
        t_full = now()
        rep.fig("filler written", f"{filled / 2**20:.1f} MiB; df: {shutil.disk_usage(mnt).free} bytes free")
        pending: list[tuple[str, int]] = []
        full_writes: list[Reply] = []
        reads: list[Reply] = []
        stop_b = threading.Event()
        b_lock = threading.Lock()

        def phase_b_writer(_n):
            for _ in range(600):
                if stop_b.is_set():
                    return
                k, i = new_key()
                r = place_keyed(srv.port, fx.helper, k, fx.order_body(k, i, DISK_PAD), ledger, now() + 1, once=True)
                with b_lock:
                    full_writes.append(r)
                    if k not in ledger.acked and k not in ledger.rejected:
                        pending.append((k, i))
                if r is not None and r.status is not None and r.status >= 500:
                    time.sleep(0.05)

        def phase_b_reader(_n):
            ids = [a["id"] for a in acked_before.values()]
            for j in range(2000):
                if stop_b.is_set() or not ids:
                    return
                r = request(srv.port, "GET", f"/api/v1/orders/{ids[j % len(ids)]}", fx.helper, timeout=15)
                with b_lock:
                    reads.append(r)
                time.sleep(0.02)

        threads = run_workers(4, phase_b_writer) + run_workers(1, phase_b_reader)
        t_b_end = t_full + 12.0
        while now() < t_b_end:
            time.sleep(0.5)
            fill_disk(filler)  # take whatever the database may have given back
            with b_lock:
                failed = sum(1 for r in full_writes if r is None or r.status is None or r.status >= 300)
            if failed >= 60 and now() - t_full >= 6.0:
                break
        stop_b.set()
        join_all(threads, 45)
        t_b_done = now()
        free_at_end = shutil.disk_usage(mnt).free

        labels_b = [r.label for r in full_writes if r is not None]
        failed_b = [r for r in full_writes if r is not None and not (r.status and 200 <= r.status < 300)]
        ok_b = [r for r in full_writes if r is not None and r.status and 200 <= r.status < 300]
        lat_b = max((r.latency for r in full_writes if r is not None), default=0.0)
        rep.fig("writes while full", f"{len(full_writes)} in {t_b_done - t_full:.1f}s {hist(labels_b)}; slowest answer {lat_b:.3f}s")
        rep.fig("  2xx while full (must all be durable)", len(ok_b))
        codes = Counter((r.status, r.code, r.content_type, "retry-after" in r.headers) for r in failed_b)
        for (st, code, ct, ra), n in sorted(codes.items(), key=lambda kv: -kv[1]):
            rep.fig(f"  {n} x", f"status {st} code {code!r} content-type {ct!r} Retry-After {'yes' if ra else 'no'}")
        rep.fig("reads of acknowledged orders while full", f"{len(reads)} {hist(r.label for r in reads)}")
        rep.fig("bytes free at the end of the full phase", free_at_end)
        rep.check(bool(failed_b), "the disk never filled: no write failed, the fault was not exercised")
        bad = [r for r in failed_b
               if not (r.status in (503, 507) and r.code == "storage_full"
                       and r.content_type.startswith("application/problem+json") and "retry-after" in r.headers)]
        rep.check(not bad, f"{len(bad)} failed writes were not 507/503 problem+json storage_full with Retry-After "
                           f"(e.g. {bad[0].label} {bad[0].body[:160]!r})" if bad else "")
        rep.check(reads and all(r.status == 200 for r in reads),
                  f"reads while full: {hist(r.label for r in reads)} (want only 200)")
        rep.check(srv.alive() and srv.proc.pid == pid, "the server died while the disk was full")

        # Phase C: free the space; writes must succeed again without a restart.
        os.remove(filler)
        t_freed = now()
        recovery = None
        probes: list[Reply] = []
        for _ in range(200):
            if now() - t_freed > 15:
                break
            k, i = new_key()
            r = place_keyed(srv.port, fx.helper, k, fx.order_body(k, i, DISK_PAD), ledger, now() + 1, once=True)
            probes.append(r)
            if r is not None and r.status == 201:
                recovery = r.end - t_freed
                break
            if k not in ledger.acked and k not in ledger.rejected:
                pending.append((k, i))
            time.sleep(0.1)
        rep.fig("after deleting the filler: first new 201", f"{fmt_s(recovery)} ({len(probes)} probes: {hist(r.label for r in probes if r)})")
        rep.check(recovery is not None and recovery <= 5.0,
                  f"writes did not recover within 5s of freeing space without a restart (first 201: {fmt_s(recovery)})")
        rep.check(srv.alive() and srv.proc.pid == pid, "the server was not the same process after recovery")

        # Keep writing: the unanswered keys again with the same key, and fresh orders; all within 20 s.
        t_c = now()
        c_deadline = t_c + 20

        def after_recovery(n):
            for j, (k, i) in enumerate(pending):
                if j % 4 == n:
                    place_keyed(srv.port, fx.helper, k, fx.order_body(k, i, DISK_PAD), ledger, c_deadline)
            for _ in range(10):
                k, i = new_key()
                place_keyed(srv.port, fx.helper, k, fx.order_body(k, i, DISK_PAD), ledger, c_deadline)

        join_all(run_workers(4, after_recovery), 60)
        labels_c = ledger.labels(t_c)
        rep.fig("writes after recovery (retried keys + 40 new)", f"{len(labels_c)} attempts {hist(labels_c)} in {now() - t_c:.1f}s")
        rep.fig("unanswered keys retried after recovery", len(pending))
        still = [k for k, _ in pending if k not in ledger.acked]
        fresh_failed = [k for k in ledger.gave_up if k not in dict(pending)]
        rep.fig("  still not acknowledged", f"{len(still)} retried, {len(fresh_failed)} fresh; "
                                         f"rejected: {hist(v.split(' ')[0] for v in ledger.rejected.values())}")
        rep.check(not still and not fresh_failed and not ledger.rejected,
                  f"writes still failing after space was freed: {len(still)} retried keys, {len(fresh_failed)} fresh keys, "
                  f"{len(ledger.rejected)} rejected; statuses {hist(labels_c)}")
        rep.fig("acknowledged in all", len(ledger.acked))

        ok, missing = verify_acked_via_api(srv.port, fx.helper, ledger)
        rep.fig("acknowledged orders fetched by id (server still running)", f"{ok} of {len(ledger.acked)}")
        rep.check(not missing, f"{len(missing)} acknowledged orders not readable: {missing[:3]}")
        rc = srv.stop()
        rep.fig("stop exit code", rc)
        view = read_sqlite(dbpath, fx.batches)
        audit(view, ledger, fx, prefix, rep)
    finally:
        if srv is not None and srv.alive():
            srv.kill9()
        for _ in range(10):
            u = subprocess.run(["umount", mnt], capture_output=True, text=True)
            if u.returncode == 0:
                break
            time.sleep(0.5)
        else:
            subprocess.run(["umount", "-l", mnt], capture_output=True)
        if srv is not None and rep.failures:
            keep_log(srv)
        shutil.rmtree(workdir, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Scenario 3: PostgreSQL restarted and stopped under load (a private cluster)
# --------------------------------------------------------------------------------------------


def pg_bin_dir():
    for d in ["/usr/lib/postgresql/15/bin"] + sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(d, "initdb")) and os.path.exists(os.path.join(d, "pg_ctl")):
            return d
    return None


class PrivateCluster:
    def __init__(self):
        self.bin = pg_bin_dir()
        if self.bin is None:
            raise Skip("no PostgreSQL server binaries under /usr/lib/postgresql")
        try:
            self.pw = pwd.getpwnam("postgres")
        except KeyError:
            raise Skip("no `postgres` OS user") from None
        if os.geteuid() not in (0, self.pw.pw_uid):
            raise Skip("needs root (or the postgres user) to run a private cluster")
        self.base = tempfile.mkdtemp(prefix="zhunong-faults-pg-")
        os.chown(self.base, self.pw.pw_uid, self.pw.pw_gid)
        self.data = os.path.join(self.base, "data")
        self.port = free_port()
        self.url_admin = f"postgres://postgres@{HOST}:{self.port}/postgres"
        self.url = f"postgres://postgres@{HOST}:{self.port}/zhunong"

    def as_pg(self, args, timeout=60):
        if os.geteuid() == 0:
            args = ["runuser", "-u", "postgres", "--"] + args
        return subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=self.base)

    def pg_ctl(self, *action, timeout=60):
        opts = f"-p {self.port} -k {self.base} -c listen_addresses={HOST}"
        p = self.as_pg([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-l", os.path.join(self.base, "pg.log"),
                        "-o", opts, "-w", "-t", "30", *action], timeout=timeout)
        if p.returncode != 0:
            raise RuntimeError(f"pg_ctl {' '.join(action)}: {p.stdout.strip()} {p.stderr.strip()}")

    def init(self):
        p = self.as_pg([os.path.join(self.bin, "initdb"), "-D", self.data, "-U", "postgres", "--auth=trust",
                        "-E", "UTF8", "--no-instructions"], timeout=120)
        if p.returncode != 0:
            raise RuntimeError(f"initdb: {p.stderr.strip()}")
        self.pg_ctl("start")
        psql(self.url_admin, "CREATE DATABASE zhunong")

    def destroy(self):
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            try:
                self.pg_ctl("stop", "-m", "immediate")
            except Exception as e:  # noqa: BLE001
                log(f"  (could not stop the private cluster: {e})")
        shutil.rmtree(self.base, ignore_errors=True)


PG_CLIENTS = 8
PG_LATENCY_BAR = 1.0
PG_RECOVERY_BAR = 1.0


def scenario_pg(rep: Report):
    cluster = PrivateCluster()
    workdir = tempfile.mkdtemp(prefix="zhunong-faults-pgsvc-")
    srv = None
    try:
        cluster.init()
        srv = Server("pg-outage", workdir, cluster.url)
        srv.start()
        srv.wait_ready()
        fx = Fixture(srv.port)
        ledger = Ledger()
        prefix = f"pg-{RUN_ID}-"
        seq = iter(range(20_000))
        seq_lock = threading.Lock()
        stop = threading.Event()
        paused = threading.Event()
        t_begin = now()
        hard_deadline = t_begin + 150

        def worker(_n):
            while not stop.is_set() and now() < hard_deadline:
                while paused.is_set() and not stop.is_set():
                    time.sleep(0.01)
                with seq_lock:
                    i = next(seq, None)
                if i is None:
                    return
                k = f"{prefix}{i:06d}"
                place_keyed(srv.port, fx.helper, k, fx.order_body(k, i), ledger, hard_deadline)

        threads = run_workers(PG_CLIENTS, worker)

        def settle(t_from, seconds):
            """Waits for a first 201 after `t_from` (at most 20 s), then `seconds` of steady load."""
            end = now() + 20
            while now() < end and ledger.first_ok_after(t_from) is None:
                time.sleep(0.05)
            time.sleep(seconds)

        time.sleep(3)
        faults = []
        # (a) restart, fast mode
        t0 = now()
        cluster.pg_ctl("restart", "-m", "fast")
        t1 = now()
        faults.append(("a: pg_ctl restart -m fast", t0, t1))
        settle(t1, 3)
        # (b) stop, 10 s down, start
        t0 = now()
        cluster.pg_ctl("stop", "-m", "fast")
        t_down = now()
        time.sleep(10)
        t_up0 = now()
        cluster.pg_ctl("start")
        t1 = now()
        faults.append(("b: pg_ctl stop -m fast, 10 s, start", t0, t1))
        settle(t1, 3)
        # (c) the database goes away while no request is using it: the pool's connections are
        # idle, so no failing request opens the breaker; the next requests must still be
        # answered within the bar instead of waiting out the acquire timeout.
        paused.set()
        time.sleep(1.0)
        t0 = now()
        cluster.pg_ctl("stop", "-m", "fast")
        paused.clear()
        time.sleep(5)
        cluster.pg_ctl("start")
        t1 = now()
        faults.append(("c: idle pool, pg_ctl stop -m fast, 5 s, start", t0, t1))
        settle(t1, 3)
        stop.set()
        finished = join_all(threads, 60)
        t_end = now()

        rep.fig("clients", PG_CLIENTS)
        rep.fig("all attempts", f"{len(ledger.attempts)} {hist(ledger.labels())}")
        for name, f0, f1 in faults:
            rec = ledger.first_ok_after(f1)
            window = [a for a in ledger.attempts if f0 <= a[0] <= f1]
            lat = max((a[1] - a[0] for a in window), default=0.0)
            after_rec = ledger.overlapping(f0, f1 + (rec or 0))
            rep.fig(f"fault {name}", f"DB away {f1 - f0:.2f}s; requests started meanwhile {len(window)}, "
                                     f"max latency {lat:.3f}s; DB back -> first 201 {fmt_s(rec)}")
            rep.fig("  answers in progress from fault to first 201", hist(a[2] for a in after_rec))
            non503 = Counter(a[2] for a in after_rec if a[3].status is None or (a[3].status >= 500 and a[3].status != 503))
            rep.check(not non503, f"{name}: answers other than 503 during the outage: {dict(non503)}")
            rep.check(lat <= PG_LATENCY_BAR, f"{name}: a request started while the DB was away took {lat:.3f}s (bar {PG_LATENCY_BAR}s)")
            rep.check(rec is not None and rec <= PG_RECOVERY_BAR,
                      f"{name}: first 201 {fmt_s(rec)} after the DB was back (bar {PG_RECOVERY_BAR}s)")
        # Requests started while the DB was fully stopped (between stop returning and start).
        down = [a for a in ledger.attempts if t_down <= a[0] <= t_up0]
        if down:
            lats = sorted(a[1] - a[0] for a in down)
            rep.fig("while fully stopped (10 s)", f"{len(down)} requests {hist(a[2] for a in down)}; latency p50 "
                                                  f"{lats[len(lats) // 2]:.3f}s max {lats[-1]:.3f}s")
        all5xx = [a[3] for a in ledger.attempts if a[3].status is not None and a[3].status >= 500]
        no_ra = [r for r in all5xx if r.status == 503 and "retry-after" not in r.headers]
        not_problem = [r for r in all5xx if not r.content_type.startswith("application/problem+json")]
        codes = Counter((r.status, r.code) for r in all5xx)
        rep.fig("5xx answers by (status, code)", dict(codes) if codes else "{}")
        rep.fig("503 without Retry-After", len(no_ra))
        rep.check(not no_ra, f"{len(no_ra)} 503 answers without Retry-After")
        rep.check(not not_problem, f"{len(not_problem)} 5xx answers not application/problem+json")
        n500 = sum(1 for r in all5xx if r.status != 503)
        rep.check(n500 == 0, f"{n500} 5xx answers other than 503 in the whole run")
        rep.fig("acknowledged", f"{len(ledger.acked)} (of them replays of an earlier commit: "
                                f"{sum(1 for a in ledger.acked.values() if a['replayed'])})")
        rep.fig("rejected (definite 4xx)", f"{len(ledger.rejected)} {list(ledger.rejected.values())[:2]}")
        rep.fig("never answered (gave up)", len(ledger.gave_up))
        rep.fig("wall time", f"{t_end - t_begin:.1f}s")
        rep.check(finished, "client threads did not finish in time")
        rep.check(not ledger.rejected, f"{len(ledger.rejected)} keys rejected")
        rep.check(not ledger.gave_up, f"{len(ledger.gave_up)} keys never answered")
        ok, missing = verify_acked_via_api(srv.port, fx.helper, ledger)
        rep.fig("acknowledged orders fetched by id", f"{ok} of {len(ledger.acked)}")
        rep.check(not missing, f"{len(missing)} acknowledged orders not readable: {missing[:3]}")
        rc = srv.stop()
        rep.fig("stop exit code", rc)
        audit(read_pg(cluster.url, None, fx.batches), ledger, fx, prefix, rep)
    finally:
        if srv is not None and srv.alive():
            srv.kill9()
        if srv is not None and rep.failures:
            keep_log(srv)
        cluster.destroy()
        shutil.rmtree(workdir, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Scenario 4: SIGTERM with 50 orders in flight and a live board open
# --------------------------------------------------------------------------------------------

SIGTERM_REQUESTS = 50
SIGTERM_EXIT_BAR = 2.0
SIGTERM_WAIT = 40.0
# For diagnosis only: wait this long after the last request was sent before SIGTERM (default 0).
SIGTERM_DELAY = float(os.environ.get("FAULTS_SIGTERM_DELAY_MS", "0")) / 1000.0


def raw_request_bytes(port, method, path, token, body: dict | None, extra=None) -> bytes:
    data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", f"Authorization: Bearer {token}",
             "Connection: close"]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    for k, v in (extra or {}).items():
        lines.append(f"{k}: {v}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


def read_all(sock: socket.socket, limit_s: float):
    """Reads until EOF; returns (bytes, how it ended: 'eof' | 'reset' | 'timeout')."""
    buf = b""
    deadline = now() + limit_s
    while True:
        left = deadline - now()
        if left <= 0:
            return buf, "timeout"
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, TimeoutError):
            return buf, "timeout"
        except ConnectionResetError:
            return buf, "reset"
        except OSError as e:
            return buf, type(e).__name__
        if not chunk:
            return buf, "eof"
        buf += chunk


def scenario_sigterm(rep: Report):
    workdir = tempfile.mkdtemp(prefix="zhunong-faults-sigterm-")
    srv = None
    try:
        dbpath = os.path.join(workdir, "sigterm.db")
        srv = Server("sigterm", workdir, f"sqlite://{dbpath}?mode=rwc")
        srv.start()
        srv.wait_ready()
        fx = Fixture(srv.port, batches=1)
        h = fx.helper
        s = must(request(srv.port, "POST", "/api/v1/live-sessions", h,
                         {"platform": "douyin", "host": "第一书记", "title": "故障演练直播",
                          "planned_start": "2026-11-28T12:00:00Z"}), 201, "live session")
        sid = s["id"]
        must(request(srv.port, "POST", f"/api/v1/live-sessions/{sid}/featured", h,
                     {"batch_id": fx.batches[0], "live_price_fen": 500, "per_buyer_limit": None}), 200, "feature")
        st = must(request(srv.port, "POST", f"/api/v1/live-sessions/{sid}/start", h, {}), 200, "start")
        rep.check(st.get("status") == "live", f"session not live: {st}")

        # The board's stream.
        sse = socket.create_connection((HOST, srv.port), timeout=10)
        sse.sendall(raw_request_bytes(srv.port, "GET", f"/api/v1/live-sessions/{sid}/stream", h, None,
                                      {"Accept": "text/event-stream"}))
        got = b""
        t_sse = now() + 10
        while b"event: totals" not in got and now() < t_sse:
            sse.settimeout(max(0.1, t_sse - now()))
            try:
                c = sse.recv(65536)
            except (socket.timeout, TimeoutError):
                break
            if not c:
                break
            got += c
        sse_open = got.startswith(b"HTTP/1.1 200") and b"event: totals" in got
        first_line = got.split(b"\r\n", 1)[0].decode(errors="replace")
        rep.fig("live board stream open", f"{sse_open} ({first_line})")
        rep.check(sse_open, "could not open the live stream")
        sse_end = {}

        def sse_reader():
            data, how = read_all(sse, SIGTERM_WAIT + 5)
            sse_end["at"], sse_end["how"], sse_end["bytes"] = now(), how, len(data)
            sse_end["terminated"] = data.endswith(b"0\r\n\r\n")

        sse_t = threading.Thread(target=sse_reader, daemon=True)
        sse_t.start()

        # 50 orders, each fully sent before SIGTERM.
        sent = threading.Barrier(SIGTERM_REQUESTS + 1, timeout=20)
        results: list[dict] = [{} for _ in range(SIGTERM_REQUESTS)]

        def order(n):
            res = results[n]
            key = f"st-{RUN_ID}-{n:03d}"
            body = {"buyer_id": fx.buyer, "channel": "livestream", "live_session_id": sid, "note": key,
                    "lines": [{"batch_id": fx.batches[0], "quantity": 1 + n % 3}]}
            res["key"] = key
            try:
                sock = socket.create_connection((HOST, srv.port), timeout=10)
                sock.sendall(raw_request_bytes(srv.port, "POST", "/api/v1/orders", h, body, {"Idempotency-Key": key}))
                res["sent"] = now()
            except OSError as e:
                res["send_error"] = classify(e)
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
            if data.startswith(b"HTTP/1.1 ") and len(data) >= 12:
                res["status"] = int(data[9:12])
                head, _, payload = data.partition(b"\r\n\r\n")
                res["head"] = head
                if res["status"] == 201:
                    try:
                        res["id"] = json.loads(payload.decode()).get("id")
                    except (ValueError, UnicodeDecodeError):
                        res["id"] = None
            else:
                res["status"] = None

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
        sse_t.join(5)
        if srv.alive():
            srv.kill9()

        fully_sent = [r for r in results if "sent" in r]
        answered = [r for r in fully_sent if r.get("status") is not None]
        unanswered = [r for r in fully_sent if r.get("status") is None]
        after_term = [r for r in answered if r.get("end", 0) > t_term]
        rep.fig("requests fully sent before SIGTERM", f"{len(fully_sent)} of {SIGTERM_REQUESTS}")
        rep.fig("answered", f"{len(answered)} {hist(r['status'] for r in answered)}; answered after SIGTERM: {len(after_term)}")
        rep.fig("not answered", f"{len(unanswered)} {hist(r.get('how') for r in unanswered)}")
        if answered:
            rep.fig("last answer after SIGTERM", f"{max(r['end'] for r in answered) - t_term:.3f}s")
        rep.fig("exit code", "still running" if rc is None else rc)
        rep.fig("SIGTERM -> exit", f"{t_exit - t_term:.3f}s" + ("" if rc is not None else f" (gave up waiting after {SIGTERM_WAIT:.0f}s, killed)"))
        if sse_end:
            rep.fig("live stream ended", f"{sse_end['at'] - t_term:.3f}s after SIGTERM ({sse_end['how']}, "
                                         f"chunked terminator {'yes' if sse_end['terminated'] else 'no'})")
        rep.check(len(fully_sent) == SIGTERM_REQUESTS, f"only {len(fully_sent)} requests could be sent")
        rep.check(not unanswered, f"{len(unanswered)} fully sent requests got no HTTP answer ({hist(r.get('how') for r in unanswered)})")
        rep.check(rc == 0, f"exit code {rc if rc is not None else 'none (still running)'} (want 0)")
        rep.check(rc is not None and t_exit - t_term < SIGTERM_EXIT_BAR,
                  f"exit took {t_exit - t_term:.3f}s after SIGTERM (bar < {SIGTERM_EXIT_BAR}s)")
        # Every 201 must be in the database.
        con = sqlite3.connect(f"file:{dbpath}?mode=rw", uri=True, timeout=30)
        try:
            integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
            ids = {r[0] for r in con.execute("SELECT id FROM orders").fetchall()}
        finally:
            con.close()
        ok201 = [r for r in answered if r["status"] == 201]
        lost = [r["key"] for r in ok201 if r.get("id") not in ids]
        rep.fig("201 answers lost", len(lost))
        rep.fig("PRAGMA integrity_check", integrity)
        rep.check(not lost, f"{len(lost)} orders answered 201 are not in the database")
        rep.check(integrity == "ok", f"integrity_check: {integrity}")
    finally:
        if srv is not None and srv.alive():
            srv.kill9()
        if srv is not None and rep.failures:
            keep_log(srv)
        shutil.rmtree(workdir, ignore_errors=True)


# --------------------------------------------------------------------------------------------

# --------------------------------------------------------------------------------------------
# Scenario: reports from a hot standby (private primary + pg_basebackup -R standby)
# --------------------------------------------------------------------------------------------

REPLICA_MAX_LAG_S = 4
REPLICA_VISIBLE_BAR = 2.0
REPLICA_FALLBACK_BAR = 2.0


class StandbyCluster(PrivateCluster):
    """A hot standby of `primary`, streamed from it (pg_basebackup -R writes standby.signal)."""

    def init_from(self, primary: PrivateCluster):
        p = self.as_pg([os.path.join(self.bin, "pg_basebackup"), "-h", HOST, "-p", str(primary.port),
                        "-U", "postgres", "-D", self.data, "-R", "-X", "stream", "-c", "fast"], timeout=180)
        if p.returncode != 0:
            raise RuntimeError(f"pg_basebackup: {p.stderr.strip()}")
        self.pg_ctl("start")
        deadline = now() + 30
        while now() < deadline:
            try:
                if psql(self.url, "SELECT pg_is_in_recovery()")[0][0] == "t":
                    return
            except Exception:  # noqa: BLE001 - still starting
                pass
            time.sleep(0.2)
        raise RuntimeError("the standby did not come up in recovery")


def today_orders(port, token):
    """(orders today, read_from, as_of epoch seconds, seconds the answer took) from the dashboard."""
    t0 = now()
    r = request(port, "GET", "/api/v1/reports/sales/summary", token, timeout=10)
    took = now() - t0
    if r.status != 200:
        return None, f"{r.label} {r.body[:200]!r}", None, took
    j = r.json()
    card = next(c for c in j["cards"] if c["period"] == "today")
    as_of = datetime.datetime.fromisoformat(j["as_of"]).timestamp()
    return card["metrics"]["orders"], j["read_from"], as_of, took


def scenario_replica(rep: Report):
    primary = PrivateCluster()
    standby = StandbyCluster()
    workdir = tempfile.mkdtemp(prefix="zhunong-faults-replica-")
    srv = None
    try:
        primary.init()
        standby.init_from(primary)
        srv = Server("replica", workdir, primary.url, extra_env={
            "ZHUNONG_DATABASE_READ_URL": standby.url,
            "ZHUNONG_DATABASE_READ_MAX_LAG_SECS": str(REPLICA_MAX_LAG_S),
            "ZHUNONG_DATABASE_READ_TIMEOUT_MILLIS": "500",
            "ZHUNONG_DATABASE_READ_RETRY_SECS": "2",
        })
        srv.start()
        srv.wait_ready()
        fx = Fixture(srv.port, batches=1, stock=1000)
        sec = fx.secretary

        def place(i):
            k = f"replica-{RUN_ID}-{i}"
            r = request(srv.port, "POST", "/api/v1/orders", fx.helper, fx.order_body(k, 0),
                        headers={"Idempotency-Key": k})
            rep.check(r.status == 201, f"order {i}: {r.label} {r.body[:200]!r}")
            return time.time()

        def until(pred, seconds):
            """Polls the dashboard until pred(answer) holds; returns (answer, seconds) or (last, None)."""
            t0 = now()
            last = None
            while now() - t0 < seconds:
                last = today_orders(srv.port, sec)
                if pred(last):
                    return last, now() - t0
                time.sleep(0.05)
            return last, None

        # 1. The standby answers, and an order on the primary reaches it within the lag.
        placed = place(1)
        got, seen_after = until(lambda a: a[0] == 1 and a[1] == "replica", REPLICA_VISIBLE_BAR)
        rep.fig("order on the primary visible in a report from the standby after", fmt_s(seen_after))
        rep.check(seen_after is not None, f"the first order never showed from the standby: {got}")
        readers = psql(standby.url, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'zhunong-reports'")
        rep.fig("report connections on the standby", readers[0][0])
        rep.check(int(readers[0][0]) >= 1, "the service holds no connection on the standby")
        if got and got[2] is not None:
            rep.check(got[2] >= placed - 1.5, f"as_of {got[2]:.1f} is before the order ({placed:.1f})")

        # 2. Replay paused: the standby still answers (within the allowed lag) without the new
        #    order, which proves the report comes from it, and says how old it is.
        psql(standby.url, "SELECT pg_wal_replay_pause()")
        second = place(2)
        got = today_orders(srv.port, sec)
        rep.fig("paused standby, right after the second order", f"orders {got[0]}, from {got[1]}")
        rep.check(got[1] == "replica" and got[0] == 1,
                  f"a paused standby within the lag should answer, without the new order: {got}")
        if got[2] is not None:
            rep.check(got[2] < second, f"as_of {got[2]:.1f} claims the second order ({second:.1f})")
        # Past the allowed lag, reports read the primary, which has both orders.
        got, fell_back_after = until(lambda a: a[1] == "primary" and a[0] == 2, REPLICA_MAX_LAG_S + 4)
        rep.fig("lagging standby: reports read the primary after", fmt_s(fell_back_after))
        rep.check(fell_back_after is not None, f"a standby {REPLICA_MAX_LAG_S}+ s behind still answered: {got}")
        psql(standby.url, "SELECT pg_wal_replay_resume()")
        got, back_after = until(lambda a: a[1] == "replica" and a[0] == 2, 5)
        rep.fig("replay resumed: the standby answers again after", fmt_s(back_after))
        rep.check(back_after is not None, f"the caught-up standby was not used again: {got}")

        # 3. The standby stops: reports fall back to the primary with no error.
        standby.pg_ctl("stop", "-m", "fast")
        answers = [today_orders(srv.port, sec) for _ in range(10)]
        errors = [a for a in answers if a[0] is None]
        slowest = max(a[3] for a in answers)
        rep.fig("standby stopped: 10 reports", f"{len(answers) - len(errors)} answered, slowest {slowest:.3f}s, "
                f"read from {sorted(set(a[1] for a in answers))}")
        rep.check(not errors, f"a report failed with the standby down: {errors[:2]}")
        rep.check(all(a[1] == "primary" and a[0] == 2 for a in answers if a[0] is not None),
                  f"with the standby down, reports must read the primary: {answers[:3]}")
        rep.check(slowest <= REPLICA_FALLBACK_BAR, f"a report took {slowest:.3f}s with the standby down")
        # Writes never went anywhere but the primary.
        place(3)
        got, _ = until(lambda a: a[0] == 3, 2)
        rep.check(got is not None and got[0] == 3, f"the third order is not in the report: {got}")
    finally:
        if srv is not None:
            srv.stop()
            if rep.failures:
                keep_log(srv)
        standby.destroy()
        primary.destroy()
        shutil.rmtree(workdir, ignore_errors=True)


SCENARIOS = {
    "kill9-sqlite": lambda rep: scenario_kill9("sqlite", rep),
    "kill9-pg": lambda rep: scenario_kill9("postgres", rep),
    "diskfull": scenario_diskfull,
    "pg": scenario_pg,
    "sigterm": scenario_sigterm,
    "replica": scenario_replica,
}
GROUPS = {"kill9": ["kill9-sqlite", "kill9-pg"]}
ORDER = ["kill9-sqlite", "kill9-pg", "diskfull", "pg", "sigterm", "replica"]


def main(argv=None) -> int:
    global BIN
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.environ.get("ZHUNONG_BIN", BIN), help="the zhunong binary")
    ap.add_argument("scenarios", nargs="*", help="kill9, kill9-sqlite, kill9-pg, diskfull, pg, sigterm, replica (default: all)")
    args = ap.parse_args(argv)
    BIN = os.path.abspath(args.bin)
    if not os.access(BIN, os.X_OK):
        log(f"no executable at {BIN}")
        return 2
    chosen = []
    for s in args.scenarios or ORDER:
        names = GROUPS.get(s, [s])
        for n in names:
            if n not in SCENARIOS:
                log(f"unknown scenario {s!r}; choose from {', '.join(list(GROUPS) + ORDER)}")
                return 2
            if n not in chosen:
                chosen.append(n)
    passed, failed, skipped = [], [], []
    t_all = now()
    for name in chosen:
        log(f"== {name}")
        rep = Report(name)
        t0 = now()
        try:
            SCENARIOS[name](rep)
        except Skip as e:
            log(f"SKIP {name}: {e}")
            skipped.append(name)
            continue
        except Exception as e:  # noqa: BLE001 - a crash of the harness is a failure, with its trace
            traceback.print_exc(file=sys.stdout)
            rep.failures.append(f"scenario aborted: {type(e).__name__}: {e}")
        took = now() - t0
        if rep.failures:
            failed.append(name)
            log(f"FAIL {name} ({took:.1f}s)")
            for f in rep.failures:
                log(f"  - {f}")
        else:
            passed.append(name)
            log(f"PASS {name} ({took:.1f}s)")
    log(f"== fault suite took {now() - t_all:.1f}s"
        + (f"; skipped: {', '.join(skipped)}" if skipped else ""))
    log(f"{len(passed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
