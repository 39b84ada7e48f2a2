"""The OVSDB client (src/jsonrpc.c, src/ovsdb.c) against real and fake
servers, through tests/ovsdb-watch.

ovsdb-watch prints every snapshot the client delivers as text; Watch below
parses it and lets a test wait for a snapshot that satisfies a condition.

Servers:
  OvsdbOnly   a private ovsdb-server without ovs-vswitchd (this file): fast,
              needs no root; ovs-vsctl --no-wait edits the database.
  ovs_dummy   the shared sandbox fixture (tests/conftest.py) with
              ovs-vswitchd, for what only ovs-vswitchd writes (ofport,
              datapath_id).
  FakeOvsdb   a Python unix-socket server that speaks just enough JSON-RPC
              (list_dbs, monitor) and then misbehaves on purpose: garbage,
              wrong types, huge or cut messages, silence.  The client must log,
              drop the connection when the stream is broken, reconnect, and
              never crash.
"""

import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import BUILD_DIRS

SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"


def watch_binary():
    path = os.path.join(BUILD_DIRS["plain"], "tests", "ovsdb-watch")
    if not os.access(path, os.X_OK):
        pytest.fail("%s not built (make check TESTS= in %s)"
                    % (path, BUILD_DIRS["plain"]), pytrace=False)
    return path


# Snapshot text (ovsdb_format_host() in src/ovsdb.c).

_DECODER = json.JSONDecoder()


def _parse_value(s, i):
    """Parses one value of a snapshot line at s[i:]; returns (value, end)."""
    if s.startswith("null", i):
        return None, i + 4
    if s[i] in '"[':
        return _DECODER.raw_decode(s, i)
    if s[i] == "{":
        # {"k"="v","k2"="v2"}
        m = {}
        i += 1
        while s[i] != "}":
            k, i = _DECODER.raw_decode(s, i)
            assert s[i] == "=", s
            v, i = _DECODER.raw_decode(s, i + 1)
            m[k] = v
            if s[i] == ",":
                i += 1
        return m, i + 1
    j = s.find(" ", i)
    j = len(s) if j < 0 else j
    return s[i:j], j


INT_FIELDS = ("ofport", "tag", "port_ifaces")


def parse_line(line):
    """'bridge "br" k=v...' or 'iface "br" "if" k=v...' -> (kind, names,
    fields)."""
    kind, i = line.split(" ", 1)[0], len(line.split(" ", 1)[0]) + 1
    names = []
    fields = {}
    while i < len(line):
        if line[i] == '"':
            v, i = _DECODER.raw_decode(line, i)
            names.append(v)
        else:
            eq = line.index("=", i)
            key = line[i:eq]
            fields[key], i = _parse_value(line, eq + 1)
            if key in INT_FIELDS:
                fields[key] = int(fields[key])
        if i < len(line):
            assert line[i] == " ", line
            i += 1
    return kind, names, fields


class Snapshot:
    """One snapshot: .bridges {name: fields}, .ifaces {(br, name): fields}."""

    def __init__(self, number, lines):
        self.number = number
        self.lines = lines
        self.bridges = {}
        self.ifaces = {}
        for line in lines:
            kind, names, fields = parse_line(line)
            if kind == "bridge":
                self.bridges[names[0]] = fields
            else:
                assert kind == "iface", line
                self.ifaces[(names[0], names[1])] = fields

    def iface(self, name):
        """The fields of interface 'name' on any bridge, or None."""
        for (br, n), f in self.ifaces.items():
            if n == name:
                return dict(f, bridge=br)
        return None

    def __repr__(self):
        return "snapshot %d:\n  %s" % (self.number, "\n  ".join(self.lines))


