"""Private Open vSwitch instances and network namespaces for vifguard tests.

OvsSandbox starts its own ovsdb-server and ovs-vswitchd in a temporary
directory, with OVS_RUNDIR, OVS_LOGDIR, OVS_DBDIR and OVS_SYSCONFDIR all
pointing there, so nothing touches /var/run/openvswitch or a system OVS.
ovs-vswitchd runs with --disable-system: bridges use the userspace datapath
(datapath_type=netdev) and forward real frames between veth ports, or, in
dummy mode (--enable-dummy=override), the dummy datapath with thousands of
cheap ports for scale tests.

Netns gives a test host: a network namespace with one end of a veth pair
(fixed MAC, optional addresses) whose other end is a port of a sandbox
bridge.  TX checksum offload is turned off on both ends: on a netdev bridge
the kernel would otherwise leave TCP/UDP checksums unfilled and receivers
drop the frames (docs: ovs-facts.md).

ovs-vswitchd runs in a network namespace of its own (OvsSandbox.netns), so
that the devices it creates (the userspace datapath's "ovs-netdev" tap, the
bridges' internal ports) and the switch-side veth ends never meet those of
another sandbox: several sandboxes (other test runs, other developers) can
run at once on one machine.  Commands about switch-side devices go through
OvsSandbox.host_run().  Names of bridges, namespaces and veth devices also
carry a short per-sandbox tag.  Kernel interface names are limited to 15
characters.

The module is used by tests/conftest.py (fixtures) and by
tests/captures/capture.py (which runs it standalone).
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
# Log lines that do not mean a test went wrong.
BENIGN_LOG = [
    r"netdev_linux.*ethtool command ETHTOOL_G",  # veth lacks some ioctls
    # ovsdb-server's side of one of its clients (a tool, a daemon stopped
    # by the test) going away without closing the session.
    r"jsonrpc\|WARN\|unix#\d+: receive error: Connection reset by peer",
    r"reconnect\|WARN\|unix#\d+: connection dropped \(Connection reset",
    r"jsonrpc\|WARN\|unix#\d+: send error: Broken pipe",
    r"reconnect\|WARN\|unix#\d+: connection dropped \(Broken pipe\)",
    r"ovs_rcu.*blocked",
    r"(?i)could not (create|open) .*(system|kernel)",
    r"dpif_netlink",
    # A loaded machine: the "Unreasonably long poll interval" warning and
    # the two resource-usage lines OVS logs right after it.
    r"timeval.*Unreasonably long",
    r"timeval\|WARN\|(faults|context switches|disk|\d+ ms).*",
    r"netdev_offload",
    r"memory.*peak",
]


class SandboxError(Exception):
    """A command in the sandbox failed."""


def run(args, check=True, env=None, timeout=60, input=None):
    """Runs 'args' (a list), returns CompletedProcess with text output.
    Raises SandboxError with the command's output if it fails and 'check'."""
    p = subprocess.run(args, capture_output=True, text=True, env=env,
                       timeout=timeout, input=input)
    if check and p.returncode != 0:
        raise SandboxError("%s: exit %d\n%s%s" % (" ".join(args), p.returncode,
                                                  p.stdout, p.stderr))
    return p


def _kill_netns_pids(ns):
    """Kills every process left in network namespace 'ns'."""
    pids = run(["ip", "netns", "pids", ns], check=False).stdout
    for pid in pids.split():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass


def _tag():
    """A short tag, unique enough among live sandboxes on this machine."""
    return "%04x" % ((os.getpid() * 2654435761 + time.monotonic_ns()) & 0xffff)


