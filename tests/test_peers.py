"""OpenFlow peers that are not a healthy ovs-vswitchd, and the listeners
they reach: a switch that is alive but stuck (SIGSTOP), peers that complete
the handshake with a datapath id no bridge has, ptcp: listeners (loopback
unless told otherwise, a warning when other hosts can reach them, a flood
of connections from a local process), and in-band control, whose hidden
flows a tcp: controller or manager brings to the bridge.

The LAN: a private OVS (userspace datapath), one bridge in fail_mode=secure
under vifguardd, an uplink namespace "router" on a trusted port
(10.0.0.1/24) and two locked guests, victim (10.0.0.11) and attacker
(10.0.0.12).  Protection is checked where traffic lands: a capture in the
router's namespace.  The stuck-switch test waits out vifguardd's keepalive
(10 s of silence, then 10 s for the echo reply: about 20 s); the unknown
datapath id test its 10 s wait for OVSDB.
"""

import os
import re
import signal
import socket
import struct
import subprocess

import pytest

from netlab import Capture, sendp
from topology import wait_for
from vifguard_daemon import VifguardDaemon

ROUTER_MAC = "02:00:00:00:00:01"
MAC = {"victim": "02:00:00:00:00:11", "attacker": "02:00:00:00:00:12"}
IP = {"router": "10.0.0.1", "victim": "10.0.0.11", "attacker": "10.0.0.12"}
OFPORT = {"victim": 11, "attacker": 12}

OFP13 = 4
OFPT_HELLO, OFPT_ECHO_REQUEST, OFPT_ECHO_REPLY = 0, 2, 3
OFPT_FEATURES_REQUEST, OFPT_FEATURES_REPLY = 5, 6


def lan_setup(sb):
    br = sb.add_bridge()
    ns = {"router": sb.add_netns(br, "router", ROUTER_MAC,
                                 [IP["router"] + "/24"], ofport=1)}
    for g in ("victim", "attacker"):
        ns[g] = sb.add_netns(br, g, MAC[g], [IP[g] + "/24"],
                             ofport=OFPORT[g])
        sb.vsctl("set", "interface", ns[g].port,
                 "external_ids:attached-mac=" + MAC[g],
                 "external_ids:vifguard-ipv4=" + IP[g])
    return br, ns


@pytest.fixture
def lan(ovs, build_dirs):
    br, ns = lan_setup(ovs)
    vg = VifguardDaemon(ovs, build_dirs["plain"])
    ns["sb"], ns["br"], ns["vg"] = ovs, br, vg
    with vg.protecting(br, [ns[g].port for g in ("victim", "attacker")],
                       lambda: ns.get("log_allow", [])):
        yield ns


def assert_spoofing_blocked(lan, mark):
    """The attacker's UDP with the victim's address does not reach the
    router; the attacker's own does."""
    with Capture(lan["router"], "udp port 9999") as cap:
        for src, tag in ((IP["victim"], "SPOOF"), (IP["attacker"], "OWN")):
            sendp(lan["attacker"], "Ether(src='%s', dst='%s')/"
                  "IP(src='%s', dst='%s')/UDP(sport=9999, dport=9999)/"
                  "Raw(b'%s-%s')" % (MAC["attacker"], ROUTER_MAC, src,
                                     IP["router"], tag, mark))
        text = cap.stop().text()
    assert "OWN-" + mark in text, text
    assert "SPOOF-" + mark not in text, text


def bridge_connected(vg, br):
    return any(b["name"] == br and b["connected"]
               for b in vg.ctl("show")["bridges"])


def vswitchd_pid(sb):
    with open(os.path.join(sb.dir, "ovs-vswitchd.pid")) as f:
        return int(f.read())


@pytest.mark.ovs_log_allow(r"Unreasonably long", r"connection dropped",
                           r"connection closed by peer",
                           r"(poll_loop|timeval).*")
