"""vifguard-attach (scripts/vifguard-attach.in) against a private OVS.

The script puts bridges under vifguard (controller + fail_mode=secure, the
previous state saved in the bridge's external_ids) and takes them back out
(exactly the saved state restored, vifguard-cookie flows deleted).  These
tests check each promise in the database and the flow table of a real
ovs-vswitchd (dummy datapath: no kernel devices, so bridge names like
xenbr0 are safe), with a stand-in OpenFlow controller that answers HELLO
and echo requests, so that "connected" can be waited for without depending
on the daemon.  The packaged daemon and script together are tested in
tests/test_packaging.py.

The script runs as installed (#!/bin/sh: dash on Debian) and, for the main
round trip, under bash in POSIX mode, which is /bin/sh on XenServer's dom0.
"""

import os
import shutil
import socket
import struct
import subprocess
import threading
import time

import pytest
from vifguard_daemon import VifguardDaemon

COOKIE_MASK = "cookie=0x7667000000000000/0xffff000000000000"
SAVED_KEYS = ("vifguard-saved-controller", "vifguard-saved-fail-mode",
              "vifguard-saved-protocols")
# Bridge.protocols as the tests' bridges have it and vifguard needs it:
# OpenFlow 1.3 for the daemon, 1.0 for its NO_FLOOD session.
BOTH = "[OpenFlow10, OpenFlow13]"


