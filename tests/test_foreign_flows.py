"""vifguard owns every flow of a bridge it protects (DESIGN.md, "Ownership
of the bridge").

Anything with access to the bridge's management socket can add flows, and
on XenServer xapi's VIF hotplug script does (cookie 0x1, priorities 4000 to
8000, actions=normal for what it allows).  Such a flow above vifguard's
table-0 flows would bypass its whole pipeline.  vifguardd deletes every flow
whose cookie is not its own: at the read-back of each (re)connection and,
while connected, as soon as Open vSwitch's flow monitor reports it.  A flow
someone else adds or modifies inside vifguard's cookie range makes the group
be reinstalled.

The LAN: a bridge under vifguardd, an uplink namespace "router" (10.0.0.1)
on a trusted port and a locked guest g1 (10.0.0.11), the attacker.  Each
check is made where traffic lands (the router's capture, with a control in
the same capture), in `ovs-ofctl dump-flows`, in the log and in the
counters.
"""

import re
import time

import pytest

from netlab import Capture, sendp
from vifguard_daemon import VifguardDaemon

ROUTER_MAC = "02:00:00:00:00:01"
G1_MAC = "02:00:00:00:00:11"
ROUTER_IP = "10.0.0.1"
G1_IP = "10.0.0.11"
SPOOF_IP = "10.0.0.66"
LOG_ALLOW = [r"removed a flow vifguard does not own",
             r"someone else added, changed or deleted a flow with vifguard's "
             r"cookie"]


class Lan:
    def __init__(self, sb, br, vg):
        self.sb, self.br, self.vg = sb, br, vg

    def flows(self):
        """dump-flows lines (no header)."""
        return [l.strip() for l in
                self.sb.ofctl("dump-flows", self.br).splitlines()
                if "cookie=" in l]

    def foreign(self):
        """The flows whose cookie is not vifguard's."""
        return [l for l in self.flows()
                if not l.startswith("cookie=0x7667")]

    def wait_no_foreign(self, timeout=15):
        deadline = time.monotonic() + timeout
        while self.foreign():
            assert time.monotonic() < deadline, \
                "foreign flows stay: %s\n%s" % (self.foreign(),
                                                self.vg.log_tail())
            time.sleep(0.02)

    def assert_restored(self, want, timeout=15):
        """Waits until vifguard's flows are 'want' (a set of ours()) again,
        checks that the guest is protected and that the log says someone
        else changed them."""
        deadline = time.monotonic() + timeout
        while set(ours(self.flows())) != want:
            assert time.monotonic() < deadline, \
                "vifguard's flows differ: %s\n%s" % (
                    set(ours(self.flows())) ^ want, self.vg.log_tail())
            time.sleep(0.05)
        self.vg.wait_state([self.g1.port])
        self.assert_spoof_blocked()
        assert any("someone else added, changed or deleted" in l
                   for l in self.vg.log_lines("WARN"))

    def udp(self, marker, src_ip=G1_IP):
        sendp(self.g1, "Ether(src='%s', dst='%s')/IP(src='%s', dst='%s')/"
              "UDP(sport=4000, dport=9999)/Raw(b'%s')"
              % (G1_MAC, ROUTER_MAC, src_ip, ROUTER_IP, marker))

    def assert_spoof_blocked(self):
        with Capture(self.router, "udp port 9999") as cap:
            self.udp("SPOOFED", src_ip=SPOOF_IP)
            self.udp("CONTROL")
            text = cap.stop().text()
        assert "CONTROL" in text
        assert "SPOOFED" not in text


def ours(lines):
    """{flow without its counters: duration in seconds} for vifguard's
    flows."""
    out = {}
    for l in lines:
        if not l.startswith("cookie=0x7667"):
            continue
        d = re.search(r"duration=([0-9.]+)s", l)
        key = re.sub(r" (duration|n_packets|n_bytes|idle_age)=[^ ,]*,?", "",
                     l)
        out[key] = float(d.group(1))
    return out


@pytest.fixture(params=["plain", "asan"])
def lan(ovs, build_dirs, request):
    """vifguardd from the plain build, then from the ASan+UBSan one (a
    sanitizer report makes it exit non-zero)."""
    sb = ovs
    br = sb.add_bridge()
    vg = VifguardDaemon(sb, build_dirs[request.param])
    lan = Lan(sb, br, vg)
    lan.router = sb.add_netns(br, "router", ROUTER_MAC, [ROUTER_IP + "/24"],
                              ofport=1)
    lan.g1 = sb.add_netns(br, "g1", G1_MAC, [G1_IP + "/24"], ofport=11)
    sb.vsctl("set", "interface", lan.g1.port,
             "external_ids:attached-mac=" + G1_MAC,
             "external_ids:vifguard-ipv4=" + G1_IP)
    with vg.protecting(br, [lan.g1.port], lambda: LOG_ALLOW):
        yield lan


