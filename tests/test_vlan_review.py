"""A hole found by an adversarial review of VLAN configurations (session
6): a guest port whose VLAN mode puts it in one VLAN for NORMAL and in
another for vifguard's explicit delivery.

Open vSwitch gives a port with a tag and vlan_mode native-untagged,
native-tagged or dot1q-tunnel the tag's VLAN for its untagged frames,
and with a tag and trunks but no vlan_mode it ignores trunks (a WARN) and
makes the port an access port: either way the guest's own frames go into
VLAN 10.  vifguard treats every
non-access guest port as a trunk of the untagged network (VLAN context
0), so it delivered that network's broadcasts and its unicast to the
guest: the guest straddles two VLANs (DESIGN.md, "VLAN tags": "a guest on
VLAN V never receives frames of another VLAN").

The LAN: a private OVS (userspace datapath), one bridge in fail_mode=secure
under vifguardd; "router" on a trunk port (no tag: its untagged frames are
the untagged network, VLAN 0), a locked guest "victim" on that network,
and the locked guest "attacker" on a port with tag 10 and the VLAN mode
under test.  Checked where traffic lands: a capture in the attacker's
namespace.  (Each case takes about 3 s.)
"""

import pytest

from netlab import Capture, sendp
from vifguard_daemon import VifguardDaemon

ROUTER_MAC = "02:00:00:00:00:01"
VICTIM_MAC = "02:00:00:00:00:11"
ATTACKER_MAC = "02:00:00:00:00:12"


@pytest.mark.parametrize("vlan", [["vlan_mode=native-untagged"],
                                  ["vlan_mode=dot1q-tunnel"],
                                  ["trunks=20"]],
                         ids=["native-untagged", "dot1q-tunnel",
                              "tag-and-trunks"])
@pytest.mark.ovs_log_allow(r"ignoring trunks in favor of implicit vlan")
def test_guest_native_vlan_gets_untagged_network(ovs, build_dirs, vlan):
    """A guest port with tag 10 whose VLAN mode is not access must receive
    nothing of the untagged network (VLAN 0), neither a router's broadcast
    ARP request nor unicast to its MAC, and reach none of its guests
    (either the port is held closed, or it is on VLAN 10 for delivery as it
    is for NORMAL).

    Before the fix port_ctx__() gives such a guest VLAN context 0, so
    table 40's fan-out of VLAN 0 outputs the router's broadcast to it and
    its MAC group delivers VLAN 0 unicast, and its unicast to the victim's
    MAC takes the victim's MAC group (table 50 checks the VLAN context,
    which says 0), while NORMAL puts everything else it sends into VLAN
    10."""
    sb = ovs
    br = sb.add_bridge()
    vg = VifguardDaemon(sb, build_dirs["plain"])
    router = sb.add_netns(br, "router", ROUTER_MAC, ["10.0.0.1/24"],
                          ofport=1)
    victim = sb.add_netns(br, "victim", VICTIM_MAC, ["10.0.0.11/24"],
                          ofport=11)
    att = sb.add_netns(br, "attacker", ATTACKER_MAC, ["10.0.0.12/24"],
                       ofport=12, tag=10)
    for ns, ip in ((victim, "10.0.0.11"), (att, "10.0.0.12")):
        sb.vsctl("set", "interface", ns.port,
                 "external_ids:attached-mac=" + ns.mac,
                 "external_ids:vifguard-ipv4=" + ip)
    sb.vsctl("set", "port", att.port, *vlan)
    with vg.protecting(br, [victim.port],
                       lambda: [r"a guest port must be an access port"]):
        with Capture(att, "not ether src %s" % ATTACKER_MAC) as cap, \
                Capture(victim, "udp port 9999") as vcap:
            sendp(router, "Ether(src='%s', dst='ff:ff:ff:ff:ff:ff')/"
                  "ARP(op=1, hwsrc='%s', psrc='10.0.0.1', "
                  "pdst='10.0.0.99')" % (ROUTER_MAC, ROUTER_MAC))
            sendp(router, "Ether(src='%s', dst='%s')/IP(src='10.0.0.1', "
                  "dst='10.0.0.12')/UDP(sport=9999, dport=9999)/"
                  "Raw(b'VLAN0-UNICAST')" % (ROUTER_MAC, ATTACKER_MAC))
            sendp(att, "Ether(src='%s', dst='%s')/IP(src='10.0.0.12', "
                  "dst='10.0.0.11')/UDP(sport=9999, dport=9999)/"
                  "Raw(b'FROM-VLAN10')" % (ATTACKER_MAC, VICTIM_MAC))
            text = cap.stop().text()
            vtext = vcap.stop().text()
        state = vg.vifs().get(att.port)
    assert "10.0.0.99" not in text and "VLAN0-UNICAST" not in text, \
        "a guest on VLAN 10 (%s) receives the untagged network: %s\n%s" % (
            " ".join(vlan), state, text)
    assert "FROM-VLAN10" not in vtext, \
        "a guest on VLAN 10 (%s) reaches a guest of the untagged network" \
        % " ".join(vlan)
