# shellcheck shell=sh
# bench/common.sh: the checks every bench/*.sh starts with, sourced (POSIX
# sh).  Sets 'srcdir' (the source tree) and 'build' (the build directory:
# VG_BUILD_PLAIN, default build/plain, relative to the source tree) and
# exits with a message unless running as root, every program named in
# BENCH_PROGS is on PATH and 'build' is a configured build directory.
#
#   BENCH_PROGS="ovs-vswitchd ..." BENCH_ROOT_WHY="..." . bench/common.sh

srcdir=$(cd "$(dirname "$0")/.." && pwd)
build=${VG_BUILD_PLAIN:-build/plain}
case $build in
    /*) ;;
    *) build=$srcdir/$build ;;
esac

if [ "$(id -u)" != 0 ]; then
    echo "$0: must run as root ($BENCH_ROOT_WHY)" >&2
    exit 1
fi
for prog in $BENCH_PROGS; do
    if ! command -v "$prog" >/dev/null 2>&1; then
        echo "$0: $prog not found (run scripts/install-deps.sh)" >&2
        exit 1
    fi
done
if [ ! -f "$build/Makefile" ]; then
    echo "$0: $build is not a configured build directory" \
         "(set VG_BUILD_PLAIN)" >&2
    exit 1
fi
