"""A hypervisor whose peers come and go, for vifguardd's long-uptime checks.

Soak builds, in a private Open vSwitch (tests/ovs_sandbox.py) with the
xenstored emulator (tests/xenstored.py) as the host's xenstored, one bridge
under vifguardd (--xenstore=on) with:

  router  a trusted namespace on the uplink port (10.0.0.1);
  g1      a locked guest (10.0.0.11, OVSDB policy): the attacker;
  g2      a locked guest (10.0.0.12, OVSDB policy): the victim;
  vif5.0  VM "web", locked to 10.0.0.5 by xapi's settings in xenstore;

and then makes, one after another and as often as asked, everything a
hypervisor's peers do to vifguardd over a long uptime (EVENTS below):
ovs-vswitchd crashing or restarting, ovsdb-server restarting, the bridge
deleted and re-created by a toolstack, the controller removed and set
again, guest ports plugged and unplugged, policies changed, control socket
clients and OpenFlow peers that leave mid-request, xenstored restarting,
foreign flows and a cleared NO_FLOOD bit.  Each event ends when vifguardd has every guest
protected again (vifguard-ctl wait), never after a fixed sleep.

What is measured comes from outside the daemon: its open file descriptors
(/proc/PID/fd, each classified by what it is: the unix socket paths of both
ends come from `ss`), its RSS and threads (/proc/PID/status) and
`vifguard-ctl stats`.  check_traffic() proves protection where it lands: a
spoofed-source ping and a spoofed-source UDP frame from g1 do not reach g2's
capture, while g1's own do.

Used by tests/test_soak.py (a few cycles, asserts) and bench/soak.py (many
cycles, prints growth per cycle).
"""

import collections
import os
import re
import socket
import time

from netlab import Capture, scapy
from ovs_sandbox import OvsSandbox, run
from topology import Host, switch_side, veth, wait_for
from vifguard_daemon import VifguardDaemon
from xenstored import XenstoreServer

DEADLINE = 30.0
ROUTER = ("02:00:00:00:00:01", "10.0.0.1")
GUESTS = {"g1": ("02:00:00:00:00:11", "10.0.0.11"),
          "g2": ("02:00:00:00:00:12", "10.0.0.12")}
WEB = {"domid": 5, "uuid": "00000005-1111-4222-8333-000000000005",
       "mac": "02:00:00:00:00:05", "ip": "10.0.0.5", "port": "vif5.0"}
# A guest plugged and unplugged by the "ports" event (a PV VIF name).
CHURN = {"port": "vif9.0", "mac": "02:00:00:00:00:09", "ip": "10.0.0.9"}

# What vifguardd logs as WARN or ERR because of the events themselves
# (besides vifguard_daemon.BENIGN_LOG).  Those marked "race" appear only
# when an event lands while an operation is under way.
LOG_ALLOW = [
    # xenstored stopped: the connection is lost and retried (race: a retry
    # before it is back).
    r"xenstore\|ERR\|connection lost",
    r"xenstore\|WARN\|cannot connect to xenstored",
    # `ovs-vsctl del-controller`: Open vSwitch deletes every flow.
    r"engine\|WARN\|bridge \S+: vifguardd is no longer one of its "
    r"controllers: Open vSwitch deleted every flow, and with "
    r"fail_mode=secure it forwards nothing",
    # `ovs-ofctl mod-port BR PORT flood` on a guest port.
    r"NO_FLOOD cleared by another client of the management socket",
    # `ovs-ofctl add-flow` of a flow that bypasses the pipeline.
    r"engine\|WARN\|bridge \S+: removed a flow vifguard does not own "
    r"\(added while connected\): cookie=0x[0-9a-f]+ table=0 priority=1000 ",
    # Race: ovs-vswitchd or the bridge went away under a NO_FLOOD or MAC
    # table operation.
    r"noflood\|WARN\|\S+\.mgmt: NO_FLOOD not applied: "
    r"(switch (closed|reset) the connection|connect: )",
    r"engine\|WARN\|bridge \S+: NO_FLOOD could not be set: ",
    r"engine\|WARN\|bridge \S+: cannot remove the MAC table entries",
    # Race (attach-bridges): the bridge re-created in OVSDB, vifguard-attach
    # run before ovs-vswitchd has made it; retried 1 s later.
    r"attach\|WARN\|\S+: vifguard-attach: vifguard-attach: \S+: "
    r"ovs-vswitchd does not answer for this bridge",
    r"attach\|WARN\|\S+: vifguard-attach failed \(exit status 1\); "
    r"1 failure\(s\) in a row",
]
# The same for the OVS daemons' logs (besides ovs_sandbox.BENIGN_LOG):
# ovs-vswitchd's side of ovsdb-server restarting.
OVS_LOG_ALLOW = [
    r"jsonrpc\|WARN\|unix:\S+/db\.sock: (send|receive) error: "
    r"(Broken pipe|Connection reset by peer)",
    r"reconnect\|WARN\|unix:\S+/db\.sock: connection dropped "
    r"\((Broken pipe|Connection reset by peer)\)",
]