class FakeController:
    """A unix-socket OpenFlow 1.3 listener that only says HELLO and answers
    echo requests: enough for ovs-vswitchd to report is_connected=true."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(64)
        self.conns = []
        self.stopped = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stopped:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(c)
            threading.Thread(target=self._serve, args=(c,),
                             daemon=True).start()

    @staticmethod
    def _serve(c):
        try:
            c.sendall(struct.pack("!BBHI", 4, 0, 8, 1))  # HELLO
            buf = b""
            while True:
                data = c.recv(65536)
                if not data:
                    return
                buf += data
                while len(buf) >= 8:
                    _, kind, length, xid = struct.unpack("!BBHI", buf[:8])
                    if length < 8 or len(buf) < length:
                        break
                    msg, buf = buf[:length], buf[length:]
                    if kind == 2:  # ECHO_REQUEST -> ECHO_REPLY
                        c.sendall(struct.pack("!BBHI", 4, 3, length, xid)
                                  + msg[8:])
        except OSError:
            return

    def stop(self):
        self.stopped = True
        self.sock.close()
        for c in self.conns:
            try:
                c.close()
            except OSError:
                pass
        try:
            os.unlink(self.path)
        except OSError:
            pass


def attach_script(build_dirs):
    path = os.path.join(build_dirs["plain"], "scripts", "vifguard-attach")
    if not os.access(path, os.X_OK):
        pytest.fail("%s not built (run scripts/run-tests.sh)" % path,
                    pytrace=False)
    return path


class Env:
    """A dummy-datapath sandbox, the stand-in controller in its run
    directory (ovs-vswitchd connects to unix: controllers only there) and
    a runner for the built script."""

    def __init__(self, sb, script):
        self.sb = sb
        self.script = script
        self.target = "unix:" + os.path.join(sb.dir, "vifguard.ofp.sock")
        self.ctl = FakeController(self.target[5:])

    def run(self, *args, shell=None, config="/dev/null", check=None,
            timeout=30):
        """Runs the script with --db and --target of this sandbox (unless
        given in 'args'); returns the CompletedProcess.  'check': expected
        exit status.  'timeout': the script's --timeout, generous: after a
        connection, ovs-vswitchd may take about 5 s to report it in OVSDB
        (is_connected), more on a loaded machine."""
        cmd = [self.script]
        if shell:
            cmd = shell + cmd
        if not any(a.startswith("--db=") for a in args):
            cmd.append("--db=" + self.sb.db)
        if not any(a.startswith("--target=") for a in args):
            cmd.append("--target=" + self.target)
        if config is not None:
            cmd.append("--config=" + config)
        cmd.append("--timeout=%d" % timeout)
        p = subprocess.run(cmd + list(args), capture_output=True, text=True,
                           timeout=120)
        if check is not None:
            assert p.returncode == check, (
                "%s: exit %d, expected %d\nstdout:\n%s\nstderr:\n%s"
                % (" ".join(cmd + list(args)), p.returncode, check,
                   p.stdout, p.stderr))
        return p

    def bridge(self, name=None, fail_mode=None,
               protocols="OpenFlow10,OpenFlow13",
               ports=()):
        br = self.sb.add_bridge(name=name, fail_mode=fail_mode,
                                protocols=protocols)
        for p in ports:
            self.add_port(br, p)
        return br

    def add_port(self, br, name, ids=None):
        args = ["add-port", br, name, "--", "set", "interface", name,
                "type=dummy"]
        for k, v in (ids or {}).items():
            args.append('external_ids:%s="%s"' % (k, v))
        self.sb.vsctl(*args)

    def state(self, br):
        """(controllers, fail_mode, protocols, saved external_ids)."""
        ctls = sorted(self.sb.vsctl("get-controller", br).split())
        fail_mode = self.sb.vsctl("get-fail-mode", br).strip()
        protocols = self.sb.vsctl("get", "bridge", br, "protocols").strip()
        saved = {}
        for k in SAVED_KEYS:
            v = self.sb.vsctl("--if-exists", "get", "bridge", br,
                              "external_ids:" + k).strip()
            if v:
                saved[k] = v.strip('"')
        return ctls, fail_mode, protocols, saved

    def flows(self, br, *match, version="OpenFlow13"):
        out = self.sb.ofctl("dump-flows", br, *match, version=version)
        return [l.strip() for l in out.splitlines() if "cookie=" in l]

    def add_vg_flows(self, br):
        """Flows as vifguardd would install them (bridge and port groups),
        plus one of somebody else."""
        for f in ("cookie=0x7667010000000000,table=0,priority=0,actions=drop",
                  "cookie=0x7667020000000005,table=0,priority=100,in_port=5,"
                  "actions=goto_table:40",
                  "cookie=0x7667020000000005,table=40,priority=0,"
                  "actions=NORMAL",
                  "cookie=0x5,table=0,priority=7,in_port=9,actions=drop"):
            self.sb.ofctl("add-flow", br, f)


@pytest.fixture
def env(ovs_dummy, build_dirs):
    e = Env(ovs_dummy, attach_script(build_dirs))
    yield e
    e.ctl.stop()


@pytest.mark.parametrize("shell", [None, ["bash", "--posix"]],
                         ids=["sh", "bash-posix"])
def test_round_trip_restores_unconfigured_bridge(env, shell):
    """A bridge with no controller and no fail_mode is attached, carries
    vifguard flows, and after detach is the plain learning switch it was:
    OVS's own NORMAL flow back, nothing of vifguard's left."""
    br = env.bridge(ports=["vif1.0"])
    before = env.state(br)
    assert before == ([], "", BOTH, {})
    assert any("actions=NORMAL" in f for f in env.flows(br))

    p = env.run("attach", br, shell=shell, check=0)
    assert "%s: attached to %s" % (br, env.target) in p.stdout
    assert "%s: vifguardd connected" % br in p.stdout
    ctls, fail_mode, _, saved = env.state(br)
    assert ctls == [env.target]
    assert fail_mode == "secure"
    assert saved == {"vifguard-saved-controller": "",
                     "vifguard-saved-fail-mode": ""}
    status = env.run("status", br, shell=shell, check=0).stdout
    assert status.splitlines()[1].split()[:6] == [br, "yes", "attached",
                                                  "secure", "yes", "0"]

    env.add_vg_flows(br)
    assert len(env.flows(br, COOKIE_MASK)) == 3
    p = env.run("detach", br, shell=shell, check=0)
    assert "restored controller: none, fail_mode: unset" in p.stdout
    assert env.state(br) == before
    assert env.flows(br, COOKIE_MASK) == []
    # Without a controller, a standalone bridge gets OVS's default flow.
    assert [f for f in env.flows(br) if "actions=NORMAL" in f]


@pytest.mark.ovs_log_allow(r"rconn.*connection failed",
                           r"vconn.*version negotiation failed",
                           r"rconn.*connection dropped")
def test_restores_foreign_controllers_fail_mode_and_protocols(env):
    """Controllers, fail_mode=secure and an OpenFlow-1.0-only protocols
    set come back exactly; a flow that is not vifguard's survives."""
    other1 = "unix:" + os.path.join(env.sb.dir, "other1.sock")
    other2 = "unix:" + os.path.join(env.sb.dir, "other2.sock")
    br = env.bridge(fail_mode="secure", protocols="OpenFlow10",
                    ports=["tap3.0"])
    env.sb.vsctl("set-controller", br, other1, other2)
    env.sb.ofctl("add-flow", br, "cookie=0x5,priority=7,in_port=9,"
                 "actions=drop", version="OpenFlow10")
    before = env.state(br)

    p = env.run("attach", br, check=0)
    assert "replacing controller(s) %s %s" % (other1, other2) in p.stderr
    ctls, fail_mode, protocols, saved = env.state(br)
    assert ctls == [env.target]
    assert fail_mode == "secure"
    assert protocols == "[OpenFlow10, OpenFlow13]"
    assert saved == {"vifguard-saved-controller": "%s %s" % (other1, other2),
                     "vifguard-saved-fail-mode": "secure",
                     "vifguard-saved-protocols": "OpenFlow10"}

    env.add_vg_flows(br)
    env.run("detach", br, check=0)
    assert env.state(br) == before
    flows = env.flows(br, version="OpenFlow10")
    assert len(flows) == 1 and "cookie=0x5," in flows[0], flows


