"""Mutexes and rw-semaphores that really sleep (Linux kernel/locking/mutex.c with
CONFIG_DEBUG_MUTEXES, kernel/locking/rwsem-spinlock.c: the board has
CONFIG_RWSEM_GENERIC_SPINLOCK; 3.14).

The locks live in the module's structures in guest memory at the board's layouts
(abi.MUTEX: count 1 unlocked, 0 locked, -1 locked with waiters, owner, magic;
abi.RW_SEMAPHORE: activity 0 free, n readers, -1 a writer). The sleepers are kept here per
lock address, in arrival order. As in 3.14 an unlock does not hand the lock over: it frees
it and wakes the first waiter (rwsem: the first writer, or every reader at the front), which
tries again when it runs, so the running task may take it back first. A task that tries
again re-executes its service stub (``Retry``): the loop of __mutex_lock_common and
__down_write_nested without keeping Python state across the sleep. In module init/exit
(insmod/rmmod's task in the console's context, console_task.py) the sleep is over when the
service resumes, and the service tries again at once.
"""

import struct
from collections import defaultdict

from ...cpu import PC, REG
from ...errors import GuestTimeout
from ..abi import MUTEX, RW_SEMAPHORE, spinlock_bytes
from ..errno import EINTR
from ..hypercall import export
from .task import TASK_INTERRUPTIBLE, TASK_UNINTERRUPTIBLE

_COUNT, _OWNER, _MAGIC, _WAIT_LIST = (MUTEX["count"], MUTEX["owner"], MUTEX["magic"],
                                      MUTEX["wait_list"])
_ACTIVITY, _RW_WAIT_LIST = RW_SEMAPHORE["activity"], RW_SEMAPHORE["wait_list"]
#: TASK_KILLABLE = TASK_WAKEKILL | TASK_UNINTERRUPTIBLE (only SIGKILL ends the sleep).
TASK_WAKEKILL = 128
TASK_KILLABLE = TASK_WAKEKILL | TASK_UNINTERRUPTIBLE
SIGKILL = 9
UINT = 0xFFFFFFFF


def s32(value):
    value &= UINT
    return value - (1 << 32) if value & 0x80000000 else value


class Retry:
    """Sleep now and call the same service again (same r0-r3) when woken."""

    def __init__(self, sched, cpu, address_of):
        self._sched, self._cpu, self._address = sched, cpu, address_of

    def current(self):
        return self._sched.sleeper

    def sleep(self, service, args, state, what):
        """True when the caller must try again now (module init/exit slept and woke)."""
        task = self._sched.sleeper
        task.state = state
        task.sleeping_in = what
        cpu, stub = self._cpu, self._address(service)

        if self._sched.current is None:
            # (issue 12) module init/exit (sched/console_task.py): the sleep is over when
            # block_current returns; the caller tries again (no PC write inside the svc hook)
            self._sched.block_current()
            return True

        def resume():
            for i, value in enumerate(args):
                cpu.set_reg(REG[f"r{i}"], value)
            cpu.set_reg(PC, stub)
        task.on_resume = resume
        self._sched.block_current()
        return False

    def signalled(self, task, state):
        """signal_pending_state(): a signal ends an interruptible sleep, SIGKILL a killable one."""
        signo = task.pending_signal
        if not signo:
            return False
        return bool(state & TASK_INTERRUPTIBLE) or (state & TASK_WAKEKILL and signo == SIGKILL)

    def wake(self, task):
        return self._sched.wake(task, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)


