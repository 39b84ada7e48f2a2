"""Red-team attacks on the protection pipeline that the other attack tests
do not cover (session 8): IPv6 extension-header evasion (RFC 7113) and
overlapping fragments, fragmented UDP (session 10), odd Ethernet and ARP
framing, DHCP answers from odd ports, impossible IPv4 and
IPv6 sources, link-local control frames (STP, pause, LACP, LLDP,
802.1X, CDP), and the bridge settings that act outside the OpenFlow tables
(a port mirror to a guest, spanning tree, multicast snooping).

One LAN for the whole module (a private OVS, userspace datapath, one
bridge in fail_mode=secure under vifguardd):
  router  trusted port, 10.0.0.1/24, 2001:db8:1::1/64;
  g1      locked, 10.0.0.11, 2001:db8:1::11 (the attacker);
  g2      locked, 10.0.0.12, 2001:db8:1::12 (the victim);
  g4, g5  unlocked, 10.0.0.14 / .15 (g5 is the victim of g4).
Every attack frame carries a marker (the IPv6 flow label 0xbad, or the
bytes "RTX" in its payload) and is sent with a legitimate control frame;
each test captures in the victim's namespace and asserts that the control
arrived and no marked frame did, and for the attacks a Linux victim would
act on, that its neighbour table or routes did not change.  (About 70 s.)
"""

import os
import subprocess
import time

import pytest

import ovs_sandbox
from netlab import Capture, eui64, neigh, scapy
from topology import wait_for
from vifguard_daemon import VifguardDaemon

ROUTER_MAC = "02:00:00:00:00:01"
MAC = {"g1": "02:00:00:00:00:11", "g2": "02:00:00:00:00:12",
       "g4": "02:00:00:00:00:14", "g5": "02:00:00:00:00:15"}
IP = {"router": "10.0.0.1", "g1": "10.0.0.11", "g2": "10.0.0.12",
      "g4": "10.0.0.14", "g5": "10.0.0.15"}
IP6 = {n: "2001:db8:1::" + a.rsplit(".", 1)[1] for n, a in IP.items()}
UNLOCKED = ("g4", "g5")
MARK_FL = 0xbad
MARK = b"RTX"


@pytest.fixture(scope="module")
def lan(build_dirs):
    """The namespaces by name; the sandbox as lan["sb"].  Fails at teardown
    on unexpected ERR/WARN lines of OVS or vifguardd."""
    ovs_sandbox_dir = None
    sb = ovs_sandbox.OvsSandbox(keep=bool(os.environ.get("VG_KEEP_OVS")))
    try:
        sb.start()
        ovs_sandbox_dir = sb.dir
        br = sb.add_bridge()
        vg = VifguardDaemon(sb, build_dirs["plain"])
        ns = {"router": sb.add_netns(br, "router", ROUTER_MAC,
                                     [IP["router"] + "/24",
                                      IP6["router"] + "/64"], ofport=1)}
        for i, g in enumerate(MAC):
            ns[g] = sb.add_netns(br, g, MAC[g],
                                 [IP[g] + "/24", IP6[g] + "/64"],
                                 ofport=11 + i)
            ids = ["external_ids:attached-mac=" + MAC[g],
                   "external_ids:vifguard-ipv4=" + IP[g],
                   "external_ids:vifguard-ipv6=" + IP6[g]]
            if g in UNLOCKED:
                ids.append("external_ids:vifguard-mode=unlocked")
            sb.vsctl("set", "interface", ns[g].port, *ids)
        lan = dict(ns, sb=sb, vg=vg)
        with vg.protecting(br, [ns[g].port for g in MAC],
                           lambda: lan.get("log_allow", [])):
            for n in ns.values():
                n.exec("ip", "neigh", "flush", "all")
            yield lan
        problems = sb.log_problems(lan.get("ovs_log_allow", []))
        assert not problems, "unexpected ERR/WARN lines in the OVS logs " \
            "(%s):\n%s" % (ovs_sandbox_dir, "\n".join(problems))
    finally:
        sb.stop()


def send(ns, frames):
    """Sends the scapy frames (expressions) from 'ns', once each."""
    scapy(ns, "load_contrib('igmp')\nsendp([%s], iface='eth0', inter=0.02)"
          % ", ".join(frames))


def attack(lan, sender, victim, frames, control, bpf=""):
    """Sends 'frames' then 'control' from 'sender' with a capture in
    'victim'; returns the captured scapy packets after checking that the
    control arrived."""
    with Capture(lan[victim], bpf or "ether src " + MAC.get(
            sender, ROUTER_MAC)) as cap:
        send(lan[sender], frames + [control])
        cap.stop()
        pkts = cap.packets()
    assert any(b"CONTROL" in bytes(p) for p in pkts), \
        "control frame missing at %s: %s" % (victim,
                                             [p.summary() for p in pkts])
    return pkts


def marked(pkts):
    """The captured frames that carry an attack marker.  Later fragments
    (offset > 0) pass from a proven source (DESIGN.md, "What OVS parses"):
    without their first fragment they are never reassembled."""
    from scapy.all import IPv6, IPv6ExtHdrFragment
    return [p.summary() for p in pkts
            if not (p.haslayer(IPv6ExtHdrFragment)
                    and p[IPv6ExtHdrFragment].offset > 0)
            and ((p.haslayer(IPv6) and p[IPv6].fl == MARK_FL)
                 or (MARK in bytes(p) and b"CONTROL" not in bytes(p)))]


