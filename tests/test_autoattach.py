"""Issue 6: bridges stay under vifguard when xapi re-creates them.

vifguardd with attach-bridges runs the shipped vifguard-attach for every
matching bridge that is not attached (no vifguard controller, or fail_mode
other than secure).  Each test plays what XenServer does to a guest bridge,
on a private OVS (userspace datapath) with a bridge named like xapi's
(xenbr<tag>, created fail_mode=standalone as xcp-networkd creates it
without the pool's vswitch-controller-fail-mode key), an uplink namespace
"router" on a trusted port and two guests whose ports carry the external_ids
xapi's vif hotplug script writes (attached-mac, xs-vm-uuid, xs-vif-uuid,
xs-network-uuid) and their policy as vifguard-ipv4 keys:
  - the host boots with the package installed: the daemon attaches the
    standalone bridge by itself;
  - PIF reconfiguration: the bridge is deleted and created again, standalone,
    and the vifs are plugged again;
  - toolstack restart: the bridge stays, fail_mode goes back to standalone;
  - host reboot: ovsdb-server, ovs-vswitchd and vifguardd restart with the
    bridge in the database, then xcp-networkd resets fail_mode;
  - another controller manager keeps taking the bridge's controller away.
Each time the bridge ends up attached and secure, and the proof is at the
receiver: the router's capture gets the attacker's legitimate datagram and
not its spoofed one.  The window between the bridge's (re)creation and the
attach is printed (run pytest with -s to see it), never asserted.
"""

import os
import subprocess
import threading
import time
import uuid

import pytest

from netlab import Capture, sendp
from vifguard_daemon import VifguardDaemon

ROUTER_MAC = "02:00:00:00:06:01"
MAC = {"g1": "02:00:00:00:06:11", "g2": "02:00:00:00:06:12"}
IP = {"router": "10.6.0.1", "g1": "10.6.0.11", "g2": "10.6.0.12"}
COOKIE_MASK = "cookie=0x7667000000000000/0xffff000000000000"
OVS_ALLOW = (r"rconn.*connection (dropped|failed)",
             r"connection dropped", r"unix.*Connection refused",
             r"reconnect.*connection attempt failed",
             # A client (vifguardd stopped by the test, a tool) gone while
             # ovsdb-server was sending to it.
             r"jsonrpc.*send error: Broken pipe")

# The engine's alarm while a bridge is attached but not secure: expected
# for the moment between xapi's reset and the daemon's repair.
RESET_ERR = r'fail_mode is "standalone", not "secure"'


def script_path(build_dirs):
    path = os.path.join(build_dirs["plain"], "scripts", "vifguard-attach")
    if not os.access(path, os.X_OK):
        pytest.fail("%s not built (run scripts/run-tests.sh)" % path,
                    pytrace=False)
    return path


