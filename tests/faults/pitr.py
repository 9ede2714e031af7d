"""The operator's production path on PostgreSQL, tried once: WAL archiving, a base backup, and a
point-in-time recovery. A private cluster archives its WAL; a base backup is taken while the
service writes; orders go on (phase B), the moment T is noted, more orders follow (phase C);
then the server's data directory is lost. The base backup plus the archived WAL, recovered to
T, hold every order of phases A and B and none of C, `zhunong check` passes on them, and the
service writes again on the recovered server. The README's "Keeping your data" shows the same
settings."""

from __future__ import annotations

import os
import shutil
import tempfile
import time

from harness import (
    RUN_ID,
    Fixture,
    Ledger,
    Report,
    Server,
    integrity_check,
    key_of_note,
    now,
    place_keyed,
    psql,
)

PER_PHASE = 60


def scenario_pitr(rep: Report, cluster_class):
    pg = cluster_class()
    workdir = tempfile.mkdtemp(prefix="zhunong-faults-pitr-")
    srv = None
    archive = os.path.join(pg.base, "archive")
    basebackup = os.path.join(pg.base, "basebackup")
    try:
        p = pg.as_pg([os.path.join(pg.bin, "initdb"), "-D", pg.data, "-U", "postgres", "--auth=trust",
                      "-E", "UTF8", "--no-instructions"], timeout=120)
        if p.returncode != 0:
            raise RuntimeError(f"initdb: {p.stderr.strip()}")
        pg.as_pg(["mkdir", "-p", archive])
        with open(os.path.join(pg.data, "postgresql.auto.conf"), "a") as f:
            f.write("wal_level = replica\narchive_mode = on\n"
                    f"archive_command = 'test ! -f {archive}/%f && cp %p {archive}/%f'\n")
        pg.pg_ctl("start")
        psql(pg.url_admin, "CREATE DATABASE zhunong")
        srv = Server("pitr", workdir, pg.url)
        srv.start()
        srv.wait_ready()
        fx = Fixture(srv.port, batches=2, stock=100_000)
        ledger = Ledger()

        def phase(name):
            keys = [f"pitr-{RUN_ID}-{name}-{i:03d}" for i in range(PER_PHASE)]
            for i, k in enumerate(keys):
                r = place_keyed(srv.port, fx.helper, k, fx.order_body(k, i), ledger, now() + 60)
                rep.check(r is not None and r.status == 201, f"{k}: {r and r.label}")
            return set(keys)

        a = phase("a")
        p = pg.as_pg([os.path.join(pg.bin, "pg_basebackup"), "-h", "127.0.0.1", "-p", str(pg.port),
                      "-U", "postgres", "-D", basebackup, "-X", "none", "-c", "fast"], timeout=180)
        if p.returncode != 0:
            raise RuntimeError(f"pg_basebackup: {p.stderr.strip()}")
        b = phase("b")
        target = psql(pg.url, "SELECT now()")[0][0]
        time.sleep(1.0)
        c = phase("c")
        # The segment holding phase C ends now; the archiver copies it (and all before it).
        last = psql(pg.url, "SELECT pg_walfile_name(pg_switch_wal())")[0][0]
        deadline = now() + 30
        while now() < deadline:
            done = psql(pg.url, "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver")[0][0]
            if done >= last:
                break
            time.sleep(0.2)
        archived = len(os.listdir(archive))
        rep.fig("WAL segments archived", archived)
        srv.stop()

        # The server's disk is lost: the data directory is gone; what is left is the base
        # backup and the archive.
        pg.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(pg.data)
        pg.as_pg(["cp", "-a", basebackup, pg.data])
        with open(os.path.join(pg.data, "postgresql.auto.conf"), "a") as f:
            f.write(f"restore_command = 'cp {archive}/%f %p'\n"
                    f"recovery_target_time = '{target}'\nrecovery_target_action = 'promote'\n")
        pg.as_pg(["touch", os.path.join(pg.data, "recovery.signal")])
        t0 = now()
        pg.pg_ctl("start", timeout=180)
        deadline = now() + 120
        while now() < deadline:
            try:
                if psql(pg.url, "SELECT pg_is_in_recovery()")[0][0] == "f":
                    break
            except Exception:  # noqa: BLE001 - still recovering
                pass
            time.sleep(0.2)
        rep.fig("recovered to", f"{target} in {now() - t0:.1f}s")
        notes = {key_of_note(n) for (n,) in psql(pg.url, "SELECT coalesce(note, '') FROM orders")}
        rep.fig("orders recovered (phases A, B, C)", f"{len(a & notes)}, {len(b & notes)}, {len(c & notes)} "
                                                     f"of {PER_PHASE} each")
        rep.check(a <= notes, f"{len(a - notes)} orders from before the base backup are missing")
        rep.check(b <= notes, f"{len(b - notes)} orders from before the target time are missing")
        rep.check(not (c & notes), f"{len(c & notes)} orders from after the target time were recovered")
        integrity_check(rep, pg.url)

        srv.start()
        srv.wait_ready()
        k = f"pitr-{RUN_ID}-after"
        r = place_keyed(srv.port, fx.helper, k, fx.order_body(k, 0), Ledger(), now() + 30)
        rep.check(r is not None and r.status == 201, f"an order on the recovered server: {r and r.label}")
    finally:
        if srv is not None and srv.alive():
            srv.stop()
        pg.destroy()
        shutil.rmtree(workdir, ignore_errors=True)
