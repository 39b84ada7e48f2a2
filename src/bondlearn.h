/* Learning frames for bonds (DESIGN.md, "Forwarding to guests", Bonds).
 *
 * When an active-backup or balance-slb bond changes its active member (a
 * failover, or an ovs-vswitchd restart that picked another member), the
 * upstream switch must learn that the guests' MACs are now behind the new
 * member.  Open vSwitch sends "learning packets" for the MACs NORMAL has
 * learned only; guests whose frames vifguard delivers explicitly, and every
 * guest after a restart (the MAC table starts empty), are not among them.
 * So vifguardd sends its own: for every guest MAC, a RARP frame like Open
 * vSwitch's (broadcast destination, the guest's MAC as source, ethertype
 * 0x8035), tagged with the guest's VLAN when the bond is a trunk, as an
 * OpenFlow PACKET_OUT (in_port CONTROLLER, output to the member's ofport:
 * the frame leaves by that member and never meets the flow tables).
 *
 * The pure part (frames, messages, which member is active) is unit-tested;
 * struct bondlearn holds, per bridge, what was announced on the current
 * connection, and sends at most one burst per bond per second. */
#ifndef VG_BONDLEARN_H
#define VG_BONDLEARN_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ofconn;
struct ofp_buf;
struct vg_bridge;

/* Longest learning frame: Ethernet + 802.1Q + RARP. */
#define VG_BONDLEARN_FRAME_MAX 46

/* One MAC to announce, in one VLAN context. */
struct vg_bondlearn_mac {
    uint8_t mac[6];
    int vlan; /* The guest's VLAN context: 0 the untagged network, else V. */
};

/* What a snapshot says about one bond. */
struct vg_bondlearn_bond {
    char *port;       /* Port.name. */
    bool learn;       /* LACP not negotiated on any member. */
    int vlan;         /* Access VLAN of the bond port, or -1 (trunk). */
    uint32_t active;  /* OpenFlow port of the active member, or 0. */
    bool ambiguous;   /* Several members carry the active member's MAC
                       * (matters unless the bond is balance-tcp). */
    bool balance_tcp; /* bond_mode balance-tcp: every member active. */
    size_t n_members; /* Members with a valid ofport. */
};

size_t vg_bondlearn_frame(const uint8_t mac[6], int vlan, uint8_t *frame);
int vg_bondlearn_encode(const struct vg_bondlearn_mac *, size_t n,
                        int bond_vlan, uint32_t ofport, uint32_t xid,
                        struct ofp_buf *, size_t *n_frames);
void vg_bondlearn_bonds(const struct vg_bridge *, struct vg_bondlearn_bond **,
                        size_t *n);
void vg_bondlearn_bonds_free(struct vg_bondlearn_bond *, size_t n);
uint32_t vg_bond_active_ofport(const struct vg_bridge *, const char *port,
                               bool *ambiguous);

/* Per-bridge state. */
struct bondlearn *bondlearn_create(const char *bridge, void (*kick)(void *aux),
                                   void *aux);
void bondlearn_destroy(struct bondlearn *);
void bondlearn_set_bridge(struct bondlearn *, const struct vg_bridge *);
void bondlearn_reset(struct bondlearn *);
bool bondlearn_due(const struct bondlearn *);
size_t bondlearn_run(struct bondlearn *, struct ofconn *,
                     const struct vg_bondlearn_mac *, size_t n);

#endif /* src/bondlearn.h */
