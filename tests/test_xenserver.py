"""Issue 6: a simulated XenServer host, guest policy from xenstore.

One private Open vSwitch (tests/ovs_sandbox.py) with a bridge under
vifguardd (--xenstore=on), and tests/xenstored.py as the host's xenstored
(XENSTORED_PATH names its socket; vifguardd's libxenstore is the real
client).  The host is set up the way XenServer does it:

- a VM's domain: /local/domain/<domid>/{vm,name,domid} written, then
  @introduceDomain fired; on shutdown the directory removed and
  @releaseDomain fired;
- xapi's VIF locking settings, written by xenopsd before the VIF is
  plugged: /xapi/<vm-uuid>/private/vif/<devid>/{locking-mode,ipv4-allowed,
  ipv6-allowed} (dom0-only permissions), removed when the VM leaves;
- the hotplug script's OVS ports: vif<domid>.<devid> (and tap<domid>.<devid>
  for an HVM guest's emulated NIC, same MAC) added in one ovs-vsctl
  transaction with Interface external_ids attached-mac, xs-vif-uuid,
  xs-vm-uuid, xs-network-uuid (and iface-id, iface-status as
  ovs-xapi-sync sets them);
- the older per-MAC JSON of the vif_rules scripts at
  /local/domain/<domid>/vm-data/networking/<mac without colons>.

Guests are network namespaces; a trusted "router" namespace sits on the
uplink port.  Every check of protection is made with real frames captured at
the router, with a legitimate control frame in the same capture (from the
port under test when it should pass, from another guest when it should
not).  The VMs: "web" (HVM, ports vif/tap) and "db" locked by xapi to
10.0.0.5 and 10.0.0.7, "legacy" locked to 10.0.0.8 by its per-MAC JSON.

The module shares one sandbox (xen_host); no test depends on what another
did.  Each one says which VMs it starts with (@starts_with), and the
function-scoped fixture `xen` brings the shared host there before it runs:
xenstored answering, vifguardd running, exactly those VMs running (their
domains created in that order) with their baseline policy and nothing else
on the bridge, and vifguard-ctl showing every guest port protected by it.
When the host already is in that state, as when the file runs in order, this
costs two vifguard-ctl calls and one ovs-vsctl call.  The module runs twice:
with the plain vifguardd, then with the ASan+UBSan one (VG_BUILD_ASAN), whose
sanitizer reports make it exit non-zero, which fails the module.
"""

import json
import os
import re
import subprocess

import pytest

from conftest import require_ovs
from netlab import PYTHON, Capture, sendp
from ovs_sandbox import OvsSandbox
from topology import Host, send_frames, switch_side, veth, wait_for
from vifguard_daemon import VifguardDaemon
from xenstored import XenstoreServer

ROUTER_MAC = "02:00:00:00:00:01"
ROUTER_IP = "10.0.0.1"
ROUTER_IP6 = "2001:db8::1"
NETWORK_UUID = "7d0c2fbb-3b9e-4d1e-9bd9-2a7c4a6c0f10"
DEADLINE = 20.0
# What vifguardd logs, as WARN or ERR, about the bad input and outages these
# tests make on purpose.
LOG_ALLOW = [
    r"held closed: /local/domain/\d+/vm-data/networking/[0-9a-f]{12}: ",
    r"held closed: /xapi/[0-9a-f-]{36}/private/vif/0/[a-z46-]+: ",
    r"policy conflict: (xapi|xenstore-mac) policy applies",
    r"xenstore\|ERR\|connection lost",
    r"xenstore\|(WARN|ERR)\|cannot connect to xenstored",
    r"held closed: waiting for xenstore",
    r"xenstore\|ERR\|xenstored has not answered for",
    r"xenstore\|WARN\|/local/domain/\d+/vm-data/networking: \d+ MAC nodes",
    r"held closed: vm-data/networking: more than 256 per-MAC nodes",
]


class Vm:
    """A XenServer VM: identity, policy, and while running its domain id,
    namespace and OVS ports.  'source' is where its baseline policy (locked
    to its address) comes from: xapi's settings or its per-MAC JSON
    ("xenstore-mac"); 'home' the domain id it gets when a test starts it
    running without naming one."""

    def __init__(self, name, n, hvm=False, source="xapi", home=None):
        self.name = name
        self.uuid = "%08x-1111-4222-8333-%012x" % (n, n)
        self.vif_uuid = "%08x-5555-4666-8777-%012x" % (n, n)
        self.mac = "02:00:00:00:00:%02x" % n
        self.ip = "10.0.0.%d" % n
        self.hvm = hvm
        self.source = source
        self.home = n if home is None else home
        self.reset()

    def reset(self):
        """Forgets the running state (for a new sandbox)."""
        self.domid = None
        self.host = None       # topology.Host, made on first plug
        self.links = {}        # guest device -> switch-side link name
        self.ofports = {}      # OVS port name -> ofport

    def ports(self):
        """The OVS ports of the running domain: vifD.0 (and tapD.0)."""
        d = self.domid
        return ["vif%d.0" % d] + (["tap%d.0" % d] if self.hvm else [])

    @property
    def vif(self):
        return "vif%d.0" % self.domid

    @property
    def mac_node(self):
        return "/local/domain/%d/vm-data/networking/%s" % (
            self.domid, self.mac.replace(":", ""))

    def xapi(self, key):
        return "/xapi/%s/private/vif/0/%s" % (self.uuid, key)

    def xapi_baseline(self):
        """xapi's locking settings for this VM at the baseline."""
        return {"locking-mode": "locked", "ipv4-allowed": self.ip,
                "ipv6-allowed": ""}


