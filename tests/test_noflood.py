"""NO_FLOOD through an OpenFlow 1.0 connection per bridge (src/noflood.c),
driven by tests/noflood-tool, against a real ovs-vswitchd and against fake
switches, and by vifguardd across an ovs-vswitchd restart.

Real OVS (the sandbox fixtures of tests/conftest.py): the tool talks to the
bridge's management socket SANDBOX/BRIDGE.mgmt (a filesystem socket, so it
works although ovs-vswitchd runs in a network namespace of its own), and
`ovs-ofctl -O OpenFlow10 show` is the judge of which ports carry NO_FLOOD.
The behavioural proof sends a broadcast on a netdev bridge with plain
NORMAL (no controller) and captures it in the receivers' namespaces.

Fake switches: a Python unix-socket server that speaks just enough
OpenFlow 1.0 and then misbehaves on purpose (garbage, early close,
silence, errors).  The client must end with a clean error, never crash,
and its timeout must work.
"""

import errno
import os
import re
import socket
import struct
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import BUILD_DIRS
from netlab import Capture, sendp
from vifguard_daemon import VifguardDaemon

NO_FLOOD = 0x10
OFPP_LOCAL = 65534
TIMEOUT = 5.0  # NOFLOOD_TIMEOUT in src/noflood.h.
# What ovs-vswitchd logs when a bridge refuses OpenFlow 1.0 (the client
# may close before ovs-vswitchd has sent its error: "Broken pipe").
NEGOTIATION_WARN = [r"version negotiation failed",
                    r"connection dropped \((Protocol error|Broken pipe|"
                    r"Connection reset by peer)\)"]


def tool_binary(build="plain"):
    path = os.path.join(BUILD_DIRS[build], "tests", "noflood-tool")
    if not os.access(path, os.X_OK):
        pytest.fail("%s not built (make check TESTS= in %s)"
                    % (path, BUILD_DIRS[build]), pytrace=False)
    return path


class Outcome:
    """The parsed output of one noflood-tool run."""

    def __init__(self, proc):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.results = {}   # op -> (error, text)
        # op -> [(ofport, want, changed, error, text, settled)]
        self.ports = {}
        self.elapsed = {}   # op -> seconds
        self.cancelled = set()
        for line in proc.stdout.splitlines():
            m = re.match(r"result op=(\d+) error=(-?\d+) text=(.*)$", line)
            if m:
                self.results[int(m.group(1))] = (int(m.group(2)),
                                                 m.group(3))
                continue
            m = re.match(r"port op=(\d+) ofport=(\d+) want=(on|off) "
                         r"changed=(yes|no) settled=(yes|no) error=(-?\d+) "
                         r"text=(.*)$", line)
            if m:
                self.ports.setdefault(int(m.group(1)), []).append(
                    (int(m.group(2)), m.group(3) == "on",
                     m.group(4) == "yes", int(m.group(6)), m.group(7),
                     m.group(5) == "yes"))
                continue
            m = re.match(r"elapsed op=(\d+) ([\d.]+)$", line)
            if m:
                self.elapsed[int(m.group(1))] = float(m.group(2))
                continue
            m = re.match(r"cancelled op=(\d+)$", line)
            if m:
                self.cancelled.add(int(m.group(1)))

    def error(self, op=0):
        return self.results[op][0]

    def port_errors(self, op=0):
        """{ofport: error} of operation 'op'."""
        return {p[0]: p[3] for p in self.ports.get(op, [])}

    def changed(self, op=0):
        return {p[0]: p[2] for p in self.ports.get(op, [])}

    def settled(self, op=0):
        return {p[0]: p[5] for p in self.ports.get(op, [])}

    def __repr__(self):
        return "rc=%d\n--- stdout\n%s--- stderr\n%s" % (
            self.rc, self.stdout, self.stderr)


def run_tool(*args, timeout=30, build="plain"):
    """Runs noflood-tool of 'build' with 'args' (strings); returns an
    Outcome.  Fails the test on a crash (signal) or a sanitizer report."""
    p = subprocess.run([tool_binary(build)] + [str(a) for a in args],
                       capture_output=True, text=True, timeout=timeout)
    out = Outcome(p)
    assert p.returncode >= 0, "noflood-tool died: %r" % out
    assert "Sanitizer" not in p.stderr and "runtime error" not in p.stderr, \
        repr(out)
    return out


def apply_ports(mgmt, ports, *opts):
    """Runs one operation on 'mgmt' with 'ports' {ofport: bool}."""
    return run_tool(*opts, mgmt,
                    *["%d=%s" % (p, "on" if v else "off")
                      for p, v in ports.items()])


def mgmt_path(sb, br):
    return os.path.join(sb.dir, br + ".mgmt")


def flood_bridge(sb, n=4, first=1, protocols="OpenFlow10,OpenFlow13"):
    """A dummy bridge allowing OpenFlow 1.0, with 'n' dummy ports
    first..first+n-1.  Returns its name."""
    br = sb.add_bridge(protocols=protocols)
    sb.add_dummy_ports(br, n, prefix="%sp" % br[-3:], first_ofport=first)
    return br


# ---- Against a real ovs-vswitchd. ----

def test_set_and_clear(ovs_dummy):
    sb = ovs_dummy
    br = flood_bridge(sb, 4)
    mgmt = mgmt_path(sb, br)
    assert sb.no_flood_ports(br) == set()

    out = apply_ports(mgmt, {1: True, 3: True, OFPP_LOCAL: True})
    assert out.rc == 0 and out.error() == 0, out
    assert out.port_errors() == {1: 0, 3: 0, OFPP_LOCAL: 0}, out
    assert out.changed() == {1: True, 3: True, OFPP_LOCAL: True}, out
    assert sb.no_flood_ports(br) == {1, 3, OFPP_LOCAL}
    # Only NO_FLOOD changed: the other config bits are as before.
    configs = sb.port_configs(br)
    assert configs[2] == configs[4] == configs[1] - {"NO_FLOOD"}

    # Again: nothing to change, nothing sent.
    out = apply_ports(mgmt, {1: True, 3: True})
    assert out.rc == 0 and out.changed() == {1: False, 3: False}, out

    # Clear one, set another, leave one as it is.
    out = apply_ports(mgmt, {1: False, 2: True, 3: True})
    assert out.rc == 0, out
    assert out.changed() == {1: True, 2: True, 3: False}, out
    assert sb.no_flood_ports(br) == {2, 3, OFPP_LOCAL}

    out = apply_ports(mgmt, {2: False, 3: False, OFPP_LOCAL: False})
    assert out.rc == 0, out
    assert sb.no_flood_ports(br) == set()


