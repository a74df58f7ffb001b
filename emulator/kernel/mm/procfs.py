"""/proc/buddyinfo, /proc/zoneinfo, /proc/meminfo and /proc/slabinfo in Linux 3.14's formats
(mm/vmstat.c, fs/proc/meminfo.c, mm/slab_common.c). /proc/vmallocinfo is in vmalloc.py."""

from ...memory.layout import PAGE_SIZE, VMALLOC_END, VMALLOC_START

KB = PAGE_SIZE // 1024


def buddyinfo(zones):
    return "".join(f"Node 0, zone {z.name:>8} " + "".join(f"{n:6d} " for n in z.counts()) + "\n"
                   for z in zones)


#: zoneinfo counters shown (those the emulator keeps), in vmstat_text order.
ZONE_COUNTERS = ("nr_free_pages", "nr_anon_pages", "nr_file_pages", "nr_slab_reclaimable",
                 "nr_slab_unreclaimable", "nr_kernel_stack")


def zoneinfo(zones, pagesets=None):
    """pagesets: {zone name: (count, high, batch)} of the zones with a per-CPU page list."""
    out = []
    for i, z in enumerate(zones):
        out.append(f"Node 0, zone {z.name:>8}")
        out += [f"  pages free     {z.free}",
                f"        min      {z.watermark['min']}",
                f"        low      {z.watermark['low']}",
                f"        high     {z.watermark['high']}",
                "        scanned  0",
                f"        spanned  {z.spanned}",
                f"        present  {z.spanned}",
                f"        managed  {z.managed}"]
        for name in ZONE_COUNTERS:
            value = z.free if name == "nr_free_pages" else z.vmstat(name)
            if name == "nr_kernel_stack" and i == 0:
                value = 2                                  # the one 8 KiB kernel stack
            out.append(f"    {name:<12} {value}")
        protection = [0] * len(zones)
        for j in range(i + 1, len(zones)):
            protection[j] = protection[j - 1] + zones[j].managed // 32   # lowmem_reserve
        out.append(f"        protection: ({', '.join(map(str, protection))})")
        count, high, batch = (pagesets or {}).get(z.name, (0, 0, 1))
        out += ["  pagesets", "    cpu: 0", f"              count: {count}",
                f"              high:  {high}", f"              batch: {batch}",
                "  vm stats threshold: 0",
                "  all_unreclaimable: 0", f"  start_pfn:         {z.start_pfn}",
                "  inactive_ratio:    1"]
    return "\n".join(out) + "\n"


def meminfo(pages, slab_pages, vmalloc_used, vmalloc_chunk):
    """pages: the PageAllocator; slab_pages: pages held by slab caches (and large kmalloc)."""
    zones = pages.zones
    total = sum(z.managed for z in zones)
    free = pages.free_pages()
    high = [z for z in zones if z.name == "HighMem"]
    high_total = sum(z.managed for z in high)
    high_free = sum(z.free for z in high)
    cached = pages.kind_pages("file")
    low_wmark = sum(z.watermark["low"] for z in zones)
    rows = [("MemTotal", total * KB), ("MemFree", free * KB),
            ("MemAvailable", max(0, free - low_wmark + cached) * KB),
            ("Buffers", 0), ("Cached", cached * KB), ("SwapCached", 0),
            ("HighTotal", high_total * KB), ("HighFree", high_free * KB),
            ("LowTotal", (total - high_total) * KB), ("LowFree", (free - high_free) * KB),
            ("SwapTotal", 0), ("SwapFree", 0),
            ("AnonPages", pages.kind_pages("anon") * KB),
            ("Slab", slab_pages * KB), ("SReclaimable", 0), ("SUnreclaim", slab_pages * KB),
            ("KernelStack", 8), ("VmallocTotal", (VMALLOC_END - VMALLOC_START) // 1024),
            ("VmallocUsed", vmalloc_used // 1024), ("VmallocChunk", vmalloc_chunk // 1024)]
    return "".join(f"{name + ':':<16}{value:8d} kB\n" for name, value in rows)


def slabinfo(caches, stats):
    """stats(cache) -> (active_objs, num_objs, active_slabs, num_slabs)."""
    lines = ["slabinfo - version: 2.1",
             "# name            <active_objs> <num_objs> <objsize> <objperslab> "
             "<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata "
             "<active_slabs> <num_slabs> <sharedavail>"]
    users = [c for c in caches if c.kind != "kmalloc"][::-1]         # newest first, as
    kmallocs = sorted((c for c in caches if c.kind == "kmalloc"), key=lambda c: -c.size)
    for cache in users + kmallocs:                                   # list_add does
        active, num, active_slabs, num_slabs = stats(cache)
        lines.append(f"{cache.name:<17} {active:6d} {num:6d} {cache.size:6d} "
                     f"{cache.objects:4d} {1 << cache.order:4d} : tunables {cache.limit:4d} "
                     f"{cache.batchcount:4d} {0:4d} : slabdata {active_slabs:6d} "
                     f"{num_slabs:6d} {0:6d}")
    return "\n".join(lines) + "\n"
