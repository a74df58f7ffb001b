"""Failure injection: make chosen allocations fail, so a driver's error paths run
(lib/fault-inject.c's failslab and fail_page_alloc, driven from the console).

`fail kmalloc nth=3` fails the 3rd kmalloc a module makes from now on; `percent=10 seed=1`
fails each with probability 10% from a seeded generator, so a run is repeatable; `times=N`
bounds the number of failures (nth: default 1, percent: unlimited). Only allocations a
module asks for are failed, never the kernel's own (struct file, cdev, ...), and
__GFP_NOFAIL requests never are.
"""

import random
from dataclasses import dataclass, field

from . import gfp

#: Kinds a rule can target, and Linux's name of the matching fault attribute.
KINDS = {"kmalloc": "failslab", "slab": "failslab", "page": "fail_page_alloc",
         "vmalloc": "fail_page_alloc", "percpu": "fail_percpu", "all": "fail_all"}


@dataclass
class Rule:
    """One failure-injection rule: which allocations fail (every nth, a percentage, a number of
    times)."""
    kind: str
    nth: int | None = None
    percent: float | None = None
    seed: int = 0
    times: int | None = None
    calls: int = 0
    failures: int = 0
    rng: random.Random = field(default=None, repr=False)

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        if self.times is None and self.nth is not None:
            self.times = 1

    def decide(self):
        self.calls += 1
        if self.times is not None and self.failures >= self.times:
            return False
        if self.nth is not None:
            hit = self.calls >= self.nth
        else:
            hit = self.rng.random() * 100 < self.percent
        self.failures += hit
        return hit

    def describe(self):
        how = f"nth={self.nth}" if self.nth is not None else f"percent={self.percent:g} " \
                                                              f"seed={self.seed}"
        times = "" if self.times is None else f" times={self.times}"
        return f"{self.kind} {how}{times} ({self.calls} calls, {self.failures} failed)"


class FailureInjection:
    def __init__(self, env, on_change=lambda active: None):
        self._printk, self._symbolize, self._on_change = env.printk, env.symbolize, on_change
        self.rules = {}

    @property
    def active(self):
        return bool(self.rules)

    def arm(self, kind, nth=None, percent=None, seed=0, times=None):
        if kind not in KINDS:
            raise ValueError(f"unknown allocation kind '{kind}' (one of {', '.join(KINDS)})")
        if (nth is None) == (percent is None):
            raise ValueError("give exactly one of nth=N or percent=P")
        if nth is not None and nth < 1 or percent is not None and not 0 <= percent <= 100:
            raise ValueError("nth must be >= 1, percent within 0..100")
        self.rules[kind] = Rule(kind, nth, percent, seed, times)
        self._on_change(True)
        return self.rules[kind]

    def disarm(self, kind=None):
        if kind is None:
            self.rules.clear()
        else:
            self.rules.pop(kind, None)
        self._on_change(self.active)

    def should_fail(self, kind, gfp_mask, caller):
        """Decide for one allocation a module asked for; prints Linux's notice when failing."""
        if not self.rules or gfp_mask & gfp.NOFAIL:
            return False
        for rule in (self.rules.get(kind), self.rules.get("all")):
            if rule is not None and rule.decide():
                self._notice(rule, kind, caller)
                return True
        return False

    def _notice(self, rule, kind, caller):
        probability = 0 if rule.percent is None else round(rule.percent)
        times = -1 if rule.times is None else rule.times - rule.failures
        self._printk(4, "FAULT_INJECTION: forcing a failure.")
        self._printk(4, f"name {KINDS[kind]}, interval {rule.nth or 1}, probability "
                        f"{probability}, space 0, times {times}")
        self._printk(4, f"[<{caller:08x}>] ({self._symbolize(caller)})")


def fail_command(faults, args):
    """The console's `fail` command: arm (`fail kmalloc nth=3`, `fail page percent=10 seed=1
    times=5`), disarm (`fail off [KIND]`) or show (`fail`) rules. Returns what to print."""
    if not args:
        rules = [r.describe() for r in faults.rules.values()]
        return "".join(f"fail: {r}\n" for r in rules) or "fail: no failure injection armed\n"
    if args[0] == "off":
        faults.disarm(args[1] if len(args) > 1 else None)
        return ""
    options = {}
    for word in args[1:]:
        key, sep, value = word.partition("=")
        if not sep or key not in ("nth", "percent", "seed", "times"):
            raise ValueError(f"unknown option '{word}' (nth=N, percent=P, seed=S, times=T)")
        try:
            options[key] = float(value) if key == "percent" else int(value, 0)
        except ValueError:
            raise ValueError(f"bad number in '{word}'") from None
    rule = faults.arm(args[0], **options)
    return f"fail: {rule.describe()}\n"
