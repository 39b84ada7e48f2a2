#!/usr/bin/python3
"""Records OpenFlow 1.3 messages from a real ovs-vswitchd into *.hex files.

A tiny standalone controller (raw unix socket and the struct module; no OVS
or vifguard code) listens on a unix socket inside a private Open vSwitch
(tests/ovs_sandbox.py, dummy datapath), points the sandbox's bridges at it
with `ovs-vsctl set-controller`, completes HELLO/FEATURES and records the raw
bytes of what the switch sends back.  tests/unit/test-captures.c decodes the
files with libofp.  See README.md in this directory.

File format: lines starting with '#' are comments ("# sent: HEX" records a
request this script sent); every other non-empty line is one whole OpenFlow
message in lowercase hex, in the order received.

Usage (as root): tests/captures/capture.py [OUTDIR]   (default: this dir)
"""

import os
import random
import socket
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import ovs_sandbox  # noqa: E402

OFP13 = 4
T_HELLO, T_ERROR, T_ECHO_REQ, T_ECHO_REP = 0, 1, 2, 3
T_FEATURES_REQ, T_FEATURES_REP = 5, 6
T_PORT_STATUS, T_FLOW_MOD = 12, 14
T_MP_REQ, T_MP_REP, T_BARRIER_REQ, T_BARRIER_REP = 18, 19, 20, 21
MP_FLOW, MP_GROUP_DESC, MP_PORT_DESC = 1, 7, 13
MP_REPLY_MORE = 1

N_PORTS_SMALL = 130     # port-desc that fits one message
N_PORTS_LARGE = 1100    # port-desc that OVS must split (64 bytes per port)
N_FLOWS = 1100
COOKIE_BASE = 0x5646000000000000  # "VF": flow i has cookie COOKIE_BASE + i


def hexs(b):
    return b.hex()


def header(mtype, length, xid, version=OFP13):
    return struct.pack("!BBHI", version, mtype, length, xid)


def msg(mtype, body=b"", xid=0, version=OFP13):
    return header(mtype, 8 + len(body), xid, version) + body


def mp_request(mp_type, body, xid):
    return msg(T_MP_REQ, struct.pack("!HH4x", mp_type, 0) + body, xid)


def flow_stats_request(xid):
    # table ALL, out_port ANY, out_group ANY, cookie 0/0, empty OXM match.
    body = struct.pack("!B3xII4xQQ", 0xff, 0xffffffff, 0xffffffff, 0, 0)
    body += struct.pack("!HH4x", 1, 4)
    return mp_request(MP_FLOW, body, xid)


class Controller:
    """One switch connection: framing, echo replies, request/response."""

    def __init__(self, sock):
        self.sock = sock
        self.sock.settimeout(30)
        self.buf = b""
        self.unsolicited = []   # PORT_STATUS and other async messages

    def send(self, data):
        self.sock.sendall(data)

    def recv(self, timeout=30):
        """Returns the next whole message (answering echo requests)."""
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buf) >= 8:
                length = struct.unpack("!H", self.buf[2:4])[0]
                if length < 8:
                    raise RuntimeError("bad length %d from switch" % length)
                if len(self.buf) >= length:
                    m, self.buf = self.buf[:length], self.buf[length:]
                    if m[1] == T_ECHO_REQ:
                        self.send(bytes([m[0], T_ECHO_REP]) + m[2:])
                        continue
                    return m
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no message from switch")
            self.sock.settimeout(left)
            data = self.sock.recv(1 << 20)
            if not data:
                raise RuntimeError("switch closed the connection")
            self.buf += data

    def transact(self, request, xid):
        """Sends 'request' (with 'xid') and a barrier; returns every message
        with 'xid' received before the barrier reply.  Other messages are
        kept in self.unsolicited."""
        barrier_xid = xid | 0x80000000
        self.send(request + msg(T_BARRIER_REQ, xid=barrier_xid))
        replies = []
        while True:
            m = self.recv()
            mxid = struct.unpack("!I", m[4:8])[0]
            if m[1] == T_BARRIER_REP and mxid == barrier_xid:
                return replies
            if mxid == xid:
                replies.append(m)
            else:
                self.unsolicited.append(m)

    def wait_async(self, mtype, timeout=10):
        """Returns the next unsolicited message of type 'mtype'."""
        for i, m in enumerate(self.unsolicited):
            if m[1] == mtype:
                return self.unsolicited.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            m = self.recv(max(0.1, deadline - time.monotonic()))
            if m[1] == mtype:
                return m
            self.unsolicited.append(m)


