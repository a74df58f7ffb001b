"""Memory pools: a reserve of pre-allocated elements for allocations that must not fail
(mm/mempool.c, Linux 3.14).

mempool_create fills the reserve with min_nr elements from the pool's alloc function.
mempool_alloc first asks the alloc function (without __GFP_WAIT/__GFP_IO, quietly); only when
that fails does it take an element from the reserve; mempool_free refills the reserve before
giving elements back. The pool's struct (`mempool_t`, 3.14 layout) and element array live in
guest memory; alloc/free functions are guest function pointers, called in guest code unless
they are the kernel's own mempool_alloc_slab & co. Where Linux would sleep until another
task frees an element (reserve empty, __GFP_WAIT), no other task exists here: mempool_alloc
says so and returns NULL.
"""

import struct

from ..abi import MEMPOOL_S, WAIT_QUEUE_HEAD, spinlock_bytes
from ..hypercall import export
from . import gfp
from .gfp import GFP_KERNEL

#: struct mempool_s (abi.MEMPOOL_S: the board's debug spinlock and wait queue head):
#: lock, min_nr, curr_nr, elements, pool_data, alloc, free, wait.
MEMPOOL_FIELDS = MEMPOOL_S.offsets
MEMPOOL_SIZE = MEMPOOL_S.size


