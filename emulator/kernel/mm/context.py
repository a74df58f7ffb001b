"""Atomic context: the preempt count, spinlocks, IRQ masking and "sleeping function called
from invalid context" (kernel/locking/spinlock.c, kernel/sched/core.c of Linux 3.14, ARM).

The preempt count lives where ARM Linux keeps it, in `struct thread_info` at the base of the
8 KiB kernel stack (sp & ~8191, offset 4), so a module's inline preempt_disable() and the
kernel's spinlock functions change the same word. spin_lock() is a call to _raw_spin_lock()
(3.14 with CONFIG_PREEMPT: nothing inlined), which takes the ARM ticket lock in guest memory
and raises the count; the _irq/_irqsave variants also set CPSR.I of the caller, as cpsid
does. A service sees its caller's CPSR (the svc hook runs before the exception is taken), so
irqs_disabled() is CPSR.I there. Interrupt handlers and timers do not exist yet: atomic
context comes from spinlocks, preempt_disable, kmap_atomic and IRQ-disabled regions.
"""

import struct

from ...cpu import CPSR, CPSR_I
from ...errors import GuestTimeout
from ...memory.layout import virt_to_phys
from ..delay import Delay
from ..abi import (SPINLOCK_CPU_INIT, SPINLOCK_MAGIC, SPINLOCK_OWNER_INIT,
                   THREAD_INFO as THREAD_INFO_LAYOUT, spinlock_bytes)
from ..hypercall import export
from ..panic import cpu_line

PREEMPT_OFFSET = THREAD_INFO_LAYOUT["preempt_count"]
THREAD_INFO_TASK = THREAD_INFO_LAYOUT["task"]
SOFTIRQ_DISABLE_OFFSET = 0x200      # 2 * SOFTIRQ_OFFSET (include/linux/preempt_mask.h)
THREAD_INFO = struct.Struct("<IiIIIII")   # flags, preempt_count, addr_limit, task, exec_domain,
#                                           cpu, cpu_domain
USER_DS = 0xBF000000
#: Where each kind of sleeping call checks, as 3.14 reports it.
MIGHT_SLEEP_AT = {"slab": "mm/slub.c:965", "page": "mm/page_alloc.c:2707",
                  "vmalloc": "mm/slub.c:965", "kmap": "arch/arm/mm/highmem.c:48",
                  "mempool": "mm/mempool.c:212", "msleep": "kernel/timer.c:1483",
                  "mutex": "kernel/locking/mutex.c:95"}


