"""Open vSwitch refusing or removing vifguard's flows (found by a review of
OVS's limits, session 11).

OVSDB `Flow_Table` rows (`Bridge.flow_tables`) give an OpenFlow table a
`flow_limit`; with `overflow_policy=refuse`, or `evict` (which evicts only
flows with a timeout: ofproto.c eviction_group_add_rule(), and vifguard's
have none), a flow add beyond it fails with OFPFMFC_TABLE_FULL.  A refused
group holds closed only the ports it belongs to, a refused VLAN group is
deleted, a refused bridge group stops every addition, and all of them are
retried with a backoff (1 to 60 s) on the same connection
(DESIGN.md, "Failure behaviour").  Also: `del-controller` (OVS deletes every
flow) and a flow of ours re-added with a timeout.  Each test checks where
traffic lands (the router's capture) and `ovs-ofctl dump-flows`, with a
plain vifguardd and one under AddressSanitizer, which must exit 0.  (About
100 s.)
"""

import re

import pytest

from netlab import Capture, sendp
from topology import wait_for
from vifguard_daemon import VifguardDaemon

ROUTER_MAC = "02:00:00:00:00:01"
G1_MAC = "02:00:00:00:00:11"
G2_MAC = "02:00:00:00:00:12"
ROUTER_IP = "10.0.0.1"
G1_IP = "10.0.0.11"
G2_IP = "10.0.0.12"
FULL = "OFPFMFC_TABLE_FULL (a Flow_Table flow_limit on the bridge?)"


def set_limit(sb, br, table, limit, policy="refuse"):
    """Attaches a Flow_Table row with 'limit' to OpenFlow table 'table'."""
    sb.vsctl("--", "--id=@ft", "create", "Flow_Table",
             "flow_limit=%d" % limit, "overflow_policy=" + policy,
             "--", "set", "bridge", br, "flow_tables:%d=@ft" % table)


def table_count(lab, table):
    return sum(1 for l in lab.flows() if "table=%d," % table in l)


def plug(sb, br, name, mac, ips, ofport, tag=None):
    g = sb.add_netns(br, name, mac, [ips[0] + "/24"], ofport=ofport)
    args = ["set", "interface", g.port, "external_ids:attached-mac=" + mac,
            "external_ids:vifguard-ipv4=" + ",".join(ips)]
    if tag:
        args += ["--", "set", "port", g.port, "tag=%d" % tag]
    sb.vsctl(*args)
    return g


def reaches_router(router, sends):
    """Sends UDP for each (ns, mac, ip, marker) of 'sends'; returns the
    markers the router's capture got."""
    with Capture(router, "udp port 9999") as cap:
        for ns, mac, ip, marker in sends:
            sendp(ns, "Ether(src='%s', dst='%s')/IP(src='%s', dst='%s')/"
                  "UDP(sport=4000, dport=9999)/Raw(b'%s')"
                  % (mac, ROUTER_MAC, ip, ROUTER_IP, marker))
        text = cap.stop().text()
    return {s[3] for s in sends if s[3] in text}


def reason(vg, port):
    v = vg.vifs()[port]
    return v["state"], v.get("reason") or ""


def connections(vg, br):
    return sum(1 for l in vg.log_lines("INFO")
               if "bridge %s: connected" % br in l)


class Lab:
    def __init__(self, sb, build_dir):
        self.sb = sb
        self.br = sb.add_bridge()
        self.vg = VifguardDaemon(sb, build_dir)
        self.router = sb.add_netns(self.br, "router", ROUTER_MAC,
                                   [ROUTER_IP + "/24"], ofport=1)
        self.g1 = plug(sb, self.br, "g1", G1_MAC, [G1_IP], 11)

    def start(self):
        self.vg.start()
        self.vg.attach(self.br)

    def flows(self):
        return [l.strip() for l in self.sb.ofctl("dump-flows", self.br)
                .splitlines() if "cookie=" in l]

    def g1_ok(self):
        return reaches_router(self.router,
                              [(self.g1, G1_MAC, G1_IP, "G1OK")]) == {"G1OK"}


@pytest.fixture(params=["plain", "asan"])
def lab(request, ovs, build_dirs):
    """The LAN, with vifguardd plain and under AddressSanitizer (the
    refusal paths are rare: each run checks the daemon exits 0)."""
    lab = Lab(ovs, build_dirs[request.param])
    yield lab
    rc = lab.vg.stop()
    assert rc == 0, "vifguardd exited with %s:\n%s" % (rc, lab.vg.log_tail())


