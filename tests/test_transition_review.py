"""Holes found by an adversarial review of transitions (session 6): what a
guest keeps, or inherits, when protection has to be re-established and
the NO_FLOOD bit cannot be confirmed; a NO_FLOOD bit that someone else
clears; NORMAL's MAC table, which a change of mode left as it was (now
cleaned through ovs-vswitchd's control socket, also after a restart and
when that socket is missing for a while); a MAC squatter held closed that
takes the victim's MAC after a transition.

The LAN: a private OVS (userspace datapath), one bridge in fail_mode=secure
under vifguardd, an uplink namespace "router" on a trusted port
(10.0.0.1/24) and two locked guests:
  victim    ofport 11, 10.0.0.11;
  attacker  ofport 12, 10.0.0.12.
In the first two tests NO_FLOOD is made to fail by moving the bridge's
management socket (RUNDIR/BRIDGE.mgmt) away while vifguardd is down (its
restart then cannot confirm any guest's bit: "NO_FLOOD could not be set")
or by Bridge.protocols without OpenFlow10; DESIGN.md says either leaves
the guests concerned closed.
The watching NO_FLOOD connection is dropped under ovs-vswitchd's feet by
shutting its socket down from outside (pidfd_getfd()).
Every check is made where traffic lands: a capture in the router's or the
guest's namespace.  (Each test takes 2 to 7 s.)
"""

import ctypes
import os
import signal
import socket
import subprocess

import pytest

from netlab import Capture, sendp
from topology import wait_for
from vifguard_daemon import VifguardDaemon

ROUTER_MAC = "02:00:00:00:00:01"
MAC = {"victim": "02:00:00:00:00:11", "attacker": "02:00:00:00:00:12",
       "evil": "02:00:00:00:00:66"}
IP = {"router": "10.0.0.1", "victim": "10.0.0.11", "attacker": "10.0.0.12",
      "evil": "10.0.0.66"}
OFPORT = {"victim": 11, "attacker": 12}
LOG_ALLOW = [r"NO_FLOOD", r"noflood", r"mgmt", r"connect", r"MAC 02:00:00:00:00:11",
             r"vifguard-ipv4"]


def guest_ids(name, mode=None, ip=None):
    ids = ["external_ids:attached-mac=" + MAC[name],
           "external_ids:vifguard-ipv4=" + (ip or IP[name])]
    if mode:
        ids.append("external_ids:vifguard-mode=" + mode)
    return ids


@pytest.fixture
def lan(ovs, build_dirs):
    sb = ovs
    br = sb.add_bridge()
    vg = VifguardDaemon(sb, build_dirs["plain"])
    ns = {"router": sb.add_netns(br, "router", ROUTER_MAC,
                                 [IP["router"] + "/24"], ofport=1)}
    for g in ("victim", "attacker"):
        ns[g] = sb.add_netns(br, g, MAC[g], [IP[g] + "/24"],
                             ofport=OFPORT[g])
        sb.vsctl("set", "interface", ns[g].port, *guest_ids(g))
    ns["sb"], ns["br"], ns["vg"] = sb, br, vg
    mgmt = os.path.join(sb.dir, br + ".mgmt")
    try:
        with vg.protecting(br, [ns[g].port for g in ("victim", "attacker")],
                           lambda: LOG_ALLOW + ns.get("log_allow", [])):
            yield ns
    finally:
        if os.path.exists(mgmt + ".away"):
            os.rename(mgmt + ".away", mgmt)


def break_noflood_and_kill(lan):
    """Kills vifguardd (-9) and moves the management socket away, so that
    its next start cannot set or confirm any NO_FLOOD bit."""
    lan["vg"].kill9()
    mgmt = os.path.join(lan["sb"].dir, lan["br"] + ".mgmt")
    os.rename(mgmt, mgmt + ".away")


