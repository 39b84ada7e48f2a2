# Benchmarks: built by `make`, run by bench/*.sh (never by `make check`).

# The checks every bench/*.sh starts with.
EXTRA_DIST += bench/common.sh

# bench/ofp-codec.sh: libofp encode/decode rate against the rate at which
# ovs-vswitchd accepts the same flow_mods.
noinst_PROGRAMS += bench/ofp-codec
bench_ofp_codec_SOURCES = bench/ofp-codec.c
bench_ofp_codec_LDADD = ofp/libofp.a
EXTRA_DIST += bench/ofp-codec.sh

# bench/datapath.sh: datapath throughput and megaflows of a protected bridge
# against the same bridge with plain NORMAL (issue 7, benchmark 6).
EXTRA_DIST += bench/datapath.sh bench/datapath.py

# bench/scale.sh: vifguardd with 1000 guests (cold start against one
# ovs-ofctl bundle and one ovs-ofctl per flow, plug latency, restart, churn,
# footprint); bench/scale.py does the work.
EXTRA_DIST += bench/scale.sh bench/scale.py

# bench/ovsplug.py: ovs-vswitchd's own port creation (commit -> ofport) with
# N ports, without vifguardd: the floor under the plug latency (diagnostic).
EXTRA_DIST += bench/ovsplug.py

# bench/ovsdb_rpc.py: the JSON-RPC client of both.
EXTRA_DIST += bench/ovsdb_rpc.py

# bench/soak.sh: vifguardd's fds, RSS and threads over hundreds of cycles of
# restarts, bridge re-creation, plugs, policy changes, control clients and
# xenstored restarts (tests/soaklab.py); bench/soak.py does the work.
EXTRA_DIST += bench/soak.sh bench/soak.py
