"""Mutexes as the board's kernel has them (kernel/locking/mutex.c with CONFIG_DEBUG_MUTEXES).

mutex_init(), mutex_lock() and mutex_unlock() are calls on the board; the guest struct mutex
has the board's layout (abi.MUTEX: count, wait_lock, wait_list, owner, name, magic). The
emulated kernel runs one task, so a mutex that is already held can never be released while
its caller waits: that is reported as the deadlock it would be and stops the run (the
scheduler work will make contended mutexes sleep).
"""

import struct

from ..errors import GuestTimeout
from .abi import MUTEX, spinlock_bytes
from .hypercall import export

_COUNT, _OWNER, _MAGIC, _WAIT_LIST = (MUTEX["count"], MUTEX["owner"], MUTEX["magic"],
                                      MUTEX["wait_list"])


class Mutexes:
    def __init__(self, vm, context, printk, symbolize, caller):
        """context: the AtomicContext (might_sleep, current task)."""
        self._vm, self._context, self._printk = vm, context, printk
        self._symbolize, self._caller = symbolize, caller

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

    def _lock(self, lock, trying=False):
        self._check_magic(lock)
        if self._vm.read_u32(lock + _COUNT) != 1:
            if trying:
                return 0
            where = self._symbolize(self._caller())
            raise GuestTimeout(f"deadlock: mutex_lock({self._symbolize(lock)}) in {where} "
                               f"waits for a mutex that is already held, and no other task "
                               f"can release it")
        self._vm.write_u32(lock + _COUNT, 0)
        self._vm.write_u32(lock + _OWNER, self._context.current_task())
        return 1

    @export()
    def mutex_lock(self, lock):
        self._context.might_sleep("mutex")
        self._lock(lock)

    @export()
    def mutex_lock_interruptible(self, lock):
        self._context.might_sleep("mutex")
        self._lock(lock)
        return 0

    @export()
    def mutex_lock_killable(self, lock):
        self._context.might_sleep("mutex")
        self._lock(lock)
        return 0

    @export()
    def mutex_trylock(self, lock):
        return self._lock(lock, trying=True)

    @export()
    def mutex_unlock(self, lock):
        self._check_magic(lock)
        if self._vm.read_u32(lock + _OWNER) != self._context.current_task():
            self._warn(lock, "lock->owner != current")
        if self._vm.read_u32(lock + _COUNT) == 1:
            self._warn(lock, "mutex_is_locked(lock) == 0")
        self._vm.write_u32(lock + _OWNER, 0)
        self._vm.write_u32(lock + _COUNT, 1)

    @export()
    def mutex_destroy(self, lock):
        if self._vm.read_u32(lock + _COUNT) != 1:
            self._warn(lock, "mutex_is_locked(lock)")
        self._vm.write_u32(lock + _MAGIC, 0)
