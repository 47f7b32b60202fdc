#!/bin/bash
# case_install.sh: the fixture: cmake --install of the library's build tree into a fresh prefix.
# Run by test/install/CMakeLists.txt (install.*); the helpers and the
# environment are in lib.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh" install

rm -rf "$HPT_WORK_DIR"
mkdir -p "$HPT_WORK_DIR"
"$HPT_CMAKE" --install "$HPT_BUILD_DIR" --prefix "$prefix" ${HPT_CONFIG:+--config "$HPT_CONFIG"}
