"""Unicorn's hot C entry points called without the binding's wrappers, the block counter's
state shared with emulator/native/hooks.c, and the register ids the hot paths write.

The binding's prototypes convert a Python error class and check pointer argument types,
about a microsecond per call; with no argtypes, ctypes passes arrays as pointers and
callers wrap 64-bit arguments themselves (c_uint64). Results are plain ints.
"""

import ctypes

from unicorn import arm_const as A
from unicorn.unicorn_py3.unicorn import uclib

SP, LR, PC, CPSR = A.UC_ARM_REG_SP, A.UC_ARM_REG_LR, A.UC_ARM_REG_PC, A.UC_ARM_REG_CPSR


def _c_api():
    """name -> the C function, for the entry points the hot paths call."""
    lib = ctypes.CDLL(uclib._name)
    api = {}
    for name in ("uc_reg_read", "uc_reg_write", "uc_reg_read_batch", "uc_reg_write_batch",
                 "uc_mem_write", "uc_mem_read", "uc_emu_stop", "uc_emu_start"):
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = ctypes.c_int, None
        api[name] = fn
    return api


C_API = _c_api()


class BlockState(ctypes.Structure):
    """Shared with emulator/native/hooks.c (struct block_state)."""
    _fields_ = [("blocks", ctypes.c_uint64), ("bytes", ctypes.c_uint64),
                ("stop_at", ctypes.c_uint64), ("irq_pending", ctypes.c_uint32),
                ("reason", ctypes.c_uint32), ("reg_read", ctypes.c_void_p),
                ("emu_stop", ctypes.c_void_p)]
