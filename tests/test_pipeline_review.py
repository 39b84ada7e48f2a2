"""Holes found by an adversarial review of the per-guest pipeline
(session 6), each shown closed where it mattered: a prefix guest resolving
an exact-address guest, unicast NUD copied to prefix guests, a DHCPv6
server's answer behind a split first fragment, an ARP probe for another
guest's address, a newcomer claiming a protected guest's MAC.

The LAN: a private OVS (userspace datapath), one bridge in fail_mode=secure
under vifguardd, an uplink namespace "router" on a trusted port
(10.0.0.1/24, 2001:db8:1::1/64) and four guests:
  g1 locked, exact addresses 10.0.0.11 and 2001:db8:1::11 (the attacker);
  g2 locked, exact addresses 10.0.0.12 and 2001:db8:1::12 (the victim);
  g3 locked, prefixes 10.0.0.0/24 and 2001:db8:1::/64 (a guest whose
     addresses come from DHCP or SLAAC), configured 10.0.0.13 and
     2001:db8:1::13;
  g4 unlocked, 10.0.0.14 and 2001:db8:1::14.
(Each test takes 3 to 6 s.)
Every check is made where traffic lands: a capture in the receiver's
namespace, a ping answered (or not).
"""

import re

import pytest

from netlab import Capture, sendp
from vifguard_daemon import VifguardDaemon

ROUTER_MAC = "02:00:00:00:00:01"
# A trusted host that is not on the bridge: frames to it go to NORMAL.
OTHER_MAC = "02:00:00:00:00:99"
MAC = {"g1": "02:00:00:00:00:11", "g2": "02:00:00:00:00:12",
       "g3": "02:00:00:00:00:13", "g4": "02:00:00:00:00:14"}
IP = {"router": "10.0.0.1", "g1": "10.0.0.11", "g2": "10.0.0.12",
      "g3": "10.0.0.13", "g4": "10.0.0.14"}
IP6 = {"router": "2001:db8:1::1", "g1": "2001:db8:1::11",
       "g2": "2001:db8:1::12", "g3": "2001:db8:1::13",
       "g4": "2001:db8:1::14"}
POLICY = {"g1": (IP["g1"], IP6["g1"], None),
          "g2": (IP["g2"], IP6["g2"], None),
          "g3": ("10.0.0.0/24", "2001:db8:1::/64", None),
          "g4": (IP["g4"], IP6["g4"], "unlocked")}


def eui64_ll(mac):
    b = bytes.fromhex(mac.replace(":", ""))
    return "fe80::%02x%02x:%02xff:fe%02x:%02x%02x" % (
        b[0] ^ 2, b[1], b[2], b[3], b[4], b[5])


class Lan(dict):
    """The namespaces by name, with the sandbox, bridge and daemon."""


@pytest.fixture
def lan(ovs, build_dirs):
    sb = ovs
    br = sb.add_bridge()
    vg = VifguardDaemon(sb, build_dirs["plain"])
    ns = {"router": sb.add_netns(br, "router", ROUTER_MAC,
                                 [IP["router"] + "/24",
                                  IP6["router"] + "/64"], ofport=1)}
    for i, g in enumerate(("g1", "g2", "g3", "g4")):
        ns[g] = sb.add_netns(br, g, MAC[g], [IP[g] + "/24", IP6[g] + "/64"],
                             ofport=11 + i)
        v4, v6, mode = POLICY[g]
        ids = ["external_ids:attached-mac=" + MAC[g],
               "external_ids:vifguard-ipv4=" + v4,
               "external_ids:vifguard-ipv6=" + v6]
        if mode:
            ids.append("external_ids:vifguard-mode=" + mode)
        sb.vsctl("set", "interface", ns[g].port, *ids)
    lan = Lan(ns)
    lan.sb, lan.br, lan.vg, lan.log_allow = sb, br, vg, []
    with vg.protecting(br, [ns[g].port for g in ("g1", "g2", "g3", "g4")],
                       lambda: lan.log_allow):
        for n in ns.values():
            n.exec("ip", "neigh", "flush", "all")
        yield lan


