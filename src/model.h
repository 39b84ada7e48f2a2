/* The host as vifguard sees it: bridges and their interfaces.
 *
 * A policy source (OVSDB today, xenstore later) produces a complete
 * vg_host snapshot whenever something changed; the engine compares it with
 * what it protects now and acts on the difference.  Snapshots are plain
 * owned data with no pointers into the source's own state, so the engine can
 * keep the previous one while the source builds the next. */
#ifndef VG_MODEL_H
#define VG_MODEL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One key=value pair of an OVSDB map column (external_ids, other_config). */
struct vg_kv {
    char *key;
    char *value;
};

/* Link protocols that Open vSwitch runs on a port itself: it takes their
 * frames before any flow (ofproto-dpif-xlate.c, process_special()). */
enum vg_link_proto {
    VG_LP_LACP = 1 << 0, /* Port.lacp is "active" or "passive". */
    VG_LP_CFM = 1 << 1,  /* Interface.cfm_mpid is set. */
    VG_LP_BFD = 1 << 2,  /* Interface.bfd:enable is "true". */
    VG_LP_LLDP = 1 << 3, /* Interface.lldp:enable is "true". */
};

struct vg_iface {
    char uuid[37];         /* OVSDB Interface row UUID. */
    char *name;            /* Interface.name, e.g. "vif5.0". */
    char *type;            /* Interface.type: "", "internal", "patch"... */
    int64_t ofport;        /* Interface.ofport; <= 0 when unassigned/failed. */
    char *mac_in_use;      /* Interface.mac_in_use, or NULL. */
    char *port_name;       /* Name of the Port row holding it. */
    char port_uuid[37];    /* UUID of that Port row. */
    int tag;               /* Port.tag (access VLAN), or -1 if none. */
    char *vlan_mode;       /* Port.vlan_mode, "" if unset. */
    bool trunks;           /* Port.trunks is non-empty. */
    size_t n_port_ifaces;  /* Interfaces in that Port (> 1: a bond). */
    char *bond_mode;       /* Port.bond_mode, "" if unset. */
    unsigned link_protos;  /* enum vg_link_proto bits. */
    bool lacp_current;     /* Interface.lacp_current is true (the member
                            * has current LACP information: negotiated). */
    char *bond_active_mac; /* Port.bond_active_slave (a MAC), or NULL. */
    bool stp_off;          /* Port.other_config:stp-enable is "false". */
    bool rstp_off;         /* Port.other_config:rstp-enable is "false".
                            * (OVS's smap_get_bool(): any case, here and
                            * for the link protocols' "true".) */
    struct vg_kv *external_ids; /* Interface.external_ids, sorted by key. */
    size_t n_external_ids;
};

/* One Mirror row of a bridge (Bridge.mirrors).  Open vSwitch copies the
 * frames a mirror selects to its output port, or floods them to its output
 * VLAN, before and besides the OpenFlow tables (DESIGN.md, "Limits"). */
struct vg_mirror {
    char *name;           /* Mirror.name (its UUID if that is malformed). */
    char output_port[37]; /* UUID of the Port row of Mirror.output_port,
                           * "" if none. */
    int output_vlan;      /* Mirror.output_vlan, or -1 if none or if
                           * output_port is set (OVS ignores it then). */
    bool select_all;      /* Mirror.select_all. */
};

/* Where a bridge sends what it samples of its ports' traffic (sFlow
 * packet headers, NetFlow and IPFIX flow records): one target of
 * Bridge.sflow, .netflow or .ipfix. */
struct vg_sampler {
    const char *kind; /* "sFlow", "NetFlow" or "IPFIX" (static). */
    char *target;     /* As in OVSDB: "IP:PORT", "[IPv6]:PORT"... */
};

struct vg_bridge {
    char uuid[37];      /* OVSDB Bridge row UUID. */
    char *name;         /* Bridge.name, e.g. "xenbr0". */
    uint64_t dpid;      /* Bridge.datapath_id, 0 if not known yet. */
    char *fail_mode;    /* Bridge.fail_mode: "", "secure", "standalone". */
    char **controllers; /* Bridge.controller targets, e.g. "unix:..". */
    size_t n_controllers;
    bool stp;                  /* Bridge.stp_enable. */
    bool rstp;                 /* Bridge.rstp_enable. */
    bool mcast_snooping;       /* Bridge.mcast_snooping_enable. */
    char *in_band;             /* A remote (controller or manager target)
                                * for which Open vSwitch's in-band
                                * control adds hidden flows that pass our
                                * pipeline, or NULL (ovsdb.c:
                                * in_band_remote__()). */
    struct vg_mirror *mirrors; /* Bridge.mirrors, sorted by name. */
    size_t n_mirrors;
    struct vg_sampler *samplers; /* sFlow, then NetFlow, then IPFIX. */
    size_t n_samplers;
    struct vg_iface *ifaces; /* Every Interface of every Port, sorted by
                              * name, no two with one name. */
    size_t n_ifaces;
};

struct vg_host {
    struct vg_bridge *bridges; /* Sorted by name. */
    size_t n_bridges;
    /* The source's own stamp of what it was built from (ovsdb.c: which
     * replica, at which generation), 0 if none: the source's business. */
    uint64_t source_id, source_gen;
};

void vg_host_init(struct vg_host *);
void vg_host_destroy(struct vg_host *);
void vg_bridge_destroy(struct vg_bridge *);
void vg_iface_destroy(struct vg_iface *);
/* Moves what 'src' owns into 'dst' (overwritten): 'src' keeps its uuid,
 * port_uuid and scalars, its strings become NULL (it may then only be
 * destroyed). */
void vg_iface_move(struct vg_iface *dst, struct vg_iface *src);

const struct vg_bridge *vg_host_find_bridge(const struct vg_host *,
                                            const char *name);
const struct vg_bridge *vg_host_find_dpid(const struct vg_host *,
                                          uint64_t dpid);
const struct vg_iface *vg_bridge_find_iface(const struct vg_bridge *,
                                            const char *name);
/* Whether a mirror sends copies to an interface's port (model.c). */
bool vg_mirror_outputs_to(const struct vg_mirror *, const struct vg_iface *);
/* Link protocol names ("lacp", "cfm", "bfd", "lldp"): of one bit (NULL if
 * not exactly one known bit), to a bit (0 if unknown), and of every bit of
 * 'link_protos', separated by ", ", into 'buf' of 'size' bytes ("" if
 * none). */
const char *vg_link_proto_name(unsigned bit);
unsigned vg_link_proto_from_name(const char *);
const char *vg_link_proto_names(unsigned link_protos, char *buf, size_t size);
const char *vg_kv_get(const struct vg_kv *, size_t n, const char *key);
/* Sorts an array of pairs by key (for builders). */
void vg_kv_sort(struct vg_kv *, size_t n);
/* Sorts bridges, interfaces and mirrors by name (for builders). */
void vg_host_sort(struct vg_host *);

#endif /* src/model.h */