# IPv6 extension-header evasion, from locked g1 to locked g2 (unicast to
# g2's MAC and link-local address unless said otherwise).

G1_LL, G2_LL, ROUTER_LL = eui64(MAC["g1"]), eui64(MAC["g2"]), eui64(ROUTER_MAC)
RA = ("ICMPv6ND_RA(routerlifetime=1800)/ICMPv6NDOptPrefixInfo("
      "prefix='2001:db8:bad::', prefixlen=64)/ICMPv6NDOptSrcLLAddr("
      "lladdr='%s')" % MAC["g1"])
PAD4 = "options=[PadN(optdata=b'\\0'*4)]"


def ip6(src=G1_LL, dst=G2_LL, dmac=MAC["g2"], nh=None):
    return ("Ether(src='%s', dst='%s')/IPv6(src='%s', dst='%s', fl=%d, "
            "hlim=255%s)/" % (MAC["g1"], dmac, src, dst, MARK_FL,
                              ", nh=%d" % nh if nh is not None else ""))


def split(first_tail, payload, nh, ident):
    """Two fragments: the first holds the fragment header and 'first_tail'
    (8 bytes of extension headers), the second 'payload' (bytes
    expression) at offset 1, as in RFC 7113's evasion."""
    return [ip6(nh=44) + "IPv6ExtHdrFragment(nh=%d, offset=0, m=1, id=%d)/"
            % (nh, ident) + first_tail,
            ip6(nh=44) + "IPv6ExtHdrFragment(nh=%d, offset=1, m=0, id=%d)/"
            "Raw(%s)" % (nh, ident, payload)]


RA_BYTES = "bytes(IPv6(src='%s', dst='%s')/%s)[40:]" % (G1_LL, G2_LL, RA)
NS_BYTES = ("bytes(IPv6(src='%s', dst='%s')/ICMPv6ND_NS(tgt='%s')/"
            "ICMPv6NDOptSrcLLAddr(lladdr='%s'))[40:]"
            % (IP6["g1"], IP6["g2"], IP6["g2"], ROUTER_MAC))
NS_FRAGMENTS = [
    ip6(IP6["g1"], IP6["g2"], nh=44) +
    "IPv6ExtHdrFragment(nh=58, offset=0, m=1, id=4)/Raw(%s[:24])" % NS_BYTES,
    ip6(IP6["g1"], IP6["g2"], nh=44) +
    "IPv6ExtHdrFragment(nh=58, offset=3, m=0, id=4)/Raw(%s[24:])" % NS_BYTES]
IPV6_ATTACKS = {
    "ra-hop-by-hop": [ip6() + "IPv6ExtHdrHopByHop()/" + RA],
    "ra-ext-chain": [ip6() + "IPv6ExtHdrHopByHop()/IPv6ExtHdrDestOpt()/"
                     "IPv6ExtHdrRouting(segleft=0)/IPv6ExtHdrDestOpt()/" + RA],
    "ra-atomic-fragment": [ip6() + "IPv6ExtHdrFragment(offset=0, m=0, "
                           "id=1)/" + RA],
    # The ICMPv6 header in the second fragment (OVS: icmp_type 0).
    "ra-split-after-destopt": split(
        "IPv6ExtHdrDestOpt(nh=58, %s)" % PAD4, RA_BYTES, 60, 2),
    # The first fragment ends inside the extension header chain (OVS:
    # nw_proto 0).
    "ra-split-inside-chain": split(
        "Raw(bytes(IPv6ExtHdrDestOpt(nh=58, options=[PadN(optdata="
        "b'\\0'*20)]))[:8])",
        "bytes(IPv6ExtHdrDestOpt(nh=58, options=[PadN(optdata=b'\\0'*20)]))"
        "[8:] + " + RA_BYTES, 60, 3),
    "redirect-destopt": [ip6() + "IPv6ExtHdrDestOpt()/ICMPv6ND_Redirect("
                         "tgt='%s', dst='%s')/ICMPv6NDOptDstLLAddr(lladdr="
                         "'%s')" % (G1_LL, IP6["router"], MAC["g1"])],
    # Claims the router's address for g1's MAC.
    "na-override-destopt": [ip6(IP6["g1"], IP6["g2"]) + "IPv6ExtHdrDestOpt()/"
                            "ICMPv6ND_NA(tgt='%s', R=0, S=0, O=1)/"
                            "ICMPv6NDOptDstLLAddr(lladdr='%s')"
                            % (IP6["router"], MAC["g1"])],
    # g1's own address with the router's MAC as its link-layer address.
    "ns-forged-sll-hop-by-hop": [ip6(IP6["g1"], IP6["g2"]) +
                                 "IPv6ExtHdrHopByHop()/ICMPv6ND_NS(tgt='%s')/"
                                 "ICMPv6NDOptSrcLLAddr(lladdr='%s')"
                                 % (IP6["g2"], ROUTER_MAC)],
    # RFC 6980: the forged option in a second fragment, which OVS never
    # parses (nd_sll reads as "option absent").
    "ns-forged-sll-in-second-fragment": NS_FRAGMENTS,
    # Overlapping fragments (RFC 5722 forbids taking them): a harmless
    # first fragment, an echo request behind a destination-options header,
    # whose ICMPv6 header the second fragment (offset 8) rewrites into an
    # RA.  OVS parses the first as type 128 and the second as ip_proto 44.
    "ra-overlap-icmpv6-decoy": split(
        "IPv6ExtHdrDestOpt(nh=58, %s)/ICMPv6EchoRequest(data=b'RTX' + "
        "bytes(5))" % PAD4, RA_BYTES, 60, 5),
    # The same with a TCP first fragment (no TCP guard, ports hidden under
    # normal): the second fragment rewrites the second destination-options
    # header's next header into ICMPv6.
    "ra-overlap-tcp-decoy": split(
        "IPv6ExtHdrDestOpt(nh=60, %s)/IPv6ExtHdrDestOpt(nh=6, %s)/"
        "TCP(sport=4000, dport=80)/Raw(b'RTX!')" % (PAD4, PAD4),
        "bytes(IPv6ExtHdrDestOpt(nh=58, %s)) + %s" % (PAD4, RA_BYTES), 60, 6),
    "dhcpv6-reply-hop-by-hop": [ip6() + "IPv6ExtHdrHopByHop()/UDP(sport=547, "
                                "dport=546)/DHCP6_Reply(trid=1)"],
    "dhcpv6-advertise-odd-port": [ip6() + "UDP(sport=5470, dport=546)/"
                                  "DHCP6_Advertise(trid=1)"],
    # Locked guests' multicast reaches locked guests only as NS/ARP for
    # their addresses.
    "mld-query-all-nodes": [ip6(G1_LL, "ff02::1", "33:33:00:00:00:01") +
                            "IPv6ExtHdrHopByHop(options=[RouterAlert()])/"
                            "ICMPv6MLQuery()"],
    "multicast-source": [ip6("ff02::1", IP6["g2"]) +
                         "UDP(sport=4000, dport=9999)/Raw(b'RTX')"],
}
IPV6_CONTROL = ("Ether(src='%s', dst='%s')/IPv6(src='%s', dst='%s')/"
                "UDP(sport=4000, dport=9999)/Raw(b'CONTROL')"
                % (MAC["g1"], MAC["g2"], IP6["g1"], IP6["g2"]))


