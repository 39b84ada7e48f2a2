#!/bin/sh
# bench/ofp-codec.sh: libofp's flow_mod encode/decode rates against the rate
# at which ovs-vswitchd accepts the same flow_mods, measured in the same run.
#
# Starts a private ovsdb-server + ovs-vswitchd (a temporary directory, dummy
# datapath, nothing shared with a system OVS), makes bridge br0 connect to
# the unix socket where bench/ofp-codec listens, and lets the program do the
# rest (see bench/ofp-codec.c).  Then checks the flow count with ovs-ofctl.
#
# Usage: bench/ofp-codec.sh [ofp-codec options, e.g. --guests 1000]
# Environment: VG_BUILD_PLAIN  build directory (default build/plain), where
#                              this script runs `make bench/ofp-codec`.
# Must run as root.  Exits non-zero if a goal is missed.
set -eu

BENCH_PROGS="ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl ovs-ofctl"
BENCH_ROOT_WHY="it starts a private ovs-vswitchd"
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
make -C "$build" -s bench/ofp-codec >/dev/null
bench=$build/bench/ofp-codec

schema=
for f in /usr/share/openvswitch/vswitch.ovsschema \
         /usr/local/share/openvswitch/vswitch.ovsschema; do
    if [ -f "$f" ]; then
        schema=$f
        break
    fi
done
if [ -z "$schema" ]; then
    echo "$0: vswitch.ovsschema not found" >&2
    exit 1
fi

dir=$(mktemp -d /tmp/vg-bench.XXXXXX)
bench_pid=
# shellcheck disable=SC2317  # Invoked by the trap.
cleanup() {
    if [ -n "$bench_pid" ]; then
        kill "$bench_pid" 2>/dev/null || true
    fi
    for d in ovs-vswitchd ovsdb-server; do
        if [ -f "$dir/$d.pid" ]; then
            kill "$(cat "$dir/$d.pid")" 2>/dev/null || true
        fi
    done
    sleep 0.2
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM

export OVS_RUNDIR="$dir" OVS_LOGDIR="$dir" OVS_DBDIR="$dir" \
    OVS_SYSCONFDIR="$dir"
db=unix:$dir/db.sock
vsctl() { ovs-vsctl --db="$db" --timeout=30 "$@"; }

ovsdb-tool create "$dir/conf.db" "$schema"
ovsdb-server --detach --no-chdir --pidfile="$dir/ovsdb-server.pid" \
    -vconsole:off --log-file="$dir/ovsdb-server.log" \
    --remote="punix:$dir/db.sock" "$dir/conf.db"
vsctl --no-wait init
ovs-vswitchd --detach --no-chdir --pidfile="$dir/ovs-vswitchd.pid" \
    -vconsole:off --log-file="$dir/ovs-vswitchd.log" --enable-dummy=override \
    --disable-system "$db"
vsctl add-br br0 -- set bridge br0 datapath_type=dummy fail_mode=secure \
    protocols=OpenFlow13

sock=$dir/ofp.sock
"$bench" --listen "$sock" "$@" &
bench_pid=$!
i=0
while [ ! -S "$sock" ]; do
    i=$((i + 1))
    if [ $i -gt 300 ] || ! kill -0 "$bench_pid" 2>/dev/null; then
        echo "$0: ofp-codec did not start listening" >&2
        exit 1
    fi
    sleep 0.1
done
vsctl set-controller br0 "unix:$sock"

status=0
wait "$bench_pid" || status=$?
bench_pid=

# Independent check of what the switch holds.
flows=$(ovs-ofctl -O OpenFlow13 dump-aggregate br0 \
            | sed -n 's/.*flow_count=\([0-9]*\).*/\1/p')
echo "  ovs-ofctl dump-aggregate br0: flow_count=$flows"
if grep -E '\|(ERR|EMER)\|' "$dir/ovs-vswitchd.log" >&2; then
    echo "$0: errors in ovs-vswitchd.log" >&2
    status=1
fi
exit $status
