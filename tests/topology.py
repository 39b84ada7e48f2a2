"""The host network layouts XenServer builds, for the anti-sniffing tests.

Each builder makes, in a private Open vSwitch (tests/ovs_sandbox.py), one of
the topologies issue 5 names and returns a Topology of the same shape:

  untagged  guests on the bridge of the physical NIC: one uplink port eth0,
            a veth to the "router" namespace.
  bond-ab   the same with a 2-member OVS bond (eth0, eth1, active-backup,
  bond-slb  or balance-slb).  The members lead to an "upstream switch"
            namespace holding a Linux bridge, which floods broadcasts to
            both links (what gives NORMAL's bond admissibility checks, and
            anything that bypasses them, something to do); the router hangs
            off that Linux bridge.  Failover: take the active member's peer
            link down in the upstream namespace (bond-detect-mode=carrier:
            a veth loses carrier when its peer goes down).
  vlan      VLAN networks as XenServer makes them: fake bridges
            (`ovs-vsctl add-br xapi10 PARENT 10`) whose ports are access
            ports with Port.tag on the parent bridge; the physical NIC is a
            trunk port to a router with subinterfaces eth0.10, eth0.20 and
            the untagged eth0.  The victim's network is VLAN 10; a guest on
            VLAN 20 and one on the parent's untagged network (an OVS trunk
            port, like every XenServer VIF without a tag) are the cross-VLAN
            observers.
  internal  an internal network: guests only, plus the bridge's LOCAL port
            (dom0's interface on it), which plays the trusted "router".
  hvm       untagged, with the victim an HVM guest: ports tap1.0 (emulated
            NIC) and vif1.0 (PV NIC) with the same MAC.  Modelled as one
            guest namespace with two interfaces carrying that MAC, eth1 (tap)
            and eth0 (vif), of which exactly one is up: before the PV drivers
            load the guest talks through the emulated NIC and the vif has no
            carrier (netback has no frontend); after, the emulated NIC is
            unplugged (down) and the vif carries the traffic.  Both OVS ports
            stay on the bridge all along, as in XenServer.
            Topology.hvm_switch("vif"|"tap") switches.
  bond-lacp (not in the default set) the bond as balance-tcp with LACP,
            to an upstream switch with an LACP bond of its own.

Every topology has on the victim's network: the trusted router, the locked
victim, a locked attacker, a locked peer guest (the victim's partner in
guest-to-guest traffic) and an unlocked guest; all but "internal" also a
trusted "storage" host on its own port (trusted-to-trusted traffic).  Guest
ports carry external_ids attached-mac, vifguard-ipv4 and vifguard-ipv6 (and
vifguard-mode=unlocked for the unlocked one) and are named like XenServer
names them (vifD.N, tapD.N).  Every guest interface is promiscuous.  Every
host runs a UDP sink on port 9999, so that marker datagrams draw no ICMP
errors (a receiver stays silent, as an idle host does).

Traffic is made by the hosts' kernels (UDP datagrams carrying markers
"MK.<round>.<src>.<dst>.<n>", ping) or, for crafted frames, built with scapy
in the test process and sent as raw bytes from an AF_PACKET socket inside
the namespace (no scapy start-up per send).  rx_violations() turns a capture
at a guest into the list of frames that guest should never have received.
"""

import ipaddress
import re
import subprocess
import time

from netlab import PYTHON, Capture, eui64
from ovs_sandbox import SandboxError, _kill_netns_pids, run
from vifguard_daemon import VifguardDaemon

ROUTER_MAC = "02:00:00:00:00:01"
STORAGE_MAC = "02:00:00:00:00:02"
UDP_PORT = 9999
# A MAC flood uses random locally administered unicast source addresses with
# this first byte, so that they never meet a host's MAC.
FLOOD_OUI = 0x0e


def norm6(addr):
    return str(ipaddress.IPv6Address(addr))


def solicited_node(addr):
    """(IPv6 solicited-node group, its MAC) of 'addr'."""
    low = ipaddress.IPv6Address(addr).packed[13:]
    group = ipaddress.IPv6Address(
        bytes.fromhex("ff0200000000000000000001ff") + low)
    mac = "33:33:ff:" + ":".join("%02x" % b for b in low)
    return str(group), mac


def wait_for(pred, timeout, what, interval=0.05):
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %ss waiting for %s"
                                 % (timeout, what))
        time.sleep(interval)


class Net:
    """A layer-2 network: 'vlan' None for the untagged one."""

    def __init__(self, name, vlan, v4, v6):
        self.name, self.vlan, self.v4, self.v6 = name, vlan, v4, v6

    def ip(self, n):
        return "%s.%d" % (self.v4, n)

    def ip6(self, n):
        return norm6("%s%x" % (self.v6, n))

    def bcast(self):
        return "%s.255" % self.v4


class Iface:
    """A host's presence on one network: device, IPv4, IPv6."""

    def __init__(self, dev, ip, ip6):
        self.dev, self.ip, self.ip6 = dev, ip, ip6


