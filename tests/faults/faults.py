#!/usr/bin/env python3
"""Fault-injection suite: the service binary runs as a separate OS process and faults are injected
from outside it (kill -9, a full disk, PostgreSQL going away, SIGTERM with requests in flight).

Python 3.11 standard library only. All traffic goes to 127.0.0.1. Every loop is bounded in count
and in time. Each scenario prints its figures and a PASS/FAIL (or SKIP) line; the last line is
`N passed, M failed`, and the exit status is non-zero if any scenario failed.

    python3 tests/faults/faults.py [--bin PATH] [kill9 | kill9-sqlite | kill9-pg | diskfull | diskdies | pg |
                                               sigterm | sigterm-sqlite | sigterm-pg | rolling | readonly | replica |
                                               pitr ...]

`kill9` and `sigterm` run on SQLite and, if the shared PostgreSQL answers, on PostgreSQL too (each
run counts as one scenario). Without arguments every scenario runs. The restart scenarios
(`sigterm-*`, `rolling`, `readonly`) are in `restarts.py`, the lost disk in `diskdies.py`, and
point-in-time recovery in `pitr.py`.
"""

from __future__ import annotations

import argparse
import datetime
import glob
import os
import pwd
import shutil
import subprocess
import sqlite3
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter

import diskdies
import harness
import pitr
import restarts
from harness import (  # the shared vocabulary of every scenario
    Fixture,
    HOST,
    Ledger,
    RUN_ID,
    Reply,
    Report,
    SHARED_PG_URL,
    Server,
    Skip,
    audit,
    integrity_check,
    fmt_s,
    free_port,
    hist,
    join_all,
    keep_log,
    log,
    now,
    pg_shared_reachable,
    place_keyed,
    psql,
    read_pg,
    read_sqlite,
    request,
    run_workers,
    verify_acked_via_api,
)

# --------------------------------------------------------------------------------------------
# Scenario 1: kill -9 three times during 2,000 keyed orders from 8 clients
# --------------------------------------------------------------------------------------------

KILL9_ORDERS = int(os.environ.get("FAULTS_KILL9_ORDERS", "2000"))
KILL9_CLIENTS = 8
KILL9_KILLS = 3
KILL9_RECOVERY_BAR = 5.0
# The sales roll-up runs every 2 ms here, so the kills land in and around roll-ups: the figures'
# log folded into the daily totals must lose nothing and count nothing twice (`zhunong check`).
KILL9_ROLLUP = {"ZHUNONG_SALES_ROLLUP_EVERY_MS": "2"}


def scenario_kill9(backend: str, rep: Report):
    workdir = tempfile.mkdtemp(prefix=f"zhunong-faults-kill9-{backend}-")
    schema = None
    srv = None
    try:
        if backend == "sqlite":
            dbpath = os.path.join(workdir, "kill9.db")
            srv = Server("kill9-sqlite", workdir, f"sqlite://{dbpath}?mode=rwc", KILL9_ROLLUP)
        else:
            if not pg_shared_reachable():
                raise Skip(f"PostgreSQL not reachable at {SHARED_PG_URL}")
            schema = f"faults_{RUN_ID}_k9"
            psql(SHARED_PG_URL, f"CREATE SCHEMA {schema}")
            srv = Server("kill9-pg", workdir, SHARED_PG_URL, {"ZHUNONG_DATABASE_SCHEMA": schema, **KILL9_ROLLUP})
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
            integrity_check(rep, f"sqlite://{dbpath}?mode=ro")
            with sqlite3.connect(f"file:{dbpath}?mode=ro", uri=True) as c:
                folded, tail = (c.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                                for t in ("sales_daily", "sales_daily_log"))
        else:
            view = read_pg(SHARED_PG_URL, schema, fx.batches)
            integrity_check(rep, SHARED_PG_URL, schema)
            folded, tail = (int(psql(SHARED_PG_URL, f"SELECT COUNT(*) FROM {t}", schema)[0][0])
                            for t in ("sales_daily", "sales_daily_log"))
        rep.fig("sales roll-up", f"{folded} daily-total rows folded, {tail} log rows left at the last stop")
        rep.check(folded > 0, "the sales roll-up never ran")
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
        integrity_check(rep, f"sqlite://{dbpath}?mode=ro")
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
        # A 503 says which: the database cannot be reached, or is restarting (a stop's
        # 57P01/57P03), never a vague "could not answer in time".
        details = Counter((r.json() or {}).get("detail", "") for r in all5xx if r.status == 503)
        rep.fig("503 details", dict(details) if details else "{}")
        vague = [d for d in details if "cannot be reached" not in d and "restarting" not in d]
        rep.check(not vague, f"503 answers that do not say why the database is away: {vague[:2]}")
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
        integrity_check(rep, cluster.url)
        audit(read_pg(cluster.url, None, fx.batches), ledger, fx, prefix, rep)
    finally:
        if srv is not None and srv.alive():
            srv.kill9()
        if srv is not None and rep.failures:
            keep_log(srv)
        cluster.destroy()
        shutil.rmtree(workdir, ignore_errors=True)


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

        # 3. The primary stops: reports go on from the standby, saying how fresh they are, and
        #    a write says the database cannot be reached. Then the primary is back.
        primary.pg_ctl("stop", "-m", "fast")
        answers = [today_orders(srv.port, sec) for _ in range(10)]
        rep.fig("primary stopped: 10 reports", f"{sum(1 for a in answers if a[0] is not None)} answered, "
                f"read from {sorted(set(str(a[1]) for a in answers))}, slowest {max(a[3] for a in answers):.3f}s")
        rep.check(all(a[0] == 2 and a[1] == "replica" and a[2] is not None for a in answers),
                  f"with the primary down, reports must come from the standby with their as_of: {answers[:3]}")
        k = f"replica-{RUN_ID}-down"
        refused = request(srv.port, "POST", "/api/v1/orders", fx.helper, fx.order_body(k, 0),
                          headers={"Idempotency-Key": k})
        detail = (refused.json() or {}).get("detail", "")
        rep.fig("a write with the primary down", f"{refused.label} {detail}")
        rep.check(refused.status == 503 and "cannot be reached" in detail,
                  f"a write with the primary down: {refused.label} {detail!r}")
        primary.pg_ctl("start")
        got, up_after = until(lambda a: a[0] == 2 and a[1] is not None, 10)
        rep.fig("primary started again: reports after", fmt_s(up_after))

        # 4. The standby stops: reports fall back to the primary with no error.
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
    **restarts.SCENARIOS,
    "replica": scenario_replica,
    **diskdies.SCENARIOS,
    "pitr": lambda rep: pitr.scenario_pitr(rep, PrivateCluster),
}
GROUPS = {"kill9": ["kill9-sqlite", "kill9-pg"], "sigterm": ["sigterm-sqlite", "sigterm-pg"]}
ORDER = ["kill9-sqlite", "kill9-pg", "diskfull", "diskdies", "pg", "sigterm-sqlite", "sigterm-pg", "rolling", "readonly",
         "replica", "pitr"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.environ.get("ZHUNONG_BIN", harness.BIN), help="the zhunong binary")
    ap.add_argument("scenarios", nargs="*", help="kill9, diskfull, diskdies, pg, sigterm, rolling, readonly, replica, pitr, or one backend's run (default: all)")
    args = ap.parse_args(argv)
    harness.BIN = os.path.abspath(args.bin)
    if not os.access(harness.BIN, os.X_OK):
        log(f"no executable at {harness.BIN}")
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