def connect(sb, bridge, path):
    """Points 'bridge' at a new unix socket 'path', accepts the connection
    and does the OpenFlow 1.3 handshake.  Returns (controller, hello,
    features_reply)."""
    lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lsock.bind(path)
    lsock.listen(1)
    lsock.settimeout(30)
    sb.vsctl("set-controller", bridge, "unix:" + path, "--", "set",
             "controller", bridge, "connection_mode=out-of-band",
             "inactivity_probe=0")
    sock, _ = lsock.accept()
    lsock.close()
    c = Controller(sock)
    # HELLO with a version bitmap element that offers 1.3 only.
    hello_elem = struct.pack("!HHI", 1, 8, 1 << OFP13)
    c.send(msg(T_HELLO, hello_elem, xid=1))
    hello = c.recv()
    assert hello[1] == T_HELLO, hello.hex()
    replies = c.transact(msg(T_FEATURES_REQ, xid=2), 2)
    assert len(replies) == 1 and replies[0][1] == T_FEATURES_REP
    return c, hello, replies[0]


def mp_parts(c, request, xid):
    """Sends a multipart request; returns its reply parts, checking that
    every part but the last has the MORE flag."""
    parts = c.transact(request, xid)
    assert parts, "no reply"
    for i, p in enumerate(parts):
        assert p[1] == T_MP_REP, p[:16].hex()
        flags = struct.unpack("!H", p[10:12])[0]
        assert bool(flags & MP_REPLY_MORE) == (i < len(parts) - 1)
    return parts


def write(outdir, name, comments, messages, sent=()):
    path = os.path.join(outdir, name)
    with open(path, "w") as f:
        for line in comments:
            f.write(("# " + line).rstrip() + "\n")
        for s in sent:
            f.write("# sent: %s\n" % hexs(s))
        for m in messages:
            f.write(hexs(m) + "\n")
    print("wrote %s: %d messages, %d bytes" %
          (path, len(messages), sum(len(m) for m in messages)))