class Host:
    """A network namespace: a router, a trusted host or a guest.

    Duck-compatible with ovs_sandbox.Netns for tests/netlab.py (exec, run,
    popen, ping, sb, name).  'netns' given: an existing namespace (the
    switch's own, for the LOCAL port), which destroy() leaves alone.
    role: "router", "trusted", "locked", "unlocked", "switch" (upstream)."""

    def __init__(self, sb, name, role, mac=None, netns=None):
        self.sb, self.name, self.role, self.mac = sb, name, role, mac
        self.owned = netns is None
        self.ns = netns or "vg%s-%s" % (sb.tag, name)
        self.ifaces = {}        # net name -> Iface
        self.net = None         # the Net of a guest
        self.dev = "eth0"       # a guest's active device
        self.ovs_ports = []     # (bridge, port) to delete on destroy
        self.ports = []         # a guest's OVS port names
        self.created = False
        if self.owned:
            run(["ip", "netns", "add", self.ns])
            self.created = True
            sb.namespaces.append(self)
            self.exec("ip", "link", "set", "lo", "up")
            # No DAD, no router solicitations: the hosts' own IPv6
            # chatter would only clutter the captures.
            for k in ("all", "default"):
                for opt in ("accept_dad=0", "dad_transmits=0",
                            "router_solicitations=0"):
                    self.exec("sysctl", "-qw",
                              "net.ipv6.conf.%s.%s" % (k, opt))

    def __repr__(self):
        return "<Host %s>" % self.name

    # Addresses, for guests (their one network) and routers (per network).
    @property
    def ip(self):
        return self.ifaces[self.net.name].ip

    @property
    def ip6(self):
        return self.ifaces[self.net.name].ip6

    @property
    def ll(self):
        return eui64(self.mac)

    def addrs4(self):
        return {i.ip for i in self.ifaces.values()}

    def addrs6(self):
        return {i.ip6 for i in self.ifaces.values()} | {self.ll}

    # Commands.
    def exec(self, *args, check=True, timeout=60, input=None):
        return run(["ip", "netns", "exec", self.ns] + list(args),
                   check=check, timeout=timeout, input=input).stdout

    def run(self, *args, timeout=60, input=None):
        return run(["ip", "netns", "exec", self.ns] + list(args),
                   check=False, timeout=timeout, input=input)

    def popen(self, *args, **kwargs):
        return subprocess.Popen(["ip", "netns", "exec", self.ns]
                                + list(args), **kwargs)

    def ping(self, addr, count=1, timeout=2, interval=0.2):
        p = self.run("ping", "-c", str(count), "-W", str(timeout), "-i",
                     str(interval), addr,
                     timeout=count * (timeout + 1) + 5)
        return p.returncode == 0

    # Links.
    def setup_dev(self, dev, mac=None, up=True):
        """MAC, no TX checksum offload, no DAD, promiscuous for guests."""
        if mac:
            self.exec("ip", "link", "set", dev, "address", mac)
        self.exec("ethtool", "-K", dev, "tx", "off")
        for opt in ("accept_dad=0", "dad_transmits=0",
                    "router_solicitations=0"):
            self.exec("sysctl", "-qw", "net.ipv6.conf.%s.%s"
                      % (dev.replace(".", "/"), opt))
        if self.role in ("locked", "unlocked"):
            self.exec("ip", "link", "set", dev, "promisc", "on")
        if up:
            self.exec("ip", "link", "set", dev, "up")

    def add_addrs(self, net, dev, ip, ip6):
        self.exec("ip", "addr", "add", "%s/24" % ip, "dev", dev)
        self.exec("ip", "addr", "add", "%s/64" % ip6, "dev", dev, "nodad")
        self.ifaces[net.name] = Iface(dev, ip, ip6)

    def start_sink(self):
        """A UDP sink on port 9999 (IPv4 and IPv6)."""
        code = ("import socket\n"
                "s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)\n"
                "s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)\n"
                "s.bind(('::', %d))\n"
                "while True:\n"
                "    s.recv(65536)\n" % UDP_PORT)
        self.popen(PYTHON, "-c", code, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)

    def destroy(self):
        for br, port in reversed(self.ovs_ports):
            self.sb.vsctl("--if-exists", "del-port", br, port, check=False)
        self.ovs_ports = []
        if self.owned and self.created:
            _kill_netns_pids(self.ns)
            run(["ip", "netns", "del", self.ns], check=False)
            self.created = False


def veth(sb, ns_a, dev_a, ns_b, dev_b):
    """A veth pair created directly in namespaces 'ns_a' and 'ns_b' (never
    in the root namespace, where names of concurrent runs could meet)."""
    run(["ip", "link", "add", dev_a, "netns", ns_a, "type", "veth", "peer",
         "name", dev_b, "netns", ns_b])


def switch_side(sb, port):
    """Prepares the switch-side end 'port' (in ovs-vswitchd's namespace)."""
    sb.host_run(["ethtool", "-K", port, "tx", "off"])
    sb.host_run(["sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1"
                 % port.replace(".", "/")], check=False)
    sb.host_run(["ip", "link", "set", port, "up"])