def test_adds_openflow10_for_noflood(env):
    """A bridge limited to OpenFlow 1.3 (a common setting) gets OpenFlow
    1.0 too, which the daemon's NO_FLOOD session needs (without it every
    guest of the bridge stays closed); detach gives the old set back."""
    br = env.bridge(protocols="OpenFlow13", ports=["vif4.0"])
    before = env.state(br)
    env.run("--no-wait", "attach", br, check=0)
    _, _, protocols, saved = env.state(br)
    assert protocols == BOTH
    assert saved["vifguard-saved-protocols"] == "OpenFlow13"
    p = env.run("--no-wait", "attach", br, check=0)
    assert "already attached" in p.stdout
    p = env.run("detach", br, check=0)
    assert "protocols: OpenFlow13" in p.stdout
    assert env.state(br) == before


@pytest.mark.ovs_log_allow(r"version negotiation failed",
                           r"connection dropped \((Protocol error|Broken "
                           r"pipe|Connection reset by peer)\)",
                           r"rconn.*connection failed")
def test_openflow13_only_bridge_with_the_daemon(env, build_dirs):
    """The operator's view of the same: a bridge set to OpenFlow13 only
    and attached by hand keeps its guest closed, and vifguard-ctl says why
    and what to run; running it protects the guest."""
    br = env.bridge(protocols="OpenFlow13")
    env.add_port(br, "vif5.0", {"attached-mac": "02:00:00:00:05:01",
                                "vifguard-ipv4": "10.5.0.1"})
    vg = VifguardDaemon(env.sb, build_dirs["plain"]).start()
    try:
        vg.attach(br)  # ovs-vsctl set-controller, fail_mode=secure
        deadline = time.monotonic() + 30
        while "add OpenFlow10" not in (vg.vifs().get("vif5.0", {})
                                       .get("reason") or ""):
            assert time.monotonic() < deadline, vg.vifs()
            time.sleep(0.05)
        vif = vg.vifs()["vif5.0"]
        assert vif["state"] != "protected"
        assert "vifguard-attach attach %s" % br in vif["reason"], vif
        env.run("attach", br, "--target=unix:" + vg.ofp_sock, check=0)
        assert env.state(br)[2] == BOTH
        vg.wait_state(["vif5.0"], timeout=60)
    finally:
        assert vg.stop() == 0


