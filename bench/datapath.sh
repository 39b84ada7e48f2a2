#!/bin/sh
# bench/datapath.sh: issue 7 benchmark 6, datapath throughput and megaflows
# of a vifguard-protected bridge against the same bridge as a plain
# learning switch (fail_mode=standalone, NORMAL), measured in the same run.
#
# Builds vifguardd and vifguard-ctl in the build directory, then runs
# bench/datapath.py (see its comment for what is measured): two private
# Open vSwitch sandboxes on the userspace datapath with veth ports into
# network namespaces, iperf3 TCP between guests and the router, and the
# datapath's megaflows during traffic with 1, 10 and 50 connections.
# Prints each ratio against its goal; takes about 3 minutes on an idle
# 2-core machine.
#
# Usage: bench/datapath.sh [--runs N] [--secs S] [--pairs ...] [--conns ...]
#        (bench/datapath.sh --help lists them)
# Environment: VG_BUILD_PLAIN  build directory (default build/plain).
# Must run as root.  Exits non-zero if a goal is missed.
set -eu

BENCH_PROGS="ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl ovs-ofctl ovs-appctl iperf3 ethtool tcpdump ip"
BENCH_ROOT_WHY="namespaces, a private ovs-vswitchd"
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
make -C "$build" -s vifguardd vifguard-ctl >/dev/null
# Debian's python3, which has scapy (for the protection check).
exec /usr/bin/python3 "$srcdir/bench/datapath.py" --build "$build" "$@"
