#!/usr/bin/python3
"""vifguard demo: guests attacking each other on Open vSwitch, first on a
plain learning switch, then under vifguardd's protection.

    sudo /usr/bin/python3 scripts/demo.py [--build DIR] [--keep]

(scripts/demo.sh installs the packages, builds build/plain and runs this.)

The LAN is a private Open vSwitch (userspace datapath, in a temporary
directory: nothing touches a system OVS) with one bridge and four network
namespaces on it:

    router   10.0.0.1   the uplink: dnsmasq serves DHCP (trusted port)
    alice    10.0.0.11  a guest
    bob      10.0.0.12  a guest
    mallory  10.0.0.66  a guest, the attacker

Each guest port carries external_ids:attached-mac and vifguard-ipv4, as a
hypervisor sets them.  Part 1 runs every attack on the bridge as a plain
NORMAL switch (fail_mode standalone, no controller) and shows it working at
the victim.  Part 2 starts vifguardd, attaches the bridge to it
(set-controller + fail_mode=secure), resets the victims and reruns every
attack: each must be blocked, while legitimate traffic still works.  Every
verdict is read where the traffic lands: a capture in the victim's
namespace, its neighbour cache, its DHCP lease, the switch's MAC table.

Exit status 0 only if every attack succeeded in part 1 and was blocked in
part 2 and legitimate traffic worked in both; 1 otherwise; 2 for a bad
command line or a missing build.  Everything (namespaces, OVS, daemons,
temporary directory) is removed on exit, Ctrl-C included.

The tests' helpers do the work: tests/ovs_sandbox.py (OVS, namespaces),
tests/vifguard_daemon.py (vifguardd, vifguard-ctl), tests/netlab.py
(captures, scapy).  tests/test_demo.py runs this script.

Adding an attack (IPv6 ones, say): write an Attack subclass below (name,
family, prepare(), launch() returning an Outcome) and append an instance to
ATTACKS.  Guests already have IPv6 addresses (HOSTS) listed in
external_ids:vifguard-ipv6.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import time

SRCDIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SRCDIR, "tests"))

from netlab import Capture, neigh, scapy  # noqa: E402
from ovs_sandbox import OvsSandbox  # noqa: E402
from vifguard_daemon import VifguardDaemon  # noqa: E402


class Host:
    def __init__(self, name, mac, ipv4, ipv6, ofport, role):
        self.name, self.mac, self.ipv4, self.ipv6 = name, mac, ipv4, ipv6
        self.ofport, self.role = ofport, role


HOSTS = {h.name: h for h in (
    Host("router", "02:00:00:00:00:01", "10.0.0.1", "fd00::1", 1,
         "uplink, DHCP server"),
    Host("alice", "02:00:00:00:00:11", "10.0.0.11", "fd00::11", 11, "guest"),
    Host("bob", "02:00:00:00:00:12", "10.0.0.12", "fd00::12", 12, "guest"),
    Host("mallory", "02:00:00:00:00:66", "10.0.0.66", "fd00::66", 66,
         "guest, the attacker"),
)}
GUESTS = ("alice", "bob", "mallory")
ROGUE_RANGE = "10.0.0.200,10.0.0.210"


# Output.

class Out:
    """Operator-readable output: headings, one line per step, colors only
    on a terminal."""

    def __init__(self, color):
        self.color = color

    def c(self, code, text):
        return "\033[%sm%s\033[0m" % (code, text) if self.color else text

    def red(self, text):
        return self.c("1;31", text)

    def green(self, text):
        return self.c("1;32", text)

    def dim(self, text):
        return self.c("2", text)

    def heading(self, text):
        print()
        print(self.c("1;34", "== " + text))

    def step(self, text):
        print("  " + text)

    def block(self, text, limit=None):
        lines = text.rstrip("\n").splitlines()
        for line in lines[:limit]:
            print("    " + self.dim(line))
        if limit is not None and len(lines) > limit:
            print("    " + self.dim("... (%d more lines)"
                                    % (len(lines) - limit)))


def who(mac):
    """'mallory' for mallory's MAC, etc., else the MAC itself."""
    for h in HOSTS.values():
        if h.mac == (mac or "").lower():
            return h.name
    return mac or "none"