@pytest.mark.parametrize("name", list(IPV6_ATTACKS))
def test_ipv6_extension_header_evasion(lan, name):
    pkts = attack(lan, "g1", "g2", IPV6_ATTACKS[name], IPV6_CONTROL)
    assert not marked(pkts), "%s reached g2: %s" % (name, marked(pkts))
    g2 = lan["g2"]
    routes = g2.exec("ip", "-6", "route", "show")
    assert "2001:db8:bad" not in routes and G1_LL not in routes, routes
    assert neigh(g2, IP6["router"]) != MAC["g1"]
    assert neigh(g2, IP6["g1"]) != ROUTER_MAC


# Ethernet and ARP framing, from locked g1 to locked g2.

SNAP = "Dot3(src='%s', dst='%s')/LLC(dsap=0xaa, ssap=0xaa, ctrl=3)/" \
    "SNAP(OUI=0, code=%s)/"
FRAMING_ATTACKS = {
    # RFC 1042 encapsulation, which OVS parses into dl_type: the checks
    # see the spoofed source.
    "snap-ipv4-spoofed": (SNAP % (MAC["g1"], MAC["g2"], "0x0800")) +
    "IP(src='%s', dst='%s')/UDP(sport=4000, dport=9999)/Raw(b'RTX')"
    % (IP["router"], IP["g2"]),
    "snap-arp-spoofed": (SNAP % (MAC["g1"], MAC["g2"], "0x0806")) +
    "ARP(op=2, hwsrc='%s', psrc='%s', hwdst='%s', pdst='%s')/Raw(b'RTX')"
    % (MAC["g1"], IP["router"], MAC["g2"], IP["g2"]),
    "snap-router-advertisement": (SNAP % (MAC["g1"], MAC["g2"], "0x86dd")) +
    "IPv6(src='%s', dst='%s', fl=%d, hlim=255)/%s" % (G1_LL, G2_LL, MARK_FL,
                                                     RA),
    # Hardware type 6 (IEEE 802): Linux takes it on Ethernet, OVS does not
    # parse it as ARP (arp_op 0).
    "arp-ieee802-reply": "Ether(src='%s', dst='%s')/ARP(hwtype=6, op=2, "
    "hwsrc='%s', psrc='%s', hwdst='%s', pdst='%s')/Raw(b'RTX')"
    % (MAC["g1"], MAC["g2"], MAC["g1"], IP["router"], MAC["g2"], IP["g2"]),
    "arp-ieee802-request": "Ether(src='%s', dst='ff:ff:ff:ff:ff:ff')/"
    "ARP(hwtype=6, op=1, hwsrc='%s', psrc='%s', pdst='%s')/Raw(b'RTX')"
    % (MAC["g1"], MAC["g1"], IP["router"], IP["g2"]),
    "arp-opcode-0": "Ether(src='%s', dst='%s')/ARP(op=0, hwsrc='%s', "
    "psrc='%s', pdst='%s')/Raw(b'RTX')"
    % (MAC["g1"], MAC["g2"], MAC["g1"], IP["g1"], IP["g2"]),
    # Total length beyond the frame: OVS parses no IPv4 fields.
    "ipv4-bad-total-length": "Ether(src='%s', dst='%s')/IP(src='%s', "
    "dst='%s', len=1400)/UDP(sport=4000, dport=9999)/Raw(b'RTX')"
    % (MAC["g1"], MAC["g2"], IP["router"], IP["g2"]),
    "ipv4-header-cut-short": "Ether(src='%s', dst='%s', type=0x0800)/"
    "Raw(bytes(IP(src='%s', dst='%s'))[:12] + b'RTX')"
    % (MAC["g1"], MAC["g2"], IP["router"], IP["g2"]),
    "llc-netbios": "Dot3(src='%s', dst='%s')/LLC(dsap=0xf0, ssap=0xf0, "
    "ctrl=3)/Raw(b'RTX')" % (MAC["g1"], MAC["g2"]),
}
IPV4_CONTROL = ("Ether(src='%s', dst='%s')/IP(src='%s', dst='%s')/"
                "UDP(sport=4000, dport=9999)/Raw(b'CONTROL')"
                % (MAC["g1"], MAC["g2"], IP["g1"], IP["g2"]))


