// Compiles cgo's generated export header together with the hand-written
// public header and the front's view of the Go exports (cabi/cabi.h's
// struct hptls_runtime): if the Go exports, the storage they write, or the
// public prototypes drift apart, this file stops compiling.
#include <stdint.h>

#include "cabi.h"
#include "hermetic_pyobject_tls.h"
#include "hermetic_pyobject_tls_cgo_export.h"
#include "state.h"

// The front hands Go the address of the word to store, through the table.
static const struct hptls_runtime table = {
    .set_state = hptls_go_set_state,
    .init_state = hptls_go_init_state,
};

// The public prototypes, as the issue fixes them.
static void (*const set_state)(bool) = hermetic_pyobject_tls_set_state;
static bool (*const get_state)(void) = hermetic_pyobject_tls_get_state;
static void (*const init_state)(void) = hermetic_pyobject_tls_init_state;
static bool (*const have_state)(void) = hermetic_pyobject_tls_have_state;
static const char *(*const version)(void) = hermetic_pyobject_tls_version;
static unsigned (*const version_number)(void) = hermetic_pyobject_tls_version_number;

int hermetic_header_drift_check(void);
int hermetic_header_drift_check(void) {
  return table.set_state != 0 && table.init_state != 0 && set_state != 0 && get_state != 0 &&
         init_state != 0 && have_state != 0 && version != 0 && version_number != 0;
}