def test_foreign_flows_removed_while_connected(lan):
    vg, g1 = lan.vg, lan.g1
    assert not lan.foreign()
    before = ours(lan.flows())
    assert before
    sent = vg.stats()["flow_mods_sent"]

    # A plain bypass, and xapi's form (cookie 0x1, its priorities).
    lan.sb.ofctl("add-flow", lan.br, "table=0,priority=5000,in_port=%d,"
                 "actions=normal" % g1.ofport)
    lan.sb.ofctl("add-flow", lan.br, "cookie=0x1,table=0,priority=6000,"
                 "in_port=%d,ip,nw_src=%s,actions=normal"
                 % (g1.ofport, SPOOF_IP))
    lan.wait_no_foreign()
    lan.assert_spoof_blocked()

    # Logged (the second within the rate limit: counted, not logged).
    warns = [l for l in vg.log_lines("WARN")
             if "removed a flow vifguard does not own" in l]
    assert warns and "added while connected" in warns[0]
    assert "priority=5000" in warns[0] or "priority=6000" in warns[0]
    st = vg.stats()
    assert st["foreign_flows_removed"] == 2
    show = vg.ctl("show")
    assert [b["foreign_flows_removed"] for b in show["bridges"]] == [2]
    text = vg.ctl_run("show").stdout
    assert "foreign flows removed: 2" in text

    # vifguard's own flows are untouched: same flows, durations running on,
    # and the only flow mods sent were the two deletions.
    after = ours(lan.flows())
    assert set(after) == set(before)
    assert all(after[k] >= before[k] for k in before)
    assert st["flow_mods_sent"] == sent + 2


def test_foreign_flow_removed_at_readback(lan):
    vg, g1 = lan.vg, lan.g1
    vg.stop()
    # fail_mode=secure: the switch keeps vifguard's flows, and takes this.
    lan.sb.ofctl("add-flow", lan.br, "cookie=0x1,table=0,priority=8000,"
                 "in_port=%d,actions=normal" % g1.ofport)
    lan.sb.ofctl("add-flow", lan.br, "table=2,priority=1,actions=drop")
    assert len(lan.foreign()) == 2
    vg.start()
    vg.wait_state([g1.port])
    lan.wait_no_foreign()
    lan.assert_spoof_blocked()
    infos = [l for l in vg.log_lines("INFO") if "read back" in l]
    assert infos and "2 foreign flows removed" in infos[-1]
    warns = [l for l in vg.log_lines("WARN")
             if "removed a flow vifguard does not own" in l]
    assert warns and "found at connection" in warns[-1]
    assert vg.stats()["foreign_flows_removed"] == 2


def test_tampering_with_vifguard_flows(lan):
    """Someone rewrites vifguard's own flows (same cookie) or adds one in
    its cookie range: the group is reinstalled."""
    g1 = lan.g1
    before = set(ours(lan.flows()))
    lan.sb.ofctl("mod-flows", lan.br, "in_port=%d,actions=normal"
                 % g1.ofport)
    lan.sb.ofctl("add-flow", lan.br, "cookie=0x7667000000000000,table=0,"
                 "priority=9000,in_port=%d,actions=normal" % g1.ofport)
    lan.assert_restored(before)


def test_deleted_vifguard_flows_come_back(lan):
    """An operator's `ovs-ofctl del-flows BR` (every flow of the bridge, so
    the bridge drops everything): vifguard reinstalls its groups at once,
    not only at the next reconnection."""
    before = set(ours(lan.flows()))
    lan.sb.ofctl("del-flows", lan.br)
    lan.assert_restored(before)


def test_switch_teardown_is_not_tampering(lan):
    """ovs-vswitchd exiting (a service restart, an upgrade) deletes every
    flow of the bridge, which the flow monitor reports, before it closes
    the connection: that is no one tampering with vifguard's flows (no
    warning); protection is back once it has restarted."""
    before = set(ours(lan.flows()))
    lan.sb.restart_vswitchd(crash=False)
    lan.vg.wait_state([lan.g1.port])
    assert set(ours(lan.flows())) == before
    assert not [l for l in lan.vg.log_lines("WARN") if "someone else" in l]
    lan.assert_spoof_blocked()


