"""lib_idr's trees against a reference model: random allocations (three layers deep),
removals, look-ups and walks over a plain guest-memory stand-in; every layer freed at the end,
and the hint always a leaf whose prefix an inline idr_find() can trust."""

import random

import pytest

from emulator.kernel import lib_idr
from emulator.kernel.lib_idr import Idr
from tests.unit.fakes import FlatMemory

M32 = 0xFFFFFFFF



class Kmalloc:
    def __init__(self, mem):
        self.mem, self.next, self.live = mem, 0x1000, set()

    def alloc(self, size, zero=False, caller=None):
        va, self.next = self.next, self.next + ((size + 15) & ~15)
        self.mem.write(va, bytes(size))
        self.live.add(va)
        return va

    def free(self, va, caller=0):
        self.live.remove(va)


class Env:
    def __init__(self):
        self.lines = []

    def caller(self):
        return 0

    def current(self):
        return ("insmod", 1)

    def printk(self, level, text):
        self.lines.append(text)


def _idr():
    mem = FlatMemory(1 << 24)
    kmalloc, env = Kmalloc(mem), Env()
    idr = Idr(mem, kmalloc, env, call_nested=None, preempt_add=lambda n: None)
    idp = 0x100
    idr.idr_init(idp)
    return idr, mem, kmalloc, env, idp


def _s32(v):
    return v - (1 << 32) if v & 0x80000000 else v


def _inline_find(mem, idr, idp, id_):
    """What the SDK's inline idr_find() does: the hinted leaf, else the service."""
    hint = mem.read_u32(idp + lib_idr.I_HINT)
    if hint and (id_ & ~lib_idr.IDR_MASK) == mem.read_u32(hint + lib_idr.L_PREFIX):
        return mem.read_u32(hint + lib_idr.L_ARY + 4 * (id_ & lib_idr.IDR_MASK))
    return idr.idr_find_slowpath(idp, id_)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_idr_matches_a_reference_model(seed):
    rng = random.Random(seed)
    idr, mem, kmalloc, env, idp = _idr()
    model = {}
    for step in range(1500):
        op = rng.random()
        if op < 0.55:
            start = rng.choice([0, rng.randrange(600), rng.randrange(70000)])
            end = rng.choice([0, start + rng.randrange(1, 300)])
            ptr = 0x10000 + 4 * step
            got = _s32(idr.idr_alloc(idp, ptr, start, end, 0))
            free = next((i for i in range(start, end or 1 << 31) if i not in model), None)
            want = -28 if free is None else free
            assert got == want, (step, start, end)
            if got >= 0:
                model[got] = ptr
        elif op < 0.85 and model:
            id_ = rng.choice(sorted(model))
            idr.idr_remove(idp, id_)
            del model[id_]
        else:
            id_ = rng.randrange(75000)
            assert _inline_find(mem, idr, idp, id_) == model.get(id_, 0), (step, id_)
    # the walk sees every entry in order
    nextid, seen = 0x200, []
    mem.write_u32(nextid, 0)
    while (p := idr.idr_get_next(idp, nextid)):
        id_ = mem.read_u32(nextid)
        seen.append((id_, p))
        mem.write_u32(nextid, id_ + 1)
    assert seen == sorted(model.items())
    for id_ in list(model):
        idr.idr_remove(idp, id_)
    assert kmalloc.live == set()                         # every layer went back
    assert mem.read_u32(idp + lib_idr.I_TOP) == 0 and mem.read_u32(idp + lib_idr.I_HINT) == 0
    assert env.lines == []


def test_ida_matches_a_reference_model():
    rng = random.Random(7)
    idr, mem, kmalloc, env, ida = _idr()
    idr.ida_init(ida)
    taken = set()
    for _ in range(3000):
        if rng.random() < 0.7:
            start = rng.choice([0, rng.randrange(3000)])
            got = _s32(idr.ida_simple_get(ida, start, 0, 0))
            want = next(i for i in range(start, 1 << 31) if i not in taken)
            assert got == want
            taken.add(got)
        elif taken:
            id_ = rng.choice(sorted(taken))
            idr.ida_simple_remove(ida, id_)
            taken.remove(id_)
    for id_ in sorted(taken):
        idr.ida_simple_remove(ida, id_)
    idr.ida_destroy(ida)
    assert kmalloc.live == set() and env.lines == []