class Xen:
    """The bridge, its namespaces and the daemon of one test."""

    def __init__(self, sb, build_dirs):
        self.sb = sb
        self.script = script_path(build_dirs)
        self.br = "xenbr" + sb.tag
        self.pattern = "xenbr%s*" % sb.tag
        self.vm = {g: str(uuid.uuid4()) for g in MAC}
        self.vif = {g: str(uuid.uuid4()) for g in MAC}
        self.net = str(uuid.uuid4())
        self.create_bridge()
        self.ns = {"router": sb.add_netns(self.br, "router", ROUTER_MAC,
                                          [IP["router"] + "/24"], ofport=1)}
        for i, g in enumerate(("g1", "g2")):
            ns = sb.add_netns(self.br, g, MAC[g], [IP[g] + "/24"],
                              ofport=11 + i)
            self.ns[g] = ns
            sb.vsctl("set", "interface", ns.port, *self.vif_ids(g))
        self.vg = VifguardDaemon(
            sb, build_dirs["plain"],
            args=["--attach-bridges=" + self.pattern,
                  "--attach-command=" + self.script])
        self.target = "unix:" + self.vg.ofp_sock

    def vif_ids(self, g):
        """The external_ids of guest 'g''s port, as xapi's hotplug script
        sets them, plus the guest's policy."""
        return ["external_ids:attached-mac=" + MAC[g],
                "external_ids:xs-vm-uuid=" + self.vm[g],
                "external_ids:xs-vif-uuid=" + self.vif[g],
                "external_ids:xs-network-uuid=" + self.net,
                "external_ids:iface-id=" + self.vif[g],
                "external_ids:vifguard-ipv4=" + IP[g]]

    def create_bridge(self):
        """xcp-networkd's bridge creation: --may-exist add-br, then
        fail_mode=standalone (no vswitch-controller-fail-mode key)."""
        dpid = "00000000%04x%04x" % (int(self.sb.tag, 16), 0x600)
        self.sb.vsctl("--may-exist", "add-br", self.br, "--", "set",
                      "bridge", self.br, "datapath_type=netdev",
                      "other_config:datapath-id=" + dpid,
                      "fail_mode=standalone",
                      "external_ids:xs-network-uuids=" + self.net)

    def guest_ports(self):
        return [self.ns[g].port for g in ("g1", "g2")]

    def is_attached(self):
        ctls = self.sb.vsctl("get-controller", self.br).split()
        fm = self.sb.vsctl("get-fail-mode", self.br).strip()
        return ctls == [self.target] and fm == "secure"

    def wait_attached(self, since, what, timeout=30):
        """Waits until the bridge is attached and its guests protected;
        prints both delays from 'since' (time.monotonic())."""
        deadline = time.monotonic() + timeout
        while not self.is_attached():
            assert time.monotonic() < deadline, (
                "%s not attached after %ss\n%s" % (self.br, timeout,
                                                   self.vg.log_tail()))
            time.sleep(0.02)
        attached = time.monotonic() - since
        self.vg.wait_state(self.guest_ports(), timeout=timeout)
        protected = time.monotonic() - since
        print("\n%s: %s -> attached (secure + controller) in %.3f s, guests "
              "protected in %.3f s" % (self.br, what, attached, protected))

    def check_protected(self):
        """g2 sends a spoofed datagram (g1's address) and a legitimate one
        to the router: only the legitimate one arrives."""
        frame = ("Ether(src='%s', dst='ff:ff:ff:ff:ff:ff')/IP(src='%s', "
                 "dst='%s')/UDP(sport=4000, dport=9999)/Raw(b'%s')")
        with Capture(self.ns["router"], "udp port 9999") as cap:
            sendp(self.ns["g2"], "[%s, %s]" % (
                frame % (MAC["g2"], IP["g1"], IP["router"], "SPOOFED"),
                frame % (MAC["g2"], IP["g2"], IP["router"], "CONTROL")))
            text = cap.stop().text()
        assert "CONTROL" in text
        assert "SPOOFED" not in text
        flows = self.sb.ofctl("dump-flows", self.br, COOKIE_MASK)
        assert "in_port=%d" % self.ns["g2"].ofport in flows

    def replug_vifs(self):
        """xapi's hotplug script adding the vifs to a new bridge."""
        for name in ("router", "g1", "g2"):
            ns = self.ns[name]
            args = ["add-port", self.br, ns.port, "--", "set", "interface",
                    ns.port, "ofport_request=%d" % ns.ofport]
            if name != "router":
                args += self.vif_ids(name)
            self.sb.vsctl(*args)


@pytest.fixture
def xen(ovs, build_dirs):
    x = Xen(ovs, build_dirs)
    try:
        # Package installed, service enabled: the daemon finds the
        # standalone bridge and attaches it.
        since = time.monotonic()
        x.vg.start()
        x.wait_attached(since, "daemon start")
        x.check_protected()
        yield x
        problems = x.vg.log_problems(getattr(x, "log_allow", ()))
    finally:
        rc = x.vg.stop()
    assert not problems, "unexpected ERR/WARN in vifguardd log:\n" + \
        "\n".join(problems)
    assert rc == 0


@pytest.mark.ovs_log_allow(*OVS_ALLOW)
def test_bridge_recreated(xen):
    """PIF reconfiguration: del-br, add-br (standalone), vifs plugged
    again.  The new bridge has no saved state: attach saves standalone."""
    x = xen
    x.sb.vsctl("del-br", x.br)
    since = time.monotonic()
    x.create_bridge()
    x.replug_vifs()
    x.wait_attached(since, "re-created")
    x.check_protected()
    saved = x.sb.vsctl("get", "bridge", x.br,
                       "external_ids:vifguard-saved-fail-mode").strip()
    assert saved.strip('"') == "standalone"
    # Attached twice, each time by the shipped script, whose output is in
    # the daemon's log.
    log = open(x.vg.log).read()
    assert log.count("%s: vifguard-attach: %s: attached to %s"
                     % (x.br, x.br, x.target)) == 2
    show = x.vg.ctl("show")
    assert show["attach_bridges"] == x.pattern
    assert [(a["bridge"], a["state"], a["failures"])
            for a in show["attach"]] == [(x.br, "attached", 0)]
    # Counted since the bridge (re)appeared.
    assert show["attach"][0]["attempts"] == 1


