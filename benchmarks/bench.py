"""Reproducible timings quoted in README (medians of several runs).

(a) wall time of `emu4412 run` (the seed demo) from process start;
(b) microseconds per ioctl round trip: ioctl_loop doing N ioctls into leddrv;
(c) kmalloc+kfree pairs per second from guest code (kmbench.ko's ioctl loop), with the
    memory checks off (the ARM fast path) and on (KASAN, leak tracking: every call in Python);
    kmem_cache_alloc+free and alloc_pages(order 0)+__free_pages pairs per second;
    host RSS of `emu4412 run` (the seed demo, 1 GiB of board RAM).
(d) `emu4412 test` scripts per second on copies of the seed demo, serial and with -j 2,
    from process start (and as the runner reports it, without interpreter start-up).
"""

import argparse
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PREBUILT = ROOT / "firmware" / "prebuilt"


def demo_wall(runs):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "emulator.cli", "run"], check=True,
                       capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _machine(**checks):
    from emulator.machine import Machine
    return Machine("fs4412", str(PREBUILT), timeout_s=600, console=io.StringIO().write,
                   **checks)


CHECKS_OFF = {"kasan": False, "leak_check": False}


def ioctl_round_trip(n, runs, trace=None, **checks):
    """Median us per ioctl; trace: None, or the --trace-only groups to record to a file;
    checks: Machine's kasan/leak_check switches (default: on, as `emu4412 run`)."""
    per = []
    for _ in range(runs):
        m = _machine(**checks)
        sink = None
        if trace is not None:
            from emulator.debug.tracefile import TraceRecorder, parse_only
            sink = tempfile.TemporaryFile("w+")
            TraceRecorder(m, parse_only(trace), jsonl=sink)
        m.insmod("leddrv.ko")
        m.mknod("/dev/leddev", "c", 11, 0)
        m.run("./ioctl_loop", ["/dev/leddev", "10"])            # warm the translation cache
        t0 = time.perf_counter()
        status = m.run("./ioctl_loop", ["/dev/leddev", str(n)])
        elapsed = time.perf_counter() - t0
        assert status == 0, status
        per.append(elapsed / n * 1e6)
        if sink is not None:
            sink.close()
    return statistics.median(per)


def demo_traced_wall(runs, path):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "emulator.cli", "run", "--trace", path],
                       check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def alloc_pairs(n, runs, kind="kmalloc", **checks):
    """Pairs per second of kmbench_app DEV N KIND (kmalloc, cache or pages); the program's
    start-up is timed too (a 10-pair run first warms the translation cache)."""
    rates = []
    for _ in range(runs):
        m = _machine(**checks)
        m.insmod("kmbench.ko")
        major = next(r.major for r in m.chrdev.regions if r.name == "kmbench")
        m.mknod("/dev/kmbench", "c", major, 0)
        m.run("./kmbench_app", ["/dev/kmbench", "10", kind])
        t0 = time.perf_counter()
        status = m.run("./kmbench_app", ["/dev/kmbench", str(n), kind])
        elapsed = time.perf_counter() - t0
        assert status == 0, status
        rates.append(n / elapsed)
    return statistics.median(rates)


def demo_rss(runs):
    """Maximum resident set size (MB) of `emu4412 run` (the seed demo), /usr/bin/time -v."""
    sizes = []
    for _ in range(runs):
        proc = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-m", "emulator.cli",
                               "run"], capture_output=True, text=True, cwd=ROOT, check=True)
        kb = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1)
        sizes.append(int(kb) / 1024)
    return statistics.median(sizes)


def runner_rate(copies, runs, jobs):
    """(scripts/s from process start, scripts/s the runner reports), medians of ``runs``."""
    seed = ROOT / "firmware" / "scenarios" / "seed_demo.board"
    walls, reported = [], []
    with tempfile.TemporaryDirectory() as folder:
        for i in range(copies):
            shutil.copy(seed, Path(folder) / f"seed_{i:03}.board")
        for _ in range(runs):
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "emulator.cli", "test", folder,
                                   "--rootfs", str(PREBUILT), "-j", str(jobs)],
                                  check=True, capture_output=True, text=True, cwd=ROOT)
            walls.append(copies / (time.perf_counter() - t0))
            reported.append(float(re.search(r"\(([\d.]+) scripts/s", proc.stdout).group(1)))
    return statistics.median(walls), statistics.median(reported)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--ioctls", type=int, default=100_000)
    ap.add_argument("--pairs", type=int, default=100_000)
    ap.add_argument("--scripts", type=int, default=20, help="seed script copies for (d)")
    args = ap.parse_args()
    print(f"(a) seed demo, emu4412 run wall time: {demo_wall(args.runs):.3f} s (median of {args.runs})")
    print(f"(b) ioctl round trip: {ioctl_round_trip(args.ioctls, args.runs):.2f} us, "
          f"{ioctl_round_trip(args.ioctls, args.runs, **CHECKS_OFF):.2f} us with the memory "
          f"checks off (median of {args.runs} x {args.ioctls} ioctls)")
    on, off = "checks on (KASAN, leak tracking)", "checks off (fast path)"
    slow = max(args.pairs // 20, 1000)
    print(f"(c) kmalloc+kfree: {alloc_pairs(args.pairs, args.runs, **CHECKS_OFF):,.0f} pairs/s "
          f"{off}, {alloc_pairs(slow, args.runs):,.0f} pairs/s {on} "
          f"(median of {args.runs} x {args.pairs} / {slow})")
    print(f"(c) kmem_cache_alloc+free: "
          f"{alloc_pairs(args.pairs, args.runs, 'cache', **CHECKS_OFF):,.0f} pairs/s {off}, "
          f"{alloc_pairs(slow, args.runs, 'cache'):,.0f} pairs/s {on}")
    print(f"(c) alloc_pages(order 0)+__free_pages: "
          f"{alloc_pairs(slow, args.runs, 'pages', **CHECKS_OFF):,.0f} pairs/s {off}, "
          f"{alloc_pairs(slow, args.runs, 'pages'):,.0f} pairs/s {on}")
    print(f"    host RSS of emu4412 run (seed demo): {demo_rss(args.runs):.0f} MB")
    ioctl_off = ioctl_round_trip(args.ioctls // 5, args.runs)
    for groups in ("mmio,pin,led", "mmio,pin,led,syscall,kernel,printk,fault,guest_error"):
        traced = ioctl_round_trip(args.ioctls // 5, args.runs, trace=groups)
        print(f"(e) ioctl round trip traced to a file ({groups}): {traced:.2f} us, "
              f"{traced / ioctl_off:.2f}x untraced {ioctl_off:.2f} us")
    with tempfile.TemporaryDirectory() as tmp:
        traced = demo_traced_wall(args.runs, os.path.join(tmp, "t.jsonl"))
    plain = demo_wall(args.runs)
    print(f"(e) seed demo with --trace (all events): {traced:.3f} s, {traced / plain:.2f}x "
          f"untraced {plain:.3f} s")
    for jobs in (1, 2):
        wall, reported = runner_rate(args.scripts, args.runs, jobs)
        print(f"(d) emu4412 test, {args.scripts} seed scripts, -j {jobs}: {wall:.1f} scripts/s "
              f"from process start, {reported:.1f} scripts/s reported (median of {args.runs})")


if __name__ == "__main__":
    main()
