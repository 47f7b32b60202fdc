// Compiled under several C standards with -Wall -Wextra -pedantic -Werror:
// the public header must be clean in each of them.
#include "hermetic_pyobject_tls.h"

int hermetic_header_check_c(void);
int hermetic_header_check_c(void) { return HERMETIC_PYOBJECT_TLS_VERSION_NUMBER > 0; }
