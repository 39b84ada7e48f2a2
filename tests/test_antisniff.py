"""Issue 5: a locked guest receives only what is addressed to it.

Every test runs on each topology XenServer builds (tests/topology.py):
untagged (guests on the bridge of the physical NIC), bond-ab and bond-slb
(a 2-member OVS bond to an upstream Linux bridge that floods broadcasts to
both links), bond-lacp (balance-tcp with LACP to an upstream switch with
an LACP bond), vlan (fake bridges: access ports with Port.tag on the parent,
a trunk uplink, a second VLAN and the parent's untagged network with guests
of their own), internal (guests and the LOCAL port, no uplink) and hvm (the
victim has tap1.0 and vif1.0 with one MAC).  One sandbox per topology serves
all its tests, in file order; the last ones (bond failover, ovs-vswitchd
restart) change state for good.

The sniffing tests: while every guest captures everything on a promiscuous
interface, the victim talks with the router and with a peer guest (UDP
datagrams carrying markers, ping, IPv4 and IPv6, by the hosts' own kernels,
ARP and ND included), the router sends control datagrams to the attacker
and the unlocked guest (proof that their captures work), and in the vlan
topology the router talks on the other networks too.  Probes without a
receiver go along: datagrams to a MAC the switch never learned, and a
trusted host's unicast ARP/NS to the router.  Then each capture is
checked against what issue 5 allows that guest to receive
(topology.rx_violations): for a locked guest nothing but unicast for its
MAC and addresses, ARP/NS for its addresses, and the broadcasts a host
needs; for an unlocked guest the broadcasts and multicasts of its VLAN,
but no locked guest's unicast for anyone else, nothing for a locked
guest's MAC, no ARP/NS for a locked guest's addresses and no tagged frame.
The same conversation runs with everything learned (neighbour caches
emptied, so ARP and ND happen), with the MAC table flushed before each
stream, with the destination's MAC aged out before each stream (fdb/add +
fdb/del leave the table as aging does; test_real_mac_aging waits for real
aging once), and during a MAC flood (random source MACs from the uplink
side, overflowing the MAC table).  Further: VLAN hopping (locked and
unlocked guests), other VLANs' floods, priority-tagged frames from the
uplink, broadcasts delivered exactly once, what the unlocked guest still
gets (NORMAL's due, also for a host behind it), guests' own
announcements, trusted-to-trusted traffic, bond reflections and
failover, bond learning frames (the upstream switch learns every guest
behind a new active member), LACP falling back to active-backup, the HVM
tap-to-vif switch, and an ovs-vswitchd crash.

VG_ANTISNIFF_BASELINE=1 runs everything on plain OVS NORMAL switching
(standalone bridges, no vifguardd): every sniffing test must then fail
(proof that it sees a leak) and the tests of legitimate traffic must pass.
VG_ANTISNIFF_TOPOLOGIES=untagged,vlan selects topologies.
"""

import os
import re
import subprocess
import time

import pytest

import topology as T
from conftest import require_ovs
from ovs_sandbox import OvsSandbox
from topology import Captures, marker, marker_counts, rx_violations, udp

BASELINE = os.environ.get("VG_ANTISNIFF_BASELINE") == "1"
KINDS = os.environ.get("VG_ANTISNIFF_TOPOLOGIES",
                       "untagged,bond-ab,bond-slb,bond-lacp,vlan,internal,hvm"
                       ).split(",")
# MAC table size of the guests' bridge: a flood of FLOOD_FRAMES random
# sources overflows it within a second.
MAC_TABLE = 1024
FLOOD_FRAMES = 3000

OVS_LOG_ALLOW = [
    r"rconn\|WARN\|.*connection failed",
    r"rconn\|WARN\|.*connection dropped",
    r"bond\|.*(link state|no active|has no active)",
    # NORMAL (baseline) on the VLAN hopping frames.
    r"dropping VLAN \d+ tagged packet received on port",
    # bond-lacp failover takes the upstream switch's member port down.
    r"error (receiving|sending) (Ethernet packet on|data from) u\d",
]
VG_LOG_ALLOW = [r"disconnected"]


@pytest.fixture(scope="module", params=KINDS)
def topo(request, build_dirs):
    require_ovs()
    sb = OvsSandbox(keep=bool(os.environ.get("VG_KEEP_OVS")))
    try:
        sb.start()
        t = T.build(request.param, sb,
                    None if BASELINE else build_dirs["plain"],
                    mac_table_size=MAC_TABLE)
    except Exception:
        sb.stop()
        raise
    t.log_allow = VG_LOG_ALLOW
    try:
        yield t
        problems = ["vifguardd: " + p for p in t.stop_daemon()]
        problems += sb.log_problems(OVS_LOG_ALLOW)
    finally:
        if t.vg:
            t.vg.stop()
        sb.stop()
    if problems:
        pytest.fail("unexpected ERR/WARN log lines:\n" + "\n".join(problems),
                    pytrace=False)


@pytest.fixture(autouse=True)
def _attach_logs(request, topo):
    """OVS log tails in the report of a failed test (tests/conftest.py)."""
    request.node.vg_sandboxes = [topo.sb]


# Conversations.