def gen_flows(n):
    """The flows of flows.txt: ovs-ofctl syntax, deterministic, one of
    several shapes chosen by index, each with cookie COOKIE_BASE + index."""
    rnd = random.Random(20240611)
    lines = []
    for i in range(n):
        k = i % 16
        p = 100 + (i * 7) % 60000
        port = 1 + i % 8
        mac = "02:00:%02x:%02x:%02x:%02x" % ((i >> 8) & 0xff, i & 0xff,
                                             rnd.randrange(256),
                                             rnd.randrange(256))
        ip = "10.%d.%d.%d" % ((i >> 8) & 0xff, i & 0xff, 1 + k)
        head = "cookie=0x%x,priority=%d," % (COOKIE_BASE + i, p)
        if k == 0:
            f = "table=0,in_port=%d,dl_src=%s,actions=goto_table:1" % (port,
                                                                       mac)
        elif k == 1:
            f = ("table=0,in_port=%d,dl_src=%s,dl_dst=%s/ff:ff:ff:00:00:00,"
                 "actions=output:%d" % (port, mac, mac, 1 + (port % 8)))
        elif k == 2:
            f = "table=1,ip,in_port=%d,nw_src=%s,actions=NORMAL" % (port, ip)
        elif k == 3:
            f = ("table=1,tcp,nw_dst=10.%d.0.0/16,tp_dst=%d,"
                 "actions=output:%d" % (i & 0xff, 1 + i % 65535, port))
        elif k == 4:
            f = ("table=1,udp,in_port=%d,udp_src=68,udp_dst=67,"
                 "actions=CONTROLLER:128" % port)
        elif k == 5:
            f = ("table=1,arp,in_port=%d,arp_op=1,arp_spa=%s,arp_sha=%s,"
                 "actions=NORMAL" % (port, ip, mac))
        elif k == 6:
            f = ("table=2,ipv6,ipv6_src=fe80::%x:%x/64,actions=drop"
                 % (i, k))
        elif k == 7:
            f = ("table=2,icmp6,icmp_type=135,nd_target=fe80::%x,nd_sll=%s,"
                 "actions=output:%d" % (i, mac, port))
        elif k == 8:
            f = ("table=2,in_port=%d,dl_vlan=%d,dl_vlan_pcp=3,"
                 "actions=pop_vlan,output:%d" % (port, 1 + i % 4094, port))
        elif k == 9:
            f = ("table=0,in_port=%d,vlan_tci=0x0000/0x1fff,dl_src=%s,"
                 "actions=push_vlan:0x8100,set_field:%d->vlan_vid,output:%d"
                 % (port, mac, 4096 + 1 + i % 4094, 1 + (port % 8)))
        elif k == 10:
            f = ("table=3,reg0=%d,reg3=0x%x/0xffff,"
                 "actions=set_field:%d->reg1,goto_table:4" % (i, i, i * 3))
        elif k == 11:
            f = ("table=4,metadata=0x%x/0xff,"
                 "actions=write_metadata:0x%x/0xff00,goto_table:5"
                 % (i & 0xff, (i & 0xff) << 8))
        elif k == 12:
            f = ("table=5,icmp,icmp_type=8,icmp_code=0,nw_dst=%s,"
                 "actions=group:%d" % (ip, 1 + i % 4))
        elif k == 13:
            f = ("table=5,in_port=%d,dl_dst=%s,actions=meter:1,"
                 "set_field:%s->eth_src,output:%d" % (port, mac, mac, port))
        elif k == 14:
            f = ("table=6,in_port=%d,dl_src=%s,send_flow_rem,idle_timeout=%d,"
                 "hard_timeout=%d,actions=clear_actions,"
                 "write_actions(output:%d)" % (port, mac, 30000 + i,
                                               40000 + i, port))
        else:
            f = ("table=6,udp6,ipv6_dst=fd00::%x,udp_dst=%d,"
                 "actions=set_field:%s->ipv6_dst,output:%d"
                 % (i, 1000 + i, "fd00::1:%x" % i, port))
        lines.append(head + f)
    return lines


