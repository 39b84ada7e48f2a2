"""Smoke tests of the test fixtures themselves (tests/ovs_sandbox.py).

If these fail, every integration test would fail for reasons that have
nothing to do with vifguard: a private OVS must start, forward frames between
two namespaces through a netdev bridge with the NORMAL action, carry TCP
(checksums filled in: offload is off), and clean up after itself.
"""

import os
import subprocess
import sys

import pytest


def test_two_namespaces_ping_through_normal(ovs_bridge):
    sb, br = ovs_bridge
    a = sb.add_netns(br, "a", "02:00:00:00:00:0a", ["10.99.0.1/24"], ofport=1)
    b = sb.add_netns(br, "b", "02:00:00:00:00:0b", ["10.99.0.2/24"], ofport=2)
    assert (a.ofport, b.ofport) == (1, 2)
    flows = sb.ofctl("dump-flows", br)
    assert "actions=NORMAL" in flows
    assert a.ping("10.99.0.2", count=2)
    assert b.ping("10.99.0.1", count=2)
    # The proof is at the receiver: b's neighbour table has a's fixed MAC,
    # and the bridge learned both MACs on the expected ports.
    neigh = b.exec("ip", "neigh", "show", "10.99.0.1")
    assert "02:00:00:00:00:0a" in neigh
    fdb = sb.appctl("fdb/show", br)
    assert any(line.split()[0] == "1" and "02:00:00:00:00:0a" in line
               for line in fdb.splitlines()[1:])
    assert any(line.split()[0] == "2" and "02:00:00:00:00:0b" in line
               for line in fdb.splitlines()[1:])


def test_tcp_through_netdev_bridge(ovs_bridge):
    """TCP works only if TX checksum offload is off on the veths."""
    sb, br = ovs_bridge
    a = sb.add_netns(br, "a", "02:00:00:00:01:0a", ["10.99.1.1/24"])
    b = sb.add_netns(br, "b", "02:00:00:00:01:0b", ["10.99.1.2/24"])
    server = b.popen(sys.executable, "-c", (
        "import socket\n"
        "s = socket.socket()\n"
        "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
        "s.bind(('10.99.1.2', 5555)); s.listen(1)\n"
        "print('ready', flush=True)\n"
        "s.settimeout(10)\n"
        "c, _ = s.accept(); c.sendall(c.recv(100).upper()); c.close()\n"),
        stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "ready"
        out = a.exec(sys.executable, "-c", (
            "import socket\n"
            "s = socket.create_connection(('10.99.1.2', 5555), timeout=5)\n"
            "s.sendall(b'hello'); print(s.recv(100).decode())\n"))
        assert out.strip() == "HELLO"
    finally:
        server.kill()
        server.wait()


def test_dummy_sandbox_many_ports(ovs_dummy):
    br = ovs_dummy.add_bridge()
    names = ovs_dummy.add_dummy_ports(br, 300, first_ofport=1)
    assert len(names) == 300
    assert ovs_dummy.ofport("p299") == 300
    desc = ovs_dummy.ofctl("dump-ports-desc", br)
    assert desc.count("addr:") == 301  # 300 ports + LOCAL


def test_sandbox_cleans_up(request):
    from conftest import require_ovs
    import ovs_sandbox
    require_ovs()
    with ovs_sandbox.OvsSandbox() as sb:
        br = sb.add_bridge()
        ns = sb.add_netns(br, "c", "02:00:00:00:02:0c", ["10.99.2.1/24"])
        d, nsname, port, swns = sb.dir, ns.ns, ns.port, sb.netns
        pids = [int(open(os.path.join(d, n + ".pid")).read())
                for n in ("ovsdb-server", "ovs-vswitchd")]
    assert not os.path.exists(d)
    netns = subprocess.run(["ip", "netns", "list"], capture_output=True,
                           text=True).stdout
    assert nsname not in netns and swns not in netns
    links = subprocess.run(["ip", "-o", "link"], capture_output=True,
                           text=True).stdout
    assert port not in links and br not in links
    for pid in pids:
        assert not ovs_sandbox._pid_alive(pid)


def test_sandbox_command_errors_are_reported(ovs):
    with pytest.raises(Exception) as e:
        ovs.vsctl("add-port", "no-such-bridge", "p1")
    assert "no-such-bridge" in str(e.value)


def test_vswitchd_restart_keeps_config_loses_flows(ovs_bridge):
    sb, br = ovs_bridge
    a = sb.add_netns(br, "a", "02:00:00:00:03:0a", ["10.99.3.1/24"], ofport=5)
    b = sb.add_netns(br, "b", "02:00:00:00:03:0b", ["10.99.3.2/24"], ofport=6)
    sb.ofctl("add-flow", br, "priority=100,cookie=0x77,actions=drop")
    assert not a.ping("10.99.3.2", timeout=1)
    for crash in (True, False):
        sb.restart_vswitchd(crash=crash)
        assert "cookie=0x77" not in sb.ofctl("dump-flows", br)
        assert sb.ofport(a.port) == 5 and sb.ofport(b.port) == 6
        assert a.ping("10.99.3.2", count=2)