def test_idempotent_and_repairs_drift(env):
    br = env.bridge(fail_mode="standalone", ports=["vif2.0"])
    env.run("attach", br, check=0)
    saved = env.state(br)[3]
    assert saved["vifguard-saved-fail-mode"] == "standalone"
    uuid = env.sb.vsctl("get", "bridge", br, "controller").strip()

    p = env.run("attach", br, check=0)
    assert "already attached" in p.stdout
    # Nothing rewritten: same Controller row, same saved state.
    assert env.sb.vsctl("get", "bridge", br, "controller").strip() == uuid
    assert env.state(br)[3] == saved

    # Something (xapi, an operator) resets fail_mode: status says so and
    # attach repairs it without touching the saved state.
    env.sb.vsctl("set", "bridge", br, "fail_mode=standalone")
    status = env.run("status", br, check=0).stdout
    assert status.splitlines()[1].split()[2] == "unsafe"
    p = env.run("attach", br, check=0)
    assert "reset: fail_mode" in p.stdout
    assert env.state(br)[1] == "secure"
    assert env.state(br)[3] == saved

    # The controller replaced by somebody else: "lost", then repaired.
    env.sb.vsctl("del-controller", br)
    status = env.run("status", br, check=0).stdout
    assert status.splitlines()[1].split()[2] == "lost"
    p = env.run("attach", br, check=0)
    assert "reset: controller" in p.stdout
    assert env.state(br)[0] == [env.target]

    env.run("detach", br, check=0)
    assert env.state(br) == ([], "standalone", BOTH, {})
    p = env.run("detach", br, check=0)
    assert "was not attached" in p.stdout


@pytest.mark.ovs_log_allow(r"connection (refused|dropped|failed)",
                           r"Connection refused",
                           r"cannot find route for controller")
def test_tcp_target_is_out_of_band(env):
    """A tcp: target's controller is set out of band (in-band control's
    hidden flows would let guests' frames past vifguard: see
    tests/test_peers.py, test_in_band_control); put in band again, status
    says unsafe and attach repairs it."""
    br = env.bridge(ports=["vif3.0"])
    tcp = "--target=tcp:127.0.0.1:6653"

    def mode():
        return env.sb.vsctl("get", "controller", br,
                            "connection_mode").strip().strip('"')

    env.run("--no-wait", "attach", br, tcp, check=0)
    assert env.state(br)[0] == ["tcp:127.0.0.1:6653"]
    assert mode() == "out-of-band"
    status = env.run("status", br, tcp, check=0).stdout
    assert status.splitlines()[1].split()[2] == "attached"
    assert "already attached" in env.run("--no-wait", "attach", br, tcp,
                                         check=0).stdout

    env.sb.vsctl("set", "controller", br, "connection_mode=in-band")
    status = env.run("status", br, tcp, check=0).stdout
    assert status.splitlines()[1].split()[2] == "unsafe"
    p = env.run("--no-wait", "attach", br, tcp, check=0)
    assert "reset: connection_mode" in p.stdout
    assert mode() == "out-of-band"
    env.run("detach", br, tcp, check=0)
    assert env.state(br)[0] == []


