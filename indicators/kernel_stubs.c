/* indicators/kernel_aot.py links this into the kernels' shared library: the symbols that
   numba's compiled code references from numba's own C helpers, which numba's extensions do
   not export (numba hands their addresses to LLVM when it runs the code itself), for a
   library loaded without numba. The kernels get plain views of the caller's buffers (no
   NRT meminfo: the reference counting never reaches a destructor), and each exported
   function catches exceptions and returns a status, so only an error path gets here, where
   these set a RuntimeError for the wrapper to report. Signatures: numba/_helperlib.c and
   numba/core/runtime/nrt.h (numba 0.68). */
#include <stdlib.h>

typedef int gil_state;  /* PyGILState_STATE, an enum */
extern gil_state PyGILState_Ensure(void);
extern void PyGILState_Release(gil_state);
extern void PyErr_SetString(void *type, const char *message);
extern void *PyExc_RuntimeError;

void NRT_MemInfo_call_dtor(void *mi) { (void)mi; abort(); }  /* no meminfo: unreachable */
void NRT_Free(void *ptr) { free(ptr); }
void numba_gil_ensure(gil_state *state) { *state = PyGILState_Ensure(); }
void numba_gil_release(gil_state *state) { PyGILState_Release(*state); }

static void *fail(void) {
    PyErr_SetString(PyExc_RuntimeError, "breadth kernel: error in compiled code");
    return NULL;
}
void *numba_unpickle(const char *data, int n, const char *hashed) {
    (void)data; (void)n; (void)hashed;
    return fail();
}
void *numba_runtime_build_excinfo_struct(void *gv, void *args) {
    (void)gv; (void)args;
    return fail();
}
int numba_do_raise(void *exc) { (void)exc; fail(); return 0; }