@pytest.mark.parametrize("name", list(FRAMING_ATTACKS))
def test_framing(lan, name):
    pkts = attack(lan, "g1", "g2", [FRAMING_ATTACKS[name]], IPV4_CONTROL)
    assert not marked(pkts), "%s reached g2: %s" % (name, marked(pkts))
    assert neigh(lan["g2"], IP["router"]) != MAC["g1"]


# DHCPv4 answers and impossible IPv4 sources, from locked g1.

def ip4(src=IP["g1"], dst=IP["g2"], dmac=MAC["g2"]):
    return "Ether(src='%s', dst='%s')/IP(src='%s', dst='%s')/" % (
        MAC["g1"], dmac, src, dst)


OFFER = ("BOOTP(op=2, yiaddr='%s', siaddr='%s', sname=b'RTX', chaddr="
         "bytes.fromhex('%s'))/DHCP(options=[('message-type', 'offer'), "
         "('router', '%s'), 'end'])"
         % (IP["g2"], IP["g1"], MAC["g2"].replace(":", ""), IP["g1"]))
IPV4_ATTACKS = {
    "dhcp-offer-from-port-68": ip4() + "UDP(sport=68, dport=68)/" + OFFER,
    "dhcp-offer-to-odd-port": ip4() + "UDP(sport=67, dport=6868)/" + OFFER,
    "dhcp-relay-reply": ip4() + "UDP(sport=67, dport=67)/" +
    OFFER.replace("op=2,", "op=2, giaddr='%s'," % IP["g1"]),
    "dhcp-offer-broadcast": ip4(dst="255.255.255.255",
                                dmac="ff:ff:ff:ff:ff:ff") +
    "UDP(sport=67, dport=68)/" + OFFER,
    # The bridge's default fragment handling (normal) gives every fragment
    # ports 0, the first one too: before the fix this offer passed the
    # udp,tp_src=67 and udp,tp_dst=68 guards and g2 reassembled it.
    "dhcp-offer-fragmented": "*fragment(%s, fragsize=64)" % (
        ip4() + "UDP(sport=67, dport=68)/" + OFFER),
    "source-broadcast": ip4("255.255.255.255") +
    "UDP(sport=4000, dport=9999)/Raw(b'RTX')",
    "source-loopback": ip4("127.0.0.1") +
    "UDP(sport=4000, dport=9999)/Raw(b'RTX')",
    "source-multicast": ip4("224.0.0.1") +
    "UDP(sport=4000, dport=9999)/Raw(b'RTX')",
    "source-zero": ip4("0.0.0.0") + "UDP(sport=68, dport=9999)/Raw(b'RTX')",
    "igmp-query": ip4(dst="224.0.0.1", dmac="01:00:5e:00:00:01") +
    "IGMP(type=0x11, mrcode=100)/Raw(b'RTX')",
}


@pytest.mark.parametrize("name", list(IPV4_ATTACKS))
def test_ipv4_dhcp_and_sources(lan, name):
    pkts = attack(lan, "g1", "g2", [IPV4_ATTACKS[name]], IPV4_CONTROL)
    assert not marked(pkts), "%s reached g2: %s" % (name, marked(pkts))


# Link-local control frames: a bridge never forwards them.  Before the fix
# an unlocked guest's (or the uplink's) were copied to every unlocked guest
# of the VLAN by the fan-out flow (table 40, priority 100), while NORMAL
# drops them (no other_config:forward-bpdu).

def control_frames(src):
    return ["Dot3(src='%s', dst='01:80:c2:00:00:00')/LLC()/STP()/Raw(b'RTX')"
            % src,
            "Ether(src='%s', dst='01:80:c2:00:00:01', type=0x8808)/"
            "Raw(b'\\x00\\x01\\xff\\xffRTX')" % src,
            "Ether(src='%s', dst='01:80:c2:00:00:02', type=0x8809)/"
            "Raw(b'\\x01\\x01RTX')" % src,
            "Ether(src='%s', dst='01:80:c2:00:00:03', type=0x888e)/"
            "Raw(b'\\x01\\x01\\x00\\x03RTX')" % src,
            "Ether(src='%s', dst='01:80:c2:00:00:0e', type=0x88cc)/"
            "Raw(b'RTX')" % src,
            "Dot3(src='%s', dst='01:00:0c:cc:cc:cc')/LLC(dsap=0xaa, ssap=0xaa,"
            " ctrl=3)/SNAP(OUI=0x0c, code=0x2000)/Raw(b'RTX')" % src,
            "Dot3(src='%s', dst='01:00:0c:cc:cc:cd')/LLC(dsap=0xaa, ssap=0xaa,"
            " ctrl=3)/SNAP(OUI=0x0c, code=0x010b)/Raw(b'RTX')" % src]