def test_stuck_switch_is_dropped_and_protection_stays(lan):
    """ovs-vswitchd stopped (alive, stuck): vifguardd's echo request goes
    unanswered, and it drops the connection with a warning instead of
    holding it (and every reply it waits for) forever.  When the switch
    runs again it reconnects; the read-back finds every flow in place (no
    flow mod sent), and the attacker's spoofing is still blocked."""
    sb, br, vg = lan["sb"], lan["br"], lan["vg"]
    lan["log_allow"] = [r"is ovs-vswitchd stuck", r"disconnected"]
    assert_spoofing_blocked(lan, "1")
    sent = vg.stats()["flow_mods_sent"]
    pid = vswitchd_pid(sb)
    os.kill(pid, signal.SIGSTOP)
    try:
        wait_for(lambda: not bridge_connected(vg, br), 45,
                 "the stuck switch's connection dropped")
    finally:
        os.kill(pid, signal.SIGCONT)
    warned = [l for l in vg.log_lines("WARN") if "is ovs-vswitchd stuck" in l]
    assert len(warned) == 1, vg.log_tail()
    wait_for(lambda: bridge_connected(vg, br), 30, "the switch reconnected")
    vg.wait_state([lan["victim"].port, lan["attacker"].port])
    assert vg.stats()["flow_mods_sent"] == sent
    assert_spoofing_blocked(lan, "2")


def ofp_msg(type_, xid, body=b""):
    return struct.pack("!BBHI", OFP13, type_, 8 + len(body), xid) + body


def recv_msg(s):
    """One OpenFlow message (header fields and body), or None at EOF."""
    head = b""
    while len(head) < 8:
        try:
            chunk = s.recv(8 - len(head))
        except ConnectionResetError:
            return None
        if not chunk:
            return None
        head += chunk
    _, type_, length, xid = struct.unpack("!BBHI", head)
    body = b""
    while len(body) < length - 8:
        chunk = s.recv(length - 8 - len(body))
        if not chunk:
            return None
        body += chunk
    return type_, xid, body


def fake_handshake(path, dpid):
    """Connects to vifguardd's listener as a switch with datapath id
    'dpid' and completes the handshake.  Returns the socket."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(60)
    s.connect(path)
    s.sendall(ofp_msg(OFPT_HELLO, 1))
    while True:
        m = recv_msg(s)
        assert m is not None, "closed during the handshake"
        if m[0] == OFPT_FEATURES_REQUEST:
            s.sendall(ofp_msg(OFPT_FEATURES_REPLY, m[1],
                              struct.pack("!QIBBxxII", dpid, 0, 254, 0, 0,
                                          0)))
            return s


def serve_until_closed(s):
    """Answers echo requests on 's' until vifguardd closes it."""
    while True:
        m = recv_msg(s)
        if m is None:
            break
        try:
            if m[0] == OFPT_ECHO_REQUEST:
                s.sendall(ofp_msg(OFPT_ECHO_REPLY, m[1]))
        except (BrokenPipeError, ConnectionResetError):
            break  # Closed by vifguardd meanwhile.
    s.close()


def test_peers_with_unknown_dpids_are_dropped(lan):
    """Peers that complete the handshake with a datapath id no bridge of
    OVSDB has are dropped once their wait for OVSDB is over, and at most 64
    wait at once (the 65th is closed at once); the real bridge keeps its
    connection and its protection."""
    vg, br = lan["vg"], lan["br"]
    lan["log_allow"] = [r"64 connections wait for their datapath id"]
    peers = [fake_handshake(vg.ofp_sock, 0xfeed0000 + i) for i in range(65)]
    assert recv_msg(peers[64]) is None  # Closed at once.
    peers.pop().close()
    warned = [l for l in vg.log_lines("WARN")
              if "64 connections wait for their datapath id" in l]
    assert len(warned) == 1 and "00000000feed0040" in warned[0], warned
    for s in peers:
        serve_until_closed(s)
    dropped = [l for l in vg.log_lines("INFO")
               if "no bridge with this datapath id showed up" in l]
    assert len(dropped) == 64 and "00000000feed0000" in dropped[0], \
        vg.log_tail()
    assert bridge_connected(vg, br)
    vg.wait_state([lan["victim"].port, lan["attacker"].port])
    assert_spoofing_blocked(lan, "3")


def free_tcp_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening_addrs(sb, port):
    out = sb.host_run(["ss", "-ltnH", "sport = :%d" % port]).stdout
    return sorted(line.split()[3] for line in out.splitlines())


def test_ptcp_listener(ovs, build_dirs):
    """ptcp:PORT listens on 127.0.0.1 only, and a bridge attached over
    tcp:127.0.0.1:PORT is protected (the spoofing blocked at the router).
    A listener other hosts can reach is named in a warning."""
    port, wide = free_tcp_port(), free_tcp_port()
    br, ns = lan_setup(ovs)
    vg = VifguardDaemon(ovs, build_dirs["plain"],
                        args=["--listen=ptcp:%d" % port,
                              "--listen=ptcp:%d:0.0.0.0" % wide],
                        switch_netns=True)
    ns["sb"], ns["br"], ns["vg"] = ovs, br, vg
    vg.start()
    try:
        assert listening_addrs(ovs, port) == ["127.0.0.1:%d" % port]
        assert listening_addrs(ovs, wide) == ["0.0.0.0:%d" % wide]
        warned = [l for l in vg.log_lines("WARN")
                  if "other hosts can connect" in l]
        assert len(warned) == 1 and "ptcp:%d:0.0.0.0" % wide in warned[0], \
            vg.log_tail()
        # Out of band: in-band control would add hidden flows that let
        # guests' frames past every vifguard flow (test_in_band_control).
        ovs.vsctl("set-controller", br, "tcp:127.0.0.1:%d" % port,
                  "--", "set", "controller", br,
                  "connection_mode=out-of-band",
                  "--", "set", "bridge", br, "fail_mode=secure")
        vg.wait_state([ns["victim"].port, ns["attacker"].port])
        assert_spoofing_blocked(ns, "4")
    finally:
        assert vg.stop() == 0, vg.log_tail()


def attach_script(build_dirs):
    path = os.path.join(build_dirs["plain"], "scripts", "vifguard-attach")
    assert os.access(path, os.X_OK), "%s not built" % path
    return path


def in_band_flows(sb, br):
    """Open vSwitch's hidden in-band flows of 'br' (priority >= 180000)."""
    return [l for l in sb.appctl("bridge/dump-flows", br).splitlines()
            if re.search(r"priority=18\d{4}\b", l)]


