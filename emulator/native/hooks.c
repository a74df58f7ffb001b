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
 *   svc_fast:      UC_HOOK_INTR; user data is struct svc_fast below: it serves the hot system
 *                  calls into a character device (read, write, ioctl) without entering
 *                  Python when the Python syscall path has already shown what they do, and
 *                  hands every other exception to the Python interrupt hook. While syscalls
 *                  are traced it also serves their return and records each one for the
 *                  trace (struct sys_record).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
#include <stdint.h>

typedef int (*reg_read_fn)(void *uc, int regid, void *value);
typedef int (*emu_stop_fn)(void *uc);

#define CPSR_I 0x80u
#define CPSR_T 0x20u
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

/*
 * The system-call fast path (issue 15 (b)).
 *
 * The Python path (kernel/entry.py) turns read, write and ioctl on an open character device
 * into a tail call: the driver's file_operations function entered in SVC mode on the task's
 * kernel stack, with lr at the ret_fast_syscall trampoline, which pops the saved user
 * registers and returns to user space by itself. When it does so for a call whose outcome
 * depends only on (syscall, fd, ioctl cmd), it records the call here ("learn"); the next
 * such svc from user mode is then served in C, exactly as Entry._tail_call would: the same
 * five words saved on the kernel stack, the same registers written in the same order.
 * Python empties the table (a new generation) whenever anything could change that outcome:
 * any other syscall or fault, a task switch, a run starting or stopping. Anything not in the
 * table, or any svc while the path is disabled, goes to the Python hook.
 *
 * Traced (issue 15 (e)): the Python path then enters the driver with lr at the resume slot
 * instead, so that the result comes back to it (Entry._enter_guest, Entry._advance); this
 * path makes the same writes ("pending" until the driver returns), serves the resume slot's
 * svc with the same writes as Entry._advance, and appends a sys_record (the instruction
 * count, the call, its result) that Python turns into the "syscall" event later, in order,
 * stamped with the recorded count. Python takes a pending call over (Entry._adopt) before it
 * does anything else: at every exception it handles and whenever the CPU stops.
 */
typedef void (*intr_fn)(void *uc, uint32_t intno, void *user_data);
typedef int (*reg_batch_fn)(void *uc, int *regs, void **vals, int count);
typedef int (*mem_write_fn)(void *uc, uint64_t address, const void *bytes, size_t size);

#define EXCP_SWI 2                  /* QEMU's EXCP_SWI, as Unicorn reports it */
#define USR_MODE 0x10u
#define MODE_MASK 0x1Fu
#define FAST_SLOTS 256
/* The frame read at each svc: kernel/entry.py SvcFrame.NAMES, in that order. */
enum { F_R0, F_R1, F_R2, F_R3, F_R4, F_R5, F_R7, F_R12, F_PC, F_CPSR, F_SP, F_LR, F_N };

struct fast_call {
    uint32_t gen;           /* valid while equal to svc_fast.gen */
    uint32_t nr;            /* syscall number (r7) */
    uint32_t fd;            /* r0 */
    uint32_t cmd;           /* r1 for ioctl, 0 otherwise */
    uint32_t fn;            /* the driver function entered */
    uint32_t a0;            /* its first argument (struct file *) */
    uint32_t a3;            /* its fourth (loff_t *ppos for read/write, 0 for ioctl) */
    uint32_t pad;
};

#define SYS_RECORDS 512
/* One traced system call served here, as Python reads it (fast_syscalls.py _RECORD). */
struct sys_record {
    uint64_t bytes;         /* block_state.bytes when it returned (the instruction count * 4) */
    uint32_t nr;            /* r7 */
    uint32_t args[6];       /* r0-r5 at the svc */
    uint32_t result;        /* r0 at the return */
};

struct svc_fast {
    reg_batch_fn reg_read_batch;
    reg_batch_fn reg_write_batch;
    mem_write_fn mem_write;
    intr_fn python;         /* the Python interrupt hook (a ctypes callback) */
    uint32_t enabled;       /* 0: every exception goes to Python */
    uint32_t gen;           /* the table's generation: bumping it empties the table */
    uint32_t kstack;        /* the running task's kernel stack top (virtual) */
    uint32_t tail_return;   /* the ret_fast_syscall trampoline */
    uint32_t kernel_cpsr;   /* CPSR for kernel code (SVC mode) */
    uint32_t last_fast;     /* 1: the last syscall from user mode was served here */
    uint64_t saved_pa;      /* physical address of the five saved words (kstack - 20) */
    uint64_t count;         /* syscalls served here */
    int read_ids[F_N];      /* register ids of the frame */
    int write_ids[9];       /* cpsr, sp, lr, spsr, r0, r1, r2, r3, pc */
    uint32_t frame[F_N];    /* the user registers of the last syscall served here */
    struct fast_call table[FAST_SLOTS];
    /* tracing (issue 15 (e)) */
    uint32_t traced;        /* 1: enter through the resume slot and record each return */
    uint32_t pending;       /* 1: a call entered here has not returned (its registers: frame) */
    uint32_t resume;        /* the resume slot (its svc reports pc = resume + 4) */
    uint32_t nrec;          /* records in rec[] not yet taken by Python */
    const uint64_t *bytes;  /* &block_state.bytes: the instruction count */
    int enter_ids[8];       /* cpsr, sp, lr, r0, r1, r2, r3, pc (Entry._enter) */
    int leave_ids[7];       /* cpsr, r0, r1, r2, r3, r12, pc (Entry._leave) */
    struct sys_record rec[SYS_RECORDS];
};