class Uplink:
    """How the victim's bridge reaches the outside.

    kind: "veth" (one NIC), "bond", "trunk" (one NIC carrying VLANs) or
    "none" (internal network).  'ports': the OVS port names; 'members' and
    'peers' ({member: device in the upstream namespace}) for a bond."""

    def __init__(self, sb, kind, ports=(), members=(), mode=None,
                 upstream=None, peers=None):
        self.sb, self.kind, self.ports = sb, kind, list(ports)
        self.members, self.mode = list(members), mode
        self.upstream, self.peers = upstream, dict(peers or {})

    @property
    def is_bond(self):
        return self.kind == "bond"

    def bond_show(self):
        return self.sb.appctl("bond/show", self.ports[0])

    def active_member(self):
        """The member bond/show calls active, or None."""
        cur = None
        for line in self.bond_show().splitlines():
            m = re.match(r"\s*(?:member|slave) (\S+): (\w+)", line)
            if m:
                cur = m.group(1)
            elif cur and re.search(r"active (member|slave)", line) \
                    and "primary" not in line:
                return cur
        return None

    def enabled_members(self):
        out = []
        for line in self.bond_show().splitlines():
            m = re.match(r"\s*(?:member|slave) (\S+): enabled", line)
            if m:
                out.append(m.group(1))
        return out

    def fail_active(self):
        """Takes the active member's peer link down; returns the member."""
        member = self.active_member()
        assert member, self.bond_show()
        self.upstream.exec("ip", "link", "set", self.peers[member], "down")
        return member

    def set_active(self, member, timeout=10):
        """Makes 'member' the active member, both links staying up (what
        an ovs-vswitchd restart that picks the other member looks like to
        the upstream switch), and waits until OVSDB says so."""
        self.sb.appctl("bond/set-active-member", self.ports[0], member)
        mac = self.sb.vsctl("get", "interface", member,
                            "mac_in_use").strip().strip('"')
        wait_for(lambda: self.active_member() == member and self.sb.vsctl(
            "get", "port", self.ports[0], "bond_active_slave").strip()
            .strip('"') == mac, timeout, "%s active in OVSDB" % member)

    def upstream_fdb(self):
        """{MAC: device} learned by the upstream Linux bridge br0."""
        out = {}
        for line in self.upstream.exec("bridge", "fdb", "show", "br",
                                       "br0").splitlines():
            f = line.split()
            if len(f) >= 3 and f[1] == "dev" and "permanent" not in f:
                out[f[0].lower()] = f[2]
        return out

    def restore(self, timeout=10):
        """Brings every member link up again and waits until all are
        enabled."""
        for dev in self.peers.values():
            self.upstream.exec("ip", "link", "set", dev, "up")
        wait_for(lambda: len(self.enabled_members()) == len(self.members),
                 timeout, "bond members enabled again")


class Topology:
    """One host layout (see the module comment).

    sb, br (the bridge holding the victim's port; the parent bridge for
    VLAN networks), vg (a started VifguardDaemon, or None in baseline
    mode), net (the victim's Net), nets (every Net), router, victim,
    attacker, peer, unlocked, storage (or None), guests (every guest, all
    networks), trusted (router and storage), uplink (Uplink), cross (guests
    on networks other than the victim's)."""

    def __init__(self, kind, sb):
        self.kind, self.sb = kind, sb
        self.br = None
        self.vg = None
        self.nets = {}
        self.net = None
        self.router = self.victim = self.attacker = None
        self.peer = self.unlocked = self.storage = None
        self.guests = []
        self.cross = []
        self.trusted = []
        self.uplink = None
        self.hosts = {}

    # Lookups.
    def host(self, name):
        return self.hosts[name]

    def locked_guests(self):
        return [g for g in self.guests if g.role == "locked"]

    def guest_ports(self):
        return [p for g in self.guests for p in g.ports]

    def same_net(self, g):
        return [h for h in self.guests if h.net is g.net]

    def router_dev(self, net=None):
        return self.router.ifaces[(net or self.net).name].dev

    def router_ip(self, net=None):
        return self.router.ifaces[(net or self.net).name].ip

    def router_ip6(self, net=None):
        return self.router.ifaces[(net or self.net).name].ip6

    def flows(self):
        return self.sb.ofctl("dump-flows", self.br)

    def fdb(self):
        """{(vlan, mac)} of the bridge's MAC learning table."""
        out = set()
        for line in self.sb.appctl("fdb/show", self.br).splitlines()[1:]:
            f = line.split()
            if len(f) >= 3:
                out.add((int(f[1]), f[2].lower()))
        return out

    def fdb_macs(self):
        return {m for _, m in self.fdb()}

    def fdb_flush(self):
        self.sb.appctl("fdb/flush", self.br)

    def fdb_del(self, host):
        """Forgets 'host''s MAC on the victim's VLAN, as aging does.  OVS
        3.1's fdb/del removes static entries only: the learned entry is
        first replaced by a static one on the port where 'host' is."""
        if host is self.router:
            # A bond's member names its bundle (fdb/add refuses "bond0").
            ports = self.uplink.members or self.uplink.ports or [self.br]
            port = ports[0]
        else:
            port = host.ports[0]
        vlan = str(self.net.vlan or 0)
        self.sb.appctl("fdb/add", self.br, port, vlan, host.mac)
        self.sb.appctl("fdb/del", self.br, vlan, host.mac)

    # HVM.
    def hvm_switch(self, which):
        """Makes the HVM victim talk through its "tap" (emulated) or "vif"
        (PV) NIC; the other one goes down."""
        assert self.kind == "hvm"
        v = self.victim
        new = {"tap": "eth1", "vif": "eth0"}[which]
        old = {"tap": "eth0", "vif": "eth1"}[which]
        v.exec("ip", "link", "set", old, "down")
        v.exec("ip", "link", "set", new, "up")
        v.exec("ip", "addr", "flush", "dev", old)
        v.exec("ip", "addr", "flush", "dev", new)
        v.dev = new
        v.add_addrs(self.net, new, v.ip, v.ip6)
        port = {"tap": "tap1.0", "vif": "vif1.0"}[which]
        wait_for(lambda: self.sb.vsctl("get", "interface", port,
                                       "link_state").strip() == "up",
                 10, port + " link up")

    # Teardown.
    def stop_daemon(self):
        """Stops vifguardd; returns its ERR/WARN lines."""
        if not self.vg:
            return []
        problems = self.vg.log_problems(getattr(self, "log_allow", ()))
        self.vg.stop()
        return problems


