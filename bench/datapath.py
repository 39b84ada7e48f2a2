"""Issue 7, benchmark 6: datapath throughput and megaflows of a protected
bridge against the same bridge as a plain learning switch.

Run through bench/datapath.sh (root, a build directory).  Builds two private
Open vSwitch sandboxes (tests/ovs_sandbox.py) holding the same topology
(tests/topology.py, "untagged": a router on the trusted uplink port eth0, a
trusted storage host, three locked guests with one IPv4 and one IPv6 address
each, one unlocked guest; veth ports on the userspace "netdev" datapath):

  protected  fail_mode=secure, vifguardd attached, every guest port
             protected (source checks, NO_FLOOD, explicit delivery);
  baseline   fail_mode=standalone, no controller: one NORMAL flow.

1. Protection check (not timed): a spoofed IPv4 and IPv6 source from a
   locked guest, and an unknown-unicast flood from the router, seen at the
   receivers in both sandboxes.  The protected one must drop what the
   baseline delivers, or the numbers below would mean nothing.
2. Throughput: iperf3 TCP for each pair (guest->guest over IPv4 and IPv6,
   guest->router, router->guest), --runs runs of --secs seconds each (after
   a one-second warm-up that iperf3 leaves out), baseline and protected runs
   interleaved (A B, then B A, ...) so that drift on a busy machine hits
   both alike; the datapath is flushed before each run.  Ratio = median
   protected / median baseline, goal >= 0.9.  Also the datapath's own
   counters (EMC/megaflow hits, upcalls), each run's data megaflow actions
   (a flood by NORMAL shows), ovs-vswitchd's CPU time per forwarded
   packet, which depends much less on the machine's load than the
   throughput does, and a perf profile of ovs-vswitchd by DSO.
3. Megaflows: with N = 1, 10 and 50 (--conns): N TCP connections
   guest->guest and router->guest, N UDP flows guest->router, N TCP
   connections to N remote IPv4 and N remote IPv6 hosts behind the router;
   then a mixed run (TCP, UDP, ICMP, ICMPv6, ARP and ND
   after the neighbour caches are flushed), the number of datapath flows
   (ovs-appctl dpctl/dump-flows) in both modes, the growth per added
   connection (goal: 0, the flow design must not multiply megaflows per
   connection) and the fields the megaflows match on.

Prints everything with its goal and exits 1 if a goal is missed or the
protection check fails.
"""

import argparse
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import threading
import time

SRCDIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SRCDIR, "tests"))

import topology  # noqa: E402
from netlab import Capture  # noqa: E402
from ovs_sandbox import OvsSandbox, run  # noqa: E402

GOAL_RATIO = 0.9
MODES = ("baseline", "protected")
# iperf3 server ports in every host: throughput, then the megaflow runs.
PORT_TPUT, PORT_TCP, PORT_UDP = 5201, 5202, 5203
SERVER_PORTS = (PORT_TPUT, PORT_TCP, PORT_UDP)


def say(*args):
    print(*args, flush=True)


