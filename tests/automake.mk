# Unit tests: one C program per module, each printing "N passed, N failed".
# tests/run-unit.sh runs them plain, under ASan+UBSan builds and valgrind.
UNIT_TESTS = \
	tests/unit/test-buf
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
tests_unit_test_buf_SOURCES = tests/unit/test-buf.c tests/unit/check.h \
	tests/unit/hex.h
tests_unit_test_buf_LDADD = ofp/libofp.a

# ofp/match.c, ofp/actions.c, ofp/errors.c.
UNIT_TESTS += tests/unit/test-match tests/unit/test-actions
tests_unit_test_match_SOURCES = tests/unit/test-match.c tests/unit/check.h
tests_unit_test_match_LDADD = ofp/libofp.a
tests_unit_test_actions_SOURCES = tests/unit/test-actions.c tests/unit/check.h
tests_unit_test_actions_LDADD = ofp/libofp.a

# Golden vectors (tests/test_golden.py) and libFuzzer targets
# (tests/test_fuzz.py, tests/fuzz/run-long.sh).
noinst_PROGRAMS += tests/golden/vectors
tests_golden_vectors_SOURCES = tests/golden/vectors.c
# (src/libvifguard.a for the learning frames of src/bondlearn.c.)
tests_golden_vectors_LDADD = $(VG_LDADD)
EXTRA_DIST += \
	tests/test_golden.py \
	tests/golden/expected \
	tests/test_fuzz.py \
	tests/fuzz/corpus \
	tests/fuzz/flows.txt \
	tests/fuzz/flows.dict \
	tests/fuzz/gen-corpus.py \
	tests/fuzz/run-long.sh
if FUZZING
FUZZ_TARGETS = \
	tests/fuzz/fuzz-ofp-decode \
	tests/fuzz/fuzz-ofp-roundtrip \
	tests/fuzz/fuzz-ofp-parse
noinst_PROGRAMS += $(FUZZ_TARGETS)
tests_fuzz_fuzz_ofp_decode_SOURCES = tests/fuzz/fuzz-ofp-decode.c
tests_fuzz_fuzz_ofp_decode_LDADD = ofp/libofp.a
tests_fuzz_fuzz_ofp_decode_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_ofp_roundtrip_SOURCES = tests/fuzz/fuzz-ofp-roundtrip.c
tests_fuzz_fuzz_ofp_roundtrip_LDADD = ofp/libofp.a
tests_fuzz_fuzz_ofp_roundtrip_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_ofp_parse_SOURCES = tests/fuzz/fuzz-ofp-parse.c
tests_fuzz_fuzz_ofp_parse_LDADD = ofp/libofp.a
tests_fuzz_fuzz_ofp_parse_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
endif

# Decoding of bytes captured from a real ovs-vswitchd (tests/captures/,
# recorded by tests/captures/capture.py; see tests/captures/README.md).
UNIT_TESTS += tests/unit/test-captures
tests_unit_test_captures_SOURCES = tests/unit/test-captures.c
tests_unit_test_captures_CPPFLAGS = $(AM_CPPFLAGS) \
	-DVG_CAPTURES_DIR='"$(abs_top_srcdir)/tests/captures"'
tests_unit_test_captures_LDADD = ofp/libofp.a
EXTRA_DIST += \
	tests/captures/README.md \
	tests/captures/capture.py \
	tests/captures/flows.txt \
	tests/captures/errors.hex \
	tests/captures/features.hex \
	tests/captures/flow-stats.hex \
	tests/captures/group-desc.hex \
	tests/captures/hello.hex \
	tests/captures/port-desc-large.hex \
	tests/captures/port-desc-small.hex \
	tests/captures/port-status.hex \
	tests/conftest.py \
	tests/ovs_sandbox.py \
	tests/test_sandbox.py \
	tests/test_unit.py \
	scripts/install-deps.sh \
	scripts/run-tests.sh \
	scripts/format.sh

