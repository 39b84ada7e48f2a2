/* The flow compiler: policy -> OpenFlow flows.  Pure functions, no I/O.
 *
 * Flows come in groups.  A group is the unit vifguard installs, replaces
 * and deletes, and every flow of a group carries the group's cookie (see
 * docs/DESIGN.md, "Flow groups and the cookie scheme"): the bridge group
 * holds the static pipeline, each port group everything specific to one
 * ofport.  The table layout is described in docs/DESIGN.md as well; keep the
 * two in step. */
#ifndef VG_FLOWS_H
#define VG_FLOWS_H 1

#include <stddef.h>
#include <stdint.h>

#include "ofp/msgs.h"

struct vg_policy;

#define VG_COOKIE_MAGIC 0x7667000000000000ULL
#define VG_COOKIE_MAGIC_MASK 0xffff000000000000ULL

enum vg_cookie_kind {
    VG_COOKIE_BRIDGE = 0x01, /* The static pipeline of a bridge. */
    VG_COOKIE_PORT = 0x02,   /* Ingress of one ofport. */
    VG_COOKIE_VLAN = 0x03,   /* Fan-out to the locked guests of one VLAN. */
    VG_COOKIE_MAC = 0x04,    /* Delivery to one guest MAC (id: its lowest
                              * ofport). */
};

static inline uint64_t
vg_cookie(enum vg_cookie_kind kind, uint32_t ofport)
{
    return VG_COOKIE_MAGIC | (uint64_t)kind << 40 | ofport;
}

static inline bool
vg_cookie_is_ours(uint64_t cookie)
{
    return (cookie & VG_COOKIE_MAGIC_MASK) == VG_COOKIE_MAGIC;
}

enum vg_table {
    VG_TABLE_CLASSIFY = 0,   /* Per-port dispatch; default drop. */
    VG_TABLE_TRUNK = 1,      /* VLAN context of frames from trunk ports. */
    VG_TABLE_GUEST_IN = 10,  /* Locked guests' source checks. */
    VG_TABLE_GUEST_ARP = 11, /* Locked guests' ARP sender checks. */
    VG_TABLE_GUEST_ND = 12,  /* Proven IPv6 source: NS/NA checks. */
    VG_TABLE_GUEST_DAD = 13, /* DAD probes (IPv6 source ::). */
    VG_TABLE_FORWARD = 40,   /* Forwarding: delivery to guests, NORMAL. */
    VG_TABLE_UNLOCKED = 45,  /* Copies for the unlocked guests of a VLAN. */
    VG_TABLE_EGRESS = 50,    /* Per-guest destination checks, output. */
};

/* Protocol numbers the compilers match on. */
#define VG_ETH_TYPE_IPV4 0x0800
#define VG_ETH_TYPE_ARP 0x0806
#define VG_ETH_TYPE_IPV6 0x86dd
#define VG_IP_PROTO_UDP 17
#define VG_IP_PROTO_ICMPV6 58

/* Registers (docs/DESIGN.md, "Forwarding to guests"). */
#define VG_REG_VLAN OFPF_REG(0)   /* VLAN context, VG_VLAN_CTX(V) or 0. */
#define VG_REG_SOURCE OFPF_REG(1) /* Source class, enum vg_source. */
#define VG_VLAN_CTX(V) (0x10000u | (V))

enum vg_source {
    VG_SOURCE_TRUSTED = 1,        /* Uplink, host, active bond member. */
    VG_SOURCE_LOCKED = 2,         /* A locked guest (source proven). */
    VG_SOURCE_UNLOCKED = 3,       /* An unlocked guest. */
    VG_SOURCE_TRUSTED_UNICAST = 4 /* Inactive balance-slb bond member:
                                   * its broadcasts and multicasts are
                                   * dropped in table 0 (not a register
                                   * value). */
};

struct vg_flow_group {
    uint64_t cookie;
    struct ofp_flow_mod *flows; /* 'n' ADD flow_mods, all with 'cookie'. */
    size_t n;
    size_t allocated;
};

void vg_flow_group_init(struct vg_flow_group *, uint64_t cookie);
void vg_flow_group_destroy(struct vg_flow_group *);
/* Appends an ADD of an empty (catch-all, drop) flow with the group's cookie
 * in 'table' at 'priority', and returns it for the caller to fill in. */
struct ofp_flow_mod *vg_flow_group_add(struct vg_flow_group *, uint8_t table,
                                       uint16_t priority);

/* Where a port's frames come from, for table 0. */
struct vg_port_ctx {
    int vlan;              /* Access VLAN (0: untagged network), or -1 for a
                            * trunk (table 1 finds the VLAN from the tag). */
    enum vg_source source; /* For trusted ports: VG_SOURCE_TRUSTED, or
                            * VG_SOURCE_TRUSTED_UNICAST for a bond member
                            * that is not the active one. */
    int native;            /* Trunks: the VLAN of untagged and priority-
                            * tagged (VID 0) frames, as NORMAL sees them:
                            * Port.tag of a native-tagged or native-untagged
                            * trunk, else 0. */
};

/* The bridge group: default drops, bridge-wide guest checks, NORMAL. */
void vg_flows_bridge(struct vg_flow_group *);
/* A trusted port (uplink, bond member, internal, patch). */
void vg_flows_trusted(uint32_t ofport, const struct vg_port_ctx *,
                      struct vg_flow_group *);
/* A guest port with a valid policy, on VLAN 'ctx->vlan'.  Whatever its
 * mode, a guest never sends 802.1Q or 802.1ad tagged frames. */
void vg_flows_guest(uint32_t ofport, const struct vg_policy *,
                    const struct vg_port_ctx *, struct vg_flow_group *);

/* A 64-bit hash of the 'n' bytes at 'p', from 'basis'. */
uint64_t vg_hash_bytes(const void *p, size_t n, uint64_t basis);
/* Order-independent fingerprint of a group: identical for the flows compiled
 * here and for the same flows read back from the switch. */
uint64_t vg_flow_hash(uint8_t table, uint16_t priority,
                      const struct ofp_match *,
                      const struct ofp_instructions *);
uint64_t vg_flow_group_fingerprint(const struct vg_flow_group *);

#endif /* src/flows.h */
