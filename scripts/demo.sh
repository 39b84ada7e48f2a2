#!/bin/bash
# vifguard demo: installs what it needs, builds vifguard and shows guests on
# a sandboxed Open vSwitch attacking each other, first without vifguard,
# then protected by vifguardd.
#
#   sudo ./scripts/demo.sh [DEMO ARGS...]     (e.g. --keep; see demo.py -h)
#
# Steps: scripts/install-deps.sh (apt; quick when everything is there),
# autoreconf -fi when configure is missing or stale, configure + make of
# build/plain (CC=gcc --enable-werror, as scripts/run-tests.sh does), then
# scripts/demo.py, which does the rest and cleans up after itself.
#
# Environment: VG_BUILD_ROOT (default: build/ in the source tree), JOBS
# (make -j, default 2), VG_SKIP_DEPS=1 skips the package check.
# Exit status: demo.py's (0: every attack worked without vifguard and was
# blocked with it).
set -euo pipefail

srcdir=$(cd "$(dirname "$0")/.." && pwd)
cd "$srcdir"

if [ "$(id -u)" -ne 0 ]; then
    echo "demo.sh: must run as root (it installs packages, creates network" \
         "namespaces and runs Open vSwitch): sudo $0" >&2
    exit 1
fi

export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
JOBS=${JOBS:-2}
build=${VG_BUILD_ROOT:-$srcdir/build}/plain

step() {
    echo "=== demo: $*"
}

if [ "${VG_SKIP_DEPS:-0}" = 1 ]; then
    step "dependencies: skipped (VG_SKIP_DEPS=1)"
else
    step "dependencies"
    "$srcdir/scripts/install-deps.sh"
fi

stale=false
if [ ! -x configure ] || [ ! -f Makefile.in ]; then
    stale=true
else
    for f in configure.ac Makefile.am */automake.mk; do
        if [ "$f" -nt configure ] || [ "$f" -nt Makefile.in ]; then
            stale=true
        fi
    done
fi
if $stale; then
    step "autoreconf -fi"
    autoreconf -fi
fi

step "building $build"
mkdir -p "$build"
if [ ! -f "$build/Makefile" ]; then
    (cd "$build" && "$srcdir/configure" CC=gcc --enable-werror \
        >configure.out 2>&1) || {
        cat "$build/configure.out" >&2
        echo "demo.sh: configure failed in $build" >&2
        exit 1
    }
fi
# Quiet unless it fails.
if ! make -C "$build" -j"$JOBS" all >"$build/demo-make.out" 2>&1; then
    tail -40 "$build/demo-make.out" >&2
    echo "demo.sh: build failed (full log: $build/demo-make.out)" >&2
    exit 1
fi
echo "built vifguardd and vifguard-ctl"

export VG_BUILD_PLAIN=$build
exec /usr/bin/python3 "$srcdir/scripts/demo.py" --build "$build" "$@"