@pytest.mark.ovs_log_allow(*OVS_ALLOW)
def test_toolstack_restart(xen):
    """xcp-networkd restarting: the bridge stays, fail_mode is reset to
    standalone; the daemon puts secure back (saved state untouched)."""
    x = xen
    x.log_allow = [RESET_ERR]
    since = time.monotonic()
    x.create_bridge()
    x.wait_attached(since, "fail_mode reset")
    x.check_protected()
    assert "reset: fail_mode" in open(x.vg.log).read()


@pytest.mark.ovs_log_allow(*OVS_ALLOW, r"ovs-vswitchd.*exit",
                           r"another ovs-vswitchd process is running",
                           r"db.sock", r"jsonrpc")
def test_host_reboot(xen):
    """Everything restarts with the bridge in the database (still attached
    from before); then xcp-networkd resets fail_mode as at every boot."""
    x = xen
    x.log_allow = [RESET_ERR]
    x.vg.stop()
    x.sb._stop_daemon("ovs-vswitchd")
    x.sb.restart_ovsdb()
    x.sb.start_vswitchd()
    since = time.monotonic()
    x.vg.start()
    x.wait_attached(since, "reboot, daemon start")
    x.check_protected()
    since = time.monotonic()
    x.create_bridge()
    x.wait_attached(since, "reboot, fail_mode reset")
    x.check_protected()


@pytest.mark.ovs_log_allow(*OVS_ALLOW)
def test_another_manager_undoing_the_attachment(xen):
    """Something else (another controller manager) removes the bridge's
    controller each time the daemon has attached it: the daemon backs off
    and, at the third time in a row, warns once and shows why; once the
    other manager stops, the bridge is attached for good and protected."""
    x = xen
    x.log_allow = [r"attachment undone 3 times in a row",
                   r"vifguardd is no longer one of its controllers"]
    stop = threading.Event()
    undone = []

    def other_manager():
        while not stop.is_set():
            if x.is_attached():
                x.sb.vsctl("del-controller", x.br)
                undone.append(time.monotonic())
            time.sleep(0.05)

    fight = threading.Thread(target=other_manager)
    fight.start()
    try:
        deadline = time.monotonic() + 60
        while "undone 3 times" not in (x.vg.ctl("show")["attach"][0]
                                       .get("error") or ""):
            assert time.monotonic() < deadline, x.vg.log_tail()
            time.sleep(0.1)
    finally:
        stop.set()
        fight.join()
    assert len(undone) >= 3, undone
    # Backing off: the next attempt is 4 s after the third loss (1, 2, 4
    # s), not the 1 s between runs of a bridge that stays attached.
    a = x.vg.ctl("show")["attach"][0]
    assert a["error"].startswith("attachment undone 3 times in a row"), a
    assert a["state"] == "waiting" and a["retry_in"] > 1, a
    text = x.vg.ctl_run("show").stdout
    assert "another controller manager" in text, text
    warned = [l for l in x.vg.log_lines("WARN") if "attachment undone" in l]
    assert len(warned) == 1 and x.br in warned[0], warned
    since = time.monotonic()
    x.wait_attached(since, "the other manager gone")
    x.check_protected()


def write_conf(path, sb, vg, patterns):
    path.write_text("ovsdb = %s\nlisten = punix:%s\nctl = %s\n"
                    "attach-bridges = %s\n"
                    % (sb.db, vg.ofp_sock, vg.ctl_sock, patterns))
    return str(path)