class Mempools:
    def __init__(self, vm, kmalloc, slab_caches, page_services, memmap, call_guest, resolve,
                 env):
        """resolve(name) -> the address modules see for a kernel function; call_guest(fn,
        args) -> r0 (GuestCalls.call_nested)."""
        self._vm, self._kmalloc, self._caches = vm, kmalloc, slab_caches
        self._page_services, self._memmap, self._call = page_services, memmap, call_guest
        self._resolve, self._printk, self._symbolize = resolve, env.printk, env.symbolize
        self._caller, self._context, self._ledger = env.caller, env.atomic, env.ledger
        self.pools = {}                       # mempool_t * -> list of reserve elements

    # -- the pool's functions -------------------------------------------------------------
    def _builtin(self):
        """Kernel alloc/free functions called directly (their addresses as modules see them)."""
        table = {"mempool_alloc_slab": self.mempool_alloc_slab,
                 "mempool_free_slab": self.mempool_free_slab,
                 "mempool_kmalloc": self.mempool_kmalloc, "mempool_kfree": self.mempool_kfree,
                 "mempool_alloc_pages": self.mempool_alloc_pages,
                 "mempool_free_pages": self.mempool_free_pages}
        return {self._resolve(name): fn for name, fn in table.items()}

    def _invoke(self, fn, a, b):
        builtin = self._builtin().get(fn)
        return builtin(a, b) if builtin is not None else self._call(fn, (a, b))

    def _field(self, pool, name):
        return self._vm.read_u32(pool + MEMPOOL_FIELDS[name])

    def _store(self, pool):
        reserve = self.pools[pool]
        self._vm.write_u32(pool + MEMPOOL_FIELDS["curr_nr"], len(reserve))
        if reserve:
            self._vm.write(self._field(pool, "elements"), struct.pack(f"<{len(reserve)}I",
                                                                      *reserve))

    # -- exports --------------------------------------------------------------------------
    @export()
    def mempool_create(self, min_nr, alloc_fn, free_fn, pool_data):
        caller = self._caller()
        self._context.might_sleep("mempool", caller)
        pool = self._kmalloc.alloc(MEMPOOL_SIZE, zero=True)      # the kernel's own, as
        elements = self._kmalloc.alloc(max(min_nr, 1) * 4, zero=True)   # "mempool" below
        if not pool or not elements:
            self._kmalloc.free(pool)
            self._kmalloc.free(elements)
            return 0
        wait = pool + MEMPOOL_FIELDS["wait"]
        self._vm.write(pool, spinlock_bytes())
        self._vm.write(pool + MEMPOOL_FIELDS["min_nr"], struct.pack(
            "<6I", min_nr, 0, elements, pool_data, alloc_fn, free_fn))
        task_list = wait + WAIT_QUEUE_HEAD["task_list"]
        self._vm.write(wait, spinlock_bytes() + struct.pack("<2I", task_list, task_list))
        self.pools[pool] = []
        while len(self.pools[pool]) < min_nr:
            element = self._invoke(alloc_fn, GFP_KERNEL, pool_data)
            if not element:
                self._destroy(pool)
                return 0
            self.pools[pool].append(element)
        self._store(pool)
        if self._ledger is not None:
            self._ledger.acquire("mempool", pool, caller,
                                 f"mempool at {pool:#010x} ({min_nr} reserved elements)")
        return pool

    def _destroy(self, pool):
        reserve = self.pools.pop(pool)
        free_fn, data = self._field(pool, "free"), self._field(pool, "pool_data")
        for element in reversed(reserve):
            self._invoke(free_fn, element, data)
        self._kmalloc.free(self._field(pool, "elements"))
        self._kmalloc.free(pool)

    @export()
    def mempool_destroy(self, pool):
        if pool == 0:
            return
        if pool not in self.pools:
            self._printk(3, f"BUG: mempool_destroy({pool:#010x}): not a mempool")
            return
        self._destroy(pool)
        if self._ledger is not None:
            self._ledger.release("mempool", pool)

    @export()
    def mempool_alloc(self, pool, gfp_mask):
        caller = self._caller()
        if gfp_mask & gfp.WAIT:
            self._context.might_sleep("mempool", caller)
        reserve = self.pools.get(pool)
        if reserve is None:
            self._printk(3, f"BUG: mempool_alloc({pool:#010x}): not a mempool")
            return 0
        gfp_mask |= gfp.NOMEMALLOC | gfp.NORETRY | gfp.NOWARN
        alloc_fn, data = self._field(pool, "alloc"), self._field(pool, "pool_data")
        for attempt in (gfp_mask & ~(gfp.WAIT | gfp.IO), gfp_mask):
            element = self._invoke(alloc_fn, attempt, data)
            if element:
                return element
            if reserve:
                element = reserve.pop()
                self._store(pool)
                return element
            if attempt == gfp_mask:
                break
        if gfp_mask & gfp.WAIT:
            self._printk(4, f"mempool_alloc: pool {pool:#010x} is empty and its allocator "
                            f"fails; Linux would sleep until an element is freed (no other "
                            f"task can free one here): returning NULL to "
                            f"{self._symbolize(caller)}")
        return 0

    @export()
    def mempool_free(self, element, pool):
        if element == 0:
            return
        reserve = self.pools.get(pool)
        if reserve is None:
            self._printk(3, f"BUG: mempool_free({pool:#010x}): not a mempool")
            return
        if len(reserve) < self._field(pool, "min_nr"):
            reserve.append(element)
            self._store(pool)
            return
        self._invoke(self._field(pool, "free"), element, self._field(pool, "pool_data"))

    @export()
    def mempool_resize(self, pool, new_min_nr, gfp_mask):
        reserve = self.pools.get(pool)
        if reserve is None or new_min_nr <= 0:
            return -22 & 0xFFFFFFFF
        free_fn, alloc_fn = self._field(pool, "free"), self._field(pool, "alloc")
        data = self._field(pool, "pool_data")
        while len(reserve) > new_min_nr:
            self._invoke(free_fn, reserve.pop(), data)
        elements = self._kmalloc.alloc(new_min_nr * 4, zero=True)
        if not elements:
            return -12 & 0xFFFFFFFF
        self._kmalloc.free(self._field(pool, "elements"))
        self._vm.write(pool + 4, struct.pack("<I", new_min_nr))
        self._vm.write_u32(pool + MEMPOOL_FIELDS["elements"], elements)
        while len(reserve) < new_min_nr:
            element = self._invoke(alloc_fn, gfp_mask, data)
            if not element:
                break
            reserve.append(element)
        self._store(pool)
        return 0

    # -- the kernel's element allocators ----------------------------------------------------
    @export()
    def mempool_alloc_slab(self, gfp_mask, pool_data):
        return self._caches.kmem_cache_alloc(pool_data, gfp_mask)

    @export()
    def mempool_free_slab(self, element, pool_data):
        self._caches.kmem_cache_free(pool_data, element)

    @export()
    def mempool_kmalloc(self, gfp_mask, pool_data):
        return self._kmalloc.kmalloc(pool_data, gfp_mask)

    @export()
    def mempool_kfree(self, element, pool_data):
        self._kmalloc.kfree(element)

    @export()
    def mempool_alloc_pages(self, gfp_mask, pool_data):
        return self._page_services.alloc_pages_nodemask(gfp_mask, pool_data, 0, 0)

    @export()
    def mempool_free_pages(self, element, pool_data):
        self._page_services.free_pages_page(element, pool_data)