def main():
    outdir = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else HERE)
    os.makedirs(outdir, exist_ok=True)
    version = subprocess.run(["ovs-vswitchd", "--version"],
                             capture_output=True, text=True).stdout
    version = version.splitlines()[0]
    taken = "taken %s from %s" % (time.strftime("%Y-%m-%d"), version)

    with ovs_sandbox.OvsSandbox(dummy=True) as sb:
        # Bridge A: the small port-desc, features, hello, port-status,
        # errors.  Bridge B: the large port-desc.  Bridge C: flows.
        br_a = sb.add_bridge("vgcapa", fail_mode="secure")
        br_b = sb.add_bridge("vgcapb", fail_mode="secure")
        br_c = sb.add_bridge("vgcapc", fail_mode="secure")
        sb.vsctl("set", "bridge", br_a,
                 "other_config:datapath-id=00000000000a0001",
                 "other_config:hwaddr=02:0a:00:00:00:01")
        sb.vsctl("set", "bridge", br_b,
                 "other_config:datapath-id=00000000000b0001")
        sb.vsctl("set", "bridge", br_c,
                 "other_config:datapath-id=00000000000c0001")
        sb.add_dummy_ports(br_a, N_PORTS_SMALL, prefix="a", first_ofport=1)
        sb.add_dummy_ports(br_b, N_PORTS_LARGE, prefix="b", first_ofport=1)
        sb.add_dummy_ports(br_c, 8, prefix="c", first_ofport=1)
        # Bridge A.
        c, hello, features = connect(sb, br_a, os.path.join(sb.dir, "a.sock"))
        write(outdir, "hello.hex", [
            "HELLO sent by ovs-vswitchd (bridge protocols=OpenFlow13)",
            taken], [hello])
        write(outdir, "features.hex", [
            "FEATURES_REPLY of bridge vgcapa: datapath_id 0x00000000000a0001,"
            " dummy datapath", taken], [features])
        parts = mp_parts(c, mp_request(MP_PORT_DESC, b"", 0x10), 0x10)
        write(outdir, "port-desc-small.hex", [
            "PORT_DESC reply of bridge vgcapa: %d dummy ports a0..a%d "
            "(ofport 1..%d) + LOCAL, in %d part(s)"
            % (N_PORTS_SMALL, N_PORTS_SMALL - 1, N_PORTS_SMALL, len(parts)),
            taken], parts)

        # Port status: add (wait until the port is LIVE: OVS reports the
        # link coming up as a MODIFY), port down (MODIFY), delete.
        status = []

        def collect(until):
            while True:
                m = c.wait_async(T_PORT_STATUS)
                status.append(m)
                reason, config, state = m[8], *struct.unpack("!II", m[48:56])
                if until(reason, config, state):
                    return

        sb.vsctl("add-port", br_a, "newport", "--", "set", "interface",
                 "newport", "type=dummy", "ofport_request=500")
        collect(lambda reason, config, state: state & 4)      # LIVE
        sb.ofctl("mod-port", br_a, "newport", "down")
        collect(lambda reason, config, state: config & 1)     # PORT_DOWN
        sb.vsctl("del-port", br_a, "newport")
        collect(lambda reason, config, state: reason == 1)    # DELETE
        names = {0: "ADD", 1: "DELETE", 2: "MODIFY"}
        write(outdir, "port-status.hex", [
            "PORT_STATUS messages of bridge vgcapa for dummy port newport "
            "(ofport 500), in order received:",
            "  ovs-vsctl add-port vgcapa newport -- set interface newport "
            "type=dummy ofport_request=500",
            "  ovs-ofctl -O OpenFlow13 mod-port vgcapa newport down",
            "  ovs-vsctl del-port vgcapa newport",
            "reasons: " + ", ".join(names.get(m[8], "?") for m in status),
            taken], status)

        # Errors: each request has its own xid; the reply echoes it.
        bad = []
        # 1. OpenFlow 1.0 FEATURES_REQUEST on a 1.3 connection.
        bad.append(("bad version (OF1.0 FEATURES_REQUEST)",
                    msg(T_FEATURES_REQ, xid=0x101, version=1)))
        # 2. Unknown message type 99.
        bad.append(("bad type (99)", msg(99, xid=0x102)))
        # 3. Unknown multipart type 0x3000.
        bad.append(("bad multipart type (0x3000)",
                    mp_request(0x3000, b"", 0x103)))

        def flow_mod(xid, oxms, insts):
            m = struct.pack("!HH", 1, 4 + len(oxms)) + oxms
            m += b"\0" * (-len(m) % 8)
            body = struct.pack("!QQBBHHHIIIH2x", 0, 0, 0, 0, 0, 0, 0x8000,
                               0xffffffff, 0xffffffff, 0xffffffff, 0)
            return msg(T_FLOW_MOD, body + m + insts, xid)

        def apply(actions):
            return struct.pack("!HH4x", 4, 8 + len(actions)) + actions

        tcp_dst = struct.pack("!IH", 0x80001a02, 80)     # OXM tcp_dst=80
        eth_ip = struct.pack("!IH", 0x80000a02, 0x0800)  # OXM eth_type=ip
        out1 = struct.pack("!HHIH6x", 0, 16, 1, 0)
        # 4. tcp_dst without eth_type/ip_proto.
        bad.append(("bad match prerequisite (tcp_dst alone)",
                    flow_mod(0x104, tcp_dst, apply(out1))))
        # 5. Action type 0x00ee does not exist.
        bad.append(("bad action type (0xee)",
                    flow_mod(0x105, eth_ip,
                             apply(struct.pack("!HH4x", 0xee, 8)))))
        # 6. Output to 0xffffff80, between OFPP_MAX and OFPP_IN_PORT.
        bad.append(("bad output port (0xffffff80)",
                    flow_mod(0x106, eth_ip,
                             apply(struct.pack("!HHIH6x", 0, 16, 0xffffff80,
                                               0)))))
        # 7. Group 77 does not exist.
        bad.append(("unknown group (77)",
                    flow_mod(0x107, eth_ip,
                             apply(struct.pack("!HHI", 22, 8, 77)))))
        # 8. Unknown instruction type 0x77.
        bad.append(("unknown instruction (0x77)",
                    flow_mod(0x108, eth_ip, struct.pack("!HH4x", 0x77, 8))))
        # 9. Duplicate OXM field.
        bad.append(("duplicate field (eth_type twice)",
                    flow_mod(0x109, eth_ip + eth_ip, apply(out1))))
        # 10. FEATURES_REQUEST with an 8-byte body it cannot have.
        bad.append(("bad length (FEATURES_REQUEST with a body)",
                    msg(T_FEATURES_REQ, b"\0" * 8, xid=0x10a)))
        replies = []
        for what, m in bad:
            xid = struct.unpack("!I", m[4:8])[0]
            r = c.transact(m, xid)
            assert len(r) == 1 and r[0][1] == T_ERROR, (what, r)
            replies.append(r[0])
        write(outdir, "errors.hex", [
            "ERROR replies of ovs-vswitchd to deliberately bad requests on "
            "an OpenFlow 1.3 connection (bridge vgcapa), in order:"] +
            ["  xid 0x%x: %s" % (0x101 + i, what)
             for i, (what, _) in enumerate(bad)] + [
            "The '# sent:' lines are the requests, in the same order.",
            taken], replies, sent=[m for _, m in bad])
        c.sock.close()

        # Bridge B: large port-desc.
        c, _, _ = connect(sb, br_b, os.path.join(sb.dir, "b.sock"))
        parts = mp_parts(c, mp_request(MP_PORT_DESC, b"", 0x20), 0x20)
        assert len(parts) > 1, "OVS did not split the port-desc reply"
        write(outdir, "port-desc-large.hex", [
            "PORT_DESC reply of bridge vgcapb: %d dummy ports b0..b%d "
            "(ofport 1..%d) + LOCAL, split by OVS into %d parts (64-byte "
            "ports, at most 64 KiB per message)"
            % (N_PORTS_LARGE, N_PORTS_LARGE - 1, N_PORTS_LARGE, len(parts)),
            taken], parts)
        c.sock.close()

        # Bridge C: flows and groups.  Connect first: OVS deletes every flow
        # and group of a bridge when its first controller is configured.
        c, _, _ = connect(sb, br_c, os.path.join(sb.dir, "c.sock"))
        for i in range(1, 5):
            sb.ofctl("add-group", br_c,
                     "group_id=%d,type=%s,bucket=output:%d,bucket=output:%d"
                     % (i, "all" if i % 2 else "select", i, i + 1))
        sb.ofctl("add-meter", br_c,
                 "meter=1,pktps,band=type=drop,rate=1000")
        flows = gen_flows(N_FLOWS)
        flows_txt = os.path.join(outdir, "flows.txt")
        with open(flows_txt, "w") as f:
            f.write("# Input of flow-stats.hex: ovs-ofctl -O OpenFlow13 "
                    "add-flows vgcapc flows.txt\n")
            f.write("\n".join(flows) + "\n")
        sb.ofctl("add-flows", br_c, flows_txt)
        n = sb.ofctl("dump-flows", br_c).count(" cookie=")
        assert n == N_FLOWS, "only %d flows installed" % n

        parts = mp_parts(c, flow_stats_request(0x30), 0x30)
        write(outdir, "flow-stats.hex", [
            "FLOW stats reply of bridge vgcapc: the %d flows of flows.txt "
            "(cookie 0x%x + line index), in %d parts"
            % (N_FLOWS, COOKIE_BASE, len(parts)), taken], parts)
        parts = mp_parts(c, mp_request(MP_GROUP_DESC, b"", 0x31), 0x31)
        write(outdir, "group-desc.hex", [
            "GROUP_DESC reply of bridge vgcapc: groups 1 and 3 type all, 2 "
            "and 4 type select, buckets output:N and output:N+1", taken],
            parts)
        c.sock.close()
        problems = sb.log_problems([r"rconn\|", r"unix#",
                                    r"connmgr.*", r"ofp_\w+.*",
                                    r"vconn.*"])
        if problems:
            print("OVS log problems:\n" + "\n".join(problems))


if __name__ == "__main__":
    main()