def test_port_group_refused(lab):
    """Table 0 full: a new guest's port group is refused.  That port alone
    is held closed, with the reason, and protected once the limit goes
    (the retry), without a reconnection."""
    sb, br, vg = lab.sb, lab.br, lab.vg
    lab.start()
    vg.wait_state([lab.g1.port])
    set_limit(sb, br, 0, table_count(lab, 0), policy="evict")
    before = table_count(lab, 0)
    g2 = plug(sb, br, "g2", G2_MAC, [G2_IP], 12)
    vg.wait_state([g2.port], state="error")
    assert reason(vg, g2.port) == ("error",
                                   "switch refused its flows: " + FULL)
    assert reason(vg, lab.g1.port)[0] == "protected"
    # evict evicted nothing of ours: flows without a timeout never are.
    assert table_count(lab, 0) == before
    assert not [l for l in lab.flows() if "in_port=12" in l]
    assert reaches_router(lab.router, [(lab.g1, G1_MAC, G1_IP, "G1OK"),
                                       (g2, G2_MAC, G2_IP, "G2OK")]) \
        == {"G1OK"}
    errs = [l for l in vg.log_lines("ERR") if "held closed" in l]
    assert errs and all(g2.port in l and FULL in l for l in errs), errs
    sb.vsctl("clear", "bridge", br, "flow_tables")
    vg.wait_state([g2.port], timeout=70)
    assert reaches_router(lab.router, [(g2, G2_MAC, G2_IP, "G2OK")]) \
        == {"G2OK"}
    assert connections(vg, br) == 1


def test_mac_group_refused(lab):
    """Table 50 full: a new guest's delivery (MAC group) is refused.  Its
    port is held closed (its port group goes too), the rest of the bridge
    goes on: no reconnection, and g1 still protected, sending and
    revocable."""
    sb, br, vg = lab.sb, lab.br, lab.vg
    lab.start()
    vg.wait_state([lab.g1.port])
    set_limit(sb, br, 50, table_count(lab, 50))
    g2 = plug(sb, br, "g2", G2_MAC, [G2_IP, "10.0.0.13", "10.0.0.14"], 12)
    vg.wait_state([g2.port], state="error")
    assert reason(vg, g2.port) == (
        "error", "switch refused its delivery flows: " + FULL)
    wait_for(lambda: not [l for l in lab.flows() if "in_port=12" in l], 10,
             "g2's port group deleted")
    assert reaches_router(lab.router, [(lab.g1, G1_MAC, G1_IP, "G1OK"),
                                       (g2, G2_MAC, G2_IP, "G2OK")]) \
        == {"G1OK"}
    assert reason(vg, lab.g1.port)[0] == "protected"
    assert connections(vg, br) == 1
    assert not [l for l in vg.log_lines("ERR") if "cannot remove" in l]
    # A revocation still goes through (deletions need no room).
    sb.vsctl("set", "interface", lab.g1.port,
             "external_ids:vifguard-ipv4=bogus")
    vg.wait_state([lab.g1.port], state="error")
    wait_for(lambda: not [l for l in lab.flows() if "in_port=11" in l], 10,
             "g1's port group deleted")
    assert not lab.g1_ok()
    sb.vsctl("clear", "bridge", br, "flow_tables")
    vg.wait_state([g2.port], timeout=70)
    assert connections(vg, br) == 1


def test_vlan_group_refused(lab):
    """Table 40 full: a guest on a new VLAN needs a VLAN group (its
    fan-out) and a MAC group there.  The VLAN group is not installed (and
    retried), the guest is held closed for its MAC group, the rest of the
    bridge goes on; both go in once the limit goes."""
    sb, br, vg = lab.sb, lab.br, lab.vg
    lab.start()
    vg.wait_state([lab.g1.port])
    set_limit(sb, br, 40, table_count(lab, 40))
    g2 = plug(sb, br, "g2", G2_MAC, [G2_IP], 12, tag=20)
    vg.wait_state([g2.port], state="error")
    assert reason(vg, g2.port) == (
        "error", "switch refused its delivery flows: " + FULL)
    wait_for(lambda: [l for l in vg.log_lines("ERR")
                      if "switch refused the fan-out flows of its VLAN" in l
                      and "retried in" in l], 10, "the VLAN group's ERR")
    assert not [l for l in lab.flows() if "in_port=12" in l or
                "0x7667030000010014" in l]
    assert reason(vg, lab.g1.port)[0] == "protected" and lab.g1_ok()
    assert connections(vg, br) == 1
    sb.vsctl("clear", "bridge", br, "flow_tables")
    vg.wait_state([g2.port], timeout=70)
    assert [l for l in lab.flows() if "0x7667030000010014" in l]


