/* What vifguardd reports about itself: the contract between the engine,
 * which fills these plain structs, and the control socket (ctl.c), which
 * turns them into JSON for vifguard-ctl.  No json-c here. */
#ifndef VG_STATUS_H
#define VG_STATUS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vg_port_state {
    VG_PORT_PENDING,   /* Known, protection not acknowledged yet. */
    VG_PORT_PROTECTED, /* Flows installed and acknowledged. */
    VG_PORT_ERROR,     /* Held closed; 'reason' says why. */
};
const char *vg_port_state_name(enum vg_port_state); /* "pending", ... */

struct vg_vif_status {
    char *bridge;
    char *name;
    int64_t ofport;
    char *mac;   /* "02:00:00:00:00:01" or NULL if none. */
    char *mode;  /* "locked", "unlocked", "disabled". */
    char **ipv4; /* Allowed addresses/prefixes as text. */
    size_t n_ipv4;
    char **ipv6;
    size_t n_ipv6;
    enum vg_port_state state;
    char *reason;   /* For VG_PORT_ERROR (and a pending reason), or NULL. */
    char *source;   /* Where the policy came from: "xapi", "xenstore-mac",
                     * "ovsdb", "default" (xspolicy.h). */
    char *conflict; /* A lower policy source that disagrees, or NULL. */
};

struct vg_bridge_status {
    char *name;
    uint64_t dpid;
    bool connected;   /* An OpenFlow connection is up and read back. */
    char *fail_mode;  /* As configured in OVSDB. */
    bool fail_secure; /* fail_mode == "secure"; loud warning otherwise. */
    size_t n_trusted;
    size_t n_guests[3];             /* Indexed by enum vg_port_state. */
    uint64_t foreign_flows_removed; /* Flows of other controllers or
                                     * ovs-ofctl that vifguardd deleted. */
    size_t n_stp_guests;     /* Guest ports in the bridge's STP or RSTP. */
    char *stp_guest;         /* The first of them by name, or NULL. */
    bool mcast_snooping;     /* Bridge.mcast_snooping_enable. */
    size_t n_proto_guests;   /* Guest ports that run LACP, CFM, BFD or LLDP
                              * in Open vSwitch... */
    char *proto_guest;       /* ...the first of them by name, or NULL... */
    unsigned protos;         /* ...and its protocols (enum vg_link_proto). */
    char *in_band;           /* The remote for which in-band control is on,
                              * or NULL (vg_bridge.in_band). */
    char *other_controller;  /* A controller target that is not ours, or
                              * NULL. */
    size_t n_sampler_guests; /* Guest ports whose address is a target of
                              * the bridge's sFlow, NetFlow or IPFIX... */
    char *sampler_guest;     /* ...the first of them, or NULL... */
    char *sampler;           /* ...and "KIND TARGET" of that target. */
    size_t n_mirror_guests;  /* Guest ports that get a mirror's copies. */
    char *mirror_guest;      /* The first of them by name, or NULL... */
    char *mirror_name;       /* ...and the mirror that copies to it. */
};

/* One bridge that the attach-bridges setting wants attached. */
struct vg_attach_status {
    char *bridge;
    char *state;       /* "attached", "attaching", "waiting" (for a
                        * retry), "pending" (attempt about to start). */
    uint64_t attempts; /* vifguard-attach runs for this bridge. */
    uint64_t failures; /* Consecutive failed runs (0 after a success). */
    char *error;       /* Last failure's message, or NULL. */
    double retry_in;   /* "waiting": seconds until the next attempt. */
};

/* A latency histogram: bucket i counts latencies in [2^i, 2^(i+1))
 * microseconds; the last bucket is open-ended. */
#define VG_LAT_BUCKETS 24

struct vg_latency {
    uint64_t count;
    uint64_t buckets[VG_LAT_BUCKETS];
    double max; /* Seconds. */
    double sum; /* Seconds. */
};

/* Adds 'seconds' to 'lat'. */
void vg_latency_record(struct vg_latency *lat, double seconds);

struct vg_stats {
    double uptime; /* Seconds. */
    bool ovsdb_connected;
    uint64_t ovsdb_updates;   /* OVSDB update notifications received. */
    uint64_t ofp_connections; /* OpenFlow connections accepted. */
    uint64_t flow_mods_sent;  /* FLOW_MODs sent (adds and deletes). */
    uint64_t bundles_committed;
    uint64_t bundles_failed;
    uint64_t ofp_errors;            /* ERROR messages received. */
    uint64_t foreign_flows_removed; /* All bridges (see vg_bridge_status). */
    /* NORMAL's MAC table entries that guest ports had learned before they
     * were locked or disabled, removed one by one; flushes of a bridge's
     * whole table instead (src/fdb.h). */
    uint64_t mac_entries_removed;
    uint64_t mac_table_flushes;
    /* From the OVSDB update that showed a new port (or changed what its
     * flows must be) to the barrier reply that acknowledged its flows. */
    struct vg_latency plug;
    /* From the OVSDB update that showed a new guest port
     * to the acknowledgement of its NO_FLOOD bit: how long NORMAL may flood
     * to it (DESIGN.md, "Limits"). */
    struct vg_latency noflood;
    /* From sending a bundle of flow changes (any size, the cold start's
     * too) to the barrier reply after its commit: how long the switch takes
     * to take them. */
    struct vg_latency commit;
    unsigned long loop_iterations;
};

/* The xenstore policy source (src/xenstore.h). */
struct vg_xenstore_status {
    char *mode;  /* "auto", "on", "off"; NULL if not reported. */
    char *state; /* "off", "connected", "unreachable", "lost". */
    char *error; /* Last connection error, or NULL. */
};

struct vg_status {
    bool summary; /* Set by the caller before it is filled: bridges and
                   * stats only, no 'vifs' (cheap with many ports). */
    struct vg_xenstore_status xenstore;
    struct vg_bridge_status *bridges;
    size_t n_bridges;
    struct vg_vif_status *vifs;
    size_t n_vifs;
    char *attach_patterns; /* attach-bridges setting, NULL if off. */
    struct vg_attach_status *attach;
    size_t n_attach;
    struct vg_stats stats;
};

void vg_status_destroy(struct vg_status *);

#endif /* src/status.h */