class Watch:
    """A running ovsdb-watch on 'remote'; snapshots arrive in a queue."""

    def __init__(self, remote, tmpdir, args=()):
        self.stderr_path = os.path.join(str(tmpdir), "ovsdb-watch-%d.log"
                                        % time.monotonic_ns())
        self.stderr = open(self.stderr_path, "w")
        self.proc = subprocess.Popen([watch_binary(), remote] + list(args),
                                     stdout=subprocess.PIPE,
                                     stderr=self.stderr, text=True)
        self.snapshots = queue.Queue()
        self.all = []
        self.tail = []          # Lines after the last snapshot (stats).
        self.thread = threading.Thread(target=self._reader, daemon=True)
        self.thread.start()
        self.last = None

    def _reader(self):
        cur = None
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            m = re.fullmatch(r"snapshot (\d+)", line)
            if m:
                cur = (int(m.group(1)), [])
            elif cur and line == "end %d" % cur[0]:
                snap = Snapshot(cur[0], cur[1])
                self.all.append(snap)
                self.snapshots.put(snap)
                cur = None
            elif cur:
                cur[1].append(line)
            else:
                self.tail.append(line)
        self.snapshots.put(None)

    def next(self, timeout=10):
        """The next snapshot; fails after 'timeout' seconds."""
        try:
            snap = self.snapshots.get(timeout=timeout)
        except queue.Empty:
            pytest.fail("no snapshot within %ss; log:\n%s"
                        % (timeout, self.log()))
        if snap is None:
            pytest.fail("ovsdb-watch exited (%s); log:\n%s"
                        % (self.proc.poll(), self.log()))
        self.last = snap
        return snap

    def wait_for(self, cond, timeout=10, what="condition"):
        """Returns the first new snapshot for which cond(snapshot) holds."""
        deadline = time.monotonic() + timeout
        seen = None
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail("no snapshot with %s within %ss; last %r\nlog:\n%s"
                            % (what, timeout, seen, self.log()))
            try:
                snap = self.snapshots.get(timeout=left)
            except queue.Empty:
                continue
            if snap is None:
                pytest.fail("ovsdb-watch exited; log:\n%s" % self.log())
            seen = self.last = snap
            if cond(snap):
                return snap

    def no_snapshot(self, seconds):
        """Asserts that no snapshot arrives within 'seconds'."""
        try:
            snap = self.snapshots.get(timeout=seconds)
        except queue.Empty:
            return
        pytest.fail("unexpected %r" % snap)

    def log(self):
        if not self.stderr.closed:
            self.stderr.flush()
        with open(self.stderr_path, errors="replace") as f:
            return f.read()

    def wait_log(self, regex, timeout=10, count=1):
        """Waits until 'regex' matches 'count' lines of the log."""
        deadline = time.monotonic() + timeout
        while True:
            n = len(re.findall(regex, self.log(), re.M))
            if n >= count:
                return
            if time.monotonic() > deadline:
                pytest.fail("log has %d of %d lines matching %r:\n%s"
                            % (n, count, regex, self.log()))
            time.sleep(0.05)

    def problems(self):
        """WARN and ERR lines of the log."""
        return [l for l in self.log().splitlines()
                if re.search(r"\|(WARN|ERR)\|", l)]

    def stop(self):
        """Stops ovsdb-watch (SIGTERM); returns its final stats as a dict.
        Fails if it did not exit cleanly (a crash, a sanitizer report)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            pytest.fail("ovsdb-watch did not stop on SIGTERM")
        self.thread.join(timeout=5)
        self.stderr.close()
        assert rc == 0, "ovsdb-watch exit status %d; log:\n%s" % (rc,
                                                                  self.log())
        stats = {}
        for line in self.tail:
            if line.startswith("stats "):
                for kv in line.split()[1:]:
                    k, v = kv.split("=")
                    stats[k] = int(v)
            elif line.startswith("connected="):
                stats["connected"] = line.split("=")[1] == "yes"
        return stats


@pytest.fixture
def watches(tmp_path):
    """A factory of Watch objects, all stopped at teardown."""
    started = []

    def start(remote, *args):
        w = Watch(remote, tmp_path, args)
        started.append(w)
        return w

    yield start
    for w in started:
        if w.proc.poll() is None:
            w.proc.kill()
            w.proc.wait()


# A private ovsdb-server alone.

class OvsdbOnly:
    """ovsdb-server with a fresh Open_vSwitch database, no ovs-vswitchd."""

    def __init__(self):
        for tool in ("ovsdb-tool", "ovsdb-server", "ovs-vsctl"):
            if shutil.which(tool) is None:
                pytest.fail("%s not found: run scripts/install-deps.sh" % tool,
                            pytrace=False)
        self.dir = tempfile.mkdtemp(prefix="vg-ovsdb-")
        self.sock = os.path.join(self.dir, "db.sock")
        self.remote = "unix:" + self.sock
        self.env = dict(os.environ, OVS_RUNDIR=self.dir, OVS_LOGDIR=self.dir,
                        OVS_DBDIR=self.dir, OVS_SYSCONFDIR=self.dir)
        subprocess.run(["ovsdb-tool", "create",
                        os.path.join(self.dir, "conf.db"), SCHEMA],
                       check=True, env=self.env, capture_output=True)
        self.start()
        self.vsctl("init")

    def start(self):
        d = self.dir
        subprocess.run(["ovsdb-server", os.path.join(d, "conf.db"),
                        "--remote=punix:" + self.sock,
                        "--pidfile=" + os.path.join(d, "ovsdb-server.pid"),
                        "--unixctl=" + os.path.join(d, "ovsdb-server.ctl"),
                        "--log-file=" + os.path.join(d, "ovsdb-server.log"),
                        "--detach", "--no-chdir"],
                       check=True, env=self.env, capture_output=True)

    def pid(self):
        try:
            with open(os.path.join(self.dir, "ovsdb-server.pid")) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def kill(self):
        """Stops ovsdb-server (SIGTERM) and waits for it to exit."""
        pid = self.pid()
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.02)
        os.kill(pid, signal.SIGKILL)

    def vsctl(self, *args):
        p = subprocess.run(["ovs-vsctl", "--no-wait", "--timeout=10",
                            "--db=" + self.remote] + list(args),
                           env=self.env, capture_output=True, text=True)
        assert p.returncode == 0, "ovs-vsctl %s: %s" % (" ".join(args),
                                                        p.stderr)
        return p.stdout

    def uuid(self, table, name):
        return self.vsctl("get", table, name, "_uuid").strip()

    def destroy(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def ovsdb():
    server = OvsdbOnly()
    yield server
    server.destroy()


def populate(db):
    """Two bridges: xenbr0 with a guest port, an access port and a bond,
    xenbr1 empty with a controller."""
    db.vsctl("add-br", "xenbr0", "--", "set", "bridge", "xenbr0",
             "fail_mode=secure", "datapath_id=00000000000000a0",
             "--", "add-port", "xenbr0", "vif1.0",
             "--", "set", "interface", "vif1.0",
             "external_ids:attached-mac=02:00:00:00:00:01",
             "external_ids:xs-vif-uuid=11111111-2222-3333-4444-555555555555",
             "external_ids:iface-id=vif1",
             "--", "add-port", "xenbr0", "vif2.0", "tag=12",
             "--", "add-bond", "xenbr0", "bond0", "eth0", "eth1")
    db.vsctl("add-br", "xenbr1", "--", "set-controller", "xenbr1",
             "unix:/run/vifguard/ofp.sock", "tcp:127.0.0.1:6653")


def test_initial_snapshot(ovsdb, watches):
    populate(ovsdb)
    w = watches(ovsdb.remote, "--count=1", "--timeout=10")
    s = w.next()
    assert sorted(s.bridges) == ["xenbr0", "xenbr1"]
    b0, b1 = s.bridges["xenbr0"], s.bridges["xenbr1"]
    assert b0["dpid"] == "00000000000000a0"
    assert b0["fail_mode"] == "secure"
    assert b0["controllers"] == []
    assert b0["uuid"] == ovsdb.uuid("bridge", "xenbr0")
    assert b1["dpid"] == "0000000000000000"
    assert b1["fail_mode"] == ""
    assert b1["controllers"] == ["tcp:127.0.0.1:6653",
                                 "unix:/run/vifguard/ofp.sock"]

    names = [n for (br, n) in s.ifaces if br == "xenbr0"]
    assert names == ["eth0", "eth1", "vif1.0", "vif2.0", "xenbr0"]
    assert [n for (br, n) in s.ifaces if br == "xenbr1"] == ["xenbr1"]
    vif = s.ifaces[("xenbr0", "vif1.0")]
    assert vif["external_ids"] == {
        "attached-mac": "02:00:00:00:00:01",
        "iface-id": "vif1",
        "xs-vif-uuid": "11111111-2222-3333-4444-555555555555"}
    assert vif["ofport"] <= 0           # No ovs-vswitchd: never assigned.
    assert vif["tag"] == -1 and vif["port"] == "vif1.0"
    assert vif["port_ifaces"] == 1 and vif["type"] == ""
    assert vif["uuid"] == ovsdb.uuid("interface", "vif1.0")
    assert vif["port_uuid"] == ovsdb.uuid("port", "vif1.0")
    assert s.ifaces[("xenbr0", "vif2.0")]["tag"] == 12
    for eth in ("eth0", "eth1"):
        f = s.ifaces[("xenbr0", eth)]
        assert f["port"] == "bond0" and f["port_ifaces"] == 2
    assert s.ifaces[("xenbr0", "xenbr0")]["type"] == "internal"

    w.proc.wait(timeout=10)
    stats = w.stop()
    assert stats["snapshots"] == 1 and stats["connects"] == 1
    assert stats["malformed"] == 0 and stats["connected"]
    assert w.problems() == []
    assert re.search(r"\|ovsdb\|INFO\|.*monitoring Open_vSwitch "
                     r"\(2 bridges, 5 ports, 6 interfaces\)", w.log())


def test_empty_database(ovsdb, watches):
    w = watches(ovsdb.remote, "--count=1", "--timeout=10")
    s = w.next()
    assert s.lines == []
    ovsdb.vsctl("add-br", "br0")
    assert w.proc.wait(timeout=10) == 0


def test_updates(ovsdb, watches):
    populate(ovsdb)
    w = watches(ovsdb.remote)
    s = w.next()
    assert s.iface("vif3.0") is None

    # Add a port with external_ids.
    ovsdb.vsctl("add-port", "xenbr0", "vif3.0", "tag=7", "--", "set",
                "interface", "vif3.0",
                "external_ids:attached-mac=02:00:00:00:00:03")
    s = w.wait_for(lambda s: s.iface("vif3.0") is not None, what="vif3.0")
    f = s.iface("vif3.0")
    assert f["bridge"] == "xenbr0" and f["tag"] == 7
    assert f["external_ids"] == {"attached-mac": "02:00:00:00:00:03"}

    # Change, add and remove external_ids keys.
    ovsdb.vsctl("set", "interface", "vif3.0",
                "external_ids:attached-mac=02:00:00:00:00:33",
                "external_ids:vifguard-ipv4=10.0.0.3")
    s = w.wait_for(lambda s: s.iface("vif3.0")["external_ids"].get(
        "attached-mac") == "02:00:00:00:00:33", what="new MAC")
    assert s.iface("vif3.0")["external_ids"]["vifguard-ipv4"] == "10.0.0.3"
    ovsdb.vsctl("remove", "interface", "vif3.0", "external_ids",
                "vifguard-ipv4")
    s = w.wait_for(lambda s: "vifguard-ipv4" not in
                   s.iface("vif3.0")["external_ids"], what="key removed")
    ovsdb.vsctl("clear", "interface", "vif3.0", "external_ids")
    w.wait_for(lambda s: s.iface("vif3.0")["external_ids"] == {},
               what="cleared")

    # Tag and type changes.
    ovsdb.vsctl("set", "port", "vif3.0", "tag=8")
    w.wait_for(lambda s: s.iface("vif3.0")["tag"] == 8, what="tag 8")
    ovsdb.vsctl("clear", "port", "vif3.0", "tag")
    w.wait_for(lambda s: s.iface("vif3.0")["tag"] == -1, what="no tag")

    # Move the port to another bridge, delete it.
    ovsdb.vsctl("del-port", "vif3.0", "--", "add-port", "xenbr1", "vif3.0")
    w.wait_for(lambda s: (s.iface("vif3.0") or {}).get("bridge") == "xenbr1",
               what="vif3.0 on xenbr1")
    ovsdb.vsctl("del-port", "vif3.0")
    w.wait_for(lambda s: s.iface("vif3.0") is None, what="vif3.0 gone")

    # Bond membership.
    ovsdb.vsctl("add-bond-iface", "bond0", "eth2")
    s = w.wait_for(lambda s: s.iface("eth2") is not None, what="eth2")
    assert all(s.iface(e)["port_ifaces"] == 3
               for e in ("eth0", "eth1", "eth2"))

    # Bridges come and go; their fail_mode and controller change.
    ovsdb.vsctl("add-br", "a-br")
    s = w.wait_for(lambda s: "a-br" in s.bridges, what="a-br")
    assert list(s.bridges) == ["a-br", "xenbr0", "xenbr1"]
    ovsdb.vsctl("set-fail-mode", "a-br", "secure", "--", "set-controller",
                "a-br", "unix:/x")
    w.wait_for(lambda s: s.bridges["a-br"]["fail_mode"] == "secure"
               and s.bridges["a-br"]["controllers"] == ["unix:/x"],
               what="a-br secure")
    ovsdb.vsctl("del-br", "a-br")
    w.wait_for(lambda s: "a-br" not in s.bridges, what="a-br gone")

    stats = w.stop()
    assert stats["updates"] >= 12
    assert stats["snapshots"] == stats["updates"] + 1
    assert stats["malformed"] == 0 and stats["disconnects"] == 0
    assert w.problems() == []


def test_ovsdb_server_restart(ovsdb, watches):
    populate(ovsdb)
    w = watches(ovsdb.remote)
    first = w.next()

    # While ovsdb-server is down no snapshot comes (the last one stays in
    # force); after it restarts a complete fresh one does.
    ovsdb.kill()
    w.wait_log(r"connection lost: connection closed by peer")
    w.no_snapshot(1.0)
    ovsdb.start()
    s = w.next(timeout=15)
    # Bridge.datapath_id is ephemeral in the schema: gone with the server
    # until ovs-vswitchd writes it again.  Everything else is the same.
    assert s.bridges["xenbr0"]["dpid"] == "0000000000000000"

    def no_dpid(lines):
        return [re.sub(r" dpid=[0-9a-f]+ ", " ", l) for l in lines]
    assert no_dpid(s.lines) == no_dpid(first.lines)
    w.wait_log(r"monitoring Open_vSwitch", count=2)

    # Changes after the restart are seen.
    ovsdb.vsctl("add-port", "xenbr1", "vif9.0")
    w.wait_for(lambda s: s.iface("vif9.0") is not None, what="vif9.0")

    # A restart with a database changed meanwhile: the new snapshot has the
    # new contents.
    ovsdb.kill()
    subprocess.run(["ovsdb-tool", "transact",
                    os.path.join(ovsdb.dir, "conf.db"),
                    json.dumps(["Open_vSwitch",
                                {"op": "update", "table": "Interface",
                                 "where": [["name", "==", "vif9.0"]],
                                 "row": {"external_ids":
                                         ["map", [["k", "offline"]]]}}])],
                   check=True, capture_output=True)
    ovsdb.start()
    s = w.wait_for(lambda s: s.iface("vif9.0")["external_ids"]
                   == {"k": "offline"}, timeout=15, what="offline edit")

    stats = w.stop()
    assert stats["connects"] == 3
    assert stats["connected"]
    assert w.problems() == []


def test_reconnect_backoff(tmp_path, watches):
    """No server at all: the client retries with growing delays, quietly."""
    sock = str(tmp_path / "none.sock")
    w = watches("unix:" + sock, "-v")
    time.sleep(3.5)
    stats = w.stop()
    log = w.log()
    delays = [float(x) for x in re.findall(r"reconnecting in ([0-9.]+) s",
                                           log)]
    # 0.1 + 0.2 + 0.4 + 0.8 + 1.6 = 3.1 s: 5 or 6 attempts, not 35.
    assert 5 <= len(delays) <= 7, log
    assert delays[:5] == [0.1, 0.2, 0.4, 0.8, 1.6], log
    assert stats["snapshots"] == 0 and not stats["connected"]
    # The first failure is INFO, the identical ones after it only DBG.
    assert len(re.findall(r"\|INFO\|.*No such file", log)) == 1, log


def test_bad_remote(watches):
    for remote in ("tcp:localhost:6640", "db.sock", "tcp:1.2.3.4:0"):
        p = subprocess.run([watch_binary(), remote, "--timeout=1"],
                           capture_output=True, text=True, timeout=10)
        assert p.returncode == 2, p
        assert "bad remote" in p.stderr, p.stderr


# With ovs-vswitchd: ofport and datapath_id.

@pytest.mark.ovs_log_allow(r"no-such-type", r"bad1")
def test_ofport_assignment(ovs_dummy, watches):
    sb = ovs_dummy
    br = sb.add_bridge()
    w = watches(sb.db)
    s = w.wait_for(lambda s: br in s.bridges, what=br)
    sb.vsctl("add-port", br, "p1", "--", "set", "interface", "p1",
             "type=dummy", "ofport_request=17",
             "external_ids:attached-mac=02:00:00:00:00:11")
    s = w.wait_for(lambda s: (s.iface("p1") or {}).get("ofport") == 17,
                   what="p1 ofport 17")
    # Before ovs-vswitchd assigned it, an ofport was never positive.
    for snap in w.all:
        f = snap.iface("p1")
        assert f is None or f["ofport"] in (0, -1, 17)
    assert s.bridges[br]["dpid"] == "%016x" % sb.datapath_id(br)
    assert s.ifaces[(br, br)]["ofport"] == 65534

    # An interface ovs-vswitchd cannot create gets -1: never positive.
    sb.vsctl("add-port", br, "bad1", "--", "set", "interface", "bad1",
             "type=no-such-type")
    s = w.wait_for(lambda s: (s.iface("bad1") or {}).get("ofport") == -1,
                   what="bad1 ofport -1")
    stats = w.stop()
    assert stats["malformed"] == 0
    assert w.problems() == []



# A fake ovsdb-server.

class Session:
    """One accepted connection of FakeOvsdb."""

    def __init__(self, conn):
        self.conn = conn
        self.buf = ""
        self.received = []

    def send(self, obj):
        data = obj if isinstance(obj, (bytes, str)) else json.dumps(obj)
        if isinstance(data, str):
            data = data.encode()
        self.conn.sendall(data)

    def recv(self, timeout=10):
        """The next JSON-RPC message from the client, or None at EOF."""
        self.conn.settimeout(timeout)
        while True:
            s = self.buf.lstrip()
            if s:
                try:
                    msg, end = _DECODER.raw_decode(s)
                    self.buf = s[end:]
                    self.received.append(msg)
                    return msg
                except ValueError:
                    pass
            try:
                data = self.conn.recv(65536)
            except socket.timeout:
                raise AssertionError("client sent nothing for %ss" % timeout)
            if not data:
                return None
            self.buf += data.decode()

    def expect(self, method):
        msg = self.recv()
        assert msg is not None and msg.get("method") == method, msg
        return msg

    def reply(self, req, result=None, error=None):
        self.send({"id": req["id"], "result": result, "error": error})

    def handshake(self, initial):
        """Answers list_dbs and monitor with 'initial' (<table-updates>)."""
        req = self.expect("list_dbs")
        self.reply(req, ["_Server", "Open_vSwitch"])
        req = self.expect("monitor")
        assert req["params"][0] == "Open_vSwitch"
        cols = req["params"][2]
        assert set(cols) == {"Bridge", "Port", "Interface", "Controller",
                             "Manager", "Mirror", "sFlow", "NetFlow",
                             "IPFIX"}
        assert cols["Interface"]["columns"] == [
            "name", "type", "ofport", "external_ids", "mac_in_use",
            "lacp_current", "cfm_mpid", "bfd", "lldp"]
        self.monitor_id = req["params"][1]
        self.reply(req, initial)

    def update(self, updates):
        self.send({"id": None, "method": "update",
                   "params": [self.monitor_id, updates]})

    def wait_closed(self, timeout=10):
        """Waits until the client closes the connection; returns the
        messages it sent meanwhile."""
        msgs = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                msg = self.recv(timeout=deadline - time.monotonic())
            except (AssertionError, ConnectionResetError):
                break
            if msg is None:
                return msgs
            msgs.append(msg)
        raise AssertionError("client did not close the connection")


class FakeOvsdb:
    """A unix-socket server; scenario(i, session) runs for connection i
    (from 0) in a thread.  A failing scenario is reported by check()."""

    def __init__(self, path, scenario):
        self.path = path
        self.scenario = scenario
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(8)
        self.n = 0
        self.errors = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            i = self.n
            self.n += 1
            try:
                more = self.scenario(i, Session(conn))
            except Exception as e:  # reported by check()
                self.errors.append("connection %d: %r" % (i, e))
                more = False
            finally:
                try:
                    conn.close()
                except OSError:
                    pass
            if not more:
                self.done.set()

    def wait(self, timeout=30):
        assert self.done.wait(timeout), "fake server scenario did not finish"
        self.check()

    def check(self):
        assert not self.errors, "\n".join(self.errors)

    def close(self):
        self.sock.close()


@pytest.fixture
def fake_server(tmp_path):
    servers = []

    def start(scenario):
        s = FakeOvsdb(str(tmp_path / "fake.sock"), scenario)
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.close()


BR = "b0000000-0000-0000-0000-000000000001"
PORT = "a0000000-0000-0000-0000-000000000001"
PORT2 = "a0000000-0000-0000-0000-000000000002"
IF1 = "10000000-0000-0000-0000-000000000001"
IF2 = "10000000-0000-0000-0000-000000000002"


def initial_db(extra_ifaces=()):
    """<table-updates>: bridge br0 with port p1 (interface if1) plus, for
    each (uuid, row) in extra_ifaces, a port holding that interface."""
    ports = [["uuid", PORT]]
    port_rows = {PORT: {"new": {"name": "p1", "interfaces": ["uuid", IF1],
                                "tag": ["set", []],
                                "bond_active_slave": ["set", []]}}}
    iface_rows = {IF1: {"new": {"name": "if1", "type": "", "ofport": 5,
                                "external_ids": ["map", [["k", "v"]]],
                                "mac_in_use": "02:00:00:00:00:05"}}}
    for n, (uuid, row) in enumerate(extra_ifaces):
        pu = "a1000000-0000-0000-0000-%012d" % n
        ports.append(["uuid", pu])
        port_rows[pu] = {"new": {"name": "px%d" % n,
                                 "interfaces": ["uuid", uuid]}}
        iface_rows[uuid] = {"new": row}
    return {
        "Bridge": {BR: {"new": {"name": "br0",
                                "datapath_id": "0000000000000042",
                                "fail_mode": "secure",
                                "controller": ["set", []],
                                "ports": ["set", ports]}}},
        "Port": port_rows,
        "Interface": iface_rows,
    }


def test_fake_echo_and_updates(fake_server, watches):
    """The client answers the server's echo and applies updates."""
    def scenario(i, s):
        s.handshake(initial_db())
        s.send({"method": "echo", "params": ["ping", 1], "id": "e1"})
        msg = s.recv()
        assert msg == {"result": ["ping", 1], "error": None, "id": "e1"}, msg
        s.update({"Interface": {IF1: {"old": {"ofport": 5},
                                      "new": {"name": "if1", "type": "",
                                              "ofport": 6,
                                              "external_ids": ["map", []],
                                              "mac_in_use": ["set", []]}}}})
        # An unknown request gets an error reply, no crash.
        s.send({"method": "transact", "params": [], "id": 99})
        msg = s.recv()
        assert msg["id"] == 99 and msg["error"], msg
        s.recv(timeout=30)      # Until the client goes away.
        return False

    srv = fake_server(scenario)
    w = watches("unix:" + srv.path)
    s = w.next()
    assert s.iface("if1")["ofport"] == 5
    assert s.bridges["br0"]["dpid"] == "0000000000000042"
    s = w.next()
    assert s.iface("if1")["ofport"] == 6
    assert s.iface("if1")["external_ids"] == {}
    assert s.iface("if1")["mac_in_use"] is None
    w.wait_log(r"unexpected request \"transact\"")
    w.stop()
    srv.wait()


