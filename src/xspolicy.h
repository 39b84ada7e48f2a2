/* Guest policy from xenstore, and the one place where a port's policy source
 * is chosen.
 *
 * Pure: no I/O.  src/xenstore.c reads the relevant xenstore nodes into a
 * struct vg_xs_view (plain owned data, like struct vg_host); this module
 * turns those strings into a struct vg_policy, strictly, with errors that
 * name the xenstore path and the bad value, e.g.
 *   /xapi/UUID/private/vif/0/ipv4-allowed: "10.0.0.300": not an IPv4 address
 *
 * Two xenstore sources exist (docs/DESIGN.md, "Policy sources"):
 * - xapi's VIF locking settings, written by xenopsd (dom0 only):
 *     /xapi/<vm-uuid>/private/vif/<devid>/locking-mode   locked|unlocked|
 *                                                        disabled
 *     /xapi/<vm-uuid>/private/vif/<devid>/ipv4-allowed   comma-joined
 *     /xapi/<vm-uuid>/private/vif/<devid>/ipv6-allowed   comma-joined
 * - the older per-MAC JSON of the vif_rules scripts:
 *     /local/domain/<domid>/vm-data/networking/<12 hex digits of the MAC>
 *     {"mac": "40:40:fa:72:92:e4", "ips": [{"ip": ...}], "ip6s": [...]}
 *   used only if the guest domain cannot write the node.
 *
 * vg_policy_resolve() picks, for one guest interface, the first present of
 * xapi, per-MAC JSON, OVSDB vifguard-* keys and the default mode, and
 * reports any lower source that says something else as a conflict. */
#ifndef VG_XSPOLICY_H
#define VG_XSPOLICY_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/policy.h"

struct vg_iface;

/* Where a port's policy came from, in order of precedence. */
enum vg_policy_source {
    VG_PSRC_XAPI,    /* /xapi/<vm>/private/vif/<devid>/. */
    VG_PSRC_XS_MAC,  /* /local/domain/<domid>/vm-data/networking/<mac>. */
    VG_PSRC_OVSDB,   /* Interface external_ids:vifguard-*. */
    VG_PSRC_DEFAULT, /* The daemon's default mode. */
    VG_N_PSRC
};
/* "xapi", "xenstore-mac", "ovsdb", "default"; "none" for VG_N_PSRC (no
 * source could be consulted). */
const char *vg_policy_source_name(enum vg_policy_source);

/* One entry of a xenstore node's permission list.  The first entry names
 * the owner and gives the permission of every domain not listed. */
struct vg_xs_perm {
    unsigned int domid;
    bool read;
    bool write;
};

/* Returns true if domain 'domid' may write a node with permissions 'perms'
 * (xenstore semantics: the owner may do anything; else the first entry for
 * 'domid' after the owner; else the owner entry's permission), with a short
 * reason in '*why' (a static string) either way.  No permissions at all
 * counts as writable (unknown is not safe). */
bool vg_xs_writable_by(const struct vg_xs_perm *perms, size_t n,
                       unsigned int domid, const char **why);

/* xapi's settings for one VIF.  A NULL member: that node is absent. */
struct vg_xs_vif {
    char *vm_uuid;      /* Lowercase. */
    unsigned int devid; /* Device number (N in vifD.N). */
    char *locking_mode;
    char *ipv4_allowed;
    char *ipv6_allowed;
};

/* One per-MAC JSON node. */
struct vg_xs_macnode {
    unsigned int domid;
    char *name;               /* Last path component, as found. */
    char *json;               /* Its value. */
    struct vg_xs_perm *perms; /* Its permissions (NULL, 0: unknown). */
    size_t n_perms;
};

/* Per-MAC nodes read per domain at most. */
#define VG_XS_MAX_MACNODES 256

/* A running domain. */
struct vg_xs_domain {
    unsigned int domid;
    char *vm_uuid;      /* From /local/domain/<domid>/vm ("/vm/<uuid>"), or
                    * NULL. */
    bool macs_overflow; /* More than VG_XS_MAX_MACNODES per-MAC nodes: none
                         * was read, every port with a MAC is held
                         * closed. */
};