def test_fight_is_rate_limited(lan):
    """Something that keeps re-adding its flow loses every time; the log
    gets one line per interval, the counter every deletion."""
    vg, g1 = lan.vg, lan.g1
    n = 10
    start = time.monotonic()
    for i in range(n):
        lan.sb.ofctl("add-flow", lan.br, "cookie=0x1,table=0,priority=7000,"
                     "in_port=%d,actions=normal" % g1.ofport)
        lan.wait_no_foreign()
    deadline = time.monotonic() + 15
    while vg.stats()["foreign_flows_removed"] < n:
        assert time.monotonic() < deadline, vg.log_tail()
        time.sleep(0.05)
    lan.assert_spoof_blocked()
    assert vg.stats()["foreign_flows_removed"] == n
    warns = [l for l in vg.log_lines("WARN")
             if "removed a flow vifguard does not own" in l]
    # One line per 10 s (FOREIGN_LOG_INTERVAL) at most, however slow the
    # machine: the bound follows the time the fight took.
    elapsed = time.monotonic() - start
    assert 1 <= len(warns) <= 1 + int(elapsed / 10) + 1, warns
    assert len(warns) < n


XAPI_FLOWS = [
    # scripts/setup-vif-rules of xapi-project/xen-api, for a locked VIF
    # (MAC 02:00:00:00:00:11, one IPv4 and one IPv6 address).
    "priority=8000,dl_type=0x0800,nw_proto=0x11,tp_dst=67,"
    "dl_src={mac},idle_timeout=0,actions=normal",
    "priority=7000,dl_type=0x0806,dl_src={mac},arp_sha={mac},"
    "nw_src=0.0.0.0,idle_timeout=0,actions=normal",
    "priority=7000,dl_type=0x0806,dl_src={mac},arp_sha={mac},"
    "nw_src={ip},idle_timeout=0,actions=normal",
    "priority=6000,dl_type=0x0800,nw_src={ip},dl_src={mac},"
    "idle_timeout=0,actions=normal",
    "priority=8000,dl_src={mac},icmp6,ipv6_src=fe80::11,icmp_type=135,"
    "nd_sll={mac},idle_timeout=0,actions=normal",
    "priority=8000,dl_src={mac},icmp6,ipv6_src=fe80::11,icmp_type=136,"
    "nd_target=fe80::11,idle_timeout=0,actions=normal",
    "priority=5000,dl_src={mac},ipv6_src=fe80::11,udp6,actions=normal",
    "priority=7000,icmp6,icmp_type=135,actions=drop",
    "priority=6000,icmp6,icmp_type=134,actions=drop",
    "priority=4000,idle_timeout=0,actions=drop",
]
# Fields and actions vifguard's codec does not speak: the flows must go all
# the same, and the connection must survive them.
EXOTIC_FLOWS = [
    "table=0,priority=9000,reg0=0x1,actions=normal",
    "table=0,priority=9001,tun_id=0x5,actions=normal",
    "table=0,priority=9002,ip,ct_state=+trk,actions=normal",
    "table=0,priority=9003,metadata=0x1,actions=normal",
    "table=0,priority=9004,actions=learn(table=5,NXM_OF_ETH_DST[]),normal",
    "table=0,priority=9005,in_port={port},ip,actions=ct(commit),normal",
]


@pytest.mark.parametrize("flows", [XAPI_FLOWS, EXOTIC_FLOWS],
                         ids=["xapi", "exotic"])
@pytest.mark.parametrize("when", ["connected", "readback"])
def test_any_foreign_flow_goes(lan, flows, when):
    vg, g1 = lan.vg, lan.g1
    if when == "readback":
        vg.stop()
    for f in flows:
        f = f.format(mac=G1_MAC, ip=G1_IP, port=g1.ofport)
        if "table=" not in f:
            f = "cookie=0x1,table=0,in_port=%d,%s" % (g1.ofport, f)
        lan.sb.ofctl("add-flow", lan.br, f)
    if when == "readback":
        # The learn() flow may have learned one more meanwhile.
        assert len(lan.foreign()) >= len(flows)
        vg.start()
    vg.wait_state([g1.port])
    lan.wait_no_foreign()
    lan.assert_spoof_blocked()
    assert vg.stats()["foreign_flows_removed"] >= len(flows)
    assert vg.stats()["ofp_connections"] == 1