def _reconnects_after(fake_server, watches, misbehave, log_regex,
                      extra_args=()):
    """Runs a fake server whose first connection does the handshake and
    then misbehave(session); the client must log 'log_regex', reconnect,
    and get a full snapshot on the second connection."""
    def scenario(i, s):
        s.handshake(initial_db())
        if i == 0:
            misbehave(s)
            return True
        s.recv(timeout=30)
        return False

    srv = fake_server(scenario)
    w = watches("unix:" + srv.path, *extra_args)
    first = w.next()
    second = w.next(timeout=15)
    assert second.lines == first.lines
    w.wait_log(log_regex)
    stats = w.stop()
    srv.wait()
    assert stats["connects"] == 2 and stats["disconnects"] >= 1
    return w, stats


def test_fake_garbage(fake_server, watches):
    w, stats = _reconnects_after(
        fake_server, watches, lambda s: s.send(b'{"method": "update"]}'),
        r"connection lost: protocol error")
    assert stats["malformed"] >= 1


def test_fake_binary_garbage(fake_server, watches):
    _reconnects_after(fake_server, watches,
                      lambda s: s.send(bytes(range(256)) * 4),
                      r"connection lost: protocol error")


def test_fake_not_an_object(fake_server, watches):
    _reconnects_after(fake_server, watches, lambda s: s.send(b"[1, 2, 3]"),
                      r"connection lost: protocol error: JSON value is not "
                      r"an object")