class Mutexes:
    def __init__(self, vm, context, retry, printk, symbolize, caller):
        """context: the AtomicContext (might_sleep, current task); retry: a Retry."""
        self._vm, self._context, self._retry = vm, context, retry
        self._printk, self._symbolize, self._caller = printk, symbolize, caller
        self._waiters = defaultdict(list)          # lock va -> [Task] in arrival order

    def _warn(self, lock, what):
        self._printk(4, f"WARNING: at kernel/locking/mutex-debug.c: DEBUG_LOCKS_WARN_ON({what})"
                        f" (mutex {self._symbolize(lock)}, called from "
                        f"{self._symbolize(self._caller())})")

    def _check_magic(self, lock):
        if self._vm.read_u32(lock + _MAGIC) != lock:
            self._warn(lock, "lock->magic != lock")

    @export("__mutex_init")
    def mutex_init(self, lock, name, key):
        wait_list = lock + _WAIT_LIST
        self._vm.write(lock, struct.pack("<I", 1) + spinlock_bytes() +
                       struct.pack("<5I", wait_list, wait_list, 0, name, lock))

    def _acquire(self, lock, task):
        waiters = self._waiters.get(lock)
        if waiters and task in waiters:
            waiters.remove(task)
        self._vm.write_u32(lock + _COUNT, UINT if waiters else 0)
        self._vm.write_u32(lock + _OWNER, self._context.current_task())

    def _lock(self, service, lock, state):
        """__mutex_lock_common: take it when free, else queue and sleep; 0 or -EINTR."""
        self._check_magic(lock)
        task = self._retry.current()
        count = s32(self._vm.read_u32(lock + _COUNT))
        if count == 1:
            self._acquire(lock, task)
            return 0
        if task is None:
            where = self._symbolize(self._caller())
            raise GuestTimeout(f"deadlock: mutex_lock({self._symbolize(lock)}) in {where} "
                               f"waits for a mutex that is already held, and this context "
                               f"cannot sleep until another task releases it")
        if self._context.schedule_check():          # "BUG: scheduling while atomic" printed
            raise GuestTimeout(f"mutex_lock({self._symbolize(lock)}) in "
                               f"{self._symbolize(self._caller())} would sleep in atomic "
                               f"context (interrupt handler or spinlock held)")
        waiters = self._waiters[lock]
        if self._retry.signalled(task, state):
            if task in waiters:
                waiters.remove(task)
            return -EINTR & UINT
        if task not in waiters:
            waiters.append(task)
        self._vm.write_u32(lock + _COUNT, UINT)
        if self._retry.sleep(service, (lock,), state, "mutex_lock"):
            return self._lock(service, lock, state)
        return None

    @export()
    def mutex_lock(self, lock):
        self._context.might_sleep("mutex")
        self._lock("mutex_lock", lock, TASK_UNINTERRUPTIBLE)

    @export()
    def mutex_lock_interruptible(self, lock):
        self._context.might_sleep("mutex")
        return self._lock("mutex_lock_interruptible", lock, TASK_INTERRUPTIBLE)

    @export()
    def mutex_lock_killable(self, lock):
        self._context.might_sleep("mutex")
        return self._lock("mutex_lock_killable", lock, TASK_KILLABLE)

    @export()
    def mutex_trylock(self, lock):
        self._check_magic(lock)
        if self._vm.read_u32(lock + _COUNT) != 1:
            return 0
        self._acquire(lock, self._retry.current())
        return 1

    @export()
    def mutex_unlock(self, lock):
        self._check_magic(lock)
        if self._vm.read_u32(lock + _OWNER) != self._context.current_task():
            self._warn(lock, "lock->owner != current")
        if self._vm.read_u32(lock + _COUNT) == 1:
            self._warn(lock, "mutex_is_locked(lock) == 0")
        self._vm.write_u32(lock + _OWNER, 0)
        self._vm.write_u32(lock + _COUNT, 1)
        for task in self._waiters.get(lock, ()):
            if self._retry.wake(task):
                break

    @export()
    def mutex_destroy(self, lock):
        if self._vm.read_u32(lock + _COUNT) != 1:
            self._warn(lock, "mutex_is_locked(lock)")
        self._vm.write_u32(lock + _MAGIC, 0)


READ, WRITE = "read", "write"


