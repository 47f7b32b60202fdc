package hermetic

// Version is the library's version, "MAJOR.MINOR.PATCH". It equals
// HERMETIC_PYOBJECT_TLS_VERSION in include/hermetic_pyobject_tls.h, which
// is the one place the version is written down; a test keeps them equal.
const Version = "0.1.0"
