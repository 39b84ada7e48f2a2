"""Long uptime: vifguardd on a hypervisor whose peers come and go.

A few cycles of every event of tests/soaklab.py (ovs-vswitchd crash and
restart, ovsdb-server restart, bridge deleted and re-created, controller
removed and set again, a guest plugged and unplugged, policy changes,
control socket clients and OpenFlow peers leaving mid-request, xenstored
restart, a foreign flow and a cleared NO_FLOOD bit) against one vifguardd,
while an OpenFlow peer that connects and stays silent waits to be dropped.
Afterwards:

- its open file descriptors are exactly those of a daemon that has just
  started (expected_fds(), each one explained), and so are its threads;
- every guest is protected with the policy it should have, a spoofed-source
  ping and UDP frame from one guest never reach the other's capture while
  the real ones do;
- its log has no ERR or WARN line but those the events explain
  (soaklab.LOG_ALLOW), the OVS daemons' logs likewise;
- it exits 0 on SIGTERM: with the ASan+UBSan build (the second run) that
  includes LeakSanitizer's check at exit.

bench/soak.sh runs the same events hundreds of times and prints the fd and
RSS figures per cycle.
"""

import collections
import os

import pytest

from conftest import require_ovs
from soaklab import LOG_ALLOW, OVS_LOG_ALLOW, Soak

CYCLES = {"plain": 3, "asan": 2}
# The plain run has vifguardd attach the bridge itself (attach-bridges, with
# the shipped vifguard-attach: its children come and go too), as on a
# XenServer host; the ASan run leaves that to the events, like an operator.
AUTOATTACH = {"plain": True, "asan": False}


def expected_fds(soak):
    """What a running vifguardd with one bridge and xenstore has open."""
    return collections.Counter({
        "/dev/null": 2,                    # stdin, stdout
        "SANDBOX/vifguardd.stderr": 1,     # stderr
        "SANDBOX/vifguardd.log": 1,        # --log-file
        "anon_inode:[eventpoll]": 2,       # libev: main loop, xenstore's
        "anon_inode:[eventfd]": 2,         # libev wakeups of both loops
        "listen:SANDBOX/vifguardd-ofp.sock": 1,   # OpenFlow listener
        "listen:SANDBOX/vifguardd-ctl.sock": 1,   # control socket
        "unix:SANDBOX/db.sock": 1,         # OVSDB monitor
        "accepted:SANDBOX/vifguardd-ofp.sock": 1,  # the bridge's controller
        # The bridge's NO_FLOOD session.
        "unix:SANDBOX/%s.mgmt" % soak.br: 1,
        "unix:SANDBOX/xenstored.sock": 1,  # libxenstore
        "pipe": 2,                         # libxenstore's watch pipe
    })


@pytest.mark.parametrize("build", ["plain", "asan"])
def test_soak(build, build_dirs):
    require_ovs()
    attach = None
    if AUTOATTACH[build]:
        attach = os.path.join(build_dirs["plain"], "scripts",
                              "vifguard-attach")
        assert os.access(attach, os.X_OK), "%s not built" % attach
    soak = Soak(build_dirs[build], attach_command=attach)
    problems = ovs_problems = []
    try:
        soak.start()
        want = expected_fds(soak)
        got = soak.wait_fds(want)
        assert got == want, "fds at start: %s" % dict(got)
        before = soak.snapshot()
        assert soak.check_traffic() == {"LEGIT", "LEGITUDP"}
        # A peer of the OpenFlow listener that never says anything: the
        # daemon drops it after its handshake timeout (10 s), meanwhile.
        silent = soak.ofp_peer()

        for i in range(CYCLES[build]):
            soak.cycle(i)

        silent.settimeout(30)
        while silent.recv(4096):  # vifguardd's HELLO, then its close.
            pass
        silent.close()

        got = soak.wait_fds(want)
        assert got == want, "fds after %d cycles: %s (at start: %s)" % (
            CYCLES[build], dict(got), dict(before["fds"]))
        after = soak.snapshot()
        assert after["threads"] == before["threads"] == 3
        soak.settle()  # Every guest protected with its policy.
        assert soak.check_traffic() == {"LEGIT", "LEGITUDP"}

        # The events happened, and vifguardd saw them.
        s0, s1 = before["stats"], after["stats"]
        n = CYCLES[build]
        assert s1["ofp_connections"] - s0["ofp_connections"] >= 3 * n
        assert s1["foreign_flows_removed"] - s0["foreign_flows_removed"] >= n
        assert s1["bundles_failed"] == 0
        print("%s: %d cycles, RSS %d -> %d kB, fds %d -> %d"
              % (build, n, before["rss_kb"], after["rss_kb"],
                 sum(before["fds"].values()), sum(after["fds"].values())))
        problems = soak.vg.log_problems(LOG_ALLOW)
        ovs_problems = soak.sb.log_problems(OVS_LOG_ALLOW)
    finally:
        rc = soak.stop()
    assert rc == 0, "vifguardd exited with %s:\n%s" % (rc,
                                                       soak.final_log_tail)
    assert not problems, "unexpected ERR/WARN in vifguardd's log:\n" + \
        "\n".join(problems)
    assert not ovs_problems, "\n".join(ovs_problems)