def test_bridge_group_refused(lab):
    """Table 10 limited to 5 flows before the bridge is attached: the
    bridge group is refused, no guest's group is added (every group is
    compiled for it), so nothing forwards; every port says why; once the
    limit goes, everything is protected on the same connection."""
    sb, br, vg = lab.sb, lab.br, lab.vg
    set_limit(sb, br, 10, 5)
    lab.start()
    wait_for(lambda: "bridge's flows" in reason(vg, lab.g1.port)[1], 10,
             "g1 waiting for the bridge's flows")
    assert reason(vg, lab.g1.port) == (
        "pending", "switch refused the bridge's flows: " + FULL)
    errs = [l for l in vg.log_lines("ERR") if "bridge's flows" in l]
    assert errs and "no guest can be protected" in errs[0], errs
    # Only the trusted ports' port groups went in, before the bridge group
    # was ready (they wait for no NO_FLOOD bit): they lead to tables that
    # are empty, where everything is dropped.
    assert not [l for l in lab.flows() if "cookie=0x766701" in l or
                "in_port=11" in l or "table=40" in l]
    assert not lab.g1_ok()
    with Capture(lab.g1, "arp") as cap:
        lab.router.ping(G1_IP, timeout=1)
        assert "who-has" not in cap.stop().text()
    sb.vsctl("clear", "bridge", br, "flow_tables")
    vg.wait_state([lab.g1.port], timeout=70)
    assert lab.g1_ok()
    assert connections(vg, br) == 1


def test_del_controller(lab):
    """`ovs-vsctl del-controller`: Open vSwitch deletes every flow of a
    bridge that loses its last controller (connmgr_set_controllers()); with
    fail_mode=secure nothing forwards, and the log says so."""
    sb, br, vg = lab.sb, lab.br, lab.vg
    lab.start()
    vg.wait_state([lab.g1.port])
    sb.vsctl("del-controller", br)
    wait_for(lambda: [l for l in vg.log_lines("WARN")
                      if "no longer one of its controllers" in l], 10,
             "the log line")
    assert lab.flows() == []
    assert not lab.g1_ok()
    assert reason(vg, lab.g1.port)[0] == "pending"
    vg.attach(br)
    vg.wait_state([lab.g1.port])
    assert lab.g1_ok()


def test_flow_with_a_timeout_is_replaced(lab):
    """Someone with the management socket re-adds one of vifguard's flows
    with a hard_timeout while vifguardd is down: the read-back counts the
    group as wrong and replaces it, so the guard does not expire."""
    sb, br, vg = lab.sb, lab.br, lab.vg
    lab.start()
    vg.wait_state([lab.g1.port])
    guard = [l for l in lab.flows() if "udp,tp_src=67" in l and
             "table=10" in l]
    assert len(guard) == 1, guard
    cookie = re.search(r"cookie=(0x[0-9a-f]+)", guard[0]).group(1)
    prio = re.search(r"priority=(\d+)", guard[0]).group(1)
    vg.stop()
    sb.ofctl("add-flow", br, "cookie=%s,table=10,priority=%s,udp,tp_src=67,"
             "hard_timeout=600,actions=drop" % (cookie, prio))
    assert "hard_timeout=600" in [l for l in lab.flows()
                                  if "udp,tp_src=67" in l][0]
    vg.start()
    vg.wait_state([lab.g1.port])
    again = [l for l in lab.flows() if "udp,tp_src=67" in l and
             "table=10" in l]
    assert len(again) == 1 and "hard_timeout" not in again[0], again


# Found by a review of the refusal handling (session 11).

def refuse_bridge_group(lab):
    """The bridge group refused on a bridge already protected: table 13
    limited to 1 flow (a lower limit removes nothing), then one of its
    bridge flows deleted by someone: its replacement needs room there."""
    sb, br, vg = lab.sb, lab.br, lab.vg
    set_limit(sb, br, 13, 1)
    sb.ofctl("--strict", "del-flows", br,
             "cookie=0x7667010000000000/-1,table=13,priority=200,icmp6,"
             "ipv6_dst=ff02::16,icmp_type=143")
    wait_for(lambda: [l for l in vg.log_lines("ERR")
                      if "bridge's flows" in l], 15, "bridge group refused")