@pytest.mark.parametrize("sender", ["g4", "router", "g1"],
                         ids=["unlocked", "trusted", "locked"])
def test_link_local_control_frames(lan, sender):
    src = MAC.get(sender, ROUTER_MAC)
    ip = IP[sender]
    # Control: IPv4 multicast, which every port's fan-out gives the unlocked
    # guests.
    control = ("Ether(src='%s', dst='01:00:5e:01:01:01')/IP(src='%s', "
               "dst='239.1.1.1')/UDP(sport=4000, dport=9999)/"
               "Raw(b'CONTROL')" % (src, ip))
    pkts = attack(lan, sender, "g5", control_frames(src), control)
    assert not marked(pkts), "%s's control frames reached g5: %s" % (
        sender, marked(pkts))


# A datagram of 3000 bytes, which the sender's kernel fragments (MTU 1500);
# the receiver prints the size of what it reassembled.
UDP_RECV = ("import socket, sys; s = socket.socket(socket.AF_INET%s, "
            "socket.SOCK_DGRAM); s.bind(('', 9999)); s.settimeout(%d); "
            "print('ready', flush=True); print(len(s.recv(65535)))")
UDP_SEND = ("import socket, sys; s = socket.socket(socket.AF_INET%s, "
            "socket.SOCK_DGRAM); s.sendto(b'BIG' + bytes(2997), "
            "(sys.argv[1], 9999))")