# The LAN.

class Lab:
    """The sandboxed OVS, its bridge, the four namespaces, and vifguardd
    once started.  stop() undoes everything start() did, whatever state
    it stopped in."""

    def __init__(self, build_dir, keep=False):
        self.build_dir = build_dir
        self.sb = OvsSandbox(keep=keep)
        self.ns = {}
        self.vg = None
        self.br = None

    def start(self):
        sb = self.sb
        sb.start()
        self.br = sb.add_bridge()
        for name in ("router",) + GUESTS:
            h = HOSTS[name]
            ns = sb.add_netns(self.br, name, h.mac, [h.ipv4 + "/24"],
                              ofport=h.ofport)
            ns.exec("ip", "-6", "addr", "add", h.ipv6 + "/64", "dev", "eth0",
                    "nodad")
            self.ns[name] = ns
            if name in GUESTS:
                sb.vsctl("set", "interface", ns.port,
                         "external_ids:attached-mac=" + h.mac,
                         "external_ids:vifguard-ipv4=" + h.ipv4,
                         "external_ids:vifguard-ipv6=" + h.ipv6)
        # The real DHCP server, with a fixed address for each guest.
        hosts = ["--dhcp-host=%s,%s" % (HOSTS[g].mac, HOSTS[g].ipv4)
                 for g in GUESTS]
        self.dnsmasq("router", "10.0.0.100,10.0.0.150", hosts)
        with open(self.path("dhclient.conf"), "w") as f:
            f.write("timeout 8;\ninitial-interval 1;\n")
        return self

    def path(self, name):
        return os.path.join(self.sb.dir, name)

    def dnsmasq(self, host, dhcp_range, extra=()):
        """Starts dnsmasq as a DHCP server (no DNS) in 'host'; returns the
        Popen once it runs."""
        pidfile = self.path(host + "-dnsmasq.pid")
        if os.path.exists(pidfile):
            os.unlink(pidfile)
        proc = self.ns[host].popen(
            "dnsmasq", "--keep-in-foreground", "--port=0", "--no-ping",
            "--interface=eth0", "--bind-interfaces",
            "--dhcp-range=%s,255.255.255.0,1h" % dhcp_range,
            "--dhcp-authoritative", "--pid-file=" + pidfile,
            "--dhcp-leasefile=" + self.path(host + "-dnsmasq.leases"),
            *extra, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True)
        deadline = time.monotonic() + 10
        while not os.path.exists(pidfile):
            if proc.poll() is not None:
                raise RuntimeError("dnsmasq in %s exited: %s"
                                   % (host, proc.stderr.read()))
            if time.monotonic() > deadline:
                raise RuntimeError("dnsmasq in %s did not start" % host)
            time.sleep(0.05)
        return proc

    def stop(self):
        if self.vg is not None:
            try:
                self.vg.stop()
            except Exception as e:  # Kill it anyway, then go on.
                print("demo: stopping vifguardd: %s" % e, file=sys.stderr)
        # Deletes the namespaces (killing dnsmasq, dhclient, tcpdump in
        # them), stops OVS and removes the directory.
        self.sb.stop()

    # Tools.

    def send(self, host, frames, count=2):
        """Sends each scapy frame expression in 'frames' 'count' times from
        'host', in one scapy run (in order)."""
        code = "for f in [%s]:\n    sendp(f, iface='eth0', count=%d, " \
               "inter=0.02)\n" % (", ".join(frames), count)
        scapy(self.ns[host], code)

    def udp(self, src, dst, marker, src_mac=None, src_ip=None, tags=""):
        """A scapy expression: a UDP datagram carrying 'marker' from host
        'src' to host 'dst' (port 9999), with forged fields if given."""
        s, d = HOSTS[src], HOSTS[dst]
        return ("Ether(src='%s', dst='%s')%s/IP(src='%s', dst='%s')/"
                "UDP(sport=4000, dport=9999)/Raw(b'%s')"
                % (src_mac or s.mac, d.mac, tags, src_ip or s.ipv4, d.ipv4,
                   marker))

    def arp(self, src, op, hwsrc, psrc, pdst, dst="ff:ff:ff:ff:ff:ff",
            hwdst="00:00:00:00:00:00"):
        return ("Ether(src='%s', dst='%s')/ARP(op=%d, hwsrc='%s', psrc='%s',"
                " hwdst='%s', pdst='%s')"
                % (HOSTS[src].mac, dst, op, hwsrc, psrc, hwdst, pdst))

    def ping(self, src, dst):
        return self.ns[src].ping(HOSTS[dst].ipv4, count=1, timeout=2)

    def neigh(self, host, target):
        """The MAC in 'host''s neighbour cache for host 'target'."""
        return neigh(self.ns[host], HOSTS[target].ipv4)

    def fdb_port(self, mac):
        """The OpenFlow port where the bridge's MAC table has 'mac'."""
        out = self.sb.appctl("fdb/show", self.br)
        for line in out.splitlines()[1:]:
            f = line.split()
            if len(f) >= 3 and f[2].lower() == mac:
                return f[0]
        return None

    def port_owner(self, port):
        for h in HOSTS.values():
            if str(h.ofport) == port:
                return h.name
        return port or "nowhere"

    def dhcp(self, host):
        """Runs one DHCP exchange in 'host' (the address is not applied).
        Returns (address, server) of the lease, or (None, None)."""
        lease = self.path(host + ".lease")
        pidfile = self.path(host + "-dhclient.pid")
        for p in (lease, pidfile):
            if os.path.exists(p):
                os.unlink(p)
        self.ns[host].run("dhclient", "-1", "-cf", self.path("dhclient.conf"),
                          "-sf", "/bin/true", "-lf", lease, "-pf", pidfile,
                          "eth0", timeout=30)
        # dhclient stays in the background after a lease: stop it.
        try:
            with open(pidfile) as f:
                os.kill(int(f.read().strip()), signal.SIGTERM)
        except (OSError, ValueError):
            pass
        try:
            with open(lease) as f:
                text = f.read()
        except OSError:
            return None, None
        addr = re.findall(r"fixed-address (\S+);", text)
        server = re.findall(r"dhcp-server-identifier (\S+);", text)
        return (addr[-1] if addr else None, server[-1] if server else None)

    def reset(self):
        """Forgets what the attacks taught the victims and the switch."""
        for ns in self.ns.values():
            ns.exec("ip", "neigh", "flush", "all")
        self.sb.appctl("fdb/flush", self.br)

    def capture(self, host, bpf=""):
        return Capture(self.ns[host], bpf)


