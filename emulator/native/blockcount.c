/*
 * A Unicorn UC_HOOK_BLOCK callback in C: counts executed translation blocks and their bytes.
 *
 * Counting instructions from Python would put a Python call on every block (microseconds
 * each); this callback costs a few nanoseconds, so the count is always on. Python registers
 * hook_address() with uc_hook_add and passes a uint64_t[2] {blocks, bytes} as user data.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

static void count_block(void *uc, uint64_t address, uint32_t size, void *user_data)
{
    uint64_t *counters = user_data;
    (void)uc;
    (void)address;
    counters[0] += 1;
    counters[1] += size;
}

static PyObject *hook_address(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyLong_FromVoidPtr((void *)count_block);
}

static PyMethodDef methods[] = {
    {"hook_address", hook_address, METH_NOARGS,
     "Address of the C block-counting callback for uc_hook_add(UC_HOOK_BLOCK)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_blockcount", "Native block counter for Unicorn.", -1, methods,
};

PyMODINIT_FUNC PyInit__blockcount(void)
{
    return PyModule_Create(&module);
}