def forged_tcp_reaches_router(lan, src_ip, sport, mark):
    """The attacker sends TCP from src_ip:sport with the victim's MAC as
    source, broadcast: whether the router gets it."""
    with Capture(lan["router"], "tcp") as cap:
        sendp(lan["attacker"], "Ether(src='%s', dst='ff:ff:ff:ff:ff:ff')/"
              "IP(src='%s', dst='%s')/TCP(sport=%d, dport=80)/"
              "Raw(b'FORGED-%s')" % (MAC["victim"], src_ip, IP["router"],
                                      sport, mark))
        text = cap.stop().text()
    return "FORGED-" + mark in text


@pytest.mark.ovs_log_allow(r"cannot find route for controller",
                           r"connection dropped", r"Connection refused",
                           r"connection attempt failed")
def test_in_band_control(ovs, build_dirs):
    """In-band control (Open vSwitch's default for a tcp: or ssl: remote)
    adds hidden flows above every OpenFlow flow that send any port's ARP
    and TCP to and from the remote to NORMAL: a locked guest's frame with
    a forged source MAC gets through.  vifguard-attach, run by
    attach-bridges, attaches over TCP out of band, and does so again when
    the controller is put in band; an in-band manager, which is not ours to
    change, is reported (ERR, vifguard-ctl show) until the bridge turns
    in-band control off.  Checked at the router's capture."""
    port = free_tcp_port()
    target = "tcp:127.0.0.1:%d" % port
    br, lan = lan_setup(ovs)
    vg = VifguardDaemon(ovs, build_dirs["plain"],
                        args=["--listen=ptcp:%d" % port,
                              "--attach-bridges=" + br,
                              "--attach-command=" + attach_script(build_dirs)],
                        switch_netns=True)
    lan["sb"], lan["br"], lan["vg"] = ovs, br, vg
    guests = [lan["victim"].port, lan["attacker"].port]

    def in_band():
        return vg.ctl("show")["bridges"][0]["in_band"]

    def mode():
        return ovs.vsctl("get", "controller", br,
                         "connection_mode").strip().strip('"')

    vg.start()
    try:
        # attach-bridges attaches the bridge over TCP, out of band.
        vg.wait_state(guests, timeout=30)
        assert ovs.vsctl("get-controller", br).split() == [target]
        assert mode() == "out-of-band"
        assert not in_band_flows(ovs, br)
        assert in_band() is None
        assert not forged_tcp_reaches_router(lan, "127.0.0.1", port, "1")
        assert_spoofing_blocked(lan, "1")

        # Put in band by someone: attached again, out of band.
        ovs.vsctl("set", "controller", br, "connection_mode=in-band")
        wait_for(lambda: mode() == "out-of-band", 30,
                 "attach-bridges to put the controller out of band again")
        wait_for(lambda: not in_band_flows(ovs, br), 10,
                 "the in-band flows gone")
        assert [l for l in vg.log_lines("INFO")
                if "ours in-band" in l], vg.log_tail()

        # An in-band manager: reported, and its hole is real.
        manager = "tcp:192.0.2.1:6640"
        ovs.vsctl("set-manager", manager)
        wait_for(lambda: in_band() == manager, 10, "in_band in show")
        assert "in-band control on (for %s)" % manager in \
            vg.ctl_run("show").stdout
        wait_for(lambda: in_band_flows(ovs, br), 10, "the in-band flows")
        assert forged_tcp_reaches_router(lan, "192.0.2.1", 6640, "2")
        errs = [l for l in vg.log_lines("ERR")
                if "in-band control is on (for %s)" % manager in l]
        assert len(errs) == 1, vg.log_tail()
        ovs.vsctl("set", "bridge", br, "other_config:disable-in-band=true")
        wait_for(lambda: in_band() is None, 10, "in_band cleared")
        wait_for(lambda: not in_band_flows(ovs, br), 10,
                 "the in-band flows gone")
        assert not forged_tcp_reaches_router(lan, "192.0.2.1", 6640, "3")
        assert_spoofing_blocked(lan, "2")
        problems = vg.log_problems([r"in-band control is on",
                                    r"attach.*(stderr|stdout|output)"])
    finally:
        ovs.vsctl("del-manager")
        rc = vg.stop()
    assert rc == 0, vg.log_tail()
    assert not problems, "\n".join(problems)


