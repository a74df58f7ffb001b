"""Reproducible timings quoted in README (medians of several runs).

(a) wall time of `emu4412 run` (the seed demo) from process start;
(b) microseconds per ioctl round trip: ioctl_loop doing N ioctls into leddrv;
(c) kmalloc+kfree pairs per second from guest code (kmbench.ko's ioctl loop).
"""

import argparse
import io
import statistics
import subprocess
import sys
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


def _machine():
    from emulator.machine import Machine
    return Machine("fs4412", str(PREBUILT), timeout_s=600, console=io.StringIO().write)


def ioctl_round_trip(n, runs):
    per = []
    for _ in range(runs):
        m = _machine()
        m.insmod("leddrv.ko")
        m.mknod("/dev/leddev", "c", 11, 0)
        m.run("./ioctl_loop", ["/dev/leddev", "10"])            # warm the translation cache
        t0 = time.perf_counter()
        status = m.run("./ioctl_loop", ["/dev/leddev", str(n)])
        elapsed = time.perf_counter() - t0
        assert status == 0, status
        per.append(elapsed / n * 1e6)
    return statistics.median(per)


def kmalloc_pairs(n, runs):
    rates = []
    for _ in range(runs):
        m = _machine()
        m.insmod("kmbench.ko")
        major = next(r.major for r in m.chrdev.regions if r.name == "kmbench")
        m.mknod("/dev/kmbench", "c", major, 0)
        t0 = time.perf_counter()
        status = m.run("./kmbench_app", ["/dev/kmbench", str(n)])
        elapsed = time.perf_counter() - t0
        assert status == 0, status
        rates.append(n / elapsed)
    return statistics.median(rates)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--ioctls", type=int, default=100_000)
    ap.add_argument("--pairs", type=int, default=100_000)
    args = ap.parse_args()
    print(f"(a) seed demo, emu4412 run wall time: {demo_wall(args.runs):.3f} s (median of {args.runs})")
    print(f"(b) ioctl round trip: {ioctl_round_trip(args.ioctls, args.runs):.2f} us "
          f"(median of {args.runs} x {args.ioctls} ioctls)")
    print(f"(c) kmalloc+kfree: {kmalloc_pairs(args.pairs, args.runs):,.0f} pairs/s "
          f"(median of {args.runs} x {args.pairs})")


if __name__ == "__main__":
    main()
