"""Kernel memory management (Linux 3.14 semantics): setup.py wires it for Machine.

    buddy.py, page_alloc.py, memmap.py  the buddy allocator, zones, struct page (mem_map)
    page_api.py, highmem.py             alloc_pages & co., page_address, kmap
    slab.py, objects.py, slab_api.py    slab caches, object bookkeeping, kmem_cache_*
    kmalloc.py, fastpath.py, armasm.py  the kmalloc family and its ARM fast path
    vmalloc.py, percpu.py, mempool.py   vmalloc, per-CPU areas, memory pools
    context.py                          preempt count, spinlocks, "sleeping ... invalid context"
    kasan.py, faults.py, ledger.py      memory checker, failure injection, leak ledger
    procfs.py                           /proc/buddyinfo, zoneinfo, meminfo, slabinfo
    ioremap.py                          ioremap/iounmap
"""
