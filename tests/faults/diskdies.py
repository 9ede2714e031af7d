"""The disk dies (SQLite): under load, a backup is taken with `zhunong backup`; the load goes on;
then the database file and its WAL are deleted, the service stops, the latest backup is
restored with `zhunong restore --force`, `zhunong check` passes on it, and the service serves it
again. The orders lost are exactly those acknowledged after the backup's snapshot: every order
acknowledged before the backup began is there, none whose request began after the backup ended
is, and every order the restored database holds was acknowledged (or in flight) before it."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import threading
import time

import harness
from harness import (
    RUN_ID,
    Fixture,
    Ledger,
    Report,
    Server,
    integrity_check,
    join_all,
    key_of_note,
    log,
    now,
    place_keyed,
    read_sqlite,
    run_workers,
    zhunong,
)

ORDERS = 1500
CLIENTS = 6


def backup_to_a_full_disk(rep: Report, url: str, workdir: str, ledger: Ledger) -> None:
    """A backup onto a disk with no room (a 1 MiB tmpfs): it fails loudly, leaves nothing
    half-written, and the orders flowing meanwhile are all taken."""
    if os.geteuid() != 0:
        rep.fig("backup to a full disk", "skipped (needs root to mount a tmpfs)")
        return
    tiny = os.path.join(workdir, "tiny")
    os.mkdir(tiny)
    m = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1M", "tmpfs", tiny], capture_output=True, text=True)
    if m.returncode != 0:
        rep.fig("backup to a full disk", f"skipped (cannot mount a tmpfs: {m.stderr.strip()})")
        return
    try:
        t0 = now()
        bad = zhunong(["backup", "--to", tiny], url)
        t1 = now()
        said = (bad.stdout + bad.stderr).strip().splitlines()
        rep.fig("backup to a full disk", f"exit {bad.returncode}: {said[0][:160] if said else ''}")
        rep.check(bad.returncode != 0, "a backup onto a full disk said it succeeded")
        left = os.listdir(tiny)
        rep.check(not left, f"a failed backup left files behind: {left}")
        during = [a for a in ledger.overlapping(t0, t1) if a[3].status != 201]
        rep.fig("orders answered while it failed", len(ledger.overlapping(t0, t1)))
        rep.check(not during, f"orders were refused while a backup failed: {[a[2] for a in during][:5]}")
    finally:
        subprocess.run(["umount", tiny], capture_output=True)


def corrupt_copy(src: str, dst: str) -> None:
    """A copy of the backup `src` with one bit of its database flipped (the manifest intact)."""
    import zipfile
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = bytearray(zin.read(item.filename))
            if item.filename == "zhunong.db":
                data[len(data) // 2] ^= 0x10
            zout.writestr(item, bytes(data))


def scenario_diskdies(rep: Report):
    workdir = tempfile.mkdtemp(prefix="zhunong-faults-diskdies-")
    dbpath = os.path.join(workdir, "village.db")
    url = f"sqlite://{dbpath}?mode=rwc"
    backups = os.path.join(workdir, "usb")
    srv = Server("diskdies", workdir, url)
    try:
        srv.start()
        srv.wait_ready()
        fx = Fixture(srv.port)
        ledger = Ledger()
        prefix = f"dd-{RUN_ID}-"
        keys = [f"{prefix}{i:05d}" for i in range(ORDERS)]
        counter = iter(range(len(keys)))
        lock = threading.Lock()
        first_start: dict[str, float] = {}  # key -> when its first request began
        t_begin = now()
        deadline = t_begin + 120.0

        def worker(_n):
            while now() < deadline:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                with lock:
                    first_start[keys[i]] = now()
                place_keyed(srv.port, fx.helper, keys[i], fx.order_body(keys[i], i), ledger, deadline,
                            max_attempts=3)

        threads = run_workers(CLIENTS, worker)
        while len(ledger.acked) < ORDERS // 3 and now() < deadline:
            time.sleep(0.01)
        backup_to_a_full_disk(rep, url, workdir, ledger)
        # The backup, taken while the clients keep ordering.
        t_backup0 = now()
        made = zhunong(["backup", "--to", backups], url)
        t_backup1 = now()
        rep.check(made.returncode == 0, f"zhunong backup failed: {made.stdout}{made.stderr}")
        rep.fig("backup under load", f"{t_backup1 - t_backup0:.2f}s: {made.stdout.strip()[:160]}")
        while len(ledger.acked) < (2 * ORDERS) // 3 and now() < deadline:
            time.sleep(0.01)
        # The disk dies: the database and its WAL are gone.
        t_dies = now()
        for f in glob.glob(dbpath + "*"):
            os.remove(f)
        time.sleep(0.5)
        srv.kill9()
        acked_at_death = dict(ledger.acked)
        join_all(threads, 30)
        rep.fig("acknowledged when the disk died", len(acked_at_death))

        zips = sorted(p for p in glob.glob(os.path.join(backups, "zhunong-*.zip")) if ".failed." not in p)
        rep.check(len(zips) == 1, f"backups found: {zips}")
        if not zips:
            return
        # A copy with one bit flipped in its database is refused, and changes nothing.
        flipped = os.path.join(workdir, "flipped.zip")
        corrupt_copy(zips[-1], flipped)
        refused = zhunong(["restore", flipped, "--force"], url)
        rep.fig("restore of a bit-flipped copy", f"exit {refused.returncode}: "
                                                 f"{(refused.stdout + refused.stderr).strip()[:120]}")
        rep.check(refused.returncode != 0, "a bit-flipped backup was restored")
        rep.check(not os.path.exists(dbpath), "a refused restore left a database behind")
        restored = zhunong(["restore", zips[-1], "--force"], url)
        rep.fig("restore", (restored.stdout.strip().splitlines() or [restored.stderr.strip()])[-1])
        rep.check(restored.returncode == 0, f"zhunong restore: {restored.stdout}{restored.stderr}")
        integrity_check(rep, f"sqlite://{dbpath}?mode=ro")

        view = read_sqlite(dbpath, fx.batches)
        present = {key_of_note(n) for _, n in view.orders}
        present = {k for k in present if k.startswith(prefix)}
        acked = {k for k, a in acked_at_death.items() if a["at"] <= t_dies}
        before = {k for k in acked if acked_at_death[k]["at"] < t_backup0}
        started_after = {k for k, s in first_start.items() if s > t_backup1}
        lost = acked - present
        rep.fig("orders in the restored database", len(present))
        rep.fig("lost: acknowledged after the backup's snapshot", len(lost))
        rep.fig("acknowledged during the backup (either side of its snapshot)",
                len({k for k in acked if t_backup0 <= acked_at_death[k]["at"] <= t_backup1}))
        missing_before = before - present
        rep.check(not missing_before, f"{len(missing_before)} orders acknowledged before the backup "
                                      f"are not in it, e.g. {sorted(missing_before)[:3]}")
        late = present & started_after
        rep.check(not late, f"{len(late)} orders begun after the backup ended are in it: {sorted(late)[:3]}")
        unknown = present - set(first_start)
        rep.check(not unknown, f"{len(unknown)} restored orders were never sent: {sorted(unknown)[:3]}")
        rep.check(all(acked_at_death[k]["at"] >= t_backup0 for k in lost),
                  "an order lost was acknowledged before the backup began")

        # The service serves the restored database again.
        srv.start()
        srv.wait_ready()
        r = place_keyed(srv.port, fx.helper, prefix + "after", fx.order_body(prefix + "after", 0),
                        Ledger(), now() + 30)
        rep.check(r is not None and r.status == 201, f"an order after the restore: {r and r.label}")
    finally:
        if srv.alive():
            srv.stop()
        if rep.failures:
            harness.keep_log(srv)
        shutil.rmtree(workdir, ignore_errors=True)
    log()


SCENARIOS = {"diskdies": scenario_diskdies}