def payloads(pkts, marker):
    """The packets in 'pkts' whose bytes contain 'marker'."""
    return [p for p in pkts if marker.encode() in bytes(p)]


# Attacks.

class Outcome:
    """What an attack did at its victim.  'landed': the attack's effect was
    seen there.  'control': a legitimate frame sent alongside arrived, so a
    'not landed' means blocked, not a broken path.  'evidence': one line
    for the operator."""

    def __init__(self, landed, control, evidence):
        self.landed, self.control, self.evidence = landed, control, evidence


class Attack:
    """One attack by mallory.  prepare() puts the victim in the state the
    attack would change (e.g. a correct neighbour cache entry); launch()
    runs the attack plus a legitimate control and returns an Outcome."""
    name = ""
    family = "IPv4"
    what = ""  # One line: what mallory does.

    def prepare(self, lab):
        pass

    def launch(self, lab):
        raise NotImplementedError


class SourceSpoofing(Attack):
    name = "IPv4 source spoofing"
    what = "mallory sends UDP to the router from bob's IP"

    def launch(self, lab):
        with lab.capture("router", "udp port 9999") as cap:
            lab.send("mallory", [
                lab.udp("mallory", "router", "SPOOFED-SRC",
                        src_ip=HOSTS["bob"].ipv4),
                lab.udp("mallory", "router", "SPOOFED-NET",
                        src_ip="192.168.7.7"),
                lab.udp("mallory", "router", "CONTROL")])
            pkts = cap.stop(settle=0.3).packets()
        spoofed = payloads(pkts, "SPOOFED-")
        if spoofed:
            ev = "router received %d datagrams from forged sources (%s)" % (
                len(spoofed), ", ".join(sorted({p["IP"].src
                                                for p in spoofed})))
        else:
            ev = "router received only mallory's datagram from 10.0.0.66"
        return Outcome(bool(spoofed), bool(payloads(pkts, "CONTROL")), ev)