def restart_until_noflood_fails(lan, port):
    """Starts vifguardd again and waits until it reports 'port' held closed
    because NO_FLOOD could not be set."""
    vg = lan["vg"]
    vg.start()

    def closed():
        v = vg.vifs().get(port, {})
        return v.get("state") not in (None, "protected") and \
            "NO_FLOOD" in str(v)
    wait_for(closed, 20, "%s held closed for NO_FLOOD" % port)
    return vg.vifs()[port]


def udp_from(lan, name, src_mac, src_ip, mark):
    sendp(lan[name], "Ether(src='%s', dst='%s')/IP(src='%s', dst='%s')/"
          "UDP(sport=9999, dport=9999)/Raw(b'%s')"
          % (src_mac, ROUTER_MAC, src_ip, IP["router"], mark))


@pytest.mark.parametrize("how", ["restart", "protocols"])
@pytest.mark.ovs_log_allow(r"version negotiation failed",
                           r"<->unix#[0-9]+: connection dropped")
def test_policy_change_while_noflood_fails(lan, how):
    """A guest disabled while NO_FLOOD cannot be confirmed must not keep its
    old permissions: DESIGN.md "If NO_FLOOD cannot be set at all ... the
    guests stay closed".  Two ways to get there: the guest is disabled
    while vifguardd is down and its restart cannot reach the management
    socket ("restart"), or Bridge.protocols loses OpenFlow10 (xapi or an
    administrator resetting the bridge) while vifguardd runs, then the
    guest is disabled ("protocols").

    Before the fix the engine keeps every installed port group whose new
    version is not "ready" (port_ready__(): NO_FLOOD bit not confirmed),
    so the attacker's old locked flows stay on the switch while
    `vifguard-ctl vifs` says "pending": the attacker, disabled, still
    sends from 10.0.0.12."""
    sb, br, vg, att = lan["sb"], lan["br"], lan["vg"], lan["attacker"]
    disable = ("set", "interface", att.port) + tuple(
        guest_ids("attacker", mode="disabled"))
    if how == "restart":
        break_noflood_and_kill(lan)
        sb.vsctl(*disable)
        state = restart_until_noflood_fails(lan, att.port)
    else:
        sb.vsctl("set", "bridge", br, "protocols=OpenFlow13")
        wait_for(lambda: "NO_FLOOD" in str(vg.vifs()[att.port]), 20,
                 "NO_FLOOD to fail")
        sb.vsctl(*disable)
        wait_for(lambda: vg.vifs()[att.port]["mode"] == "disabled", 15,
                 "vifguardd to see the attacker disabled")
        state = vg.vifs()[att.port]
    with Capture(lan["router"], "udp port 9999") as cap:
        udp_from(lan, "attacker", MAC["attacker"], IP["attacker"],
                 "DISABLED-SENDS")
        text = cap.stop().text()
    assert "DISABLED-SENDS" not in text, \
        "a disabled guest still sends (vifguard-ctl: %s)" % state


def test_inherited_ofport_while_noflood_fails(lan):
    """A guest port deleted while vifguardd is down, and a new guest port
    given the same ofport (ofport_request, or OVS reusing a number): the
    newcomer must not send with the departed guest's MAC and address once
    vifguardd is back, even if NO_FLOOD cannot be confirmed.  (It does
    receive the departed guest's unicast then, through the MAC group left
    as it is until the newcomer's bit is set, and through NORMAL, which
    floods to every port whose bit is not set: DESIGN.md, "Limits".)

    Before the fix the departed guest's port and MAC groups (cookies keyed
    by ofport 11) stay installed, because the newcomer's groups with the
    same cookies are wanted but not ready: the newcomer sends as 10.0.0.11
    / 02:00:00:00:00:11 and receives what the router sends to it."""
    sb, br = lan["sb"], lan["br"]
    break_noflood_and_kill(lan)
    lan["victim"].destroy()
    evil = sb.add_netns(br, "evil", MAC["evil"], [IP["evil"] + "/24"],
                        ofport=OFPORT["victim"])
    sb.vsctl("set", "interface", evil.port, *guest_ids("evil"))
    lan["evil"] = evil
    state = restart_until_noflood_fails(lan, evil.port)
    with Capture(lan["router"], "udp port 9999") as cap:
        udp_from(lan, "evil", MAC["victim"], IP["victim"], "SPOOFED")
        udp_from(lan, "evil", MAC["evil"], IP["evil"], "OWNPOLICY")
        text = cap.stop().text()
    assert "SPOOFED" not in text, \
        "the newcomer sends as the departed guest (vifguard-ctl: %s)" % state
    assert "OWNPOLICY" not in text, \
        "the newcomer sends before its NO_FLOOD bit is set: %s" % state