@pytest.mark.ovs_log_allow(*OVS_ALLOW)
def test_detach_respects_intent_and_uninstall_restores(ovs, build_dirs,
                                                       tmp_path):
    """An excluded bridge ("!NAME") is left alone; detach refuses a bridge
    that attach-bridges names (the daemon would attach it again) and
    "detach --all" refuses while the daemon runs; once it is stopped (the
    package's prerm order), detach --all restores everything."""
    sb = ovs
    script = script_path(build_dirs)
    kept = "xenbr%sa" % sb.tag
    excluded = "xenbr%sb" % sb.tag
    for br in (kept, excluded):
        sb.add_bridge(name=br, fail_mode="standalone", protocols=None)
    patterns = "xenbr%s*,!%s" % (sb.tag, excluded)
    vg = VifguardDaemon(sb, build_dirs["plain"],
                        args=["--attach-bridges=" + patterns,
                              "--attach-command=" + script])
    conf = write_conf(tmp_path / "vifguard.conf", sb, vg, patterns)
    target = "unix:" + vg.ofp_sock

    def state(br):
        return (sb.vsctl("get-controller", br).split(),
                sb.vsctl("get-fail-mode", br).strip())

    def run(*args):
        return subprocess.run([script, "--config=" + conf] + list(args),
                              capture_output=True, text=True, timeout=60)

    vg.start()
    try:
        deadline = time.monotonic() + 30
        while state(kept) != ([target], "secure"):
            assert time.monotonic() < deadline, vg.log_tail()
            time.sleep(0.02)
        show = vg.ctl("show")
        assert [a["bridge"] for a in show["attach"]] == [kept]

        p = run("detach", kept)
        assert p.returncode == 1
        assert "%s matches attach-bridges = %s" % (kept, patterns) \
            in p.stderr
        assert "add !%s" % kept in p.stderr
        assert state(kept) == ([target], "secure")
        p = run("detach", "--all")
        assert p.returncode == 1
        assert "vifguardd is running" in p.stderr
        assert state(kept) == ([target], "secure")

        # The excluded bridge: never attached, and detaching it is fine.
        assert state(excluded) == ([], "standalone")
        p = run("detach", excluded)
        assert p.returncode == 0, p.stderr
        assert "was not attached" in p.stdout
        problems = vg.log_problems()
    finally:
        rc = vg.stop()
    assert not problems, problems
    assert rc == 0

    # Uninstall: service stopped, then detach --all.
    assert not os.path.exists(vg.ctl_sock)
    p = run("detach", "--all")
    assert p.returncode == 0, p.stderr
    assert state(kept) == ([], "standalone")
    assert sb.vsctl("get", "bridge", kept, "external_ids").strip() == "{}"
    assert "cookie=0x7667" not in sb.ofctl("dump-flows", kept)


@pytest.mark.ovs_log_allow(*OVS_ALLOW)
def test_failures_back_off_and_show(ovs, build_dirs, tmp_path):
    """A failing vifguard-attach: its output reaches the log, the failure
    shows in vifguard-ctl show, retries back off, no zombie is left, and
    the bridge is left as it was."""
    sb = ovs
    br = "xenbr" + sb.tag
    sb.add_bridge(name=br, fail_mode="standalone", protocols=None)
    fake = tmp_path / "fake-attach"
    fake.write_text("#!/bin/sh\necho \"cannot frobnicate $*\" >&2\n"
                    "exit 3\n")
    fake.chmod(0o755)
    vg = VifguardDaemon(sb, build_dirs["plain"],
                        args=["--attach-bridges=xenbr*",
                              "--attach-command=%s" % fake])
    vg.start()
    try:
        deadline = time.monotonic() + 30
        while True:
            a = vg.ctl("show")["attach"]
            if a and a[0]["failures"] >= 2:
                break
            assert time.monotonic() < deadline, vg.log_tail()
            time.sleep(0.1)
        a = a[0]
        assert a["bridge"] == br
        assert a["state"] in ("waiting", "attaching", "pending")
        assert a["error"].startswith("exit status 3: cannot frobnicate ")
        assert a["error"].endswith(" attach " + br)
        # Backoff: 1 s after the first failure, 2 s after the second.
        assert a["attempts"] <= 3
        text = vg.ctl_run("show").stdout
        assert "attach-bridges xenbr*:" in text
        assert "last error: exit status 3" in text
        log = open(vg.log).read()
        assert "%s: vifguard-attach: cannot frobnicate" % br in log
        # No zombie: every child of the daemon has been reaped.
        kids = subprocess.run(["ps", "--ppid", str(vg.proc.pid), "-o",
                               "stat="], capture_output=True,
                              text=True).stdout.split()
        assert not [k for k in kids if k.startswith("Z")], kids
        assert sb.vsctl("get-fail-mode", br).strip() == "standalone"
        assert vg.proc.poll() is None
    finally:
        rc = vg.stop()
    # A clean exit (no leak report in a sanitizer build), also with a run
    # possibly in flight.
    assert rc == 0