class MacSpoofing(Attack):
    name = "MAC spoofing"
    what = "mallory sends frames from bob's MAC"

    def prepare(self, lab):
        lab.ping("bob", "router")

    def launch(self, lab):
        bob = HOSTS["bob"]
        with lab.capture("router", "udp port 9999") as cap:
            lab.send("mallory", [
                lab.udp("mallory", "router", "FAKEMAC", src_mac=bob.mac,
                        src_ip=bob.ipv4),
                lab.udp("mallory", "router", "CONTROL")])
            # At once: bob's next frame would move his MAC back.
            owner = lab.port_owner(lab.fdb_port(bob.mac))
            pkts = cap.stop(settle=0.3).packets()
        forged = payloads(pkts, "FAKEMAC")
        if owner == "mallory":
            ev = ("the switch moved bob's MAC to mallory's port: bob's "
                  "traffic now goes to mallory")
        elif forged:
            ev = "router received frames from bob's MAC sent by mallory"
        else:
            ev = "router received only mallory's honest frames"
        return Outcome(bool(forged) or owner == "mallory",
                       bool(payloads(pkts, "CONTROL")), ev)


class ArpPoisoning(Attack):
    name = "ARP cache poisoning"
    what = "mallory tells bob \"10.0.0.1 is at mallory\""

    def prepare(self, lab):
        lab.ping("bob", "router")

    def launch(self, lab):
        m, b, r = HOSTS["mallory"], HOSTS["bob"], HOSTS["router"]
        with lab.capture("bob", "arp") as cap:
            lab.send("mallory", [
                # Request and reply forms, unicast to bob.
                lab.arp("mallory", 1, m.mac, r.ipv4, b.ipv4, dst=b.mac),
                lab.arp("mallory", 2, m.mac, r.ipv4, b.ipv4, dst=b.mac,
                        hwdst=b.mac),
                # Control: mallory's truthful ARP reply.
                lab.arp("mallory", 2, m.mac, m.ipv4, b.ipv4, dst=b.mac,
                        hwdst=b.mac)])
            pkts = cap.stop(settle=0.3).packets()
        control = any(p.haslayer("ARP") and p["ARP"].psrc == m.ipv4
                      for p in pkts)
        now = lab.neigh("bob", "router")
        ev = "bob's neighbour cache: 10.0.0.1 is at %s (%s)" % (now, who(now))
        return Outcome(now == m.mac, control, ev)


class GratuitousArp(Attack):
    name = "gratuitous ARP for another guest's IP"
    what = "mallory broadcasts \"10.0.0.12 (bob) is at mallory\""

    def prepare(self, lab):
        lab.ping("router", "bob")

    def launch(self, lab):
        m, b = HOSTS["mallory"], HOSTS["bob"]
        with lab.capture("router", "arp") as cap:
            lab.send("mallory", [
                lab.arp("mallory", 1, m.mac, b.ipv4, b.ipv4),
                lab.arp("mallory", 2, m.mac, b.ipv4, b.ipv4,
                        hwdst="ff:ff:ff:ff:ff:ff"),
                # Control: a gratuitous ARP for mallory's own address.
                lab.arp("mallory", 1, m.mac, m.ipv4, m.ipv4)])
            pkts = cap.stop(settle=0.3).packets()
        control = any(p.haslayer("ARP") and p["ARP"].psrc == m.ipv4
                      for p in pkts)
        now = lab.neigh("router", "bob")
        ev = "router's neighbour cache: 10.0.0.12 is at %s (%s)" % (now,
                                                                   who(now))
        return Outcome(now == m.mac, control, ev)