def frames_from(text, mac):
    """Header lines of the captured frames (tcpdump -e text) sent by
    'mac'."""
    return [line for line in text.splitlines()
            if re.match(r"\d\d:\d\d:\d\d\S* %s > " % mac, line)]


def test_prefix_guest_resolves_exact_guest(lan):
    """A guest allowed a prefix must reach a guest whose exact address lies
    in that prefix, and its ARP request / NS for that exact address goes to
    the owner alone (docs/DESIGN.md: "An exact address ... goes to its
    guest alone, not to NORMAL and not to the unlocked guests").

    Before the fix the prefix guest's own-announcement flows (table 40, priority
    400, arp_tpa=10.0.0.0/24 / nd_target=2001:db8:1::/64) win over the
    victim's exact-target flows (232 / 328): the broadcast
    "who-has 10.0.0.12 tell 10.0.0.13" goes to NORMAL and the unlocked
    guest, never to g2, so g3 cannot reach g2 at all, the unlocked g4 learns
    who asks for g2's address, and g2 cannot defend its address against
    g3's DAD probes."""
    g3, g4 = lan["g3"], lan["g4"]
    with Capture(g4, "arp or icmp6") as cap:
        v4 = g3.ping(IP["g2"], count=1)
        v6 = g3.ping(IP6["g2"], count=1)
        text = cap.stop().text()
    leaked = [f for f in frames_from(text, MAC["g3"])
              if "who-has %s " % IP["g2"] in f or IP6["g2"] in f]
    assert v4 and v6, "g3 -> g2: IPv4 %s, IPv6 %s" % (v4, v6)
    assert not leaked, leaked


def test_unicast_nud_not_copied_to_prefix_guests(lan):
    """Unicast ARP requests and Neighbor Solicitations (NUD probes) between
    other hosts must not reach a guest because their target lies in its
    prefix (DESIGN.md: a guest "never sees ... unicast ARP requests (NUD)
    not addressed to it").

    Before the fix the prefix-target flows of table 40 (priority 224
    arp_tpa=10.0.0.0/24, 264 nd_target=2001:db8:1::/64) match no
    destination MAC: g1's
      Ether(dst=router)/ARP(op=1, psrc=10.0.0.11, pdst=10.0.0.1)
      Ether(dst=router)/IPv6/ICMPv6ND_NS(tgt=2001:db8:1::1)
    and the router's NUD to another trusted host are copied to g3 (locked)
    and to the unlocked g4."""
    g1, router = lan["g1"], lan["router"]
    bpf = "arp or icmp6 or udp port 9999"
    caps = {n: Capture(lan[n], bpf) for n in ("router", "g3", "g4")}
    try:
        # g1's NUD probes of the router.
        sendp(g1, "Ether(src='%s', dst='%s')/ARP(op=1, hwsrc='%s', "
              "psrc='%s', hwdst='%s', pdst='%s')"
              % (MAC["g1"], ROUTER_MAC, MAC["g1"], IP["g1"], ROUTER_MAC,
                 IP["router"]))
        sendp(g1, "Ether(src='%s', dst='%s')/IPv6(src='%s', dst='%s')/"
              "ICMPv6ND_NS(tgt='%s')/ICMPv6NDOptSrcLLAddr(lladdr='%s')"
              % (MAC["g1"], ROUTER_MAC, IP6["g1"], IP6["router"],
                 IP6["router"], MAC["g1"]))
        # The router's NUD probes of a trusted host beyond the bridge.
        sendp(router, "Ether(src='%s', dst='%s')/ARP(op=1, hwsrc='%s', "
              "psrc='%s', hwdst='%s', pdst='10.0.0.5')"
              % (ROUTER_MAC, OTHER_MAC, ROUTER_MAC, IP["router"],
                 OTHER_MAC))
        sendp(router, "Ether(src='%s', dst='%s')/IPv6(src='%s', "
              "dst='2001:db8:1::5')/ICMPv6ND_NS(tgt='2001:db8:1::5')/"
              "ICMPv6NDOptSrcLLAddr(lladdr='%s')"
              % (ROUTER_MAC, OTHER_MAC, IP6["router"], ROUTER_MAC))
        # Controls: the router gets g1's probes; g3 and g4 get datagrams
        # addressed to them.
        for g in ("g3", "g4"):
            sendp(router, "Ether(src='%s', dst='%s')/IP(src='%s', dst='%s')"
                  "/UDP(sport=4000, dport=9999)/Raw(b'CONTROL')"
                  % (ROUTER_MAC, MAC[g], IP["router"], IP[g]))
        text = {n: c.stop().text() for n, c in caps.items()}
    finally:
        for c in caps.values():
            c.__exit__()
    assert len(frames_from(text["router"], MAC["g1"])) >= 2
    for g in ("g3", "g4"):
        assert "CONTROL" in text[g], g
        leaked = [line for line in text[g].splitlines()
                  if re.match(r"\d\d:\d\d:\d\d\S* \S+ > (%s|%s)"
                              % (ROUTER_MAC, OTHER_MAC), line)]
        assert not leaked, "%s got unicast for others:\n%s" % (
            g, "\n".join(leaked))