def test_fake_not_jsonrpc(fake_server, watches):
    _reconnects_after(fake_server, watches,
                      lambda s: s.send({"hello": "world"}),
                      r"connection lost: protocol error: message is neither")


def test_fake_update_wrong_shape(fake_server, watches):
    """An update whose params cannot be applied at all: resynchronize."""
    _reconnects_after(fake_server, watches,
                      lambda s: s.send({"id": None, "method": "update",
                                        "params": ["vifguard", [1]]}),
                      r"WARN\|.*malformed update")


def test_fake_closed_mid_message(fake_server, watches):
    def cut(s):
        s.send(b'{"id": null, "method": "update", "params": ["vifg')
        time.sleep(0.2)
    _reconnects_after(fake_server, watches, cut,
                      r"connection lost: connection closed in the middle of "
                      r"a message")


def test_fake_huge_message(fake_server, watches):
    """A message over 64 MiB is a protocol error: the client stops reading
    it, disconnects and reconnects."""
    def huge(s):
        s.send(b'{"id": null, "method": "update", "params": ["vifguard", '
               b'{"Interface": {"x": "')
        chunk = b"a" * (1 << 20)
        try:
            for _ in range(80):
                s.send(chunk)
        except (BrokenPipeError, ConnectionResetError):
            return
        raise AssertionError("client accepted 80 MiB in one message")
    w, stats = _reconnects_after(fake_server, watches, huge,
                                 r"connection lost: protocol error: message "
                                 r"too long")