FLOOD = """
import socket, sys
socks = []
for i in range(%d):
    try:
        socks.append(socket.create_connection(("127.0.0.1", %d), timeout=5))
    except OSError:
        pass
print(len(socks), flush=True)
sys.stdin.read()
"""


def flood(sb, port, n):
    """A process in the switch's namespace that opens 'n' connections to
    127.0.0.1:port and sends nothing; holds them until closed."""
    p = subprocess.Popen(["ip", "netns", "exec", sb.netns, "python3", "-c",
                          FLOOD % (n, port)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    p.stdout.readline()
    return p


def n_fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def test_connection_flood(ovs, build_dirs):
    """Any local process can connect to a ptcp: listener: 300 silent
    connections hold at most 64 of vifguardd's fds (the rest are closed at
    once), and with its fd limit lowered under the flood, accept() failing
    with EMFILE pauses the listener (and the control socket's) instead of
    spinning.  Meanwhile and
    after, the bridge stays connected and its guests protected (the
    spoofing blocked at the router), and vifguard-ctl answers."""
    port = free_tcp_port()
    br, lan = lan_setup(ovs)
    vg = VifguardDaemon(ovs, build_dirs["plain"],
                        args=["--listen=ptcp:%d" % port], switch_netns=True)
    lan["sb"], lan["br"], lan["vg"] = ovs, br, vg
    guests = [lan["victim"].port, lan["attacker"].port]
    vg.start()
    try:
        ovs.vsctl("set-controller", br, "tcp:127.0.0.1:%d" % port,
                  "--", "set", "controller", br,
                  "connection_mode=out-of-band",
                  "--", "set", "bridge", br, "fail_mode=secure")
        vg.wait_state(guests)
        pid = vg.proc.pid
        base = n_fds(pid)

        f = flood(ovs, port, 300)
        try:
            wait_for(lambda: [l for l in vg.log_lines("WARN")
                              if "in the handshake already" in l], 10,
                     "the cap on connections in the handshake")
            # Each refused connection is accepted, then closed: a count
            # taken in between sees one more until the backlog is drained.
            wait_for(lambda: n_fds(pid) <= base + 64, 10,
                     "at most 64 fds held by the flood")
            assert bridge_connected(vg, br)
            assert_spoofing_blocked(lan, "5")
        finally:
            f.stdin.close()
            f.wait(10)
        wait_for(lambda: n_fds(pid) <= base, 15, "the flood's fds closed")

        # The soft limit only: raising the hard one again takes a
        # capability that a container may not have.
        soft = subprocess.run(["prlimit", "--pid", str(pid), "--nofile",
                               "--output=SOFT", "--noheadings"],
                              capture_output=True, text=True,
                              check=True).stdout.strip()
        subprocess.run(["prlimit", "--pid", str(pid),
                        "--nofile=%d:" % (base + 16)], check=True)
        f = flood(ovs, port, 40)
        try:
            wait_for(lambda: [l for l in vg.log_lines("WARN")
                              if "Too many open files: not accepting" in l],
                     10, "accept failing with EMFILE")
            # The control socket's listener pauses too, and its client is
            # served once fds are free again.
            ctl = subprocess.Popen([vg.binary("vifguard-ctl"),
                                    "--ctl=" + vg.ctl_sock, "version"],
                                   stdout=subprocess.DEVNULL)
            wait_for(lambda: [l for l in vg.log_lines("WARN")
                              if vg.ctl_sock in l and "not accepting" in l],
                     10, "the control socket's accept paused")
            assert vg.proc.poll() is None
        finally:
            f.stdin.close()
            f.wait(10)
        assert ctl.wait(30) == 0
        wait_for(lambda: n_fds(pid) <= base, 15, "the flood's fds closed")
        subprocess.run(["prlimit", "--pid", str(pid), "--nofile=%s:" % soft],
                       check=True)
        assert bridge_connected(vg, br)
        vg.wait_state(guests)
        assert_spoofing_blocked(lan, "6")
        problems = vg.log_problems([r"in the handshake already",
                                    r"not accepting for"])
    finally:
        rc = vg.stop()
    assert rc == 0, vg.log_tail()
    assert not problems, "\n".join(problems)


@pytest.mark.ovs_log_allow(r"connection dropped", r"connection closed by peer")
def test_other_controller(lan):
    """Another controller on a protected bridge (here a passive one, which
    any local process can connect to) can send any frame to any port with
    a PACKET_OUT: the victim's capture gets one.  vifguardd cannot stop
    it; it warns and vifguard-ctl show names that controller, until the
    bridge has vifguardd alone again."""
    sb, br, vg = lan["sb"], lan["br"], lan["vg"]
    lan["log_allow"] = [r"has another controller"]
    port = free_tcp_port()
    other = "ptcp:%d:127.0.0.1" % port
    ours = "unix:" + vg.ofp_sock

    def other_controller():
        return vg.ctl("show")["bridges"][0]["other_controller"]

    sb.vsctl("set-controller", br, ours, other)
    wait_for(lambda: other_controller() == other, 10,
             "other_controller in show")
    assert "another controller (%s)" % other in vg.ctl_run("show").stdout
    warned = [l for l in vg.log_lines("WARN")
              if "has another controller, %s" % other in l]
    assert len(warned) == 1, vg.log_tail()

    from scapy.all import Ether, IP as IPv4, UDP, Raw
    frame = bytes(Ether(src="02:00:00:00:00:66", dst=MAC["victim"]) /
                  IPv4(src=IP["router"], dst=IP["victim"]) /
                  UDP(sport=9999, dport=9999) / Raw(b"PACKET-OUT")).hex()
    with Capture(lan["victim"], "udp port 9999") as cap:
        wait_for(lambda: sb.host_run(
            ["ovs-ofctl", "-O", "OpenFlow13", "packet-out",
             "tcp:127.0.0.1:%d" % port,
             "in_port=controller packet=%s actions=output:%d"
             % (frame, OFPORT["victim"])], check=False).returncode == 0,
            10, "the other controller's listener")
        text = cap.stop().text()
    assert "PACKET-OUT" in text

    sb.vsctl("set-controller", br, ours)
    wait_for(lambda: other_controller() is None, 10,
             "other_controller cleared")
    vg.wait_state([lan["victim"].port, lan["attacker"].port])
    assert_spoofing_blocked(lan, "7")

    # Our own socket by another path is ours.
    d, name = os.path.split(vg.ofp_sock)
    sb.vsctl("set-controller", br, "unix:%s/./%s" % (d, name))
    wait_for(lambda: sb.vsctl("get", "controller", br,
                              "is_connected").strip() == "true", 15,
             "connected by the other path")
    assert other_controller() is None
    assert len([l for l in vg.log_lines("WARN")
                if "has another controller" in l]) == 1, vg.log_tail()