def test_missing_and_invalid_ports(ovs_dummy):
    """A port that is not on the bridge is reported on its own; the others
    are still applied."""
    sb = ovs_dummy
    br = flood_bridge(sb, 2)
    out = apply_ports(mgmt_path(sb, br), {1: True, 77: True, 2: False})
    assert out.rc == 1 and out.error() == errno.ENOENT, out
    assert out.port_errors() == {1: 0, 77: errno.ENOENT, 2: 0}, out
    assert out.settled() == {1: True, 77: True, 2: True}, out
    assert "port 77 is not on the bridge" in out.stderr
    assert sb.no_flood_ports(br) == {1}

    # Invalid numbers (0, reserved 1.0 numbers, beyond 16 bits) and a
    # repeated port: EINVAL for those entries only.
    out = run_tool(mgmt_path(sb, br), "0=on", "65280=on", "65535=on",
                   "70000=on", "2=on", "2=off")
    assert out.rc == 1 and out.error() == errno.EINVAL, out
    assert [p[3] for p in out.ports[0]] == [errno.EINVAL] * 4 + [
        0, errno.EINVAL], out
    assert sb.no_flood_ports(br) == {1, 2}


def test_no_ports(ovs_dummy):
    sb = ovs_dummy
    br = flood_bridge(sb, 1)
    out = run_tool(mgmt_path(sb, br))
    assert out.rc == 0 and out.error() == 0 and not out.ports, out


def test_missing_socket(tmp_path):
    out = apply_ports(str(tmp_path / "nobridge.mgmt"), {1: True})
    assert out.rc == 1 and out.error() == errno.ENOENT, out
    assert out.port_errors() == {1: errno.ENOENT}
    assert out.settled() == {1: False}
    assert "No such file or directory" in out.stderr, out
    # Not a socket at all.
    path = tmp_path / "file.mgmt"
    path.write_text("")
    out = apply_ports(str(path), {1: True})
    assert out.rc == 1 and out.error() == errno.ECONNREFUSED, out
    # A path too long for a unix socket.
    out = apply_ports("/tmp/" + "x" * 200 + ".mgmt", {1: True})
    assert out.rc == 1 and out.error() == errno.ENAMETOOLONG, out


@pytest.mark.ovs_log_allow(*NEGOTIATION_WARN)
def test_bridge_without_openflow10(ovs_dummy):
    """ovs-vswitchd applies Bridge.protocols to the management socket: a
    bridge that allows only OpenFlow 1.3 refuses the session, and the error
    says what to do."""
    sb = ovs_dummy
    br = flood_bridge(sb, 1, protocols="OpenFlow13")
    out = apply_ports(mgmt_path(sb, br), {1: True})
    assert out.rc == 1 and out.error() == errno.EPROTONOSUPPORT, out
    assert "add OpenFlow10" in out.stderr, out
    # Unset protocols allow every version, 1.0 included.
    sb.vsctl("clear", "bridge", br, "protocols")
    out = apply_ports(mgmt_path(sb, br), {1: True})
    assert out.rc == 0, out
    assert sb.no_flood_ports(br) == {1}


def test_survives_tag_change_not_readd(ovs_dummy):
    """What the engine relies on: NO_FLOOD survives a Port.tag change, and
    is lost when the port is deleted and added again."""
    sb = ovs_dummy
    br = flood_bridge(sb, 2)
    name = "%sp0" % br[-3:]
    out = apply_ports(mgmt_path(sb, br), {1: True, 2: True})
    assert out.rc == 0, out
    sb.vsctl("set", "port", name, "tag=10")
    assert sb.no_flood_ports(br) == {1, 2}
    sb.vsctl("del-port", br, name)
    sb.vsctl("add-port", br, name, "--", "set", "interface", name,
             "type=dummy", "ofport_request=1")
    sb.ofport(name)
    assert sb.no_flood_ports(br) == {2}


def test_many_ports_port_desc(ovs_dummy):
    """1400 ports do not fit in a 1.0 FEATURES_REPLY (at most 1364 do): the
    client asks for port descriptions (a multi-part reply) and finds every
    port."""
    sb = ovs_dummy
    n = 1400
    br = flood_bridge(sb, n)
    want = {p: p % 3 == 0 for p in range(1, n + 1)}
    want[OFPP_LOCAL] = True
    out = run_tool("-v", mgmt_path(sb, br),
                   *["%d=%s" % (p, "on" if v else "off")
                     for p, v in want.items()], timeout=60)
    assert out.rc == 0 and out.error() == 0, out
    assert "asking for port descriptions" in out.stderr
    assert set(out.port_errors().values()) == {0}
    assert sb.no_flood_ports(br) == {p for p, v in want.items() if v}


def port_hw_addrs(sb, br):
    """{ofport: "aa:bb:..."} from `ovs-ofctl -O OpenFlow10 show`."""
    out = sb.ofctl("show", br, version="OpenFlow10")
    return {OFPP_LOCAL if m.group(1) == "LOCAL" else int(m.group(1)):
            m.group(2)
            for m in re.finditer(r"^\s*(\d+|LOCAL)\(.*\): addr:(\S+)$",
                                 out, re.M)}


