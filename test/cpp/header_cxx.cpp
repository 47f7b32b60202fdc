// Compiled under several C++ standards with -Wall -Wextra -pedantic -Werror:
// both public headers must be clean in each of them.
#include "hermetic_pyobject_tls.h"
#include "hermetic_pyobject_tls.hpp"

int hermetic_header_check_cxx();
int hermetic_header_check_cxx() { return HERMETIC_PYOBJECT_TLS_VERSION_NUMBER > 0; }