def assert_no_unknown_unicast_to_attacker(lan):
    """The victim's unicast to a MAC the switch has not learned (which
    NORMAL floods) does not reach the attacker's namespace."""
    sb, br, att = lan["sb"], lan["br"], lan["attacker"]
    with Capture(att, "ether src %s" % MAC["victim"]) as cap:
        sendp(lan["victim"], "Ether(src='%s', dst='02:00:00:00:00:99')/"
              "IP(src='%s', dst='%s')/UDP(sport=9999, dport=9999)/"
              "Raw(b'UNKNOWN-UNICAST')"
              % (MAC["victim"], IP["victim"], IP["router"]))
        text = cap.stop().text()
    assert "UNKNOWN-UNICAST" not in text, \
        "the attacker receives the victim's unknown unicast (NO_FLOOD " \
        "ports: %s)" % sorted(sb.no_flood_ports(br))


def test_noflood_cleared_by_someone_else(lan):
    """A guest's NO_FLOOD bit cleared by another client of the management
    socket (`ovs-ofctl -O OpenFlow10 mod-port BR PORT flood`: the same
    access that can add foreign flows, which vifguardd deletes at once,
    DESIGN.md "Ownership of the bridge") is set again at once, every time:
    otherwise NORMAL floods other guests' frames to it, and vifguard-ctl
    still says "protected".

    Before the fix vifguardd set the bit only for a new ofport or a new
    connection, and never noticed the change: the attacker received the
    victim's unicast to a MAC the switch has not learned.  Now its NO_FLOOD
    connection asks the switch for other clients' port changes (noflood.h,
    "Watching")."""
    sb, br, vg, att = lan["sb"], lan["br"], lan["vg"], lan["attacker"]
    for n in (1, 2):
        sb.ofctl("mod-port", br, att.port, "flood", version="OpenFlow10")
        wait_for(lambda: att.ofport in sb.no_flood_ports(br), 10,
                 "the attacker's NO_FLOOD bit set again (%d)" % n)
        vg.wait_state([att.port])
        assert_no_unknown_unicast_to_attacker(lan)
    warned = [l for l in vg.log_lines("WARN")
              if "NO_FLOOD cleared by another client" in l]
    assert len(warned) == 2 and all(att.port in l for l in warned), warned


def mgmt_connections(lan):
    """vifguardd's connections to the bridge's management socket, as
    {ovs-vswitchd's socket inode: (its pid, its fd)}.  (`ss` in vifguardd's
    network namespace: an accepted Unix socket is in its client's.)"""
    br, vg = lan["br"], lan["vg"]
    fds = "/proc/%d/fd" % vg.proc.pid
    ours = set()
    for fd in os.listdir(fds):
        try:
            link = os.readlink(os.path.join(fds, fd))
        except OSError:
            continue
        if link.startswith("socket:["):
            ours.add(link[8:-1])
    conns = {}
    ss = subprocess.run(["ss", "-xpnH"], check=True, capture_output=True,
                        text=True)
    for line in ss.stdout.splitlines():
        f = line.split()
        # u_str ESTAB 0 0 PATH INODE * PEER-INODE users:(("ovs-vswitchd",..
        if (len(f) >= 9 and f[4].endswith("/%s.mgmt" % br) and f[7] in ours
                and '"ovs-vswitchd"' in f[8]):
            pid = int(f[8].split("pid=")[1].split(",")[0])
            fd = int(f[8].split("fd=")[1].split(")")[0])
            conns[f[5]] = (pid, fd)
    return conns