def test_hw_addr_given(ovs_dummy):
    """With every port's hardware address given, the session sends its
    PORT_MODs straight after HELLO (no FEATURES_REQUEST); a stale address or
    a port that is not on the bridge falls back to the switch's port list,
    which settles them as without an address."""
    sb = ovs_dummy
    br = flood_bridge(sb, 3)
    mgmt = mgmt_path(sb, br)
    hw = port_hw_addrs(sb, br)
    assert len(hw) == 4, hw

    out = run_tool("-v", mgmt, "1=on@" + hw[1], "%d=on@%s" % (
        OFPP_LOCAL, hw[OFPP_LOCAL]))
    assert out.rc == 0 and out.error() == 0, out
    assert out.changed() == {1: True, OFPP_LOCAL: True}, out
    assert "asking for features" not in out.stderr, out
    assert sb.no_flood_ports(br) == {1, OFPP_LOCAL}

    # Port 2's address is wrong, port 9 does not exist: both go through
    # the FEATURES_REPLY, after the barrier of the direct PORT_MODs.
    out = run_tool("-v", mgmt, "1=off@" + hw[1], "2=on@02:00:00:00:00:99",
                   "9=on@02:00:00:00:00:09")
    assert out.rc == 1 and out.error() == errno.ENOENT, out
    assert out.port_errors() == {1: 0, 2: 0, 9: errno.ENOENT}, out
    assert out.changed() == {1: True, 2: True, 9: False}, out
    assert "port 2: OFPPMFC_BAD_HW_ADDR, asking for features" in out.stderr
    assert "port 9: OFPPMFC_BAD_PORT, asking for features" in out.stderr
    assert sb.no_flood_ports(br) == {2, OFPP_LOCAL}

    # One port without an address: the whole operation reads the port list
    # and sends only what differs.
    out = run_tool(mgmt, "2=on@" + hw[2], "3=on")
    assert out.rc == 0 and out.changed() == {2: False, 3: True}, out
    assert sb.no_flood_ports(br) == {2, 3, OFPP_LOCAL}


def test_parallel_operations(ovs_dummy):
    """Operations on several bridges run at once, each on its own
    connection."""
    sb = ovs_dummy
    brs = [flood_bridge(sb, 3) for _ in range(3)]
    args = []
    for i, br in enumerate(brs):
        args += ["--", mgmt_path(sb, br), "%d=on" % (i + 1)]
    out = run_tool(*args[1:])
    assert out.rc == 0, out
    assert sorted(out.results) == [0, 1, 2], out
    for i, br in enumerate(brs):
        assert sb.no_flood_ports(br) == {i + 1}


def mgmt_connections(sb, br):
    """The number of connections ovs-vswitchd has accepted on the
    management socket of 'br' (needs rconn debug logging, which logs an
    unreliable connection's "connected" at that level only)."""
    with open(sb.log_path()) as f:
        return len(re.findall(r"\|rconn\|DBG\|%s<->unix#\d+: connected"
                              % re.escape(br), f.read()))


def test_operations_share_connection(ovs_dummy):
    """Operations on one session go over one connection, one after
    another, and each takes effect."""
    sb = ovs_dummy
    br = flood_bridge(sb, 3)
    sb.appctl("vlog/set", "rconn:file:dbg")
    hw = port_hw_addrs(sb, br)  # ovs-ofctl connects there too.
    mgmt = mgmt_path(sb, br)
    before = mgmt_connections(sb, br)
    out = run_tool("-v", mgmt, "1=on", "2=on", "--", mgmt, "1=off",
                   "3=on@" + hw[3], "--", mgmt, "2=off")
    assert out.rc == 0 and sorted(out.results) == [0, 1, 2], out
    assert mgmt_connections(sb, br) == before + 1
    assert out.stderr.count(": connected (") == 1, out
    assert sb.no_flood_ports(br) == {3}


@pytest.mark.ovs_log_allow(r"connection dropped", r"rconn.*(EOF|closed)")
def test_vswitchd_restart(ovs_dummy, build_dirs):
    """vifguardd keeps one NO_FLOOD connection per bridge: ovs-vswitchd
    restarting closes it; vifguardd connects again, sets every guest's bit
    again (the switch shows it) and then reuses that connection for a new
    guest."""
    sb = ovs_dummy
    br = sb.add_bridge(fail_mode="secure")
    uplink_args = ["--", "add-port", br, "up", "--", "set", "interface",
                   "up", "type=dummy", "ofport_request=10"]

    def guest_args(i):
        name = "g%d" % i
        return ["--", "add-port", br, name, "--", "set", "interface", name,
                "type=dummy", "ofport_request=%d" % i,
                "external_ids:attached-mac=02:00:00:00:00:%02x" % i]

    sb.vsctl(*(guest_args(1) + guest_args(2) + uplink_args)[1:])
    vg = VifguardDaemon(sb, build_dirs["plain"], args=["-vnoflood"]).start()
    try:
        vg.attach(br)
        vg.wait_state(["g1", "g2"])
        assert sb.no_flood_ports(br) == {1, 2}
        conns = vg.stats()["ofp_connections"]
        sb.restart_vswitchd()
        wait_for(lambda: vg.stats()["ofp_connections"] > conns,
                 "vifguardd to see the new connection")
        vg.wait_state(["g1", "g2"], timeout=30)
        wait_for(lambda: sb.no_flood_ports(br) == {1, 2},
                 "NO_FLOOD on the guests after the restart")
        sb.vsctl(*guest_args(3)[1:])
        vg.wait_state(["g1", "g2", "g3"])
        assert sb.no_flood_ports(br) == {1, 2, 3}
        connected = [l for l in vg.log_lines("DBG") if ": connected (" in l]
        assert len(connected) == 2, connected
        assert not vg.log_problems([r"disconnected", r"NO_FLOOD not applied"
                                    r".*(closed|reset)"])
    finally:
        vg.stop()