def test_all_guest_bridges_and_detach_all(env):
    """The guest bridge rule: a vif*/tap* port (also on a VLAN fake bridge,
    which counts as its parent), an interface with attached-mac, or a
    XenServer bridge name; nothing else."""
    vif = env.bridge(ports=["vif7.0"])
    tap = env.bridge(ports=["tap8.0"])
    mac = env.bridge()
    env.add_port(mac, "vnet0", {"attached-mac": "02:00:00:00:00:01"})
    parent = env.bridge(ports=["eth5"])
    env.sb.vsctl("add-br", "vgfake" + env.sb.tag, parent, "10")
    env.add_port("vgfake" + env.sb.tag, "vif9.1")
    xen = env.bridge(name="xenbr%s" % env.sb.tag)
    xapi = env.bridge(name="xapi%s" % env.sb.tag)
    plain = env.bridge(ports=["eth1", "patch-x"])

    p = env.run("attach", "--all-guest-bridges", check=0)
    attached = sorted(l.split(":")[0] for l in p.stdout.splitlines()
                      if ": attached to " in l)
    assert attached == sorted([vif, tap, mac, parent, xen, xapi])
    assert env.state(plain)[0] == []

    # The fake bridge by name is refused, naming its parent.
    p = env.run("detach", "vgfake" + env.sb.tag, check=1)
    assert "VLAN (fake) bridge on %s" % parent in p.stderr

    # --guest-ports from the command line (or the config file) widens it.
    p = env.run("--guest-ports=eth*", "attach", "--all-guest-bridges",
                check=0)
    assert "%s: attached to" % plain in p.stdout

    env.add_vg_flows(vif)
    p = env.run("detach", "--all", check=0)
    for br in (vif, tap, mac, parent, xen, xapi, plain):
        assert env.state(br) == ([], "", BOTH, {}), br
        assert env.flows(br, COOKIE_MASK) == []
    p = env.run("detach", "--all", check=0)
    assert "no bridge is attached" in p.stdout


def test_detach_all_finds_leftovers(env):
    """A bridge attached by hand (no saved state), and vifguard flows left
    on a bridge without any controller, are both cleaned by --all."""
    by_hand = env.bridge(ports=["vif1.0"])
    env.sb.vsctl("set-controller", by_hand, env.target, "--", "set",
                 "bridge", by_hand, "fail_mode=secure")
    leftover = env.bridge(fail_mode="secure")
    env.add_vg_flows(leftover)
    status = env.run("status", check=0).stdout
    assert [l.split()[2] for l in status.splitlines()
            if l.startswith(by_hand + " ")] == ["by-hand"]

    p = env.run("detach", "--all", check=0)
    assert "nothing saved: removed %s, cleared fail_mode" % env.target \
        in p.stdout
    assert env.state(by_hand) == ([], "", BOTH, {})
    assert env.flows(leftover, COOKIE_MASK) == []
    assert len(env.flows(leftover)) == 1  # Somebody else's flow stays.