def test_fake_keepalive(fake_server, watches):
    """With --probe=0.3: a silent server that answers echo stays connected;
    one that ignores echo is dropped after about 2 x 0.3 s."""
    def scenario(i, s):
        s.handshake(initial_db())
        if i == 0:
            # Answer three echoes in a row: no disconnect.
            for _ in range(3):
                req = s.expect("echo")
                s.reply(req, req["params"])
            # Then ignore the next one.
            s.expect("echo")
            s.wait_closed(timeout=5)
            return True
        s.recv(timeout=30)
        return False

    srv = fake_server(scenario)
    w = watches("unix:" + srv.path, "--probe=0.3")
    w.next()
    w.next(timeout=15)
    w.wait_log(r"connection lost: no reply to echo within 0.3 s")
    stats = w.stop()
    srv.wait()
    assert stats["connects"] == 2 and stats["disconnects"] == 1


def test_fake_no_probe_while_traffic(fake_server, watches):
    """Updates every 0.1 s with --probe=0.3: the client never needs to send
    an echo."""
    def scenario(i, s):
        s.handshake(initial_db())
        for n in range(15):
            s.update({"Interface": {IF1: {"new": {"ofport": 10 + n}}}})
            time.sleep(0.1)
        s.conn.settimeout(0.05)
        try:
            data = s.conn.recv(65536)
        except socket.timeout:
            data = b""
        assert b"echo" not in data and not s.buf, data
        return False

    srv = fake_server(scenario)
    w = watches("unix:" + srv.path, "--probe=0.3", "--count=16",
                "--timeout=20")
    w.wait_for(lambda s: s.iface("if1")["ofport"] == 24, what="last update")
    srv.wait()
    w.stop()