# Lead's block: daemon unit tests (policy parsing, flow compiler).
UNIT_TESTS += tests/unit/test-policy
tests_unit_test_policy_SOURCES = tests/unit/test-policy.c
tests_unit_test_policy_LDADD = $(VG_LDADD)
UNIT_TESTS += tests/unit/test-flows
tests_unit_test_flows_SOURCES = tests/unit/test-flows.c
tests_unit_test_flows_LDADD = $(VG_LDADD)
UNIT_TESTS += tests/unit/test-deliver
tests_unit_test_deliver_SOURCES = tests/unit/test-deliver.c
tests_unit_test_deliver_LDADD = $(VG_LDADD)

# bond-learning helper: learning frames for bonds (src/bondlearn.c).
UNIT_TESTS += tests/unit/test-bondlearn
tests_unit_test_bondlearn_SOURCES = tests/unit/test-bondlearn.c \
	tests/unit/check.h
tests_unit_test_bondlearn_LDADD = $(VG_LDADD)

# ofp/msgs.c, ofp/switch.c, ofp/port.c, ofp/packet.c, ofp/bundle.c.
UNIT_TESTS += tests/unit/test-msgs
tests_unit_test_msgs_SOURCES = tests/unit/test-msgs.c tests/unit/check.h
tests_unit_test_msgs_LDADD = ofp/libofp.a

# ofp/print.c, ofp/parse.c.
UNIT_TESTS += tests/unit/test-print
tests_unit_test_print_SOURCES = tests/unit/test-print.c tests/unit/check.h
tests_unit_test_print_LDADD = ofp/libofp.a

# h8's block: OVSDB client (src/jsonrpc.c, src/ovsdb.c): unit test, the
# ovsdb-watch tool used by tests/test_ovsdb.py, and a fuzz target.
UNIT_TESTS += tests/unit/test-ovsdb
tests_unit_test_ovsdb_SOURCES = tests/unit/test-ovsdb.c tests/unit/check.h
tests_unit_test_ovsdb_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
tests_unit_test_ovsdb_LDADD = $(VG_LDADD)
check_PROGRAMS += tests/ovsdb-watch
tests_ovsdb_watch_SOURCES = tests/ovsdb-watch.c
tests_ovsdb_watch_LDADD = $(VG_LDADD)
EXTRA_DIST += tests/test_ovsdb.py
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-ovsdb
tests_fuzz_fuzz_ovsdb_SOURCES = tests/fuzz/fuzz-ovsdb.c
tests_fuzz_fuzz_ovsdb_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
tests_fuzz_fuzz_ovsdb_LDADD = $(VG_LDADD)
tests_fuzz_fuzz_ovsdb_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
endif

# ofp/flow.c, ofp/group.c, ofp/meter.c, ofp/multipart.c.
UNIT_TESTS += tests/unit/test-flow
tests_unit_test_flow_SOURCES = tests/unit/test-flow.c tests/unit/check.h
tests_unit_test_flow_LDADD = ofp/libofp.a

# h7's block: logging, settings, control protocol (src/log.c, src/config.c,
# src/ctl*.c), the CLI tests of vifguardd and vifguard-ctl, a fuzz target.
UNIT_TESTS += tests/unit/test-log
tests_unit_test_log_SOURCES = tests/unit/test-log.c tests/unit/check.h
tests_unit_test_log_LDADD = $(VG_LDADD)
UNIT_TESTS += tests/unit/test-config
tests_unit_test_config_SOURCES = tests/unit/test-config.c tests/unit/check.h
tests_unit_test_config_LDADD = $(VG_LDADD)
UNIT_TESTS += tests/unit/test-ctl
tests_unit_test_ctl_SOURCES = tests/unit/test-ctl.c tests/unit/check.h
tests_unit_test_ctl_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
tests_unit_test_ctl_LDADD = $(VG_LDADD)
EXTRA_DIST += tests/test_cli.py tests/fuzz/corpus/fuzz-config
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-config
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz-config.c
tests_fuzz_fuzz_config_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
tests_fuzz_fuzz_config_LDADD = $(VG_LDADD)
tests_fuzz_fuzz_config_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
endif