def test_port_recreated_by_vswitchd(ovs_dummy, build_dirs):
    """ovs-vswitchd re-creates a port when its type changes: same OVSDB row,
    same ofport, but a new port without the NO_FLOOD bit.  vifguardd learns
    it from the port's deletion and addition (OpenFlow PORT_STATUS) and
    sets the bit again."""
    sb = ovs_dummy
    br = sb.add_bridge(fail_mode="secure")
    sb.vsctl("add-port", br, "g1", "--", "set", "interface", "g1",
             "type=dummy", "ofport_request=1",
             "external_ids:attached-mac=02:00:00:00:00:01")
    vg = VifguardDaemon(sb, build_dirs["plain"]).start()
    try:
        vg.attach(br)
        vg.wait_state(["g1"])
        assert sb.no_flood_ports(br) == {1}
        sb.vsctl("set", "interface", "g1", "type=dummy-internal")

        def added():
            with open(sb.log_path()) as f:
                return f.read().count("added interface g1 on port 1")

        wait_for(lambda: added() == 2, "the port to be re-created")
        wait_for(lambda: sb.no_flood_ports(br) == {1},
                 "NO_FLOOD on the re-created port")
        vg.wait_state(["g1"])
        assert not vg.log_problems()
    finally:
        vg.stop()


def wait_for(pred, what, timeout=30):
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, "timed out waiting for " + what
        time.sleep(0.05)


def test_broadcast_stops_at_no_flood(ovs):
    """The proof at the receiver: on a netdev bridge with plain NORMAL (no
    controller), a broadcast from one namespace reaches the others; once
    NO_FLOOD is set on one port, that port's namespace receives no more
    broadcasts while the other still does; once cleared, it receives them
    again."""
    sb = ovs
    br = sb.add_bridge(protocols="OpenFlow10,OpenFlow13")
    a = sb.add_netns(br, "a", "02:00:00:00:0a:01", ["10.9.0.1/24"], ofport=1)
    b = sb.add_netns(br, "b", "02:00:00:00:0a:02", ["10.9.0.2/24"], ofport=2)
    c = sb.add_netns(br, "c", "02:00:00:00:0a:03", ["10.9.0.3/24"], ofport=3)
    mgmt = mgmt_path(sb, br)

    def broadcast(marker):
        """Sends UDP broadcasts carrying 'marker' from a; returns the
        capture texts at b and c."""
        caps = [Capture(ns, "udp port 9999") for ns in (b, c)]
        sendp(a, "Ether(src='%s', dst='ff:ff:ff:ff:ff:ff')/"
                 "IP(src='10.9.0.1', dst='255.255.255.255')/"
                 "UDP(sport=4000, dport=9999)/Raw(b'%s')" % (a.mac, marker))
        return [cap.stop().text() for cap in caps]

    at_b, at_c = broadcast("BEFORE")
    assert "BEFORE" in at_b and "BEFORE" in at_c

    out = apply_ports(mgmt, {b.ofport: True})
    assert out.rc == 0, out
    assert sb.no_flood_ports(br) == {b.ofport}
    at_b, at_c = broadcast("DURING")
    assert "DURING" in at_c, "control broadcast lost: the test is broken"
    assert "DURING" not in at_b, "broadcast flooded to a NO_FLOOD port"

    out = apply_ports(mgmt, {b.ofport: False})
    assert out.rc == 0, out
    at_b, at_c = broadcast("AFTER")
    assert "AFTER" in at_b and "AFTER" in at_c