class RogueDhcp(Attack):
    name = "rogue DHCP server"
    what = "mallory runs a DHCP server; alice asks for a lease"

    def launch(self, lab):
        m = HOSTS["mallory"]
        rogue = lab.dnsmasq("mallory", ROGUE_RANGE)
        try:
            with lab.capture("alice", "udp port 67 or udp port 68") as cap:
                addr, server = lab.dhcp("alice")
                pkts = cap.stop(settle=0.3).packets()
        finally:
            rogue.terminate()
            rogue.wait(10)
        offers = [p for p in pkts if p.haslayer("BOOTP") and
                  p["BOOTP"].op == 2]
        rogue_offers = [p for p in offers if p["Ether"].src == m.mac or
                        p["IP"].src == m.ipv4]
        real = [p for p in offers if p["IP"].src == HOSTS["router"].ipv4]
        if rogue_offers:
            ev = "alice got %d DHCP answers from mallory (offering %s)" % (
                len(rogue_offers), rogue_offers[0]["BOOTP"].yiaddr)
        else:
            ev = "alice heard only the router's DHCP server"
        ev += "; her lease: %s from %s" % (addr, server)
        control = bool(real) and server == HOSTS["router"].ipv4
        return Outcome(bool(rogue_offers), control, ev)


class VlanInjection(Attack):
    name = "802.1Q-tagged injection"
    what = "mallory sends 802.1Q and double-tagged frames"

    def launch(self, lab):
        with lab.capture("router") as cap:
            lab.send("mallory", [
                lab.udp("mallory", "router", "TAGGED-1",
                        tags="/Dot1Q(vlan=5)"),
                lab.udp("mallory", "router", "TAGGED-2",
                        tags="/Dot1Q(vlan=5)/Dot1Q(vlan=6)"),
                lab.udp("mallory", "router", "CONTROL")])
            pkts = cap.stop(settle=0.3).packets()
        tagged = [p for p in pkts if p.haslayer("Dot1Q")]
        if tagged:
            vlans = sorted({p["Dot1Q"].vlan for p in tagged})
            ev = "router received %d tagged frames (VLAN %s)" % (
                len(tagged), ", ".join(map(str, vlans)))
        else:
            ev = "router received only untagged frames"
        return Outcome(bool(tagged), bool(payloads(pkts, "CONTROL")), ev)


# The attacks the demo runs, in order.  Add new ones (IPv6...) here.
ATTACKS = [SourceSpoofing(), MacSpoofing(), ArpPoisoning(), GratuitousArp(),
           RogueDhcp(), VlanInjection()]


# Legitimate traffic: (label, function(lab) -> (ok, detail)).

def _ping(src, dst):
    return ("%s pings %s" % (src, dst),
            lambda lab: (lab.ping(src, dst), ""))


def _dhcp_lease(lab):
    addr, server = lab.dhcp("alice")
    ok = addr == HOSTS["alice"].ipv4 and server == HOSTS["router"].ipv4
    return ok, "lease %s from %s" % (addr, server)


LEGIT = [_ping("alice", "router"), _ping("alice", "bob"),
         _ping("bob", "router"), _ping("mallory", "router"),
         ("alice gets a DHCP lease", _dhcp_lease)]


def pick_flows(flows, ofport):
    """The dump-flows lines worth showing: those of port 'ofport', the
    rogue DHCP drop and table 0's default drop, in table order, without
    the counters."""
    def table(f):
        m = re.search(r"table=(\d+)", f)
        return int(m.group(1)) if m else 0

    picked = [f for f in flows
              if re.search(r"in_port=%d\b" % ofport, f) or "tp_src=67" in f
              or (table(f) == 0 and "priority=0 " in f)]
    picked.sort(key=table)
    return [re.sub(r"\s*\b(duration|n_packets|n_bytes|idle_age)=[^,]*,", "",
                   f).strip() for f in picked[:8]]


# The two parts.

