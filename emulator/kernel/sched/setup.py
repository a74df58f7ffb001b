"""The scheduler as the machine builds it, from what it needs."""

from ..mm.gfp import GFP_KERNEL
from .core import Scheduler

#: A task's block: 8 KiB kernel stack (thread_info at its base) + the task_struct's page.
TASK_BLOCK_ORDER = 2


def Scheduling(cpu, vm, clock, entry, irq, mm, hypercalls, timeout_us, max_time_s, *,
               timers, tasklets, hooks, symbolize, tracer, printk, ledger,
               caller, next_pid, call_guest, hw_events=None, console=None):
    """A Scheduler whose tasks' blocks come from the page allocator, with its wait-queue,
    semaphore, kthread, mutex and rw-semaphore services (``providers``); call_guest(fn,
    args) -> r0 runs a module's own wake function."""
    pages = mm.pages

    def alloc_block():
        pfn = pages.alloc(TASK_BLOCK_ORDER, GFP_KERNEL, "kernel")
        return None if pfn is None else pfn << 12

    def free_block(pa):
        pages.free(pa >> 12, TASK_BLOCK_ORDER)

    return Scheduler(cpu, vm, clock, entry, irq, alloc_block, free_block, hypercalls.exit_addr,
                     timeout_us, None if max_time_s is None else int(max_time_s * 1e9),
                     timers=timers, tasklets=tasklets, hooks=hooks, symbolize=symbolize,
                     tracer=tracer, atomic=mm.context,
                     address_of=hypercalls.address, printk=printk, ledger=ledger,
                     caller=caller, next_pid=next_pid, call_guest=call_guest,
                     hw_events=hw_events, console=console)
