"""Issue 4: vifguardd protects guests' IPv6 on a real Open vSwitch bridge.

The LAN: a private OVS (userspace datapath), one bridge in fail_mode=secure
under vifguardd, an uplink namespace "router" on a trusted port (2001:db8:1::1
and its EUI-64 link-local address, IPv6 forwarding on) running radvd (prefix
2001:db8:1::/64, fast intervals) and dnsmasq as DHCPv6 server
(2001:db8:1::100-1ff), and guests whose Interface external_ids carry
attached-mac and vifguard-ipv6:
  g1 the attacker: exact addresses only (2001:db8:1::11 and its SLAAC
     address), so that it can claim nothing else;
  g2 the victim, a SLAAC guest: vifguard-ipv6="2001:db8:1::/64" (static
     2001:db8:1::12 as well);
  g3 a DHCPv6 client, 2001:db8:1::/64.
Every guest starts its IPv6 afresh once the bridge is protected (IPv6 off
and on again), so nothing it learned before protection remains.

Each check is made where traffic lands: the victim's neighbour cache, its
routing table, its addresses, a DHCPv6 lease, and captures in which a
legitimate control frame must arrive while the forged ones must not.

VG_IPV6_BASELINE=1 runs the same tests on a plain learning bridge without
vifguardd, to prove the attacks are real: there every attack test asserts
that its attack succeeded (at the same receiver, with the same evidence),
the legitimate tests are unchanged and the mode test is skipped.
"""

import ipaddress
import os
import re
import subprocess
import time

import pytest

from netlab import PYTHON, Capture, eui64, neigh, sendp
from vifguard_daemon import VifguardDaemon

BASELINE = os.environ.get("VG_IPV6_BASELINE") == "1"

PREFIX = "2001:db8:1::"
ROUTER_MAC = "02:00:00:00:00:01"
MAC = {"g1": "02:00:00:00:00:11", "g2": "02:00:00:00:00:12",
       "g3": "02:00:00:00:00:13", "g4": "02:00:00:00:00:14"}
FORGED_MAC = "02:00:00:00:66:66"


def solicited_node(addr):
    """The solicited-node multicast address of 'addr' (RFC 4291)."""
    low = ipaddress.IPv6Address(addr).packed[13:]
    return str(ipaddress.IPv6Address(
        ipaddress.IPv6Address("ff02::1:ff00:0").packed[:13] + low))


ROUTER_IP = PREFIX + "1"
ROUTER_LL = eui64(ROUTER_MAC)
LL = {g: eui64(m) for g, m in MAC.items()}
SLAAC = {g: eui64(m, PREFIX) for g, m in MAC.items()}
STATIC = {"g1": PREFIX + "11", "g2": PREFIX + "12"}
POLICY = {"g1": "%s %s" % (STATIC["g1"], SLAAC["g1"]),
          "g2": PREFIX + "/64",
          "g3": PREFIX + "/64",
          "g4": PREFIX + "/64"}

RADVD_CONF = """\
interface eth0 {
    AdvSendAdvert on;
    MinRtrAdvInterval 3;
    MaxRtrAdvInterval 4;
    AdvDefaultLifetime 600;
    prefix %s/64 {
        AdvOnLink on;
        AdvAutonomous on;
        AdvValidLifetime 3600;
        AdvPreferredLifetime 1800;
    };
};
""" % PREFIX


def guest_ids(name, ipv6=None, mode=None):
    """external_ids settings for guest 'name', as ovs-vsctl arguments."""
    ids = ["external_ids:attached-mac=" + MAC[name],
           "external_ids:vifguard-ipv6=" + (ipv6 or POLICY[name])]
    if mode:
        ids.append("external_ids:vifguard-mode=" + mode)
    return ids


def sysctl6(ns, key, value, dev="eth0"):
    ns.exec("sysctl", "-qw", "net.ipv6.conf.%s.%s=%s" % (dev, key, value))


