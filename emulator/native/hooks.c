/*
 * Unicorn hook callbacks in C, for work that runs on every block or access.
 *
 * A Python callback costs microseconds per call; these cost nanoseconds, so they can stay
 * armed. Python registers the addresses returned here with uc_hook_add.
 *   block_counter: UC_HOOK_BLOCK; user data is uint64_t[2] {blocks, bytes}.
 *   pc_recorder:   UC_HOOK_MEM_READ|WRITE; user data is struct pc_recorder below: it records
 *                  the PC of the access (exact inside memory hooks, unlike MMIO handlers).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

static void block_counter(void *uc, uint64_t address, uint32_t size, void *user_data)
{
    uint64_t *counters = user_data;
    (void)uc;
    (void)address;
    counters[0] += 1;
    counters[1] += size;
}

typedef int (*reg_read_fn)(void *uc, int regid, void *value);

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
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_hooks", "Native Unicorn hook callbacks.", -1, methods,
};

PyMODINIT_FUNC PyInit__hooks(void)
{
    return PyModule_Create(&module);
}
