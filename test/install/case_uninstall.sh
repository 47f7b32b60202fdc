#!/bin/bash
# case_uninstall.sh: the uninstall target: what install put in place is gone, nothing else.
# Run by test/install/CMakeLists.txt (install.*); the helpers and the
# environment are in lib.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh" uninstall

# A prefix with things of its own in the directories install uses and next
# to them: after install and uninstall it is exactly as it was, also the
# empty directory that existed before (share/licenses); what install
# created (lib/cmake/HermeticPyObjectTLS, lib/pkgconfig, ...) is gone.
# (A prefix of its own: the fixture's prefix stays for the other tests.)
rm -rf "$work"
p=$work/prefix
mkdir -p "$p/$HPT_LIBDIR/cmake/Other" "$p/$HPT_INCLUDEDIR" "$p/share/licenses" "$p/bin"
echo "other's config" >"$p/$HPT_LIBDIR/cmake/Other/OtherConfig.cmake"
echo "other's header" >"$p/$HPT_INCLUDEDIR/other.h"
ln -s ../include/other.h "$p/bin/link-of-other"
# snapshot DIR: every path under DIR with its type, and each file's content.
snapshot() { (cd "$1" && find . -printf '%y %p\n' | sort && find . -type f | sort | xargs -r cat); }
snapshot "$p" >"$work/before.txt"
uninstall() { "$HPT_CMAKE" --build "$HPT_BUILD_DIR" --target uninstall | tee "$work/uninstall.log"; }
step "install into $p, which has files of its own"
"$HPT_CMAKE" --install "$HPT_BUILD_DIR" --prefix "$p" ${HPT_CONFIG:+--config "$HPT_CONFIG"} >/dev/null
installed=$(grep -c . "$HPT_BUILD_DIR/install_manifest.txt")
[ -f "$p/$HPT_LIBDIR/$name.so.$HPT_VERSION" ] && [ -f "$p/$HPT_LICENSEDIR/LICENSE" ] || fail "install did not install"
step "cmake --build --target uninstall"
uninstall
grep -q "uninstall: $installed files removed, 0 already absent" "$work/uninstall.log" || fail "not all $installed files removed"
snapshot "$p" >"$work/after.txt"
diff -u "$work/before.txt" "$work/after.txt" || fail "the prefix differs from what it was before install"
step "uninstall again: nothing left to remove, nothing else touched"
uninstall
grep -q "uninstall: 0 files removed, $installed already absent" "$work/uninstall.log" || fail "second uninstall"
snapshot "$p" >"$work/after.txt"
diff -u "$work/before.txt" "$work/after.txt" || fail "the second uninstall changed the prefix"

step "into an empty prefix, installed twice: only the prefix itself stays"
rm -rf "$p" && mkdir -p "$p"
"$HPT_CMAKE" --install "$HPT_BUILD_DIR" --prefix "$p" ${HPT_CONFIG:+--config "$HPT_CONFIG"} >/dev/null
"$HPT_CMAKE" --install "$HPT_BUILD_DIR" --prefix "$p" ${HPT_CONFIG:+--config "$HPT_CONFIG"} >/dev/null
uninstall >/dev/null
[ -d "$p" ] || fail "uninstall removed the prefix"
left=$(cd "$p" && find . -mindepth 1)
[ -z "$left" ] || fail "left behind: $left"

step "DESTDIR staging: uninstall removes from the staged tree"
DESTDIR=$work/destdir "$HPT_CMAKE" --install "$HPT_BUILD_DIR" --prefix /opt/hpt ${HPT_CONFIG:+--config "$HPT_CONFIG"} >/dev/null
[ -f "$work/destdir/opt/hpt/$HPT_LIBDIR/$name.so.$HPT_VERSION" ] || fail "DESTDIR install did not install"
if DESTDIR=$work/elsewhere uninstall >/dev/null 2>&1; then fail "uninstall under another DESTDIR succeeded"; fi
[ -f "$work/destdir/opt/hpt/$HPT_LIBDIR/$name.so.$HPT_VERSION" ] || fail "a refused uninstall removed files"
uninstall >/dev/null
left=$(cd "$work/destdir" && find . -mindepth 1 | sort | tr '\n' ' ')
[ "$left" = "./opt ./opt/hpt " ] || fail "DESTDIR uninstall left: $left"

step "the Runtime component alone, removed with COMPONENT=Runtime"
rm -rf "$p" && mkdir -p "$p"
"$HPT_CMAKE" --install "$HPT_BUILD_DIR" --prefix "$p" --component Runtime ${HPT_CONFIG:+--config "$HPT_CONFIG"} >/dev/null
"$HPT_CMAKE" -DBUILD_DIR="$HPT_BUILD_DIR" -DCOMPONENT=Runtime -P "$HPT_SOURCE_DIR/cmake/hermetic_uninstall.cmake"
left=$(cd "$p" && find . -mindepth 1)
[ -z "$left" ] || fail "Runtime uninstall left: $left"

step "a build tree that installed nothing: a clear error, nothing removed"
mkdir -p "$work/empty-build"
if out=$("$HPT_CMAKE" -DBUILD_DIR="$work/empty-build" -P "$HPT_SOURCE_DIR/cmake/hermetic_uninstall.cmake" 2>&1); then
  fail "uninstall without a manifest succeeded"
fi
tr -s " \n" "  " <<<"$out" | grep -q "install_manifest.txt does not exist: nothing was installed" || fail "unclear error: $out"
echo "uninstall: OK"
