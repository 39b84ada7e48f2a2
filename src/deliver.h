/* The delivery compiler: what a locked guest may receive.  Pure functions.
 *
 * flows.c compiles what guests may send (ingress); this module compiles how
 * frames reach locked guests without NORMAL (docs/DESIGN.md, "Forwarding to
 * guests: anti-sniffing"):
 *   - a MAC group per locked guest: every frame addressed to its MAC is
 *     caught in the forward table and checked in the egress table;
 *   - a VLAN group per VLAN with locked guests: the trunk classification of
 *     that VLAN, ARP requests and Neighbor Solicitations to the guests
 *     allowed their targets (and to no one else), and the fan-out of what
 *     guests need from trusted ports.
 * Both are flow groups like the others (flows.h), with their own cookie
 * kinds, so that the engine installs, replaces and deletes them the same
 * way. */
#ifndef VG_DELIVER_H
#define VG_DELIVER_H 1

#include <stddef.h>
#include <stdint.h>

#include "src/flows.h"

struct vg_policy;

/* A locked guest as delivery sees it: its policy (MAC and addresses), the
 * VLAN of its network (0: untagged) and the ports that carry its MAC (two
 * for an HVM guest's tapD.N and vifD.N). */
struct vg_delivery {
    const struct vg_policy *policy;
    uint16_t vlan;
    const uint32_t *ports;
    size_t n_ports;
};

/* The MAC group of a locked guest ('cookie' VG_COOKIE_MAC). */
void vg_deliver_guest(const struct vg_delivery *, struct vg_flow_group *);
/* The MAC group of a disabled guest: its MAC receives nothing. */
void vg_deliver_disabled(const uint8_t mac[6], struct vg_flow_group *);
/* The VLAN group of 'vlan' (0: untagged network) with its 'n' locked guests
 * 'members': the trunk classification, the delivery of ARP requests and
 * Neighbor Solicitations to the guests allowed their targets, and the
 * fan-out of what every guest needs from trusted ports. */
void vg_deliver_vlan(uint16_t vlan, const struct vg_delivery *members,
                     size_t n, struct vg_flow_group *);

#endif /* src/deliver.h */