def shut_down_socket(pid, fd):
    """Shuts down (both ways) the socket that is file descriptor 'fd' of
    process 'pid', through a copy of it (pidfd_getfd(), Linux 5.6): the
    process then reads EOF on it and closes it, as if its peer had gone."""
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    try:
        copy = libc.syscall(438, pidfd, fd, 0)  # SYS_pidfd_getfd
        if copy < 0:
            raise OSError(ctypes.get_errno(), "pidfd_getfd")
    finally:
        os.close(pidfd)
    s = socket.socket(fileno=copy)
    try:
        s.shutdown(socket.SHUT_RDWR)
    finally:
        s.close()


def test_noflood_watch_lost_is_set_up_again(lan):
    """If ovs-vswitchd drops the watching NO_FLOOD connection while the
    controller connection stays up, a bit cleared meanwhile cannot be
    reported: every guest's bit is confirmed again on a new connection
    (DESIGN.md, "NO_FLOOD"), which watches again.  The connection is shut
    down under ovs-vswitchd's feet (its socket, from outside) while
    vifguardd is stopped, and the attacker's bit cleared before vifguardd
    runs again, so that no report of it can reach vifguardd."""
    sb, br, vg, att = lan["sb"], lan["br"], lan["vg"], lan["attacker"]
    old = mgmt_connections(lan)
    assert len(old) == 1, old
    vg.proc.send_signal(signal.SIGSTOP)
    try:
        shut_down_socket(*next(iter(old.values())))
        sb.ofctl("mod-port", br, att.port, "flood", version="OpenFlow10")
        assert att.ofport not in sb.no_flood_ports(br)
    finally:
        vg.proc.send_signal(signal.SIGCONT)
    wait_for(lambda: att.ofport in sb.no_flood_ports(br), 10,
             "the attacker's NO_FLOOD bit confirmed again")
    vg.wait_state([att.port, lan["victim"].port])
    new = mgmt_connections(lan)
    assert len(new) == 1 and not set(new) & set(old), (old, new)
    assert [l for l in vg.log_lines("INFO")
            if "NO_FLOOD connection lost" in l], vg.log_tail()
    assert not [l for l in vg.log_lines("WARN")
                if "cleared by another client" in l], vg.log_tail()
    # The new connection watches.
    sb.ofctl("mod-port", br, att.port, "flood", version="OpenFlow10")
    wait_for(lambda: att.ofport in sb.no_flood_ports(br), 10,
             "the attacker's NO_FLOOD bit set again")
    vg.wait_state([att.port])
    assert_no_unknown_unicast_to_attacker(lan)
    warned = [l for l in vg.log_lines("WARN")
              if "NO_FLOOD cleared by another client" in l]
    assert len(warned) == 1 and att.port in warned[0], warned


def fdb_port(sb, br, mac):
    """The port on which NORMAL has learned 'mac', or None."""
    for line in sb.appctl("fdb/show", br).splitlines():
        f = line.split()
        if len(f) >= 3 and f[2] == mac:
            return int(f[0]) if f[0].isdigit() else f[0]
    return None


