#!/bin/sh
# bench/soak.sh: vifguardd over a long uptime on a hypervisor whose peers
# come and go (bench/soak.py, events from tests/soaklab.py): ovs-vswitchd
# crash and restart, ovsdb-server restart, bridge deleted and re-created,
# controller removed and set again, guest plug and unplug, policy changes,
# control socket clients and OpenFlow peers leaving mid-request, xenstored
# restart, a foreign flow and a cleared NO_FLOOD bit, --cycles times each.  Prints the open fds,
# RSS and threads of vifguardd at the start, after the first cycle and every
# tenth of the run, the growth per cycle (first half, second half), the
# counters of `vifguard-ctl stats` and the time per event.
#
# Usage: bench/soak.sh [--cycles N] [--events E1,E2,...] [--autoattach]
#                      [--asan]
#   --autoattach  vifguardd attaches the bridge itself (attach-bridges, with
#                 the build's vifguard-attach), as on a XenServer host
#   --asan        run the ASan+UBSan build (VG_BUILD_ASAN, default
#                 build/asan): LeakSanitizer checks vifguardd's heap when it
#                 exits (RSS is then ASan's: no RSS goal)
# Environment: VG_BUILD_PLAIN, VG_BUILD_ASAN  build directories, where this
#              script runs `make`.
# Must run as root.  Prints "GOAL ...: MET" or "NOT MET" per goal and exits
# non-zero if a goal is missed.
set -eu

BENCH_PROGS="ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl ovs-ofctl ss"
BENCH_ROOT_WHY="it starts a private ovs-vswitchd and network namespaces"
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"

# --asan picks the build here and tells bench/soak.py to skip the RSS goal.
asan=false
for arg do
    shift
    [ "$arg" = --asan ] && asan=true
    set -- "$@" "$arg"
done
if $asan; then
    build=${VG_BUILD_ASAN:-build/asan}
    case $build in
        /*) ;;
        *) build=$srcdir/$build ;;
    esac
    if [ ! -f "$build/Makefile" ]; then
        echo "$0: $build is not a configured build directory" \
             "(set VG_BUILD_ASAN)" >&2
        exit 1
    fi
fi
make -C "$build" -s vifguardd vifguard-ctl scripts/vifguard-attach >/dev/null
# The system python3 has what the integration tests use.
exec /usr/bin/python3 "$srcdir/bench/soak.py" --build "$build" "$@"