def _ping_all(pairs):
    procs = [h.popen("ping", "-c", "1", "-W", "1", a,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for h, a in pairs]
    return [p.wait(10) == 0 for p in procs]


def warm(t):
    """Every conversation of a round once, so that neighbour caches hold
    every peer and the switch has learned every MAC."""
    v, r = t.victim, t.router
    pairs = [(v, t.router_ip()), (v, t.router_ip6()), (v, t.peer.ip),
             (v, t.peer.ip6), (r, v.ip), (r, v.ip6), (t.peer, v.ip),
             (r, t.attacker.ip), (r, t.unlocked.ip)]
    for g in t.cross:
        pairs += [(g, t.router_ip(g.net)), (r, g.ip)]
    ok = _ping_all(pairs)
    for _ in range(4):
        if all(ok):
            break
        # Again: the first ping may be lost to a slow ARP reply, and after
        # an ovs-vswitchd restart an upstream switch relearns the guests'
        # MACs on the bond only as they send.
        pairs = [p for p, o in zip(pairs, ok) if not o]
        ok = _ping_all(pairs)
    failed = ["%s -> %s" % (h.name, a) for (h, a), o in zip(pairs, ok)
              if not o]
    assert not failed, "warm-up pings failed: %s%s" % (failed,
                                                        bond_state(t))


def bond_state(t):
    """For messages: which member the bond and OVSDB call active."""
    u = t.uplink
    if not u.is_bond:
        return ""
    macs = {m: t.sb.vsctl("get", "interface", m, "mac_in_use").strip()
            for m in u.members}
    return ("\nbond/show active: %s, OVSDB bond_active_slave: %s, "
            "members: %s" % (
                u.active_member(),
                t.sb.vsctl("get", "port", u.ports[0],
                           "bond_active_slave").strip(), macs))


def streams(t):
    """(src, dst, dst address) of one round: the victim's conversations
    with the router and the peer, the controls to the attacker and the
    unlocked guest, and the other networks' conversations."""
    v, r, p = t.victim, t.router, t.peer
    out = [(r, v, v.ip), (v, r, t.router_ip()), (v, p, p.ip), (p, v, v.ip),
           (r, v, v.ip6), (v, r, t.router_ip6()), (v, p, p.ip6),
           (r, t.attacker, t.attacker.ip), (r, t.unlocked, t.unlocked.ip)]
    for g in t.cross:
        out += [(r, g, g.ip), (g, r, t.router_ip(g.net))]
    return out


def capture_hosts(t):
    """Every guest, and the router on each network."""
    hosts = list(t.guests)
    for name, iface in sorted(t.router.ifaces.items()):
        hosts.append(DevView(t.router, iface.dev))
    return hosts


class DevView:
    """One device of a host, as a capture point named "<host>@<dev>"."""

    def __init__(self, host, dev):
        self.h, self.dev = host, dev
        self.name = "%s@%s" % (host.name, dev)
        self.sb, self.ns = host.sb, host.ns

    def popen(self, *a, **kw):
        return self.h.popen(*a, **kw)


def markers_of(pkt, rnd):
    """The markers of round 'rnd' in one captured frame."""
    return [m for m in T.markers(bytes(pkt)) if m[0] == rnd]


GHOST_MAC = "02:00:00:00:99:99"


def ghost(t):
    """The address of a host that never sends (static neighbour entries
    for it in the victim and the router): frames to it always meet a
    destination the switch has never learned."""
    ip = t.net.ip(99)
    for h, dev in ((t.victim, t.victim.dev), (t.router, t.router_dev())):
        h.exec("ip", "neigh", "replace", ip, "lladdr", GHOST_MAC, "dev", dev,
               "nud", "permanent")
    return ip


def trusted_probe_frames(t):
    """What a trusted host's kernel sends to refresh a neighbour entry:
    unicast ARP request and NS to the router's MAC (no guest's business)."""
    from scapy.all import ARP, Ether, ICMPv6ND_NS, ICMPv6NDOptSrcLLAddr, IPv6
    s, r = t.storage, t.router
    return [Ether(src=s.mac, dst=r.mac) / ARP(op=1, hwsrc=s.mac, psrc=s.ip,
                                              pdst=t.router_ip()),
            Ether(src=s.mac, dst=r.mac) / IPv6(src=s.ip6,
                                               dst=t.router_ip6())
            / ICMPv6ND_NS(tgt=t.router_ip6())
            / ICMPv6NDOptSrcLLAddr(lladdr=s.mac)]


def sniff_round(t, rnd, before=None, during=None, n=3):
    """One round of conversations while every guest captures; 'before(src,
    dst)' runs before each stream, 'during()' once before the first.  Also
    sent, as probes with no receiver: the victim's and the router's
    datagrams to a never-learned MAC, and a trusted host's unicast ARP/NS
    to the router.  Returns (captures, streams, ping results)."""
    ss = streams(t)
    gip = ghost(t)
    caps = Captures(capture_hosts(t))
    try:
        if during:
            during()
        for src, dst, addr in ss:
            if before:
                before(src, dst)
            udp(src, addr, marker(rnd, src.name, dst.name), n=n)
        udp(t.victim, gip, marker(rnd, "victim", "ghost"), n=2, gap=0)
        udp(t.router, gip, marker(rnd, "router", "ghost"), n=2, gap=0)
        if t.storage:
            T.send_frames(t.storage, trusted_probe_frames(t), gap=0)
        # The broadcast control: NORMAL floods it to the unlocked guest.
        udp(t.router, t.net.bcast(), marker(rnd, "router", "all"), n=1,
            gap=0)
        pings = _ping_all([(t.victim, t.router_ip()),
                           (t.victim, t.peer.ip)])
    finally:
        caps.stop()
    return caps, ss, pings


def check_round(t, rnd, caps, ss, pings, n=3):
    """Asserts that every stream arrived and that no guest received what it
    must not.  Leaks are reported before lost traffic."""
    leaks = {}
    for g in t.guests:
        v = rx_violations(t, g, caps.packets(g.name))
        if v:
            leaks[g.name] = v
    lost = []
    rx = {}
    for src, dst, addr in ss:
        key = dst.name
        if dst is t.router:
            key = "router@" + t.router.ifaces[
                (src.net or t.net).name].dev
        if key not in rx:
            rx[key] = marker_counts(caps.packets(key))
        got = sum(1 for m in rx[key]
                  if m[:3] == (rnd, src.name, dst.name))
        # The unlocked guest's stream only proves its capture works; during
        # a MAC flood NORMAL (not vifguard) delivers it, on a userspace
        # datapath under load, so one datagram of it is enough there.  The
        # victim's streams must arrive in full.
        need = 1 if rnd == "flood" and dst is t.unlocked else n
        if got < need:
            lost.append("%s -> %s (%s): %d of %d" % (src.name, dst.name,
                                                      addr, got, n))
    bc = marker_counts(caps.packets(t.unlocked.name))
    if not any(m[:3] == (rnd, "router", "all") for m in bc):
        lost.append("router broadcast -> unlocked guest")
    if not all(pings):
        lost.append("ping victim -> router/peer: %s" % pings)
    msg = ""
    for g, v in sorted(leaks.items()):
        msg += "\n%s received %d forbidden frames, e.g.:\n  %s" % (
            g, len(v), "\n  ".join(v[:8]))
    assert not leaks, "leaks in round %s:%s" % (rnd, msg)
    assert not lost, "traffic lost in round %s: %s" % (rnd, lost)


# The sniffing tests.

def test_sniff_learned(topo):
    """Everything learned; neighbour caches emptied inside the round, so
    the router ARPs and solicits for the victim's addresses."""
    t = topo
    warm(t)

    def flush_neigh():
        for h in (t.router, t.victim, t.peer):
            h.exec("ip", "neigh", "flush", "all")
    caps, ss, pings = sniff_round(t, "learned", during=flush_neigh)
    check_round(t, "learned", caps, ss, pings)


def test_sniff_after_fdb_flush(topo):
    """ovs-appctl fdb/flush before every stream: each one starts towards a
    destination the switch does not know (neighbour caches stay warm)."""
    t = topo
    warm(t)
    caps, ss, pings = sniff_round(t, "flushed",
                                  before=lambda s, d: t.fdb_flush())
    check_round(t, "flushed", caps, ss, pings)


def test_sniff_aged_out(topo):
    """The destination's MAC entry is gone (fdb/del, as aging removes it)
    before each stream: the router's when the victim sends to it, the
    victim's when the router does; everything else stays learned."""
    t = topo
    warm(t)

    def age(src, dst):
        t.fdb_del(dst)
    caps, ss, pings = sniff_round(t, "aged", before=age)
    check_round(t, "aged", caps, ss, pings)


def flood_source(t):
    """(host, device, VLAN id for the raw frames) of a MAC flood from the
    uplink side (the LOCAL port on an internal network)."""
    return t.router, t.router_dev(), 0


def test_sniff_during_mac_flood(topo):
    """A MAC flood from the uplink side overflows the MAC table (victim,
    router and peer idle meanwhile, so their entries are evicted); then the
    round runs while a second flood goes on."""
    t = topo
    warm(t)
    host, dev, vlan = flood_source(t)
    T.mac_flood(host, dev, n=FLOOD_FRAMES, seed=1, vlan=vlan, secs=1.0)
    fdb = t.fdb_macs()
    # The premise: the table overflowed and known hosts were evicted.
    assert len(fdb) >= MAC_TABLE * 0.9, len(fdb)
    assert {t.victim.mac, t.router.mac, t.peer.mac} - fdb, \
        "no host entry evicted"
    procs = []

    def flood():
        procs.append(T.mac_flood(host, dev, n=FLOOD_FRAMES, seed=2,
                                 vlan=vlan, secs=1.5, wait=False))
        time.sleep(0.3)
    try:
        caps, ss, pings = sniff_round(t, "flood", during=flood)
    finally:
        for p in procs:
            p.wait(60)
    check_round(t, "flood", caps, ss, pings)


def test_unlocked_guest_sees_no_victim_unicast_to_unknown(topo):
    """The victim's own unicast to a never-learned MAC, and to the router
    and the peer with their MAC entries flushed, must not reach the
    unlocked guest either (it is out of NORMAL's flood set too)."""
    t = topo
    warm(t)
    gip = ghost(t)
    caps = Captures([t.unlocked])
    try:
        udp(t.victim, gip, marker("outb", "victim", "ghost"))
        for dst, addr in ((t.router, t.router_ip()), (t.peer, t.peer.ip)):
            t.fdb_flush()
            udp(t.victim, addr, marker("outb", "victim", dst.name))
    finally:
        caps.stop()
    seen = [m for m in marker_counts(caps.packets(t.unlocked.name))
            if m[:2] == ("outb", "victim")]
    assert not seen, seen


# VLAN hopping.

def hop_frames(t, g):
    """Tagged frames from guest 'g' (its own MAC and address) towards every
    other network: single 802.1Q, 802.1Q with a priority tag outside,
    double 802.1Q, 802.1ad + 802.1Q, to broadcast, to the router's MAC and
    to another guest's MAC."""
    from scapy.all import IP, UDP, Dot1AD, Dot1Q, Ether, Raw
    vlans = sorted({n.vlan or 0 for n in t.nets.values()} | {10, 20, 30})
    own = g.net.vlan or 0
    tag_sets = []
    for v in vlans:
        tag_sets += [("q%d" % v, [Dot1Q(vlan=v)]),
                     ("pq%d" % v, [Dot1Q(vlan=0), Dot1Q(vlan=v)]),
                     ("qq%d" % v, [Dot1Q(vlan=own), Dot1Q(vlan=v)]),
                     ("adq%d" % v, [Dot1AD(vlan=own), Dot1Q(vlan=v)])]
    targets = [("bc", "ff:ff:ff:ff:ff:ff"), ("rt", t.router.mac)]
    for o in t.guests:
        if o is not g:
            targets.append((o.name, o.mac))
            break
    for o in t.cross:
        targets.append((o.name, o.mac))
    frames = []
    for tname, tags in tag_sets:
        for dname, dmac in targets:
            p = Ether(src=g.mac, dst=dmac)
            for tag in tags:
                p = p / tag
            p = p / IP(src=g.ip, dst="255.255.255.255") / \
                UDP(sport=4000, dport=9999) / \
                Raw(("MK.hop.%s.all.%s%s" % (g.name, tname, dname))
                    .encode())
            frames.append(p)
    return frames


def test_vlan_hopping(topo):
    """Tagged frames from guests (the victim on its network, the unlocked
    guest, and the guest on the parent's untagged network, an OVS trunk
    port) reach nothing: no guest, no router device, nothing on the uplink
    wire."""
    from scapy.all import IP, UDP, Ether, Raw
    t = topo
    senders = [t.victim, t.unlocked] + [g for g in t.cross
                                        if g.net.vlan is None]
    hosts = capture_hosts(t)
    if "wire" in t.hosts:
        hosts.append(t.hosts["wire"])
    caps = Captures(hosts)
    try:
        for g in senders:
            frames = hop_frames(t, g)
            frames.append(Ether(src=g.mac, dst="ff:ff:ff:ff:ff:ff") /
                          IP(src=g.ip, dst="255.255.255.255") /
                          UDP(sport=4000, dport=9999) /
                          Raw(("MK.hop.%s.all.control" % g.name).encode()))
            T.send_frames(g, frames, gap=0.002)
    finally:
        caps.stop()
    seen = {}
    for name, c in caps.caps.items():
        for m in marker_counts(c.packets()):
            if m[0] == "hop":
                seen.setdefault(name, set()).add("%s:%s" % (m[1], m[3]))
    for g in senders:
        key = "router@" + t.router.ifaces[g.net.name].dev
        assert "%s:control" % g.name in seen.get(key, ()), \
            "untagged control from %s did not reach the router" % g.name
    leaked = {k: sorted(x for x in v if not x.endswith(":control"))
              for k, v in seen.items()}
    leaked = {k: v for k, v in leaked.items() if v}
    assert not leaked, "tagged guest frames arrived: %s" % leaked


# Broadcasts: delivered once, as a host needs them.

def bcast_frames(t, rnd):
    """One frame of each broadcast/multicast kind, from the router on the
    victim's network, each with marker MK.<rnd>.router.<to>.<kind>."""
    from scapy.all import (ARP, BOOTP, DHCP, IP, UDP, Ether,
                           ICMPv6EchoRequest, ICMPv6ND_NS, ICMPv6ND_RA,
                           ICMPv6NDOptSrcLLAddr, ICMPv6NDOptUnknown, IPv6,
                           Raw)
    r, v = t.router, t.victim
    rip, rll = t.router_ip(), r.ll
    bc = "ff:ff:ff:ff:ff:ff"

    def mk(to, kind):
        return ("MK.%s.router.%s.%s" % (rnd, to, kind)).encode()
    sn, snmac = T.solicited_node(v.ip6)
    return [
        Ether(src=r.mac, dst=bc) / ARP(op=1, hwsrc=r.mac, psrc=rip,
                                       pdst=rip) / Raw(mk("all", "garpq")),
        Ether(src=r.mac, dst=bc) / ARP(op=2, hwsrc=r.mac, psrc=rip,
                                       hwdst=bc, pdst=rip)
        / Raw(mk("all", "garpr")),
        Ether(src=r.mac, dst=bc) / ARP(op=1, hwsrc=r.mac, psrc=rip,
                                       pdst=v.ip) / Raw(mk("victim", "arpv")),
        Ether(src=r.mac, dst=snmac) / IPv6(src=rll, dst=sn, hlim=255)
        / ICMPv6ND_NS(tgt=v.ip6) / ICMPv6NDOptSrcLLAddr(lladdr=r.mac)
        / ICMPv6NDOptUnknown(type=200, len=4,
                             data=mk("victim", "nsv").ljust(30, b"-")),
        Ether(src=r.mac, dst=bc) / IP(src=rip, dst="255.255.255.255")
        / UDP(sport=67, dport=68)
        / BOOTP(op=2, xid=0x1234, file=mk("all", "dhcp"))
        / DHCP(options=[("message-type", "offer"), "end"]),
        Ether(src=r.mac, dst="33:33:00:00:00:01")
        / IPv6(src=rll, dst="ff02::1") / ICMPv6EchoRequest(
            data=mk("all", "alln")),
        # A router advertisement that configures nothing (lifetime 0, no
        # prefix): the marker rides in an unknown option.
        Ether(src=r.mac, dst="33:33:00:00:00:01")
        / IPv6(src=rll, dst="ff02::1", hlim=255)
        / ICMPv6ND_RA(routerlifetime=0)
        / ICMPv6NDOptUnknown(type=200, len=4,
                             data=mk("all", "ra").ljust(30, b"-")),
        Ether(src=r.mac, dst=bc) / IP(src=rip, dst=t.net.bcast())
        / UDP(sport=4000, dport=9999) / Raw(mk("all", "bc")),
    ]


# What each receiver must get exactly once (others: at most once).
NEEDED_LOCKED = {"garpq", "garpr", "dhcp", "alln", "ra"}
NEEDED_OPEN = NEEDED_LOCKED | {"bc"}


def broadcast_check(t, rnd):
    """The router sends each broadcast kind once; every receiver on the
    victim's network gets each at most once, and what it needs exactly
    once.  Returns a list of problems."""
    rx = [g for g in t.same_net(t.victim)]
    if t.storage:
        rx.append(t.storage)
    caps = Captures(rx)
    try:
        T.send_frames(t.router, bcast_frames(t, rnd), dev=t.router_dev(),
                      gap=0.02)
    finally:
        caps.stop()
    problems = []
    for h in rx:
        counts = {}
        for m, c in marker_counts(caps.packets(h.name)).items():
            if m[0] == rnd:
                counts[m[3]] = c
        need = set(NEEDED_LOCKED if h.role == "locked" else NEEDED_OPEN)
        if h is t.victim:
            need |= {"arpv", "nsv"}
        for kind, c in sorted(counts.items()):
            if c > 1:
                problems.append("%s got %s %d times" % (h.name, kind, c))
        for kind in sorted(need):
            if counts.get(kind, 0) == 0:
                problems.append("%s did not get %s" % (h.name, kind))
    return problems


def test_broadcasts_once(topo):
    """Gratuitous ARP (both forms), ARP request and NS for the victim,
    DHCP server broadcast, all-nodes multicast and a plain broadcast from
    the uplink side: no duplicates anywhere (bonds: the upstream switch
    sends each to both members), and each guest gets what it needs."""
    problems = broadcast_check(topo, "bc1")
    assert not problems, problems


def test_unlocked_gets_what_normal_gives(topo):
    """The unlocked guest is out of NORMAL's flood set like the locked
    ones, and still gets what NORMAL would give it, each exactly once:
    unicast to its MAC with the MAC table flushed, a broadcast ARP request
    for its address, a DHCP offer and an RA from the uplink side (also in
    broadcast_check), and the locked guests' broadcasts and multicasts:
    gratuitous ARP, ARP request for the router, IPv4 multicast, DAD
    probe."""
    from scapy.all import (ARP, BOOTP, DHCP, IP, UDP, Ether, ICMPv6ND_NS,
                           ICMPv6ND_RA, ICMPv6NDOptUnknown, IPv6, Raw)
    t = topo
    r, u, v, p = t.router, t.unlocked, t.victim, t.peer
    rip, bc = t.router_ip(), "ff:ff:ff:ff:ff:ff"

    def mk(src, kind, n=None):
        m = ("MK.unl.%s.all.%s" % (src, kind)).encode()
        return m if n is None else m.ljust(n, b"-")
    sn, snmac = T.solicited_node(v.ip6)
    from_router = [
        Ether(src=r.mac, dst=bc) / ARP(op=1, hwsrc=r.mac, psrc=rip,
                                       pdst=u.ip) / Raw(mk("router", "arp")),
        Ether(src=r.mac, dst=bc) / IP(src=rip, dst="255.255.255.255")
        / UDP(sport=67, dport=68)
        / BOOTP(op=2, xid=0x4321, file=mk("router", "dhcp"))
        / DHCP(options=[("message-type", "offer"), "end"]),
        Ether(src=r.mac, dst="33:33:00:00:00:01")
        / IPv6(src=r.ll, dst="ff02::1", hlim=255)
        / ICMPv6ND_RA(routerlifetime=0)
        / ICMPv6NDOptUnknown(type=200, len=4, data=mk("router", "ra", 30)),
    ]
    from_victim = [
        Ether(src=v.mac, dst=bc) / ARP(op=1, hwsrc=v.mac, psrc=v.ip,
                                       pdst=v.ip) / Raw(mk("victim", "garp")),
        Ether(src=v.mac, dst="01:00:5e:01:02:03")
        / IP(src=v.ip, dst="239.1.2.3", ttl=1)
        / UDP(sport=4000, dport=9999) / Raw(mk("victim", "mc")),
        Ether(src=v.mac, dst=snmac) / IPv6(src="::", dst=sn, hlim=255)
        / ICMPv6ND_NS(tgt=v.ip6)
        / ICMPv6NDOptUnknown(type=200, len=4, data=mk("victim", "dad", 30)),
    ]
    from_peer = [
        Ether(src=p.mac, dst=bc) / ARP(op=1, hwsrc=p.mac, psrc=p.ip,
                                       pdst=rip) / Raw(mk("peer", "arpr")),
    ]
    warm(t)
    caps = Captures([u])
    try:
        t.fdb_flush()
        udp(r, u.ip, marker("unl", "router", "unlocked"))
        t.fdb_flush()
        udp(p, u.ip, marker("unl", "peer", "unlocked"))
        T.send_frames(r, from_router, dev=t.router_dev(), gap=0.02)
        T.send_frames(v, from_victim, gap=0.02)
        T.send_frames(p, from_peer, gap=0)
    finally:
        caps.stop()
    got = {m[1:]: c for m, c in marker_counts(caps.packets(u.name)).items()
           if m[0] == "unl"}
    want = {("router", "unlocked", str(i)): 1 for i in range(3)}
    want.update({("peer", "unlocked", str(i)): 1 for i in range(3)})
    for src, frames in (("router", from_router), ("victim", from_victim),
                        ("peer", from_peer)):
        for f in frames:
            m = T.markers(bytes(f))[0]
            want[m[1:]] = 1
    assert got == want


NESTED_MAC = "02:00:00:00:77:01"


def test_unlocked_nested_mac_learned(topo):
    """A host behind the unlocked guest (a nested bridge: a source MAC
    other than its attached-mac) is reached through NORMAL's known unicast
    once NORMAL has learned it, NO_FLOOD notwithstanding; no locked guest
    gets that unicast."""
    from scapy.all import IP, UDP, Ether, Raw
    t = topo
    u, r = t.unlocked, t.router
    nip = t.net.ip(77)

    def frame(src, dst, ip_src, ip_dst, mk):
        return (Ether(src=src, dst=dst) / IP(src=ip_src, dst=ip_dst)
                / UDP(sport=4000, dport=9999) / Raw(mk.encode()))
    # The nested host speaks first (a broadcast), so NORMAL learns it.
    T.send_frames(u, [frame(NESTED_MAC, "ff:ff:ff:ff:ff:ff", nip,
                            t.net.bcast(), "MK.nest.nested.all.0")], gap=0)
    T.wait_for(lambda: NESTED_MAC in t.fdb_macs(), 10,
               "NORMAL to learn the nested host's MAC")
    caps = Captures(t.guests)
    try:
        T.send_frames(r, [frame(r.mac, NESTED_MAC, t.router_ip(), nip,
                                "MK.nest.router.nested.%d" % i)
                          for i in range(3)], dev=t.router_dev(), gap=0.02)
    finally:
        caps.stop()
    got = {x.name: sum(1 for m in marker_counts(caps.packets(x.name))
                       if m[:3] == ("nest", "router", "nested"))
           for x in t.guests}
    assert got.pop(u.name) == 3
    assert not any(got.values()), got


def native_net_guest(t):
    """The locked guest on the trunk's native (untagged) network, and the
    other guests there."""
    g = t.victim if t.net.vlan is None else \
        [x for x in t.cross if x.net.vlan is None][0]
    return g, [x for x in t.guests if x.net is g.net and x is not g]


def uplink_sender(t):
    """(host, device) that puts raw frames on the wire into the guests'
    bridge from its uplink: the upstream switch's end of the trunk cable
    in the vlan topology, else the router's device on the victim's
    network."""
    if t.kind == "vlan":
        return t.hosts["wire"], "up0"
    return t.router, t.router_dev()


def test_priority_tagged_from_uplink(topo):
    """802.1Q frames with VID 0 (priority tags) from the uplink are on the
    trunk's native VLAN, as NORMAL has them: an ARP request and a unicast
    datagram for the native network's locked guest reach it (untagged), a
    gratuitous ARP reaches every guest of that network, and nothing
    reaches guests of other networks or other guests' captures."""
    from scapy.all import ARP, IP, UDP, Dot1Q, Ether, Raw
    t = topo
    g, others = native_net_guest(t)
    host, dev = uplink_sender(t)
    r, bc = t.router, "ff:ff:ff:ff:ff:ff"
    rip = t.router_ip(g.net)

    def mk(to, kind):
        return Raw(("MK.prio.router.%s.%s" % (to, kind)).encode())
    frames = [
        Ether(src=r.mac, dst=bc) / Dot1Q(vlan=0, prio=5)
        / ARP(op=1, hwsrc=r.mac, psrc=rip, pdst=g.ip) / mk(g.name, "arp"),
        Ether(src=r.mac, dst=g.mac) / Dot1Q(vlan=0, prio=5)
        / IP(src=rip, dst=g.ip) / UDP(sport=4000, dport=9999)
        / mk(g.name, "uc"),
        Ether(src=r.mac, dst=bc) / Dot1Q(vlan=0, prio=5)
        / ARP(op=1, hwsrc=r.mac, psrc=rip, pdst=rip) / mk("all", "garp"),
    ]
    caps = Captures(t.guests)
    try:
        T.send_frames(host, frames, dev=dev, gap=0.02)
    finally:
        caps.stop()
    seen = {}
    for x in t.guests:
        for m, c in marker_counts(caps.packets(x.name)).items():
            if m[0] == "prio":
                # A unicast may arrive twice through a bond whose upstream
                # switch floods it: not what this test is about.
                seen[(x.name, m[3])] = 1 if m[3] == "uc" else c
    want = {(g.name, "arp"): 1, (g.name, "uc"): 1, (g.name, "garp"): 1}
    want.update({(o.name, "garp"): 1 for o in others})
    assert seen == want
    tagged = [x.name for x in t.guests for pk in caps.packets(x.name)
              if markers_of(pk, "prio") and pk.haslayer(Dot1Q)]
    assert not tagged, "priority-tagged frames delivered tagged: %s" % tagged


def test_no_floods_from_other_vlans(topo):
    """No guest, locked or unlocked, receives another VLAN's broadcasts:
    802.1Q-tagged broadcasts from the uplink (VLANs 10, 20, 30 that no
    guest here is on, or the other fake bridges' VLANs), and the other
    networks' guests' broadcasts.  The control, a broadcast on the
    victim's network, reaches the unlocked guest."""
    from scapy.all import IP, UDP, Dot1Q, Ether, Raw
    t = topo
    r = t.router
    own = t.net.vlan or 0
    host, dev = uplink_sender(t)
    frames = []
    for vid in (10, 20, 30):
        if vid == own:
            continue
        frames.append(Ether(src=r.mac, dst="ff:ff:ff:ff:ff:ff")
                      / Dot1Q(vlan=vid) / IP(src="10.9.9.1",
                                             dst="255.255.255.255")
                      / UDP(sport=4000, dport=9999)
                      / Raw(("MK.xvl.router.all.v%d" % vid).encode()))
    caps = Captures(t.guests)
    try:
        T.send_frames(host, frames, dev=dev, gap=0.02)
        for x in t.cross:
            udp(x, x.net.bcast(), marker("xvl", x.name, "all"), n=1)
        udp(r, t.net.bcast(), marker("xvl", "router", "ctl"), n=1)
    finally:
        caps.stop()
    seen = {}
    for x in t.guests:
        for m in marker_counts(caps.packets(x.name)):
            if m[0] == "xvl":
                seen.setdefault(x.name, set()).add(".".join(m[1:]))
    assert "router.ctl.0" in seen.get(t.unlocked.name, ()), seen
    foreign = {}
    for x in t.guests:
        # Its own network's frames: the control, or the uplink's tagged
        # broadcast of its VLAN.
        mine = {"router.all.v%d" % (x.net.vlan or 0)}
        if x.net is t.net:
            mine.add("router.ctl.0")
        bad = seen.get(x.name, set()) - mine
        if bad:
            foreign[x.name] = sorted(bad)
    assert not foreign, "frames of other VLANs: %s" % foreign


def test_guest_announcements_reach_router(topo):
    """The victim's gratuitous ARP, ARP probe (RFC 5227), DAD probe and
    unsolicited NA for its own addresses still reach the router, once."""
    from scapy.all import (ARP, Ether, ICMPv6ND_NA, ICMPv6ND_NS,
                           ICMPv6NDOptDstLLAddr, ICMPv6NDOptUnknown, IPv6,
                           Raw)
    t = topo
    v = t.victim
    bc = "ff:ff:ff:ff:ff:ff"
    sn, snmac = T.solicited_node(v.ip6)

    def mk(kind, n=None):
        m = ("MK.ann.victim.router.%s" % kind).encode()
        return m if n is None else m.ljust(n, b"-")
    frames = [
        Ether(src=v.mac, dst=bc) / ARP(op=1, hwsrc=v.mac, psrc=v.ip,
                                       pdst=v.ip) / Raw(mk("garpq")),
        Ether(src=v.mac, dst=bc) / ARP(op=2, hwsrc=v.mac, psrc=v.ip,
                                       hwdst=bc, pdst=v.ip)
        / Raw(mk("garpr")),
        Ether(src=v.mac, dst=bc) / ARP(op=1, hwsrc=v.mac, psrc="0.0.0.0",
                                       pdst=v.ip) / Raw(mk("probe")),
        Ether(src=v.mac, dst=snmac) / IPv6(src="::", dst=sn, hlim=255)
        / ICMPv6ND_NS(tgt=v.ip6)
        / ICMPv6NDOptUnknown(type=200, len=4, data=mk("dad", 30)),
        Ether(src=v.mac, dst="33:33:00:00:00:01")
        / IPv6(src=v.ll, dst="ff02::1", hlim=255)
        / ICMPv6ND_NA(tgt=v.ip6, R=0, S=0, O=1)
        / ICMPv6NDOptDstLLAddr(lladdr=v.mac)
        / ICMPv6NDOptUnknown(type=200, len=4, data=mk("una", 30)),
    ]
    key = "router@" + t.router_dev()
    caps = Captures([DevView(t.router, t.router_dev())])
    try:
        T.send_frames(v, frames, gap=0.02)
    finally:
        caps.stop()
    counts = {m[3]: c for m, c in marker_counts(caps.packets(key)).items()
              if m[0] == "ann"}
    want = {"garpq": 1, "garpr": 1, "probe": 1, "dad": 1, "una": 1}
    assert counts == want


def test_trusted_traffic_unchanged(topo):
    """Router and storage (two trusted ports) exchange unicast (also to
    destinations the switch has forgotten), broadcast and multicast: each
    arrives exactly once."""
    t = topo
    if not t.storage:
        pytest.skip("no second trusted host on an internal network")
    from scapy.all import IP, UDP, Ether, ICMPv6EchoRequest, IPv6, Raw
    r, s = t.router, t.storage
    rv = DevView(r, t.router_dev())
    caps = Captures([rv, s])
    try:
        for src, dst, addr in ((r, s, s.ip), (s, r, t.router_ip()),
                               (r, s, s.ip6), (s, r, t.router_ip6())):
            t.fdb_flush()
            udp(src, addr, marker("trust", src.name, dst.name))
        frames = [
            Ether(src=r.mac, dst="ff:ff:ff:ff:ff:ff")
            / IP(src=t.router_ip(), dst=t.net.bcast())
            / UDP(sport=4000, dport=9999) / Raw(b"MK.trust.router.all.bc"),
            Ether(src=r.mac, dst="01:00:5e:01:02:03")
            / IP(src=t.router_ip(), dst="239.1.2.3", ttl=1)
            / UDP(sport=4000, dport=9999) / Raw(b"MK.trust.router.all.mc"),
            Ether(src=r.mac, dst="33:33:00:00:00:01")
            / IPv6(src=r.ll, dst="ff02::1")
            / ICMPv6EchoRequest(data=b"MK.trust.router.all.alln"),
        ]
        T.send_frames(r, frames, dev=t.router_dev(), gap=0.02)
        T.send_frames(s, [
            Ether(src=s.mac, dst="ff:ff:ff:ff:ff:ff")
            / IP(src=s.ip, dst=t.net.bcast())
            / UDP(sport=4000, dport=9999) / Raw(b"MK.trust.storage.all.bc")],
            gap=0)
        pings = _ping_all([(r, s.ip), (s, t.router_ip()), (r, s.ip6)])
    finally:
        caps.stop()
    at_s = {m[2:]: c for m, c in marker_counts(caps.packets("storage"))
            .items() if m[0] == "trust"}
    at_r = {m[1:]: c for m, c in marker_counts(caps.packets(rv.name))
            .items() if m[0] == "trust"}
    # The IPv4 and the IPv6 stream each carry markers .0 to .2.
    want_s = {("storage", str(i)): 2 for i in range(3)}
    want_s.update({("all", k): 1 for k in ("bc", "mc", "alln")})
    assert at_s == want_s
    want_r = {("storage", "router", str(i)): 2 for i in range(3)}
    want_r[("storage", "all", "bc")] = 1
    # (Echo replies to the all-nodes request carry its marker back.)
    assert {m: c for m, c in at_r.items() if m[0] == "storage"} == want_r
    assert all(pings), pings


def test_no_reflected_guest_broadcasts(topo):
    """Bonds: each guest's broadcast ARP request leaves by one member and
    the upstream switch floods it back through the other; NORMAL drops
    that copy (balance-slb: "looped back"), and so must vifguard: no guest
    receives its own frame, the router gets each request once."""
    from scapy.all import ARP, Ether, Raw
    t = topo
    if not t.uplink.is_bond:
        pytest.skip("no bond")
    senders = t.same_net(t.victim)
    u = t.uplink
    # Where the guests' frames enter the upstream switch (Linux bridge
    # ports p0, p1): the premise that some left by the non-active member.
    links = [DevView(u.upstream, u.peers[m]) for m in u.members] \
        if u.upstream.owned else []
    active = u.active_member()
    caps = Captures(senders + links + [DevView(t.router, t.router_dev())])
    try:
        for g in senders:
            T.send_frames(g, [Ether(src=g.mac, dst="ff:ff:ff:ff:ff:ff")
                              / ARP(op=1, hwsrc=g.mac, psrc=g.ip,
                                    pdst=t.router_ip())
                              / Raw(("MK.refl.%s.router.0" % g.name)
                                    .encode())], gap=0)
            time.sleep(0.05)
    finally:
        caps.stop()
    refl = []
    for g in senders:
        for p in caps.packets(g.name):
            if p.src.lower() == g.mac:
                refl.append("%s: %s" % (g.name, p.summary()))
    at_r = marker_counts(caps.packets("router@" + t.router_dev()))
    got = {m[1]: c for m, c in at_r.items() if m[0] == "refl"}
    assert not refl, "guests received their own frames: %s" % refl
    assert got == {g.name: 1 for g in senders}, got
    if u.mode == "balance-slb":
        via = {}
        for m in u.members:
            for p in caps.packets("sw@" + u.peers[m]):
                for mk in markers_of(p, "refl"):
                    via.setdefault(mk[1], set()).add(m)
        assert any(m != active for ms in via.values() for m in ms), \
            "premise: no guest frame left by the non-active member %s" % via

def test_hvm_switch_to_pv(topo):
    """HVM: the victim first talks through tap1.0 (emulated NIC), then the
    PV driver takes over (vif1.0): no leak in either phase, nor while the
    switch still has the MAC on the old port, nor once tap1.0 is gone."""
    t = topo
    if t.kind != "hvm":
        pytest.skip("no HVM guest")
    if t.victim.dev != "eth1":
        t.hvm_switch("tap")
    warm(t)
    caps, ss, pings = sniff_round(t, "tap",
                                  before=lambda s, d: t.fdb_flush())
    check_round(t, "tap", caps, ss, pings)
    t.hvm_switch("vif")
    # The switch still has the victim's MAC on tap1.0: no warm-up, the
    # router speaks first.
    caps, ss, pings = sniff_round(t, "pv")
    check_round(t, "pv", caps, ss, pings)
    caps, ss, pings = sniff_round(t, "pvflush",
                                  before=lambda s, d: t.fdb_flush())
    check_round(t, "pvflush", caps, ss, pings)
    # The emulated NIC is gone for good: its port leaves the bridge.
    t.sb.vsctl("del-port", t.br, "tap1.0")
    t.victim.ports.remove("tap1.0")
    if t.vg:
        t.vg.wait_gone(["tap1.0"])
        t.vg.wait_state(t.guest_ports())
    caps, ss, pings = sniff_round(t, "notap",
                                  before=lambda s, d: t.fdb_flush())
    check_round(t, "notap", caps, ss, pings)


def test_real_mac_aging(topo):
    """Untagged network only (it takes 15 s): the router's MAC really ages
    out (mac-aging-time=15, its minimum) while its neighbours still cache
    it; the victim's and the peer's datagrams to it then meet an unknown
    destination."""
    t = topo
    if t.kind != "untagged":
        pytest.skip("once is enough")
    sb = t.sb
    r, rip = t.router, t.router_ip()
    # Static neighbour entries, so that no ARP or NUD probe refreshes the
    # router's entry while it ages: it sends one datagram, then nothing.
    neigh = [(t.victim, rip, r.mac), (t.peer, rip, r.mac),
             (r, t.victim.ip, t.victim.mac), (r, t.peer.ip, t.peer.mac)]
    sb.vsctl("set", "bridge", t.br, "other_config:mac-aging-time=15")
    try:
        for h, ip, mac in neigh:
            h.exec("ip", "neigh", "replace", ip, "lladdr", mac, "dev", h.dev,
                   "nud", "permanent")
        udp(r, t.victim.ip, marker("agingw", "router", "victim"), n=1)
        assert r.mac in t.fdb_macs()
        T.wait_for(lambda: r.mac not in t.fdb_macs(), 40,
                   "the router's MAC to age out", interval=0.5)
        caps = Captures(capture_hosts(t))
        try:
            udp(t.victim, t.router_ip(), marker("aging", "victim",
                                                "router"))
            udp(t.peer, t.router_ip(), marker("aging", "peer", "router"))
        finally:
            caps.stop()
        leaks = {g.name: rx_violations(t, g, caps.packets(g.name))
                 for g in t.guests}
        leaks = {k: v[:5] for k, v in leaks.items() if v}
        assert not leaks, leaks
        at_r = marker_counts(caps.packets("router@" + t.router_dev()))
        assert sum(1 for m in at_r if m[0] == "aging") == 6, at_r
    finally:
        sb.vsctl("remove", "bridge", t.br, "other_config", "mac-aging-time")
        for h, ip, mac in neigh:
            h.exec("ip", "neigh", "del", ip, "dev", h.dev, check=False)


# State-changing tests: keep them last.

def _reply_times(out):
    """Timestamps of the replies in 'ping -D' output."""
    return [float(m.group(1)) for m in
            re.finditer(r"^\[(\d+\.\d+)\] \d+ bytes from", out, re.M)]


def test_bond_failover(topo):
    """A ping flood from the victim to the router while the active member's
    link fails: replies resume within 3 s, the other member is active, and
    broadcasts reach every guest exactly once before and after."""
    t = topo
    u = t.uplink
    if not u.is_bond:
        pytest.skip("no bond")
    problems = broadcast_check(t, "fo1")
    assert not problems, "before failover: %s" % problems
    warm(t)
    ping = t.victim.popen("ping", "-D", "-i", "0.01", "-c", "300", "-W", "1",
                          t.router_ip(), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    try:
        time.sleep(1.0)
        failed = u.fail_active()
        t_fail = time.time()
        out, _ = ping.communicate(timeout=60)
        times = _reply_times(out)
        after = [x for x in times if x > t_fail]
        assert after, "no reply after failover:\n" + out[-2000:]
        gaps = [b - a for a, b in zip(times, times[1:])]
        print("failover of %s: longest gap between replies %.3f s"
              % (failed, max(gaps)))
        assert max(gaps) < 3.0, "outage of %.1f s%s" % (max(gaps),
                                                          bond_state(t))
        assert len(after) > 50, "%d replies after failover" % len(after)
        assert u.active_member() not in (None, failed), u.bond_show()
        problems = broadcast_check(t, "fo2")
        assert not problems, "after failover: %s" % problems
    finally:
        if ping.poll() is None:
            ping.kill()
        u.restore()


def test_sniff_after_failover(topo):
    """Bonds: after test_bond_failover (the other member active, the
    failed one back as backup), a flushed-table round."""
    t = topo
    if not t.uplink.is_bond:
        pytest.skip("no bond")
    warm(t)
    caps, ss, pings = sniff_round(t, "fo", before=lambda s, d: t.fdb_flush())
    check_round(t, "fo", caps, ss, pings)


def learning_lines(t):
    """vifguardd's log lines about learning frames sent."""
    if not t.vg:
        return []
    return [l for l in t.vg.log_lines("INFO") if "learning frames" in l]


def check_upstream_learned(t, guests, member):
    """Waits until the upstream switch has learned every guest of 'guests'
    behind bond member 'member' (10 s at most); asserts that it has."""
    u = t.uplink
    deadline = time.time() + 10
    while True:
        fdb = u.upstream_fdb()
        where = {g.name: fdb.get(g.mac) for g in guests}
        if set(where.values()) == {u.peers[member]} \
                or time.time() > deadline:
            break
        time.sleep(0.1)
    assert set(where.values()) == {u.peers[member]}, \
        "upstream switch: guests not behind %s (%s): %s%s" % (
            member, u.peers[member], where, bond_state(t))


def test_bond_learning_frames(topo):
    """Active-backup and balance-slb bonds.  (1) The active member changes
    while both links stay up and OVS's MAC table is empty (as after an
    ovs-vswitchd restart), so OVS announces no guest: vifguardd's learning
    frames must teach the upstream switch that every guest on the bridge is
    behind the new member, and the guests receive none of them.  (2) A ping
    flood from the router to a locked and to an unlocked guest while the
    active member's link fails: replies resume, and a broadcast sent once
    upstream reaches each guest once."""
    t = topo
    u = t.uplink
    if not u.is_bond or u.mode == "balance-tcp":
        pytest.skip("no active-backup or balance-slb bond")
    if BASELINE:
        pytest.skip("vifguardd's learning frames")
    guests = t.same_net(t.victim)
    warm(t)
    old = u.active_member()
    new = [m for m in u.members if m != old][0]
    caps = Captures(guests)
    try:
        # Silence: no router solicitations left from start-up, no
        # neighbour entries to revalidate (their probes would be answered
        # through the new member), an empty MAC table in OVS.
        for g in guests + [t.router]:
            g.exec("sysctl", "-qw", "net.ipv6.conf.%s.router_solicitations=0"
                   % g.dev)
            g.exec("ip", "-4", "neigh", "flush", "all")
            g.exec("ip", "-6", "neigh", "flush", "all")
        t.fdb_flush()
        u.set_active(new)
        check_upstream_learned(t, guests, new)
    finally:
        caps.stop()
    rarp = ["%s: %s" % (g.name, p.summary()) for g in guests
            for p in caps.packets(g.name) if p.type == 0x8035]
    assert not rarp, "guests received learning frames: %s" % rarp

    pings = [h.popen("ping", "-D", "-i", "0.01", "-c", "300", "-W", "1",
                     g.ip, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                     text=True)
             for h, g in ((t.router, t.victim), (t.router, t.unlocked))]
    try:
        time.sleep(1.0)
        failed = u.fail_active()
        t_fail = time.time()
        for g, p in zip((t.victim, t.unlocked), pings):
            out, _ = p.communicate(timeout=60)
            times = _reply_times(out)
            after = [x for x in times if x > t_fail]
            gaps = [b - a for a, b in zip(times, times[1:])] or [0]
            print("router -> %s, failover of %s: longest gap %.3f s, "
                  "%d replies after" % (g.name, failed, max(gaps),
                                        len(after)))
            assert len(after) > 50, "router -> %s: %d replies after " \
                "failover%s\n%s" % (g.name, len(after), bond_state(t),
                                    out[-1500:])
        problems = broadcast_check(t, "fo3")
        assert not problems, "after failover: %s" % problems
    finally:
        for p in pings:
            if p.poll() is None:
                p.kill()
        u.restore()


def members_dropping_multicast(t):
    """The bond members whose broadcasts and multicasts vifguard drops in
    table 0 (the members it does not consider active)."""
    flows = t.flows()
    out = set()
    for m in t.uplink.members:
        pat = re.compile(r"table=0,.*in_port=%s\b.*dl_dst=01:00:00:00:00:00/"
                         r"01:00:00:00:00:00.*actions=drop" % t.sb.ofport(m))
        if any(pat.search(line) for line in flows.splitlines()):
            out.add(m)
    return out


def wait_bond_settled(t, lacp):
    """Waits until OVS has an active member (LACP status 'configured':
    no partner, if 'lacp') and vifguard treats every other member as
    non-active."""
    u = t.uplink

    def settled():
        show = u.bond_show()
        active = u.active_member()
        if not active or (lacp and "lacp_status: configured" not in show):
            return False
        return not t.vg or members_dropping_multicast(t) == \
            set(u.members) - {active}
    T.wait_for(settled, 20, "bond settled (lacp=%s)" % lacp)


def test_lacp_fallback_ab(topo):
    """bond-ab reconfigured as balance-tcp with LACP and lacp-fallback-ab:
    the upstream Linux bridge speaks no LACP, so OVS falls back to
    active-backup and, like NORMAL, vifguard must take broadcasts from the
    active member only (the upstream switch floods each to both links):
    each guest gets each broadcast once.  The bond is restored after."""
    t = topo
    if t.kind != "bond-ab":
        pytest.skip("needs an upstream switch without LACP; once is enough")
    sb, port = t.sb, t.uplink.ports[0]
    sb.vsctl("set", "port", port, "bond_mode=balance-tcp", "lacp=active",
             "other_config:lacp-fallback-ab=true")
    try:
        wait_bond_settled(t, True)
        problems = broadcast_check(t, "fab")
        assert not problems, "%s%s" % (problems, bond_state(t))
    finally:
        sb.vsctl("set", "port", port, "bond_mode=active-backup", "lacp=off")
        sb.vsctl("remove", "port", port, "other_config", "lacp-fallback-ab")
        T.wait_for(lambda: len(t.uplink.enabled_members()) == 2, 10,
                   "both bond members enabled")
        wait_bond_settled(t, False)


def test_ovs_vswitchd_restart(topo):
    """ovs-vswitchd crashes and comes back while the router and the peer
    keep sending to the victim and the victim to the router: from the
    moment the switch is back, no guest receives anything it must not
    (fail closed until protection is complete), and once vifguardd reports
    every guest protected the guarantees hold again (a flushed-table
    round)."""
    t = topo
    sb = t.sb
    t.log_allow = VG_LOG_ALLOW + [r"ofconn", r"connection"]
    warm(t)
    conns = t.vg.stats()["ofp_connections"] if t.vg else 0
    u = t.uplink
    announced = len(learning_lines(t))
    bg = []
    caps = Captures(capture_hosts(t))
    try:
        bg = [udp(t.router, t.victim.ip, marker("rst", "router", "victim"),
                  n=300, gap=0.01, wait=False),
              udp(t.victim, t.router_ip(),
                  marker("rst", "victim", "router"), n=300, gap=0.01,
                  wait=False),
              udp(t.peer, t.victim.ip, marker("rst", "peer", "victim"),
                  n=300, gap=0.01, wait=False)]
        time.sleep(0.3)
        sb.restart_vswitchd()
        if t.vg:
            T.wait_for(lambda: t.vg.stats()["ofp_connections"] > conns, 20,
                       "vifguardd to see the new connection")
            t.vg.wait_state(t.guest_ports(), timeout=30)
        for p in bg:
            p.wait(60)
        if t.vg and u.is_bond and u.mode != "balance-tcp":
            # The new connection announces the guests again (OVS keeps
            # the active member across a restart if it can, so the
            # upstream check below rarely sees a change of member).
            T.wait_for(lambda: len(learning_lines(t)) > announced, 10,
                       "vifguardd to send learning frames again")
        if t.vg and u.mode == "active-backup":
            # OVS's MAC table is empty after the restart, so only
            # vifguardd's learning frames tell the upstream switch where
            # the guests that kept quiet are (matters when OVS chose the
            # other member; balance-slb sends a guest's own frames by a
            # member of its hash, which may be another).
            check_upstream_learned(t, t.same_net(t.victim),
                                   u.active_member())
    finally:
        caps.stop()
    leaks = {}
    for g in t.guests:
        v = rx_violations(t, g, caps.packets(g.name))
        if v:
            leaks[g.name] = v[:8]
    assert not leaks, "leaks around the restart: %s" % leaks
    warm(t)
    caps, ss, pings = sniff_round(t, "postrst",
                                  before=lambda s, d: t.fdb_flush())
    check_round(t, "postrst", caps, ss, pings)