class AtomicContext:
    def __init__(self, vm, cpu, thread_info_va, env):
        """env: the ServiceEnv (printk, symbolize, current, caller) it reports through."""
        self._vm, self._cpu, self._printk = vm, cpu, env.printk
        self._symbolize, self._current, self._caller = env.symbolize, env.current, env.caller
        self.thread_info = thread_info_va
        self.preempt_va = thread_info_va + PREEMPT_OFFSET
        self._preempt = cpu.phys_word(virt_to_phys(self.preempt_va))
        self._reported = set()
        self.on_switch = []             # callables(preempt_va): the fast path follows the task
        self.reports = []               # the first line of each report (tests, expectations)
        vm.write(thread_info_va, THREAD_INFO.pack(0, 0, USER_DS, 0, 0, 0, 0))

    def use_thread_info(self, thread_info_va):
        """The running task's thread_info (the scheduler switches it with the kernel stack)."""
        self.thread_info = thread_info_va
        self.preempt_va = thread_info_va + PREEMPT_OFFSET
        self._preempt = self._cpu.phys_word(virt_to_phys(self.preempt_va))
        for listener in self.on_switch:
            listener(self.preempt_va)

    # -- state ----------------------------------------------------------------------------
    def preempt_count(self):
        return self._preempt.read()

    def preempt_add(self, n):
        count = self._preempt.read() + n
        if count < 0:
            self._printk(4, "WARNING: at kernel/sched/core.c: sub_preempt_count: "
                            "DEBUG_LOCKS_WARN_ON(val > preempt_count())")
            count = 0
        self._preempt.write(count)

    def irqs_disabled(self):
        return bool(self._cpu.reg(CPSR) & CPSR_I)

    def _set_irqs(self, disabled):
        cpsr = self._cpu.reg(CPSR)
        self._cpu.set_reg(CPSR, (cpsr | CPSR_I) if disabled else (cpsr & ~CPSR_I))

    def atomic(self):
        """(in_atomic(), irqs_disabled()) of the current service's caller."""
        return self.preempt_count() != 0, self.irqs_disabled()

    # -- checks ---------------------------------------------------------------------------
    def might_sleep(self, kind, caller=None):
        """__might_sleep: report a sleeping call in atomic context (once per call site).
        Returns True when the context was atomic."""
        in_atomic, irqs_off = self.atomic()
        if not (in_atomic or irqs_off):
            return False
        self._report_sleep(MIGHT_SLEEP_AT[kind], in_atomic, irqs_off,
                           self._caller() if caller is None else caller)
        return True

    def _report_sleep(self, where, in_atomic, irqs_off, caller):
        if (where, caller) in self._reported:
            return
        self._reported.add((where, caller))
        comm, pid = self._current()
        first = f"BUG: sleeping function called from invalid context at {where}"
        self._emit([first,
                    f"in_atomic(): {int(in_atomic)}, irqs_disabled(): {int(irqs_off)}, "
                    f"pid: {pid}, name: {comm}"], caller)

    def schedule_check(self, caller=None):
        """schedule() from msleep: 'scheduling while atomic' when the preempt count is up."""
        caller = self._caller() if caller is None else caller
        count = self.preempt_count()
        if count:
            if ("schedule", caller) in self._reported:
                return True
            self._reported.add(("schedule", caller))
            comm, pid = self._current()
            self._emit([f"BUG: scheduling while atomic: {comm}/{pid}/{count:#010x}"], caller)
            return True
        return self.might_sleep("msleep", caller)

    def _emit(self, lines, caller):
        comm, pid = self._current()
        self.reports.append(lines[0])
        for line in lines + [cpu_line(comm, pid),
                             f"[<{caller:08x}>] ({self._symbolize(caller)})"]:
            self._printk(3, line)

    # -- spinlocks (kernel/locking/spinlock.c, spinlock_debug.c: CONFIG_DEBUG_SPINLOCK) ------
    def current_task(self):
        """`current`: thread_info->task (the lock owner DEBUG_SPINLOCK records)."""
        return self._vm.read_u32(self.thread_info + THREAD_INFO_TASK)

    def _spin_bug(self, lock, msg, word=None):
        comm, pid = self._current()
        magic, owner_cpu, owner = struct.unpack("<3I", self._vm.read(lock + 4, 12))
        self._printk(3, f"BUG: spinlock {msg} on CPU#0, {comm}/{pid}")
        owner_cpu = owner_cpu - (1 << 32) if owner_cpu >> 31 else owner_cpu
        self._printk(3, f" lock: {self._symbolize(lock)}, .magic: {magic:08x}, "
                        f".owner: <none>/-1, .owner_cpu: {owner_cpu}")
        self.reports.append(f"BUG: spinlock {msg} on CPU#0, {comm}/{pid}")

    def _take(self, lock, trying=False):
        word, magic = struct.unpack("<2I", self._vm.read(lock, 8))
        if magic != SPINLOCK_MAGIC:
            self._spin_bug(lock, "bad magic")
        owner, nxt = word & 0xFFFF, word >> 16
        if owner != nxt:
            if trying:
                return False
            self._deadlock(lock)
        self._vm.write(lock, struct.pack("<4I", owner | (((nxt + 1) & 0xFFFF) << 16),
                                         magic, 0, self.current_task()))
        return True

    def _release(self, lock):
        word, magic = struct.unpack("<2I", self._vm.read(lock, 8))
        if magic != SPINLOCK_MAGIC:
            self._spin_bug(lock, "bad magic")
        owner, nxt = word & 0xFFFF, word >> 16
        if owner == nxt:
            self._spin_bug(lock, "already unlocked")
            return
        self._vm.write(lock, struct.pack("<4I", ((owner + 1) & 0xFFFF) | (nxt << 16), magic,
                                         SPINLOCK_CPU_INIT, SPINLOCK_OWNER_INIT))

    @export("__raw_spin_lock_init")
    def raw_spin_lock_init(self, lock, name, key):
        self._vm.write(lock, spinlock_bytes())

    def _deadlock(self, lock):
        comm, pid = self._current()
        where = self._symbolize(self._caller())
        self._printk(3, f"BUG: spinlock recursion on CPU#0, {comm}/{pid}")
        self._printk(3, f" lock: {self._symbolize(lock)}, .owner_cpu: 0")
        self.reports.append(f"BUG: spinlock recursion on CPU#0, {comm}/{pid}")
        raise GuestTimeout(f"deadlock: spin_lock({lock:#010x}) in {where} waits for a lock "
                           f"this CPU already holds: it would spin forever")

    @export("_raw_spin_lock")
    def raw_spin_lock(self, lock):
        self.preempt_add(1)
        self._take(lock)

    @export("_raw_spin_lock_bh")
    def raw_spin_lock_bh(self, lock):
        self.preempt_add(SOFTIRQ_DISABLE_OFFSET + 1)
        self._take(lock)

    @export("_raw_spin_lock_irq")
    def raw_spin_lock_irq(self, lock):
        self._set_irqs(True)
        self.preempt_add(1)
        self._take(lock)

    @export("_raw_spin_lock_irqsave")
    def raw_spin_lock_irqsave(self, lock):
        flags = self._cpu.reg(CPSR)
        self._set_irqs(True)
        self.preempt_add(1)
        self._take(lock)
        return flags

    @export("_raw_spin_trylock")
    def raw_spin_trylock(self, lock):
        self.preempt_add(1)
        if self._take(lock, trying=True):
            return 1
        self.preempt_add(-1)
        return 0

    @export("_raw_spin_trylock_bh")
    def raw_spin_trylock_bh(self, lock):
        self.preempt_add(SOFTIRQ_DISABLE_OFFSET + 1)
        if self._take(lock, trying=True):
            return 1
        self.preempt_add(-(SOFTIRQ_DISABLE_OFFSET + 1))
        return 0

    @export("_raw_spin_unlock")
    def raw_spin_unlock(self, lock):
        self._release(lock)
        self.preempt_add(-1)

    @export("_raw_spin_unlock_bh")
    def raw_spin_unlock_bh(self, lock):
        self._release(lock)
        self.preempt_add(-(SOFTIRQ_DISABLE_OFFSET + 1))

    @export("_raw_spin_unlock_irq")
    def raw_spin_unlock_irq(self, lock):
        self._release(lock)
        self._set_irqs(False)
        self.preempt_add(-1)

    @export("_raw_spin_unlock_irqrestore")
    def raw_spin_unlock_irqrestore(self, lock, flags):
        self._release(lock)
        self._set_irqs(bool(flags & CPSR_I))
        self.preempt_add(-1)

    @export("__might_sleep")
    def might_sleep_export(self, file, line, preempt_offset):
        """might_sleep() in module code (CONFIG_DEBUG_ATOMIC_SLEEP): the module's file:line."""
        in_atomic = self.preempt_count() != preempt_offset
        irqs_off = self.irqs_disabled()
        if in_atomic or irqs_off:
            where = f"{self._vm.read_cstr(file, 256).decode('utf-8', 'replace')}:{line}"
            self._report_sleep(where, in_atomic, irqs_off, self._caller())


class AtomicDelay(Delay):
    """msleep and udelay, with msleep's check for atomic context (udelay may spin anywhere)."""

    def __init__(self, clock, context, sleep=None):
        """sleep(msecs) -> True when the running task (a process, a kernel thread, or
        insmod/rmmod running a module's init or exit) now sleeps (the scheduler); otherwise
        (no scheduler, atomic context) msleep only advances virtual time."""
        super().__init__(clock)
        self._context = context
        self.sleep = sleep

    @export()
    def msleep(self, msecs):
        atomic = self._context.schedule_check()
        if not atomic and self.sleep is not None and self.sleep(msecs):
            return
        super().msleep(msecs)
