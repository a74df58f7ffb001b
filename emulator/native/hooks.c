/*
 * Unicorn hook callbacks in C, for work that runs on every block or access.
 *
 * A Python callback costs microseconds per call; these cost nanoseconds, so they can stay
 * armed. Python registers the addresses returned here with uc_hook_add.
 *   block_counter: UC_HOOK_BLOCK; user data is struct block_state below: it counts blocks
 *                  and bytes, and stops emulation at a block boundary when the byte count
 *                  reaches a virtual-time deadline or when an interrupt is pending and the
 *                  CPU has IRQs unmasked (CPSR.I clear), so interrupts and timers are taken
 *                  deterministically (DESIGN.md section 6).
 *   pc_recorder:   UC_HOOK_MEM_READ|WRITE; user data is struct pc_recorder below: it records
 *                  the PC of the access (exact inside memory hooks, unlike MMIO handlers).
 *   kasan_filter:  UC_HOOK_MEM_READ|WRITE over the KASAN window; user data is struct
 *                  kasan_filter below: it reads the shadow bytes of the access and calls the
 *                  Python checker only when one is not zero (a bad access, or a partial
 *                  granule the checker must look at), so good accesses never enter Python.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

typedef int (*reg_read_fn)(void *uc, int regid, void *value);
typedef int (*emu_stop_fn)(void *uc);

#define CPSR_I 0x80u
#define UC_ARM_REG_CPSR_ID 3     /* unicorn/arm.h: UC_ARM_REG_CPSR */

enum stop_reason { STOP_NONE = 0, STOP_DEADLINE = 1, STOP_IRQ = 2 };

struct block_state {
    uint64_t blocks;        /* executed blocks */
    uint64_t bytes;         /* bytes of executed blocks (ARM: 4 per instruction) */
    uint64_t stop_at;       /* stop before a block would take bytes past stop_at */
    uint32_t irq_pending;   /* nonzero: stop when CPSR.I is clear */
    uint32_t reason;        /* why the last stop happened (enum stop_reason) */
    reg_read_fn reg_read;   /* unicorn's uc_reg_read */
    emu_stop_fn emu_stop;   /* unicorn's uc_emu_stop */
};

static void block_counter(void *uc, uint64_t address, uint32_t size, void *user_data)
{
    struct block_state *s = user_data;
    (void)address;
    /* A stop requested here takes effect before the block runs: it is not counted then. */
    if (s->bytes + size > s->stop_at) {
        s->reason = STOP_DEADLINE;
        s->stop_at = UINT64_MAX;
        s->emu_stop(uc);
        return;
    }
    if (s->irq_pending) {
        uint32_t cpsr = 0;
        s->reg_read(uc, UC_ARM_REG_CPSR_ID, &cpsr);
        if (!(cpsr & CPSR_I)) {
            s->reason = STOP_IRQ;
            s->emu_stop(uc);
            return;
        }
    }
    s->blocks += 1;
    s->bytes += size;
}

struct pc_recorder {
    reg_read_fn reg_read;   /* unicorn's uc_reg_read */
    int regid;              /* UC_ARM_REG_PC */
    uint32_t pc;            /* the last access's PC */
};

static void pc_recorder(void *uc, int type, uint64_t address, int size, int64_t value,
                        void *user_data)
{
    struct pc_recorder *rec = user_data;
    (void)type;
    (void)address;
    (void)size;
    (void)value;
    rec->reg_read(uc, rec->regid, &rec->pc);
}

typedef void (*mem_hook_fn)(void *uc, int type, uint64_t address, int size, int64_t value,
                            void *user_data);

struct kasan_filter {
    const uint8_t *shadow;  /* one byte per 8 bytes of [lo, lo + 8 * len) */
    uint64_t lo;            /* physical start of the window */
    uint64_t len;           /* shadow bytes */
    mem_hook_fn check;      /* the Python checker, called with the same arguments */
};

static void kasan_filter(void *uc, int type, uint64_t address, int size, int64_t value,
                         void *user_data)
{
    const struct kasan_filter *f = user_data;
    uint64_t first = (address - f->lo) >> 3;
    uint64_t last = (address + (uint64_t)(size > 0 ? size - 1 : 0) - f->lo) >> 3;
    if (last >= f->len)
        last = f->len - 1;
    if (first < f->len && !f->shadow[first] && !f->shadow[last])
        return;
    f->check(uc, type, address, size, value, NULL);
}

static PyObject *kasan_filter_address(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyLong_FromVoidPtr((void *)kasan_filter);
}

static PyObject *block_counter_address(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyLong_FromVoidPtr((void *)block_counter);
}

static PyObject *pc_recorder_address(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyLong_FromVoidPtr((void *)pc_recorder);
}

static PyMethodDef methods[] = {
    {"block_counter_address", block_counter_address, METH_NOARGS,
     "Address of the C block-counting callback (UC_HOOK_BLOCK)."},
    {"pc_recorder_address", pc_recorder_address, METH_NOARGS,
     "Address of the C access-PC recording callback (UC_HOOK_MEM_READ|WRITE)."},
    {"kasan_filter_address", kasan_filter_address, METH_NOARGS,
     "Address of the C KASAN shadow pre-check (UC_HOOK_MEM_READ|WRITE)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_hooks", "Native Unicorn hook callbacks.", -1, methods,
};

PyMODINIT_FUNC PyInit__hooks(void)
{
    return PyModule_Create(&module);
}