static inline unsigned fast_slot(uint32_t nr, uint32_t fd, uint32_t cmd)
{
    uint32_t h = (fd * 0x9E3779B1u) ^ (cmd * 0x85EBCA77u) ^ nr;
    return (h ^ (h >> 16)) & (FAST_SLOTS - 1);
}

/* The traced call entered here returned to the resume slot: back to user space as
 * Entry._advance returns there, and its record for the trace. */
static void traced_return(void *uc, struct svc_fast *s, uint32_t result)
{
    const uint32_t *v = s->frame;
    uint32_t w[7] = {v[F_CPSR], result, v[F_R1], v[F_R2], v[F_R3], v[F_R12],
                     v[F_PC] | (v[F_CPSR] & CPSR_T ? 1u : 0u)};
    void *wp[7];
    for (int i = 0; i < 7; i++)
        wp[i] = &w[i];
    s->reg_write_batch(uc, s->leave_ids, wp, 7);
    struct sys_record *r = &s->rec[s->nrec++];
    r->bytes = *s->bytes;
    r->nr = v[F_R7];
    for (int i = 0; i < 6; i++)
        r->args[i] = v[i];
    r->result = result;
    s->pending = 0;
}

static void svc_fast(void *uc, uint32_t intno, void *user_data)
{
    struct svc_fast *s = user_data;
    if (intno == EXCP_SWI && s->enabled) {
        uint32_t *v = s->frame;
        uint32_t f[F_N];
        void *ptrs[F_N];
        for (int i = 0; i < F_N; i++)
            ptrs[i] = &f[i];
        s->reg_read_batch(uc, s->read_ids, ptrs, F_N);
        if (s->pending) {
            /* Nothing reached Python since the call was entered (Python would have taken it
             * over): an svc at the resume slot is its return. */
            if (f[F_PC] == s->resume + 4 && (f[F_CPSR] & MODE_MASK) != USR_MODE) {
                traced_return(uc, s, f[F_R0]);
                return;
            }
        } else if ((f[F_CPSR] & MODE_MASK) == USR_MODE) {
            uint32_t nr = f[F_R7], fd = f[F_R0], cmd = nr == 54 ? f[F_R1] : 0;
            const struct fast_call *c = &s->table[fast_slot(nr, fd, cmd)];
            int hit = c->gen == s->gen && c->nr == nr && c->fd == fd && c->cmd == cmd && c->fn;
            if (hit && s->traced && s->nrec < SYS_RECORDS) {   /* full: Python drains it */
                uint32_t w[8] = {s->kernel_cpsr, s->kstack, s->resume, c->a0, f[F_R1], f[F_R2],
                                 c->a3, c->fn};
                void *wp[8];
                for (int i = 0; i < 8; i++)
                    wp[i] = &w[i];
                s->reg_write_batch(uc, s->enter_ids, wp, 8);
                for (int i = 0; i < F_N; i++)
                    v[i] = f[i];
                s->count += 1;
                s->last_fast = 1;
                s->pending = 1;
                return;
            }
            if (hit && !s->traced) {
                uint32_t saved[5] = {f[F_R1], f[F_R2], f[F_R3], f[F_R12], f[F_PC]};
                uint32_t w[9] = {s->kernel_cpsr, s->kstack - 20, s->tail_return, f[F_CPSR],
                                 c->a0, f[F_R1], f[F_R2], c->a3, c->fn};
                void *wp[9];
                for (int i = 0; i < 9; i++)
                    wp[i] = &w[i];
                s->mem_write(uc, s->saved_pa, saved, sizeof saved);
                s->reg_write_batch(uc, s->write_ids, wp, 9);
                for (int i = 0; i < F_N; i++)
                    v[i] = f[i];
                s->count += 1;
                s->last_fast = 1;
                return;
            }
            s->last_fast = 0;
        }
    }
    s->python(uc, intno, NULL);
}

static PyObject *svc_fast_address(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyLong_FromVoidPtr((void *)svc_fast);
}

static PyObject *svc_fast_layout(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return Py_BuildValue("(nn)", (Py_ssize_t)sizeof(struct svc_fast),
                         (Py_ssize_t)offsetof(struct svc_fast, rec));
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
    {"svc_fast_address", svc_fast_address, METH_NOARGS,
     "Address of the C system-call fast path (UC_HOOK_INTR)."},
    {"svc_fast_layout", svc_fast_layout, METH_NOARGS,
     "(sizeof, offset of rec) of struct svc_fast, checked against fast_syscalls.py's mirror."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_hooks", "Native Unicorn hook callbacks.", -1, methods,
};

PyMODINIT_FUNC PyInit__hooks(void)
{
    return PyModule_Create(&module);
}