# h11's block: packaging (deb, rpm, the installed service) and
# vifguard-attach (tests/test_packaging.py, tests/test_attach.py).
EXTRA_DIST += tests/test_packaging.py tests/test_attach.py
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-policy
tests_fuzz_fuzz_policy_SOURCES = tests/fuzz/fuzz-policy.c
tests_fuzz_fuzz_policy_LDADD = $(VG_LDADD)
tests_fuzz_fuzz_policy_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
endif
EXTRA_DIST += tests/fuzz/corpus/fuzz-policy

# h12's block: the OpenFlow 1.0 subset (ofp/of10.c) and NO_FLOOD
# (src/noflood.c): unit test, the noflood-tool used by
# tests/test_noflood.py, and a fuzz target.
UNIT_TESTS += tests/unit/test-of10
tests_unit_test_of10_SOURCES = tests/unit/test-of10.c tests/unit/check.h
tests_unit_test_of10_LDADD = ofp/libofp.a
check_PROGRAMS += tests/noflood-tool
tests_noflood_tool_SOURCES = tests/noflood-tool.c
tests_noflood_tool_LDADD = $(VG_LDADD)
EXTRA_DIST += tests/test_noflood.py tests/fuzz/corpus/fuzz-of10
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-of10
tests_fuzz_fuzz_of10_SOURCES = tests/fuzz/fuzz-of10.c
tests_fuzz_fuzz_of10_LDADD = ofp/libofp.a
tests_fuzz_fuzz_of10_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
endif

# xs-source's block: the xenstore policy source (src/xspolicy.c).
UNIT_TESTS += tests/unit/test-xspolicy
tests_unit_test_xspolicy_SOURCES = tests/unit/test-xspolicy.c \
	tests/unit/check.h
tests_unit_test_xspolicy_LDADD = $(VG_LDADD)
EXTRA_DIST += tests/fuzz/corpus/fuzz-xspolicy tests/fuzz/xspolicy.dict
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-xspolicy
tests_fuzz_fuzz_xspolicy_SOURCES = tests/fuzz/fuzz-xspolicy.c
tests_fuzz_fuzz_xspolicy_LDADD = $(VG_LDADD)
tests_fuzz_fuzz_xspolicy_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
endif

# xenstore (issue 6): tests/xenstored.py, a small xenstored speaking the
# wire protocol on a unix socket, checked with real libxenstore clients
# (xenstore-utils and tests/xs-client); tests/test_xenserver.py simulates a
# XenServer host with it.
check_PROGRAMS += tests/xs-client
tests_xs_client_SOURCES = tests/xs-client.c
tests_xs_client_LDADD = $(XENSTORE_LIBS)
EXTRA_DIST += tests/xenstored.py tests/test_xenstored.py \
	tests/test_xenserver.py

# NORMAL's MAC table (src/fdb.c): unit test and a fuzz target for the
# fdb/show parser.
UNIT_TESTS += tests/unit/test-fdb
tests_unit_test_fdb_SOURCES = tests/unit/test-fdb.c tests/unit/check.h
tests_unit_test_fdb_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
tests_unit_test_fdb_LDADD = $(VG_LDADD)
EXTRA_DIST += tests/fuzz/corpus/fuzz-fdb
if FUZZING
noinst_PROGRAMS += tests/fuzz/fuzz-fdb
tests_fuzz_fuzz_fdb_SOURCES = tests/fuzz/fuzz-fdb.c
tests_fuzz_fuzz_fdb_LDADD = $(VG_LDADD)
tests_fuzz_fuzz_fdb_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
endif

# Long uptime: tests/soaklab.py makes every event a hypervisor's peers
# cause (restarts, bridge re-creation, plugs, policy changes, control
# clients that leave, xenstored restarts); tests/test_soak.py runs a few
# cycles of them and checks fds, protection and logs; bench/soak.sh many.
EXTRA_DIST += tests/soaklab.py tests/test_soak.py