def _read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def _pid_alive(pid):
    """True if 'pid' runs (a zombie waiting for init to reap it does not)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


class OvsSandbox:
    """A private ovsdb-server + ovs-vswitchd.  Use start()/stop() or 'with'.

    'dummy': run ovs-vswitchd with --enable-dummy=override (every datapath
    and netdev is a dummy one; use add_dummy_ports() for scale tests).
    'keep': leave the directory behind after stop() (for debugging)."""

    def __init__(self, dummy=False, keep=False, basedir=None):
        self.dummy = dummy
        self.keep = keep
        self.tag = _tag()
        self.dir = tempfile.mkdtemp(prefix="vg-ovs-", dir=basedir)
        self.db_sock = os.path.join(self.dir, "db.sock")
        self.db = "unix:" + self.db_sock
        # ovs-vswitchd's own network namespace (see the module comment).
        self.netns = "vgovs" + self.tag
        self.env = dict(os.environ,
                        OVS_RUNDIR=self.dir, OVS_LOGDIR=self.dir,
                        OVS_DBDIR=self.dir, OVS_SYSCONFDIR=self.dir)
        self.bridges = []
        self.namespaces = []
        self._n_bridges = 0
        self.started = False

    # Lifecycle.

    def start(self):
        """Creates the database and starts both daemons.  Returns self."""
        for tool in ("ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "ovs-vsctl",
                     "ovs-ofctl", "ovs-appctl"):
            if shutil.which(tool) is None:
                raise SandboxError("%s not found: run scripts/install-deps.sh"
                                   % tool)
        d = self.dir
        run(["ovsdb-tool", "create", os.path.join(d, "conf.db"), SCHEMA],
            env=self.env)
        self.start_ovsdb()
        self.started = True
        run(["ip", "netns", "add", self.netns])
        self.host_run(["ip", "link", "set", "lo", "up"])
        self.vsctl("--no-wait", "init")
        self.start_vswitchd()
        return self

    def start_ovsdb(self):
        """Starts ovsdb-server (again) on the sandbox's database."""
        d = self.dir
        run(["ovsdb-server", os.path.join(d, "conf.db"),
             "--remote=punix:" + self.db_sock,
             "--pidfile=" + os.path.join(d, "ovsdb-server.pid"),
             "--unixctl=" + os.path.join(d, "ovsdb-server.ctl"),
             "--log-file=" + os.path.join(d, "ovsdb-server.log"),
             "--detach", "--no-chdir"], env=self.env)

    def restart_ovsdb(self):
        """Stops ovsdb-server and starts it again: its clients (ovs-vswitchd,
        vifguardd) lose their connection and must reconnect."""
        self._stop_daemon("ovsdb-server")
        self.start_ovsdb()

    def start_vswitchd(self):
        """Starts ovs-vswitchd (again) and waits until it has read the
        database."""
        d = self.dir
        args = ["ovs-vswitchd", self.db, "--disable-system",
                "--disable-system-route",
                "--pidfile=" + os.path.join(d, "ovs-vswitchd.pid"),
                # No --unixctl: the control socket takes its default name,
                # ovs-vswitchd.PID.ctl, which vifguardd looks for (src/fdb.c).
                "--log-file=" + os.path.join(d, "ovs-vswitchd.log"),
                "--detach", "--no-chdir"]
        if self.dummy:
            args.append("--enable-dummy=override")
        self.host_run(args, env=self.env)
        # ovs-vswitchd has applied the database once this returns.
        probe = "vgprobe" + self.tag
        self.vsctl("--timeout=30", "add-br", probe, "--", "set", "bridge",
                   probe,
                   "datapath_type=" + ("dummy" if self.dummy else "netdev"))
        self.vsctl("--timeout=30", "del-br", probe)

    def kill_vswitchd(self, sig=signal.SIGKILL):
        """Sends 'sig' to ovs-vswitchd (SIGKILL: a crash) and waits until it
        is gone.  Its netdev bridges' tap devices stay behind, as after a
        real crash; start_vswitchd() reuses them."""
        pid = _read_pid(os.path.join(self.dir, "ovs-vswitchd.pid"))
        if pid is None:
            raise SandboxError("ovs-vswitchd has no pidfile")
        sessions = self._db_sessions()
        os.kill(pid, sig)
        deadline = time.monotonic() + 10
        while _pid_alive(pid):
            if time.monotonic() > deadline:
                raise SandboxError("ovs-vswitchd (pid %d) did not die" % pid)
            time.sleep(0.02)
        # Until ovsdb-server notices the dead session, it holds the dead
        # process's database lock, and a new ovs-vswitchd would log "another
        # ovs-vswitchd process is running".
        while self._db_sessions() >= sessions > 0:
            if time.monotonic() > deadline:
                break
            time.sleep(0.02)

    def _db_sessions(self):
        """The number of sessions ovsdb-server has open."""
        out = self.appctl("memory/show", target="ovsdb-server", check=False)
        m = re.search(r"sessions:(\d+)", out)
        return int(m.group(1)) if m else 0

    def restart_vswitchd(self, crash=True):
        """Restarts ovs-vswitchd: killed with SIGKILL if 'crash', else asked
        to exit.  OpenFlow flows are lost, the database is kept."""
        if crash:
            self.kill_vswitchd()
        else:
            self._stop_daemon("ovs-vswitchd")
        self.start_vswitchd()

    def stop(self):
        """Deletes namespaces, stops the daemons (exit, then SIGTERM, then
        SIGKILL, by pidfile) and removes the directory unless 'keep'."""
        for ns in reversed(self.namespaces):
            ns.destroy()
        self.namespaces = []
        if self.started:
            for daemon in ("ovs-vswitchd", "ovsdb-server"):
                self._stop_daemon(daemon)
            _kill_netns_pids(self.netns)
            run(["ip", "netns", "del", self.netns], check=False)
            self.started = False
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    def _stop_daemon(self, name):
        pid = _read_pid(os.path.join(self.dir, name + ".pid"))
        if pid is None:
            return
        ctl = self._ctl_path(name)
        # --cleanup makes ovs-vswitchd delete its datapaths, and with them
        # the tap devices of the netdev bridges' local ports.
        cleanup = ["--cleanup"] if name == "ovs-vswitchd" else []
        if os.path.exists(ctl):
            run(["ovs-appctl", "-t", ctl, "exit"] + cleanup, check=False,
                timeout=10)
        for sig in (None, signal.SIGTERM, signal.SIGKILL):
            if sig is not None and _pid_alive(pid):
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + 5
            while _pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if not _pid_alive(pid):
                return

    def host_run(self, args, check=True, env=None, timeout=60):
        """Runs 'args' in ovs-vswitchd's network namespace, where the
        switch-side ends of the veth pairs live."""
        return run(["ip", "netns", "exec", self.netns] + list(args),
                   check=check, env=env, timeout=timeout)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # Tools bound to this sandbox.  Each returns stdout; raise on failure
    # unless check=False.

    def vsctl(self, *args, check=True):
        return run(["ovs-vsctl", "--db=" + self.db] + list(args),
                   env=self.env, check=check).stdout

    def ofctl(self, *args, check=True, version="OpenFlow13"):
        """ovs-ofctl with '-O version' (None: OVS's default versions)."""
        opts = ["-O", version] if version else []
        return run(["ovs-ofctl"] + opts + list(args), env=self.env,
                   check=check).stdout

    def port_configs(self, br):
        """{ofport: set of config words} of 'br' from `ovs-ofctl -O
        OpenFlow10 show` (the only version that shows NO_FLOOD), LOCAL as
        65534."""
        configs, current = {}, None
        for line in self.ofctl("show", br, version="OpenFlow10").splitlines():
            m = re.match(r"\s*(\d+|LOCAL)\(", line)
            if m:
                current = 65534 if m.group(1) == "LOCAL" else int(m.group(1))
                continue
            m = re.match(r"\s*config:\s*(.*)$", line)
            if m and current is not None:
                configs[current] = set(w for w in m.group(1).split()
                                       if w != "0")
                current = None
        return configs

    def no_flood_ports(self, br):
        """OpenFlow port numbers of 'br' whose config has NO_FLOOD."""
        return {p for p, c in self.port_configs(br).items()
                if "NO_FLOOD" in c}

    def _ctl_path(self, name):
        """The control socket of daemon 'name': ovsdb-server's as given by
        --unixctl, ovs-vswitchd's by default RUNDIR/ovs-vswitchd.PID.ctl."""
        if name == "ovs-vswitchd":
            pid = _read_pid(os.path.join(self.dir, name + ".pid"))
            return os.path.join(self.dir, "%s.%s.ctl" % (name, pid))
        return os.path.join(self.dir, name + ".ctl")

    def appctl(self, *args, check=True, target="ovs-vswitchd"):
        ctl = self._ctl_path(target)
        return run(["ovs-appctl", "-t", ctl] + list(args), env=self.env,
                   check=check).stdout

    # Bridges and ports.

    def add_bridge(self, name=None, fail_mode=None,
                   protocols="OpenFlow10,OpenFlow13",
                   other_config=None):
        """Creates a bridge (netdev datapath, or dummy in dummy mode) with a
        fixed datapath id; returns its name (unique per sandbox if None)."""
        self._n_bridges += 1
        if name is None:
            name = "vgbr%s%d" % (self.tag, self._n_bridges)
        dpid = "00000000%04x%04x" % (int(self.tag, 16), self._n_bridges)
        args = ["add-br", name, "--", "set", "bridge", name,
                "datapath_type=" + ("dummy" if self.dummy else "netdev"),
                "other_config:datapath-id=" + dpid]
        if protocols:
            args.append("protocols=" + protocols)
        if fail_mode:
            args.append("fail_mode=" + fail_mode)
        for k, v in (other_config or {}).items():
            args.append("other_config:%s=%s" % (k, v))
        self.vsctl(*args)
        self.bridges.append(name)
        return name

    def datapath_id(self, bridge):
        """The bridge's datapath id as an int."""
        out = self.vsctl("get", "bridge", bridge, "datapath_id").strip()
        return int(out.strip('"'), 16)

    def add_dummy_ports(self, bridge, n, prefix="p", first_ofport=1,
                        batch=200):
        """Adds 'n' dummy interfaces named PREFIX<i> with ofport
        first_ofport + i (dummy mode only), in batches of 'batch' per
        ovs-vsctl call.  Returns their names."""
        names = []
        for start in range(0, n, batch):
            args = []
            for i in range(start, min(n, start + batch)):
                name = "%s%d" % (prefix, i)
                names.append(name)
                args += ["--", "add-port", bridge, name, "--", "set",
                         "interface", name, "type=dummy",
                         "ofport_request=%d" % (first_ofport + i)]
            self.vsctl("--timeout=120", *args[1:])
        return names

    def ofport(self, iface, timeout=30):
        """Waits for and returns the OpenFlow port number of 'iface'."""
        deadline = time.monotonic() + timeout
        while True:
            out = self.vsctl("get", "interface", iface, "ofport").strip()
            if re.fullmatch(r"[0-9]+", out) and int(out) > 0:
                return int(out)
            if time.monotonic() > deadline:
                raise SandboxError("no ofport for %s (got %r)" % (iface, out))
            time.sleep(0.05)

    # Namespaces.

    def add_netns(self, bridge, name, mac, addrs=(), ofport=None, tag=None,
                  mtu=None):
        """Creates namespace host 'name' on 'bridge': see Netns."""
        ns = Netns(self, bridge, name, mac, addrs, ofport, tag, mtu)
        self.namespaces.append(ns)
        return ns

    # Logs.

    def log_path(self, daemon="ovs-vswitchd"):
        return os.path.join(self.dir, daemon + ".log")

    def log_tail(self, daemon="ovs-vswitchd", lines=60):
        try:
            with open(self.log_path(daemon), errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError as e:
            return "(no log: %s)\n" % e

    def log_problems(self, allow=()):
        """ERR/EMER/WARN lines of both logs, less benign ones and any
        matching a regex in 'allow'."""
        pats = [re.compile(p) for p in BENIGN_LOG + list(allow)]
        bad = []
        for daemon in ("ovs-vswitchd", "ovsdb-server"):
            try:
                with open(self.log_path(daemon), errors="replace") as f:
                    for line in f:
                        if not re.search(r"\|(ERR|EMER|WARN)\|", line):
                            continue
                        if any(p.search(line) for p in pats):
                            continue
                        bad.append("%s: %s" % (daemon, line.rstrip()))
            except OSError:
                pass
        return bad


class Netns:
    """A namespace 'name' whose interface 'eth0' (MAC 'mac', addresses
    'addrs' like "10.0.0.1/24") is one end of a veth pair; the other end is
    port 'port' of 'bridge' (with 'ofport' and access VLAN 'tag' if given),
    in the sandbox's switch namespace (use sandbox.host_run() on it).
    exec()/run() run commands inside."""

    def __init__(self, sandbox, bridge, name, mac, addrs=(), ofport=None,
                 tag=None, mtu=None):
        self.sb = sandbox
        self.bridge = bridge
        self.name = name
        self.mac = mac
        self.ns = "vg%s-%s" % (sandbox.tag, name)
        # Switch-side veth: the OVS port name.  15 characters at most.
        self.port = ("v%s%s" % (sandbox.tag, name))[:15]
        self.dev = "eth0"
        self.created = []
        try:
            self._create(addrs, ofport, tag, mtu)
        except Exception:
            self.destroy()
            raise

    def _create(self, addrs, ofport, tag, mtu):
        tmp = ("t%s%s" % (self.sb.tag, self.name))[:15]
        run(["ip", "netns", "add", self.ns])
        self.created.append("ns")
        run(["ip", "link", "add", self.port, "type", "veth", "peer", "name",
             tmp])
        self.created.append("veth")
        run(["ip", "link", "set", tmp, "netns", self.ns])
        run(["ip", "link", "set", self.port, "netns", self.sb.netns])
        host = self.sb.host_run
        self.exec("ip", "link", "set", tmp, "name", self.dev)
        self.exec("ip", "link", "set", self.dev, "address", self.mac)
        if mtu:
            self.exec("ip", "link", "set", self.dev, "mtu", str(mtu))
            host(["ip", "link", "set", self.port, "mtu", str(mtu)])
        # ethtool may be missing some features on old kernels; tx off is the
        # one that matters and must succeed.
        host(["ethtool", "-K", self.port, "tx", "off"])
        self.exec("ethtool", "-K", self.dev, "tx", "off")
        # No IPv6 DAD delays or router solicitations unless a test asks.
        self.exec("sysctl", "-qw", "net.ipv6.conf.%s.accept_dad=0" % self.dev)
        self.exec("sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0")
        host(["sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % self.port],
             check=False)
        self.exec("ip", "link", "set", "lo", "up")
        self.exec("ip", "link", "set", self.dev, "up")
        host(["ip", "link", "set", self.port, "up"])
        for a in addrs:
            self.exec("ip", "addr", "add", a, "dev", self.dev)
        args = ["add-port", self.bridge, self.port]
        if tag is not None:
            args += ["tag=%d" % tag]
        if ofport is not None:
            args += ["--", "set", "interface", self.port,
                     "ofport_request=%d" % ofport]
        self.sb.vsctl(*args)
        self.created.append("port")
        self.ofport = self.sb.ofport(self.port)

    def exec(self, *args, check=True, timeout=60, input=None):
        """Runs a command in the namespace; returns its stdout."""
        return run(["ip", "netns", "exec", self.ns] + list(args), check=check,
                   timeout=timeout, input=input).stdout

    def run(self, *args, timeout=60, input=None):
        """Like exec() but returns the CompletedProcess and never raises on
        a non-zero exit."""
        return run(["ip", "netns", "exec", self.ns] + list(args), check=False,
                   timeout=timeout, input=input)

    def popen(self, *args, **kwargs):
        """Starts a background command in the namespace."""
        return subprocess.Popen(["ip", "netns", "exec", self.ns] + list(args),
                                **kwargs)

    def ping(self, addr, count=1, timeout=2):
        """True if 'addr' answers 'count' pings (IPv4 or IPv6)."""
        p = self.run("ping", "-c", str(count), "-W", str(timeout), "-i", "0.2",
                     addr, timeout=count * (timeout + 1) + 5)
        return p.returncode == 0

    def destroy(self):
        if "port" in self.created:
            self.sb.vsctl("--if-exists", "del-port", self.bridge, self.port,
                          check=False)
        if "veth" in self.created:
            # Still in the root namespace if the move failed.
            self.sb.host_run(["ip", "link", "del", self.port], check=False)
            run(["ip", "link", "del", self.port], check=False)
        if "ns" in self.created:
            # Processes left in the namespace (dnsmasq, tcpdump...) die
            # with it.
            _kill_netns_pids(self.ns)
            run(["ip", "netns", "del", self.ns], check=False)
        self.created = []