/* Everything the policy resolution needs from xenstore: a complete, owned
 * snapshot built by src/xenstore.c. */
struct vg_xs_view {
    struct vg_xs_domain *domains; /* Sorted by domid. */
    size_t n_domains;
    struct vg_xs_vif *vifs; /* Sorted by (vm_uuid, devid). */
    size_t n_vifs;
    struct vg_xs_macnode *macs; /* Sorted by (domid, name). */
    size_t n_macs;
};

void vg_xs_view_init(struct vg_xs_view *);
void vg_xs_view_destroy(struct vg_xs_view *);
/* Initializes 'dst' as a deep copy of 'src'. */
void vg_xs_view_copy(struct vg_xs_view *dst, const struct vg_xs_view *src);
/* Sorts the view's arrays (for builders). */
void vg_xs_view_sort(struct vg_xs_view *);
const struct vg_xs_vif *vg_xs_view_find_vif(const struct vg_xs_view *,
                                            const char *vm_uuid,
                                            unsigned int devid);
const struct vg_xs_domain *vg_xs_view_find_domain(const struct vg_xs_view *,
                                                  unsigned int domid);
/* Finds domain 'domid''s node for 'mac' (name compared without case). */
const struct vg_xs_macnode *vg_xs_view_find_mac(const struct vg_xs_view *,
                                                unsigned int domid,
                                                const uint8_t mac[6]);

/* Parses "vifD.N" or "tapD.N" into 'domid' and 'devid'.  Returns false for
 * any other name. */
bool vg_xs_parse_ifname(const char *name, unsigned int *domid,
                        unsigned int *devid);

/* Builds the policy given by xapi's settings 'vif'.  'mac' (NULL if not
 * known) is the VIF's MAC from OVSDB; locked mode needs it.  Returns 0 or
 * EINVAL with a message naming the xenstore path in '*errp'.  '*policy' must
 * be destroyed either way. */
int vg_xs_policy_from_xapi(const struct vg_xs_vif *vif, const uint8_t *mac,
                           struct vg_policy *policy, char **errp);

/* Longest per-MAC JSON value accepted (xenstore's own payload limit). */
#define VG_XS_JSON_MAX 4096
/* Deepest JSON nesting accepted. */
#define VG_XS_JSON_DEPTH 8

/* Builds the (locked) policy of the per-MAC JSON 'json' found at 'path',
 * whose last component 'name' must name the same MAC as its "mac" member.
 * Strict: duplicate keys, wrong types, bad addresses, values over
 * VG_XS_JSON_MAX bytes or nested deeper than VG_XS_JSON_DEPTH are errors.
 * Returns 0 or EINVAL with a message naming 'path' in '*errp'. */
int vg_xs_policy_from_json(const char *path, const char *name,
                           const char *json, struct vg_policy *policy,
                           char **errp);

/* The per-MAC node 'm' as a policy: refused (EPERM, with a message naming
 * the node and why) if its guest domain can write it, else
 * vg_xs_policy_from_json(). */
int vg_xs_policy_from_macnode(const struct vg_xs_macnode *m,
                              struct vg_policy *policy, char **errp);

/* Resolves the policy of guest interface 'iface': the first present of
 * (1) xapi's node for its VM and device, (2) the per-MAC JSON of its
 * domain and MAC, (3) its OVSDB vifguard-* keys, (4) 'default_mode'.
 * 'xs' may be NULL (no xenstore).  Stores the winner in '*source'.  If a
 * lower source is present and says something else (or is invalid), stores
 * a malloc'd description in '*conflict' (else NULL).  Returns 0, or an
 * errno value with a malloc'd message in '*errp' when the winner is invalid
 * (the port is then held closed).  '*policy' must be destroyed either way;
 * '*conflict' must be freed. */
int vg_policy_resolve(const struct vg_iface *iface,
                      const struct vg_xs_view *xs, enum vg_mode default_mode,
                      struct vg_policy *policy, enum vg_policy_source *source,
                      char **conflict, char **errp);

#endif /* src/xspolicy.h */