def test_config_file_gives_db_target_and_guest_ports(env, tmp_path):
    """Without --db and --target the script follows vifguardd's
    configuration file, as the packaged prerm relies on."""
    conf = tmp_path / "vifguard.conf"
    conf.write_text("# test\novsdb = %s\nlisten = punix:%s\n"
                    "guest-ports = gst*\n" % (env.sb.db, env.target[5:]))
    br = env.bridge(ports=["gst0"])
    other = env.bridge(ports=["vif1.0"])
    cmd = [env.script, "--config=%s" % conf, "attach",
           "--all-guest-bridges"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert env.state(br)[0] == [env.target]
    assert env.state(other)[0] == []
    p = subprocess.run([env.script, "--config=%s" % conf, "detach", "--all"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert env.state(br) == ([], "", BOTH, {})


@pytest.mark.ovs_log_allow(r"rconn.*connection failed")
def test_errors_are_clear(env):
    br = env.bridge(ports=["vif1.0"])
    p = env.run("attach", "nosuchbr", check=1)
    assert "nosuchbr: no such bridge" in p.stderr
    # Checked before anything changes: br stays untouched.
    env.run("attach", br, "nosuchbr", check=1)
    assert env.state(br)[0] == []

    for args, msg in ((["frobnicate"], "unknown command"),
                      ([], "no command"),
                      (["--bogus", "status"], "unknown option '--bogus'"),
                      (["attach"], "name bridges or give"),
                      (["detach", "--all", br], "--all takes no bridge"),
                      (["--timeout=x", "status"], "--timeout")):
        p = env.run(*args, check=2)
        assert msg in p.stderr, (args, p.stderr)

    # No daemon listening: refused, unless --force.
    missing = "unix:" + os.path.join(env.sb.dir, "nobody.sock")
    p = env.run("--target=" + missing, "attach", br, check=1)
    assert "is not listening on" in p.stderr
    assert env.state(br)[0] == []
    p = env.run("--target=" + missing, "--force", "--timeout=1", "attach",
                br, check=1)
    assert "has not connected within 1s" in p.stderr
    assert "Undo: vifguard-attach detach %s" % br in p.stderr
    assert env.state(br)[0] == [missing]
    env.run("--target=" + missing, "detach", br, check=0)
    assert env.state(br) == ([], "", BOTH, {})

    nodb = "--db=unix:" + os.path.join(env.sb.dir, "nodb.sock")
    p = env.run(nodb, "attach", br, check=1)
    assert "cannot reach the Open vSwitch database" in p.stderr
    # Listing commands fail too, instead of finding nothing to do (the
    # package's prerm must be able to tell).
    for args in (["detach", "--all"], ["attach", "--all-guest-bridges"],
                 ["status"]):
        p = env.run(nodb, *args, check=1)
        assert "cannot read the Open vSwitch database" in p.stderr, args

    p = env.run("--version", check=0)
    assert p.stdout.startswith("vifguard-attach (vifguard) ")


def test_without_ovs_vswitchd(env):
    """With ovs-vswitchd gone (OVSDB still up, as when OVS is half stopped
    during an uninstall) detach still restores the database at once instead
    of waiting for ovs-vswitchd, and attach refuses to start."""
    br = env.bridge(ports=["vif1.0"])
    other = env.bridge(ports=["vif2.0"])
    env.run("attach", br, check=0)
    env.sb.kill_vswitchd()
    p = env.run("attach", other, check=1, timeout=30)
    assert "%s: ovs-vswitchd does not answer" % other in p.stderr
    p = env.run("detach", "--all", check=0, timeout=30)
    assert "%s: detached (restored controller: none, fail_mode: unset); " \
        "vifguard flows deleted: none (ovs-vswitchd is not running)" % br \
        in p.stdout, p.stdout
    assert env.state(br) == ([], "", BOTH, {})
    assert env.state(other)[0] == []


def test_script_is_posix_sh(build_dirs):
    script = attach_script(build_dirs)
    for shell in (["dash", "-n"], ["bash", "--posix", "-n"]):
        p = subprocess.run(shell + [script], capture_output=True, text=True)
        assert p.returncode == 0, (shell, p.stderr)
    if shutil.which("shellcheck") is None:
        pytest.fail("shellcheck not found: run scripts/install-deps.sh",
                    pytrace=False)
    p = subprocess.run(["shellcheck", "-s", "sh", script],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stdout


def test_secure_without_controller_is_restored_with_a_warning(env):
    """A bridge that was secure with no controller (on XenServer: created
    while vswitch-controller-fail-mode=secure) gets exactly that back, and
    detach says that it now forwards only what its flow table allows."""
    br = env.bridge(fail_mode="secure", ports=["vif4.0"])
    env.run("attach", br, check=0)
    assert env.state(br)[3]["vifguard-saved-fail-mode"] == "secure"
    p = env.run("detach", br, check=0)
    assert "%s: fail_mode secure restored as saved, with no controller" % br \
        in p.stderr
    assert "ovs-vsctl set-fail-mode %s standalone" % br in p.stderr
    assert env.state(br) == ([], "secure", BOTH, {})