def test_dhcpv6_server_in_fragments(lan):
    """A locked guest must not answer as a DHCPv6 server by putting the UDP
    header out of the first fragment.

    Before the fix the first fragment
      IPv6(src=2001:db8:1::11, dst=g2's link-local)/
      IPv6ExtHdrFragment(offset=0, m=1, nh=60)/IPv6ExtHdrDestOpt(nh=17)
    is classified by OVS as udp6 with tp_src=0, tp_dst=0 (the UDP header
    is not in it) and the second fragment (UDP 547 -> 546, a DHCPv6
    Advertise) as nw_frag=later: both pass table 10's guards
    (udp6,tp_src=547 / tp_dst=546) and reach g2.  Linux since 5.10 drops
    such a first fragment itself (RFC 8200 4.5), older guest kernels and
    other stacks reassemble it.  The ICMPv6 counterpart (type 0) is
    dropped already."""
    g1, g2 = lan["g1"], lan["g2"]
    dst = eui64_ll(MAC["g2"])
    head = ("Ether(src='%s', dst='%s')/IPv6(src='%s', dst='%s', nh=44)/"
            % (MAC["g1"], MAC["g2"], IP6["g1"], dst))
    with Capture(g2, "ip6 and ether src " + MAC["g1"]) as cap:
        sendp(g1, "[%sIPv6ExtHdrFragment(nh=60, offset=0, m=1, id=77)/"
              "IPv6ExtHdrDestOpt(nh=17, options=[PadN(optdata=b'\\0'*4)]), "
              "%sIPv6ExtHdrFragment(nh=60, offset=1, m=0, id=77)/"
              "Raw(bytes(UDP(sport=547, dport=546)/DHCP6_Advertise(trid=1)/"
              "DHCP6OptServerId(duid=DUID_LL(lladdr='%s'))))]"
              % (head, head, MAC["g1"]), count=1)
        # Control: an ordinary datagram from g1 to g2.
        sendp(g1, "Ether(src='%s', dst='%s')/IPv6(src='%s', dst='%s')/"
              "UDP(sport=4000, dport=9999)/Raw(b'CONTROL')"
              % (MAC["g1"], MAC["g2"], IP6["g1"], IP6["g2"]))
        cap.stop()
        text = cap.text()
        pkts = cap.packets()
    assert "CONTROL" in text
    from scapy.all import IPv6ExtHdrFragment
    # Later fragments pass from a proven source (DESIGN.md): without their
    # first fragment they are never reassembled.
    first = [p for p in pkts if p.haslayer(IPv6ExtHdrFragment)
             and p[IPv6ExtHdrFragment].offset == 0]
    assert not first, "the first fragment of a DHCPv6 Advertise reached " \
        "g2: %s" % [p.summary() for p in first]


