/* The delivery compiler: what a guest may receive.  Pure functions.
 *
 * flows.c compiles what guests may send (ingress); this module compiles how
 * frames reach guests without NORMAL's flooding (docs/DESIGN.md,
 * "Forwarding to guests: anti-sniffing"):
 *   - a MAC group per guest MAC: every frame addressed to it is caught in
 *     the forward table and checked in the egress table (a locked guest:
 *     its VLAN and addresses; an unlocked guest: its VLAN only); for a
 *     locked guest in its VLAN also its own announcements, and the ARP
 *     requests and Neighbor Solicitations for the targets (addresses and
 *     prefixes) it alone is allowed, to it and to no one else;
 *   - a VLAN group per VLAN with guests: the trunk classification of that
 *     VLAN, the requests for targets that several locked guests share, the
 *     fan-out of what locked guests need from trusted ports, every
 *     broadcast and multicast to the unlocked guests, and (table 45) the
 *     copies of the locked guests' announcements and prefix requests for
 *     the unlocked guests.
 * So a guest's own flows are in its own group, and plugging a locked guest
 * changes only the few VLAN flows that list every guest.
 * Both are flow groups like the others (flows.h), with their own cookie
 * kinds, so that the engine installs, replaces and deletes them the same
 * way. */
#ifndef VG_DELIVER_H
#define VG_DELIVER_H 1

#include <stdbool.h>
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

/* An ARP (IPv4) or Neighbor Solicitation (IPv6) target: a guest's address
 * or prefix. */
struct vg_target {
    bool v6;
    uint8_t addr[16]; /* IPv4 in the first 4 bytes, network order. */
    uint8_t len;
};

/* What the MAC group of a locked guest needs to know of its VLAN: the
 * targets that more than one locked guest of the VLAN is allowed (the VLAN
 * group delivers those, to all of them at once).  (The unlocked guests get
 * its announcements and the requests for its prefixes through the VLAN
 * group's flow in table 45.) */
struct vg_vlan_view {
    struct vg_target *shared; /* Sorted. */
    size_t n_shared;
    uint64_t hash; /* Of the above: the same hash, the same view. */
    /* The ports of the locked guests allowed 'shared[i]' are
     * owner_ports[owner_start[i]] up to owner_ports[owner_start[i + 1]]
     * (what vg_deliver_vlan() delivers its requests to). */
    uint32_t *owner_ports;
    size_t *owner_start; /* n_shared + 1 entries. */
};
/* The view of the VLAN whose locked and unlocked guests are the 'n'
 * 'members' (in the order vg_deliver_vlan() gets them). */
void vg_vlan_view_init(struct vg_vlan_view *,
                       const struct vg_delivery *members, size_t n);
void vg_vlan_view_destroy(struct vg_vlan_view *);

/* The MAC group of a locked or unlocked guest ('cookie' VG_COOKIE_MAC);
 * 'view' is its VLAN's, or NULL while the guest is not in it yet (the
 * group is then incomplete: the engine installs it only with the view). */
void vg_deliver_guest(const struct vg_delivery *,
                      const struct vg_vlan_view *view, struct vg_flow_group *);
/* The MAC group of a disabled guest: its MAC receives nothing. */
void vg_deliver_disabled(const uint8_t mac[6], struct vg_flow_group *);
/* Reads one flow of a MAC group back from the switch: if the flow in table
 * 'table_id' with 'match' and 'insts' delivers a guest's MAC in the egress
 * table (as vg_deliver_guest() makes them), stores that MAC in 'mac' and
 * the ports it outputs to in 'ports' and returns their count (1 or 2);
 * otherwise returns 0.  After a restart, this tells the engine which ports
 * had each MAC. */
size_t vg_deliver_egress_ports(uint8_t table_id, const struct ofp_match *,
                               const struct ofp_instructions *, uint8_t mac[6],
                               uint32_t ports[2]);
/* The VLAN group of 'vlan' (0: untagged network) with its 'n' locked and
 * unlocked guests 'members': the trunk classification, the delivery of ARP
 * requests and Neighbor Solicitations for the targets that several locked
 * guests share, the fan-out of what every locked guest needs from trusted
 * ports, and every other broadcast and multicast to the unlocked
 * guests.  'view' is the view of these 'members' (vg_vlan_view_init()),
 * whose shared targets and their owners it delivers. */
void vg_deliver_vlan(uint16_t vlan, const struct vg_delivery *members,
                     size_t n, const struct vg_vlan_view *view,
                     struct vg_flow_group *);

#endif /* src/deliver.h */