class XenHost:
    """The simulated host: sandbox, bridge, xenstored, vifguardd, VMs."""

    def __init__(self, sb, br, xs, vg):
        self.sb, self.br, self.xs, self.vg = sb, br, xs, vg
        self.router = None
        self.next_ofport = 20
        self.crashes = []      # vifguardd exits that establish() found

    # Domains and xapi's settings.

    def add_domain(self, vm, domid):
        vm.domid = domid
        base = "/local/domain/%d" % domid
        self.xs.write(base + "/vm", "/vm/" + vm.uuid,
                      perms=["n0", "r%d" % domid])
        self.xs.write(base + "/name", vm.name)
        self.xs.write(base + "/domid", str(domid))
        self.xs.fire_special("@introduceDomain")

    def release_domain(self, vm):
        self.xs.rm("/local/domain/%d" % vm.domid)
        self.xs.fire_special("@releaseDomain")

    def set_xapi(self, vm, mode="locked", ipv4=None, ipv6=""):
        """Writes the VIF's locking settings like xenopsd (dom0-only)."""
        self.xs.write(vm.xapi("locking-mode"), mode, perms=["n0"])
        self.xs.write(vm.xapi("ipv4-allowed"),
                      vm.ip if ipv4 is None else ipv4, perms=["n0"])
        self.xs.write(vm.xapi("ipv6-allowed"), ipv6, perms=["n0"])

    # Ports, as the hotplug script makes them.

    def plug(self, vm):
        """Creates (or renames, for a new domid) the VM's veths and adds its
        ports with XenServer's external_ids in one transaction."""
        if vm.host is None:
            vm.host = Host(self.sb, vm.name, "locked", mac=vm.mac)
        devs = ["eth0"] + (["eth1"] if vm.hvm else [])
        args = []
        for dev, port in zip(devs, vm.ports()):
            old = vm.links.get(dev)
            if old is None:
                veth(self.sb, self.sb.netns, port, vm.host.ns, dev)
                vm.host.setup_dev(dev, vm.mac)
                if dev == "eth0":
                    vm.host.exec("ip", "addr", "add", vm.ip + "/24", "dev",
                                 dev)
            elif old != port:
                self.sb.host_run(["ip", "link", "set", old, "down"])
                self.sb.host_run(["ip", "link", "set", old, "name", port])
            switch_side(self.sb, port)
            vm.links[dev] = port
            self.next_ofport += 1
            ids = {"attached-mac": vm.mac, "xs-vif-uuid": vm.vif_uuid,
                   "xs-vm-uuid": vm.uuid, "xs-network-uuid": NETWORK_UUID,
                   "iface-id": vm.vif_uuid,
                   "iface-status": "active" if dev == "eth0"
                   else "inactive"}
            args += ["--", "--may-exist", "add-port", self.br, port, "--",
                     "set", "interface", port,
                     "ofport_request=%d" % self.next_ofport]
            args += ["external_ids:%s=%s" % kv for kv in ids.items()]
        self.sb.vsctl(*args[1:])
        vm.ofports = {p: self.sb.ofport(p) for p in vm.ports()}

    def unplug(self, vm):
        """Removes the VM's ports (the veths stay, carrier down, to be
        renamed when the VM comes back)."""
        args = []
        for port in vm.ports():
            args += ["--", "--if-exists", "del-port", self.br, port]
        self.sb.vsctl(*args[1:])
        for port in vm.ports():
            if port in vm.links.values():
                self.sb.host_run(["ip", "link", "set", port, "down"])

    # VM lifecycle.

    def start_vm(self, vm, domid, xapi=True, macjson=None, perms=None):
        """Domain, policy nodes, then ports: XenServer's order."""
        self.add_domain(vm, domid)
        if xapi:
            self.set_xapi(vm)
        if macjson is not None:
            self.xs.write(vm.mac_node, macjson,
                          perms=perms or ["n0", "r%d" % domid])
        self.plug(vm)

    def stop_vm(self, vm):
        """Shutdown or migration away: ports, domain and xapi nodes go."""
        old = dict(vm.ofports)
        self.unplug(vm)
        self.release_domain(vm)
        self.xs.rm("/xapi/" + vm.uuid)
        return old

    # The state a test starts from.

    def domains(self):
        """[(vm, domid)] of the VMs' domains in /local/domain, in the order
        xenstored lists them (the order they were created)."""
        by_path = {"/vm/" + vm.uuid: vm for vm in VMS}
        out = []
        for d in self.xs.directory("/local/domain"):
            vm = by_path.get(self.xs.read("/local/domain/%s/vm" % d))
            if vm is not None:
                out.append((vm, int(d)))
        return out

    def establish(self, want):
        """Brings the host to the state a test starts from and waits until
        vifguardd shows it: xenstored up and answering, vifguardd running,
        the VMs of 'want' ((vm, domid or None for any) in the order their
        domains were created) running with their baseline policy, every
        other VM stopped, no other port on the bridge but the router's.
        What already is as wanted is left alone: only the VMs from the
        first one out of place on are stopped and started again."""
        if not self.xs.running:
            self.xs.start()
        if self.xs.stalled:
            self.xs.resume()
        if self.vg.proc is not None and self.vg.proc.poll() is not None:
            self.crashes.append("vifguardd exited with %s:\n%s" % (
                self.vg.stop(), self.vg.log_tail()))
        if self.vg.proc is None:
            self.vg.start()
        for d in self.xs.directory("/local/domain"):
            if d != "0" and self.xs.read("/local/domain/%s/vm" % d) is None:
                self.xs.rm("/local/domain/" + d)  # Half-made domain.

        have = self.domains()
        keep = 0
        while (keep < min(len(have), len(want))
               and have[keep][0] is want[keep][0]
               and want[keep][1] in (None, have[keep][1])):
            keep += 1
        for vm, domid in reversed(have[keep:]):
            vm.domid = domid
            self.stop_vm(vm)
        running = []
        for vm, domid in have[:keep]:
            vm.domid = domid
            running.append(vm)
        for vm in VMS:
            if (vm not in running or vm.source != "xapi") \
                    and self.xs.read("/xapi/" + vm.uuid) is not None:
                self.xs.rm("/xapi/" + vm.uuid)

        # Ports: the router's and those of the VMs kept running, each with
        # no vifguard-* key; any other goes.
        ifaces = json.loads(self.sb.vsctl(
            "--format=json", "--columns=name,external_ids", "list",
            "interface"))["data"]
        ids = {name: dict(m[1]) for name, m in ifaces}
        ours = {p for vm in running for p in vm.ports()}
        args = []
        for name in ids:
            if name not in ours | {self.router.port, self.br}:
                args += ["--", "--if-exists", "del-port", self.br, name]
        for vm in running:
            if not all(p in ids for p in vm.ports()):
                self.plug(vm)
        for name in ours & set(ids):
            for key in ids[name]:
                if key.startswith("vifguard-"):
                    args += ["--", "remove", "interface", name,
                             "external_ids", key]
        if args:
            self.sb.vsctl(*args[1:])

        for vm in running:
            self.restore_policy(vm)
        for vm, domid in want[keep:]:
            self.start_vm(vm, domid or vm.home, xapi=vm.source == "xapi",
                          macjson=(_legacy_json(vm) if vm.source ==
                                   "xenstore-mac" else None))

        expect = {p: vm for vm, _ in want for p in vm.ports()}

        def settled():
            if self.xenstore_status().get("state") != "connected":
                return False
            vifs = self.vg.vifs()
            vifs.pop(self.router.port, None)
            if set(vifs) != set(expect):
                return False
            return all(
                (v["state"], v["policy_source"], v["mode"], v["ipv4"],
                 v["ipv6"], v["conflict"]) ==
                ("protected", expect[p].source, "locked", [expect[p].ip], [],
                 None) for p, v in vifs.items())
        try:
            wait_for(settled, DEADLINE, "the host at its baseline")
        except AssertionError as e:
            raise AssertionError("%s: %s; xenstore %s\n%s" % (
                e, self.vg.vifs(), self.xenstore_status(),
                self.vg.log_tail(30)))

    def restore_policy(self, vm):
        """Rewrites whatever of a running VM's policy nodes differs from
        its baseline; removes any other per-MAC node of its domain."""
        if vm.source == "xapi":
            if any(self.xs.read(vm.xapi(k)) != v
                   or self.xs.get_perms(vm.xapi(k)) != ["n0"]
                   for k, v in vm.xapi_baseline().items()):
                self.set_xapi(vm)
        net = "/local/domain/%d/vm-data/networking" % vm.domid
        if self.xs.read(net) is not None:
            for name in self.xs.directory(net):
                if vm.source != "xenstore-mac" or \
                        net + "/" + name != vm.mac_node:
                    self.xs.rm(net + "/" + name)
        if vm.source == "xenstore-mac":
            perms = ["n0", "r%d" % vm.domid]
            if self.xs.read(vm.mac_node) != _legacy_json(vm) or \
                    self.xs.get_perms(vm.mac_node) != perms:
                self.xs.write(vm.mac_node, _legacy_json(vm), perms=perms)

    # vifguardd's view.

    def vif_entry(self, port):
        return self.vg.vifs().get(port)

    def wait_vif(self, port, **want):
        """Waits until vifguard-ctl vifs shows 'port' with every field in
        'want' (a callable is a predicate); returns the entry."""
        def ok():
            v = self.vif_entry(port)
            if v is None:
                return None
            for k, w in want.items():
                if callable(w) and not w(v.get(k)):
                    return None
                if not callable(w) and v.get(k) != w:
                    return None
            return v
        try:
            return wait_for(ok, DEADLINE, "%s %s" % (port, want))
        except AssertionError as e:
            raise AssertionError("%s; now: %s\n%s" % (
                e, self.vif_entry(port), self.vg.log_tail(30)))

    def wait_protected(self, vm, source="xapi", mode="locked", ipv4=None):
        ipv4 = [vm.ip] if ipv4 is None else ipv4
        return [self.wait_vif(p, state="protected", policy_source=source,
                              mode=mode, ipv4=ipv4) for p in vm.ports()]

    def domain_watches(self, domid):
        """vifguardd's xenstore watches on domain 'domid''s nodes."""
        base = "/local/domain/%d" % domid
        return [w for w in self.xs.watches()
                if w[0] == base or w[0].startswith(base + "/")]

    def xenstore_status(self):
        return self.vg.ctl("show").get("xenstore") or {}

    def flows(self):
        return self.sb.ofctl("dump-flows", self.br)

    # Traffic.

    def probe(self, sends):
        """Sends marker frames and returns the set of markers the router
        received.  'sends': (vm, label, src_ip, src_mac[, dev]) tuples; the
        frame is UDP to the router, the label its payload."""
        from scapy.all import IP, UDP, Ether, IPv6, Raw
        by_src = {}
        for s in sends:
            vm, label, ip, mac = s[:4]
            dev = s[4] if len(s) > 4 else "eth0"
            l3 = IPv6(src=ip, dst=ROUTER_IP6) if ":" in ip else \
                IP(src=ip, dst=ROUTER_IP)
            frame = (Ether(src=mac, dst=ROUTER_MAC) / l3
                     / UDP(sport=4000, dport=9999)
                     / Raw(b"MK%sKM" % label.encode()))
            by_src.setdefault((vm, dev), []).extend([frame] * 3)
        with Capture(self.router, "udp port 9999") as cap:
            for (vm, dev), frames in by_src.items():
                send_frames(vm.host, frames, dev=dev)
            text = cap.stop().text()
        return set(re.findall(r"MK([A-Za-z0-9]+)KM", text))

    def check_locked(self, vm, others=()):
        """Spoofed IP and MAC from 'vm' blocked, its legitimate frame and
        those of 'others' delivered."""
        got = self.probe([(vm, "LEGIT", vm.ip, vm.mac),
                          (vm, "SPOOFIP", "10.0.0.99", vm.mac),
                          (vm, "SPOOFMAC", vm.ip, "02:00:00:00:99:99")]
                         + [(o, "OK" + o.name, o.ip, o.mac) for o in others])
        assert got == {"LEGIT"} | {"OK" + o.name for o in others}, got

    def check_closed(self, vm, others):
        """Nothing from 'vm' gets out; every port of 'others' still works."""
        got = self.probe([(vm, "CLOSED", vm.ip, vm.mac)]
                         + [(o, "OK" + o.name, o.ip, o.mac) for o in others])
        assert got == {"OK" + o.name for o in others}, got

    def check_ovsdb_keys_lose(self, vm):
        """OVSDB keys set on 'vm' (policy from its per-MAC JSON) change
        nothing but a reported conflict; removed, the conflict goes."""
        self.sb.vsctl("set", "interface", vm.vif,
                      "external_ids:vifguard-ipv4=10.0.0.88")
        v = self.wait_vif(vm.vif, state="protected",
                          policy_source="xenstore-mac", ipv4=[vm.ip],
                          conflict=bool)
        assert "ovsdb" in v["conflict"], v
        self.sb.vsctl("remove", "interface", vm.vif, "external_ids",
                      "vifguard-ipv4")
        self.wait_vif(vm.vif, state="protected", conflict=None)

    def port_flows(self, ofports, mac=None):
        """The dump-flows lines that mention an ofport in 'ofports' (or
        'mac' if given)."""
        pats = [re.compile(r"(in_port=|output:)%d\b" % p) for p in ofports]
        return [l for l in self.flows().splitlines()
                if (mac and mac in l) or any(p.search(l) for p in pats)]


