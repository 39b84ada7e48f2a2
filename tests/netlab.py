"""Traffic tools for integration tests: captures at the receiver and packets
crafted with scapy, sent from inside a namespace.

Every attack test follows one pattern: start a capture in the victim's
namespace, send the forged frame AND a legitimate control frame carrying a
different marker, stop the capture, then assert that the control arrived
(the capture works, the path is open) and the forged frame did not.
"""

import ipaddress
import os
import subprocess
import tempfile
import time

PYTHON = "/usr/bin/python3"  # Debian's, which has scapy (not a pyenv one).


class Capture:
    """tcpdump on 'dev' in namespace 'ns' (a Netns) with BPF 'bpf'."""

    # More tcpdump options, for subclasses.
    TCPDUMP_OPTS = ()

    def __init__(self, ns, bpf="", dev="eth0"):
        self.ns = ns
        fd, self.path = tempfile.mkstemp(suffix=".pcap", dir=ns.sb.dir)
        os.close(fd)
        args = ["tcpdump", "-i", dev, *self.TCPDUMP_OPTS, "-U", "-n", "-w",
                self.path, "--immediate-mode"]
        if bpf:
            args.append(bpf)
        self.proc = ns.popen(*args, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
        # tcpdump says "listening on" once the socket is open.
        line = self.proc.stderr.readline()
        if "listening" not in line:
            raise RuntimeError("tcpdump did not start: " + line)

    def stop(self, settle=0.5):
        time.sleep(settle)
        self.proc.terminate()
        self.proc.wait(10)
        return self

    def text(self):
        """The capture as 'tcpdump -e -n -vv -A' text: headers, then each
        payload as one run of ASCII, so that markers can be searched."""
        return subprocess.run(["tcpdump", "-r", self.path, "-e", "-n", "-vv",
                               "-A"], capture_output=True, text=True,
                              errors="replace", timeout=30).stdout

    def packets(self):
        """The capture as a list of scapy packets, for checks on parsed
        fields (addresses, VLAN tags, DHCP options).  scapy is imported on
        first use only."""
        from scapy.all import rdpcap
        return list(rdpcap(self.path))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.stop(settle=0)


def scapy(ns, code, timeout=30):
    """Runs scapy 'code' inside namespace 'ns' (with `from scapy.all import
    *` done and conf.verb = 0).  Returns stdout; raises on failure."""
    prog = "from scapy.all import *\nconf.verb = 0\n" + code
    r = ns.run(PYTHON, "-c", prog, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError("scapy failed in %s:\n%s%s" % (ns.name, r.stdout,
                                                          r.stderr))
    return r.stdout


def sendp(ns, frame_expr, count=3):
    """Sends the scapy frame built by expression 'frame_expr' on eth0."""
    scapy(ns, "sendp(%s, iface='eth0', count=%d, inter=0.05)"
          % (frame_expr, count))


def neigh(ns, addr):
    """The MAC in 'ns''s neighbour table for 'addr', or None."""
    out = ns.exec("ip", "neigh", "show", addr)
    parts = out.split()
    if "lladdr" in parts:
        return parts[parts.index("lladdr") + 1].lower()
    return None


def eui64(mac, prefix="fe80::"):
    """The address with the modified EUI-64 interface identifier of 'mac'
    in /64 'prefix' (the link-local one by default)."""
    b = bytes.fromhex(mac.replace(":", ""))
    iid = bytes([b[0] ^ 2]) + b[1:3] + b"\xff\xfe" + b[3:]
    return str(ipaddress.IPv6Address(
        ipaddress.IPv6Address(prefix).packed[:8] + iid))
