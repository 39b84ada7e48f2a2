#!/bin/sh
# bench/scale.sh: vifguardd at scale (issue 7), on a private ovs-vswitchd with
# the dummy datapath: 1000 guest ports, each with one IPv4 and one IPv6
# address and full protection (anti-sniffing included).
#
#   coldstart  vifguardd starts with 1000 guest ports: time until all are
#              protected, against the same flows in one
#              `ovs-ofctl --bundle add-flows` (floor) and one
#              `ovs-ofctl add-flow` per flow (baseline, on 50 ports' share)
#   plug       200 plugs one at a time: OVSDB commit -> protected (p50,
#              p99, max), ovs-vswitchd's own part, vifguardd's histograms
#              (plug latency and the NO_FLOOD window)
#   restart    kill -9 and restart: flow mods sent (0), flows re-added
#              (0, from OVS's flow durations), time until all protected
#   churn      10,000 plug/unplug cycles: flow count, RSS growth, errors
#   footprint  RSS with 1000 ports; wakeups in 60 idle seconds
#   all        all of them, in that order, on one sandbox
#
# Usage: bench/scale.sh WHAT... [--ports N[,N...]] [--plugs N] [--cycles N]
#                                [--sample N] [--idle SECONDS]
# (quick run: bench/scale.sh all --cycles 500 --idle 20; several port counts,
# each on a new sandbox, with a table of the plug figures at the end:
# bench/scale.sh plug --ports 100,300,1000)
# Environment: VG_BUILD_PLAIN  build directory (default build/plain), where
#                              this script runs `make`.
# Must run as root.  Prints "GOAL ...: MET" or "NOT MET" per goal and exits
# non-zero if a goal is missed.
set -eu

BENCH_PROGS="ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl ovs-ofctl"
BENCH_ROOT_WHY="it starts a private ovs-vswitchd"
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
make -C "$build" -s vifguardd vifguard-ctl >/dev/null
# The system python3 has what the integration tests use.
exec /usr/bin/python3 "$srcdir/bench/scale.py" --build "$build" "$@"