def unlock_and_claim_router_mac(lan):
    """Makes the attacker an unlocked guest and sends from the router's MAC
    until NORMAL has learned it on the attacker's port."""
    sb, br, vg, att = lan["sb"], lan["br"], lan["vg"], lan["attacker"]
    # A quiet router (no MLD reports), as one that talks to guests only by
    # unicast is (DESIGN.md, "Limits").
    lan["router"].exec("sysctl", "-qw",
                       "net.ipv6.conf.eth0.disable_ipv6=1")
    sb.vsctl("set", "interface", att.port,
             *guest_ids("attacker", mode="unlocked"))
    wait_for(lambda: vg.vifs()[att.port]["mode"] == "unlocked" and
             vg.vifs()[att.port]["state"] == "protected", 15,
             "the attacker unlocked")

    def learned():
        sendp(att, "Ether(src='%s', dst='02:00:00:00:00:99')/IP(src='%s', "
              "dst='10.0.0.99')/UDP(sport=9999, dport=9999)"
              % (ROUTER_MAC, IP["router"]), count=1)
        return fdb_port(sb, br, ROUTER_MAC) == att.ofport
    wait_for(learned, 15, "NORMAL to learn the router's MAC on the "
             "attacker's port")


def lock_attacker(lan):
    """Sets the attacker's policy back to locked (in OVSDB)."""
    sb, att = lan["sb"], lan["attacker"]
    sb.vsctl("set", "interface", att.port, *guest_ids("attacker"))
    sb.vsctl("remove", "interface", att.port, "external_ids",
             "vifguard-mode")


def assert_no_frames_to_router_mac(lan):
    """Once the attacker is locked and protected, and vifguardd has removed
    what NORMAL learned on its port (or NORMAL has learned the router's MAC
    elsewhere): the victim's unicast to the router's MAC must not reach the
    attacker."""
    sb, br, vg, att = lan["sb"], lan["br"], lan["vg"], lan["attacker"]
    wait_for(lambda: vg.vifs()[att.port]["mode"] == "locked" and
             vg.vifs()[att.port]["state"] == "protected", 15,
             "the attacker locked again")
    wait_for(lambda: fdb_port(sb, br, ROUTER_MAC) != att.ofport, 15,
             "the router's MAC gone from the attacker's port")
    with Capture(att, "ether src %s" % MAC["victim"]) as cap:
        sendp(lan["victim"], "Ether(src='%s', dst='%s')/IP(src='%s', "
              "dst='%s')/UDP(sport=9999, dport=9999)/Raw(b'TO-ROUTER')"
              % (MAC["victim"], ROUTER_MAC, IP["victim"], IP["router"]))
        text = cap.stop().text()
    assert "TO-ROUTER" not in text, \
        "a locked guest receives the victim's frames to the router " \
        "(fdb: %s)" % sb.appctl("fdb/show", br)
    assert vg.stats()["mac_entries_removed"] >= 1


def test_unlocked_to_locked_keeps_learned_macs(lan):
    """An unlocked guest may claim a trusted host's MAC (DESIGN.md,
    "Limits": NORMAL then learns it on the guest's port).  Once the guest
    is locked, it must no longer receive what others send to that MAC: a
    locked guest gets only its own egress-checked unicast, "whatever the
    MAC table holds".

    Before the fix a change of mode leaves NORMAL's MAC table as it is:
    the router's MAC stays learned on the now locked guest's port until
    the router's own frames reach NORMAL again (or the entry ages out, 300
    s), and the victim's unicast to the router goes to the attacker
    instead (NORMAL's known unicast, no egress check).  vifguardd now
    removes the entries learned on the port once its locked flows are
    acknowledged (DESIGN.md, "NORMAL's MAC table")."""
    unlock_and_claim_router_mac(lan)
    lock_attacker(lan)
    assert_no_frames_to_router_mac(lan)