# Builders.

GUEST_NUM = {"victim": 11, "attacker": 12, "peer": 13, "unlocked": 14}
DOMID = {"victim": 1, "attacker": 2, "peer": 3, "unlocked": 4, "g20": 5,
         "gu": 6}


def _guest_mac(net, n):
    return "02:00:00:%02x:%02x:%02x" % (net.vlan or 0, 0x10, n)


def _add_guest(t, bridge, name, role, net, n):
    """A guest 'name' on 'bridge' (a fake bridge name for VLAN networks)
    with port vif<D>.0."""
    sb = t.sb
    g = Host(sb, name, role, mac=_guest_mac(net, n))
    g.net = net
    port = "vif%d.0" % DOMID[name]
    veth(sb, sb.netns, port, g.ns, "eth0")
    switch_side(sb, port)
    g.setup_dev("eth0", g.mac)
    g.add_addrs(net, "eth0", net.ip(n), net.ip6(n))
    ids = guest_ids(g)
    sb.vsctl("add-port", bridge, port, "--", "set", "interface", port, *ids)
    g.ovs_ports.append((bridge, port))
    g.ports = [port]
    sb.ofport(port)
    t.guests.append(g)
    t.hosts[name] = g
    return g


def guest_ids(g, mode=None):
    """Interface external_ids of guest 'g', as ovs-vsctl arguments."""
    ids = ["external_ids:attached-mac=" + g.mac,
           "external_ids:vifguard-ipv4=" + g.ip,
           "external_ids:vifguard-ipv6=" + g.ip6]
    mode = mode or ("unlocked" if g.role == "unlocked" else None)
    if mode:
        ids.append("external_ids:vifguard-mode=" + mode)
    return ids


def _add_trusted_port_host(t, bridge, name, port, mac, net, n):
    """A trusted host (no attached-mac, a non-guest port name)."""
    sb = t.sb
    h = Host(sb, name, "trusted", mac=mac)
    h.net = net
    veth(sb, sb.netns, port, h.ns, "eth0")
    switch_side(sb, port)
    h.setup_dev("eth0", mac)
    h.add_addrs(net, "eth0", net.ip(n), net.ip6(n))
    sb.vsctl("add-port", bridge, port)
    h.ovs_ports.append((bridge, port))
    h.ports = [port]
    sb.ofport(port)
    t.hosts[name] = h
    t.trusted.append(h)
    return h


def _std_guests(t, bridge, net):
    t.victim = _add_guest(t, bridge, "victim", "locked", net, 11)
    t.attacker = _add_guest(t, bridge, "attacker", "locked", net, 12)
    t.peer = _add_guest(t, bridge, "peer", "locked", net, 13)
    t.unlocked = _add_guest(t, bridge, "unlocked", "unlocked", net, 14)


def _router(t, net, attach):
    """The router namespace with eth0 (MAC ROUTER_MAC) on 'net';
    attach(router) creates the link."""
    r = Host(t.sb, "router", "router", mac=ROUTER_MAC)
    r.net = net
    attach(r)
    r.setup_dev("eth0", ROUTER_MAC)
    r.add_addrs(net, "eth0", net.ip(1), net.ip6(1))
    t.router = r
    t.hosts["router"] = r
    t.trusted.append(r)
    return r


def _uplink_veth(t, br, net):
    sb = t.sb

    def attach(r):
        veth(sb, sb.netns, "eth0", r.ns, "eth0")
        switch_side(sb, "eth0")
        sb.vsctl("add-port", br, "eth0")
        r.ovs_ports.append((br, "eth0"))
        sb.ofport("eth0")
    _router(t, net, attach)
    t.uplink = Uplink(sb, "veth", ports=["eth0"])