def udp_reassembled(sender, receiver, addr, v6, expect=True):
    """Sends one 3000-byte UDP datagram from 'sender' to 'addr' in
    'receiver'; returns the size the receiving socket got (0: nothing
    within 10 s, or 2 s if not 'expect'ed)."""
    fam = "6" if v6 else ""
    recv = receiver.popen("python3", "-c", UDP_RECV % (fam, 10 if expect
                                                       else 2),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    try:
        assert recv.stdout.readline().strip() == "ready"
        sender.exec("python3", "-c", UDP_SEND % fam, addr)
        out, _ = recv.communicate(timeout=15)
    finally:
        if recv.poll() is None:
            recv.kill()
            recv.communicate()
    return int(out) if out.strip().isdigit() else 0


def test_fragments(lan):
    """vifguardd sets the bridge's fragment handling to nx-match, where Open
    vSwitch shows a first fragment's real ports to the guards and later
    fragments are told apart by nw_frag: a locked guest's fragmented IPv4
    UDP reaches its destination whole, while a fragmented DHCP answer is
    dropped.  Every IPv6 fragment of a locked guest is dropped (DESIGN.md,
    "What OVS parses"): UDP, ICMPv6, a fragmented NS.  Under Open vSwitch's
    default, normal (an operator's set-frags, say), the attacks are dropped
    too, and fragmented IPv4 UDP with them."""
    sb, g1, router = lan["sb"], lan["g1"], lan["router"]
    br = sb.vsctl("list-br").split()[0]
    offer = ip4() + "UDP(sport=67, dport=68)/" + OFFER
    assert sb.ofctl("get-frags", br).strip() == "nx-match"
    assert any("fragment handling set to nx-match" in l
               for l in lan["vg"].log_lines("INFO"))

    for mode in ("nx-match", "normal"):
        sb.ofctl("set-frags", br, mode)
        try:
            passes = mode == "nx-match"
            assert udp_reassembled(g1, router, IP["router"], False,
                                   passes) == (3000 if passes else 0), mode
            assert udp_reassembled(g1, router, IP6["router"], True,
                                   False) == 0, mode
            assert g1.run("ping", "-6", "-c1", "-W2", "-s", "3000",
                          IP6["router"]).returncode != 0, mode
            pkts = attack(lan, "g1", "g2",
                          ["*fragment(%s, fragsize=64)" % offer],
                          IPV4_CONTROL)
            assert not marked(pkts), (mode, marked(pkts))
            # RFC 6980: the forged source link-layer option in the second
            # fragment, which Open vSwitch does not parse.
            pkts = attack(lan, "g1", "g2", NS_FRAGMENTS, IPV6_CONTROL)
            assert not marked(pkts), (mode, marked(pkts))
            assert neigh(lan["g2"], IP6["g1"]) != ROUTER_MAC
        finally:
            sb.ofctl("set-frags", br, "nx-match")
    # An unfragmented ping passes (the control of the IPv6 checks above).
    assert g1.run("ping", "-6", "-c1", "-W2", IP6["router"]).returncode == 0

    # "drop" is someone's choice: vifguardd's next connection leaves it.
    vg = lan["vg"]
    sb.ofctl("set-frags", br, "drop")
    try:
        vg.stop()
        vg.start()
        vg.wait_state([lan[g].port for g in MAC])
        assert any("left as it is" in l for l in vg.log_lines("INFO"))
        assert sb.ofctl("get-frags", br).strip() == "drop"
        assert udp_reassembled(g1, router, IP["router"], False,
                               False) == 0
    finally:
        sb.ofctl("set-frags", br, "nx-match")


# An unlocked guest's broadcasts and multicasts reach NORMAL and the other
# unlocked guests only (DESIGN.md, Limits): none of its control-plane
# multicast reaches a locked guest.

G4_LL = eui64(MAC["g4"])
UNLOCKED_ATTACKS = {
    "ra-all-nodes": "Ether(src='%s', dst='33:33:00:00:00:01')/IPv6(src='%s', "
    "dst='ff02::1', fl=%d, hlim=255)/%s" % (MAC["g4"], G4_LL, MARK_FL,
                                            RA.replace(MAC["g1"], MAC["g4"])),
    "na-override-all-nodes": "Ether(src='%s', dst='33:33:00:00:00:01')/"
    "IPv6(src='%s', dst='ff02::1', fl=%d, hlim=255)/ICMPv6ND_NA(tgt='%s', "
    "R=1, S=0, O=1)/ICMPv6NDOptDstLLAddr(lladdr='%s')"
    % (MAC["g4"], G4_LL, MARK_FL, IP6["router"], MAC["g4"]),
    "dhcp-offer-broadcast": "Ether(src='%s', dst='ff:ff:ff:ff:ff:ff')/"
    "IP(src='%s', dst='255.255.255.255')/UDP(sport=67, dport=68)/%s"
    % (MAC["g4"], IP["g4"], OFFER),
    "gratuitous-arp-reply-for-router": "Ether(src='%s', dst='ff:ff:ff:ff:ff:"
    "ff')/ARP(op=2, hwsrc='%s', psrc='%s', hwdst='ff:ff:ff:ff:ff:ff', "
    "pdst='%s')/Raw(b'RTX')" % (MAC["g4"], MAC["g4"], IP["router"],
                                IP["router"]),
    "igmp-query": "Ether(src='%s', dst='01:00:5e:00:00:01')/IP(src='%s', "
    "dst='224.0.0.1')/IGMP(type=0x11, mrcode=100)/Raw(b'RTX')"
    % (MAC["g4"], IP["g4"]),
}


@pytest.mark.parametrize("name", list(UNLOCKED_ATTACKS))
def test_unlocked_guest_multicast(lan, name):
    control = ("Ether(src='%s', dst='%s')/IP(src='%s', dst='%s')/"
               "UDP(sport=4000, dport=9999)/Raw(b'CONTROL')"
               % (MAC["g4"], MAC["g2"], IP["g4"], IP["g2"]))
    pkts = attack(lan, "g4", "g2", [UNLOCKED_ATTACKS[name]], control)
    assert not marked(pkts), "%s reached g2: %s" % (name, marked(pkts))
    g2 = lan["g2"]
    assert "2001:db8:bad" not in g2.exec("ip", "-6", "route", "show")
    assert neigh(g2, IP6["router"]) != MAC["g4"]
    assert neigh(g2, IP["router"]) != MAC["g4"]


def test_sampling_to_a_guest(lan):
    """sFlow (like NetFlow and IPFIX) sends what it samples of every port
    to its targets from ovs-vswitchd's own network stack, outside the
    OpenFlow tables (DESIGN.md, Limits): with a target at g2's address, g2
    gets the headers of g1's frames to the router.  vifguardd cannot stop
    it (g2 may be a collector VM), but warns and shows it."""
    sb, vg = lan["sb"], lan["vg"]
    br = sb.vsctl("list-br").split()[0]
    lan.setdefault("log_allow", []).append(
        r"sFlow sends what it samples of the bridge's traffic to "
        r"10\.0\.0\.12:6343")
    # Nothing listens in g2: its "port unreachable" makes ovs-vswitchd warn.
    lan.setdefault("ovs_log_allow", []).append(
        r"10\.0\.0\.12:6343: sending to collector failed")
    # The bridge's own port, where ovs-vswitchd's packets leave: a trusted
    # port with an address on the LAN.
    sb.host_run(["ip", "addr", "add", "10.0.0.2/24", "dev", br])
    sb.host_run(["ip", "link", "set", br, "up"])
    sb.vsctl("--", "--id=@s", "create", "sFlow",
             'targets="10.0.0.12:6343"', "header=128", "sampling=1",
             "agent=" + br, "--", "set", "bridge", br, "sflow=@s")
    try:
        wait_for(lambda: vg.ctl("show")["bridges"][0]["sampler_guests"] == 1,
                 10, "g2 as a sampling target in vifguard-ctl show")
        b = vg.ctl("show")["bridges"][0]
        assert b["sampler_guest"] == lan["g2"].port, b
        assert b["sampler"] == "sFlow 10.0.0.12:6343", b
        assert "get what the bridge samples (%s is at sFlow 10.0.0.12:6343)" \
            % lan["g2"].port in vg.ctl_run("show").stdout
        warned = [l for l in vg.log_lines("WARN") if "sFlow sends" in l]
        assert len(warned) == 1 and lan["g2"].port in warned[0], warned
        # Where it lands: g1's frames to the router, in the sFlow datagrams
        # g2 receives.
        with Capture(lan["g2"], "udp port 6343") as cap:
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                send(lan["g1"], ["Ether(src='%s', dst='%s')/IP(src='%s', "
                                 "dst='%s')/UDP(sport=4000, dport=9999)/"
                                 "Raw(b'SAMPLED')" % (MAC["g1"], ROUTER_MAC,
                                                      IP["g1"],
                                                      IP["router"])])
                if any(b"SAMPLED" in bytes(p) for p in cap.packets()):
                    break
                time.sleep(0.5)
            cap.stop()
            assert any(b"SAMPLED" in bytes(p) for p in cap.packets())
    finally:
        sb.vsctl("clear", "bridge", br, "sflow")
        sb.host_run(["ip", "addr", "flush", "dev", br])
    wait_for(lambda: vg.ctl("show")["bridges"][0]["sampler_guests"] == 0, 10,
             "no sampling target in vifguard-ctl show")
    assert "samples" not in vg.ctl_run("show").stdout


def test_mirror_to_guest_port(lan):
    """A port mirror whose output port is a guest's port gets copies of
    what it selects outside the OpenFlow tables (DESIGN.md, Limits): with
    select_all, locked g1 gets the router's frames for g2.  vifguardd
    cannot stop it, but warns and flags the bridge in vifguard-ctl show;
    once the mirror is removed, the flag is gone and so are the copies."""
    sb, vg, g1 = lan["sb"], lan["vg"], lan["g1"]
    lan.setdefault("log_allow", []).append(
        r"mirror vgspy outputs to guest port %s:" % g1.port)
    # Whatever g1 sends meanwhile: OVS drops what enters a mirror port.
    lan.setdefault("ovs_log_allow", []).append(
        r"reserved exclusively for mirroring")
    br = sb.vsctl("list-br").split()[0]
    udp = ("Ether(src='%s', dst='%%s')/IP(src='%s', dst='%%s')/"
           "UDP(sport=4000, dport=9999)/Raw(b'%%s')"
           % (ROUTER_MAC, IP["router"]))
    for_g2 = udp % (MAC["g2"], IP["g2"], "RTX")
    control = udp % (MAC["g1"], IP["g1"], "CONTROL")

    sb.vsctl("--", "--id=@p", "get", "port", g1.port,
             "--", "--id=@m", "create", "mirror", "name=vgspy",
             "select_all=true", "output_port=@p",
             "--", "add", "bridge", br, "mirrors", "@m")
    try:
        # ovs-vsctl waited for ovs-vswitchd to apply it; no datapath flow
        # from before may skip the mirror.
        sb.appctl("revalidator/purge")
        wait_for(lambda: vg.ctl("show")["bridges"][0]["mirror_guests"] == 1,
                 10, "the mirror in vifguard-ctl show")
        b = vg.ctl("show")["bridges"][0]
        assert (b["mirror_guest"], b["mirror_name"]) == (g1.port, "vgspy")
        assert "1 guest port(s) get a port mirror's copies (%s, from " \
            "mirror vgspy)" % g1.port in vg.ctl_run("show").stdout
        warned = [l for l in vg.log_lines("WARN") if "mirror vgspy" in l]
        assert len(warned) == 1 and "select_all" in warned[0] and \
            "remove bridge %s mirrors @m" % br in warned[0], warned
        # The hole: the router's frame for g2 reaches g1.
        pkts = attack(lan, "router", "g1", [for_g2], control)
        assert marked(pkts), "no copy at g1: %s" % [p.summary()
                                                    for p in pkts]
    finally:
        sb.vsctl("--", "--id=@m", "get", "mirror", "vgspy",
                 "--", "remove", "bridge", br, "mirrors", "@m")
        sb.appctl("revalidator/purge")
    wait_for(lambda: vg.ctl("show")["bridges"][0]["mirror_guests"] == 0, 10,
             "no mirror in vifguard-ctl show")
    assert vg.ctl("show")["bridges"][0]["mirror_guest"] is None
    assert "mirror" not in vg.ctl_run("show").stdout
    pkts = attack(lan, "router", "g1", [for_g2], control)
    assert not marked(pkts), marked(pkts)


def test_link_protocols_on_guest_ports(lan):
    """LACP, CFM, BFD and LLDP, where Open vSwitch runs them on a port,
    take the port's frames of their protocol before any flow, like spanning
    tree (DESIGN.md, Limits): a guest's LACPDU becomes its port's LACP
    partner, through a datapath flow that sends every such frame to
    ovs-vswitchd (slow_path).  vifguardd cannot stop it, but warns once per
    change and shows which guest ports run one."""
    sb, vg = lan["sb"], lan["vg"]
    lan.setdefault("log_allow", []).append(
        r"3 guest port\(s\) run a link protocol in Open vSwitch")
    g1, g2, g4 = lan["g1"].port, lan["g2"].port, lan["g4"].port
    on = ["set", "interface", g1, "cfm_mpid=1", "lldp:enable=true", "--",
          "set", "port", g2, "lacp=active", "--",
          "set", "interface", g4, "bfd:enable=true"]
    off = ["clear", "interface", g1, "cfm_mpid", "--",
           "remove", "interface", g1, "lldp", "enable", "--",
           "set", "port", g2, "lacp=off", "--",
           "remove", "interface", g4, "bfd", "enable"]
    lacpdu = ("Ether(src='%s', dst='01:80:c2:00:00:02')/SlowProtocol()/"
              "LACP(actor_system='02:00:00:00:0b:ad', actor_key=7, "
              "actor_port_number=1, actor_state=0x3d)" % MAC["g2"])
    sb.vsctl(*on)
    try:
        wait_for(lambda: vg.ctl("show")["bridges"][0][
            "link_protocol_guests"] == 3, 10,
            "three guests with link protocols in vifguard-ctl show")
        b = vg.ctl("show")["bridges"][0]
        assert b["link_protocol_guest"] == g1, b
        assert b["link_protocols"] == ["cfm", "lldp"], b
        assert "3 guest port(s) run a link protocol in Open vSwitch (%s: "\
            "cfm, lldp; ...)" % g1 in vg.ctl_run("show").stdout
        warned = [l for l in vg.log_lines("WARN") if "link protocol" in l]
        assert len(warned) == 1, warned
        assert "ovs-vsctl clear interface %s cfm_mpid" % g1 in warned[0]
        # Where it lands: the LACPDU that g2 sends is g2's port's LACP
        # partner now, taken by ovs-vswitchd itself.
        scapy(lan["g2"], "load_contrib('lacp')\nsendp([%s], iface='eth0', "
              "count=3, inter=0.2)" % lacpdu)
        deadline = time.monotonic() + 10
        while "02:00:00:00:0b:ad" not in sb.appctl("lacp/show", g2) and \
                time.monotonic() < deadline:
            time.sleep(0.1)
        assert "02:00:00:00:0b:ad" in sb.appctl("lacp/show", g2)
        assert "slow_path(lacp)" in sb.appctl("dpctl/dump-flows")
    finally:
        sb.vsctl(*off)
    wait_for(lambda: vg.ctl("show")["bridges"][0][
        "link_protocol_guests"] == 0, 10,
        "no guest with link protocols in vifguard-ctl show")
    b = vg.ctl("show")["bridges"][0]
    assert b["link_protocol_guest"] is None and b["link_protocols"] == [], b
    assert "link protocol" not in vg.ctl_run("show").stdout
    assert len([l for l in vg.log_lines("WARN") if "link protocol" in l]) == 1


def stp_root(sb, br):
    """The root bridge's system id as ovs-appctl stp/show reports it."""
    out = sb.appctl("stp/show", br)
    root = out.split("Root ID:", 1)[1].split("Bridge ID:", 1)[0]
    return root.split("stp-system-id", 1)[1].split()[0]


def test_stp_bpdus_from_guests(lan):
    """On a bridge with STP, Open vSwitch takes the BPDUs of every STP port
    before any flow (DESIGN.md, Limits): a locked guest's superior BPDU
    makes it the root bridge (g2 here, the control), unless its port has
    other_config:stp-enable=false (g1).  vifguardd cannot stop it, but
    warns and shows which guest ports take part.  Last in the module: STP
    holds every port in "listening" until it is disabled again."""
    sb, vg = lan["sb"], lan["vg"]
    lan.setdefault("log_allow", []).append(
        r"3 guest port\(s\) take part in STP")
    br = sb.vsctl("list-br").split()[0]
    bpdu = ("Dot3(src='%s', dst='01:80:c2:00:00:00')/LLC()/STP(rootid=0, "
            "rootmac='%s', pathcost=0, bridgeid=0, bridgemac='%s', "
            "portid=0x8001)")
    sb.vsctl("set", "port", lan["g1"].port, "other_config:stp-enable=false")
    sb.vsctl("set", "bridge", br, "stp_enable=true")
    try:
        own = stp_root(sb, br)
        # g1's BPDU is the better one (same priority, lower MAC): had it
        # been taken, g1 would be the root whatever g2 sends after it.
        send(lan["g1"], [bpdu % ((MAC["g1"],) * 3)])
        # The control: the hole where the port takes part in STP.
        send(lan["g2"], [bpdu % ((MAC["g2"],) * 3)])
        deadline = time.monotonic() + 20
        while stp_root(sb, br) == own and time.monotonic() < deadline:
            time.sleep(0.1)
        assert stp_root(sb, br) == MAC["g2"]
        # g2, g4 and g5: g1 is out of STP.
        wait_for(lambda: vg.ctl("show")["bridges"][0]["stp_guests"] == 3,
                 10, "three guests in STP in vifguard-ctl show")
        b = vg.ctl("show")["bridges"][0]
        assert b["stp_guest"] == lan["g2"].port, b
        assert "3 guest port(s) in spanning tree" in vg.ctl_run(
            "show").stdout
        warned = [l for l in vg.log_lines("WARN") if "take part in STP" in l]
        assert len(warned) == 1 and "other_config:stp-enable=false" in \
            warned[0], warned
    finally:
        sb.vsctl("set", "bridge", br, "stp_enable=false")
        sb.vsctl("remove", "port", lan["g1"].port, "other_config",
                 "stp-enable")
    wait_for(lambda: vg.ctl("show")["bridges"][0]["stp_guests"] == 0, 10,
             "the bridge out of STP in vifguard-ctl show")
    # Multicast snooping: noted, since no flow can keep a group's traffic
    # from a guest that joins it.
    lan["log_allow"].append(r"multicast snooping is on")
    sb.vsctl("set", "bridge", br, "mcast_snooping_enable=true")
    try:
        wait_for(lambda: vg.ctl("show")["bridges"][0]["mcast_snooping"], 10,
                 "multicast snooping in vifguard-ctl show")
        assert "multicast snooping on" in vg.ctl_run("show").stdout
        assert [l for l in vg.log_lines("WARN")
                if "multicast snooping is on" in l]
    finally:
        sb.vsctl("set", "bridge", br, "mcast_snooping_enable=false")