class Soak:
    """The host, vifguardd and the events.  start() / stop(), or 'with'."""

    def __init__(self, build_dir, attach_command=None):
        """'attach_command': vifguard-attach, to have vifguardd attach the
        bridge itself (setting attach-bridges) whenever it is created or
        its controller removed, as on a XenServer host; None: attached by
        the events, like an operator does."""
        self.build_dir = build_dir
        self.attach_command = attach_command
        self.sb = None
        self.xs = None
        self.vg = None
        self.br = None
        self.hosts = {}
        self.saved_env = None
        self.counts = collections.Counter()  # Events run, by name.
        self.final_log_tail = ""

    # Lifecycle.

    def start(self):
        self.sb = OvsSandbox(keep=bool(os.environ.get("VG_KEEP_OVS")))
        self.sb.start()
        self.xs = XenstoreServer(os.path.join(self.sb.dir, "xenstored.sock"))
        self.xs.start()
        self.saved_env = os.environ.get("XENSTORED_PATH")
        os.environ["XENSTORED_PATH"] = self.xs.path
        self.xs.write("/local/domain/0/name", "Domain-0")
        self.xs.write("/xapi", "")
        self.br = self.sb.add_bridge()
        self.dpid = self.sb.vsctl("get", "bridge", self.br,
                                  "other_config:datapath-id").strip().strip('"')
        self.router = self.sb.add_netns(self.br, "router", ROUTER[0],
                                        [ROUTER[1] + "/24"], ofport=1)
        for i, (name, (mac, ip)) in enumerate(sorted(GUESTS.items())):
            ns = self.sb.add_netns(self.br, name, mac, [ip + "/24"],
                                   ofport=11 + i)
            self.hosts[name] = ns
        self._web_domain()
        self.web = self._guest_host("web", WEB)
        self.churn = self._guest_host("churn", CHURN)
        self._add_ports()
        args = ["--xenstore=on"]
        if self.attach_command:
            args += ["--attach-bridges=" + self.br,
                     "--attach-command=" + self.attach_command]
        self.vg = VifguardDaemon(self.sb, self.build_dir, args=args)
        self.vg.start()
        self.attach()
        self.settle()
        return self

    def stop(self):
        """Stops vifguardd and the rest; returns vifguardd's exit status
        (None if it never ran), and keeps its log's tail in
        'final_log_tail'."""
        rc = None
        try:
            if self.vg:
                rc = self.vg.stop()
                # The sandbox directory, with the log, goes below.
                self.final_log_tail = self.vg.log_tail()
        finally:
            if self.xs:
                self.xs.stop()
            if self.saved_env is None:
                os.environ.pop("XENSTORED_PATH", None)
            else:
                os.environ["XENSTORED_PATH"] = self.saved_env
            if self.sb:
                self.sb.stop()
        return rc

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()

    def _web_domain(self):
        d, uuid = WEB["domid"], WEB["uuid"]
        base = "/local/domain/%d" % d
        self.xs.write(base + "/vm", "/vm/" + uuid, perms=["n0", "r%d" % d])
        self.xs.write(base + "/name", "web")
        self.xs.write(base + "/domid", str(d))
        self.xs.fire_special("@introduceDomain")
        self.set_web_mode("locked")

    def set_web_mode(self, mode):
        """Writes VM web's VIF locking settings like xenopsd."""
        base = "/xapi/%s/private/vif/0/" % WEB["uuid"]
        self.xs.write(base + "locking-mode", mode, perms=["n0"])
        self.xs.write(base + "ipv4-allowed", WEB["ip"], perms=["n0"])
        self.xs.write(base + "ipv6-allowed", "", perms=["n0"])

    def _guest_host(self, name, g):
        """A guest namespace whose eth0 is the far end of port g["port"]
        (a veth whose switch side stays in ovs-vswitchd's namespace, also
        while the port is off the bridge)."""
        h = Host(self.sb, name, "locked", mac=g["mac"])
        veth(self.sb, self.sb.netns, g["port"], h.ns, "eth0")
        h.setup_dev("eth0", g["mac"])
        h.exec("ip", "addr", "add", g["ip"] + "/24", "dev", "eth0")
        switch_side(self.sb, g["port"])
        return h

    def _port_args(self):
        """ovs-vsctl arguments that add every port of the bridge with its
        settings (for a bridge created again)."""
        args = []
        for ofport, port, ids in self._ports():
            args += ["--", "--may-exist", "add-port", self.br, port, "--",
                     "set", "interface", port, "ofport_request=%d" % ofport]
            args += ["external_ids:%s=%s" % kv for kv in ids]
        return args

    def _ports(self):
        """(ofport, port name, external_ids pairs) of every standing port."""
        out = [(1, self.router.port, [])]
        for i, name in enumerate(sorted(GUESTS)):
            mac, ip = GUESTS[name]
            out.append((11 + i, self.hosts[name].port,
                        [("attached-mac", mac), ("vifguard-ipv4", ip)]))
        out.append((20, WEB["port"],
                    [("attached-mac", WEB["mac"]),
                     ("xs-vm-uuid", WEB["uuid"])]))
        return out

    def _add_ports(self):
        self.sb.vsctl(*self._port_args()[1:])

    def attach(self):
        """Attaches the bridge, unless vifguardd does it by itself."""
        if not self.attach_command:
            self.vg.attach(self.br)

    def guest_ports(self):
        return [self.hosts[n].port for n in sorted(GUESTS)] + [WEB["port"]]

    # Waiting.

    def settle(self):
        """Waits until vifguardd has every guest protected, the bridge
        connected and read back, and xenstore connected."""
        self.vg.wait_state(self.guest_ports(), timeout=DEADLINE)

        def ready():
            show = self.vg.ctl("show")
            bridges = show.get("bridges") or []
            return (show.get("ovsdb_connected") and
                    (show.get("xenstore") or {}).get("state") == "connected"
                    and len(bridges) == 1 and bridges[0]["connected"] and
                    bridges[0]["fail_secure"])
        wait_for(ready, DEADLINE, "bridge and xenstore connected")
        # The policy each guest has is the one it should have.
        vifs = self.vg.vifs()
        for name in GUESTS:
            v = vifs[self.hosts[name].port]
            assert v["mode"] == "locked" and v["ipv4"] == [GUESTS[name][1]], v
        v = vifs[WEB["port"]]
        assert v["policy_source"] == "xapi" and v["mode"] == "locked", v

    # Events.  Each takes the cycle number and returns once vifguardd has
    # every guest protected again.

    def ev_vswitchd(self, i):
        """ovs-vswitchd crashes (odd cycles) or is restarted (even)."""
        self.sb.restart_vswitchd(crash=bool(i % 2))
        self.settle()

    def ev_ovsdb(self, i):
        """ovsdb-server restarts."""
        self.sb.restart_ovsdb()
        self.settle()

    def ev_bridge(self, i):
        """The bridge is deleted and created again with its ports, as a
        toolstack does (xapi re-creates bridges)."""
        self.sb.vsctl("del-br", self.br)
        wait_for(lambda: not self.vg.ctl("show").get("bridges"), DEADLINE,
                 "bridge gone from vifguard-ctl show")
        # fail_mode=secure only where vifguardd does not attach it: xapi
        # creates it standalone.
        secure = [] if self.attach_command else ["fail_mode=secure"]
        self.sb.vsctl("add-br", self.br, "--", "set", "bridge", self.br,
                      "datapath_type=netdev",
                      "other_config:datapath-id=" + self.dpid,
                      "protocols=OpenFlow10,OpenFlow13", *secure,
                      *self._port_args())
        self.attach()
        self.settle()

    def ev_controller(self, i):
        """The controller is removed, then set again."""
        self.sb.vsctl("del-controller", self.br)
        if not self.attach_command:
            # (vifguardd may have attached it again already otherwise.)
            wait_for(lambda: not self.vg.ctl("show")["bridges"][0]
                     ["connected"], DEADLINE, "bridge disconnected")
        self.attach()
        self.settle()

    def ev_ports(self, i):
        """A guest is plugged, protected, and unplugged."""
        port = CHURN["port"]
        self.sb.vsctl("add-port", self.br, port, "--", "set", "interface",
                      port, "external_ids:attached-mac=" + CHURN["mac"],
                      "external_ids:vifguard-ipv4=" + CHURN["ip"])
        self.vg.wait_state([port], timeout=DEADLINE)
        self.sb.vsctl("del-port", self.br, port)
        self.vg.wait_gone([port], timeout=DEADLINE)
        self.settle()

    def ev_policy(self, i):
        """Policies change and come back: g1 unlocked, disabled, another
        address; web unlocked in xenstore."""
        g1 = self.hosts["g1"].port
        steps = [("unlocked", GUESTS["g1"][1]), ("disabled", GUESTS["g1"][1]),
                 ("locked", "10.0.0.99"), ("locked", GUESTS["g1"][1])]
        for mode, ip in steps:
            self.sb.vsctl("set", "interface", g1,
                          "external_ids:vifguard-mode=" + mode,
                          "external_ids:vifguard-ipv4=" + ip)
            self.wait_vif(g1, mode=mode, ipv4=[ip])
        self.sb.vsctl("remove", "interface", g1, "external_ids",
                      "vifguard-mode")
        self.set_web_mode("unlocked")
        self.wait_vif(WEB["port"], mode="unlocked")
        self.set_web_mode("locked")
        self.wait_vif(WEB["port"], mode="locked")
        self.settle()

    def wait_vif(self, port, **want):
        def ok():
            v = self.vg.vifs().get(port)
            return (v and v["state"] == "protected" and
                    all(v.get(k) == w for k, w in want.items()))
        wait_for(ok, DEADLINE, "%s protected with %s" % (port, want))

    def ev_ctl(self, i):
        """Control socket clients that leave: at once, in the middle of a
        request, after a request without reading the answer, parked on a
        "wait" that cannot be answered, and after half a large answer."""
        path = self.vg.ctl_sock
        socks = []

        def client(data=b""):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            socks.append(s)
            try:
                s.sendall(data)
            except OSError:
                pass  # The daemon may drop a client that sends too much.
            return s

        client()
        client(b'{"command":"vi')
        client(b'{"command":"vifs","args":[]}\n')
        client(b'{"command":"wait","args":["vif77.0"],"timeout":60}\n')
        client(b'{"command":"wait","args":["%s"],"timeout":60}\n'
               % CHURN["port"].encode())
        s = client(b'{"command":"stats","args":[]}\n' * 20)
        s.recv(10)  # Part of the first answer; the rest stays unread.
        client(b"not json at all\n")
        client(b"x" * 70000)  # Longer than a request may be.
        # A "wait" answered at once, then a second request, then gone.
        client(b'{"command":"wait","args":["%s"],"timeout":5}\n'
               b'{"command":"show","args":[]}\n'
               % self.hosts["g2"].port.encode())
        # Abortive close (RST where the socket type allows) of half of them.
        for k, s in enumerate(socks):
            if k % 2:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             b"\x01\x00\x00\x00\x00\x00\x00\x00")
            s.close()
        self.vg.ctl("version")  # The daemon still answers.

    def ev_ofp(self, i):
        """Peers of the OpenFlow listener that leave: at once, after
        garbage, after a HELLO of OpenFlow 1.3, after a HELLO of OpenFlow
        1.0 only (refused)."""
        hello13 = bytes.fromhex("0400000800000001")
        hello10 = bytes.fromhex("0100000800000001")
        for data in (b"", b"\xff" * 64, hello13, hello10):
            s = self.ofp_peer()
            try:
                s.sendall(data)
            except OSError:
                pass  # Refused and closed already.
            s.close()
        self.vg.ctl("version")  # The daemon still answers.

    def ofp_peer(self):
        """A connection to vifguardd's OpenFlow listener (which a silent
        peer keeps open: the daemon must drop it after its handshake
        timeout)."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(self.vg.ofp_sock)
        return s

    def ev_xenstored(self, i):
        """xenstored stops and starts again (its tree is kept)."""
        self.xs.stop()
        wait_for(lambda: (self.vg.ctl("show").get("xenstore") or {})
                 .get("state") != "connected", DEADLINE,
                 "xenstore connection lost")
        self.xs.start()
        self.settle()

    def ev_foreign(self, i):
        """Someone adds a flow that would bypass the pipeline, and clears
        the victim's NO_FLOOD bit."""
        before = self.vg.stats()["foreign_flows_removed"]
        self.sb.ofctl("add-flow", self.br,
                      "cookie=0x%x,priority=1000,actions=normal" % (i + 1))
        wait_for(lambda: self.vg.stats()["foreign_flows_removed"] > before,
                 DEADLINE, "foreign flow removed")
        port = self.hosts["g2"].ofport
        self.sb.ofctl("mod-port", self.br, str(port), "flood",
                      version="OpenFlow10")
        wait_for(lambda: port in self.sb.no_flood_ports(self.br), DEADLINE,
                 "NO_FLOOD set again on port %d" % port)
        self.settle()

    EVENTS = ["vswitchd", "ovsdb", "bridge", "controller", "ports", "policy",
              "ctl", "ofp", "xenstored", "foreign"]

    def cycle(self, i, events=None):
        """Runs every event (or those named in 'events') once."""
        for name in events or self.EVENTS:
            getattr(self, "ev_" + name)(i)
            self.counts[name] += 1

    # Measurements.

    def pid(self):
        return self.vg.proc.pid

    def _unix_sockets(self):
        """{inode: (path, peer inode)} of the unix sockets in the daemon's
        network namespace (the root one) and in ovs-vswitchd's (where a
        connection that ovs-vswitchd made to vifguardd's listener
        lives)."""
        out = run(["ss", "-xanH"]).stdout
        out += self.sb.host_run(["ss", "-xanH"]).stdout
        socks = {}
        for line in out.splitlines():
            f = line.split()
            # Netid State Recv-Q Send-Q Local Port Peer Port
            if len(f) >= 8:
                try:
                    socks[int(f[5])] = (f[4], int(f[7]))
                except ValueError:
                    pass
        return socks

    def fds(self):
        """{fd: what it is} of vifguardd: a file's path (the sandbox
        directory replaced by SANDBOX/), for a unix socket "unix:PATH" (a
        connection to PATH), "listen:PATH" (a listener) or "accepted:PATH"
        (a connection accepted on listener PATH), with numbers and inodes
        left out so that equal things compare equal."""
        pid = self.pid()
        d = "/proc/%d/fd" % pid
        socks = self._unix_sockets()
        out = {}
        for fd in os.listdir(d):
            try:
                target = os.readlink(os.path.join(d, fd))
            except OSError:
                continue  # Closed meanwhile.
            m = re.fullmatch(r"socket:\[(\d+)\]", target)
            if m and int(m.group(1)) in socks:
                path, peer = socks[int(m.group(1))]
                if path != "*":
                    # A listener has no peer; a connection it accepted
                    # has the listener's path too.
                    what = ("accepted:" if peer else "listen:") + path
                else:
                    what = "unix:" + socks.get(peer, ("?",))[0]
            elif m:
                what = "socket"
            else:
                what = target
            what = what.replace(self.sb.dir + "/", "SANDBOX/")
            what = re.sub(r"^pipe:\[\d+\]", "pipe", what)
            # ovs-vswitchd's control socket carries its pid.
            what = re.sub(r"ovs-vswitchd\.\d+\.ctl", "ovs-vswitchd.PID.ctl",
                          what)
            out[int(fd)] = what
        return out

    def fd_kinds(self):
        """collections.Counter of what the open fds are (see fds())."""
        return collections.Counter(self.fds().values())

    def status(self):
        """RSS (kB), threads, from /proc/PID/status."""
        st = {}
        with open("/proc/%d/status" % self.pid()) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "Threads", "VmData"):
                    st[k] = int(v.split()[0])
        return st

    def snapshot(self):
        """Everything measured, once the daemon is idle: fds, RSS, threads,
        stats."""
        st = self.status()
        stats = self.vg.stats()
        return {"fds": self.fd_kinds(), "rss_kb": st["VmRSS"],
                "data_kb": st["VmData"], "threads": st["Threads"],
                "stats": stats}

    def wait_fds(self, want, timeout=DEADLINE):
        """Waits until the daemon's fds are 'want' (a Counter, from
        fd_kinds()); returns the last ones seen.  Short-lived ones (a
        vifguard-ctl client, a MAC table cleanup) go on their own."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.fd_kinds()
            if got == want or time.monotonic() > deadline:
                return got
            time.sleep(0.1)

    # Traffic.

    def check_traffic(self):
        """A spoofed-source ping and UDP frame from g1 never reach g2 (its
        capture); g1's own do, and g2 answers g1's real ping.  Returns the
        set of markers g2 received."""
        g1, g2 = self.hosts["g1"], self.hosts["g2"]
        mac1, ip1 = GUESTS["g1"]
        mac2, ip2 = GUESTS["g2"]
        with Capture(g2, "udp port 9999 or icmp") as cap:
            scapy(g1, """
for label, src in (("SPOOF", "10.0.0.77"), ("LEGIT", "%s")):
    for f in (Ether(src="%s", dst="%s") / IP(src=src, dst="%s") /
              ICMP(id=0x5a5a) / Raw(b"MK%%sKM" %% label.encode()),
              Ether(src="%s", dst="%s") / IP(src=src, dst="%s") /
              UDP(sport=4000, dport=9999) /
              Raw(b"MK%%sUDPKM" %% label.encode())):
        sendp(f, iface="eth0", count=3, inter=0.05)
""" % (ip1, mac1, mac2, ip2, mac1, mac2, ip2))
            text = cap.stop().text()
        got = set(re.findall(r"MK([A-Z]+)KM", text))
        assert g1.ping(ip2, count=2), "g1 cannot ping g2"
        assert self.router.ping(WEB["ip"]), "router cannot ping web"
        return got