def addrs6(ns):
    """{address: flags} of eth0's IPv6 addresses in 'ns'."""
    out = {}
    for line in ns.exec("ip", "-6", "-o", "addr", "show", "dev",
                        "eth0").splitlines():
        m = re.search(r"inet6 ([0-9a-f:]+)/\d+ (.*)", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def routes6(ns):
    return ns.exec("ip", "-6", "route", "show")


def wait_for(pred, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.1)


def wait_addr(ns, addr, timeout=15):
    """Waits until 'addr' is configured on 'ns' and done with DAD (neither
    tentative nor dadfailed); returns its flags."""
    def ready():
        flags = addrs6(ns).get(addr)
        return flags if flags is not None and "tentative" not in flags \
            else None
    flags = wait_for(ready, timeout, "%s on %s: %s" % (addr, ns.name,
                                                       addrs6(ns)))
    assert "dadfailed" not in flags, flags
    return flags


def reset_ipv6(ns, static=(), dad=False):
    """Starts IPv6 on 'ns' afresh: addresses, routes and neighbours are
    dropped, the link-local address is made again and the guest solicits
    routers.  With 'dad', Duplicate Address Detection runs for every new
    address (the sandbox turns it off by default)."""
    ns.exec("sysctl", "-qw", "net.ipv6.conf.all.accept_dad=%d" % int(dad))
    sysctl6(ns, "accept_dad", int(dad))
    sysctl6(ns, "dad_transmits", 1)
    sysctl6(ns, "use_tempaddr", 0)
    sysctl6(ns, "accept_ra", 1)
    sysctl6(ns, "disable_ipv6", 1)
    sysctl6(ns, "disable_ipv6", 0)
    for a in static:
        ns.exec("ip", "-6", "addr", "add", a + "/64", "dev", "eth0")


class Lan6:
    def __init__(self, sb, br, vg):
        self.sb, self.br, self.vg = sb, br, vg
        self.ns = {}
        self.log_allow = []

    def flows(self):
        return self.sb.ofctl("dump-flows", self.br)

    def set_policy(self, g, ipv6=None, mode=None, state="protected"):
        """Changes guest 'g''s policy and waits until vifguard applied
        it."""
        port = self.ns[g].port
        args = ["set", "interface", port] + guest_ids(g, ipv6, mode)
        if not mode:
            args += ["--", "remove", "interface", port, "external_ids",
                     "vifguard-mode"]
        self.sb.vsctl(*args)
        if self.vg is None:
            return None
        want = (ipv6 or POLICY[g]).split()

        def applied():
            v = self.vg.vifs().get(port, {})
            if v.get("state") != state:
                return None
            if state == "protected" and (
                    v.get("mode") != (mode or "locked")
                    or sorted(v.get("ipv6", [])) != sorted(want)):
                return None
            return v
        return wait_for(applied, 15, "policy of %s: %s" % (
            port, self.vg.vifs().get(port)))

    def udp6(self, src, dst, marker, src_ip=None, src_mac=None):
        """Sends 3 UDP datagrams carrying 'marker' from guest 'src' to
        address 'dst' (link-layer broadcast: it reaches everyone)."""
        sendp(self.ns[src], "Ether(src='%s', dst='33:33:00:00:00:01')/"
              "IPv6(src='%s', dst='%s')/UDP(sport=4000, dport=9999)/"
              "Raw(b'%s')" % (src_mac or MAC[src],
                              src_ip or STATIC.get(src, SLAAC[src]), dst,
                              marker))


@pytest.fixture
def lan6(ovs, build_dirs):
    sb = ovs
    br = sb.add_bridge()
    vg = None if BASELINE else VifguardDaemon(sb, build_dirs["plain"])
    lan = Lan6(sb, br, vg)

    router = sb.add_netns(br, "router", ROUTER_MAC, [ROUTER_IP + "/64"],
                          ofport=1)
    router.exec("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1")
    lan.ns["router"] = router
    conf = os.path.join(sb.dir, "radvd.conf")
    with open(conf, "w") as f:
        f.write(RADVD_CONF)
    router.popen("radvd", "-n", "-C", conf,
                 "-p", os.path.join(sb.dir, "radvd.pid"),
                 "-m", "logfile", "-l", os.path.join(sb.dir, "radvd.log"),
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lan.leases = os.path.join(sb.dir, "dnsmasq6.leases")
    router.popen("dnsmasq", "--keep-in-foreground", "--port=0",
                 "--interface=eth0", "--bind-interfaces",
                 "--dhcp-range=%s100,%s1ff,64,1h" % (PREFIX, PREFIX),
                 "--dhcp-leasefile=" + lan.leases, "--dhcp-authoritative",
                 "--pid-file=" + os.path.join(sb.dir, "dnsmasq6.pid"),
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    for i, g in enumerate(("g1", "g2", "g3")):
        ns = sb.add_netns(br, g, MAC[g], ofport=11 + i)
        sb.vsctl("set", "interface", ns.port, *guest_ids(g))
        lan.ns[g] = ns
    guests = [lan.ns[g] for g in ("g1", "g2", "g3")]
    if vg:
        vg.start()
        vg.attach(br)
        vg.wait_state([ns.port for ns in guests])
    # Forget whatever was learned before protection started.
    router.exec("ip", "-6", "neigh", "flush", "dev", "eth0")
    for ns in guests:
        reset_ipv6(ns, [STATIC[ns.name]] if ns.name in STATIC else [])
    yield lan
    if vg:
        problems = vg.log_problems(lan.log_allow)
        vg.stop()
        assert not problems, "unexpected ERR/WARN in vifguardd log:\n" + \
            "\n".join(problems)


def captured_frames(text):
    """The frames of Capture.text() output, each as one line of its
    headers (hex dump left out), with the timestamp removed."""
    frames = []
    for line in text.splitlines():
        if re.match(r"\d\d:\d\d:\d\d", line):
            frames.append(line.split(" ", 1)[1])
        elif frames and not line.strip().startswith("0x"):
            frames[-1] += " " + line.strip()
    return frames


def frames_from(text, mac):
    """The captured frames (see captured_frames()) sent by 'mac'."""
    return [f for f in captured_frames(text) if f.startswith(mac + " >")]


def attack(blocked):
    """Asserts 'blocked'; in baseline mode (no vifguardd) asserts the
    opposite, so that a baseline run shows the attack works."""
    assert blocked != BASELINE


# Legitimate traffic.

def test_slaac_dad_and_router(lan6):
    g2, router = lan6.ns["g2"], lan6.ns["router"]
    with Capture(router, "icmp6") as cap:
        reset_ipv6(g2, dad=True)
        # The EUI-64 link-local address passes DAD, then SLAAC from the
        # router's advertisement makes the global one, which passes DAD.
        wait_addr(g2, LL["g2"])
        wait_addr(g2, SLAAC["g2"], timeout=20)
        text = cap.stop().text()
    # The DAD probes (from ::, vifguard's table 13) reached the router.
    for a in (LL["g2"], SLAAC["g2"]):
        assert re.search(r":: > ff02::1:ff[0-9a-f:]+: .*neighbor "
                         r"solicitation, length \d+, who has %s" % a, text), a
    wait_for(lambda: "default via %s " % ROUTER_LL in routes6(g2), 10,
             "default route")
    assert "%s/64 " % PREFIX in routes6(g2)
    assert g2.ping(ROUTER_IP, count=2)
    assert g2.ping(ROUTER_LL + "%eth0", count=2)
    assert neigh(g2, ROUTER_IP) == ROUTER_MAC
    assert neigh(router, SLAAC["g2"]) == MAC["g2"]
    assert neigh(router, LL["g2"]) == MAC["g2"]


def test_guest_to_guest(lan6):
    g1, g2 = lan6.ns["g1"], lan6.ns["g2"]
    assert g1.ping(STATIC["g2"], count=2)
    assert g2.ping(STATIC["g1"], count=2)
    assert g1.ping(LL["g2"] + "%eth0", count=2)
    wait_addr(g2, SLAAC["g2"], timeout=20)
    assert g1.ping(SLAAC["g2"], count=2)
    assert neigh(g1, STATIC["g2"]) == MAC["g2"]
    assert neigh(g2, STATIC["g1"]) == MAC["g1"]
    if not BASELINE:
        flows = lan6.flows()
        assert "nd_target=%s" % LL["g1"] in flows
        assert "nd_target=%s/64" % PREFIX in flows


def test_dhcpv6_lease(lan6):
    g3 = lan6.ns["g3"]
    lease = os.path.join(lan6.sb.dir, "g3.lease6")
    wait_addr(g3, LL["g3"])
    r = g3.run("dhclient", "-6", "-1", "-v", "-sf", "/bin/true", "-lf",
               lease, "-pf", os.path.join(lan6.sb.dir, "g3.dhclient6.pid"),
               "eth0", timeout=60)
    assert r.returncode == 0, r.stderr
    with open(lease) as f:
        text = f.read()
    m = re.search(r"iaaddr (%s1[0-9a-f]{2}) " % PREFIX, text)
    assert m, text
    addr = m.group(1)
    with open(lan6.leases) as f:
        assert addr in f.read()
    # The leased address works.
    g3.exec("ip", "-6", "addr", "add", addr + "/64", "dev", "eth0")
    wait_addr(g3, addr)
    r = g3.run("ping", "-c", "2", "-W", "2", "-i", "0.2", "-I", addr,
               ROUTER_IP)
    assert r.returncode == 0, r.stdout


def stable_privacy(ns):
    """Switches 'ns' to RFC 7217 addresses; returns its new link-local
    address."""
    sysctl6(ns, "stable_secret", "2001:db8:7217:7217:7217:7217:7217:7217")
    sysctl6(ns, "addr_gen_mode", 2)
    reset_ipv6(ns)
    lla = wait_for(lambda: [a for a in addrs6(ns) if a.startswith("fe80:")],
                   10, "a link-local address on " + ns.name)
    assert len(lla) == 1 and lla[0] != LL[ns.name], lla
    return lla[0]


def test_rfc7217_link_local(lan6):
    lan6.log_allow = [r"held closed"]
    g3 = lan6.ns["g3"]
    lla = stable_privacy(g3)
    wait_addr(g3, lla)
    if not BASELINE:
        # Not listed: its link-local address is not its own as far as
        # vifguard knows.
        assert not g3.ping(ROUTER_LL + "%eth0", count=1, timeout=1)
    lan6.set_policy("g3", "%s/64 %s" % (PREFIX, lla))
    assert g3.ping(ROUTER_LL + "%eth0", count=2)
    assert neigh(lan6.ns["router"], lla) == MAC["g3"]
    assert lan6.ns["g2"].ping(lla + "%eth0", count=2)
    # A link-local prefix is refused, and the port held closed.
    if not BASELINE:
        v = lan6.set_policy("g3", "fe80::/64", state="error")
        assert "link-local" in v["reason"], v
        assert not g3.ping(ROUTER_LL + "%eth0", count=1, timeout=1)


def test_unspecified_source(lan6):
    """From '::' a guest may send DAD probes for its own addresses and MLD
    reports (RFC 3590), and nothing else."""
    g1, router = lan6.ns["g1"], lan6.ns["router"]
    eth = "Ether(src='%s', dst='33:33:00:00:00:01')/" % MAC["g1"]
    hbh = "IPv6ExtHdrHopByHop(options=[RouterAlert()])/"
    with Capture(router, "ip6 and not udp") as cap:
        # Legitimate: a DAD probe for its own address, MLDv2 and MLDv1
        # reports (with their hop-by-hop router alert option).
        sendp(g1, eth + "IPv6(src='::', dst='ff02::1:ff00:11')/"
              "ICMPv6ND_NS(tgt='%s')" % STATIC["g1"])
        sendp(g1, eth + "IPv6(src='::', dst='ff02::16', hlim=1)/" + hbh
              + "ICMPv6MLReport2(records=[ICMPv6MLDMultAddrRec("
              "dst='ff02::1:ff00:11')])")
        sendp(g1, eth + "IPv6(src='::', dst='ff02::1:ff00:11', hlim=1)/"
              + hbh + "ICMPv6MLReport(mladdr='ff02::1:ff00:11')")
        # Not allowed: a probe for another guest's address, for the
        # router's, one to a unicast address, one with a link-layer
        # option, an echo request, MLD reports to the wrong place.
        for t in (STATIC["g2"], ROUTER_IP):
            sendp(g1, eth + "IPv6(src='::', dst='%s')/ICMPv6ND_NS(tgt='%s')"
                  % (solicited_node(t), t))
        sendp(g1, eth + "IPv6(src='::', dst='%s')/ICMPv6ND_NS(tgt='%s')"
              % (ROUTER_IP, STATIC["g1"]))
        sendp(g1, eth + "IPv6(src='::', dst='%s')/ICMPv6ND_NS(tgt='%s')/"
              "ICMPv6NDOptSrcLLAddr(lladdr='%s')"
              % (solicited_node(SLAAC["g1"]), SLAAC["g1"], MAC["g1"]))
        sendp(g1, eth + "IPv6(src='::', dst='ff02::1')/"
              "ICMPv6EchoRequest(data=b'FROMANY')")
        sendp(g1, eth + "IPv6(src='::', dst='%s', hlim=1)/" % ROUTER_IP
              + hbh + "ICMPv6MLReport2()")
        text = cap.stop().text()
    frames = frames_from(text, MAC["g1"])
    assert any("who has %s " % STATIC["g1"] in f + " " for f in frames)
    assert any("multicast listener report v2" in f for f in frames)
    assert any("multicast listener reportmax resp" in f for f in frames)
    attack(not any(re.search(r"who has (%s|%s|%s)\b" % (
        STATIC["g2"], ROUTER_IP, SLAAC["g1"]), f) for f in frames)
        and not any("> %s:" % ROUTER_IP in f for f in frames)
        and "FROMANY" not in text)


# Attacks, each proven at the receiver with a control in the same capture.

def test_ipv6_source_spoofing(lan6):
    with Capture(lan6.ns["router"], "udp port 9999") as cap:
        lan6.udp6("g1", ROUTER_IP, "SPOOFGUEST", src_ip=STATIC["g2"])
        lan6.udp6("g1", ROUTER_IP, "SPOOFPREFIX", src_ip=PREFIX + "99")
        lan6.udp6("g1", ROUTER_IP, "SPOOFNET", src_ip="2001:db8:99::1")
        lan6.udp6("g1", ROUTER_LL, "SPOOFLL", src_ip="fe80::99")
        lan6.udp6("g1", ROUTER_LL, "SPOOFRTRLL", src_ip=ROUTER_LL)
        lan6.udp6("g1", ROUTER_IP, "SPOOFANY", src_ip="::")
        lan6.udp6("g1", ROUTER_IP, "CONTROL")
        lan6.udp6("g1", ROUTER_LL, "LLCONTROL", src_ip=LL["g1"])
        text = cap.stop().text()
    assert "CONTROL" in text and "LLCONTROL" in text
    attack(not any(m in text for m in ("SPOOFGUEST", "SPOOFPREFIX",
                                       "SPOOFNET", "SPOOFLL", "SPOOFRTRLL",
                                       "SPOOFANY")))


def na(src_ip, dst_ip, target, tll=None, dst_mac="33:33:00:00:00:01",
       src_mac=None, flags="R=0, S=0, O=1", extra=""):
    """Scapy expression of a Neighbor Advertisement from g1."""
    opt = "/ICMPv6NDOptDstLLAddr(lladdr='%s')" % tll if tll else ""
    return ("Ether(src='%s', dst='%s')/IPv6(src='%s', dst='%s')/"
            "ICMPv6ND_NA(tgt='%s', %s)%s%s"
            % (src_mac or MAC["g1"], dst_mac, src_ip, dst_ip, target, flags,
               opt, extra))


def test_na_cache_poisoning(lan6):
    g1, g2, router = lan6.ns["g1"], lan6.ns["g2"], lan6.ns["router"]
    # Entries the attacker would overwrite (Override flag).
    assert g2.ping(ROUTER_IP) and g2.ping(ROUTER_LL + "%eth0")
    assert router.ping(STATIC["g2"])
    assert neigh(g2, ROUTER_IP) == ROUTER_MAC
    assert neigh(g2, ROUTER_LL) == ROUTER_MAC
    assert neigh(router, STATIC["g2"]) == MAC["g2"]
    with Capture(g2, "icmp6") as cap2, Capture(router, "icmp6") as capr:
        # "The router is at g1", global and link-local, sent to g2.
        for t in (ROUTER_IP, ROUTER_LL):
            sendp(g1, na(LL["g1"], "ff02::1", t, MAC["g1"]))
            sendp(g1, na(STATIC["g1"], STATIC["g2"], t, MAC["g1"],
                         dst_mac=MAC["g2"], flags="R=1, S=1, O=1"))
            sendp(g1, na(LL["g1"], "ff02::1", t))
        # "g2 is at g1", sent to the router.
        sendp(g1, na(LL["g1"], "ff02::1", STATIC["g2"], MAC["g1"]))
        sendp(g1, na(STATIC["g1"], ROUTER_IP, STATIC["g2"], MAC["g1"],
                     dst_mac=ROUTER_MAC, flags="R=0, S=1, O=1"))
        time.sleep(0.5)
        poisoned = (neigh(g2, ROUTER_IP), neigh(g2, ROUTER_LL),
                    neigh(router, STATIC["g2"]))
        # Control: g1's truthful advertisement of its own address, to all
        # nodes (the router hears it; locked guests get no multicast from
        # other guests since anti-sniffing) and to g2 directly.
        sendp(g1, na(LL["g1"], "ff02::1", STATIC["g1"], MAC["g1"]))
        sendp(g1, na(STATIC["g1"], STATIC["g2"], STATIC["g1"], MAC["g1"],
                     dst_mac=MAC["g2"], flags="R=0, S=1, O=1"))
        text2 = cap2.stop().text()
        textr = capr.stop().text()
    assert "tgt is %s," % STATIC["g1"] in text2
    assert "tgt is %s," % STATIC["g1"] in textr
    attack(poisoned == (ROUTER_MAC, ROUTER_MAC, MAC["g2"]))
    attack(not any("tgt is %s," % t in f
                   for f in frames_from(text2, MAC["g1"])
                   for t in (ROUTER_IP, ROUTER_LL))
           and not any("tgt is %s," % STATIC["g2"] in f
                       for f in frames_from(textr, MAC["g1"])))


def test_na_forged_target_lla(lan6):
    g1, router = lan6.ns["g1"], lan6.ns["router"]
    assert router.ping(STATIC["g1"])
    assert neigh(router, STATIC["g1"]) == MAC["g1"]
    with Capture(router, "icmp6") as cap:
        # Its own address, but "at" another MAC (g2's, or a made-up one).
        for mac in (FORGED_MAC, MAC["g2"]):
            sendp(g1, na(STATIC["g1"], ROUTER_IP, STATIC["g1"], mac,
                         dst_mac=ROUTER_MAC, flags="R=0, S=1, O=1"))
            sendp(g1, na(LL["g1"], "ff02::1", STATIC["g1"], mac))
        # The same, with the forged option first and g1's own MAC second.
        sendp(g1, na(LL["g1"], "ff02::1", STATIC["g1"], FORGED_MAC,
                     extra="/ICMPv6NDOptDstLLAddr(lladdr='%s')" % MAC["g1"]))
        time.sleep(0.5)
        entry = neigh(router, STATIC["g1"])
        sendp(g1, na(LL["g1"], "ff02::1", STATIC["g1"], MAC["g1"]))
        text = cap.stop().text()
    assert "tgt is %s," % STATIC["g1"] in text
    attack(entry == MAC["g1"])
    attack(not any(FORGED_MAC in f or MAC["g2"] in f
                   for f in frames_from(text, MAC["g1"])))


def ns_msg(target, sll, src_ip=None, dst_ip=None, dst_mac=None, extra=""):
    """Scapy expression of a Neighbor Solicitation from g1 for 'target'."""
    opt = "/ICMPv6NDOptSrcLLAddr(lladdr='%s')" % sll if sll else ""
    return ("Ether(src='%s', dst='%s')/IPv6(src='%s', dst='%s')/"
            "ICMPv6ND_NS(tgt='%s')%s%s"
            % (MAC["g1"], dst_mac or ROUTER_MAC, src_ip or STATIC["g1"],
               dst_ip or ROUTER_IP, target, opt, extra))


@pytest.mark.parametrize("variant", ["forged", "forged-twice",
                                     "forged-then-own"])
def test_ns_forged_source_lla(lan6, variant):
    g1, router = lan6.ns["g1"], lan6.ns["router"]
    extra = {"forged": "",
             "forged-twice": "/ICMPv6NDOptSrcLLAddr(lladdr='%s')"
                             % FORGED_MAC,
             "forged-then-own": "/ICMPv6NDOptSrcLLAddr(lladdr='%s')"
                                % MAC["g1"]}[variant]
    with Capture(router, "icmp6") as cap:
        # "I am 2001:db8:1::11 (and fe80::...:11) at FORGED_MAC": the
        # router would cache the forged MAC for g1's addresses.
        sendp(g1, ns_msg(ROUTER_IP, FORGED_MAC, extra=extra))
        sendp(g1, ns_msg(ROUTER_LL, FORGED_MAC, src_ip=LL["g1"],
                         dst_ip=ROUTER_LL, extra=extra))
        time.sleep(0.5)
        entries = (neigh(router, STATIC["g1"]), neigh(router, LL["g1"]))
        # Control: an honest solicitation.
        sendp(g1, ns_msg(ROUTER_IP, MAC["g1"]))
        text = cap.stop().text()
    control = "who has %s source link-address option (1), length 8 (1): %s" \
        % (ROUTER_IP, MAC["g1"])
    assert any(control in f for f in captured_frames(text))
    attack(FORGED_MAC not in entries)
    attack(FORGED_MAC not in text)


def ra(src_ip, prefix="2001:db8:bad::", lifetime=1800, src_mac=None,
       frag=False):
    """Scapy expression of a Router Advertisement from g1 (a list of
    fragments with 'frag')."""
    pkt = ("IPv6(src='%s', dst='ff02::1', hlim=255)/%s"
           "ICMPv6ND_RA(routerlifetime=%d, prf='High')/"
           "ICMPv6NDOptSrcLLAddr(lladdr='%s')/"
           "ICMPv6NDOptPrefixInfo(prefix='%s', prefixlen=64, "
           "validlifetime=3600, preferredlifetime=1800)"
           % (src_ip, "IPv6ExtHdrFragment()/" if frag else "", lifetime,
              MAC["g1"], prefix))
    eth = "Ether(src='%s', dst='33:33:00:00:00:01')" % (src_mac or MAC["g1"])
    if not frag:
        return eth + "/" + pkt
    # RFC 7113 evasion: a destination options header long enough that the
    # first fragment ends inside it, so the ICMPv6 header is in the second.
    pkt = pkt.replace("IPv6ExtHdrFragment()/", "IPv6ExtHdrFragment()/"
                      "IPv6ExtHdrDestOpt(options=[PadN(optdata=b'\\x00' * "
                      "200)])/")
    return "[%s/f for f in fragment6(%s, 150)]" % (eth, pkt)


def test_rogue_router_advertisement(lan6):
    g1, g2 = lan6.ns["g1"], lan6.ns["g2"]
    wait_for(lambda: "default via %s " % ROUTER_LL in routes6(g2), 15,
             "default route from the real router")
    with Capture(g2, "ip6") as cap:
        # Default route and prefix hijack, from g1's own link-local address
        # and from the router's.
        sendp(g1, ra(LL["g1"]))
        sendp(g1, ra(ROUTER_LL, prefix="2001:db8:bad:2::"))
        # The same in fragments (a header chain cut by fragmentation).
        sendp(g1, ra(LL["g1"], prefix="2001:db8:bad:3::", frag=True))
        # Control: a ping from g1's link-local address.
        sendp(g1, "Ether(src='%s', dst='%s')/IPv6(src='%s', dst='%s')/"
              "ICMPv6EchoRequest(data=b'CONTROL')"
              % (MAC["g1"], MAC["g2"], LL["g1"], LL["g2"]))
        time.sleep(1)
        routes, addrs = routes6(g2), addrs6(g2)
        text = cap.stop().text()
    assert "CONTROL" in text
    attack("via %s " % LL["g1"] not in routes and "2001:db8:bad" not in routes
           and not any(a.startswith("2001:db8:bad") for a in addrs))
    assert "default via %s " % ROUTER_LL in routes
    # Nothing of the advertisements arrived, not even a first fragment.
    from_g1 = "\n".join(frames_from(text, MAC["g1"]))
    attack(not re.search(r"router advertisement|frag \(0x[0-9a-f]+:0\|",
                         from_g1))


def test_redirect(lan6):
    g1, g2 = lan6.ns["g1"], lan6.ns["g2"]
    far = "2001:db8:99::1"
    wait_for(lambda: "default via %s " % ROUTER_LL in routes6(g2), 15,
             "default route from the real router")
    assert "via %s " % ROUTER_LL in g2.exec("ip", "-6", "route", "get", far)
    with Capture(g2, "icmp6") as cap:
        # "For 2001:db8:99::1, use g1", as the router (whose address a
        # redirect must come from) and as g1 itself.  (Without a redirected
        # header, which would have to match a socket of g2's.)
        for src in (ROUTER_LL, LL["g1"]):
            sendp(g1, "Ether(src='%s', dst='%s')/IPv6(src='%s', dst='%s')/"
                  "ICMPv6ND_Redirect(tgt='%s', dst='%s')/"
                  "ICMPv6NDOptDstLLAddr(lladdr='%s')"
                  % (MAC["g1"], MAC["g2"], src, STATIC["g2"], LL["g1"], far,
                     MAC["g1"]))
        sendp(g1, "Ether(src='%s', dst='%s')/IPv6(src='%s', dst='%s')/"
              "ICMPv6EchoRequest(data=b'CONTROL')"
              % (MAC["g1"], MAC["g2"], LL["g1"], LL["g2"]))
        time.sleep(0.5)
        route = g2.exec("ip", "-6", "route", "get", far)
        text = cap.stop().text()
    assert "CONTROL" in text
    attack("via %s " % ROUTER_LL in route)
    attack(not any("redirect" in f for f in frames_from(text, MAC["g1"])))


def test_rogue_dhcpv6_server(lan6):
    g1, g3 = lan6.ns["g1"], lan6.ns["g3"]
    g1.popen("dnsmasq", "--keep-in-foreground", "--port=0",
             "--interface=eth0", "--bind-interfaces",
             "--dhcp-range=%s200,%s2ff,64,1h" % (PREFIX, PREFIX),
             "--dhcp-authoritative",
             "--dhcp-leasefile=" + os.path.join(lan6.sb.dir, "rogue6.leases"),
             "--pid-file=" + os.path.join(lan6.sb.dir, "rogue6.pid"),
             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_addr(g3, LL["g3"])
    time.sleep(0.5)
    lease = os.path.join(lan6.sb.dir, "g3.lease6")
    with Capture(g3, "udp port 546 or udp port 547") as cap:
        client = g3.popen("dhclient", "-6", "-1", "-sf", "/bin/true", "-lf",
                          lease, "-pf",
                          os.path.join(lan6.sb.dir, "g3.dhclient6.pid"),
                          "eth0", stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
        # Forged answers straight at the client, from the server port and
        # from another one.
        for sport in (547, 5000):
            sendp(g1, "Ether(src='%s', dst='%s')/IPv6(src='%s', dst='%s')/"
                  "UDP(sport=%d, dport=546)/DHCP6_Advertise(trid=1)/"
                  "DHCP6OptServerId(duid=DUID_LL(lladdr='%s'))/"
                  "DHCP6OptIA_NA(iaid=1, ianaopts=[DHCP6OptIAAddress("
                  "addr='%s2aa')])"
                  % (MAC["g1"], MAC["g3"], LL["g1"], LL["g3"], sport,
                     MAC["g1"], PREFIX))
        assert client.wait(60) == 0
        text = cap.stop().text()
    with open(lease) as f:
        leased = f.read()
    assert re.search(r"iaaddr %s1[0-9a-f]{2} " % PREFIX, leased), leased
    frames = captured_frames(text)
    # The real server's answers arrived, the rogue's did not.
    assert any(f.startswith(ROUTER_MAC + " >") for f in frames)
    attack(not frames_from(text, MAC["g1"])
           and not re.search(r"iaaddr %s2" % PREFIX, leased))


DAD_RESPONDER = r"""
import sys
target_mac = %r
answered = []
def answer(p):
    if IPv6 not in p or p[IPv6].src != '::' or ICMPv6ND_NS not in p:
        return
    if p[Ether].src != target_mac:
        return
    t = p[ICMPv6ND_NS].tgt
    me = get_if_hwaddr('eth0')
    lla = in6_getifaddr()
    # "It's mine" (NA), and "I'm probing it too" (simultaneous DAD).
    sendp(Ether(src=me, dst='33:33:00:00:00:01')/
          IPv6(src=%r, dst='ff02::1')/
          ICMPv6ND_NA(tgt=t, R=0, S=0, O=1)/
          ICMPv6NDOptDstLLAddr(lladdr=me), iface='eth0', count=2)
    sendp(Ether(src=me, dst=p[Ether].dst)/IPv6(src='::', dst=p[IPv6].dst)/
          ICMPv6ND_NS(tgt=t), iface='eth0', count=2)
    answered.append(t)
s = AsyncSniffer(iface='eth0', filter='icmp6', prn=answer, store=False)
s.start()
time.sleep(0.5)
print('READY', flush=True)
sys.stdin.readline()
s.stop()
print('ANSWERED', ' '.join(answered), flush=True)
"""


def test_dad_denial(lan6):
    g1, g2 = lan6.ns["g1"], lan6.ns["g2"]
    addr = PREFIX + "1234"
    responder = g1.popen(PYTHON, "-c", "from scapy.all import *\n"
                         "conf.verb = 0\n"
                         + DAD_RESPONDER % (MAC["g2"], LL["g1"]),
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True)
    try:
        assert responder.stdout.readline().strip() == "READY"
        with Capture(g2, "icmp6") as cap:
            sysctl6(g2, "accept_dad", 1)
            sysctl6(g2, "dad_transmits", 2)
            g2.exec("ip", "-6", "addr", "add", addr + "/64", "dev", "eth0")
            wait_for(lambda: "tentative" not in addrs6(g2).get(addr, "")
                     or "dadfailed" in addrs6(g2).get(addr, ""), 10,
                     "DAD of " + addr)
            flags = addrs6(g2)[addr]
            # Control: g1 still reaches g2.
            ok = g1.ping(STATIC["g2"], count=1)
            text = cap.stop().text()
        out, _ = responder.communicate("\n", timeout=30)
    finally:
        if responder.poll() is None:
            responder.kill()
    # Without vifguard the attacker sees the probe and answers it; with
    # anti-sniffing it does not even see it (the probe goes to the guests
    # allowed its target, and g2's own probe to NORMAL): either way its
    # answer must not reach g2.
    if BASELINE:
        assert addr in out, out
    assert ok
    attack("dadfailed" not in flags)
    attack(not any(addr in f for f in frames_from(text, MAC["g1"])))


# Lifecycle.

def test_restart_sends_nothing(lan6):
    """The IPv6 flows read back from the switch (masked ipv6_src, ipv6_dst
    and nd_target included) compare equal to the compiled ones: a restarted
    vifguardd sends no flow modification."""
    if BASELINE:
        pytest.skip("needs vifguardd")
    lan6.log_allow = [r"disconnected"]
    vg = lan6.vg
    assert "nd_target=%s/64" % PREFIX in lan6.flows()
    vg.kill9()
    vg.start()
    vg.wait_state([lan6.ns[g].port for g in ("g1", "g2", "g3")])
    stats = vg.stats()
    assert stats["flow_mods_sent"] == 0, stats
    assert lan6.ns["g2"].ping(ROUTER_IP)


# Modes.

def test_unlocked_and_disabled_modes(lan6):
    g1, router = lan6.ns["g1"], lan6.ns["router"]
    if BASELINE:
        pytest.skip("modes need vifguardd")
    lan6.set_policy("g1", mode="unlocked")
    # Unlocked: no filtering, spoofed sources and router advertisements
    # included.
    with Capture(router, "udp port 9999 or icmp6") as cap:
        lan6.udp6("g1", ROUTER_IP, "UNLOCKEDSPOOF", src_ip=PREFIX + "77")
        sendp(g1, ra(LL["g1"]))
        text = cap.stop().text()
    assert "UNLOCKEDSPOOF" in text
    assert "router advertisement" in text
    assert g1.ping(ROUTER_IP)
    lan6.set_policy("g1", mode="disabled")
    assert not g1.ping(ROUTER_IP, count=2, timeout=1)
    assert not g1.ping(ROUTER_LL + "%eth0", count=1, timeout=1)
    lan6.set_policy("g1")
    assert g1.ping(ROUTER_IP, count=2)