class RwSemaphores:
    """down_read/down_write & co. on struct rw_semaphore (rwsem-spinlock.c)."""

    def __init__(self, vm, context, retry, symbolize, caller):
        self._vm, self._context, self._retry = vm, context, retry
        self._symbolize, self._caller = symbolize, caller
        self._waiters = defaultdict(list)          # sem va -> [(Task, READ | WRITE)]
        self._granted = set()                      # tasks given a read lock while asleep

    def _activity(self, sem):
        return s32(self._vm.read_u32(sem + _ACTIVITY))

    def _set(self, sem, activity):
        self._vm.write_u32(sem + _ACTIVITY, activity & UINT)

    @export("__init_rwsem")
    def init_rwsem(self, sem, name, key):
        wait_list = sem + _RW_WAIT_LIST
        self._vm.write(sem, struct.pack("<i", 0) + spinlock_bytes() +
                       struct.pack("<2I", wait_list, wait_list))

    def _blocked(self, sem, kind):
        task = self._retry.current()
        where = self._symbolize(self._caller())
        if task is None:
            raise GuestTimeout(f"deadlock: down_{kind}({self._symbolize(sem)}) in {where} waits "
                               f"for a held rw_semaphore, and this context cannot sleep "
                               f"until another task releases it")
        if self._context.schedule_check():          # "BUG: scheduling while atomic" printed
            raise GuestTimeout(f"down_{kind}({self._symbolize(sem)}) in {where} would sleep "
                               f"in atomic context (interrupt handler or spinlock held)")
        return task

    @export()
    def down_read(self, sem):
        self._context.might_sleep("mutex")
        task = self._retry.current()
        if task is not None and task in self._granted:        # woken by an up: holds it
            self._granted.discard(task)
            return None
        if self._activity(sem) >= 0 and not self._waiters.get(sem):
            self._set(sem, self._activity(sem) + 1)
            return None
        task = self._blocked(sem, READ)
        self._waiters[sem].append((task, READ))
        if self._retry.sleep("down_read", (sem,), TASK_UNINTERRUPTIBLE, "down_read"):
            return self.down_read(sem)
        return None

    @export()
    def down_read_trylock(self, sem):
        if self._activity(sem) >= 0 and not self._waiters.get(sem):
            self._set(sem, self._activity(sem) + 1)
            return 1
        return 0

    @export()
    def down_write(self, sem):
        self._context.might_sleep("mutex")
        task = self._retry.current()
        waiters = self._waiters[sem]
        if self._activity(sem) == 0:                  # free: taken even before waiters
            if (task, WRITE) in waiters:
                waiters.remove((task, WRITE))
            self._set(sem, -1)
            return None
        task = self._blocked(sem, WRITE)
        if (task, WRITE) not in waiters:
            waiters.append((task, WRITE))
        if self._retry.sleep("down_write", (sem,), TASK_UNINTERRUPTIBLE, "down_write"):
            return self.down_write(sem)
        return None

    @export()
    def down_write_trylock(self, sem):
        if self._activity(sem) == 0:
            self._set(sem, -1)
            return 1
        return 0

    @export()
    def up_read(self, sem):
        activity = self._activity(sem) - 1
        self._set(sem, activity)
        if activity == 0:
            self._do_wake(sem, wakewrite=True)

    @export()
    def up_write(self, sem):
        self._set(sem, 0)
        self._do_wake(sem, wakewrite=True)

    @export()
    def downgrade_write(self, sem):
        self._set(sem, 1)
        self._do_wake(sem, wakewrite=False)

    def _do_wake(self, sem, wakewrite):
        """__rwsem_do_wake: wake the first writer (it tries again), or grant every reader at
        the front of the queue."""
        waiters = self._waiters.get(sem)
        if not waiters:
            return
        task, kind = waiters[0]
        if kind == WRITE:
            if wakewrite:
                self._retry.wake(task)
            return
        woken = 0
        while waiters and waiters[0][1] == READ:
            task, _ = waiters.pop(0)
            self._granted.add(task)
            self._retry.wake(task)
            woken += 1
        self._set(sem, self._activity(sem) + woken)

    @export()
    def rwsem_is_locked(self, sem):
        return int(self._activity(sem) != 0)


__all__ = ["Mutexes", "RwSemaphores", "Retry"]