def test_narrowed_policy_while_bridge_refused(lab):
    """While the bridge group is refused, a port group that is out of date
    goes: a revoked address does not stay usable."""
    sb, br, vg = lab.sb, lab.br, lab.vg
    lab.start()
    vg.wait_state([lab.g1.port])
    assert lab.g1_ok()
    refuse_bridge_group(lab)
    sb.vsctl("set", "interface", lab.g1.port,
             "external_ids:vifguard-ipv4=10.0.0.99")
    wait_for(lambda: not [l for l in lab.flows() if "in_port=11" in l], 10,
             "g1's old port group deleted")
    assert not lab.g1_ok()
    assert reason(vg, lab.g1.port) == (
        "pending", "switch refused the bridge's flows: " + FULL)
    sb.vsctl("clear", "bridge", br, "flow_tables")
    vg.wait_state([lab.g1.port], timeout=70)


def test_vlan_move_while_bridge_refused(lab):
    """While the bridge group is refused, a guest moved to another VLAN
    gets none of its old VLAN's broadcasts: the out-of-date MAC and VLAN
    groups go."""
    sb, br, vg = lab.sb, lab.br, lab.vg
    g2 = plug(sb, br, "g2", G2_MAC, [G2_IP], 12)
    lab.start()
    vg.wait_state([lab.g1.port, g2.port])
    refuse_bridge_group(lab)
    sb.vsctl("set", "port", lab.g1.port, "tag=20")
    wait_for(lambda: not [l for l in lab.flows() if "output:11" in l], 10,
             "every delivery to g1 deleted")
    with Capture(lab.g1, "arp") as cap:
        lab.router.ping("10.0.0.77", timeout=1)
        assert "who-has" not in cap.stop().text()


def test_closed_guests_are_out_of_the_flood_set(lab):
    """A guest held closed (a policy error here, a refusal below) gets
    NO_FLOOD like any other: it sends nothing, and NORMAL floods nothing to
    it either."""
    sb, br, vg = lab.sb, lab.br, lab.vg
    g2 = plug(sb, br, "g2", G2_MAC, [G2_IP], 12)
    sb.vsctl("set", "interface", g2.port, "external_ids:vifguard-ipv4=bogus")
    lab.start()
    vg.wait_state([lab.g1.port])
    vg.wait_state([g2.port], state="error")
    wait_for(lambda: 12 in sb.no_flood_ports(br), 10, "NO_FLOOD on g2")
    with Capture(g2, "arp") as cap:
        lab.router.ping("10.0.0.77", timeout=1)
        assert "who-has" not in cap.stop().text()


def test_refused_port_after_vswitchd_restart(lab):
    """g2's port group refused (held closed), then ovs-vswitchd restarts:
    the new switch's port of g2 gets NO_FLOOD again, so NORMAL floods
    nothing to it while it waits for the retry."""
    sb, br, vg = lab.sb, lab.br, lab.vg
    lab.start()
    vg.wait_state([lab.g1.port])
    set_limit(sb, br, 0, table_count(lab, 0))
    g2 = plug(sb, br, "g2", G2_MAC, [G2_IP], 12)
    vg.wait_state([g2.port], state="error")
    # Let the backoff grow (1, 2, 4, 8 s) past the restart.
    wait_for(lambda: [l for l in vg.log_lines("ERR")
                      if "retried in 8 s" in l], 20, "a backoff of 8 s")
    sb.restart_vswitchd()
    vg.wait_state([lab.g1.port], timeout=30)
    assert reason(vg, g2.port)[0] == "error"
    wait_for(lambda: 12 in sb.no_flood_ports(br), 10, "NO_FLOOD on g2")
    with Capture(g2, "arp") as cap:
        lab.router.ping("10.0.0.77", timeout=1)
        assert "who-has" not in cap.stop().text()


@pytest.mark.ovs_log_allow(r"tcp:127\.0\.0\.1:1: connection failed",
                           r"cannot find route for controller")
def test_controller_replaced(lab):
    """Another controller replaces vifguardd's: Open vSwitch deletes no
    flow (only a bridge left without controllers loses them), and the log
    says so."""
    sb, br, vg = lab.sb, lab.br, lab.vg
    lab.start()
    vg.wait_state([lab.g1.port])
    n = len(lab.flows())
    sb.vsctl("set-controller", br, "tcp:127.0.0.1:1")
    wait_for(lambda: [l for l in vg.log_lines("WARN")
                      if "another controller has it" in l], 10,
             "the log line")
    assert not [l for l in vg.log_lines("WARN") if "deleted every flow" in l]
    assert len(lab.flows()) == n and lab.g1_ok()
