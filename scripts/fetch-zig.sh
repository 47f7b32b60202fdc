#!/bin/sh
# fetch-zig.sh: makes sure the pinned zig (the `ziglang` package from PyPI)
# is in the cache directory and prints the path of its `zig` executable.
#
#   cache: ${HERMETIC_PYOBJECT_TLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hermetic-pyobject-tls}
#   zig:   <cache>/ziglang-<version>/ziglang/zig
#
# Installed with pip (python3 -m pip, or, when this Python has no pip, the pip
# of a venv made once in <cache>/pip-venv) with --require-hashes: the wheel
# must be the one whose sha256 is below. A second run finds it and does
# nothing. Fails with a clear message when it cannot.
set -eu
version=0.15.2
# sha256 of the two wheels a build machine can use (pip picks its platform's).
hashes="--hash=sha256:806316453d1ede7174ed3fefb8e5348154629089c3bb5fe812dfd0e172fac130 \
  --hash=sha256:edc0aa60ec964a4cf462d40f68d7de242ddf37fd9a80f2afaee6397059463230"
# (x86_64: ziglang-0.15.2-py3-none-manylinux_2_12_x86_64...whl;
#  aarch64: ziglang-0.15.2-py3-none-manylinux_2_17_aarch64...whl)

cache=${HERMETIC_PYOBJECT_TLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hermetic-pyobject-tls}
dir=$cache/ziglang-$version
zig=$dir/ziglang/zig
if [ -x "$zig" ] && [ -f "$dir/.complete" ]; then
  echo "$zig"
  exit 0
fi
fail() { echo "fetch-zig.sh: $*" >&2; exit 1; }
python=${PYTHON:-python3}
command -v "$python" >/dev/null 2>&1 || fail "needs python3 to install ziglang==$version from PyPI"
mkdir -p "$cache"
if "$python" -m pip --version >/dev/null 2>&1; then
  pip="$python -m pip"
else
  [ -x "$cache/pip-venv/bin/pip" ] || "$python" -m venv "$cache/pip-venv" >&2 ||
    fail "this python3 has no pip and cannot make a venv (Debian: apt-get install python3-venv)"
  pip="$cache/pip-venv/bin/pip"
fi
req=$(mktemp "${TMPDIR:-/tmp}/hptls-zig.XXXXXX")
tmp=$dir.partial.$$
trap 'rm -rf "$req" "$tmp"' EXIT INT TERM
echo "ziglang==$version $hashes" >"$req"
echo "fetch-zig.sh: installing ziglang==$version from PyPI into $dir" >&2
PIP_ROOT_USER_ACTION=ignore $pip install -q --disable-pip-version-check --no-deps --only-binary=:all: \
  --require-hashes --target "$tmp" -r "$req" >&2 ||
  fail "pip could not install ziglang==$version (network, or PyPI unreachable?); nothing is left half-done in $cache"
[ -x "$tmp/ziglang/zig" ] || fail "the ziglang wheel has no ziglang/zig"
rm -rf "$dir"
mv "$tmp" "$dir"
"$zig" version >/dev/null || fail "$zig does not run on this machine"
touch "$dir/.complete"
echo "$zig"