def test_fake_no_database(fake_server, watches):
    """A server without Open_vSwitch: ERR, retry with backoff."""
    def scenario(i, s):
        req = s.expect("list_dbs")
        s.reply(req, ["_Server", "OVN_Northbound"])
        s.wait_closed()
        return i < 2

    srv = fake_server(scenario)
    w = watches("unix:" + srv.path)
    srv.wait()
    w.wait_log(r"\|ERR\|.*server has no Open_vSwitch database", count=1)
    stats = w.stop()
    assert stats["snapshots"] == 0 and not stats["connected"]


def test_fake_monitor_error(fake_server, watches):
    def scenario(i, s):
        req = s.expect("list_dbs")
        s.reply(req, ["Open_vSwitch"])
        req = s.expect("monitor")
        if i == 0:
            s.reply(req, None, {"error": "unknown column",
                                "details": "no column bond_active_slave"})
            s.wait_closed()
            return True
        s.reply(req, initial_db())
        s.recv(timeout=30)
        return False

    srv = fake_server(scenario)
    w = watches("unix:" + srv.path)
    w.next(timeout=15)
    w.wait_log(r"\|ERR\|.*monitor request failed: .*unknown column")
    w.stop()
    srv.wait()


def test_fake_wrong_types(fake_server, watches):
    """Wrong types and odd values cost only their row or column: logged with
    table, row and column, other rows intact, connection kept."""
    odd_if = "10000000-0000-0000-0000-0000000000dd"
    bad_name_if = "10000000-0000-0000-0000-0000000000ee"
    bad_ids_if = "10000000-0000-0000-0000-0000000000cc"
    extra = [
        # Valid JSON, odd row: an empty name.  Skipped, with a log line.
        (odd_if, {"name": "", "type": "", "ofport": 3}),
        # Name of the wrong type.
        (bad_name_if, {"name": ["set", [1]], "ofport": 4}),
        # Good name, other columns wrong: kept, columns empty.
        (IF2, {"name": "if2", "type": 5, "ofport": "x",
               "mac_in_use": ["set", ["a", "b"]]}),
        # Malformed external_ids: taken as empty they could turn a guest
        # into a trusted port, so the row is left out.
        (bad_ids_if, {"name": "if3", "ofport": 6,
                      "external_ids": ["map", [["a"]]]}),
    ]

    def scenario(i, s):
        s.handshake(initial_db(extra))
        # An update with a bad row uuid, a row that is not an object, and
        # a tag out of range (the port is left out: its interfaces would be
        # on the wrong VLAN).
        s.update({"Interface": {"not-a-uuid": {"new": {"name": "zz"}},
                                IF1: 5},
                  "Port": {PORT: {"new": {"name": "p1", "tag": 9999}}}})
        # The port fixed, with a reference to an unknown row.
        s.update({"Port": {PORT: {"new": {"name": "p1", "tag": ["set", []],
                                          "interfaces": ["set", [
                                              ["uuid", IF1],
                                              ["uuid", "10000000-0000-0000-"
                                               "0000-0000000000ff"]]]}}}})
        s.recv(timeout=30)
        return False

    srv = fake_server(scenario)
    w = watches("unix:" + srv.path)
    s = w.next()
    assert s.iface("if1")["ofport"] == 5
    assert s.iface("") is None
    assert [n for (_, n) in s.ifaces] == ["if1", "if2"]
    f = s.iface("if2")
    assert f["ofport"] == 0 and f["type"] == "" and f["external_ids"] == {}
    assert f["mac_in_use"] is None
    log = w.log()
    assert re.search(r"WARN\|Interface row %s: column name: empty name; "
                     r"row left out" % odd_if, log), log
    assert re.search(r"WARN\|Interface row %s: column name: expected string, "
                     r"got 1; row left out" % bad_name_if, log), log
    for col in ("type", "ofport", "mac_in_use"):
        assert re.search(r'WARN\|Interface row %s \("if2"\): column %s: .*; '
                         r"taken as empty" % (IF2, col), log), (col, log)
    assert re.search(r'WARN\|Interface row %s \("if3"\): column '
                     r"external_ids: .*; row left out" % bad_ids_if, log), log

    s = w.next()
    assert s.iface("if1") is None
    assert s.iface("if2") is not None
    w.wait_log(r'WARN\|Port row %s \("p1"\): column tag: VLAN 9999 out of '
               r"range 0..4095; row left out" % PORT)
    s = w.next()
    assert s.iface("if1")["tag"] == -1 and s.iface("if1")["ofport"] == 5
    w.wait_log(r'WARN\|Port row %s \("p1"\): column interfaces: unknown '
               r"Interface row 10000000-0000-0000-0000-0000000000ff" % PORT)
    w.wait_log(r'WARN\|Interface update: bad row uuid "not-a-uuid"')
    w.wait_log(r"WARN\|Interface row %s: row update is not an object" % IF1)
    stats = w.stop()
    srv.wait()
    assert stats["connects"] == 1 and stats["disconnects"] == 0
    assert stats["malformed"] >= 9