def test_watch_reports_other_clients(ovs_dummy):
    """A watching session (noflood.h, "Watching") hears of another client's
    PORT_MOD on the bridge (here `ovs-ofctl mod-port BR 1 flood`), not of
    its own.  NXT_SET_ASYNC_CONFIG alone turns the reports on (no
    SET_CONFIG, which would also set the bridge's fragment handling)."""
    sb = ovs_dummy
    br = flood_bridge(sb, 2)
    sb.ofctl("set-frags", br, "drop", version="OpenFlow10")
    proc = subprocess.Popen(
        [tool_binary(), "--watch=2", mgmt_path(sb, br), "1=on", "2=on"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = []
        for line in proc.stdout:
            first.append(line)
            if line.startswith("elapsed op=0"):
                break
        assert sb.no_flood_ports(br) == {1, 2}, first
        sb.ofctl("mod-port", br, "1", "flood", version="OpenFlow10")
        sb.ofctl("mod-port", br, "2", "down", version="OpenFlow10")
        rest, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, (first, rest, err)
    assert not [l for l in first if l.startswith("watch")], first
    watched = [l for l in rest.splitlines() if l.startswith("watch")]
    # Port 2 down: a report for its config, another for its link state.
    assert watched[0] == "watch ofport=1 no_flood=off", (rest, err)
    assert set(watched[1:]) == {"watch ofport=2 no_flood=on"}, (rest, err)
    assert "Sanitizer" not in err
    assert sb.ofctl("get-frags", br, version="OpenFlow10").strip() == "drop"


# ---- Against fake switches. ----

def of10(type_, xid, body=b"", version=1):
    return struct.pack("!BBHI", version, type_, 8 + len(body), xid) + body


def phy_port(port_no, mac, name, config=0):
    return struct.pack("!H6s16sIIIIII", port_no, bytes.fromhex(
        mac.replace(":", "")), name.encode(), config, 0, 0xc0, 0, 0, 0)


def features_reply(xid, ports, dpid=0x1234):
    return of10(6, xid, struct.pack("!QIB3xII", dpid, 0, 254, 0xc7, 0xfff)
                + b"".join(ports))


PORTS = [phy_port(1, "aa:00:00:00:00:01", "vif1.0"),
         phy_port(2, "aa:00:00:00:00:02", "vif2.0", config=NO_FLOOD),
         phy_port(OFPP_LOCAL, "aa:00:00:00:00:fe", "xenbr0")]


class FakeSwitch:
    """A unix socket server at 'path' that runs 'script(conn, fake)' on
    each connection (in a thread); 'fake.received' collects every message
    the client sent."""

    def __init__(self, script, path=None, accept=True):
        self.dir = tempfile.mkdtemp(prefix="vg-nf-")
        self.path = path or os.path.join(self.dir, "fake.mgmt")
        self.script = script
        self.received = []
        self.errors = []
        self.n_conns = 0  # Connections accepted.
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(self.path)
        self.sock.listen(4)
        self.stop = False
        self.thread = None
        if accept:
            self.thread = threading.Thread(target=self._serve, daemon=True)
            self.thread.start()

    def _serve(self):
        self.sock.settimeout(0.2)
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.n_conns += 1
            try:
                with conn:
                    conn.settimeout(TIMEOUT + 3)
                    self.script(conn, self)
            except Exception as e:  # noqa: BLE001 -- reported by close()
                self.errors.append(e)

    def recv_msg(self, conn):
        """Reads one message; returns (version, type, xid, body) or None at
        EOF."""
        head = self._recv_exact(conn, 8)
        if head is None:
            return None
        version, type_, length, xid = struct.unpack("!BBHI", head)
        body = self._recv_exact(conn, length - 8) if length > 8 else b""
        msg = (version, type_, xid, body)
        self.received.append(msg)
        return msg

    @staticmethod
    def _recv_exact(conn, n):
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def close(self):
        self.stop = True
        self.sock.close()
        if self.thread:
            self.thread.join(TIMEOUT + 5)
        try:
            os.unlink(self.path)
        except OSError:
            pass
        os.rmdir(self.dir)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def handshake(conn, fake, ports=PORTS):
    """Plays a correct switch up to and including FEATURES_REPLY."""
    conn.sendall(of10(0, 1))
    hello = fake.recv_msg(conn)
    assert hello[:2] == (1, 0)
    freq = fake.recv_msg(conn)
    assert freq[:2] == (1, 5) and freq[3] == b""
    conn.sendall(features_reply(freq[2], ports))


def finish(conn, fake):
    """Reads PORT_MODs until the barrier and answers it."""
    while True:
        msg = fake.recv_msg(conn)
        if msg is None:
            return
        if msg[1] == 18:
            conn.sendall(of10(19, msg[2]))
            return


def test_fake_interleaved_async_and_echo():
    """PACKET_IN, PORT_STATUS, FLOW_REMOVED and an unknown reply are
    ignored; an ECHO request is answered with the same xid and data."""
    echo = {}

    def script(conn, fake):
        conn.sendall(of10(0, 1))
        fake.recv_msg(conn)
        freq = fake.recv_msg(conn)
        conn.sendall(of10(10, 0, struct.pack("!IHHBx", 0xffffffff, 4, 1, 0)
                          + b"abcd"))
        conn.sendall(of10(12, 0, struct.pack("!B7x", 2) + PORTS[0]))
        conn.sendall(of10(2, 0x55, b"ping"))
        reply = fake.recv_msg(conn)
        echo["reply"] = reply
        conn.sendall(of10(6, 999, b"\0" * 24))  # A reply nobody asked for.
        conn.sendall(features_reply(freq[2], PORTS))
        mods = []
        while True:
            msg = fake.recv_msg(conn)
            if msg[1] == 15:
                mods.append(msg)
                conn.sendall(of10(10, 0, struct.pack("!IHHBx", 0xffffffff, 4,
                                                     1, 0) + b"abcd"))
            elif msg[1] == 18:
                conn.sendall(of10(11, 0, b"\0" * 80))
                conn.sendall(of10(19, msg[2]))
                break
        echo["mods"] = mods

    with FakeSwitch(script) as fake:
        out = apply_ports(fake.path, {1: True, 2: False, OFPP_LOCAL: False})
    assert not fake.errors, fake.errors
    assert out.rc == 0 and out.error() == 0, out
    assert out.changed() == {1: True, 2: True, OFPP_LOCAL: False}, out
    assert echo["reply"] == (1, 3, 0x55, b"ping")
    mods = {struct.unpack("!H", m[3][:2])[0]: m for m in echo["mods"]}
    assert sorted(mods) == [1, 2]
    # port 1: hw_addr from the features reply, config NO_FLOOD, mask
    # NO_FLOOD, advertise 0.
    assert mods[1][3] == (struct.pack("!H", 1) + bytes.fromhex("aa0000000001")
                          + struct.pack("!III4x", NO_FLOOD, NO_FLOOD, 0))
    assert mods[2][3] == (struct.pack("!H", 2) + bytes.fromhex("aa0000000002")
                          + struct.pack("!III4x", 0, NO_FLOOD, 0))


def test_fake_port_mod_rejected():
    """An ERROR for one PORT_MOD fails that port (with the ofperr of the
    1.0 error) and the operation; the others succeed."""
    def script(conn, fake):
        handshake(conn, fake)
        while True:
            msg = fake.recv_msg(conn)
            if msg[1] == 15 and msg[3][:2] == b"\x00\x01":
                bad = of10(msg[1], msg[2], msg[3])
                conn.sendall(of10(1, msg[2], struct.pack("!HH", 4, 1) + bad))
            elif msg[1] == 18:
                conn.sendall(of10(19, msg[2]))
                return

    with FakeSwitch(script) as fake:
        out = apply_ports(fake.path, {1: True, 2: False})
    assert not fake.errors, fake.errors
    assert out.rc == 1 and out.results[0][1] == "OFPPMFC_BAD_HW_ADDR", out
    errs = out.port_errors()
    assert errs[2] == 0 and errs[1] == out.error(), out
    assert out.settled() == {1: True, 2: True}, out
    assert "rejected PORT_MOD: OFPPMFC_BAD_HW_ADDR" in out.stderr


def test_fake_hw_addr_given():
    """With the addresses given: HELLO, the PORT_MODs with those addresses
    and a barrier, nothing else; a PORT_MOD rejected as BAD_HW_ADDR is sent
    again with the address of the FEATURES_REPLY that follows the
    barrier."""
    got = {}

    def script(conn, fake):
        conn.sendall(of10(0, 1))
        msgs = [fake.recv_msg(conn) for _ in range(4)]
        got["first"] = [m[1] for m in msgs]
        for m in msgs[1:3]:
            if m[3][:2] == b"\x00\x02":
                bad = of10(m[1], m[2], m[3])
                conn.sendall(of10(1, m[2], struct.pack("!HH", 4, 1) + bad))
        conn.sendall(of10(19, msgs[3][2]))
        freq = fake.recv_msg(conn)
        got["then"] = freq[1]
        conn.sendall(features_reply(freq[2], PORTS))
        mod = fake.recv_msg(conn)
        got["resent"] = mod[3]
        finish(conn, fake)

    with FakeSwitch(script) as fake:
        out = run_tool(fake.path, "1=on@aa:00:00:00:00:01",
                       "2=off@02:00:00:00:00:02")
    assert not fake.errors, fake.errors
    assert out.rc == 0 and out.error() == 0, out
    assert out.changed() == {1: True, 2: True}, out
    # HELLO, PORT_MOD, PORT_MOD, BARRIER_REQUEST; then FEATURES_REQUEST.
    assert got["first"] == [0, 15, 15, 18] and got["then"] == 5, got
    assert got["resent"] == (struct.pack("!H", 2) +
                             bytes.fromhex("aa0000000002") +
                             struct.pack("!III4x", 0, NO_FLOOD, 0))


def port_status(reason, port):
    return of10(12, 0, struct.pack("!B7x", reason) + port)


@pytest.mark.parametrize("switch", ["answers", "refuses"])
def test_fake_watch(switch):
    """A watching session sends NXT_SET_ASYNC_CONFIG (PORT_STATUS MODIFY
    only) right after HELLO and the operation's requests right after it,
    nothing else (no GET_CONFIG / SET_CONFIG).  It reports PORT_STATUS
    MODIFY (not ADD), and a connection lost while watching.  A malformed
    PORT_STATUS fails the connection.  A switch that refuses the request
    still gets the operation, unwatched, with a warning."""
    got = {}

    def script(conn, fake):
        conn.sendall(of10(0, 1))
        assert fake.recv_msg(conn)[1] == 0
        got["async"] = fake.recv_msg(conn)
        freq = fake.recv_msg(conn)
        got["then"] = freq[1]
        if switch == "refuses":
            conn.sendall(of10(1, got["async"][2], struct.pack("!HH", 1, 1)))
        conn.sendall(features_reply(freq[2], PORTS))
        finish(conn, fake)
        conn.sendall(port_status(2, phy_port(1, "aa:00:00:00:00:01",
                                             "vif1.0")))
        conn.sendall(port_status(0, PORTS[0]))
        conn.sendall(port_status(2, PORTS[1]))
        conn.sendall(of10(12, 0, b"\x02" * 9))
        while fake.recv_msg(conn):
            pass

    with FakeSwitch(script) as fake:
        out = run_tool("--watch=1", "-v", fake.path, "1=on")
    assert not fake.errors, fake.errors
    assert out.rc == 0 and out.error() == 0, out
    # Vendor 0x2320, subtype 19; packet_in 0, port_status 1 << MODIFY for
    # both roles, flow_removed 0.  Then FEATURES_REQUEST.
    assert got["async"][1] == 4 and got["async"][3] == struct.pack(
        "!II6I", 0x2320, 19, 0, 0, 4, 4, 0, 0), got
    assert got["then"] == 5, got
    assert not [m for m in fake.received if m[1] in (7, 9)], fake.received
    watched = [l for l in out.stdout.splitlines() if l.startswith("watch")]
    if switch == "refuses":
        assert "switch refused to report port changes" in out.stderr, out
        assert watched == [], out
        return
    assert watched == ["watch ofport=1 no_flood=off",
                       "watch ofport=2 no_flood=on", "watch lost"], out
    assert "malformed PORT_STATUS" in out.stderr, out


def test_fake_features_error():
    """An ERROR in reply to FEATURES_REQUEST ends the operation with it."""
    def script(conn, fake):
        conn.sendall(of10(0, 1))
        fake.recv_msg(conn)
        freq = fake.recv_msg(conn)
        conn.sendall(of10(1, freq[2], struct.pack("!HH", 1, 5)
                          + of10(5, freq[2])))
        fake.recv_msg(conn)

    with FakeSwitch(script) as fake:
        out = apply_ports(fake.path, {1: True})
    assert out.rc == 1 and out.results[0][1] == "OFPBRC_EPERM", out
    assert out.port_errors()[1] == out.error()


def test_fake_hello_failed():
    def script(conn, fake):
        conn.sendall(of10(0, 1))
        fake.recv_msg(conn)
        conn.sendall(of10(1, 1, struct.pack("!HH", 0, 0)
                          + b"We support 1.3 only\x00\xff"))
        fake.recv_msg(conn)

    with FakeSwitch(script) as fake:
        out = apply_ports(fake.path, {1: True})
    assert out.rc == 1 and out.error() == errno.EPROTONOSUPPORT, out
    assert "We support 1.3 only??" in out.stderr, out


class SwitchModel:
    """The ports of a fake switch ({port_no: [mac, name, config]}, from
    PORTS), kept up to date by the PORT_MODs it serves."""

    def __init__(self):
        self.ports = {}
        for p in PORTS:
            no, mac, name, config = struct.unpack("!H6s16sI", p[:28])
            self.ports[no] = [mac.hex(":"), name.rstrip(b"\0").decode(),
                              config]
        self.barriers = []   # xids of the barriers answered

    def serve_op(self, conn, fake, first=None, before_barrier=None):
        """Serves one operation (FEATURES_REQUEST or PORT_MODs up to and
        including the barrier, whose reply it sends); 'first' is its first
        message if already read.  Returns the messages of the operation, or
        None at EOF.  before_barrier(conn, msgs) runs before the barrier
        reply."""
        msgs = []
        while True:
            msg = first or fake.recv_msg(conn)
            first = None
            if msg is None:
                return None
            msgs.append(msg)
            if msg[1] == 5:
                conn.sendall(features_reply(msg[2], [
                    phy_port(no, mac, name, config)
                    for no, (mac, name, config) in self.ports.items()]))
            elif msg[1] == 15:
                no, _, config, mask = struct.unpack("!H6sII", msg[3][:16])
                p = self.ports[no]
                p[2] = (p[2] & ~mask) | (config & mask)
            elif msg[1] == 18:
                if before_barrier:
                    before_barrier(conn, msgs)
                conn.sendall(of10(19, msg[2]))
                self.barriers.append(msg[2])
                return msgs

    def no_flood(self):
        return {no for no, p in self.ports.items() if p[2] & NO_FLOOD}


@pytest.mark.parametrize("build", ["plain", "asan"])
def test_fake_operations_share_a_connection(build):
    """Several operations run one after another on one connection with one
    HELLO, each with transaction ids of its own: a stale reply for an
    earlier operation (its barrier again) is not taken for the current
    one's.  The idle connection answers ECHO and ignores PORT_STATUS."""
    sw = SwitchModel()
    got = {}

    def stale_then_error(conn, msgs):
        # Op 1's barrier reply again, then an error for op 1's PORT_MOD:
        # a client that took the first for its own would end op 1 with
        # success before seeing the second.
        mod = [m for m in msgs if m[1] == 15][0]
        conn.sendall(of10(19, sw.barriers[0]))
        conn.sendall(of10(1, mod[2], struct.pack("!HH", 4, 1)
                          + of10(15, mod[2], mod[3])))

    def script(conn, fake):
        conn.sendall(of10(0, 1))
        assert fake.recv_msg(conn)[:2] == (1, 0)
        got[0] = sw.serve_op(conn, fake)
        # Idle: an ECHO and a PORT_STATUS from the switch.
        conn.sendall(of10(12, 0, struct.pack("!B7x", 2) + PORTS[0]))
        conn.sendall(of10(2, 0x77, b"idle"))
        got["echo"] = fake.recv_msg(conn)
        got[1] = sw.serve_op(conn, fake, before_barrier=stale_then_error)
        got[2] = sw.serve_op(conn, fake)
        assert fake.recv_msg(conn) is None

    with FakeSwitch(script) as fake:
        out = run_tool("--gap=0.2", fake.path, "1=on", "2=on", "--",
                       fake.path, "2=off", "--",
                       fake.path, "1=off@aa:00:00:00:00:01", "2=on",
                       build=build)
    assert not fake.errors, fake.errors
    assert fake.n_conns == 1
    assert [m[1] for m in fake.received].count(0) == 1, fake.received
    assert out.error(0) == 0 and out.error(2) == 0, out
    assert out.port_errors(1) == {2: out.error(1)}, out
    assert out.results[1][1] == "OFPPMFC_BAD_HW_ADDR", out
    assert got["echo"] == (1, 3, 0x77, b"idle")
    xids = [m[2] for k in range(3) for m in got[k]]
    assert len(set(xids)) == len(xids), xids
    # Op 2 has every address but one: it reads the port list first.
    assert [m[1] for m in got[2]] == [5, 15, 15, 18], got[2]
    assert sw.no_flood() == {2}


@pytest.mark.parametrize("build", ["plain", "asan"])
def test_fake_reconnects(build):
    """The switch closes the connection between operations (the next one
    connects again, HELLO first) and during one (that one fails unsettled,
    the next connects again)."""
    sw = SwitchModel()

    def script(conn, fake):
        conn.sendall(of10(0, 1))
        assert fake.recv_msg(conn)[:2] == (1, 0)
        if fake.n_conns == 1:
            sw.serve_op(conn, fake)     # Op 0, then closes while idle.
        elif fake.n_conns == 2:
            sw.serve_op(conn, fake)     # Op 1.
            # Op 2: its request arrives, the switch goes away.
            assert fake.recv_msg(conn)[1] == 5
        else:
            sw.serve_op(conn, fake)     # Op 3.

    with FakeSwitch(script) as fake:
        out = run_tool("--gap=0.3", fake.path, "1=on", "--",
                       fake.path, "2=off", "--",
                       fake.path, "%d=on" % OFPP_LOCAL, "--",
                       fake.path, "1=off", build=build)
    assert not fake.errors, fake.errors
    assert fake.n_conns == 3, out
    assert [out.error(k) for k in (0, 1, 3)] == [0, 0, 0], out
    assert out.error(2) == errno.ECONNRESET, out
    assert out.settled(2) == {OFPP_LOCAL: False}, out
    assert [m[1] for m in fake.received].count(0) == 3
    assert sw.no_flood() == set()


def test_fake_timeout_then_next_operation():
    """An operation that times out closes the connection (its state is
    unknown); the next one connects again and succeeds."""
    sw = SwitchModel()

    def script(conn, fake):
        conn.sendall(of10(0, 1))
        fake.recv_msg(conn)
        if fake.n_conns == 1:
            sw.serve_op(conn, fake)
            assert fake.recv_msg(conn)[1] == 5  # Op 1: never answered.
            assert fake.recv_msg(conn) is None  # Closed by the client.
        else:
            sw.serve_op(conn, fake)

    with FakeSwitch(script) as fake:
        out = run_tool(fake.path, "1=on", "--", fake.path, "2=off", "--",
                       fake.path, "1=off")
    assert not fake.errors, fake.errors
    assert out.error(0) == 0 and out.error(2) == 0, out
    assert out.error(1) == errno.ETIMEDOUT, out
    assert TIMEOUT - 0.1 <= out.elapsed[1] < TIMEOUT + 2, out
    assert fake.n_conns == 2
    assert sw.no_flood() == {2}


@pytest.mark.parametrize("name,send", [
    ("http", b"GET / HTTP/1.0\r\n\r\n"),
    ("short-length", bytes.fromhex("0100000400000001")),
    ("hello-then-version-4", of10(0, 1) + of10(6, 2, b"\0" * 24, version=4)),
    ("hello-then-bad-type", of10(0, 1) + of10(200, 2)),
    ("hello-then-short-length",
     of10(0, 1) + bytes.fromhex("0106000600000002")),
    ("bad-features-body", of10(0, 1) + of10(6, 2, b"\0" * 25)),
    ("bad-error", of10(0, 1) + of10(1, 2, b"\0\1")),
    ("barrier-with-body", of10(0, 1) + of10(19, 4, b"x")),
    ("not-hello-first", of10(6, 2, b"\0" * 24)),
    ("hello-version-0", of10(0, 1, version=0)),
])
def test_fake_garbage(name, send):
    """Bytes that are not valid OpenFlow 1.0 end the operation with EPROTO
    (or EPROTONOSUPPORT for a HELLO we cannot speak), quickly."""
    def script(conn, fake):
        fake.recv_msg(conn)
        conn.sendall(send)
        # Let the client close first.
        while fake.recv_msg(conn) is not None:
            pass

    with FakeSwitch(script) as fake:
        out = apply_ports(fake.path, {1: True})
    want = errno.EPROTONOSUPPORT if name == "hello-version-0" else \
        errno.EPROTO
    assert out.rc == 1 and out.error() == want, out
    assert out.port_errors() == {1: want}
    # "GET / HT..." announces a 21536-byte message: its header alone is
    # enough to reject it, without waiting for the timeout.
    assert out.elapsed[0] < 2, out


@pytest.mark.parametrize("when", ["at-once", "after-hello", "mid-message",
                                  "before-barrier-reply"])
def test_fake_closes_early(when):
    def script(conn, fake):
        if when == "at-once":
            return
        conn.sendall(of10(0, 1))
        fake.recv_msg(conn)
        freq = fake.recv_msg(conn)
        if when == "after-hello":
            return
        if when == "mid-message":
            conn.sendall(features_reply(freq[2], PORTS)[:50])
            return
        conn.sendall(features_reply(freq[2], PORTS))
        while fake.recv_msg(conn)[1] != 18:
            pass

    with FakeSwitch(script) as fake:
        out = apply_ports(fake.path, {1: True, 2: True})
    assert out.rc == 1 and out.error() == errno.ECONNRESET, out
    errs = out.port_errors()
    if when == "before-barrier-reply":
        # Port 2 already had the bit; port 1's PORT_MOD is unconfirmed.
        assert errs == {1: errno.ECONNRESET, 2: 0}, out
        assert out.settled() == {1: False, 2: True}, out
        assert out.changed()[1]
    else:
        assert errs == {1: errno.ECONNRESET, 2: errno.ECONNRESET}, out
    if when == "mid-message":
        assert "in the middle of a message" in out.stderr


@pytest.mark.parametrize("how", ["silent-after-hello", "no-barrier-reply",
                                 "never-accepts"])
def test_fake_timeout(how):
    """A switch that stops answering: the operation fails with ETIMEDOUT
    after NOFLOOD_TIMEOUT seconds, not before, not much later."""
    def script(conn, fake):
        conn.sendall(of10(0, 1))
        fake.recv_msg(conn)
        freq = fake.recv_msg(conn)
        if how == "no-barrier-reply":
            conn.sendall(features_reply(freq[2], PORTS))
        while fake.recv_msg(conn) is not None:
            pass

    with FakeSwitch(script, accept=how != "never-accepts") as fake:
        out = apply_ports(fake.path, {1: True})
    assert out.rc == 1 and out.error() == errno.ETIMEDOUT, out
    assert TIMEOUT - 0.1 <= out.elapsed[0] < TIMEOUT + 2, out
    assert "no answer within 5 seconds" in out.stderr


def test_fake_cancel():
    """A cancelled operation closes its connection at once (the tool lives
    two seconds longer) and never calls back."""
    closed = []

    def script(conn, fake):
        conn.sendall(of10(0, 1))
        while fake.recv_msg(conn) is not None:
            pass
        closed.append(time.monotonic())

    with FakeSwitch(script) as fake:
        start = time.monotonic()
        out = run_tool("--cancel-after=0.5", fake.path, "1=on")
        end = time.monotonic()
    assert out.rc == 3, out
    assert out.cancelled == {0} and not out.results, out
    assert not fake.errors, fake.errors
    assert closed and closed[0] - start < end - start - 1, \
        "the cancelled connection stayed open until the tool exited"


def test_fake_port_desc_parts():
    """A FEATURES_REPLY without room for another port (1364 ports): the
    client asks for port descriptions, which come in two parts
    (REPLY_MORE), and finds ports of both."""
    many = [phy_port(i, "aa:00:00:00:%02x:%02x" % (i >> 8, i & 255),
                     "p%d" % i) for i in range(1, 1365)]

    def script(conn, fake):
        handshake(conn, fake, ports=many)
        req = fake.recv_msg(conn)
        assert req[1] == 16 and req[3] == struct.pack("!HH", 13, 0)
        first = [phy_port(i, "aa:00:00:00:00:01", "p%d" % i)
                 for i in range(1, 1001)]
        second = [phy_port(i, "aa:00:00:00:00:02", "p%d" % i)
                  for i in range(1001, 1501)]
        conn.sendall(of10(17, req[2], struct.pack("!HH", 13, 1)
                          + b"".join(first)))
        conn.sendall(of10(17, req[2], struct.pack("!HH", 13, 0)
                          + b"".join(second)))
        finish(conn, fake)

    with FakeSwitch(script) as fake:
        out = apply_ports(fake.path, {5: True, 1400: True, 1600: True})
    assert not fake.errors, fake.errors
    assert out.port_errors() == {5: 0, 1400: 0, 1600: errno.ENOENT}, out
    mods = [m for m in fake.received if m[1] == 15]
    assert len(mods) == 2
    # The address comes from the port description (not the features).
    by_port = {struct.unpack("!H", m[3][:2])[0]: m[3][2:8] for m in mods}
    assert by_port == {5: bytes.fromhex("aa0000000001"),
                       1400: bytes.fromhex("aa0000000002")}


def test_mgmt_path():
    def path(remote, rundir, bridge):
        return run_tool("--path", remote, rundir, bridge).stdout.strip()

    assert path("-", "-", "xenbr0") == "/var/run/openvswitch/xenbr0.mgmt"
    assert path("unix:/var/run/openvswitch/db.sock", "-", "br0") == \
        "/var/run/openvswitch/br0.mgmt"
    assert path("unix:/tmp/sb/db.sock", "-", "br0") == "/tmp/sb/br0.mgmt"
    assert path("unix:/db.sock", "-", "br0") == "/br0.mgmt"
    assert path("unix:db.sock", "-", "br0") == "./br0.mgmt"
    assert path("tcp:127.0.0.1:6640", "-", "br0") == \
        "/var/run/openvswitch/br0.mgmt"
    assert path("unix:/tmp/sb/db.sock", "/run/ovs/", "br0") == \
        "/run/ovs/br0.mgmt"
    assert path("-", "/", "br0") == "/br0.mgmt"
