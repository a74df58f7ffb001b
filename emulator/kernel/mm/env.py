"""What every memory service needs of the kernel around it, as one immutable value.

The page, slab, kmalloc, vmalloc, kmap, per-CPU and mempool services all report through
printk, name call sites, check the calling context, consult the failure-injection rules and
record ownership; MemoryManagement builds one ServiceEnv and hands it to each.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ServiceEnv:
    """What every memory service needs from the rest of the kernel."""
    printk: Callable[[int, str], None]          # the kernel's printk(level, text)
    symbolize: Callable[[int], str]             # address -> "symbol+off/size [module]"
    caller: Callable[[], int]                   # return address of the service call
    current: Callable[[], tuple[str, int]]      # (comm, pid) of the running task
    ledger: Any = None                          # TrackedLedger; None: leak tracking off
    atomic: Any = None                          # AtomicContext (context.py)
    faults: Any = None                          # FailureInjection (faults.py)