def _uplink_bond(t, br, net, mode):
    """bond0 = eth0 + eth1 -> Linux bridge br0 in namespace "sw" -> router."""
    sb = t.sb
    sw = Host(sb, "sw", "switch")
    sw.exec("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
    sw.exec("sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1")
    sw.exec("ip", "link", "add", "br0", "type", "bridge", "stp_state", "0",
            "mcast_snooping", "0")
    peers = {}
    for i, member in enumerate(("eth0", "eth1")):
        up = "p%d" % i
        veth(sb, sb.netns, member, sw.ns, up)
        switch_side(sb, member)
        sw.exec("ethtool", "-K", up, "tx", "off")
        sw.exec("ip", "link", "set", up, "master", "br0")
        sw.exec("ip", "link", "set", up, "up")
        peers[member] = up
    sw.exec("ip", "link", "set", "br0", "up")
    sb.vsctl("add-bond", br, "bond0", "eth0", "eth1", "bond_mode=" + mode,
             "lacp=off", "other_config:bond-detect-mode=carrier",
             "bond_updelay=0", "bond_downdelay=0")
    sw.ovs_ports.append((br, "bond0"))
    for m in ("eth0", "eth1"):
        sb.ofport(m)

    def attach(r):
        veth(sb, sw.ns, "p2", r.ns, "eth0")
        sw.exec("ethtool", "-K", "p2", "tx", "off")
        sw.exec("ip", "link", "set", "p2", "master", "br0")
        sw.exec("ip", "link", "set", "p2", "up")
    _router(t, net, attach)
    t.hosts["sw"] = sw
    t.uplink = Uplink(sb, "bond", ports=["bond0"],
                      members=["eth0", "eth1"], mode=mode, upstream=sw,
                      peers=peers)
    wait_for(lambda: len(t.uplink.enabled_members()) == 2, 10,
             "both bond members enabled")


def _uplink_trunk(t, br, nets):
    """The physical NIC eth0 of 'br' as a trunk (no tag) to an upstream
    physical switch, which has one access port per VLAN to the router.

    The kernel here has no 802.1Q support (no eth0.V devices, no VLAN-aware
    Linux bridge), so the upstream switch is a second, independent OVS
    bridge in the same ovs-vswitchd: standalone (a plain learning switch),
    never attached to vifguardd, its trunk port "up0" wired to the guests'
    bridge by a veth pair like a cable.  The router's interfaces
    "eth0.10", "eth0.20" (and "eth0", untagged) sit on its access ports
    and share one MAC, as VLAN subinterfaces do.  Host "wire" (the switch
    namespace, device up0) captures on that cable, tags included."""
    sb = t.sb
    psw = sb.add_bridge(name="psw" + sb.tag)
    veth(sb, sb.netns, "eth0", sb.netns, "up0")
    for dev in ("eth0", "up0"):
        switch_side(sb, dev)
    sb.vsctl("add-port", br, "eth0")
    sb.vsctl("add-port", psw, "up0")
    sb.ofport("eth0")
    r = Host(sb, "router", "router", mac=ROUTER_MAC)
    t.router = r
    t.hosts["router"] = r
    t.trusted.append(r)
    for net in nets:
        dev = "eth0.%d" % net.vlan if net.vlan else "eth0"
        port = "r%d" % (net.vlan or 0)
        veth(sb, sb.netns, port, r.ns, dev)
        switch_side(sb, port)
        r.setup_dev(dev, ROUTER_MAC)
        r.add_addrs(net, dev, net.ip(1), net.ip6(1))
        sb.vsctl("add-port", psw, port, "vlan_mode=access",
                 "tag=%d" % (net.vlan or 0))
        sb.ofport(port)
    r.ovs_ports.append((br, "eth0"))
    r.net = nets[1]
    wire = Host(sb, "wire", "switch", netns=sb.netns)
    wire.dev = "up0"
    t.hosts["wire"] = wire
    t.uplink = Uplink(sb, "trunk", ports=["eth0"], upstream=wire)


def _uplink_lacp(t, br, net):
    """bond0 = eth0 + eth1, balance-tcp with LACP, to an upstream switch
    that speaks LACP.  This kernel has no bonding driver, so the upstream
    switch is a second, independent OVS bridge in the same ovs-vswitchd
    (standalone, never attached to vifguardd) with an LACP bond of its own
    (u0 + u1), and the router on one of its ports."""
    sb = t.sb
    psw = sb.add_bridge(name="psw" + sb.tag)
    peers = {}
    for member, up in (("eth0", "u0"), ("eth1", "u1")):
        veth(sb, sb.netns, member, sb.netns, up)
        switch_side(sb, member)
        switch_side(sb, up)
        peers[member] = up
    lacp = ["bond_mode=balance-tcp", "lacp=active",
            "other_config:lacp-time=fast", "bond_updelay=0",
            "bond_downdelay=0"]
    sb.vsctl("add-bond", psw, "ubond", "u0", "u1", *lacp)
    sb.vsctl("add-bond", br, "bond0", "eth0", "eth1", *lacp)

    def attach(r):
        veth(sb, sb.netns, "r0", r.ns, "eth0")
        switch_side(sb, "r0")
        sb.vsctl("add-port", psw, "r0")
    r = _router(t, net, attach)
    r.ovs_ports.append((br, "bond0"))
    wire = Host(sb, "wire", "switch", netns=sb.netns)
    t.hosts["wire"] = wire
    t.uplink = Uplink(sb, "bond", ports=["bond0"], members=["eth0", "eth1"],
                      mode="balance-tcp", upstream=wire, peers=peers)
    wait_for(lambda: "lacp_status: negotiated" in t.uplink.bond_show()
             and len(t.uplink.enabled_members()) == 2, 20,
             "LACP negotiated on both members")


def _new_bridge(t, baseline, mac_table_size):
    other = {"mac-table-size": mac_table_size}
    return t.sb.add_bridge(fail_mode=None if baseline else "secure",
                           other_config=other)


def build(kind, sb, build_dir=None, mac_table_size=1024):
    """Builds topology 'kind' in started sandbox 'sb'.  With 'build_dir',
    starts vifguardd from there, attaches the bridge and waits until every
    guest port is protected; without (baseline), the bridge stays a plain
    standalone learning switch."""
    baseline = build_dir is None
    t = Topology(kind, sb)
    br = t.br = _new_bridge(t, baseline, mac_table_size)
    u = Net("u", None, "10.0.0", "2001:db8:1::")
    if kind in ("untagged", "hvm", "bond-ab", "bond-slb", "bond-lacp"):
        t.nets = {"u": u}
        t.net = u
        if kind == "bond-lacp":
            _uplink_lacp(t, br, u)
        elif kind.startswith("bond"):
            _uplink_bond(t, br, u, {"bond-ab": "active-backup",
                                    "bond-slb": "balance-slb"}[kind])
        else:
            _uplink_veth(t, br, u)
        if kind == "hvm":
            _hvm_victim(t, br, u)
            t.attacker = _add_guest(t, br, "attacker", "locked", u, 12)
            t.peer = _add_guest(t, br, "peer", "locked", u, 13)
            t.unlocked = _add_guest(t, br, "unlocked", "unlocked", u, 14)
        else:
            _std_guests(t, br, u)
        t.storage = _add_trusted_port_host(t, br, "storage", "eth2",
                                           STORAGE_MAC, u, 2)
    elif kind == "vlan":
        v10 = Net("v10", 10, "10.0.10", "2001:db8:10::")
        v20 = Net("v20", 20, "10.0.20", "2001:db8:20::")
        t.nets = {"u": u, "v10": v10, "v20": v20}
        t.net = v10
        for net in (v10, v20):
            sb.vsctl("add-br", "xapi%d" % net.vlan, br, str(net.vlan))
        _uplink_trunk(t, br, (u, v10, v20))
        _std_guests(t, "xapi10", v10)
        t.cross.append(_add_guest(t, "xapi20", "g20", "locked", v20, 11))
        t.cross.append(_add_guest(t, br, "gu", "locked", u, 11))
        t.storage = _add_trusted_port_host(t, "xapi10", "storage", "eth2",
                                           STORAGE_MAC, v10, 2)
    elif kind == "internal":
        t.nets = {"u": u}
        t.net = u
        sb.vsctl("set", "bridge", br, "other_config:hwaddr=" + ROUTER_MAC)
        r = Host(sb, "router", "router", mac=ROUTER_MAC, netns=sb.netns)
        r.net = u
        r.setup_dev(br)
        wait_for(lambda: ROUTER_MAC in sb.host_run(
            ["ip", "link", "show", br]).stdout, 10, "LOCAL port MAC")
        r.add_addrs(u, br, u.ip(1), u.ip6(1))
        t.router = r
        t.hosts["router"] = r
        t.trusted.append(r)
        t.uplink = Uplink(sb, "none")
        _std_guests(t, br, u)
    else:
        raise ValueError(kind)

    for h in list(t.hosts.values()):
        if h.role != "switch":
            h.start_sink()
    if not baseline:
        t.vg = VifguardDaemon(sb, build_dir)
        t.vg.start()
        t.vg.attach(br)
        t.vg.wait_state(t.guest_ports(), timeout=30)
    return t


def _hvm_victim(t, br, net):
    """The HVM victim: eth0 <-> vif1.0 and eth1 <-> tap1.0, one MAC; starts
    on the emulated NIC (tap)."""
    sb = t.sb
    g = Host(sb, "victim", "locked", mac=_guest_mac(net, 11))
    g.net = net
    g.ifaces[net.name] = Iface("eth1", net.ip(11), net.ip6(11))
    for port, dev, up in (("vif1.0", "eth0", False), ("tap1.0", "eth1",
                                                       True)):
        veth(sb, sb.netns, port, g.ns, dev)
        switch_side(sb, port)
        g.setup_dev(dev, g.mac, up=up)
        sb.vsctl("add-port", br, port, "--", "set", "interface", port,
                 *guest_ids(g))
        g.ovs_ports.append((br, port))
        g.ports.append(port)
        sb.ofport(port)
    g.dev = "eth1"
    g.add_addrs(net, "eth1", net.ip(11), net.ip6(11))
    t.victim = g
    t.guests.append(g)
    t.hosts["victim"] = g


# Traffic.

_UDP_SENDER = """\
import socket, sys, time
dst, marker, n, gap = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
float(sys.argv[4])
fam = socket.AF_INET6 if ':' in dst else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
for i in range(n):
    try:
        s.sendto(('%s.%d' % (marker, i)).encode(), (dst, 9999))
    except OSError:
        pass
    time.sleep(gap)
"""


def marker(rnd, src, dst):
    """The marker prefix of datagrams of round 'rnd' from host name 'src'
    to host name 'dst' ("all" for broadcasts)."""
    return "MK.%s.%s.%s" % (rnd, src, dst)


MARKER_RE = re.compile(rb"MK\.(\w+)\.(\w+)\.(\w+)\.(\w+)")


def udp(src, dst_ip, mark, n=3, gap=0.02, wait=True):
    """'src' sends 'n' UDP datagrams "<mark>.<i>" to dst_ip:9999 from its
    kernel (ARP/ND and the neighbour cache as usual)."""
    p = src.popen(PYTHON, "-c", _UDP_SENDER, dst_ip, mark, str(n), str(gap),
                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                  text=True)
    if wait:
        p.wait(60)
    return p


_RAW_SENDER = """\
import socket, sys, time
dev, gap = sys.argv[1], float(sys.argv[2])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((dev, 0))
for line in sys.stdin:
    line = line.strip()
    if line:
        s.send(bytes.fromhex(line))
        if gap:
            time.sleep(gap)
"""


def send_frames(host, frames, dev=None, gap=0.01):
    """Sends raw frames (bytes, or scapy packets) from 'host' on 'dev'."""
    data = "\n".join(bytes(f).hex() for f in frames) + "\n"
    r = host.run(PYTHON, "-c", _RAW_SENDER, dev or host.dev, str(gap),
                 input=data, timeout=120)
    if r.returncode != 0:
        raise SandboxError("raw send in %s failed: %s" % (host.name,
                                                          r.stderr))


_FLOOD = """\
import random, socket, struct, sys, time
dev, n, seed, vlan, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
int(sys.argv[4]), float(sys.argv[5])
rnd = random.Random(seed)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((dev, 0))
frames = []
for i in range(n):
    src = bytes([%d]) + rnd.randbytes(5)
    dst = bytes([%d]) + rnd.randbytes(5)
    tag = struct.pack('!HH', 0x8100, vlan) if vlan else b''
    frames.append(dst + src + tag + b'\\x88\\xb5' + b'MACFLOOD' + bytes(38))
t0 = time.monotonic()
for i, f in enumerate(frames):
    try:
        s.send(f)
    except OSError:
        time.sleep(0.001)
    if secs and i %% 100 == 99:
        lag = t0 + secs * (i + 1) / n - time.monotonic()
        if lag > 0:
            time.sleep(lag)
""" % (FLOOD_OUI, FLOOD_OUI)


def mac_flood(host, dev, n=3000, seed=1, vlan=0, secs=1.0, wait=True):
    """Sends 'n' frames with random source (and destination) MACs from
    'host' over about 'secs' seconds: a macof-style MAC-table flood."""
    p = host.popen(PYTHON, "-c", _FLOOD, dev, str(n), str(seed), str(vlan),
                   str(secs), stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, text=True)
    if wait:
        p.wait(120)
    return p


# Captures.

class InCapture(Capture):
    """netlab.Capture of the frames 'ns' receives on 'dev' (tcpdump -Q in):
    what a host sends itself is no evidence of what reached it."""

    TCPDUMP_OPTS = ("-Q", "in", "-B", "8192")


class Captures:
    """One unfiltered capture of received frames (tcpdump, promiscuous)
    per host, started together and stopped together.  A host is anything
    with name, dev, sb and popen (a Host, a view of one router device)."""

    # After every tcpdump says it is listening (InCapture waits for that),
    # a short pause before traffic starts: the kernel attaches the capture
    # filter a moment after tcpdump reports, and a frame sent in between
    # would be missed.
    SETTLE = 0.4

    def __init__(self, hosts, bpf=""):
        self.caps = {}
        try:
            for h in hosts:
                self.caps[h.name] = InCapture(h, bpf, dev=h.dev)
        except Exception:
            self.stop(settle=0)
            raise
        time.sleep(self.SETTLE)

    def stop(self, settle=0.6):
        time.sleep(settle)
        for c in self.caps.values():
            if c.proc.poll() is None:
                c.stop(settle=0)
        return self

    def packets(self, name):
        """The frames capture 'name' received (parsed once)."""
        if not hasattr(self, "_parsed"):
            self._parsed = {}
        if name not in self._parsed:
            self._parsed[name] = self.caps[name].packets()
        return self._parsed[name]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop(settle=0)


def markers(pkt_bytes):
    """The markers in one frame, as (round, src, dst, n) str tuples."""
    return [tuple(x.decode() for x in m.groups())
            for m in MARKER_RE.finditer(pkt_bytes)]


def marker_counts(pkts):
    """{(round, src, dst, n): number of frames carrying it}."""
    out = {}
    for p in pkts:
        for m in set(markers(bytes(p))):
            out[m] = out.get(m, 0) + 1
    return out


# What a guest may receive.

def _is_unicast(mac):
    return not int(mac.split(":")[0], 16) & 1


def rx_violations(topo, rx, pkts):
    """The frames in capture 'pkts' (at guest 'rx') that issue 5 says 'rx'
    must never receive, as readable strings.

    Locked 'rx': a unicast frame not for its MAC; a 802.1Q/802.1ad tagged
    frame; an ARP whose target is another guest's address, or from a guest
    and not for its own; an NS whose target is not its own; an IPv4 or IPv6
    unicast for an address not its own; anything from another guest except
    unicast to it and ARP/NS for its addresses; a frame with its own source
    MAC (a reflection); a marker addressed to someone else.  ARP from
    trusted hosts for targets that are no locked guest's are not counted
    (the design delivers every ARP request from trusted ports, since a flow
    cannot tell gratuitous ARP, sender == target, from other requests; the
    issue's "ARP only for its allowed target addresses" is stricter).

    Unlocked 'rx' (NORMAL's broadcasts and multicasts of its VLAN are its
    due): a 802.1Q/802.1ad tagged frame (another VLAN's); a frame for a
    locked guest's MAC; a unicast frame from a locked guest not for its
    own MAC (a locked guest's frame to a destination the switch does not
    know: NORMAL would flood it); an ARP or NS whose target is a locked
    guest's address; a marker addressed to a locked guest."""
    from scapy.all import (ARP, IP, Dot1AD, Dot1Q, Ether, ICMPv6ND_NS,
                           IPv6)
    guests = {g.mac: g for g in topo.guests}
    locked = {g.mac: g for g in topo.guests if g.role == "locked"}
    addr_owner = {}
    for g in topo.guests:
        for a in g.addrs4() | g.addrs6():
            addr_owner[a] = g
    out = []

    def bad(p, why):
        out.append("%s: %s" % (why, p.summary()))

    for p in pkts:
        if Ether not in p:
            continue
        src, dst = p[Ether].src.lower(), p[Ether].dst.lower()
        raw = bytes(p)
        arp_t = p[ARP].pdst if ARP in p else None
        ns_t = norm6(p[ICMPv6ND_NS].tgt) if ICMPv6ND_NS in p else None
        if rx.role == "unlocked":
            if Dot1Q in p or Dot1AD in p:
                bad(p, "VLAN-tagged frame")
            if dst in locked and dst != rx.mac:
                bad(p, "frame for locked guest %s" % locked[dst].name)
            elif src in locked and _is_unicast(dst) and dst != rx.mac:
                bad(p, "unicast of locked guest %s for %s"
                    % (locked[src].name, dst))
            for t in (arp_t, ns_t):
                o = addr_owner.get(t)
                if o is not None and o.role == "locked" and o is not rx \
                        and not (ARP in p and p[ARP].psrc == arp_t
                                 and src == o.mac):
                    bad(p, "ARP/NS for %s's address" % o.name)
            for m in markers(raw):
                o = topo.hosts.get(m[2])
                if o is not None and o.role == "locked":
                    bad(p, "marker for %s" % o.name)
            continue
        own4, own6 = rx.addrs4(), rx.addrs6()
        if Dot1Q in p or Dot1AD in p:
            bad(p, "VLAN-tagged frame")
        if _is_unicast(dst) and dst != rx.mac:
            bad(p, "unicast for %s" % dst)
        if src == rx.mac:
            bad(p, "own frame reflected back")
        sg = guests.get(src)
        from_guest = sg is not None and sg is not rx
        if arp_t is not None and arp_t not in own4:
            o = addr_owner.get(arp_t)
            if o is not None and o is not rx and o.role == "locked":
                bad(p, "ARP for %s's address" % o.name)
            elif from_guest:
                bad(p, "ARP from guest %s, not for us" % sg.name)
        if ns_t is not None and ns_t not in own6:
            bad(p, "NS for %s" % ns_t)
        if dst == rx.mac:
            if IP in p and p[IP].dst not in own4:
                bad(p, "IPv4 for %s" % p[IP].dst)
            if IPv6 in p and norm6(p[IPv6].dst) not in own6:
                bad(p, "IPv6 for %s" % p[IPv6].dst)
        elif from_guest and not (arp_t in own4 or ns_t in own6):
            bad(p, "frame from guest %s" % sg.name)
        for m in markers(raw):
            if m[2] not in (rx.name, "all"):
                bad(p, "marker %s" % ".".join(m))
    return out
