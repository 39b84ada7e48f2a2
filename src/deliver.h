/* The delivery compiler: what a guest may receive.  Pure functions.
 *
 * flows.c compiles what guests may send (ingress); this module compiles how
 * frames reach guests without NORMAL's flooding (docs/DESIGN.md,
 * "Forwarding to guests: anti-sniffing"):
 *   - a MAC group per guest MAC: every frame addressed to it is caught in
 *     the forward table and checked in the egress table (a locked guest:
 *     its VLAN and addresses; an unlocked guest: its VLAN only);
 *   - a VLAN group per VLAN with guests: the trunk classification of that
 *     VLAN, ARP requests and Neighbor Solicitations to the locked guests
 *     allowed their targets (and to no one else), the fan-out of what locked
 *     guests need from trusted ports, and every broadcast and multicast to
 *     the unlocked guests.
 * Both are flow groups like the others (flows.h), with their own cookie
 * kinds, so that the engine installs, replaces and deletes them the same
 * way. */
#ifndef VG_DELIVER_H
#define VG_DELIVER_H 1

#include <stddef.h>
#include <stdint.h>

#include "src/flows.h"

struct vg_policy;

/* A locked or unlocked guest as delivery sees it: its policy (mode, MAC
 * and addresses), the VLAN of its network (0: untagged) and the ports that
 * carry its MAC (two for an HVM guest's tapD.N and vifD.N).  An unlocked
 * guest without a MAC has only VLAN membership (vg_deliver_vlan()). */
struct vg_delivery {
    const struct vg_policy *policy;
    uint16_t vlan;
    const uint32_t *ports;
    size_t n_ports;
};

/* The MAC group of a locked or unlocked guest ('cookie' VG_COOKIE_MAC). */
void vg_deliver_guest(const struct vg_delivery *, struct vg_flow_group *);
/* The MAC group of a disabled guest: its MAC receives nothing. */
void vg_deliver_disabled(const uint8_t mac[6], struct vg_flow_group *);
/* The VLAN group of 'vlan' (0: untagged network) with its 'n' locked and
 * unlocked guests 'members': the trunk classification, the locked guests'
 * own announcements, the delivery of ARP requests and Neighbor
 * Solicitations to the locked guests allowed their targets, the fan-out of
 * what every locked guest needs from trusted ports, and every other
 * broadcast and multicast to the unlocked guests. */
void vg_deliver_vlan(uint16_t vlan, const struct vg_delivery *members,
                     size_t n, struct vg_flow_group *);

#endif /* src/deliver.h */