WEB = Vm("web", 5, hvm=True, home=9)
DB = Vm("db", 7)
LEGACY = Vm("legacy", 8, source="xenstore-mac")
VMS = (WEB, DB, LEGACY)


def _legacy_json(vm, ip=None):
    return json.dumps({"label": "public", "mac": vm.mac,
                       "ips": [{"ip": ip or vm.ip, "netmask": "255.255.255.0",
                                "enabled": "1"}],
                       "gateway": ROUTER_IP})


def starts_with(*vms):
    """Says which VMs a test starts with: each a Vm (running with any
    domain id) or (Vm, domid), in the order their domains were created
    (the order xenstored lists /local/domain in).  Every other VM is
    stopped.  Every test in this module says it."""
    want = [v if isinstance(v, tuple) else (v, None) for v in vms]

    def mark(test):
        test.xen_start = want
        return test
    return mark


@pytest.fixture
def xen(xen_host, request):
    """The shared host, in the state the test starts from (@starts_with):
    see XenHost.establish()."""
    want = getattr(request.function, "xen_start", None)
    assert want is not None, "%s does not say what it starts from " \
        "(@starts_with)" % request.node.name
    xen_host.establish(want)
    return xen_host


@pytest.fixture(scope="module", params=["plain", "asan"])
def xen_host(request, build_dirs):
    """The host, with vifguardd from the plain build, then from the
    ASan+UBSan build (a sanitizer report makes vifguardd exit non-zero)."""
    require_ovs()
    for vm in (WEB, DB, LEGACY):
        vm.reset()
    sb = OvsSandbox()
    xs = XenstoreServer(os.path.join(sb.dir, "xenstored.sock"))
    saved = os.environ.get("XENSTORED_PATH")
    os.environ["XENSTORED_PATH"] = xs.path
    vg = VifguardDaemon(sb, build_dirs[request.param],
                        args=["--xenstore=on"])
    problems = ovs_problems = []
    rc = host = None
    try:
        sb.start()
        xs.start()
        br = sb.add_bridge()
        host = XenHost(sb, br, xs, vg)
        xs.write("/local/domain/0/name", "Domain-0")
        xs.write("/xapi", "")
        host.router = sb.add_netns(br, "router", ROUTER_MAC,
                                   [ROUTER_IP + "/24"], ofport=1)
        host.start_vm(DB, 7)
        vg.start()
        vg.attach(br)
        host.wait_protected(DB)
        yield host
        problems = vg.log_problems(LOG_ALLOW)
    finally:
        rc = vg.stop()
        tail = vg.log_tail()  # The sandbox directory goes with sb.stop().
        xs.stop()
        if saved is None:
            os.environ.pop("XENSTORED_PATH", None)
        else:
            os.environ["XENSTORED_PATH"] = saved
        ovs_problems = sb.log_problems()
        sb.stop()
    assert not (host and host.crashes), "\n".join(host.crashes)
    assert rc == 0, "vifguardd exited with %s:\n%s" % (rc, tail)
    assert not problems, "unexpected ERR/WARN in vifguardd's log:\n" + \
        "\n".join(problems)
    assert not ovs_problems, "\n".join(ovs_problems)


