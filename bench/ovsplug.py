"""ovs-vswitchd's own port-creation latency, without vifguardd (issue 7,
docs/PERFORMANCE.md "Plug", step 1): a private ovsdb-server + ovs-vswitchd
(tests/ovs_sandbox.py, dummy datapath as in bench/scale.py), one bridge of
N ports, optional flows and controller, then P single-port plugs, each one
OVSDB transaction (Interface + Port insert, Bridge ports mutate), timed
from the commit (ovsdb-server's reply) to the new Interface row's ofport in
an OVSDB monitor update.  Also prints ovs-vswitchd's CPU time per plug
(utime + stime over the plug phase, idle time between plugs included),
with --cov the coverage/show counters per plug, with --perf a
`perf record -g` of ovs-vswitchd during the plugs.

Diagnostic, not a goal check; run as root with the system python:
    /usr/bin/python3 bench/ovsplug.py --ports 200,500,1000,2000 [--plugs 30]
        [--flows 30000] [--controller none|ofp|unreachable]
        [--type dummy|internal] [--netdev --klinks --type system]
        [--bin DIR] [--cov] [--perf PREFIX] [--ovs-other K=V] ...
--bin DIR puts DIR first in PATH (e.g. a source build of OVS with symlinks
to its ovs-vswitchd, ovsdb-server, ovsdb-tool, ovs-vsctl, ovs-ofctl,
ovs-appctl).  --netdev --klinks --type system: no --enable-dummy=override,
the userspace datapath with real kernel (veth) devices as system ports.
"""

import argparse
import json
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

from ovsdb_rpc import OvsdbRpc, add_port_ops  # noqa: E402


def plug_ops(bridge, name, ofport, ptype, iface_other):
    row = {"name": name, "type": ptype, "ofport_request": ofport}
    if iface_other:
        row["other_config"] = ["map", [list(kv) for kv in iface_other]]
    return add_port_ops(bridge, row)