def test_mac_table_cleanup_retried(lan):
    """Without ovs-vswitchd's control socket the entries cannot be removed:
    vifguardd says so (a WARN naming the bridge), keeps the guest
    protected, and retries until it succeeds."""
    sb, br, vg, att = lan["sb"], lan["br"], lan["vg"], lan["attacker"]
    unlock_and_claim_router_mac(lan)
    pid = open(os.path.join(sb.dir, "ovs-vswitchd.pid")).read().strip()
    ctl = os.path.join(sb.dir, "ovs-vswitchd.%s.ctl" % pid)
    os.rename(ctl, ctl + ".away")
    lan["log_allow"] = [r"cannot remove the MAC table entries"]
    try:
        lock_attacker(lan)
        wait_for(lambda: any(
            "bridge %s: cannot remove the MAC table entries" % br in l and
            "no control socket" in l for l in vg.log_lines("WARN")), 15,
            "a WARN about the missing control socket")
        assert vg.vifs()[att.port]["state"] == "protected"
    finally:
        os.rename(ctl + ".away", ctl)
    assert_no_frames_to_router_mac(lan)


def test_locked_while_down_keeps_learned_macs(lan):
    """The same, with the guest locked while vifguardd is down: at its
    start vifguardd does not know what NORMAL learned before, and the
    attacker's unlocked flows are still installed."""
    unlock_and_claim_router_mac(lan)
    lan["vg"].stop()
    lock_attacker(lan)
    lan["vg"].start()
    assert_no_frames_to_router_mac(lan)


@pytest.mark.parametrize("how", ["invalid-policy", "restart"])
def test_mac_squatter_after_victim_transition(lan, how):
    """A newcomer claiming a protected guest's MAC is held closed
    (DESIGN.md: "so that whoever can choose a new port's MAC ... cannot
    take a protected guest down by claiming its MAC").  That must still
    hold after the victim's policy was invalid for a moment (an operator's
    typo, corrected: "invalid-policy") and after a vifguardd restart
    ("restart"): the victim is protected again, and the squatter, an
    unlocked guest, receives nothing sent to the victim.

    Before the fixes the engine remembered who had the MAC only in memory
    (held_mac), for ports with a valid policy: a victim whose policy is
    briefly invalid lost the MAC to the squatter for good (held closed
    once its policy is fixed, the squatter gets the MAC group and, being
    unlocked, every frame to that MAC), and a restart held both closed
    (though the read-back shows which port's MAC group is installed: the
    engine now takes the claims from it)."""
    sb, br, vg, victim = lan["sb"], lan["br"], lan["vg"], lan["victim"]
    sq = sb.add_netns(br, "squatter", MAC["victim"], [IP["evil"] + "/24"],
                      ofport=13)
    lan["squatter"] = sq
    sb.vsctl("set", "interface", sq.port, "external_ids:attached-mac="
             + MAC["victim"], "external_ids:vifguard-mode=unlocked")
    wait_for(lambda: vg.vifs().get(sq.port, {}).get("state") == "error",
             15, "the squatter held closed")
    if how == "invalid-policy":
        sb.vsctl("set", "interface", victim.port,
                 "external_ids:vifguard-ipv4=10.0.0.311")
        wait_for(lambda: vg.vifs()[victim.port]["state"] == "error", 15,
                 "the victim's policy refused")
        sb.vsctl("set", "interface", victim.port, *guest_ids("victim"))
    else:
        vg.stop()
        vg.start()
    def settled():
        v = vg.vifs()
        st = {p: v.get(p, {}).get("state") for p in (victim.port, sq.port)}
        return st if all(x in ("protected", "error") for x in st.values()) \
            and v[victim.port]["ipv4"] == [IP["victim"]] else None
    state = wait_for(settled, 15, "the victim's and the squatter's state")
    with Capture(sq, "udp port 9999") as cap:
        sendp(lan["router"], "Ether(src='%s', dst='%s')/IP(src='%s', "
              "dst='%s')/UDP(sport=9999, dport=9999)/Raw(b'FORVICTIM')"
              % (ROUTER_MAC, MAC["victim"], IP["router"], IP["victim"]))
        text = cap.stop().text()
    assert "FORVICTIM" not in text, \
        "the squatter receives the victim's unicast (%s)" % state
    assert state[victim.port] == "protected", state
