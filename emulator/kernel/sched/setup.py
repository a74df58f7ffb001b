"""The scheduler as the machine builds it, from what it needs."""

from ...cpu import REG
from ..mm.gfp import GFP_KERNEL
from .core import Scheduler
from .kthread import KThreads
from .mutex import Mutexes, Retry, RwSemaphores
from .sync import Sync
from .wait import WaitQueues

#: A task's block: 8 KiB kernel stack (thread_info at its base) + the task_struct's page.
TASK_BLOCK_ORDER = 2


def Scheduling(cpu, vm, clock, entry, irq, mm, hypercalls, timeout_us, max_time_s, printk,
               ledger, caller, next_pid, call_guest=None):
    """A Scheduler with its wait-queue services (``providers``) attached."""
    pages = mm.pages

    def alloc_block():
        pfn = pages.alloc(TASK_BLOCK_ORDER, GFP_KERNEL, "kernel")
        return None if pfn is None else pfn << 12

    def free_block(pa):
        pages.free(pa >> 12, TASK_BLOCK_ORDER)

    sched = Scheduler(cpu, vm, clock, entry, irq, alloc_block, free_block, hypercalls.exit_addr,
                      timeout_us, None if max_time_s is None else int(max_time_s * 1e9))
    sched.wait = WaitQueues(sched, vm, mm.context, hypercalls.address, printk, call_guest)
    sched.sync = Sync(sched, vm, mm.context, lambda value: cpu.set_reg(REG["r0"], value))
    sched.kthreads = KThreads(sched, vm, cpu, hypercalls.address, ledger, caller, next_pid)
    sched.retry = retry = Retry(sched, cpu, hypercalls.address)
    symbolize = lambda addr: sched.symbolize(addr)                   # noqa: E731
    sched.mutexes = Mutexes(vm, mm.context, retry, printk, symbolize, caller)
    sched.rwsems = RwSemaphores(vm, mm.context, retry, symbolize, caller)
    sched.providers = [sched.wait, sched.sync, sched.kthreads, sched.mutexes, sched.rwsems]
    return sched