@starts_with((DB, 7))
def test_vm_start(xen):
    """VM start: domain, xapi locking settings, then vif5.0 + tap5.0 with
    XenServer's external_ids: both protected by xapi's policy."""
    xen.start_vm(WEB, 5)
    vifs = xen.wait_protected(WEB)
    assert [v["mac"] for v in vifs] == [WEB.mac, WEB.mac]
    assert all(v["conflict"] is None for v in vifs)
    xen.check_locked(WEB, others=[DB])
    # The emulated NIC (tap5.0) is held to the same policy.
    got = xen.probe([(WEB, "TAPLEGIT", WEB.ip, WEB.mac, "eth1"),
                     (WEB, "TAPSPOOF", DB.ip, WEB.mac, "eth1")])
    assert got == {"TAPLEGIT"}, got
    # Real traffic: ARP and ping both ways.
    assert WEB.host.ping(ROUTER_IP, count=2)
    assert xen.router.ping(WEB.ip)


@starts_with((DB, 7), (WEB, 5))
def test_reboot_new_domid_no_window(xen):
    """Reboot: ports removed, domain 5 released, domain 6 built with the
    same vm-uuid, new ports with new ofports.  A guest sending spoofed
    frames all along never gets one out; the old port's flows go."""
    sender = WEB.host.popen(PYTHON, "-c", _LOOP_SENDER, "eth0", "15",
                            _hexframe(WEB.mac, DB.ip, "REBOOTSPOOF"),
                            _hexframe(WEB.mac, WEB.ip, "REBOOTLEGIT"),
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        with Capture(xen.router, "udp port 9999") as cap:
            wait_for(lambda: "REBOOTLEGIT" in cap.text(), DEADLINE,
                     "legitimate frames before the reboot", interval=0.3)
            old = xen.stop_vm(WEB)
            xen.vg.wait_gone(list(old))
            wait_for(lambda: xen.port_flows(old.values()) == [], DEADLINE,
                     "flows of the old ports gone")
            xen.start_vm(WEB, 6)
            xen.wait_protected(WEB)
            assert set(WEB.ofports.values()).isdisjoint(old.values())
            before = cap.text().count("REBOOTLEGIT")
            wait_for(lambda: cap.text().count("REBOOTLEGIT") > before,
                     DEADLINE, "legitimate frames after the reboot",
                     interval=0.3)
            text = cap.stop().text()
    finally:
        sender.kill()
        sender.wait()
    assert "REBOOTSPOOF" not in text
    assert xen.vif_entry("vif5.0") is None
    # No watch left on the released domain's nodes.
    wait_for(lambda: not xen.domain_watches(5), DEADLINE,
             "watches on domain 5 dropped")
    xen.check_locked(WEB, others=[DB])


@starts_with((DB, 7), WEB)
def test_live_locking_mode_change(xen):
    """locked -> unlocked -> disabled -> locked, written live in xenstore."""
    xen.xs.write(WEB.xapi("locking-mode"), "unlocked")
    xen.wait_vif(WEB.vif, state="protected", mode="unlocked",
                 policy_source="xapi")
    got = xen.probe([(WEB, "LEGIT", WEB.ip, WEB.mac),
                     (WEB, "ANYIP", "10.0.0.99", WEB.mac)])
    assert got == {"LEGIT", "ANYIP"}, got

    xen.xs.write(WEB.xapi("locking-mode"), "disabled")
    xen.wait_vif(WEB.vif, state="protected", mode="disabled",
                 policy_source="xapi")
    xen.check_closed(WEB, others=[DB])

    xen.xs.write(WEB.xapi("locking-mode"), "locked")
    xen.wait_protected(WEB)
    xen.check_locked(WEB, others=[DB])


@starts_with((DB, 7), WEB)
def test_allowed_addresses_change(xen):
    """ipv4-allowed and ipv6-allowed changed live (addresses and prefixes,
    comma-joined as xapi writes them)."""
    xen.xs.write(WEB.xapi("ipv4-allowed"), "10.0.0.50,10.0.0.64/30")
    xen.xs.write(WEB.xapi("ipv6-allowed"), "2001:db8::50")
    xen.wait_vif(WEB.vif, state="protected",
                 ipv4=lambda v: v and sorted(v) == ["10.0.0.50",
                                                    "10.0.0.64/30"],
                 ipv6=lambda v: v and v == ["2001:db8::50"])
    got = xen.probe([(WEB, "NEWIP", "10.0.0.50", WEB.mac),
                     (WEB, "INNET", "10.0.0.66", WEB.mac),
                     (WEB, "OLDIP", WEB.ip, WEB.mac),
                     (WEB, "NEWIP6", "2001:db8::50", WEB.mac),
                     (WEB, "SPOOF6", "2001:db8::51", WEB.mac)])
    assert got == {"NEWIP", "INNET", "NEWIP6"}, got
    xen.set_xapi(WEB)
    xen.wait_protected(WEB)
    xen.wait_vif(WEB.vif, ipv6=[])


@starts_with((DB, 7), (WEB, 6))
def test_migration_away_and_back(xen):
    old = xen.stop_vm(WEB)
    xen.vg.wait_gone(list(old))
    wait_for(lambda: xen.port_flows(old.values(), WEB.mac) == [], DEADLINE,
             "flows of the migrated VM gone")
    xen.wait_protected(DB)
    # Back, as a new domain, with the ports plugged before xenopsd wrote
    # the locking settings: the default (locked, no address) holds them
    # until the settings arrive.
    xen.add_domain(WEB, 9)
    xen.plug(WEB)
    xen.wait_protected(WEB, source="default", ipv4=[])
    xen.check_closed(WEB, others=[DB])
    xen.set_xapi(WEB)
    xen.wait_protected(WEB)
    xen.check_locked(WEB, others=[DB])


@starts_with((DB, 7), WEB)
def test_per_mac_json(xen):
    """The vif_rules JSON: honoured from a dom0-owned node, refused (port
    held closed, others unaffected) from one the guest can write."""
    xen.start_vm(LEGACY, 8, xapi=False, macjson=_legacy_json(LEGACY))
    xen.wait_protected(LEGACY, source="xenstore-mac")
    xen.check_locked(LEGACY, others=[DB, WEB])

    # Owned by the guest, writable by it by name, writable by everyone.
    for perms in (["n8"], ["n0", "w8"], ["b0"]):
        xen.xs.set_perms(LEGACY.mac_node, perms)
        v = xen.wait_vif(LEGACY.vif, state="error")
        assert LEGACY.mac_node in v["reason"], v
        assert "writ" in v["reason"], v
        xen.wait_protected(WEB)
        xen.wait_protected(DB)
        if perms == ["n8"]:
            xen.check_closed(LEGACY, others=[DB, WEB])
        xen.xs.set_perms(LEGACY.mac_node, ["n0", "r8"])
        xen.wait_protected(LEGACY, source="xenstore-mac")


@pytest.mark.parametrize("value", [
    "{not json",
    '{"mac": "02:00:00:00:00:08", "ips": [{"ip": "10.0.0.300"}]}',
    '{"mac": "02:00:00:00:00:09", "ips": [{"ip": "10.0.0.8"}]}',
    '{"mac": "02:00:00:00:00:08", "ips": "10.0.0.8"}',
    "[]",
])
@starts_with((DB, 7), WEB, (LEGACY, 8))
def test_malformed_json(xen, value):
    xen.xs.write(LEGACY.mac_node, value)
    v = xen.wait_vif(LEGACY.vif, state="error")
    assert LEGACY.mac_node in v["reason"], v
    xen.wait_protected(WEB)
    xen.wait_protected(DB)
    if value == "{not json":
        xen.check_closed(LEGACY, others=[DB, WEB])
    xen.xs.write(LEGACY.mac_node, _legacy_json(LEGACY))
    xen.wait_protected(LEGACY, source="xenstore-mac")


@pytest.mark.parametrize("key,value", [
    ("ipv4-allowed", "10.0.0.300"),
    ("ipv4-allowed", "10.0.0.5,10.0.0.0/33"),
    ("ipv6-allowed", "2001:db8::zz"),
    ("locking-mode", "bogus"),
    ("locking-mode", "network_default"),
])
@starts_with((DB, 7), WEB, (LEGACY, 8))
def test_bad_xapi_values(xen, key, value):
    xen.xs.write(WEB.xapi(key), value)
    v = xen.wait_vif(WEB.vif, state="error")
    assert WEB.xapi(key) in v["reason"], v
    xen.wait_protected(DB)
    xen.wait_protected(LEGACY, source="xenstore-mac")
    if key == "locking-mode" and value == "bogus":
        xen.check_closed(WEB, others=[DB, LEGACY])
    xen.set_xapi(WEB)
    xen.wait_protected(WEB)


@starts_with((DB, 7), WEB, (LEGACY, 8))
def test_conflicts_between_sources(xen):
    """Precedence xapi > per-MAC JSON > OVSDB vifguard-* keys: the winner
    applies, a lower source that disagrees is reported as a conflict."""
    xen.sb.vsctl("set", "interface", WEB.vif,
                 "external_ids:vifguard-mode=unlocked")
    v = xen.wait_vif(WEB.vif, state="protected", policy_source="xapi",
                     mode="locked", conflict=bool)
    assert "ovsdb" in v["conflict"] and "unlocked" in v["conflict"], v
    xen.check_locked(WEB, others=[DB])
    xen.sb.vsctl("remove", "interface", WEB.vif, "external_ids",
                 "vifguard-mode")
    xen.wait_vif(WEB.vif, state="protected", conflict=None)

    # A per-MAC JSON for a VM that xapi locks: xapi still wins.
    xen.xs.write(WEB.mac_node, _legacy_json(WEB, ip="10.0.0.55"),
                 perms=["n0", "r%d" % WEB.domid])
    v = xen.wait_vif(WEB.vif, state="protected", policy_source="xapi",
                     ipv4=[WEB.ip], conflict=bool)
    assert "xenstore-mac" in v["conflict"], v
    xen.xs.rm(WEB.mac_node)
    xen.wait_vif(WEB.vif, state="protected", conflict=None)

    # OVSDB keys under a per-MAC JSON: the JSON wins.
    xen.check_ovsdb_keys_lose(LEGACY)


@starts_with((DB, 7), WEB, (LEGACY, 8))
def test_guest_floods_its_mac_nodes(xen):
    """A guest that writes more per-MAC nodes into its own vm-data than
    vifguardd reads (256) gets none of them read and its ports held closed,
    rather than dom0's node for its MAC left unread and a lower policy
    source applied; a guest whose policy is xapi's keeps it; cleaned up,
    the guest is protected again."""
    base = "/local/domain/%d/vm-data/networking/" % LEGACY.domid
    junk = [base + "0a%010x" % i for i in range(257)]
    for path in junk:
        xen.xs.write(path, "{}", perms=["n%d" % LEGACY.domid])
    v = xen.wait_vif(LEGACY.vif, state="error")
    assert "more than 256 per-MAC nodes" in v["reason"], v
    xen.check_closed(LEGACY, others=[WEB, DB])
    for path in junk:
        xen.xs.rm(path)
    xen.wait_protected(LEGACY, source="xenstore-mac")
    xen.check_locked(LEGACY, others=[WEB, DB])


@starts_with((DB, 7), WEB, (LEGACY, 8))
def test_xenstored_away_and_back(xen):
    """xenstored goes away: protection stays as it was, the condition is
    reported; it comes back: vifguardd reconnects and follows changes."""
    wait_for(lambda: xen.xenstore_status().get("state") == "connected",
             DEADLINE, "xenstore connected")
    xen.xs.stop()
    st = wait_for(lambda: xen.xenstore_status().get("state") in
                  ("lost", "unreachable") and xen.xenstore_status(),
                  DEADLINE, "xenstore reported lost")
    # Named as what happened, not as libxenstore's EBADF after it.
    assert st.get("error") and "Bad file descriptor" not in st["error"], st
    for vm, src in ((WEB, "xapi"), (DB, "xapi"), (LEGACY, "xenstore-mac")):
        xen.wait_protected(vm, source=src)
    xen.check_locked(WEB, others=[DB, LEGACY])

    xen.xs.start()
    wait_for(lambda: xen.xenstore_status().get("state") == "connected",
             DEADLINE, "xenstore reconnected")
    xen.xs.write(WEB.xapi("ipv4-allowed"), "10.0.0.50")
    xen.wait_vif(WEB.vif, state="protected", ipv4=["10.0.0.50"])
    xen.xs.write(WEB.xapi("ipv4-allowed"), WEB.ip)
    xen.wait_protected(WEB)


@starts_with((DB, 7), WEB, (LEGACY, 8))
def test_xenstored_stalls(xen):
    """xenstored stops answering, its connection open (a hung daemon):
    vifguardd goes on with the last view and with everything else (its
    control socket, OVSDB, the guests' protection), reports the stall, and
    catches up on the changes once xenstored answers again."""
    wait_for(lambda: xen.xenstore_status().get("state") == "connected",
             DEADLINE, "xenstore connected")
    xen.xs.stall()
    try:
        # The next liveness probe waits; VG_XENSTORE_STALL (5 s) later the
        # control socket, which still answers, says so.
        st = wait_for(lambda: (lambda s: s.get("state") == "stalled" and s)(
            xen.xenstore_status()), DEADLINE, "xenstore reported stalled")
        assert "xenstored has not answered" in st.get("error", ""), st
        # A change xenstore has no part in is handled: LEGACY's OVSDB keys
        # are overridden by its per-MAC JSON, which vifguardd reports as a
        # conflict on the next OVSDB update.
        xen.check_ovsdb_keys_lose(LEGACY)
        for vm, src in ((WEB, "xapi"), (DB, "xapi"),
                        (LEGACY, "xenstore-mac")):
            xen.wait_protected(vm, source=src)
        xen.check_locked(WEB, others=[DB, LEGACY])
        # xapi changes WEB's addresses meanwhile: the watch event waits in
        # xenstored with everything else.
        xen.xs.write(WEB.xapi("ipv4-allowed"), "10.0.0.50")
        assert xen.vif_entry(WEB.vif)["ipv4"] == [WEB.ip]
    finally:
        xen.xs.resume()
    wait_for(lambda: xen.xenstore_status().get("state") == "connected",
             DEADLINE, "xenstore connected again")
    xen.wait_vif(WEB.vif, state="protected", ipv4=["10.0.0.50"])
    xen.xs.write(WEB.xapi("ipv4-allowed"), WEB.ip)
    xen.wait_protected(WEB)
    assert "answers again" in xen.vg.log_tail(50)


@starts_with((DB, 7), WEB, (LEGACY, 8))
def test_daemon_start_with_xenstored_stalled(xen):
    """A vifguardd started while xenstored accepts requests but answers none
    starts all the same (after waiting 5 s for the first view), holds every
    guest closed, reports the stall, and protects the guests once xenstored
    answers."""
    assert xen.vg.stop() == 0
    xen.xs.stall()
    try:
        xen.vg.start(timeout=30)
        wait_for(lambda: xen.xenstore_status().get("state") == "stalled",
                 DEADLINE, "xenstore reported stalled")
        for vm in (WEB, DB, LEGACY):
            for port in vm.ports():
                v = xen.wait_vif(port, state="error", policy_source="none")
                assert "waiting for xenstore" in v["reason"], v
        xen.check_closed(WEB, others=[])
    finally:
        xen.xs.resume()
    xen.wait_protected(WEB)
    xen.wait_protected(DB)
    xen.wait_protected(LEGACY, source="xenstore-mac")
    xen.check_locked(WEB, others=[DB, LEGACY])


@starts_with((DB, 7), (WEB, 9), (LEGACY, 8))
def test_daemon_start_without_xenstored(xen):
    """With xenstore = on, a vifguardd started while xenstored is away
    holds every guest closed until it has read xenstore."""
    assert xen.vg.stop() == 0
    xen.xs.stop()
    xen.vg.start()
    for vm in (WEB, DB, LEGACY):
        for port in vm.ports():
            v = xen.wait_vif(port, state="error", policy_source="none")
            assert "xenstore" in v["reason"], v
    xen.xs.start()
    xen.wait_protected(WEB)
    xen.wait_protected(DB)
    xen.check_locked(WEB, others=[DB])
    # Domain 8 is listed after domain 9 in /local/domain (creation order,
    # as xenstored lists children): the case that found a lookup before
    # sorting (0c88c1a).
    assert xen.xs.directory("/local/domain")[-2:] == ["9", "8"]
    xen.wait_protected(LEGACY, source="xenstore-mac")
    xen.check_locked(LEGACY, others=[DB, WEB])


@starts_with((DB, 7), WEB, (LEGACY, 8))
def test_squatter_after_start_without_xenstored(xen):
    """A port claiming a running guest's MAC stays held closed after a
    vifguardd restart whose read-back of the switch's flows comes before
    xenstore is read: the guest's installed MAC group delivers that MAC to
    both of its ports (DESIGN.md, "Forwarding to guests"), so once xenstore
    gives the ports their MAC, the guest keeps it, and the squatter (an
    unlocked guest by its OVSDB keys) receives nothing addressed to it."""
    sq = xen.sb.add_netns(xen.br, "squatter", WEB.mac, ["10.0.0.66/24"],
                          ofport=60)
    try:
        xen.sb.vsctl("set", "interface", sq.port,
                     "external_ids:attached-mac=" + WEB.mac,
                     "external_ids:vifguard-mode=unlocked")
        xen.wait_vif(sq.port, state="error")
        def read_backs():
            return sum("read back" in l for l in xen.vg.log_lines("INFO"))
        before = read_backs()
        assert xen.vg.stop() == 0
        xen.xs.stop()
        try:
            xen.vg.start()
            wait_for(lambda: read_backs() > before, DEADLINE, "the read-back")
            for port in WEB.ports() + [sq.port]:
                v = xen.wait_vif(port, state="error", policy_source="none")
                assert "xenstore" in v["reason"], v
        finally:
            xen.xs.start()
        xen.wait_protected(WEB)
        v = xen.wait_vif(sq.port, state="error")
        assert "stays with the port that had it" in v["reason"], v
        with Capture(sq, "udp port 9999") as cap:
            sendp(xen.router, "Ether(src='%s', dst='%s')/IP(src='%s', "
                  "dst='%s')/UDP(sport=9999, dport=9999)/Raw(b'FORWEB')"
                  % (ROUTER_MAC, WEB.mac, ROUTER_IP, WEB.ip))
            text = cap.stop().text()
        assert "FORWEB" not in text, "the squatter receives WEB's unicast"
        xen.check_locked(WEB, others=[DB])
    finally:
        sq.destroy()
    xen.wait_protected(WEB)


@starts_with((DB, 7), WEB, (LEGACY, 8))
def test_shutdown_leaves_nothing(xen):
    """Every VM stopped, no guest flow or port entry is left."""
    ofports, macs = [], []
    for vm in (WEB, DB, LEGACY):
        ofports += xen.stop_vm(vm).values()
        macs.append(vm.mac)
    wait_for(lambda: not any(v["name"].startswith(("vif", "tap"))
                             for v in xen.vg.vifs().values()),
             DEADLINE, "guest ports gone")
    for mac in macs:
        wait_for(lambda: xen.port_flows(ofports, mac) == [], DEADLINE,
                 "no flow for %s" % mac)
    assert xen.xs.directory("/xapi") == []
    for vm in (WEB, DB, LEGACY):
        wait_for(lambda: not xen.domain_watches(vm.domid), DEADLINE,
                 "watches on domain %d dropped" % vm.domid)


def _hexframe(mac, src_ip, label):
    from scapy.all import IP, UDP, Ether, Raw
    return bytes(Ether(src=mac, dst=ROUTER_MAC) / IP(src=src_ip,
                                                     dst=ROUTER_IP)
                 / UDP(sport=4000, dport=9999)
                 / Raw(b"MK%sKM" % label.encode())).hex()


# Sends the given hex frames in turn every 10 ms for argv[2] seconds,
# through link changes (errors while the port is gone are ignored).
_LOOP_SENDER = """\
import socket, sys, time
dev, secs = sys.argv[1], float(sys.argv[2])
frames = [bytes.fromhex(h) for h in sys.argv[3:]]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((dev, 0))
end = time.monotonic() + secs
while time.monotonic() < end:
    for f in frames:
        try:
            s.send(f)
        except OSError:
            pass
    time.sleep(0.01)
"""