class Demo:
    def __init__(self, lab, out):
        self.lab, self.out = lab, out
        # results[attack name] = [part 1 verdict, part 2 verdict]
        self.results = {a.name: ["not run", "not run"] for a in ATTACKS}
        self.legit = [None, None]
        self.failures = []

    def run_legit(self, part):
        ok_all = True
        for label, fn in LEGIT:
            try:
                ok, detail = fn(self.lab)
            except Exception as e:
                ok, detail = False, "error: %s" % e
            mark = self.out.green("ok") if ok else self.out.red("FAILED")
            self.out.step("  %-26s %s %s" % (label, mark,
                                             self.out.dim(detail)))
            if not ok:
                ok_all = False
                self.failures.append("part %d: legitimate traffic: %s %s"
                                     % (part, label, detail))
        self.legit[part - 1] = ok_all

    def run_attacks(self, part, protected):
        out = self.out
        for a in ATTACKS:
            try:
                self.lab.reset()
                a.prepare(self.lab)
                o = a.launch(self.lab)
            except Exception as e:
                o = Outcome(None, False, "error: %s" % e)
            if o.landed is None:
                verdict, good = "error", False
            elif o.landed:
                verdict, good = "SUCCEEDED", not protected
            elif not o.control:
                # Nothing arrived at all: that proves nothing.
                verdict, good = "no effect (control lost)", False
            else:
                verdict, good = "BLOCKED", protected
            self.results[a.name][part - 1] = verdict
            shown = out.green(verdict) if verdict == "BLOCKED" else \
                out.red(verdict)
            out.step("  %s: %s" % (out.c("1", a.name), a.what))
            out.step("      %s  %s%s" % (shown, o.evidence,
                                         "" if good else
                                         out.red("  <- unexpected")))
            if not good:
                self.failures.append("part %d: %s: %s (%s)"
                                     % (part, a.name, verdict, o.evidence))

    def part1(self):
        out, lab = self.out, self.lab
        out.heading("Part 1: the bridge WITHOUT vifguard (a plain learning "
                    "switch)")
        out.step("bridge %s: fail_mode standalone, no controller, action "
                 "NORMAL" % lab.br)
        out.step("legitimate traffic:")
        self.run_legit(1)
        out.step("attacks by mallory:")
        self.run_attacks(1, protected=False)

    def part2(self):
        out, lab, sb = self.out, self.lab, self.lab.sb
        out.heading("Part 2: the same bridge protected by vifguardd")
        lab.vg = VifguardDaemon(sb, lab.build_dir)
        t0 = time.monotonic()
        lab.vg.start()
        out.step("started vifguardd (pid %d), OpenFlow listener %s"
                 % (lab.vg.proc.pid, lab.vg.ofp_sock))
        lab.vg.attach(lab.br)
        out.step("$ ovs-vsctl set-controller %s unix:%s -- set bridge %s "
                 "fail_mode=secure" % (lab.br, lab.vg.ofp_sock, lab.br))
        ports = [lab.ns[g].port for g in GUESTS]
        out.step("$ vifguard-ctl wait %s   (returns once they are protected)"
                 % " ".join(ports))
        lab.vg.wait_state(ports)
        out.step("all %d guest ports protected %.1f s after the start"
                 % (len(ports), time.monotonic() - t0))
        out.step("$ vifguard-ctl show")
        out.block(lab.vg.ctl_run("show").stdout)
        out.step("$ vifguard-ctl vifs")
        out.block(lab.vg.ctl_run("vifs").stdout)
        flows = [f for f in sb.ofctl("dump-flows", lab.br).splitlines()
                 if "cookie=" in f]
        out.step("$ ovs-ofctl -O OpenFlow13 dump-flows %s   (%d flows; "
                 "mallory's and a few others)" % (lab.br, len(flows)))
        out.block("\n".join(pick_flows(flows, HOSTS["mallory"].ofport)))
        lab.reset()
        out.step("reset: neighbour caches and the switch's MAC table "
                 "flushed")
        out.step("legitimate traffic:")
        self.run_legit(2)
        out.step("attacks by mallory:")
        self.run_attacks(2, protected=True)

    def check_logs(self):
        """Shows unexpected ERR/WARN lines of the OVS and vifguardd logs
        (a note for the operator, not a verdict)."""
        lab = self.lab
        problems = lab.sb.log_problems()
        if lab.vg is not None:
            problems += ["vifguardd: " + p for p in lab.vg.log_problems()]
        if problems:
            self.out.heading("Log lines to look at")
            self.out.block("\n".join(problems), limit=20)

    def summary(self):
        out = self.out
        out.heading("Summary")
        w = max([len(a.name) for a in ATTACKS] +
                [len("legitimate traffic")]) + 2
        print("  %-*s %-20s %s" % (w, "attack", "without vifguard",
                                   "with vifguard"))
        print("  %s %s %s" % ("-" * w, "-" * 20, "-" * 16))
        for a in ATTACKS:
            v1, v2 = self.results[a.name]
            # Pad before coloring, so that the columns line up.
            c1 = out.red if v1 == "SUCCEEDED" else out.dim
            c2 = out.green if v2 == "BLOCKED" else out.red
            print("  %-*s %s %s" % (w, a.name, c1("%-20s" % v1.lower()),
                                    c2(v2)))
        names = {True: "works", False: "BROKEN", None: "not run"}
        l1, l2 = names[self.legit[0]], names[self.legit[1]]
        print("  %-*s %-20s %s" % (w, "legitimate traffic", l1, l2))