class Mode:
    """One sandbox and its topology, with the tools the benchmark needs."""

    def __init__(self, name, build_dir):
        self.name = name
        self.sb = OvsSandbox()
        self.t = None
        try:
            self.sb.start()
            self.t = topology.build("untagged", self.sb,
                                    build_dir if name == "protected"
                                    else None)
        except BaseException:
            self.stop()
            raise

    def stop(self):
        if self.t is not None and self.t.vg is not None:
            self.t.vg.stop()
        self.sb.stop()

    def vswitchd_cpu(self):
        """ovs-vswitchd's CPU time so far (all threads), in seconds, as
        (user, system)."""
        with open(os.path.join(self.sb.dir, "ovs-vswitchd.pid")) as f:
            pid = int(f.read())
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        tck = os.sysconf("SC_CLK_TCK")
        return int(fields[11]) / tck, int(fields[12]) / tck

    def start_servers(self):
        """An iperf3 server on each port in each host that receives (they
        die with the namespaces)."""
        for h in (self.t.router, self.t.victim, self.t.peer):
            for port in SERVER_PORTS:
                h.popen("iperf3", "-s", "-p", str(port),
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for h in (self.t.router, self.t.victim, self.t.peer):
            topology.wait_for(
                lambda: all(":%d " % p in h.exec("ss", "-ltnH")
                            for p in SERVER_PORTS),
                20, "iperf3 servers in " + h.name)

    def pmd_stats(self):
        """The datapath's counters for the main thread (the only one that
        polls veth ports) as a dict, then clears them."""
        out = self.sb.appctl("dpif-netdev/pmd-stats-show")
        self.sb.appctl("dpif-netdev/pmd-stats-clear")
        stats = {}
        for line in out.splitlines():
            m = re.match(r"\s+([a-z. ]+):\s+([0-9.]+)", line)
            if m:
                stats[m.group(1).strip()] = float(m.group(2))
        return stats

    def dump_flows(self):
        """The datapath's megaflows, one string per flow."""
        out = self.sb.appctl("dpctl/dump-flows")
        return [l for l in out.splitlines()
                if l.startswith("recirc_id") or l.startswith("ufid")]

    def flush_flows(self):
        self.sb.appctl("dpctl/del-flows")


def iperf(client, dst, port, secs, extra=(), omit=1, retry_any=False):
    """Runs an iperf3 client in host 'client'; returns its JSON result.
    Retries while the server is busy (or after any error if 'retry_any':
    a background run whose first datagrams wait for ARP or ND)."""
    for attempt in range(20):
        r = client.run("iperf3", "-c", dst, "-p", str(port), "-t", str(secs),
                       "-O", str(omit), "-J", *extra, timeout=secs + omit + 60)
        try:
            j = json.loads(r.stdout)
        except ValueError:
            j = {"error": r.stdout + r.stderr}
        if "error" not in j:
            return j
        # The server may still be busy with the previous test.
        if not retry_any and "busy" not in j["error"] \
                and "refused" not in j["error"]:
            raise RuntimeError("iperf3 %s -> %s:%d in %s: %s"
                               % (client.name, dst, port, client.ns,
                                  j["error"]))
        time.sleep(0.2)
    raise RuntimeError("iperf3 server %s:%d stays busy" % (dst, port))


# Pairs: name -> (client, server address) from a Topology.
PAIRS = {
    "guest->guest": lambda t: (t.victim, t.peer.ip),
    "guest->guest6": lambda t: (t.victim, t.peer.ip6),
    "guest->router": lambda t: (t.victim, t.router.ip),
    "router->guest": lambda t: (t.router, t.victim.ip),
    "guest->router6": lambda t: (t.victim, t.router.ip6),
    "router->guest6": lambda t: (t.router, t.victim.ip6),
}
DEFAULT_PAIRS = "guest->guest,guest->guest6,guest->router,router->guest"


# 1. Protection check.

def protection_check(m):
    """Sends forged frames in 'm''s topology; returns {check: delivered?}
    where the control frame of each check is known to have arrived."""
    from scapy.all import IP, UDP, Ether, IPv6, Raw
    t = m.t
    a, v, r, u = t.attacker, t.victim, t.router, t.unlocked
    res = {}
    cap = Capture(r, "udp port 9999")
    frames = []
    for fam, src, own, dst in (("4", v.ip, a.ip, r.ip),
                               ("6", v.ip6, a.ip6, r.ip6)):
        l3 = IP if fam == "4" else IPv6
        for what, s in (("spoof", src), ("ctl", own)):
            frames.append(Ether(src=a.mac, dst=r.mac) / l3(src=s, dst=dst)
                          / UDP(sport=9999, dport=9999)
                          / Raw(b"DPBENCH.%s%s" % (what.encode(),
                                                   fam.encode())))
    topology.send_frames(a, frames * 3)
    text = cap.stop().text()
    for fam in "46":
        if "DPBENCH.ctl" + fam not in text:
            raise RuntimeError("%s: control frame (IPv%s) never reached the "
                               "router" % (m.name, fam))
        res["spoofed IPv%s source reaches router" % fam] = \
            "DPBENCH.spoof" + fam in text
    # Unknown unicast from the router: NORMAL floods it; no guest (every
    # guest port is NO_FLOOD) may see it, the trusted storage host does
    # (the control).
    st = t.storage
    caps = {h.name: Capture(h, "udp port 9999") for h in (a, u, st)}
    flood = (Ether(src=r.mac, dst="02:00:00:00:99:99") / IP(src=r.ip,
                                                             dst=a.ip)
             / UDP(sport=9999, dport=9999) / Raw(b"DPBENCH.flood"))
    topology.send_frames(r, [flood] * 3)
    texts = {n: c.stop().text() for n, c in caps.items()}
    if "DPBENCH.flood" not in texts[st.name]:
        raise RuntimeError("%s: the flooded frame never reached the trusted "
                           "storage host" % m.name)
    res["unknown unicast flood reaches locked guest"] = \
        "DPBENCH.flood" in texts[a.name]
    res["unknown unicast flood reaches unlocked guest"] = \
        "DPBENCH.flood" in texts[u.name]
    return res


# 2. Throughput.

def throughput(modes, pairs, runs, secs):
    """{pair: {mode: [Mbit/s per run]}} and {mode: counters}."""
    res = {p: {m: [] for m in MODES} for p in pairs}
    work = {m: {"packets": 0, "emc": 0, "megaflow": 0, "upcalls": 0,
                "lookups": 0.0, "user": 0.0, "sys": 0.0} for m in MODES}
    for m in modes.values():
        m.pmd_stats()
    for i in range(runs):
        for k, pair in enumerate(pairs):
            order = MODES if (i + k) % 2 == 0 else MODES[::-1]
            for name in order:
                m = modes[name]
                client, dst = PAIRS[pair](m.t)
                # Every run starts from an empty datapath (a few upcalls).
                m.flush_flows()
                u0, s0 = m.vswitchd_cpu()
                j = iperf(client, dst, PORT_TPUT, secs)
                u1, s1 = m.vswitchd_cpu()
                st = m.pmd_stats()
                bps = j["end"]["sum_received"]["bits_per_second"]
                res[pair][name].append(bps / 1e6)
                w = work[name]
                w["packets"] += st.get("packets received", 0)
                w["emc"] += st.get("emc hits", 0)
                w["megaflow"] += st.get("megaflow hits", 0)
                w["lookups"] += st.get("megaflow hits", 0) * st.get(
                    "avg. subtable lookups per megaflow hit", 0)
                w["upcalls"] += st.get("miss with success upcall", 0) \
                    + st.get("miss with failed upcall", 0)
                w["user"] += u1 - u0
                w["sys"] += s1 - s0
                say("  run %d %-15s %-9s %8.1f Mbit/s   %s" % (
                    i + 1, pair, name, bps / 1e6, main_flow(m)))
    return res, work


def main_flow(m):
    """Where the megaflow that carried the most packets sends them
    ("outputs: N ports" more than 1 for unicast: NORMAL flooded it)."""
    best, best_n = None, -1
    for f in m.dump_flows():
        mm = re.search(r"packets:(\d+)", f)
        if mm and int(mm.group(1)) > best_n:
            best, best_n = f, int(mm.group(1))
    if best is None:
        return "no megaflow"
    acts = best.split("actions:")[-1].strip()
    n = len([a for a in acts.split(",") if a.strip().isdigit()])
    return "data megaflow actions:%s%s" % (
        acts, "  (FLOODED by NORMAL)" if n > 1 else "")


def profile(m, pair, secs):
    """Samples ovs-vswitchd with perf during one iperf3 run of 'pair';
    returns [(share %, DSO)] of its CPU time, or None without perf."""
    import shutil
    if shutil.which("perf") is None:
        return None
    with open(os.path.join(m.sb.dir, "ovs-vswitchd.pid")) as f:
        pid = f.read().strip()
    data = os.path.join(m.sb.dir, "perf.data")
    rec = subprocess.Popen(["perf", "record", "-q", "-F", "499", "-p", pid,
                            "-o", data, "--", "sleep", str(secs)],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    client, dst = PAIRS[pair](m.t)
    iperf(client, dst, PORT_TPUT, secs, omit=0)
    rec.wait(60)
    rep = run(["perf", "report", "-i", data, "--no-children", "--sort",
               "dso", "--stdio", "-g", "none"], check=False)
    out = []
    for line in rep.stdout.splitlines():
        f = line.split()
        if len(f) >= 2 and f[0].endswith("%") and not line.startswith("#"):
            out.append((float(f[0][:-1]), f[1]))
    return out


# 3. Megaflows.

def flow_kind(f):
    """A short class name of datapath flow 'f'."""
    if "tcp(" in f or "proto=6," in f:
        return "tcp"
    if "udp(" in f or "proto=17," in f:
        return "udp"
    if "icmpv6(" in f:
        return "icmpv6"
    if "icmp(" in f or "proto=1," in f:
        return "icmp"
    if "arp(" in f or "0x0806" in f:
        return "arp"
    # No protocol in the match: one flow for every IP protocol.
    if "0x0800" in f:
        return "ipv4"
    if "0x86dd" in f:
        return "ipv6"
    return "other"


def flow_fields(f):
    """The match of datapath flow 'f' as its field names, values dropped
    ("/mask" kept as "/m" for partly wildcarded fields): the shape of the
    megaflow's mask."""
    key = f.split(", packets:")[0]
    out = []
    for m in re.finditer(r"(\w+)\(([^()]*)\)", key):
        name, body = m.group(1), m.group(2)
        if name in ("recirc_id", "packet_type"):
            continue
        subs = []
        for part in body.split(","):
            if "=" in part:
                k, v = part.split("=", 1)
                subs.append(k + ("/m" if "/" in v else ""))
        out.append(name + ("(%s)" % ",".join(subs) if subs else ""))
    return " ".join(out)


# Remote hosts behind the router: addresses on its eth0, routed by guests.
REMOTE4, REMOTE6 = "198.51.100.", "2001:db8:99::"
REMOTE_PORT = 9998

_REMOTE_SERVER = """\
import selectors, socket, sys
sel = selectors.DefaultSelector()
ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(('::', int(sys.argv[1])))
ls.listen(1024)
sel.register(ls, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        if key.fileobj is ls:
            c, _ = ls.accept()
            sel.register(c, selectors.EVENT_READ)
        elif not key.fileobj.recv(65536):
            sel.unregister(key.fileobj)
            key.fileobj.close()
"""

_REMOTE_CLIENT = """\
import socket, sys, time
port, secs = int(sys.argv[1]), float(sys.argv[2])
socks = []
for d in sys.argv[3:]:
    s = socket.socket(socket.AF_INET6 if ':' in d else socket.AF_INET)
    s.settimeout(10)
    s.connect((d, port))
    socks.append(s)
end = time.monotonic() + secs
while time.monotonic() < end:
    for s in socks:
        s.send(b'x' * 256)
    time.sleep(0.1)
"""


def remote_hosts(m, n):
    """Gives the router 'n' extra IPv4 and IPv6 addresses (remote hosts
    behind it, as on the Internet), routes them from the guests and starts
    a TCP sink on REMOTE_PORT.  Returns (IPv4 list, IPv6 list)."""
    t = m.t
    r4 = [REMOTE4 + str(i) for i in range(1, n + 1)]
    r6 = [REMOTE6 + "%x" % i for i in range(1, n + 1)]
    for a in r4:
        t.router.exec("ip", "addr", "add", a + "/32", "dev", "eth0")
    for a in r6:
        t.router.exec("ip", "addr", "add", a + "/128", "dev", "eth0",
                      "nodad")
    for g in (t.victim, t.peer, t.attacker):
        g.exec("ip", "route", "add", REMOTE4 + "0/24", "via", t.router.ip)
        g.exec("ip", "-6", "route", "add", REMOTE6 + "/64", "via",
               t.router.ip6)
    t.router.popen(topology.PYTHON, "-c", _REMOTE_SERVER, str(REMOTE_PORT),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    topology.wait_for(lambda: ":%d " % REMOTE_PORT in t.router.exec(
        "ss", "-ltnH"), 20, "TCP sink in the router")
    return r4, r6


class Background:
    """Runs functions in threads; join() re-raises the first error."""

    def __init__(self):
        self.threads, self.errors = [], []

    def start(self, fn, *args, **kwargs):
        def body():
            try:
                fn(*args, **kwargs)
            except Exception as e:  # Reported by join().
                self.errors.append(e)
        th = threading.Thread(target=body, daemon=True)
        th.start()
        self.threads.append(th)

    def join(self):
        for th in self.threads:
            th.join(120)
        if self.errors:
            raise self.errors[0]


def megaflow_run(m, n, remote):
    """Flushes the datapath, starts 'n' TCP connections guest->guest and
    router->guest, 'n' UDP flows guest->router (iperf3 -P, distinct
    source ports), and 'n' TCP connections from a guest to each of 'n'
    remote IPv4 and 'n' remote IPv6 addresses (lists 'remote'), all at a
    low rate, and dumps the megaflows while they run.  Returns the flows."""
    t = m.t
    m.flush_flows()
    bg = Background()
    rate = ["-b", "%dK" % max(100, 20000 // n), "-P", str(n)]
    for client, dst, port, extra in (
            (t.victim, t.peer.ip, PORT_TCP, []),
            (t.router, t.victim.ip, PORT_TCP, []),
            (t.victim, t.router.ip, PORT_UDP, ["-u"])):
        bg.start(iperf, client, dst, port, 4, extra=rate + extra, omit=0,
                 retry_any=True)
    dsts = remote[0][:n] + remote[1][:n]
    bg.start(lambda: t.victim.exec(topology.PYTHON, "-c", _REMOTE_CLIENT,
                                   str(REMOTE_PORT), "4", *dsts))
    time.sleep(2.5)
    flows = m.dump_flows()
    bg.join()
    return flows


def remote_flows(flows):
    """The flows that name a remote address: one per remote host."""
    return [f for f in flows if REMOTE4 in f or REMOTE6 in f]


def mixed_run(m, n):
    """Flushes neighbour caches and the datapath, then runs 'n' TCP
    connections (IPv4 and IPv6), 'n' UDP flows, pings (IPv4 and IPv6) and
    so ARP and ND; returns the megaflows seen while it all runs."""
    t = m.t
    hosts = (t.router, t.victim, t.peer, t.attacker)
    for h in hosts:
        h.exec("ip", "neigh", "flush", "all")
    m.flush_flows()
    bg = Background()
    for src, dst in ((t.attacker, t.router.ip), (t.attacker, t.peer.ip6),
                     (t.router, t.attacker.ip6), (t.peer, t.victim.ip),
                     (t.victim, t.router.ip), (t.victim, t.peer.ip6),
                     (t.router, t.peer.ip), (t.peer, t.router.ip6)):
        bg.start(src.exec, "ping", "-c", "10", "-i", "0.3", dst)
    time.sleep(0.5)
    rate = ["-b", "%dK" % max(100, 20000 // n), "-P", str(n)]
    for client, dst, port, extra in (
            (t.victim, t.peer.ip6, PORT_TCP, []),
            (t.router, t.victim.ip, PORT_TCP, []),
            (t.peer, t.router.ip6, PORT_TCP, []),
            (t.victim, t.router.ip, PORT_UDP, ["-u"]),
            (t.router, t.peer.ip6, PORT_UDP, ["-u"])):
        bg.start(iperf, client, dst, port, 4, extra=rate + extra, omit=0,
                 retry_any=True)
    time.sleep(2.5)
    flows = m.dump_flows()
    bg.join()
    return flows


def kinds(flows):
    out = {}
    for f in flows:
        k = flow_kind(f)
        out[k] = out.get(k, 0) + 1
    return out


def shapes(flows):
    """{kind: {field shape: count}}."""
    out = {}
    for f in flows:
        d = out.setdefault(flow_kind(f), {})
        s = flow_fields(f)
        d[s] = d.get(s, 0) + 1
    return out


# Output.

def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    ovs = run(["ovs-vswitchd", "--version"]).stdout.splitlines()[0]
    iperf3 = run(["iperf3", "--version"]).stdout.split("(")[0].strip()
    return cpu, ovs, iperf3


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True,
                    help="build directory holding vifguardd")
    ap.add_argument("--runs", type=int, default=4,
                    help="iperf3 runs per pair and mode (median; even: "
                    "each mode goes first equally often)")
    ap.add_argument("--secs", type=int, default=3,
                    help="seconds per iperf3 run (plus 1 s warm-up)")
    ap.add_argument("--pairs", default=DEFAULT_PAIRS,
                    help="comma-separated, from: " + ", ".join(PAIRS))
    ap.add_argument("--conns", default="1,10,50",
                    help="connection counts for the megaflow runs")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--no-profile", action="store_true",
                    help="no perf profile of ovs-vswitchd")
    args = ap.parse_args()
    pairs = args.pairs.split(",")
    for p in pairs:
        if p not in PAIRS:
            ap.error("unknown pair %r (known: %s)" % (p, ", ".join(PAIRS)))
    conns = [int(c) for c in args.conns.split(",")]

    # SIGTERM/SIGINT unwind through the finally below, which stops every
    # daemon and deletes every namespace.
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))

    t_start = time.monotonic()
    cpu, ovs, iperf3 = machine()
    say("== vifguard datapath benchmark (issue 7, benchmark 6)")
    say("date:      %s" % time.strftime("%Y-%m-%d %H:%M:%S UTC",
                                        time.gmtime()))
    say("machine:   %s, %d CPUs, %s %s" % (cpu, os.cpu_count(),
                                            platform.system(),
                                            platform.release()))
    say("software:  %s, %s, vifguard %s" % (
        ovs, iperf3, open(os.path.join(SRCDIR, "VERSION")).read().strip()))
    say("load:      %s (1, 5, 15 min) before the run" % load())
    say("topology:  userspace (netdev) datapath, veth ports; router on "
        "trusted uplink eth0,\n"
        "           storage on trusted eth2, 3 locked guests (IPv4 + IPv6, "
        "anti-sniffing),\n"
        "           1 unlocked guest; baseline: the same, fail_mode="
        "standalone, NORMAL only")
    ok = True
    modes = {}
    try:
        for name in MODES:
            modes[name] = Mode(name, args.build)
        nflows = len(modes["protected"].sb.ofctl(
            "dump-flows", modes["protected"].t.br).splitlines()) - 1
        say("           protected bridge: %d OpenFlow flows" % nflows)

        say("\n== protection check (frames seen at the receivers)")
        checks = {n: protection_check(m) for n, m in modes.items()}
        for c in checks["baseline"]:
            b, p = checks["baseline"][c], checks["protected"][c]
            good = not p
            ok &= good
            say("  %-45s baseline: %-3s protected: %-3s %s"
                % (c, "yes" if b else "no", "yes" if p else "no",
                   "OK" if good else "NOT PROTECTED"))
        if not ok:
            say("the protected topology is not protected: numbers below "
                "mean nothing")

        for m in modes.values():
            m.start_servers()
            # Neighbour caches filled, MACs learned: not part of any run.
            for pair in pairs:
                client, dst = PAIRS[pair](m.t)
                client.ping(dst, count=2)

        if not args.skip_throughput:
            say("\n== throughput: iperf3 TCP, %d runs x %d s per pair and "
                "mode, interleaved" % (args.runs, args.secs))
            tput, work = throughput(modes, pairs, args.runs, args.secs)
            say("\n  %-15s %10s %10s %7s %7s  %s" % (
                "pair", "baseline", "protected", "ratio", "spread",
                "(medians, Mbit/s; spread: (max-min)/median of all runs)"))
            noisy = False
            for pair in pairs:
                b = statistics.median(tput[pair]["baseline"])
                p = statistics.median(tput[pair]["protected"])
                ratio = p / b if b else 0.0
                runs_all = tput[pair]["baseline"] + tput[pair]["protected"]
                spread = (max(runs_all) - min(runs_all)) / statistics.median(
                    runs_all)
                met = ratio >= GOAL_RATIO
                ok &= met
                noisy |= not met and spread > 2 * (1 - ratio)
                say("  %-15s %10.1f %10.1f %7.3f %6.0f%%  GOAL >= %.1f %s"
                    % (pair, b, p, ratio, 100 * spread, GOAL_RATIO,
                       "MET" if met else "NOT MET"))
            if noisy:
                say("  (a miss within the spread between runs: the machine "
                    "is too busy to tell;\n"
                    "   compare the CPU per packet below, or re-run on an "
                    "idle machine)")
            say("\n  datapath work over all runs (pmd-stats-show, main "
                "thread; /proc CPU time):")
            say("  %-9s %10s %7s %9s %8s %8s %8s %8s" % (
                "mode", "packets", "emc%", "megaflow", "lookups", "upcalls",
                "user ns", "sys ns"))
            per_pkt = {}
            for name in MODES:
                w = work[name]
                pk = max(w["packets"], 1)
                per_pkt[name] = (w["user"] + w["sys"]) * 1e9 / pk
                say("  %-9s %10d %6.2f%% %9d %8.2f %8d %8.0f %8.0f" % (
                    name, w["packets"], 100.0 * w["emc"] / pk,
                    w["megaflow"],
                    w["lookups"] / w["megaflow"] if w["megaflow"] else 0,
                    w["upcalls"], w["user"] * 1e9 / pk,
                    w["sys"] * 1e9 / pk))
            say("  (emc%: packets found in the exact-match cache; megaflow: "
                "found in the megaflow\n"
                "   classifier; lookups: subtables searched per such hit; "
                "user/sys ns: ovs-vswitchd\n"
                "   CPU time per packet received, all threads; sys includes "
                "the veth and AF_PACKET\n"
                "   work and the softirqs that run in its context)")
            if per_pkt["baseline"]:
                say("  CPU per packet, baseline/protected: %.3f (the "
                    "throughput ratio a CPU-bound switch would show)"
                    % (per_pkt["baseline"] / per_pkt["protected"]))
            if not args.no_profile:
                say("\n  where ovs-vswitchd's time goes (perf, one %s run "
                    "of 3 s per mode, by DSO):" % pairs[0])
                for name in MODES:
                    prof = profile(modes[name], pairs[0], 3)
                    if prof is None:
                        say("  (perf not installed: no profile)")
                        break
                    say("  %-9s %s" % (name, ", ".join(
                        "%s %.1f%%" % (d, pc) for pc, d in prof[:4])))

        say("\n== megaflows: ovs-appctl dpctl/dump-flows during traffic")
        say("  per step N, after flushing the datapath: N TCP connections "
            "guest->guest and\n"
            "  router->guest, N UDP flows guest->router (iperf3 -P N, "
            "distinct source ports),\n"
            "  N TCP connections from a guest to N remote IPv4 and N remote "
            "IPv6 hosts\n"
            "  behind the router: 5N connections")
        remote = {name: remote_hosts(modes[name], max(conns))
                  for name in MODES}
        counts = {name: [] for name in MODES}
        last = {}
        for n in conns:
            for name in MODES:
                flows = megaflow_run(modes[name], n, remote[name])
                counts[name].append(len(flows))
                last[name] = flows
                k = kinds(flows)
                say("  N=%-3d %-9s %4d megaflows, %3d naming a remote host "
                    "(%s)" % (n, name, len(flows), len(remote_flows(flows)),
                              ", ".join("%s %d" % kv
                                        for kv in sorted(k.items()))))
        for name in MODES:
            c = counts[name]
            added = 5 * (conns[-1] - conns[0])
            growth = (c[-1] - c[0]) / added if added else 0.0
            met = growth < 0.05
            if name == "protected":
                ok &= met
            say("  %-9s growth %.3f megaflows per added connection "
                "(%d -> %d for +%d)  GOAL ~0 %s"
                % (name, growth, c[0], c[-1], added,
                   "MET" if met else "NOT MET"))
        rf = remote_flows(last["protected"])
        if rf:
            say("  protected megaflows naming a remote host, e.g.:")
            for f in rf[:3]:
                say("    " + f.split(", packets:")[0])
        say("\n  mixed run: %d TCP (IPv4 + IPv6) and UDP flows each, ping, "
            "ping6, ARP, ND" % conns[1 if len(conns) > 1 else 0])
        mixed = {}
        for name in MODES:
            mixed[name] = mixed_run(modes[name],
                                    conns[1 if len(conns) > 1 else 0])
            say("  %-9s %4d megaflows (%s)" % (
                name, len(mixed[name]), ", ".join(
                    "%s %d" % kv for kv in sorted(kinds(
                        mixed[name]).items()))))
        for name in MODES:
            say("\n  %s megaflow shapes in the mixed run (fields matched, "
                "/m = partly masked):" % name)
            for kind, d in sorted(shapes(mixed[name]).items()):
                for s, c in sorted(d.items(), key=lambda kv: -kv[1]):
                    say("    %-6s %3d  %s" % (kind, c, s))
        l4 = [f for f in mixed["protected"] + last["protected"]
              if re.search(r"\b(tcp|udp)\(", f)]
        masks = sorted({re.sub(r"=\d+/", "=*/", re.search(
            r"\b(tcp|udp)\([^)]*\)", f).group(0)) for f in l4})
        say("\n  protected megaflows matching on TCP/UDP ports: %d%s" % (
            len(l4), "" if not l4 else ", masks: " + " ".join(masks)))
        say("\nload:      %s (1, 5, 15 min) after the run" % load())
        say("time:      %.0f s" % (time.monotonic() - t_start))
        for name, m in modes.items():
            if m.t.vg is not None:
                for line in m.t.vg.log_problems():
                    say("vifguardd: " + line)
    finally:
        for m in modes.values():
            m.stop()
    say("RESULT: %s" % ("all goals met" if ok else "GOAL NOT MET"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
