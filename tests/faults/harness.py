#!/usr/bin/env python3
"""What every fault scenario shares: the service binary as a child process, plain HTTP on
loopback, the data set-up through the API, the keyed-order clients and the report.

Python 3.11 standard library only. `BIN` is the binary under test; `faults.py` sets it.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
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
        # Another binary (a copy another user may run) and the user to run it as (root only).
        self.binary: str | None = None
        self.user: int | None = None

    def start(self) -> float:
        self.starts += 1
        logf = open(self.log_path, "ab")
        logf.write(f"\n---- start #{self.starts} ----\n".encode())
        logf.flush()
        t = now()
        self.proc = subprocess.Popen(
            [self.binary or BIN, "serve"], env=self.env, cwd=self.workdir, stdout=logf,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, user=self.user,
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


def zhunong(args, database_url: str, schema: str | None = None) -> subprocess.CompletedProcess:
    """`zhunong ARGS` as an operator runs it, on the database `database_url` (and `schema`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHUNONG_")}
    env.update(ZHUNONG_DATABASE_URL=database_url, ZHUNONG_LOG_LEVEL="warn")
    if schema:
        env["ZHUNONG_DATABASE_SCHEMA"] = schema
    return subprocess.run([BIN, *args], env=env, capture_output=True, text=True, timeout=600)


def integrity_check(rep: "Report", database_url: str, schema: str | None = None) -> None:
    """`zhunong check` on the database a scenario left behind: every invariant the design
    promises (ledger, stock, payments, sales figures, order states), each violation named."""
    p = zhunong(["check"], database_url, schema)
    said = (p.stdout.strip().splitlines() or [p.stderr.strip()])[-1]
    rep.fig("zhunong check", said)
    rep.check(p.returncode == 0, f"zhunong check (exit {p.returncode}):\n{p.stdout}{p.stderr}")


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




def pg_shared_reachable() -> bool:
    try:
        psql(SHARED_PG_URL, "SELECT 1", timeout=10)
        return True
    except Exception:  # noqa: BLE001
        return False


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