def test_arp_probe_for_another_guests_address(lan):
    """A locked guest may probe (RFC 5227, sender 0.0.0.0) only its own
    addresses, as for IPv6 DAD (table 13): otherwise it denies another
    guest's address, whose RFC 5227 client (NetworkManager, dhcpcd, n-acd)
    takes a probe from another MAC as a conflict and gives it up.

    Before the fix table 11 let
      Ether(dst=ff:ff:ff:ff:ff:ff)/ARP(op=1, hwsrc=g1, psrc=0.0.0.0,
                                       pdst=10.0.0.12)
    through whatever its target, and table 40 delivers it to g2."""
    g1, g2 = lan["g1"], lan["g2"]
    with Capture(g2, "arp and ether src " + MAC["g1"]) as cap:
        sendp(g1, "Ether(src='%s', dst='ff:ff:ff:ff:ff:ff')/ARP(op=1, "
              "hwsrc='%s', psrc='0.0.0.0', pdst='%s')"
              % (MAC["g1"], MAC["g1"], IP["g2"]))
        # Control: an ordinary request of g1 for g2's address.
        sendp(g1, "Ether(src='%s', dst='ff:ff:ff:ff:ff:ff')/ARP(op=1, "
              "hwsrc='%s', psrc='%s', pdst='%s')"
              % (MAC["g1"], MAC["g1"], IP["g1"], IP["g2"]))
        text = cap.stop().text()
    assert "who-has %s tell %s" % (IP["g2"], IP["g1"]) in text
    assert "tell 0.0.0.0" not in text, frames_from(text, MAC["g1"])


def test_mac_on_another_vlan_leaves_victim_protected(lan):
    """A new guest port carrying the MAC of a protected guest (another
    tenant's VIF on another VLAN of the bridge, whose MAC its owner chose:
    a Neutron port with mac_address on the tenant's own network, a
    XenServer VIF created with a chosen MAC) must not take the protected
    guest down: the newcomer is the one held closed.

    Before the fix build_macs__() held every port with that MAC closed ("MAC
    ... is on 2 ports that are not one HVM guest's tap and vif"), the
    victim included: its flows are deleted and it loses its network."""
    sb, g2, router = lan.sb, lan["g2"], lan["router"]
    lan.log_allow = [r"is on 2 ports"]
    assert router.ping(IP["g2"])
    g5 = sb.add_netns(lan.br, "g5", MAC["g2"], ["10.0.20.5/24"], ofport=15,
                      tag=20)
    sb.vsctl("set", "interface", g5.port,
             "external_ids:attached-mac=" + MAC["g2"],
             "external_ids:vifguard-ipv4=10.0.20.5")
    lan.vg.wait_state([g5.port], state="error")
    vifs = lan.vg.vifs()
    assert vifs[g2.port]["state"] == "protected", vifs[g2.port]
    assert router.ping(IP["g2"])


def test_unlocked_guest_qinq_types(lan):
    """An unlocked guest has no source checks, but its frames never carry a
    VLAN tag out (DESIGN.md, "VLAN tags"), also not with the pre-802.1ad
    QinQ types 0x9100 and 0x9200 that some switches take for an outer tag
    and Open vSwitch does not (it forwards them as any other type)."""
    g4, router = lan["g4"], lan["router"]
    with Capture(router, "ether src " + MAC["g4"]) as cap:
        for tpid in (0x9100, 0x9200):
            for dst in ("ff:ff:ff:ff:ff:ff", ROUTER_MAC):
                # Outer "tag" VLAN 20, then an IPv4 datagram.
                sendp(g4, "Ether(src='%s', dst='%s', type=%#x)/"
                      "Dot1Q(vlan=20)/IP(src='%s', dst='%s')/"
                      "UDP(sport=4000, dport=9999)/Raw(b'QINQ')"
                      % (MAC["g4"], dst, tpid, IP["g4"], IP["router"]))
        # Control: the same datagram untagged.
        sendp(g4, "Ether(src='%s', dst='%s')/IP(src='%s', dst='%s')/"
              "UDP(sport=4000, dport=9999)/Raw(b'PLAIN')"
              % (MAC["g4"], ROUTER_MAC, IP["g4"], IP["router"]))
        text = cap.stop().text()
    assert "PLAIN" in text, text
    assert "QINQ" not in text and "0x9100" not in text \
        and "0x9200" not in text, frames_from(text, MAC["g4"])