class OfpSink(threading.Thread):
    """A minimal OpenFlow 1.3 controller: accepts ovs-vswitchd's connection,
    answers HELLO and ECHO, counts the other messages."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.ls.bind(path)
        self.ls.listen(4)
        self.path = path
        self.counts = {}
        self.connected = threading.Event()

    def run(self):
        while True:
            c, _ = self.ls.accept()
            threading.Thread(target=self.serve, args=(c,),
                             daemon=True).start()

    def serve(self, c):
        buf = b""
        c.sendall(struct.pack("!BBHI", 4, 0, 8, 1))
        c.sendall(struct.pack("!BBHI", 4, 5, 8, 2))  # FEATURES_REQUEST
        self.connected.set()
        while True:
            d = c.recv(1 << 20)
            if not d:
                return
            buf += d
            while len(buf) >= 8:
                v, t, ln, xid = struct.unpack("!BBHI", buf[:8])
                if len(buf) < ln:
                    break
                body, buf = buf[:ln], buf[ln:]
                self.counts[t] = self.counts.get(t, 0) + 1
                if t == 2:  # ECHO_REQUEST
                    c.sendall(struct.pack("!BBHI", v, 3, ln, xid) + body[8:])


def gen_flows(path, n_ports, n_flows):
    """~n_flows flows spread over ofports 1..n_ports, vifguard-like matches
    (in_port + MAC + IPv4/IPv6/ARP, several tables)."""
    per = max(1, n_flows // max(1, n_ports))
    with open(path, "w") as f:
        k = 0
        for p in range(1, n_ports + 1):
            mac = "02:00:00:%02x:%02x:%02x" % (p >> 16 & 255, p >> 8 & 255,
                                              p & 255)
            for j in range(per):
                if k >= n_flows:
                    break
                k += 1
                t = j % 4
                kind = j % 3
                if kind == 0:
                    m = "ip,nw_src=10.%d.%d.%d,nw_tos=%d" % (
                        p >> 8 & 255, p & 255, j, (j * 4) & 252)
                elif kind == 1:
                    m = "arp,arp_spa=10.%d.%d.%d,arp_op=%d" % (
                        p >> 8 & 255, p & 255, j, 1 + j % 2)
                else:
                    m = "ipv6,ipv6_src=fd00::%x:%x" % (p, j)
                f.write("table=%d,priority=%d,in_port=%d,dl_src=%s,%s,"
                        "actions=%s\n"
                        % (t, 100 + j, p, mac, m,
                           "goto_table:%d" % (t + 1) if t < 3
                           else "output:%d" % (1 + (p + j) % n_ports)))
    return k


def coverage(sb):
    """{counter: total} from coverage/show."""
    out = sb.appctl("coverage/show", check=False)
    d = {}
    for line in out.splitlines():
        m = re.match(r"(\S+)\s+.*total:\s*(\d+)", line.strip())
        if m:
            d[m.group(1)] = int(m.group(2))
    return d


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p * len(v)))]


def one(args, n_ports):
    from ovs_sandbox import OvsSandbox
    sb = OvsSandbox(dummy=not args.netdev).start()
    try:
        for kv in args.ovs_other:
            sb.vsctl("set", "open_vswitch", ".", "other_config:" + kv)
        br = sb.add_bridge(protocols="OpenFlow10,OpenFlow13",
                           fail_mode=args.fail_mode,
                           other_config=dict(kv.split("=", 1)
                                             for kv in args.br_other))
        if args.datapath_type:
            sb.vsctl("set", "bridge", br,
                     "datapath_type=" + args.datapath_type)
        iface_other = [kv.split("=", 1) for kv in args.iface_other]
        if args.klinks:
            # Kernel dummy links for type=system ports (without
            # --enable-dummy=override), in ovs-vswitchd's namespace.
            path = os.path.join(sb.dir, "links.batch")
            with open(path, "w") as f:
                for nm in ["p%d" % i for i in range(n_ports)] + \
                        ["q%d" % k for k in range(args.plugs)]:
                    f.write("link add %s type veth peer name x%s\nlink set %s up\n"
                            % (nm, nm, nm))
            sb.host_run(["ip", "-batch", path])
        t = time.monotonic()
        batch = 250
        for start in range(0, n_ports, batch):
            cmd = []
            for i in range(start, min(n_ports, start + batch)):
                name = "p%d" % i
                cmd += ["--", "add-port", br, name, "--", "set", "interface",
                        name, "type=" + args.type,
                        "ofport_request=%d" % (i + 1)]
                cmd += ["other_config:%s=%s" % tuple(kv)
                        for kv in iface_other]
            sb.vsctl("--timeout=600", *cmd[1:])
        t_ports = time.monotonic() - t
        n_fl = 0
        t_fl = 0
        if args.flows:
            path = os.path.join(sb.dir, "flows.txt")
            n_fl = gen_flows(path, n_ports, args.flows)
            t = time.monotonic()
            sb.ofctl("--bundle", "add-flows", br, path)
            t_fl = time.monotonic() - t
        sink = None
        if args.controller == "ofp":
            sink = OfpSink(os.path.join(sb.dir, "ctl.sock"))
            sink.start()
            sb.vsctl("set-controller", br, "unix:" + sink.path)
            if not sink.connected.wait(30):
                raise RuntimeError("controller not connected")
        elif args.controller == "unreachable":
            sb.vsctl("set-controller", br,
                     "unix:" + os.path.join(sb.dir, "nobody.sock"))
        time.sleep(args.settle)

        mon = OvsdbRpc(sb.db_sock)
        mon.call("monitor", ["Open_vSwitch", None,
                             {"Interface": {"columns": ["name", "ofport"]},
                              "Port": {"columns": ["name"]}}])
        db = OvsdbRpc(sb.db_sock)
        perf = None
        vs_pid = int(open(os.path.join(sb.dir, "ovs-vswitchd.pid")).read())
        if args.perf:
            perf = subprocess.Popen(
                ["perf", "record", "-g", "-e", "cpu-clock", "-F", "999",
                 "-p", str(vs_pid), "-o", args.perf + ".%d" % n_ports],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1)
        if args.cov:
            time.sleep(1.2)
        cov0 = coverage(sb)
        cpu0 = sum(int(x) for x in
                   open("/proc/%d/stat" % vs_pid).read().rsplit(")", 1)[1]
                   .split()[11:13])
        lat = []
        for k in range(args.plugs):
            name = "q%d" % k
            ofport = n_ports + 1 + k
            db.call("transact", ["Open_vSwitch"] + plug_ops(
                br, name, ofport, args.type, iface_other))
            t0 = time.monotonic()
            done = False
            while not done:
                msg = mon.recv(timeout=60)
                if msg is None:
                    raise RuntimeError("no ofport for %s" % name)
                if msg.get("method") != "update":
                    continue
                if args.verbose > 1:
                    print(json.dumps(msg)[:400])
                for u in msg["params"][1].get("Interface", {}).values():
                    new = u.get("new") or {}
                    if new.get("name") == name and \
                            isinstance(new.get("ofport"), int):
                        done = True
            lat.append(1000 * (time.monotonic() - t0))
            time.sleep(args.gap)
        cpu1 = sum(int(x) for x in
                   open("/proc/%d/stat" % vs_pid).read().rsplit(")", 1)[1]
                   .split()[11:13])
        if args.cov:
            time.sleep(1.2)  # Coverage counters are summed once a second.
        cov1 = coverage(sb)
        if perf:
            perf.send_signal(2)
            perf.wait()
        hz = os.sysconf("SC_CLK_TCK")
        if sink:
            print("   controller got: %s" % sorted(sink.counts.items()))
        print("ports %5d flows %5d ctl %-11s: p50 %7.2f ms  p90 %7.2f  "
              "p99 %7.2f  max %7.2f  vswitchd CPU %.1f ms/plug "
              "(setup: ports %.1f s, flows %.1f s)"
              % (n_ports, n_fl, args.controller, pct(lat, .5), pct(lat, .9),
                 pct(lat, .99), max(lat),
                 1000.0 * (cpu1 - cpu0) / hz / args.plugs, t_ports, t_fl),
              flush=True)
        if args.verbose:
            print("   all: " + " ".join("%.1f" % x for x in lat))
        if args.cov:
            d = {k: (cov1.get(k, 0) - cov0.get(k, 0)) / args.plugs
                 for k in cov1}
            print("   coverage per plug: " + ", ".join(
                "%s %.1f" % (k, v) for k, v in
                sorted(d.items(), key=lambda kv: -kv[1]) if v >= 0.5))
        mon.s.close()
        db.s.close()
    finally:
        sb.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ports", default="1000")
    ap.add_argument("--plugs", type=int, default=30)
    ap.add_argument("--flows", type=int, default=0)
    ap.add_argument("--controller", default="none",
                    choices=["none", "ofp", "unreachable"])
    ap.add_argument("--fail-mode", default="secure")
    ap.add_argument("--type", default="dummy")
    ap.add_argument("--netdev", action="store_true",
                    help="no --enable-dummy=override")
    ap.add_argument("--datapath-type")
    ap.add_argument("--klinks", action="store_true",
                    help="create kernel dummy links p<i>, q<k> first "
                    "(use with --netdev --type system)")
    ap.add_argument("--ovs-other", action="append", default=[])
    ap.add_argument("--br-other", action="append", default=[])
    ap.add_argument("--iface-other", action="append", default=[])
    ap.add_argument("--bin", help="directory put first in PATH (a built "
                    "OVS's ovs-vswitchd, ovsdb-server, tools)")
    ap.add_argument("--perf", help="perf record output prefix")
    ap.add_argument("--cov", action="store_true")
    ap.add_argument("--settle", type=float, default=2.0)
    ap.add_argument("--gap", type=float, default=0.05)
    ap.add_argument("-v", "--verbose", action="count", default=0)
    args = ap.parse_args()
    if args.bin:
        os.environ["PATH"] = args.bin + ":" + os.environ["PATH"]
    for n in [int(x) for x in args.ports.split(",")]:
        one(args, n)


if __name__ == "__main__":
    main()
