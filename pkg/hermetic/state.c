// state.c defines the storage that state.h declares. The OS gives every new
// thread a zeroed hptls_thread_state and frees it when the thread exits, so
// a thread that reuses a dead thread's id starts false.
#include "state.h"

_Thread_local uint32_t hptls_thread_state
    __attribute__((tls_model("initial-exec"))) = 0;

uint32_t hptls_have_state = 0;