def main():
    ap = argparse.ArgumentParser(
        description="vifguard demo: attacks between guests on Open vSwitch, "
        "without and with vifguardd")
    ap.add_argument("--build", default=os.environ.get(
        "VG_BUILD_PLAIN", os.path.join(SRCDIR, "build", "plain")),
        help="build tree with vifguardd and vifguard-ctl (default: "
        "$VG_BUILD_PLAIN or build/plain)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the sandbox directory (logs, captures)")
    ap.add_argument("--color", choices=("auto", "always", "never"),
                    default="auto")
    args = ap.parse_args()

    if os.geteuid() != 0:
        print("demo: must run as root (it creates network namespaces and "
              "runs Open vSwitch): sudo ./scripts/demo.sh", file=sys.stderr)
        return 2
    for prog in ("vifguardd", "vifguard-ctl"):
        if not os.access(os.path.join(args.build, prog), os.X_OK):
            print("demo: %s/%s is not built: run sudo ./scripts/demo.sh"
                  % (args.build, prog), file=sys.stderr)
            return 2

    color = args.color == "always" or (args.color == "auto" and
                                       sys.stdout.isatty())
    out = Out(color)
    sys.stdout.reconfigure(line_buffering=True)
    # SIGTERM and SIGHUP clean up like Ctrl-C (SIGINT too, even if the
    # demo was started with it ignored).
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.default_int_handler)

    t0 = time.monotonic()
    lab = Lab(os.path.abspath(args.build), keep=args.keep)
    demo = Demo(lab, out)
    print(out.c("1", "vifguard demo") + ": guests on Open vSwitch attack "
          "each other, without and with vifguardd")
    rc = 1
    try:
        lab.start()
        out.heading("The LAN (a private Open vSwitch in %s)" % lab.sb.dir)
        out.step("bridge %s, userspace datapath; each host is a network "
                 "namespace:" % lab.br)
        for h in HOSTS.values():
            out.step("  %-8s %-10s %s  port %-3d %s" % (
                h.name, h.ipv4, h.mac, h.ofport, h.role))
        out.step("guest ports carry external_ids:attached-mac, vifguard-ipv4"
                 " and vifguard-ipv6")
        demo.part1()
        try:
            demo.part2()
        except Exception as e:
            msg = str(e).strip().splitlines() or [repr(e)]
            demo.failures.append("part 2: %s" % msg[0])
            out.step(out.red("part 2 failed: %s" % msg[0]))
            out.block("\n".join(msg[1:]), limit=20)
        demo.check_logs()
        demo.summary()
        print()
        if demo.failures:
            print(out.red("demo FAILED") + " (%.0f s):" % (time.monotonic()
                                                         - t0))
            for f in demo.failures:
                print("  - " + f)
        else:
            print(out.green("demo passed") + " (%.0f s): every attack worked "
                  "without vifguard and was blocked by it; legitimate "
                  "traffic kept working." % (time.monotonic() - t0))
            rc = 0
    except KeyboardInterrupt:
        print("\ndemo: interrupted; cleaning up", file=sys.stderr)
        rc = 130
    except Exception as e:
        print("\ndemo: error: %s" % e, file=sys.stderr)
        rc = 1
    finally:
        # A second Ctrl-C must not leave namespaces or daemons behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        lab.stop()
        if args.keep:
            print("demo: kept %s" % lab.sb.dir)
    return rc


if __name__ == "__main__":
    sys.exit(main())
