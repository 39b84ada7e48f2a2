/* The engine: desired versus installed flow groups, per bridge.
 * See engine.h and docs/DESIGN.md ("Data flow", "Flow groups").
 *
 * Per bridge, the engine knows:
 *   - the ports of the latest snapshot, each with the fingerprint of the flow
 *     group it wants (or none: no valid ofport, bad policy, failed install);
 *   - 'installed': for every vifguard cookie on the switch, the fingerprint
 *     of the flows there, read back when the connection came up and updated
 *     whenever a transaction is acknowledged;
 *   - which port had each guest MAC (its claim, kept against newcomers),
 *     taken from the switch's flows at the first read-back, then from what
 *     it installed;
 *   - at most one transaction in flight: an atomic bundle of group
 *     replacements and deletions, followed by a barrier.
 * reconcile__() compares the two and sends the difference.  Everything is
 * driven by events (a snapshot, a connection, a reply): no polling.
 *
 * vifguard owns every flow of a bridge it protects (DESIGN.md, "Ownership of
 * the bridge"): the read-back sees all flows, and every flow whose cookie is
 * not vifguard's is deleted by its exact cookie (all of vifguard's flows
 * have cookies in its own range, so nothing of ours is touched, and the
 * foreign flow's match need not even be decodable).  While connected, a
 * flow monitor (Open vSwitch's ONF extension for OpenFlow 1.3) reports
 * flows that others add or modify, which meet the same fate; a flow of
 * vifguard's cookie range that someone else added, modified or deleted
 * (`ovs-ofctl del-flows`; a deletion is confirmed by a read-back first,
 * since a switch tearing a bridge down reports one too) makes its group be
 * reinstalled.  The
 * monitor leaves out our own changes (no ONFFMF_OWN: they come back as
 * abbreviated updates, which are ignored).
 *
 * Once a guest's locked (or disabled) flows are acknowledged, what NORMAL
 * learned on its port before, when it could send from any MAC, is removed
 * through ovs-vswitchd's control socket (fdb.h; DESIGN.md, "NORMAL's MAC
 * table"): per port number, the engine tracks whether that may be needed. */
#include <config.h>
#include "src/engine.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif

#include "ofp/errors.h"
#include "ofp/msgs.h"
#include "ofp/print.h"
#include "src/bondlearn.h"
#include "src/config.h"
#include "src/deliver.h"
#include "src/fdb.h"
#include "src/flows.h"
#include "src/log.h"
#include "src/loop.h"
#include "src/model.h"
#include "src/noflood.h"
#include "src/ofconn.h"
#include "src/status.h"
#include "src/xspolicy.h"

#define SUBSYS "engine"

/* OVSDB's ofport for the bridge's own internal port (OpenFlow 1.0 LOCAL). */
#define OVSDB_OFPORT_LOCAL 65534
/* Highest ordinary OpenFlow 1.0-style port number OVS assigns. */
#define OVSDB_OFPORT_MAX 0xff00

/* Flow mods per bundle: larger changes are split into several
 * transactions. */
#define TXN_MAX_FLOWS 50000

struct eng_port {
    char *name;
    char uuid[37];     /* OVSDB Interface row. */
    uint32_t ofp_port; /* OpenFlow port number, 0 if none valid. */
    bool sw_ofport;    /* 'ofp_port' is from the switch's PORT_STATUS, not
                        * (yet) from OVSDB. */
    bool guest;
    struct vg_port_ctx ctx;  /* VLAN context and source class. */
    struct vg_policy policy; /* Guests only. */
    char *error;             /* Policy or install error, or NULL. */
    bool want;               /* Has a group to install. */
    uint64_t want_fp;        /* Its fingerprint. */
    uint64_t failed_fp;      /* A fingerprint whose install failed, or 0. */
    size_t mac;              /* Index of its MAC group in the bridge's
                              * 'macs', or SIZE_MAX. */
    bool held_mac;           /* Had its MAC group, under the same MAC and
                              * number, and has kept both since (or the
                              * switch had it so at the first read-back:
                              * claims_from_switch__()). */
    bool mac_closed;         /* Held closed by build_macs__() for a MAC
                              * conflict ('error' says so). */
    bool xs_wait;            /* Its policy waits for xenstore. */
    bool sw_claim;           /* At the first read-back, the switch delivered
                              * 'sw_mac' to it while it waited for xenstore:
                              * it had 'sw_mac' if that turns out to be its
                              * MAC. */
    uint8_t sw_mac[6];
    double since;    /* Receipt of the OVSDB update that showed the port or
                      * changed its flows, until they are acknowledged (then
                      * 0): the start of its plug latency. */
    double nf_since; /* The same for its NO_FLOOD bit (guests
                      * only). */

    /* Guests: where 'policy' came from, and a lower source that disagrees
     * (or NULL).  See xspolicy.h. */
    enum vg_policy_source source;
    char *conflict;
};

/* An index entry: the port with an OpenFlow port number. */
struct by_ofport__ {
    uint32_t ofp_port;
    size_t index; /* Into the bridge's ports. */
};

/* A MAC group (a guest's delivery) or a VLAN group (the fan-out to one
 * VLAN's guests).  See deliver.h. */
struct eng_group {
    uint64_t cookie;
    uint64_t key;  /* Hash of the inputs: same key, same flows. */
    uint64_t fp;   /* Fingerprint of the flows. */
    bool disabled; /* MAC group of a disabled guest. */
    bool macless;  /* An unlocked guest without a MAC: no flows of its
                    * own, only VLAN group membership. */
    size_t port;   /* MAC group: index in the bridge's ports of the
                       * guest's first port (valid until the next update). */
    uint16_t vlan;
    uint32_t ports[2]; /* MAC group: the ports carrying the MAC. */
    size_t n_ports;
    size_t *members; /* VLAN group: its guests, as indexes into the
                       * bridge's MAC groups. */
    size_t n_members;
    struct vg_vlan_view view; /* VLAN group: what its locked guests' MAC
                               * groups hold of it (deliver.h). */
    /* MAC group of a locked guest: its VLAN group (an index into the
     * bridge's 'vlans', SIZE_MAX if it is not in one), and whether its 'fp'
     * was computed with that group's view ('in_view'; 'vkey' is the view's
     * hash). */
    size_t vgroup;
    bool in_view;
    uint64_t vkey;
    /* VLAN group whose fingerprint was computed afresh: its compiled
     * flows, kept for the transaction that installs them; NULL otherwise. */
    struct vg_flow_group *compiled;
};

/* NO_FLOOD state of an OVSDB port number on a bridge (DESIGN.md). */
enum nf_state {
    NF_UNKNOWN,
    NF_SET,
    NF_CLEAR,
    NF_GONE,   /* The switch deleted the port (PORT_STATUS): nothing to
                * set until it adds one again. */
    NF_FAILED, /* The switch has no such port or refused: retried when the
                * port comes back or the bridge reconnects. */
};
#define NF_PORTS 65536

/* NORMAL's MAC table on an OVSDB port number of a bridge (DESIGN.md,
 * "NORMAL's MAC table"): may NORMAL hold entries learned there for MACs
 * other than the port's own? */
enum fdb_state {
    FDB_UNKNOWN, /* Since the connection came up: what happened before is
                  * unknown. */
    FDB_DIRTY,   /* What the switch holds for the port lets it send from
                  * any MAC (a trusted port, an unlocked guest), or is not
                  * what vifguard wants (an older version, tampered). */
    FDB_DUE,     /* Now a locked or disabled guest's port group, after
                  * FDB_UNKNOWN or FDB_DIRTY: entries to remove. */
    FDB_CLEAN,   /* Removed, or a port new in ovs-vswitchd, since it has
                  * had only a locked or disabled guest's flows. */
};

struct installed__ {
    uint64_t cookie;
    uint64_t fp;
};

/* A port as the switch's PORT_STATUS announced it on the current
 * connection.  A new port is announced as soon as ovs-vswitchd adds it,
 * while it goes on reconfiguring the bridge (hundreds of milliseconds at
 * 1000 ports) before its ofport reaches OVSDB: so the engine takes the port
 * number from here for an interface whose OVSDB ofport is not set yet, and
 * the address spares its NO_FLOOD operation the switch's whole port list
 * (noflood.h). */
struct sw_port__ {
    uint32_t ofp_port;
    uint8_t mac[6];
    char name[OFP_MAX_PORT_NAME_LEN + 1];
    bool stale; /* Announced before OVSDB showed the interface of that name
                 * gone or replaced: maybe a port the switch has removed
                 * already (its deletion is not announced yet), so not a
                 * port number for the new interface.  Still an address. */
};

struct txn_group__ {
    uint64_t cookie;
    uint64_t fp;  /* What it will hold when acknowledged. */
    bool deleted; /* Group removed (fp meaningless). */
};

/* A group the switch refused, and the message that says so. */
struct refusal__ {
    uint64_t cookie;
    uint64_t fp;
    char *msg;
};

struct eng_txn {
    size_t n_flows; /* Flow mods in the bundle. */
    uint32_t xid;   /* Bundle messages. */
    uint32_t barrier_xid;
    uint32_t bundle_id;
    bool committed; /* COMMIT_REPLY seen. */
    int error;      /* First error seen, or 0. */
    double sent;    /* vg_now_exact() when it was sent. */
    struct txn_group__ *groups;
    size_t n_groups;
};

struct eng_bridge {
    struct engine *engine;
    char *name;
    uint64_t dpid;
    char *fail_mode;
    bool warned_fail_mode;
    char *in_band;           /* vg_bridge.in_band: in-band control's remote. */
    bool warned_in_band;     /* ...has been logged. */
    char *other_ctl;         /* A controller target not ours, or NULL... */
    bool warned_other;       /* ...has been logged. */
    size_t n_stp_guests;     /* Guest ports in the bridge's (R)STP... */
    char *stp_guest;         /* ...the first of them by name, or NULL. */
    bool mcast_snooping;     /* Bridge.mcast_snooping_enable. */
    size_t n_proto_guests;   /* Guest ports that run a link protocol... */
    char *proto_guest;       /* ...the first of them by name, or NULL... */
    unsigned proto_bits;     /* ...its protocols (enum vg_link_proto)... */
    uint64_t proto_fp;       /* ...and a hash of every such port and its
                              * protocols, 0 if none: logged on change. */
    size_t n_sampler_guests; /* Guest ports that are sampling targets... */
    char *sampler_guest;     /* ...the first of them, or NULL... */
    char *sampler;           /* ..."KIND TARGET" of its target... */
    uint64_t sampler_fp;     /* ...and a hash of every such pair, 0 if
                              * none: logged when it changes. */
    size_t n_mirror_guests;  /* Guest ports that get a mirror's copies... */
    char *mirror_guest;      /* ...the first of them by name, or NULL... */
    char *mirror_name;       /* ...and the (first) mirror that copies to it. */
    uint64_t mirror_fp;      /* Hash of every (mirror, guest port) pair and
                              * of how the mirror gets there, 0 if none:
                              * logged when it changes. */
    struct vg_timer *fail_mode_timer; /* Checks fail_mode after connect. */
    struct vg_timer *trim_timer;      /* release_memory__() after a
                                       * read-back or transactions
                                       * (trim_later__()). */
    struct eng_port *ports;           /* Sorted by name. */
    size_t n_ports;
    struct by_ofport__ *by_ofport; /* Ports with an ofport, sorted by it. */
    size_t n_by_ofport;
    uint64_t bridge_fp; /* Fingerprint of the bridge group. */
    struct ofconn *conn;
    uint32_t readback_xid;         /* Read-back in progress, or 0. */
    bool recheck;                  /* The monitor reported flows of ours
                                    * deleted: the read-back in progress
                                    * tells whether someone else did it
                                    * (recheck__()). */
    uint32_t frags_xid;            /* Fragment handling read or set... */
    bool frags_set;                /* ...set (frags_send__()). */
    uint32_t monitor_xid;          /* Flow monitor request, or 0. */
    bool monitor_paused;           /* Between PAUSED and RESUMED. */
    uint64_t foreign_removed;      /* Foreign flows deleted (all time). */
    uint64_t foreign_unlogged;     /* Deleted since the last log line. */
    double foreign_logged_at;      /* When the last log line was written. */
    bool synced;                   /* 'installed' reflects the switch. */
    bool claims_read;              /* A read-back has told who had each
                                    * MAC (claims_from_switch__()). */
    struct installed__ *installed; /* Sorted by cookie. */
    size_t n_installed;
    struct eng_txn *txn; /* In flight, or NULL. */
    bool solo;           /* Retry failed batches one group at a time. */
    /* Groups the switch refused to add (OFPFMFC_TABLE_FULL under a
     * Flow_Table limit, say), as they were wanted then: the bridge group
     * and VLAN groups here, ports in their 'failed_fp'.  Not sent again
     * until 'refused_retry' fires (DESIGN.md, "Failure behaviour"). */
    struct refusal__ *refused;
    size_t n_refused;
    struct vg_timer *refused_retry; /* Forgets the refusals. */
    double refused_backoff;         /* Seconds before the next retry. */
    double refused_at;              /* When it was last started. */
    bool ours;    /* One of the bridge's controllers reaches vifguardd. */
    bool ctl_any; /* The bridge has a controller at all. */
    uint32_t next_bundle_id;
    struct eng_group *macs; /* MAC groups, from the ports. */
    size_t n_macs;
    struct eng_group *vlans; /* VLAN groups, rebuilt by reconcile__(). */
    size_t n_vlans;
    uint8_t *nf;                 /* NF_PORTS enum nf_state, or NULL. */
    uint8_t *nf_gen;             /* NF_PORTS: bumped by nf_reset__(). */
    uint8_t *nf_op_gen;          /* 'nf_gen' of each port of 'nf_op' when
                                  * it started. */
    struct noflood_session *nfs; /* Its NO_FLOOD connection, or NULL. */
    struct noflood *nf_op;       /* NO_FLOOD operation in flight, or NULL. */
    struct sw_port__ *sw_ports;  /* From PORT_STATUS, sorted by port. */
    size_t n_sw_ports;
    char *nf_error;            /* Why NO_FLOOD failed last, or NULL. */
    struct vg_timer *nf_retry; /* Retries a failed NO_FLOOD operation. */
    double nf_backoff;         /* Seconds before the next retry. */
    struct bondlearn *bl;      /* Learning frames for its bonds. */

    /* NORMAL's MAC table (fdb.h). */
    uint8_t *fdb;               /* NF_PORTS enum fdb_state, or NULL. */
    uint8_t *fdb_gen;           /* NF_PORTS: bumped on turning dirty. */
    bool fdb_due;               /* Some port may be FDB_DUE. */
    struct fdb_op *fdb_op;      /* In flight, or NULL. */
    uint32_t *fdb_op_ports;     /* Its ports, as nf_index__(), */
    uint8_t *fdb_op_gen;        /* their 'fdb_gen' when it started, */
    size_t fdb_op_n;            /* and how many. */
    struct vg_timer *fdb_retry; /* Retries a failed operation. */
    double fdb_backoff;         /* Seconds before the next retry. */
};

/* A connection whose datapath id no bridge of OVSDB has (yet). */
struct eng_orphan {
    struct ofconn *conn;
    double since; /* vg_now() at its handshake. */
};

struct engine {
    enum vg_mode default_mode;
    char *ovsdb_remote; /* Locates the bridges' management sockets. */
    bool (*is_guest_name)(const char *, void *);
    void *aux;
    struct eng_bridge **bridges;
    size_t n_bridges;
    struct eng_orphan *orphans;    /* Connected, datapath id not in OVSDB */
    size_t n_orphans;              /* yet. */
    struct vg_timer *orphan_timer; /* Drops those that wait too long. */
    struct vg_stats stats;
    double started;
    char **own_targets; /* Controller targets of engine_set_listeners(). */
    size_t n_own_targets;

    const struct vg_host *host;  /* The last engine_set_host(). */
    const struct vg_xs_view *xs; /* xenstore policy, or NULL. */
    bool xs_required;            /* Hold guests closed while 'xs' is NULL. */
};

static struct vg_ratelimit rl = VG_RATELIMIT_INIT(5, 20);
static struct vg_ratelimit conflict_rl = VG_RATELIMIT_INIT(5, 20);
/* "held closed": the policy values in an error message come from whoever
 * may write them (a cloud's tenant, a guest's xenstore node), as often as
 * they like.  vifguard-ctl vifs always shows every port's reason. */
static struct vg_ratelimit closed_rl = VG_RATELIMIT_INIT(5, 20);

static void reconcile__(struct eng_bridge *);
static void retry_in__(struct vg_timer **, vg_timer_cb *, struct eng_bridge *,
                       double secs);
static void backoff_next__(double *backoff, double max);
static void refusals_clear__(struct eng_bridge *);
static void check_stp__(struct eng_bridge *, const struct vg_bridge *);
static void check_mirrors__(struct eng_bridge *, const struct vg_bridge *);
static void check_link_protos__(struct eng_bridge *, const struct vg_bridge *);
static void check_samplers__(struct engine *, struct eng_bridge *,
                             const struct vg_bridge *);
static void fdb_note__(struct eng_bridge *, const struct eng_port *,
                       uint64_t fp);
static void fdb_reset__(struct eng_bridge *);
static void fdb_kick__(struct eng_bridge *);

/* Seconds between two log lines about foreign flows on one bridge: whatever
 * keeps re-adding flows fights a losing battle (each deletion is one cheap
 * flow mod), but must not flood the log. */
#define FOREIGN_LOG_INTERVAL 10.0

/* Seconds without a transaction before the heap is trimmed (see
 * trim_later__()). */
#define TRIM_IDLE 1.0

/* Open vSwitch's own internal table (TBL_INTERNAL: bond recirculation and
 * the like).  It is hidden and read-only for controllers: nothing anyone
 * adds over OpenFlow lands there, and nothing can be deleted from it, but
 * the flow monitor reports its changes. */
#define OVS_TBL_INTERNAL 254

/* Seconds a connection waits for its datapath id to show up in OVSDB.  The
 * update that names a new bridge's datapath id follows its connection
 * within milliseconds; a peer that claims an id OVSDB never shows (a
 * ptcp: client that is no switch) must not hold a connection forever.  A
 * real switch whose bridge shows up later reconnects by itself. */
#define ORPHAN_TIMEOUT 10.0
/* Connections that may wait so at once (a host has no more bridges than
 * that connecting at the same moment); more are closed at once. */
#define MAX_ORPHANS 64

struct engine *
engine_create(enum vg_mode default_mode, const char *ovsdb_remote,
              bool (*is_guest_name)(const char *, void *), void *aux)
{
    struct engine *e = ofp_xcalloc(1, sizeof *e);
    e->default_mode = default_mode;
    e->ovsdb_remote = ofp_xstrdup(ovsdb_remote);
    e->is_guest_name = is_guest_name;
    e->aux = aux;
    e->started = vg_now_exact();
    return e;
}

static void
port_destroy__(struct eng_port *p)
{
    free(p->name);
    free(p->error);
    vg_policy_destroy(&p->policy);
    free(p->conflict);
}

static void
txn_destroy__(struct eng_txn *txn)
{
    if (txn) {
        free(txn->groups);
        free(txn);
    }
}

/* Frees the compiled flows kept in 'grp', if any. */
static void
group_uncache__(struct eng_group *grp)
{
    if (grp->compiled) {
        vg_flow_group_destroy(grp->compiled);
        free(grp->compiled);
        grp->compiled = NULL;
    }
}

static void
groups_destroy__(struct eng_group *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].members);
        vg_vlan_view_destroy(&v[i].view);
        group_uncache__(&v[i]);
    }
    free(v);
}

static void
bridge_destroy__(struct eng_bridge *br)
{
    fdb_cancel(br->fdb_op);
    vg_timer_destroy(br->fdb_retry);
    free(br->fdb);
    free(br->fdb_gen);
    free(br->fdb_op_ports);
    free(br->fdb_op_gen);
    noflood_session_destroy(br->nfs); /* With 'nf_op'. */
    vg_timer_destroy(br->nf_retry);
    vg_timer_destroy(br->refused_retry);
    refusals_clear__(br);
    free(br->refused);
    free(br->nf);
    free(br->nf_gen);
    free(br->nf_op_gen);
    free(br->nf_error);
    free(br->sw_ports);
    groups_destroy__(br->macs, br->n_macs);
    groups_destroy__(br->vlans, br->n_vlans);
    for (size_t i = 0; i < br->n_ports; i++) {
        port_destroy__(&br->ports[i]);
    }
    free(br->ports);
    free(br->by_ofport);
    free(br->installed);
    txn_destroy__(br->txn);
    vg_timer_destroy(br->fail_mode_timer);
    bondlearn_destroy(br->bl);
    vg_timer_destroy(br->trim_timer);
    free(br->name);
    free(br->fail_mode);
    free(br->stp_guest);
    free(br->proto_guest);
    free(br->sampler_guest);
    free(br->sampler);
    free(br->in_band);
    free(br->other_ctl);
    free(br->mirror_guest);
    free(br->mirror_name);
    free(br);
}

static void
free_own_targets__(struct engine *e)
{
    for (size_t i = 0; i < e->n_own_targets; i++) {
        free(e->own_targets[i]);
    }
    free(e->own_targets);
    e->own_targets = NULL;
    e->n_own_targets = 0;
}

void
engine_destroy(struct engine *e)
{
    if (e) {
        for (size_t i = 0; i < e->n_bridges; i++) {
            bridge_destroy__(e->bridges[i]);
        }
        free(e->bridges);
        free(e->orphans);
        vg_timer_destroy(e->orphan_timer);
        free_own_targets__(e);
        free(e->ovsdb_remote);
        free(e);
    }
}

/* Maps an OVSDB ofport to an OpenFlow 1.3 port number, or 0 if it is not a
 * usable port number (unassigned [], failed -1, out of range). */
static uint32_t
ofp_port_from_ovsdb__(int64_t ofport)
{
    if (ofport == OVSDB_OFPORT_LOCAL) {
        return OFPP_LOCAL;
    }
    return ofport > 0 && ofport < OVSDB_OFPORT_MAX ? (uint32_t)ofport : 0;
}

/* Works out where the frames of 'iface' come from (flows.h: vg_port_ctx):
 * its access VLAN, or trunk; and for a trusted bond member, whether it is the
 * bond's active member (DESIGN.md, "Bonds"). */
static void
port_ctx__(const struct vg_bridge *sb, const struct vg_iface *iface,
           bool guest, struct vg_port_ctx *ctx)
{
    bool access = (iface->tag >= 0 && !iface->trunks &&
                   (!iface->vlan_mode || !iface->vlan_mode[0] ||
                    !strcmp(iface->vlan_mode, "access")));

    ctx->vlan = access ? iface->tag : guest ? 0 : -1;
    ctx->native = 0;
    if (!access && iface->tag >= 0 && iface->vlan_mode &&
        !strncmp(iface->vlan_mode, "native-", 7)) {
        ctx->native = iface->tag;
    }
    ctx->source = VG_SOURCE_TRUSTED;
    if (guest || iface->n_port_ifaces < 2) {
        return;
    }
    const char *mode = iface->bond_mode && iface->bond_mode[0]
                           ? iface->bond_mode
                           : "active-backup";
    if (!strcmp(mode, "balance-tcp") && iface->lacp_current) {
        /* LACP negotiated on this member: it collects, like every other
         * such member.  Without (no partner: lacp-fallback-ab makes the
         * bond active-backup; a member that is not collecting), the rule
         * below applies. */
        return;
    }
    /* Members sharing the active member's MAC: only the lowest-numbered of
     * them counts as active (bondlearn.c), so that no broadcast is
     * delivered twice. */
    uint32_t ofp = ofp_port_from_ovsdb__(iface->ofport);
    bool active =
        ofp && ofp == vg_bond_active_ofport(sb, iface->port_name, NULL);
    if (!active) {
        /* Not the active member (or not known yet: mac_in_use is ephemeral):
         * unicast only.  Not dropped entirely, even for active-backup
         * (where NORMAL would), so that a failover while vifguardd is down
         * leaves the new active member working for unicast. */
        ctx->source = VG_SOURCE_TRUSTED_UNICAST;
    }
}

/* Returns NULL if guest interface 'iface''s port is an access port (a tag,
 * vlan_mode empty or access) or untagged (no tag, vlan_mode empty or
 * trunk), the two VLAN settings the guests' delivery can follow, else a
 * static description of what its port has.  Any other setting puts the
 * guest's frames in another VLAN for NORMAL than the one vifguard would
 * deliver to it (native-untagged, dot1q-tunnel, trunks). */
static const char *
guest_vlan_unsupported__(const struct vg_iface *iface)
{
    const char *mode = iface->vlan_mode ? iface->vlan_mode : "";
    if (iface->trunks) {
        return "Port.trunks";
    }
    if (iface->tag >= 0) {
        return !mode[0] || !strcmp(mode, "access") ? NULL : "Port.vlan_mode";
    }
    return !mode[0] || !strcmp(mode, "trunk") ? NULL : "Port.vlan_mode";
}

static bool
is_guest__(const struct engine *e, const struct vg_iface *iface)
{
    return (vg_kv_get(iface->external_ids, iface->n_external_ids,
                      "attached-mac") ||
            (e->is_guest_name && e->is_guest_name(iface->name, e->aux)));
}

/* Compiles the flow group of 'p' into 'g' (initialized by the caller). */
static void
compile_port__(const struct eng_port *p, struct vg_flow_group *g)
{
    if (p->guest) {
        vg_flows_guest(p->ofp_port, &p->policy, &p->ctx, g);
    } else {
        vg_flows_trusted(p->ofp_port, &p->ctx, g);
    }
}

static uint64_t
port_fingerprint__(const struct eng_port *p)
{
    struct vg_flow_group g;
    vg_flow_group_init(&g, vg_cookie(VG_COOKIE_PORT, p->ofp_port));
    compile_port__(p, &g);
    uint64_t fp = vg_flow_group_fingerprint(&g);
    vg_flow_group_destroy(&g);
    return fp;
}

static struct eng_bridge *
find_bridge__(const struct engine *e, const char *name)
{
    for (size_t i = 0; i < e->n_bridges; i++) {
        if (!strcmp(e->bridges[i]->name, name)) {
            return e->bridges[i];
        }
    }
    return NULL;
}

static const struct eng_port *
find_port__(const struct eng_bridge *br, const char *name)
{
    size_t lo = 0, hi = br->n_ports;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(br->ports[mid].name, name);
        if (!c) {
            return &br->ports[mid];
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

static int
sw_port_cmp__(const void *a_, const void *b_)
{
    const struct sw_port__ *a = a_, *b = b_;
    return (a->ofp_port > b->ofp_port) - (a->ofp_port < b->ofp_port);
}

/* The switch's port 'ofp_port' of 'br', or NULL. */
static struct sw_port__ *
sw_port_find__(const struct eng_bridge *br, uint32_t ofp_port)
{
    struct sw_port__ key = { .ofp_port = ofp_port };
    return br->n_sw_ports ? bsearch(&key, br->sw_ports, br->n_sw_ports,
                                    sizeof key, sw_port_cmp__)
                          : NULL;
}

/* The OpenFlow port number of interface 'name' of 'br' as the switch
 * announced it, or 0. */
static uint32_t
sw_port_by_name__(const struct eng_bridge *br, const char *name)
{
    if (strlen(name) > OFP_MAX_PORT_NAME_LEN) {
        return 0; /* Its OpenFlow name is truncated: not a sure match. */
    }
    for (size_t i = 0; i < br->n_sw_ports; i++) {
        if (!strcmp(br->sw_ports[i].name, name)) {
            return br->sw_ports[i].stale ? 0 : br->sw_ports[i].ofp_port;
        }
    }
    return 0;
}

/* Marks the switch's ports named 'name' stale (struct sw_port__). */
static void
sw_port_forget_name__(struct eng_bridge *br, const char *name)
{
    for (size_t i = 0; i < br->n_sw_ports; i++) {
        if (!strcmp(br->sw_ports[i].name, name)) {
            br->sw_ports[i].stale = true;
        }
    }
}

/* Builds the engine's view of one interface, reusing the fingerprint of
 * 'old' (the same interface in the previous snapshot) when nothing that
 * affects its flows changed. */
static void
build_port__(struct engine *e, const struct eng_bridge *br,
             const struct vg_bridge *sb, const struct vg_iface *iface,
             const struct eng_port *old, struct eng_port *p, double now)
{
    memset(p, 0, sizeof *p);
    p->name = ofp_xstrdup(iface->name);
    memcpy(p->uuid, iface->uuid, sizeof p->uuid);
    p->ofp_port = ofp_port_from_ovsdb__(iface->ofport);
    if (!p->ofp_port) {
        /* ovs-vswitchd may have announced it already. */
        p->ofp_port = sw_port_by_name__(br, iface->name);
        p->sw_ofport = p->ofp_port != 0;
    }
    p->guest = is_guest__(e, iface);
    p->mac = SIZE_MAX;
    vg_policy_init(&p->policy);
    port_ctx__(sb, iface, p->guest, &p->ctx);
    /* A port new in this update starts both clocks; a port whose ofport
     * changed is a new port in ovs-vswitchd and needs its bit again. */
    p->since = old ? old->since : now;
    p->nf_since = old ? old->nf_since : now;
    if (old && p->ofp_port && old->ofp_port != p->ofp_port && !p->nf_since) {
        p->nf_since = now;
    }

    const char *vlan_why = p->guest ? guest_vlan_unsupported__(iface) : NULL;
    if (vlan_why) {
        /* Not a policy of its own: held closed, whatever the policy says. */
        p->source = VG_N_PSRC;
        p->error = ofp_xasprintf(
            "%s=%s%s: a guest port must be an access port (tag, vlan_mode "
            "access) or untagged (no tag, vlan_mode trunk), without trunks",
            vlan_why, iface->trunks ? "[...]" : iface->vlan_mode,
            iface->tag >= 0 ? " with a tag" : "");
        if (!old || !old->error || strcmp(old->error, p->error)) {
            vg_log_rl(&closed_rl, SUBSYS, VG_LOG_WARN,
                      "%s: port %s held closed: %s", br->name, p->name,
                      p->error);
        }
    } else if (p->guest && e->xs_required && !e->xs) {
        /* Their policy may be in xenstore: do not guess from OVSDB. */
        p->source = VG_N_PSRC;
        p->xs_wait = true;
        p->error = ofp_xstrdup("waiting for xenstore: "
                               "not read yet");
    } else if (p->guest) {
        char *err = NULL;
        if (vg_policy_resolve(iface, e->xs, e->default_mode, &p->policy,
                              &p->source, &p->conflict, &err)) {
            p->error = err;
            if (!old || !old->error || strcmp(old->error, err)) {
                vg_log_rl(&closed_rl, SUBSYS, VG_LOG_WARN,
                          "%s: port %s held closed: %s", br->name, p->name,
                          err);
            }
        }
        if (p->conflict &&
            (!old || !old->conflict || strcmp(old->conflict, p->conflict))) {
            vg_log_rl(&conflict_rl, SUBSYS, VG_LOG_WARN,
                      "%s: port %s: policy conflict: %s policy applies; %s",
                      br->name, p->name, vg_policy_source_name(p->source),
                      p->conflict);
        }
    }
    if (!p->guest) {
        p->nf_since = 0; /* No NO_FLOOD bit to wait for. */
    }
    /* Kept while the port keeps its number and MAC, through errors of its
     * own (a policy briefly invalid must not hand its MAC to a squatter). */
    bool has_mac = p->guest && p->policy.has_mac;
    p->held_mac = (has_mac && old && (old->mac != SIZE_MAX || old->held_mac) &&
                   old->ofp_port == p->ofp_port &&
                   !memcmp(old->policy.mac, p->policy.mac, 6));
    /* A claim from the switch made while the port waited for xenstore
     * counts once xenstore has told its MAC (claims_from_switch__()).  No
     * other port can have claimed a MAC meanwhile: they all waited. */
    if (old && old->sw_claim && old->ofp_port == p->ofp_port) {
        if (has_mac) {
            p->held_mac = !memcmp(old->sw_mac, p->policy.mac, 6);
        } else if (p->xs_wait) {
            p->sw_claim = true;
            memcpy(p->sw_mac, old->sw_mac, 6);
        }
    }
    p->want = p->ofp_port && !p->error;
    if (!p->want) {
        if (p->error) {
            p->since = 0; /* Timed again from the update that fixes it. */
        }
        return;
    }
    bool old_refused = old && old->failed_fp && old->failed_fp == old->want_fp;
    if (old && (old->want || old_refused) && old->ofp_port == p->ofp_port &&
        old->guest == p->guest && old->ctx.vlan == p->ctx.vlan &&
        old->ctx.source == p->ctx.source && old->ctx.native == p->ctx.native &&
        (!p->guest || vg_policy_equal(&old->policy, &p->policy))) {
        p->want_fp = old->want_fp;
        p->failed_fp = old->failed_fp;
        if (old->error && p->failed_fp == p->want_fp) {
            p->error = ofp_xstrdup(old->error);
        }
    } else {
        p->want_fp = port_fingerprint__(p);
        if (!p->since) {
            p->since = now;
        }
    }
    if (p->failed_fp && p->failed_fp == p->want_fp) {
        p->want = false; /* Held closed until its policy changes. */
    }
}

/* 64-bit mixing of 'v' into 'h', for group keys. */
static uint64_t
mix__(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h *= 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 31);
}

/* The OVSDB port number of OpenFlow port 'ofp_port' (index into nf). */
static uint32_t
nf_index__(uint32_t ofp_port)
{
    return ofp_port == OFPP_LOCAL ? OVSDB_OFPORT_LOCAL : ofp_port;
}

/* Every guest, whatever its mode, is out of NORMAL's flood set: locked and
 * disabled guests so that they receive only what is delivered to them,
 * unlocked ones so that they do not receive the locked guests' frames to
 * unknown destinations (DESIGN.md, "Forwarding to guests"). */
static bool
wants_noflood__(const struct eng_port *p)
{
    return p->guest && p->want;
}

/* True if ports named 'a' and 'b' are the tapD.N and vifD.N of one HVM
 * guest (in either order). */
static bool
hvm_pair__(const char *a, const char *b)
{
    if (!strncmp(a, "vif", 3)) {
        const char *t = a;
        a = b;
        b = t;
    }
    return (!strncmp(a, "tap", 3) && !strncmp(b, "vif", 3) &&
            !strcmp(a + 3, b + 3));
}

static int
mac_order__(const void *a_, const void *b_, void *ports_)
{
    const struct eng_port *ports = ports_;
    const struct eng_port *a = &ports[*(const size_t *)a_];
    const struct eng_port *b = &ports[*(const size_t *)b_];
    int c = memcmp(a->policy.mac, b->policy.mac, 6);
    return c ? c : (a->ofp_port > b->ofp_port) - (a->ofp_port < b->ofp_port);
}

static uint64_t group_fp__(const struct eng_bridge *br,
                           const struct eng_group *grp, bool mac);

/* Compares pairs of uint64_t, for qsort(). */
static int
u64_pair_cmp__(const void *a_, const void *b_)
{
    const uint64_t *a = a_, *b = b_;
    return a[0] != b[0] ? (a[0] > b[0]) - (a[0] < b[0])
                        : (a[1] > b[1]) - (a[1] < b[1]);
}

/* Sets the fingerprint of MAC group 'grp': the one of the group with the
 * same cookie and key among the 'n_old' previous groups 'old' (with the
 * VLAN view it was computed with), or else computed afresh without a view
 * (build_vlans__() then adds its view).  'by_cookie' holds a (cookie,
 * index) pair for each of 'old', sorted. */
static void
reuse_mac__(const struct eng_bridge *br, struct eng_group *grp,
            const struct eng_group *old, const uint64_t *by_cookie,
            size_t n_old)
{
    size_t lo = 0, hi = n_old;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (by_cookie[2 * mid] < grp->cookie) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    grp->vgroup = SIZE_MAX;
    for (; lo < n_old && by_cookie[2 * lo] == grp->cookie; lo++) {
        const struct eng_group *o = &old[by_cookie[2 * lo + 1]];
        if (o->key == grp->key) {
            grp->fp = o->fp;
            grp->in_view = o->in_view;
            grp->vkey = o->vkey;
            return;
        }
    }
    grp->in_view = false;
    grp->fp = group_fp__(br, grp, true);
}

/* True if the 'n' ports 'v' (indexes into br->ports, sorted by number) may
 * carry one MAC group: one port, or the tapD.N and vifD.N of an HVM guest
 * with one policy. */
static bool
macs_share__(const struct eng_bridge *br, const size_t *v, size_t n)
{
    if (n == 2) {
        const struct eng_port *a = &br->ports[v[0]], *b = &br->ports[v[1]];
        return (hvm_pair__(a->name, b->name) &&
                vg_policy_equal(&a->policy, &b->policy));
    }
    return n == 1;
}

/* Builds the MAC groups of 'br' from its ports: one per guest MAC, carried
 * by one port or by the tapD.N/vifD.N pair of an HVM guest, and one without
 * flows for each unlocked guest without a MAC.  Any other sharing of a MAC
 * is a conflict that holds closed the ports that did not have the MAC's
 * group before ('held_mac'; all of them if none or several did).
 * Fingerprints are reused from the previous groups when the inputs are the
 * same.  May be called again on the same ports (with other 'held_mac'). */
static void
build_macs__(struct eng_bridge *br)
{
    size_t *idx = ofp_xcalloc(br->n_ports ? br->n_ports : 1, sizeof *idx);
    size_t n = 0, n_macless = 0;

    for (size_t i = 0; i < br->n_ports; i++) {
        struct eng_port *p = &br->ports[i];
        /* Built again on the same ports (claims_from_switch__()): undo
         * the previous build's conflicts. */
        p->mac = SIZE_MAX;
        if (p->mac_closed) {
            free(p->error);
            p->error = NULL;
            p->want = true;
            p->mac_closed = false;
        }
        if (wants_noflood__(p) && p->policy.mode == VG_MODE_UNLOCKED &&
            !p->policy.has_mac) {
            n_macless++;
        } else if (wants_noflood__(p) || (p->guest && p->held_mac)) {
            /* A holder held closed by an error of its own still claims its
             * MAC (it gets no group). */
            idx[n++] = i;
        }
    }
    qsort_r(idx, n, sizeof *idx, mac_order__, br->ports);

    struct eng_group *old = br->macs;
    size_t n_old = br->n_macs;
    uint64_t *by_cookie = ofp_xcalloc(2 * n_old + 2, sizeof *by_cookie);
    for (size_t i = 0; i < n_old; i++) {
        by_cookie[2 * i] = old[i].cookie;
        by_cookie[2 * i + 1] = i;
    }
    qsort(by_cookie, n_old, 2 * sizeof *by_cookie, u64_pair_cmp__);
    br->macs = ofp_xcalloc(n + n_macless + 1, sizeof *br->macs);
    br->n_macs = 0;
    for (size_t i = 0; i < br->n_ports && n_macless; i++) {
        const struct eng_port *p = &br->ports[i];
        if (wants_noflood__(p) && p->policy.mode == VG_MODE_UNLOCKED &&
            !p->policy.has_mac) {
            struct eng_group *grp = &br->macs[br->n_macs++];
            grp->cookie = vg_cookie(VG_COOKIE_MAC, p->ofp_port);
            grp->macless = true;
            grp->port = i;
            grp->vlan = (uint16_t)(p->ctx.vlan > 0 ? p->ctx.vlan : 0);
            grp->n_ports = 1;
            grp->ports[0] = p->ofp_port;
            grp->key = mix__(mix__(p->want_fp, grp->vlan), p->ofp_port);
            grp->vgroup = SIZE_MAX;
        }
    }
    for (size_t i = 0; i < n;) {
        size_t run = 1;
        while (i + run < n && !memcmp(br->ports[idx[i + run]].policy.mac,
                                      br->ports[idx[i]].policy.mac, 6)) {
            run++;
        }
        /* The ports that get the MAC group: all of the run if they may
         * share it, else those that had it (a newcomer claiming a protected
         * guest's MAC, by mistake or to take it down, is the one held
         * closed), else none. */
        size_t keep[2], n_keep = 0;
        if (macs_share__(br, &idx[i], run)) {
            for (size_t k = 0; k < run; k++) {
                keep[n_keep++] = idx[i + k];
            }
        } else {
            size_t held[2], n_held = 0;
            for (size_t k = 0; k < run; k++) {
                if (br->ports[idx[i + k]].held_mac && n_held < 2) {
                    held[n_held++] = idx[i + k];
                } else if (br->ports[idx[i + k]].held_mac) {
                    n_held = 0; /* More than two: none of them. */
                    break;
                }
            }
            if (n_held && macs_share__(br, held, n_held)) {
                memcpy(keep, held, n_held * sizeof *keep);
                n_keep = n_held;
            }
        }
        for (size_t k = 0; k < run; k++) {
            struct eng_port *p = &br->ports[idx[i + k]];
            if ((n_keep > 0 && keep[0] == idx[i + k]) ||
                (n_keep > 1 && keep[1] == idx[i + k]) || !p->want) {
                continue;
            }
            free(p->error);
            p->error = ofp_xasprintf(
                "MAC %02x:%02x:%02x:%02x:%02x:%02x is on %zu ports that "
                "are not one HVM guest's tap and vif%s",
                p->policy.mac[0], p->policy.mac[1], p->policy.mac[2],
                p->policy.mac[3], p->policy.mac[4], p->policy.mac[5], run,
                n_keep ? "; it stays with the port that had it" : "");
            p->want = false;
            p->mac_closed = true;
        }
        i += run;
        /* Only the ports that may have flows get the group. */
        size_t n_wanting = 0;
        for (size_t k = 0; k < n_keep; k++) {
            if (br->ports[keep[k]].want) {
                keep[n_wanting++] = keep[k];
            }
        }
        n_keep = n_wanting;
        if (!n_keep) {
            continue;
        }
        const struct eng_port *first = &br->ports[keep[0]];
        struct eng_group *grp = &br->macs[br->n_macs++];
        grp->cookie = vg_cookie(VG_COOKIE_MAC, first->ofp_port);
        grp->disabled = first->policy.mode == VG_MODE_DISABLED;
        grp->port = keep[0];
        grp->vlan = (uint16_t)(first->ctx.vlan > 0 ? first->ctx.vlan : 0);
        grp->n_ports = n_keep;
        grp->key = mix__(first->want_fp, grp->vlan);
        for (size_t k = 0; k < n_keep; k++) {
            br->ports[keep[k]].mac = br->n_macs - 1;
            grp->ports[k] = br->ports[keep[k]].ofp_port;
            grp->key = mix__(grp->key, grp->ports[k]);
        }
        reuse_mac__(br, grp, old, by_cookie, n_old);
    }
    groups_destroy__(old, n_old);
    free(by_cookie);
    free(idx);
}

static int
by_ofport_cmp__(const void *a_, const void *b_)
{
    const struct by_ofport__ *a = a_, *b = b_;
    if (a->ofp_port != b->ofp_port) {
        return a->ofp_port < b->ofp_port ? -1 : 1;
    }
    return (a->index > b->index) - (a->index < b->index);
}

/* Returns the index of the 'n' ports 'ports' that have an OpenFlow port
 * number, sorted by it (malloc'd; '*n_idx' entries). */
static struct by_ofport__ *
index_ports__(const struct eng_port *ports, size_t n, size_t *n_idx)
{
    struct by_ofport__ *idx = ofp_xcalloc(n ? n : 1, sizeof *idx);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (ports[i].ofp_port) {
            idx[k++] = (struct by_ofport__){ ports[i].ofp_port, i };
        }
    }
    qsort(idx, k, sizeof *idx, by_ofport_cmp__);
    *n_idx = k;
    return idx;
}

/* Returns the position of the first entry of 'idx' ('n' entries) with
 * 'ofp_port', or of the first one after it if there is none. */
static size_t
find_ofport__(const struct by_ofport__ *idx, size_t n, uint32_t ofp_port)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (idx[mid].ofp_port < ofp_port) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Returns the port of 'br' with 'ofp_port' (the first, if several claim
 * it), or NULL. */
static struct eng_port *
port_by_ofport__(struct eng_bridge *br, uint32_t ofp_port)
{
    size_t i = find_ofport__(br->by_ofport, br->n_by_ofport, ofp_port);
    return (i < br->n_by_ofport && br->by_ofport[i].ofp_port == ofp_port
                ? &br->ports[br->by_ofport[i].index]
                : NULL);
}

/* Port number 'ofp_port' of 'br' lost its NO_FLOOD bit (it is gone, or a
 * new port in ovs-vswitchd): its state becomes 'state' (NF_UNKNOWN, or
 * NF_GONE when the switch deleted it), and the result of an operation
 * started before does not count (nf_done__()). */
static void
nf_reset__(struct eng_bridge *br, uint32_t ofp_port, enum nf_state state)
{
    if (br->nf) {
        br->nf[nf_index__(ofp_port)] = state;
        br->nf_gen[nf_index__(ofp_port)]++;
    }
}

/* Replaces the ports of 'br' by those of snapshot bridge 'sb'. */
/* Sets '*p' to a copy of 's' (NULL: none) if it differs.  Returns true if
 * it did. */
static bool
set_str__(char **p, const char *s)
{
    if (!*p == !s && (!s || !strcmp(*p, s))) {
        return false;
    }
    free(*p);
    *p = s ? ofp_xstrdup(s) : NULL;
    return true;
}

/* The first controller target of 'sb' that does not reach one of our
 * listeners, or NULL.  Whoever is connected there (or, for a passive
 * ptcp:/punix: target, whoever connects to it) can send frames to any
 * port with PACKET_OUT and change port settings, NO_FLOOD included:
 * nothing our flows can stop. */
static const char *
other_controller__(const struct engine *e, const struct vg_bridge *sb)
{
    for (size_t i = 0; i < sb->n_controllers; i++) {
        if (!vg_config_target_in(sb->controllers[i], e->own_targets,
                                 e->n_own_targets)) {
            return sb->controllers[i];
        }
    }
    return NULL;
}

/* Whether a controller of 'sb' reaches one of our listeners (true if we
 * do not know our listeners). */
static bool
own_controller__(const struct engine *e, const struct vg_bridge *sb)
{
    for (size_t i = 0; i < sb->n_controllers; i++) {
        if (vg_config_target_in(sb->controllers[i], e->own_targets,
                                e->n_own_targets)) {
            return true;
        }
    }
    return !e->n_own_targets;
}

/* Open vSwitch deletes every flow of a bridge that loses its last
 * controller (connmgr_set_controllers()): says so, and what the bridge
 * does now, when vifguardd is no longer among its controllers. */
static void
log_not_ours__(const struct eng_bridge *br)
{
    if (br->ctl_any) {
        VG_WARN(SUBSYS,
                "bridge %s: vifguardd is no longer one of its controllers: "
                "another controller has it; vifguard's flows stay as they "
                "are but nothing keeps them (vifguard-attach attach %s)",
                br->name, br->name);
    } else if (!strcmp(br->fail_mode, "secure")) {
        VG_WARN(SUBSYS,
                "bridge %s: vifguardd is no longer one of its controllers: "
                "Open vSwitch deleted every flow, and with fail_mode=secure "
                "it forwards nothing (vifguard-attach attach %s)",
                br->name, br->name);
    } else {
        VG_ERR(SUBSYS,
               "bridge %s: vifguardd is no longer one of its controllers: "
               "Open vSwitch deleted every flow; with fail_mode=%s it is a "
               "learning switch: guests are NOT protected (vifguard-attach "
               "attach %s)",
               br->name, br->fail_mode[0] ? br->fail_mode : "standalone",
               br->name);
    }
}

static void
update_bridge__(struct engine *e, struct eng_bridge *br,
                const struct vg_bridge *sb, double now)
{
    /* The previous port of each interface, by name: the snapshot's
     * interfaces and 'br->ports' are both sorted by name with no duplicate
     * (model.h), so one merge matches them. */
    const struct eng_port **olds =
        ofp_xcalloc(sb->n_ifaces ? sb->n_ifaces : 1, sizeof *olds);
    bool *kept = ofp_xcalloc(br->n_ports ? br->n_ports : 1, sizeof *kept);
    for (size_t i = 0, j = 0; i < sb->n_ifaces; i++) {
        const char *name = sb->ifaces[i].name;
        int c = -1;
        while (j < br->n_ports && (c = strcmp(br->ports[j].name, name)) < 0) {
            j++;
        }
        if (j < br->n_ports && !c) {
            olds[i] = &br->ports[j];
            kept[j++] = true;
        }
    }

    /* What the switch announced under the name of an interface that OVSDB
     * now shows new, replaced or gone may be the old port. */
    for (size_t i = 0; i < sb->n_ifaces; i++) {
        if (!olds[i] || strcmp(olds[i]->uuid, sb->ifaces[i].uuid)) {
            sw_port_forget_name__(br, sb->ifaces[i].name);
        }
    }
    for (size_t j = 0; j < br->n_ports; j++) {
        if (!kept[j]) {
            sw_port_forget_name__(br, br->ports[j].name);
        }
    }
    free(kept);

    /* In the snapshot's order: sorted by name, as find_port__() needs. */
    struct eng_port *ports =
        ofp_xcalloc(sb->n_ifaces ? sb->n_ifaces : 1, sizeof *ports);
    for (size_t i = 0; i < sb->n_ifaces; i++) {
        build_port__(e, br, sb, &sb->ifaces[i], olds[i], &ports[i], now);
    }
    free(olds);

    /* Two interfaces claiming one port number: neither gets flows. */
    size_t n_idx;
    struct by_ofport__ *idx = index_ports__(ports, sb->n_ifaces, &n_idx);
    for (size_t i = 0; i + 1 < n_idx; i++) {
        struct eng_port *a = &ports[idx[i].index];
        struct eng_port *b = &ports[idx[i + 1].index];
        if (a->ofp_port != b->ofp_port) {
            continue;
        }
        for (size_t k = 0; k < 2; k++) {
            struct eng_port *p = k ? b : a;
            free(p->error);
            p->error =
                ofp_xasprintf("ofport %" PRIu32 " is claimed by %s and %s",
                              p->ofp_port, a->name, b->name);
            p->want = false;
        }
    }

    /* A port number that is gone, or now belongs to another interface, has
     * lost its NO_FLOOD bit in ovs-vswitchd. */
    if (br->nf) {
        for (size_t i = 0; i < br->n_ports; i++) {
            const struct eng_port *o = &br->ports[i];
            if (!o->ofp_port) {
                continue;
            }
            bool same = false;
            for (size_t j = find_ofport__(idx, n_idx, o->ofp_port);
                 j < n_idx && idx[j].ofp_port == o->ofp_port && !same; j++) {
                same = !strcmp(ports[idx[j].index].uuid, o->uuid);
            }
            if (!same) {
                /* One the switch deleted stays so until it adds one. */
                bool gone = br->nf[nf_index__(o->ofp_port)] == NF_GONE;
                nf_reset__(br, o->ofp_port, gone ? NF_GONE : NF_UNKNOWN);
            }
        }
    }

    for (size_t i = 0; i < br->n_ports; i++) {
        port_destroy__(&br->ports[i]);
    }
    free(br->ports);
    br->ports = ports;
    br->n_ports = sb->n_ifaces;
    free(br->by_ofport);
    br->by_ofport = idx;
    br->n_by_ofport = n_idx;
    build_macs__(br);

    /* Bridge.datapath_id is ephemeral in OVSDB: after an ovsdb-server
     * restart it reads 0 until ovs-vswitchd writes it again.  Keep the one
     * we know. */
    if (sb->dpid) {
        br->dpid = sb->dpid;
    }
    if (set_str__(&br->fail_mode, sb->fail_mode ? sb->fail_mode : "")) {
        br->warned_fail_mode = false;
    }
    if (set_str__(&br->in_band, sb->in_band)) {
        br->warned_in_band = false;
    }
    if (set_str__(&br->other_ctl, other_controller__(e, sb))) {
        br->warned_other = false;
    }
    bool ours = own_controller__(e, sb);
    br->ctl_any = sb->n_controllers > 0;
    if (br->ours && !ours && !br->conn) {
        log_not_ours__(br); /* Disconnected before OVSDB told why. */
    }
    br->ours = ours;
    check_stp__(br, sb);
    check_link_protos__(br, sb);
    check_mirrors__(br, sb);
}

/* Spanning tree and multicast snooping act before any flow, so no flow of
 * vifguard's can keep a guest out of them (DESIGN.md, "Limits"): notes
 * which guest ports of 'br' (whose ports were just built from 'sb') take
 * part in the bridge's STP or RSTP, and warns when that set grows or
 * multicast snooping is turned on. */
static void
check_stp__(struct eng_bridge *br, const struct vg_bridge *sb)
{
    size_t n = 0;
    const char *first = NULL;
    for (size_t i = 0; i < sb->n_ifaces; i++) {
        const struct vg_iface *iface = &sb->ifaces[i];
        if (br->ports[i].guest &&
            ((sb->stp && !iface->stp_off) || (sb->rstp && !iface->rstp_off))) {
            first = first ? first : iface->port_name;
            n++;
        }
    }
    if (n > br->n_stp_guests) {
        vg_log_rl(&rl, SUBSYS, VG_LOG_WARN,
                  "bridge %s: %zu guest port(s) take part in %s (%s%s): a "
                  "guest's BPDUs reach Open vSwitch's spanning tree before "
                  "any flow (it can become the root bridge); ovs-vsctl set "
                  "port %s other_config:%s=false on every guest port",
                  br->name, n, sb->rstp ? "RSTP" : "STP", first,
                  n > 1 ? ", ..." : "", first,
                  sb->rstp ? "rstp-enable" : "stp-enable");
    }
    br->n_stp_guests = n;
    free(br->stp_guest);
    br->stp_guest = first ? ofp_xstrdup(first) : NULL;
    if (sb->mcast_snooping && !br->mcast_snooping) {
        VG_WARN(SUBSYS,
                "bridge %s: multicast snooping is on: Open vSwitch delivers "
                "a multicast group's traffic to every guest that joins it, "
                "NO_FLOOD or not",
                br->name);
    }
    br->mcast_snooping = sb->mcast_snooping;
}

/* Folds string 's' and its terminating NUL into FNV-1a hash 'h'. */
static uint64_t
hash_str__(uint64_t h, const char *s)
{
    do {
        h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
    } while (*s++);
    return h;
}

/* The command that turns link protocol 'bit' off on 'iface'. */
static char *
link_proto_off_cmd__(unsigned bit, const struct vg_iface *iface)
{
    switch (bit) {
    case VG_LP_LACP:
        return ofp_xasprintf("ovs-vsctl set port %s lacp=off",
                             iface->port_name);
    case VG_LP_CFM:
        return ofp_xasprintf("ovs-vsctl clear interface %s cfm_mpid",
                             iface->name);
    case VG_LP_BFD:
        return ofp_xasprintf("ovs-vsctl remove interface %s bfd enable",
                             iface->name);
    default:
        return ofp_xasprintf("ovs-vsctl remove interface %s lldp enable",
                             iface->name);
    }
}

/* LACP, CFM, BFD and LLDP, where Open vSwitch runs them on a port, act
 * before any flow like spanning tree (DESIGN.md, "Limits"): ovs-vswitchd
 * takes such a frame from the port into the protocol's state machine, in
 * its slow path.  Notes which guest ports of 'br' (whose ports were just
 * built from 'sb') run one, and warns whenever that set changes. */
static void
check_link_protos__(struct eng_bridge *br, const struct vg_bridge *sb)
{
    size_t n = 0;
    const struct vg_iface *first = NULL;
    uint64_t fp = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < sb->n_ifaces; i++) {
        const struct vg_iface *iface = &sb->ifaces[i];
        if (br->ports[i].guest && iface->link_protos) {
            first = first ? first : iface;
            fp = hash_str__(fp, iface->name) ^ iface->link_protos;
            n++;
        }
    }
    if (!n) {
        fp = 0;
    }
    if (fp && fp != br->proto_fp) {
        char names[64];
        unsigned bit = first->link_protos & -first->link_protos;
        char *cmd = link_proto_off_cmd__(bit, first);
        vg_log_rl(&rl, SUBSYS, VG_LOG_WARN,
                  "bridge %s: %zu guest port(s) run a link protocol in Open "
                  "vSwitch (%s: %s%s): ovs-vswitchd takes the guest's "
                  "frames of it before any flow, one upcall each, and lets "
                  "them set the protocol's state on the port; %s",
                  br->name, n, first->name,
                  vg_link_proto_names(first->link_protos, names, sizeof names),
                  n > 1 ? "; ..." : "", cmd);
        free(cmd);
    }
    br->proto_fp = fp;
    br->n_proto_guests = n;
    br->proto_bits = first ? first->link_protos : 0;
    free(br->proto_guest);
    br->proto_guest = first ? ofp_xstrdup(first->name) : NULL;
}

/* sFlow, NetFlow and IPFIX send what they sample of every port of a bridge
 * (packet headers, flow records) to their targets, through the host's own
 * network stack (DESIGN.md, "Limits"): notes the locked guests, on any
 * bridge, whose policy holds a target of 'sb' (the snapshot of 'br'), and
 * warns when that set changes.  A WARN, not an error: a collector VM may
 * be meant. */
static void
check_samplers__(struct engine *e, struct eng_bridge *br,
                 const struct vg_bridge *sb)
{
    size_t n = 0;
    uint64_t fp = UINT64_C(0xcbf29ce484222325);
    const struct eng_port *first = NULL;
    const struct vg_sampler *first_s = NULL;
    for (size_t i = 0; sb && i < sb->n_samplers; i++) {
        const struct vg_sampler *smp = &sb->samplers[i];
        uint8_t addr[16];
        int af = vg_target_addr(smp->target, addr);
        for (size_t j = 0; af && j < e->n_bridges; j++) {
            const struct eng_bridge *b = e->bridges[j];
            for (size_t k = 0; k < b->n_ports; k++) {
                const struct eng_port *p = &b->ports[k];
                if (p->guest && p->want && p->policy.mode == VG_MODE_LOCKED &&
                    vg_policy_has_addr(&p->policy, af, addr)) {
                    first = first ? first : p;
                    first_s = first_s ? first_s : smp;
                    fp = hash_str__(
                        hash_str__(hash_str__(fp, smp->kind), smp->target),
                        p->name);
                    n++;
                }
            }
        }
    }
    if (!n) {
        fp = 0;
    }
    if (fp && fp != br->sampler_fp) {
        VG_WARN(SUBSYS,
                "bridge %s: %s sends what it samples of the bridge's "
                "traffic to %s, an address of guest port %s%s: that guest "
                "gets other guests' %s (remove the target unless it is "
                "meant)",
                br->name, first_s->kind, first_s->target, first->name,
                n > 1 ? " (and more)" : "",
                strcmp(first_s->kind, "sFlow") ? "flow records"
                                               : "packet headers");
    }
    br->sampler_fp = fp;
    br->n_sampler_guests = n;
    free(br->sampler_guest);
    free(br->sampler);
    br->sampler_guest = first ? ofp_xstrdup(first->name) : NULL;
    br->sampler = first_s
                      ? ofp_xasprintf("%s %s", first_s->kind, first_s->target)
                      : NULL;
}

/* Port mirroring acts outside the OpenFlow tables (DESIGN.md, "Limits"):
 * a mirror copies what it selects to its output port, or floods it to its
 * output VLAN, whatever vifguard's flows and NO_FLOOD say.  Notes which
 * guest ports of 'br' (whose ports were just built from 'sb') get such
 * copies and logs each mirror that sends them, once per change of the
 * mirrors and guest ports concerned: a WARN, not an error, since a mirror
 * to an IDS VM may be meant. */
static void
check_mirrors__(struct eng_bridge *br, const struct vg_bridge *sb)
{
    if (!sb->n_mirrors && !br->mirror_fp) {
        return;
    }

    /* Per interface, the first mirror that copies to it (+1), or 0; per
     * mirror, how many guest ports it copies to and the first of them. */
    size_t *by = ofp_xcalloc(sb->n_ifaces ? sb->n_ifaces : 1, sizeof *by);
    size_t *n_m = ofp_xcalloc(sb->n_mirrors ? sb->n_mirrors : 1, sizeof *n_m);
    const char **guest_m =
        ofp_xcalloc(sb->n_mirrors ? sb->n_mirrors : 1, sizeof *guest_m);
    uint64_t fp = UINT64_C(0xcbf29ce484222325);
    for (size_t j = 0; j < sb->n_mirrors; j++) {
        const struct vg_mirror *m = &sb->mirrors[j];
        for (size_t i = 0; i < sb->n_ifaces; i++) {
            const struct vg_iface *iface = &sb->ifaces[i];
            if (br->ports[i].guest && vg_mirror_outputs_to(m, iface)) {
                by[i] = by[i] ? by[i] : j + 1;
                guest_m[j] = guest_m[j] ? guest_m[j] : iface->port_name;
                n_m[j]++;
                fp = hash_str__(hash_str__(fp, m->name), iface->name);
                fp = (fp ^ (uint64_t)(m->output_vlan + 1) ^
                      (uint64_t)m->select_all << 16) *
                     UINT64_C(0x100000001b3);
            }
        }
    }
    size_t n = 0;
    const char *first = NULL, *first_mirror = NULL;
    for (size_t i = 0; i < sb->n_ifaces; i++) {
        if (by[i] && !n++) {
            first = sb->ifaces[i].port_name;
            first_mirror = sb->mirrors[by[i] - 1].name;
        }
    }
    if (!n) {
        fp = 0;
    }

    for (size_t j = 0; fp != br->mirror_fp && j < sb->n_mirrors; j++) {
        const struct vg_mirror *m = &sb->mirrors[j];
        if (!n_m[j]) {
            continue;
        }
        const char *what =
            (m->select_all ? "every frame that enters or leaves the "
                             "bridge's ports (select_all)"
                           : "the frames of the ports it selects");
        if (m->output_port[0]) {
            VG_WARN(SUBSYS,
                    "bridge %s: mirror %s outputs to guest port %s: Open "
                    "vSwitch copies it %s, whatever vifguard's flows and "
                    "NO_FLOOD say (and drops all the guest sends); unless "
                    "that is meant (an IDS), remove it: ovs-vsctl -- "
                    "--id=@m get mirror %s -- remove bridge %s mirrors @m",
                    br->name, m->name, guest_m[j], what, m->name, br->name);
        } else {
            VG_WARN(SUBSYS,
                    "bridge %s: mirror %s floods copies of %s to VLAN %d "
                    "(output_vlan), which %zu guest port(s) carry (%s%s): "
                    "they get them, NO_FLOOD or not; unless that is meant, "
                    "remove it: ovs-vsctl -- --id=@m get mirror %s -- "
                    "remove bridge %s mirrors @m",
                    br->name, m->name, what, m->output_vlan, n_m[j],
                    guest_m[j], n_m[j] > 1 ? ", ..." : "", m->name, br->name);
        }
    }
    if (!n && br->mirror_fp) {
        VG_INFO(SUBSYS,
                "bridge %s: no mirror sends copies to a guest port any more",
                br->name);
    }
    br->mirror_fp = fp;
    br->n_mirror_guests = n;
    free(br->mirror_guest);
    br->mirror_guest = first ? ofp_xstrdup(first) : NULL;
    free(br->mirror_name);
    br->mirror_name = first_mirror ? ofp_xstrdup(first_mirror) : NULL;
    free(by);
    free(n_m);
    free(guest_m);
}

/* Logs, once per change, the bridge settings that unprotect the guests of
 * 'br' while it is connected: a fail_mode other than secure, in-band
 * control (ovsdb.c, in_band_remote__()) and another controller. */
static void
warn_bridge_config__(struct eng_bridge *br)
{
    if (br->conn && strcmp(br->fail_mode, "secure") && !br->warned_fail_mode) {
        VG_ERR(SUBSYS,
               "bridge %s: fail_mode is \"%s\", not \"secure\": "
               "every guest is UNPROTECTED whenever vifguardd is "
               "disconnected (ovs-vsctl set bridge %s fail_mode=secure)",
               br->name, br->fail_mode[0] ? br->fail_mode : "standalone",
               br->name);
        br->warned_fail_mode = true;
    }
    if (br->conn && br->in_band && !br->warned_in_band) {
        VG_ERR(SUBSYS,
               "bridge %s: in-band control is on (for %s): Open vSwitch's "
               "hidden in-band flows send a guest's ARP and TCP frames that "
               "match them to NORMAL before any vifguard flow, forged "
               "source MAC and all (ovs-vsctl set bridge %s "
               "other_config:disable-in-band=true, or connection_mode="
               "out-of-band on that controller or manager)",
               br->name, br->in_band, br->name);
        br->warned_in_band = true;
    }
    if (br->conn && br->other_ctl && !br->warned_other) {
        VG_WARN(SUBSYS,
                "bridge %s: has another controller, %s: whoever is "
                "connected there can send frames to any port, guests "
                "included, and change port settings such as NO_FLOOD; "
                "vifguard-attach attach %s makes vifguardd its only "
                "controller",
                br->name, br->other_ctl, br->name);
        br->warned_other = true;
    }
}

static void attach_conn__(struct eng_bridge *br, struct ofconn *conn);

static void
bondlearn_kick__(void *br)
{
    reconcile__(br);
}

static void
fail_mode_timer_cb__(struct vg_timer *t, void *br)
{
    (void)t;
    warn_bridge_config__(br);
}

void
engine_set_listeners(struct engine *e, char *const *listen, size_t n)
{
    free_own_targets__(e);
    e->own_targets = n ? ofp_xcalloc(n, sizeof *e->own_targets) : NULL;
    for (size_t i = 0; i < n; i++) {
        e->own_targets[i] = vg_config_listen_target(listen[i]);
    }
    e->n_own_targets = n;
}

void
engine_set_xenstore(struct engine *e, const struct vg_xs_view *xs,
                    bool required)
{
    e->xs = xs;
    e->xs_required = required;
}

void
engine_set_host(struct engine *e, const struct vg_host *host)
{
    /* The loop's time of this wakeup: when the update was received, before
     * the snapshot was built. */
    double now = vg_now();

    e->stats.ovsdb_updates++;
    e->host = host;

    /* Bridges gone from OVSDB. */
    for (size_t i = 0; i < e->n_bridges;) {
        struct eng_bridge *br = e->bridges[i];
        if (!vg_host_find_bridge(host, br->name)) {
            VG_INFO(SUBSYS, "bridge %s removed", br->name);
            if (br->conn) {
                ofconn_close(br->conn, "bridge removed from OVSDB");
            }
            bridge_destroy__(br);
            e->bridges[i] = e->bridges[--e->n_bridges];
        } else {
            i++;
        }
    }

    for (size_t i = 0; i < host->n_bridges; i++) {
        const struct vg_bridge *sb = &host->bridges[i];
        struct eng_bridge *br = find_bridge__(e, sb->name);
        if (!br) {
            br = ofp_xcalloc(1, sizeof *br);
            br->engine = e;
            br->name = ofp_xstrdup(sb->name);
            struct vg_flow_group g;
            vg_flow_group_init(&g, vg_cookie(VG_COOKIE_BRIDGE, 0));
            vg_flows_bridge(&g);
            br->bridge_fp = vg_flow_group_fingerprint(&g);
            vg_flow_group_destroy(&g);
            e->bridges = ofp_xrealloc(e->bridges,
                                      (e->n_bridges + 1) * sizeof *e->bridges);
            e->bridges[e->n_bridges++] = br;
        }
        update_bridge__(e, br, sb, now);
        if (!br->bl) {
            br->bl = bondlearn_create(br->name, bondlearn_kick__, br);
        }
        bondlearn_set_bridge(br->bl, sb);
        if (br->conn && sb->dpid && ofconn_dpid(br->conn) != sb->dpid) {
            ofconn_close(br->conn, "datapath id changed");
        }
    }

    /* Connections waiting for their bridge to show up in OVSDB. */
    for (size_t i = 0; i < e->n_orphans;) {
        struct ofconn *conn = e->orphans[i].conn;
        const struct vg_bridge *sb =
            vg_host_find_dpid(host, ofconn_dpid(conn));
        if (sb) {
            e->orphans[i] = e->orphans[--e->n_orphans];
            attach_conn__(find_bridge__(e, sb->name), conn);
        } else {
            i++;
        }
    }

    for (size_t i = 0; i < e->n_bridges; i++) {
        struct eng_bridge *br = e->bridges[i];
        check_samplers__(e, br, vg_host_find_bridge(host, br->name));
        warn_bridge_config__(br);
        reconcile__(br);
    }
}

/* Installed state. */

static int
installed_cmp__(const void *a_, const void *b_)
{
    const struct installed__ *a = a_, *b = b_;
    return a->cookie < b->cookie ? -1 : a->cookie > b->cookie;
}

static struct installed__ *
installed_find__(const struct eng_bridge *br, uint64_t cookie)
{
    struct installed__ key = { cookie, 0 };
    return br->n_installed ? bsearch(&key, br->installed, br->n_installed,
                                     sizeof *br->installed, installed_cmp__)
                           : NULL;
}

/* Records that the switch holds group 'cookie' with fingerprint 'fp' (or
 * nothing, if '!present').  Leaves 'installed' unsorted: call
 * installed_sort__() before the next look-up. */
static void
installed_put__(struct eng_bridge *br, uint64_t cookie, uint64_t fp,
                bool present)
{
    for (size_t i = 0; i < br->n_installed; i++) {
        if (br->installed[i].cookie == cookie) {
            if (present) {
                br->installed[i].fp = fp;
            } else {
                br->installed[i] = br->installed[--br->n_installed];
            }
            return;
        }
    }
    if (present) {
        br->installed = ofp_xrealloc(br->installed, (br->n_installed + 1) *
                                                        sizeof *br->installed);
        br->installed[br->n_installed].cookie = cookie;
        br->installed[br->n_installed].fp = fp;
        br->n_installed++;
    }
}

static void
installed_sort__(struct eng_bridge *br)
{
    if (br->n_installed > 1) {
        qsort(br->installed, br->n_installed, sizeof *br->installed,
              installed_cmp__);
    }
}

/* Transactions. */

/* The port whose port group has 'cookie', or NULL. */
static struct eng_port *
port_by_cookie__(struct eng_bridge *br, uint64_t cookie)
{
    if ((cookie & ~(uint64_t)UINT32_MAX) != vg_cookie(VG_COOKIE_PORT, 0)) {
        return NULL;
    }
    return port_by_ofport__(br, (uint32_t)cookie);
}

static void release_memory__(size_t n_flows);
static void trim_later__(struct eng_bridge *, double after);

static void
txn_reply_cb__(struct ofconn *conn, const struct ofconn_reply *r, void *br_)
{
    struct eng_bridge *br = br_;
    struct eng_txn *txn = br->txn;
    (void)conn;

    if (!txn) {
        return;
    }
    if (r->kind == OFPK_ERROR) {
        if (!txn->error) {
            txn->error = r->error ? r->error : OFPERR_OFPBFC_UNKNOWN;
        }
        br->engine->stats.ofp_errors++;
    } else if (r->kind == OFPK_BUNDLE_CONTROL) {
        struct ofp_bundle_ctrl bc;
        if (!ofp_bundle_ctrl_decode(r->msg, r->len, &bc) &&
            bc.type == OFPBCT_COMMIT_REPLY) {
            txn->committed = true;
        }
    }
}

/* Refusals. */

#define REFUSED_MAX_BACKOFF 60.0 /* Seconds between retries, at most. */

/* Forgets the bridge and VLAN groups the switch refused. */
static void
refusals_clear__(struct eng_bridge *br)
{
    for (size_t i = 0; i < br->n_refused; i++) {
        free(br->refused[i].msg);
    }
    br->n_refused = 0;
}

static struct vg_ratelimit refused_rl = VG_RATELIMIT_INIT(5, 20);

/* The index in 'br->refused' of the refusal of group 'cookie' (the bridge
 * group or a VLAN group) since the last retry, or SIZE_MAX.  There is one
 * per group at most; its 'fp' says which version was refused last. */
static size_t
refusal_find__(const struct eng_bridge *br, uint64_t cookie)
{
    for (size_t i = 0; i < br->n_refused; i++) {
        if (br->refused[i].cookie == cookie) {
            return i;
        }
    }
    return SIZE_MAX;
}

/* Forgets the refusal of group 'cookie', which the switch now holds. */
static void
refusal_forget__(struct eng_bridge *br, uint64_t cookie)
{
    size_t i = refusal_find__(br, cookie);
    if (i != SIZE_MAX) {
        free(br->refused[i].msg);
        br->refused[i] = br->refused[--br->n_refused];
    }
}

/* Whether the switch refused group 'cookie' with fingerprint 'fp'. */
static bool
refused__(const struct eng_bridge *br, uint64_t cookie, uint64_t fp)
{
    size_t i = refusal_find__(br, cookie);
    return i != SIZE_MAX && br->refused[i].fp == fp;
}

/* The message of the refusal of group 'cookie', whatever version was
 * refused, or NULL. */
static const char *
refusal_msg__(const struct eng_bridge *br, uint64_t cookie)
{
    size_t i = refusal_find__(br, cookie);
    return i != SIZE_MAX ? br->refused[i].msg : NULL;
}

/* The retry: forgets every refusal of 'br' and tries again. */
static void
refused_retry_cb__(struct vg_timer *t, void *br_)
{
    struct eng_bridge *br = br_;
    struct engine *e = br->engine;
    (void)t;
    refusals_clear__(br);
    bool ports = false;
    for (size_t i = 0; i < br->n_ports; i++) {
        struct eng_port *p = &br->ports[i];
        if (p->failed_fp) {
            p->failed_fp = 0; /* Not carried over by build_port__(). */
            ports = true;
        }
    }
    const struct vg_bridge *sb =
        e->host ? vg_host_find_bridge(e->host, br->name) : NULL;
    if (ports && sb) {
        /* Built again, with every check (a port number claimed twice...),
         * not just reopened. */
        update_bridge__(e, br, sb, vg_now());
    }
    reconcile__(br);
}

/* Notes that the switch refused group 'g' of 'br' ('why'), which the
 * engine retries with a backoff of 1 to 60 s: the ports it belongs to are
 * held closed meanwhile (port and MAC groups), VLAN groups are deleted
 * (their guests get none of the VLAN's fan-out rather than a stale one),
 * and while the bridge group is refused nothing else is added. */
static void
refuse__(struct eng_bridge *br, const struct txn_group__ *g, const char *why)
{
    unsigned kind = g->cookie >> 40 & 0xff;
    char *msg = ofp_xasprintf(
        "switch refused %s: %s%s",
        kind == VG_COOKIE_PORT   ? "its flows"
        : kind == VG_COOKIE_MAC  ? "its delivery flows"
        : kind == VG_COOKIE_VLAN ? "the fan-out flows of its VLAN"
                                 : "the bridge's flows",
        why,
        strstr(why, "TABLE_FULL") ? " (a Flow_Table flow_limit on the bridge?)"
                                  : "");
    if (!br->refused_retry || !vg_timer_active(br->refused_retry)) {
        /* One step per retry, not per group of a burst; from 1 s again
         * after two quiet minutes. */
        double now = vg_now();
        if (now - br->refused_at > 2 * REFUSED_MAX_BACKOFF) {
            br->refused_backoff = 0;
        }
        backoff_next__(&br->refused_backoff, REFUSED_MAX_BACKOFF);
        retry_in__(&br->refused_retry, refused_retry_cb__, br,
                   br->refused_backoff);
        br->refused_at = now;
    }

    size_t n_closed = 0;
    for (size_t i = 0; i < br->n_ports; i++) {
        struct eng_port *p = &br->ports[i];
        /* Only if the group is still what was refused: an update since
         * may have changed it, and the new version is tried next. */
        bool hit = false;
        if (kind == VG_COOKIE_PORT) {
            hit = p->want &&
                  vg_cookie(VG_COOKIE_PORT, p->ofp_port) == g->cookie &&
                  p->want_fp == g->fp;
        } else if (kind == VG_COOKIE_MAC) {
            hit = p->want && p->mac != SIZE_MAX &&
                  br->macs[p->mac].cookie == g->cookie &&
                  br->macs[p->mac].fp == g->fp;
        }
        if (hit) {
            vg_log_rl(&refused_rl, SUBSYS, VG_LOG_ERR,
                      "bridge %s: port %s held closed: %s; retried in %g s",
                      br->name, p->name, msg, br->refused_backoff);
            p->failed_fp = p->want_fp;
            p->want = false;
            free(p->error);
            p->error = ofp_xstrdup(msg);
            n_closed++;
        }
    }
    if (kind == VG_COOKIE_BRIDGE || kind == VG_COOKIE_VLAN) {
        vg_log_rl(&refused_rl, SUBSYS, VG_LOG_ERR,
                  "bridge %s: %s (cookie %#" PRIx64 "); %s; retried in %g s",
                  br->name, msg, g->cookie,
                  kind == VG_COOKIE_BRIDGE
                      ? "no guest can be protected until it is installed"
                      : "the VLAN's guests get none of its broadcasts and "
                        "multicasts meanwhile",
                  br->refused_backoff);
        /* One per group: the version refused last. */
        size_t i = refusal_find__(br, g->cookie);
        if (i != SIZE_MAX) {
            free(br->refused[i].msg);
        } else {
            br->refused = ofp_xrealloc(br->refused, (br->n_refused + 1) *
                                                        sizeof *br->refused);
            i = br->n_refused++;
        }
        br->refused[i] = (struct refusal__){ g->cookie, g->fp, msg };
        return;
    }
    if (!n_closed) {
        VG_DBG(SUBSYS,
               "bridge %s: group %#" PRIx64 " refused, but it changed or "
               "its port is gone since",
               br->name, g->cookie);
    }
    free(msg);
}

static void
txn_barrier_cb__(struct ofconn *conn, const struct ofconn_reply *r, void *br_)
{
    struct eng_bridge *br = br_;
    struct engine *e = br->engine;
    struct eng_txn *txn = br->txn;
    double now = vg_now_exact();

    if (!txn || r->kind != OFPK_BARRIER_REPLY) {
        return;
    }
    ofconn_forget(conn, txn->xid);
    ofconn_forget(conn, txn->barrier_xid);
    br->txn = NULL;

    if (txn->committed && !txn->error) {
        e->stats.bundles_committed++;
        vg_latency_record(&e->stats.commit, now - txn->sent);
        for (size_t i = 0; i < txn->n_groups; i++) {
            struct txn_group__ *g = &txn->groups[i];
            installed_put__(br, g->cookie, g->fp, !g->deleted);
            if (!g->deleted) {
                refusal_forget__(br, g->cookie);
            }
            struct eng_port *p = port_by_cookie__(br, g->cookie);
            if (p && !g->deleted) {
                fdb_note__(br, p, g->fp);
            }
            if (p && !g->deleted && p->want && p->want_fp == g->fp &&
                p->since) {
                vg_latency_record(&e->stats.plug, now - p->since);
                p->since = 0;
            }
        }
        installed_sort__(br);
    } else {
        e->stats.bundles_failed++;
        const char *why =
            txn->error ? ofp_strerror(txn->error) : "bundle not committed";
        if (txn->n_groups > 1) {
            VG_WARN(SUBSYS,
                    "bridge %s: bundle of %zu groups failed (%s); "
                    "retrying one group at a time",
                    br->name, txn->n_groups, why);
            br->solo = true;
        } else if (txn->n_groups == 1) {
            struct txn_group__ *g = &txn->groups[0];
            if (g->deleted) {
                /* Deleting never needs room: the switch is not what we
                 * think it is. */
                VG_ERR(SUBSYS,
                       "bridge %s: cannot remove flows of cookie "
                       "%#" PRIx64 ": %s; reconnecting",
                       br->name, g->cookie, why);
                txn_destroy__(txn);
                ofconn_close(conn, "flow removal failed");
                return;
            }
            refuse__(br, g, why);
        }
    }
    size_t n_flows = txn->n_flows;
    txn_destroy__(txn);
    release_memory__(n_flows);
    trim_later__(br, TRIM_IDLE);
    reconcile__(br);
}

/* Appends to 'b' the bundle message carrying the flow_mod 'fm'. */
static void
bundle_add_flow__(struct eng_txn *txn, const struct ofp_flow_mod *fm,
                  struct ofp_buf *b, struct ofp_buf *scratch)
{
    ofp_buf_clear(scratch);
    if (ofp_flow_mod_encode(fm, txn->xid, scratch)) {
        /* The compiler produced something libofp refuses: a bug.  Leave it
         * out; the fingerprint will not match and the port stays pending. */
        VG_ERR(SUBSYS, "internal error: flow cannot be encoded");
        return;
    }
    struct ofp_bundle_add add = { .bundle_id = txn->bundle_id,
                                  .flags = OFPBF_ATOMIC | OFPBF_ORDERED,
                                  .msg = scratch->data,
                                  .msg_len = scratch->size };
    ofp_bundle_add_encode(OFP13_VERSION, &add, txn->xid, b);
}

/* Appends the deletion of every flow with 'cookie' to the bundle. */
static void
bundle_delete_group__(struct eng_txn *txn, uint64_t cookie, struct ofp_buf *b,
                      struct ofp_buf *scratch)
{
    struct ofp_flow_mod fm;
    ofp_flow_mod_init(&fm);
    fm.command = OFPFC_DELETE;
    fm.table_id = OFPTT_ALL;
    fm.cookie = cookie;
    fm.cookie_mask = UINT64_MAX;
    bundle_add_flow__(txn, &fm, b, scratch);
    ofp_flow_mod_uninit(&fm);
}

static void
txn_add_group__(struct eng_txn *txn, uint64_t cookie, uint64_t fp,
                bool deleted)
{
    txn->groups =
        ofp_xrealloc(txn->groups, (txn->n_groups + 1) * sizeof *txn->groups);
    struct txn_group__ *g = &txn->groups[txn->n_groups++];
    g->cookie = cookie;
    g->fp = fp;
    g->deleted = deleted;
}

/* Adds the removal of group 'cookie' to 'txn'.  Returns the flow mods it
 * takes (1). */
static size_t
txn_delete__(struct eng_txn *txn, uint64_t cookie, struct ofp_buf *b,
             struct ofp_buf *scratch)
{
    bundle_delete_group__(txn, cookie, b, scratch);
    txn_add_group__(txn, cookie, 0, true);
    return 1;
}

/* After the large, short-lived buffers of a transaction or read-back of
 * 'n_flows' flows (a cold start, a reconnection): returns the free memory at
 * the top of the heap to the system, so that the daemon's footprint is what
 * it keeps, not its peak. */
static void
release_memory__(size_t n_flows)
{
#ifdef HAVE_MALLOC_TRIM
    if (n_flows >= 1000) {
        malloc_trim(0);
    }
#else
    (void)n_flows;
#endif
}

/* Adds the replacement of 'g' (compiled flows) to the bundle. */
static size_t
txn_replace__(struct eng_txn *txn, struct vg_flow_group *g, uint64_t fp,
              struct ofp_buf *b, struct ofp_buf *scratch)
{
    bundle_delete_group__(txn, g->cookie, b, scratch);
    for (size_t i = 0; i < g->n; i++) {
        bundle_add_flow__(txn, &g->flows[i], b, scratch);
    }
    txn_add_group__(txn, g->cookie, fp, false);
    return g->n + 1;
}

/* The deliveries of the members of VLAN group 'grp' of 'br', malloc'd. */
static struct vg_delivery *
vlan_deliveries__(const struct eng_bridge *br, const struct eng_group *grp)
{
    struct vg_delivery *d =
        ofp_xcalloc(grp->n_members ? grp->n_members : 1, sizeof *d);
    for (size_t i = 0; i < grp->n_members; i++) {
        const struct eng_group *m = &br->macs[grp->members[i]];
        d[i] = (struct vg_delivery){ &br->ports[m->port].policy, m->vlan,
                                     m->ports, m->n_ports };
    }
    return d;
}

/* Compiles MAC group (if 'mac') or VLAN group 'grp' of 'br' into 'g'. */
static void
compile_group__(const struct eng_bridge *br, const struct eng_group *grp,
                bool mac, struct vg_flow_group *g)
{
    if (mac && grp->macless) {
        return; /* No flows of its own. */
    }
    if (!mac) {
        struct vg_delivery *d = vlan_deliveries__(br, grp);
        vg_deliver_vlan(grp->vlan, d, grp->n_members, &grp->view, g);
        free(d);
    } else if (grp->disabled) {
        vg_deliver_disabled(br->ports[grp->port].policy.mac, g);
    } else {
        struct vg_delivery d = { &br->ports[grp->port].policy, grp->vlan,
                                 grp->ports, grp->n_ports };
        vg_deliver_guest(
            &d, grp->vgroup != SIZE_MAX ? &br->vlans[grp->vgroup].view : NULL,
            g);
    }
}

static uint64_t
group_fp__(const struct eng_bridge *br, const struct eng_group *grp, bool mac)
{
    struct vg_flow_group g;
    vg_flow_group_init(&g, grp->cookie);
    compile_group__(br, grp, mac, &g);
    uint64_t fp = vg_flow_group_fingerprint(&g);
    vg_flow_group_destroy(&g);
    return fp;
}

/* True if port 'p' may have its flows: a locked or disabled guest only once
 * its NO_FLOOD bit is acknowledged. */
static bool
port_ready__(const struct eng_bridge *br, const struct eng_port *p)
{
    return (!wants_noflood__(p) ||
            (br->nf && br->nf[nf_index__(p->ofp_port)] == NF_SET));
}

static bool
mac_ready__(const struct eng_bridge *br, const struct eng_group *grp)
{
    for (size_t i = 0; i < grp->n_ports; i++) {
        if (!br->nf || br->nf[nf_index__(grp->ports[i])] != NF_SET) {
            return false;
        }
    }
    return br->ports[grp->port].want;
}

/* Sets the view and the fingerprint of VLAN group 'grp': those of the group
 * with the same cookie and key among the 'n_old' previous groups 'old'
 * (taking over what that one kept compiled), or else computed afresh, the
 * fingerprint from its compiled flows, which 'grp' keeps for
 * reconcile_flows__(). */
static void
vlan_fp__(struct eng_bridge *br, struct eng_group *grp, struct eng_group *old,
          size_t n_old)
{
    for (size_t k = 0; k < n_old; k++) {
        if (old[k].cookie == grp->cookie && old[k].key == grp->key) {
            grp->view = old[k].view;
            memset(&old[k].view, 0, sizeof old[k].view);
            grp->fp = old[k].fp;
            grp->compiled = old[k].compiled;
            old[k].compiled = NULL;
            return;
        }
    }
    struct vg_delivery *d = vlan_deliveries__(br, grp);
    vg_vlan_view_init(&grp->view, d, grp->n_members);
    free(d);
    struct vg_flow_group *g = ofp_xmalloc(sizeof *g);
    vg_flow_group_init(g, grp->cookie);
    compile_group__(br, grp, false, g);
    grp->fp = vg_flow_group_fingerprint(g);
    grp->compiled = g;
}

/* Rebuilds the VLAN groups of 'br': one per VLAN with a ready locked or
 * unlocked guest, whose members are those guests' MAC groups; then gives
 * the MAC group of each locked member its VLAN's view, and recomputes the
 * fingerprint of each MAC group whose view changed. */
static void
build_vlans__(struct eng_bridge *br)
{
    size_t n = 0;
    uint64_t *pairs = ofp_xcalloc(2 * br->n_macs + 2, sizeof *pairs);

    for (size_t i = 0; i < br->n_macs; i++) {
        struct eng_group *m = &br->macs[i];
        m->vgroup = SIZE_MAX;
        if (!m->disabled && mac_ready__(br, m)) {
            pairs[2 * n] = m->vlan;
            pairs[2 * n + 1] = i;
            n++;
        }
    }
    qsort(pairs, n, 2 * sizeof *pairs, u64_pair_cmp__);

    struct eng_group *old = br->vlans;
    size_t n_old = br->n_vlans;
    struct eng_group *v = ofp_xcalloc(n ? n : 1, sizeof *v);
    size_t n_v = 0;
    for (size_t i = 0; i < n;) {
        struct eng_group *grp = &v[n_v++];
        grp->vlan = (uint16_t)pairs[2 * i];
        grp->cookie = vg_cookie(VG_COOKIE_VLAN, VG_VLAN_CTX(grp->vlan));
        grp->key = grp->vlan;
        grp->members = ofp_xcalloc(n - i, sizeof *grp->members);
        while (i < n && pairs[2 * i] == grp->vlan) {
            size_t m = (size_t)pairs[2 * i + 1];
            grp->members[grp->n_members++] = m;
            grp->key = mix__(grp->key, br->macs[m].key);
            if (br->ports[br->macs[m].port].policy.mode != VG_MODE_UNLOCKED) {
                br->macs[m].vgroup = n_v - 1;
            }
            i++;
        }
        vlan_fp__(br, grp, old, n_old);
    }
    groups_destroy__(old, n_old);
    br->vlans = v;
    br->n_vlans = n_v;
    free(pairs);

    for (size_t i = 0; i < br->n_macs; i++) {
        struct eng_group *m = &br->macs[i];
        bool in_view = m->vgroup != SIZE_MAX;
        uint64_t vkey = in_view ? br->vlans[m->vgroup].view.hash : 0;
        if (m->in_view != in_view || m->vkey != vkey) {
            m->in_view = in_view;
            m->vkey = vkey;
            m->fp = group_fp__(br, m, true);
        }
    }
}

/* A flow group the switch should hold. */
struct want__ {
    uint64_t cookie;
    uint64_t fp;
    enum { W_BRIDGE, W_PORT, W_MAC, W_VLAN } kind;
    size_t index; /* Into the bridge's ports, macs or vlans. */
    bool ready;   /* May be installed now (NO_FLOOD acknowledged).  A group
                   * that is not ready is not installed; what the switch
                   * holds for it stays, unless it is a port group and
                   * differs (then it is deleted). */
};

static int
want_cmp__(const void *a_, const void *b_)
{
    const struct want__ *a = a_, *b = b_;
    return (a->cookie > b->cookie) - (a->cookie < b->cookie);
}

static void
compile_want__(const struct eng_bridge *br, const struct want__ *w,
               struct vg_flow_group *g)
{
    switch (w->kind) {
    case W_BRIDGE:
        vg_flows_bridge(g);
        break;
    case W_PORT:
        compile_port__(&br->ports[w->index], g);
        break;
    case W_MAC:
        compile_group__(br, &br->macs[w->index], true, g);
        break;
    case W_VLAN:
        compile_group__(br, &br->vlans[w->index], false, g);
        break;
    }
}

/* True while some port of 'br' waits for its NO_FLOOD bit.  The VLAN
 * fan-outs then stay as they are, so that they neither lose a guest whose
 * bit is merely being re-checked (after a restart) nor gain one whose bit is
 * not set yet (a new port); and the bridge group is not installed if it is
 * missing (after an ovs-vswitchd restart), so that NORMAL floods to no guest
 * before its bit is set. */
static bool
nf_pending__(const struct eng_bridge *br)
{
    if (br->nf_error) {
        /* NO_FLOOD cannot be set now: the guests concerned stay closed (and
         * say why), the rest of the bridge works. */
        return false;
    }
    for (size_t i = 0; i < br->n_ports; i++) {
        const struct eng_port *p = &br->ports[i];
        if (wants_noflood__(p) &&
            (!br->nf || br->nf[nf_index__(p->ofp_port)] == NF_UNKNOWN)) {
            return true;
        }
    }
    return false;
}

/* Lists every group 'br' should hold, sorted by cookie, and whether each
 * may be installed now. */
static struct want__ *
collect_wants__(struct eng_bridge *br, size_t *np)
{
    size_t max = 1 + br->n_ports + br->n_macs + br->n_vlans;
    struct want__ *w = ofp_xcalloc(max, sizeof *w);
    bool vlans_ready = !nf_pending__(br);
    size_t n = 0;

    /* After a (re)connection nothing may forward, NORMAL included, until
     * every locked guest is out of the flood set. */
    w[n++] = (struct want__){ vg_cookie(VG_COOKIE_BRIDGE, 0), br->bridge_fp,
                              W_BRIDGE, 0, vlans_ready };
    for (size_t i = 0; i < br->n_ports; i++) {
        const struct eng_port *p = &br->ports[i];
        if (p->want) {
            w[n++] =
                (struct want__){ vg_cookie(VG_COOKIE_PORT, p->ofp_port),
                                 p->want_fp, W_PORT, i, port_ready__(br, p) };
        }
    }
    for (size_t i = 0; i < br->n_macs; i++) {
        const struct eng_group *m = &br->macs[i];
        if (br->ports[m->port].want && !m->macless) {
            /* A locked guest's group holds part of its VLAN's delivery
             * (its view): it changes with the VLAN group. */
            bool ready =
                mac_ready__(br, m) && (m->vgroup == SIZE_MAX || vlans_ready);
            w[n++] = (struct want__){ m->cookie, m->fp, W_MAC, i, ready };
        }
    }
    for (size_t i = 0; i < br->n_vlans; i++) {
        w[n++] = (struct want__){ br->vlans[i].cookie, br->vlans[i].fp, W_VLAN,
                                  i, vlans_ready };
    }
    qsort(w, n, sizeof *w, want_cmp__);
    *np = n;
    return w;
}

static void nf_kick__(struct eng_bridge *);

/* Sends whatever 'br' needs to make the switch match its policy, if it is
 * connected, read back and idle. */
static void
reconcile_flows__(struct eng_bridge *br)
{
    if (!br->conn || !br->synced) {
        return;
    }
    nf_kick__(br);
    if (br->txn) {
        return;
    }

    build_vlans__(br);
    size_t n_wants;
    struct want__ *wants = collect_wants__(br, &n_wants);
    struct eng_txn *txn = ofp_xcalloc(1, sizeof *txn);
    struct ofp_buf b, scratch;
    size_t n_flows = 0;
    size_t limit = br->solo ? 1 : SIZE_MAX;
    bool bridge_refused =
        refused__(br, vg_cookie(VG_COOKIE_BRIDGE, 0), br->bridge_fp);

    txn->xid = ofconn_next_xid(br->conn);
    txn->bundle_id = ++br->next_bundle_id;
    ofp_buf_init(&b);
    ofp_buf_init(&scratch);

    for (size_t i = 0; i < n_wants; i++) {
        const struct want__ *w = &wants[i];
        struct installed__ *in = installed_find__(br, w->cookie);
        if (in && in->fp == w->fp) {
            if (w->kind == W_PORT) {
                br->ports[w->index].since = 0; /* Nothing to time. */
            }
            continue;
        }
        if (txn->n_groups >= limit || n_flows >= TXN_MAX_FLOWS) {
            continue;
        }
        if (refused__(br, w->cookie, w->fp)) {
            /* Not again before the retry; a VLAN group's older version
             * goes (refuse__()). */
            if (in && w->kind == W_VLAN) {
                n_flows += txn_delete__(txn, w->cookie, &b, &scratch);
            }
            continue;
        }
        if (!w->ready) {
            /* What the switch holds for a port group that must wait (its
             * NO_FLOOD bit not confirmed) stays only if it is what is
             * wanted: an older version may let the port send what its
             * policy no longer allows, or belong to a departed guest whose
             * port number a newcomer has.  Closed until the bit is set.
             * Not so for the other groups: a MAC group's fingerprint
             * depends on its VLAN's view, which leaves out the guests whose
             * bit is pending (after a restart, all of them), so it differs
             * then whether or not the guest changed; and the bridge and
             * VLAN groups stay (nf_pending__()). */
            if (in && w->kind == W_PORT) {
                n_flows += txn_delete__(txn, w->cookie, &b, &scratch);
            }
            continue;
        }
        if (bridge_refused) {
            /* The other groups are compiled for the bridge group that was
             * refused: none is added until it is in, and what the switch
             * holds of them goes if it is not what is wanted (an older
             * policy, a guest since moved to another VLAN). */
            if (in) {
                n_flows += txn_delete__(txn, w->cookie, &b, &scratch);
            }
            continue;
        }
        VG_DBG(SUBSYS,
               "bridge %s: group %#" PRIx64 ": installed %#" PRIx64
               ", wanted %#" PRIx64,
               br->name, w->cookie, in ? in->fp : 0, w->fp);
        struct vg_flow_group g;
        struct eng_group *vg = w->kind == W_VLAN ? &br->vlans[w->index] : NULL;
        if (vg && vg->compiled && vg->fp == w->fp) {
            /* Compiled by build_vlans__(): take it over. */
            g = *vg->compiled;
            free(vg->compiled);
            vg->compiled = NULL;
        } else {
            vg_flow_group_init(&g, w->cookie);
            compile_want__(br, w, &g);
        }
        n_flows += txn_replace__(txn, &g, w->fp, &b, &scratch);
        vg_flow_group_destroy(&g);
    }

    /* What build_vlans__() compiled and no transaction took (the switch
     * has it already, or it must wait) is not kept: it would double the
     * memory of the VLAN groups. */
    for (size_t i = 0; i < br->n_vlans; i++) {
        group_uncache__(&br->vlans[i]);
    }

    /* Groups on the switch that nobody wants any more (VLAN groups stay
     * while NO_FLOOD is pending: see nf_pending__()). */
    bool vlans_frozen = nf_pending__(br);
    for (size_t i = 0; i < br->n_installed; i++) {
        uint64_t cookie = br->installed[i].cookie;
        struct want__ key = { .cookie = cookie };
        bool vlan = (cookie >> 40 & 0xff) == VG_COOKIE_VLAN;
        if (txn->n_groups >= limit || n_flows >= TXN_MAX_FLOWS) {
            break;
        }
        if (!bsearch(&key, wants, n_wants, sizeof *wants, want_cmp__) &&
            !(vlan && vlans_frozen)) {
            n_flows += txn_delete__(txn, cookie, &b, &scratch);
        }
    }
    free(wants);

    if (!txn->n_groups) {
        br->solo = false;
        txn_destroy__(txn);
        ofp_buf_uninit(&b);
        ofp_buf_uninit(&scratch);
        return;
    }

    /* Wrap the adds in OPEN ... COMMIT and follow with a barrier. */
    struct ofp_buf msgs;
    struct ofp_bundle_ctrl bc = { .bundle_id = txn->bundle_id,
                                  .type = OFPBCT_OPEN_REQUEST,
                                  .flags = OFPBF_ATOMIC | OFPBF_ORDERED };
    ofp_buf_init(&msgs);
    ofp_bundle_ctrl_encode(OFP13_VERSION, &bc, txn->xid, &msgs);
    ofp_buf_put(&msgs, b.data, b.size);
    bc.type = OFPBCT_COMMIT_REQUEST;
    ofp_bundle_ctrl_encode(OFP13_VERSION, &bc, txn->xid, &msgs);
    txn->barrier_xid = ofconn_next_xid(br->conn);
    ofp_empty_encode(OFPT_BARRIER_REQUEST, txn->barrier_xid, &msgs);

    br->txn = txn;
    txn->n_flows = n_flows;
    br->engine->stats.flow_mods_sent += n_flows;
    VG_DBG(SUBSYS, "bridge %s: bundle %" PRIu32 ": %zu groups, %zu flow mods",
           br->name, txn->bundle_id, txn->n_groups, n_flows);
    ofconn_expect(br->conn, txn->xid, txn_reply_cb__, br);
    ofconn_expect(br->conn, txn->barrier_xid, txn_barrier_cb__, br);
    txn->sent = vg_now_exact();
    ofconn_send(br->conn, &msgs);

    ofp_buf_uninit(&msgs);
    ofp_buf_uninit(&b);
    ofp_buf_uninit(&scratch);
}

/* Sends learning frames for the guests' MACs out of each bond's active
 * member, if it changed since they were last sent on this connection
 * (bondlearn.h), once the bridge group is installed: after an ovs-vswitchd
 * restart not before the pipeline is complete, and behind whatever flow
 * changes were already sent on the connection (the new active member's
 * flows, which meet the frames the upstream switch floods back). */
static void
bondlearn_run__(struct eng_bridge *br)
{
    const struct installed__ *in =
        installed_find__(br, vg_cookie(VG_COOKIE_BRIDGE, 0));
    if (!br->bl || !bondlearn_due(br->bl) || !in || in->fp != br->bridge_fp) {
        return;
    }
    struct vg_bondlearn_mac *macs =
        ofp_xcalloc(br->n_ports ? br->n_ports : 1, sizeof *macs);
    size_t n = 0;
    for (size_t i = 0; i < br->n_ports; i++) {
        const struct eng_port *p = &br->ports[i];
        if (p->guest && p->policy.has_mac &&
            p->policy.mode != VG_MODE_DISABLED) {
            memcpy(macs[n].mac, p->policy.mac, 6);
            macs[n].vlan = p->ctx.vlan > 0 ? p->ctx.vlan : 0;
            n++;
        }
    }
    bondlearn_run(br->bl, br->conn, macs, n);
    free(macs);
}

static void
reconcile__(struct eng_bridge *br)
{
    if (!br->conn || !br->synced) {
        return;
    }
    reconcile_flows__(br);
    if (br->conn) {
        bondlearn_run__(br);
        fdb_kick__(br);
    }
}

/* Starts '*timer' (created with 'cb' and 'br' the first time) to fire in
 * 'secs' seconds. */
static void
retry_in__(struct vg_timer **timer, vg_timer_cb *cb, struct eng_bridge *br,
           double secs)
{
    if (!*timer) {
        *timer = vg_timer_create(cb, br);
    }
    vg_timer_start(*timer, secs, 0);
}

/* Stops 'br''s NO_FLOOD retry timer and forgets its backoff. */
static void
nf_retry_cancel__(struct eng_bridge *br)
{
    if (br->nf_retry) {
        vg_timer_stop(br->nf_retry);
    }
    br->nf_backoff = 0;
}

/* Doubles '*backoff' (1 s the first time), up to 'max' seconds. */
static void
backoff_next__(double *backoff, double max)
{
    *backoff = *backoff ? 2 * *backoff : 1;
    if (*backoff > max) {
        *backoff = max;
    }
}

/* NO_FLOOD (DESIGN.md, "Forwarding to guests", item 1). */

static void
nf_retry_cb__(struct vg_timer *t, void *br)
{
    (void)t;
    reconcile__(br);
}

static void
nf_done__(void *br_, int error, const struct noflood_result *res, size_t n)
{
    struct eng_bridge *br = br_;
    bool op_failed = false;

    br->nf_op = NULL;
    for (size_t i = 0; i < n; i++) {
        uint8_t *st = &br->nf[res[i].ofport]; /* An nf_index__(). */
        if (br->nf_gen[res[i].ofport] != br->nf_op_gen[i]) {
            /* Reset while the operation ran: its bit is unknown again, and
             * reconcile__() below asks again. */
            continue;
        }
        if (!res[i].error) {
            *st = res[i].no_flood ? NF_SET : NF_CLEAR;
            struct eng_port *p = port_by_ofport__(
                br, res[i].ofport == OVSDB_OFPORT_LOCAL ? OFPP_LOCAL
                                                        : res[i].ofport);
            /* Timed only if the bit was not set yet: a bit found set
             * (after a restart) closed no window. */
            if (p && res[i].no_flood && res[i].changed && p->nf_since) {
                vg_latency_record(&br->engine->stats.noflood,
                                  vg_now_exact() - p->nf_since);
            }
            if (p && res[i].no_flood) {
                p->nf_since = 0;
            }
        } else if (!res[i].settled) {
            op_failed = true; /* The session failed: retry it later. */
        } else {
            *st = NF_FAILED;
            vg_log_rl(&rl, SUBSYS, VG_LOG_WARN,
                      "bridge %s: NO_FLOOD on port %" PRIu32 " failed: %s",
                      br->name, res[i].ofport, ofp_strerror(res[i].error));
        }
    }
    free(br->nf_error);
    br->nf_error = NULL;
    if (op_failed) {
        br->nf_error =
            error == EPROTONOSUPPORT
                ? ofp_xasprintf("NO_FLOOD could not be set: the bridge does "
                                "not allow OpenFlow 1.0 (add OpenFlow10 to "
                                "its protocols: vifguard-attach attach %s)",
                                br->name)
                : ofp_xasprintf("NO_FLOOD could not be set: %s",
                                ofp_strerror(error));
        backoff_next__(&br->nf_backoff, 30);
        vg_log_rl(&rl, SUBSYS, VG_LOG_WARN, "bridge %s: %s; retrying in %g s",
                  br->name, br->nf_error, br->nf_backoff);
        retry_in__(&br->nf_retry, nf_retry_cb__, br, br->nf_backoff);
    } else {
        br->nf_backoff = 0;
    }
    reconcile__(br);
}

/* The NO_FLOOD session of 'br_' saw another client change port 'ofport'
 * (its bit now 'no_flood'), or, with 'ofport' 0, lost the connection on
 * which it watched.  A guest's bit cleared by someone else (`ovs-ofctl
 * mod-port BR PORT flood`) puts it back into NORMAL's flood set: it is set
 * again at once.  While the watch is lost, no bit can be vouched for:
 * every guest's is confirmed again, on a new, watched connection, a second
 * later (through the retry timer), so that nothing is tried on a socket
 * that is going away: the usual cause is ovs-vswitchd exiting, and then the
 * bridge's controller connection closes too (conn_closed__() stops the
 * timer, if this came first) and the new switch's connection
 * (attach_conn__(), which stops it too) starts the confirmation. */
static void
nf_watch__(void *br_, uint32_t ofport, bool no_flood)
{
    struct eng_bridge *br = br_;

    if (!br->nf || no_flood) {
        return;
    }
    if (!ofport) {
        VG_INFO(SUBSYS,
                "bridge %s: NO_FLOOD connection lost: confirming "
                "every guest's bit again",
                br->name);
        for (size_t i = 0; i < br->n_ports; i++) {
            const struct eng_port *p = &br->ports[i];
            if (p->ofp_port && br->nf[nf_index__(p->ofp_port)] == NF_SET) {
                nf_reset__(br, p->ofp_port, NF_UNKNOWN);
            }
        }
        if (!br->nf_retry || !vg_timer_active(br->nf_retry)) {
            retry_in__(&br->nf_retry, nf_retry_cb__, br, 1);
        }
        return;
    }
    struct eng_port *p = port_by_ofport__(
        br, ofport == OVSDB_OFPORT_LOCAL ? OFPP_LOCAL : ofport);
    uint8_t st = p ? br->nf[nf_index__(p->ofp_port)] : NF_GONE;
    if (!p || !wants_noflood__(p) || st == NF_GONE) {
        return;
    }
    if (st == NF_SET) {
        vg_log_rl(&rl, SUBSYS, VG_LOG_WARN,
                  "bridge %s: port %s: NO_FLOOD cleared by another client "
                  "of the management socket; setting it again",
                  br->name, p->name);
    }
    /* If not set yet, an operation may be setting it, and the change
     * reported (another client's, or the switch's own, such as the link
     * coming up) may have come before or after it: ask again after it. */
    nf_reset__(br, p->ofp_port, NF_UNKNOWN);
    if (!br->nf_op) {
        reconcile__(br); /* Otherwise nf_done__() will. */
    }
}

/* Starts a NO_FLOOD operation for every port of 'br' whose bit is not known
 * to be what it should be, unless one is in flight or waiting to retry. */
static void
nf_kick__(struct eng_bridge *br)
{
    if (br->nf_op || (br->nf_retry && vg_timer_active(br->nf_retry))) {
        return;
    }
    if (!br->nf) {
        br->nf = ofp_xcalloc(NF_PORTS, 1);
        br->nf_gen = ofp_xcalloc(NF_PORTS, 1);
    }
    struct noflood_port *v = ofp_xcalloc(br->n_ports + 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < br->n_ports; i++) {
        const struct eng_port *p = &br->ports[i];
        uint8_t st = p->ofp_port ? br->nf[nf_index__(p->ofp_port)] : 0;
        if (!p->ofp_port || st == NF_FAILED || st == NF_GONE) {
            continue;
        }
        /* Every guest, held closed or not (an error, a refusal): a closed
         * port sends nothing, but NORMAL would still flood to it. */
        bool set = p->guest;
        if ((set && st != NF_SET) || (p->want && !set && st == NF_SET)) {
            /* To set, or no longer a guest: back into the flood set. */
            struct noflood_port *np = &v[n++];
            np->ofport = nf_index__(p->ofp_port);
            np->no_flood = set;
            const struct sw_port__ *sp = sw_port_find__(br, p->ofp_port);
            if (sp) {
                np->has_hw_addr = true;
                memcpy(np->hw_addr, sp->mac, 6);
            }
        }
    }
    if (n) {
        if (!br->nfs) {
            char *path =
                noflood_mgmt_path(br->engine->ovsdb_remote, NULL, br->name);
            br->nfs = noflood_session_create(path);
            noflood_session_watch(br->nfs, nf_watch__, br);
            free(path);
        }
        br->nf_op_gen = ofp_xrealloc(br->nf_op_gen, n);
        for (size_t i = 0; i < n; i++) {
            br->nf_op_gen[i] = br->nf_gen[v[i].ofport];
        }
        br->nf_op = noflood_apply(br->nfs, v, n, nf_done__, br);
    }
    free(v);
}

/* NORMAL's MAC table (DESIGN.md, "NORMAL's MAC table"; src/fdb.h). */

/* True if port 'p' can make NORMAL learn only its own MAC once its port
 * group is installed: a locked guest (source MAC checked in table 0) or a
 * disabled one (sends nothing). */
static bool
fdb_safe__(const struct eng_port *p)
{
    return (p->guest && p->want && p->ofp_port &&
            (p->policy.mode == VG_MODE_LOCKED ||
             p->policy.mode == VG_MODE_DISABLED));
}

static void
fdb_alloc__(struct eng_bridge *br)
{
    if (!br->fdb) {
        br->fdb = ofp_xcalloc(NF_PORTS, 1);
        br->fdb_gen = ofp_xcalloc(NF_PORTS, 1);
    }
}

/* The switch holds 'fp' as the port group of 'p' (acknowledged, read back,
 * or 0 for a group someone else changed). */
static void
fdb_note__(struct eng_bridge *br, const struct eng_port *p, uint64_t fp)
{
    if (!p->ofp_port) {
        return;
    }
    fdb_alloc__(br);
    uint32_t i = nf_index__(p->ofp_port);
    if (fdb_safe__(p) && fp == p->want_fp) {
        if (br->fdb[i] != FDB_CLEAN) {
            br->fdb[i] = FDB_DUE;
            br->fdb_due = true;
        }
    } else if (br->fdb[i] != FDB_DIRTY) {
        br->fdb[i] = FDB_DIRTY;
        br->fdb_gen[i]++; /* An operation under way does not clean it. */
    }
}

/* Forgets everything about 'br''s MAC table (a connection came up or went
 * down: what happened meanwhile is unknown), and abandons an operation. */
static void
fdb_reset__(struct eng_bridge *br)
{
    fdb_cancel(br->fdb_op);
    br->fdb_op = NULL;
    if (br->fdb) {
        memset(br->fdb, FDB_UNKNOWN, NF_PORTS);
    }
    br->fdb_due = false;
    if (br->fdb_retry) {
        vg_timer_stop(br->fdb_retry);
    }
    br->fdb_backoff = 0;
}

static void
fdb_retry_cb__(struct vg_timer *t, void *br)
{
    (void)t;
    fdb_kick__(br);
}

static void
fdb_done__(void *br_, int error, const char *msg, const struct fdb_result *res)
{
    struct eng_bridge *br = br_;
    struct engine *e = br->engine;

    br->fdb_op = NULL;
    if (!error) {
        for (size_t i = 0; i < br->fdb_op_n; i++) {
            uint32_t k = br->fdb_op_ports[i];
            if (br->fdb_gen[k] == br->fdb_op_gen[i] && br->fdb[k] == FDB_DUE) {
                br->fdb[k] = FDB_CLEAN;
            }
        }
        e->stats.mac_entries_removed += res->n_removed;
        if (res->flushed) {
            e->stats.mac_table_flushes++;
            vg_log_rl(&rl, SUBSYS, res->degraded ? VG_LOG_WARN : VG_LOG_INFO,
                      "bridge %s: flushed NORMAL's MAC table for %zu guest "
                      "port(s) just locked or disabled: %s",
                      br->name, br->fdb_op_n, res->flush_reason);
        } else if (res->n_removed) {
            VG_INFO(SUBSYS,
                    "bridge %s: removed %zu MAC table entries learned on "
                    "guest ports before they were locked or disabled",
                    br->name, res->n_removed);
        }
        br->fdb_backoff = 0;
    } else {
        br->fdb_due = true; /* Its ports are still due. */
        backoff_next__(&br->fdb_backoff, 60);
        vg_log_rl(&rl, SUBSYS, VG_LOG_WARN,
                  "bridge %s: cannot remove the MAC table entries learned "
                  "on %zu guest port(s) before they were locked or "
                  "disabled (frames to those MACs may still reach them): "
                  "%s; retrying in %g s",
                  br->name, br->fdb_op_n, msg, br->fdb_backoff);
        retry_in__(&br->fdb_retry, fdb_retry_cb__, br, br->fdb_backoff);
    }
    fdb_kick__(br);
}

/* Starts removing what NORMAL learned on every port of 'br' that is
 * FDB_DUE, unless an operation is in flight or waits to retry: so the
 * transitions acknowledged meanwhile go together in the next one. */
static void
fdb_kick__(struct eng_bridge *br)
{
    if (!br->fdb_due || br->fdb_op || !br->conn ||
        (br->fdb_retry && vg_timer_active(br->fdb_retry))) {
        return;
    }
    struct fdb_port *v = ofp_xcalloc(br->n_ports + 1, sizeof *v);
    size_t n = 0;
    bool skipped = false;
    br->fdb_op_ports = ofp_xrealloc(
        br->fdb_op_ports, (br->n_ports + 1) * sizeof *br->fdb_op_ports);
    br->fdb_op_gen = ofp_xrealloc(br->fdb_op_gen, br->n_ports + 1);
    for (size_t i = 0; i < br->n_ports; i++) {
        const struct eng_port *p = &br->ports[i];
        uint32_t k = p->ofp_port ? nf_index__(p->ofp_port) : 0;
        if (!p->ofp_port || br->fdb[k] != FDB_DUE) {
            continue;
        }
        if (!fdb_safe__(p)) {
            skipped = true; /* Changing: its next group decides. */
            continue;
        }
        v[n].ofport = p->ofp_port;
        v[n].name = p->name;
        v[n].has_mac = p->policy.has_mac;
        memcpy(v[n].mac, p->policy.mac, 6);
        br->fdb_op_ports[n] = k;
        br->fdb_op_gen[n] = br->fdb_gen[k];
        n++;
    }
    br->fdb_due = skipped;
    br->fdb_op_n = n;
    if (n) {
        char *rundir = noflood_ovs_rundir(br->engine->ovsdb_remote, NULL);
        br->fdb_op = fdb_clean(rundir, br->name, v, n, fdb_done__, br);
        free(rundir);
    }
    free(v);
}

/* Connections. */

static void
trim_timer_cb__(struct vg_timer *t, void *br)
{
    (void)t;
    (void)br;
    release_memory__(SIZE_MAX);
}

/* Calls release_memory__() 'after' seconds from now, unless called again
 * before.  A transaction of any size leaves free pages in the heap (its
 * buffers, the compiled groups, the previous snapshot and ports); they are
 * handed back once no transaction has followed for TRIM_IDLE seconds, so
 * that a burst of plugs does not pay the page faults of trimming after each
 * one. */
static void
trim_later__(struct eng_bridge *br, double after)
{
    if (!br->trim_timer) {
        br->trim_timer = vg_timer_create(trim_timer_cb__, br);
    }
    vg_timer_start(br->trim_timer, after, 0);
}

/* Foreign flows found in one read-back or one monitor message: their
 * cookies, deleted once each. */
struct foreign__ {
    uint64_t *cookies;
    size_t n;
};

/* Counts foreign flow 'cookie' / 'table_id' / 'priority' (with 'match', or
 * the decoding error 'error' if libofp could not decode it) on 'br', logs it
 * at most once per FOREIGN_LOG_INTERVAL per bridge ('why' says how it was
 * found), and adds its cookie to 'f'. */
static void
foreign_note__(struct eng_bridge *br, struct foreign__ *f, uint64_t cookie,
               uint8_t table_id, uint16_t priority,
               const struct ofp_match *match, int error, const char *why)
{
    f->cookies = ofp_xrealloc(f->cookies, (f->n + 1) * sizeof *f->cookies);
    f->cookies[f->n++] = cookie;
    br->foreign_removed++;
    br->engine->stats.foreign_flows_removed++;

    double now = vg_now();
    if (br->foreign_logged_at &&
        now - br->foreign_logged_at < FOREIGN_LOG_INTERVAL) {
        br->foreign_unlogged++;
        return;
    }
    struct ofp_buf text;
    ofp_buf_init(&text);
    if (error) {
        ofp_buf_put_format(&text, "(match or actions not decoded: %s)",
                           ofperr_name(error));
    } else {
        ofp_match_format(match, &text);
    }
    VG_WARN(SUBSYS,
            "bridge %s: removed a flow vifguard does not own (%s): "
            "cookie=%#" PRIx64 " table=%" PRIu8 " priority=%" PRIu16
            " %s; %" PRIu64 " more removed since the last report, %" PRIu64
            " in all",
            br->name, why, cookie, table_id, priority, ofp_buf_cstr(&text),
            br->foreign_unlogged, br->foreign_removed);
    ofp_buf_uninit(&text);
    br->foreign_logged_at = now;
    br->foreign_unlogged = 0;
}

static int
cookie_cmp__(const void *a_, const void *b_)
{
    uint64_t a = *(const uint64_t *)a_, b = *(const uint64_t *)b_;
    return (a > b) - (a < b);
}

/* Sends, for each distinct cookie of 'f', the deletion of every flow with
 * exactly that cookie in every table, then frees 'f'.  Every flow of
 * vifguard's has a cookie in its own range, so these deletions can never
 * hit one (cookie 0 included), whatever the flows' matches, which need not
 * even be decodable. */
static void
foreign_delete__(struct eng_bridge *br, struct foreign__ *f)
{
    struct ofp_buf b;

    ofp_buf_init(&b);
    if (f->n > 1) {
        qsort(f->cookies, f->n, sizeof *f->cookies, cookie_cmp__);
    }
    for (size_t i = 0; i < f->n; i++) {
        if (i && f->cookies[i] == f->cookies[i - 1]) {
            continue;
        }
        struct ofp_flow_mod fm;
        ofp_flow_mod_init(&fm);
        fm.command = OFPFC_DELETE;
        fm.table_id = OFPTT_ALL;
        fm.cookie = f->cookies[i];
        fm.cookie_mask = UINT64_MAX;
        ofp_flow_mod_encode(&fm, ofconn_next_xid(br->conn), &b);
        ofp_flow_mod_uninit(&fm);
        br->engine->stats.flow_mods_sent++;
    }
    if (b.size) {
        ofconn_send(br->conn, &b);
    }
    ofp_buf_uninit(&b);
    free(f->cookies);
    f->cookies = NULL;
    f->n = 0;
}

/* Makes reconcile__() replace group 'cookie', in vifguard's range, which
 * someone else changed: a fingerprint of 0 matches nothing it wants, and a
 * cookie it does not want at all is deleted. */
static void
tampered_group__(struct eng_bridge *br, uint64_t cookie)
{
    vg_log_rl(&rl, SUBSYS, VG_LOG_WARN,
              "bridge %s: someone else added, changed or deleted a flow "
              "with vifguard's cookie %#" PRIx64 ": reinstalling its group",
              br->name, cookie);
    installed_put__(br, cookie, 0, true);
    const struct eng_port *p = port_by_cookie__(br, cookie);
    if (p) {
        fdb_note__(br, p, 0);
    }
}

static void monitor_cb__(struct ofconn *, const struct ofconn_reply *,
                         void *br_);
static void readback_start__(struct eng_bridge *);

/* Starts the flow monitor on 'br''s connection: additions, modifications
 * and deletions of any flow in any table, without our own (ONFFMF_OWN
 * unset), without instructions (the match, priority, table and cookie are
 * all a deletion needs).  Open vSwitch answers with an empty reply (no
 * ONFFMF_INITIAL: the read-back that follows sees every flow) carrying the
 * request's xid, then sends updates with xid 0. */
static void
monitor_start__(struct eng_bridge *br)
{
    struct ofp_mp_request req;
    struct ofp_buf b;

    ofp_mp_request_init(&req, OFPMP_ONF_FLOW_MONITOR);
    req.monitor_id = 1;
    req.monitor_flags = ONFFMF_ADD | ONFFMF_MODIFY | ONFFMF_DELETE;
    br->monitor_xid = ofconn_next_xid(br->conn);
    ofp_buf_init(&b);
    ofp_mp_request_encode(&req, br->monitor_xid, &b);
    ofconn_expect(br->conn, br->monitor_xid, monitor_cb__, br);
    ofconn_expect(br->conn, 0, monitor_cb__, br);
    ofconn_send(br->conn, &b);
    ofp_buf_uninit(&b);
}

/* Flow monitor traffic: the reply to the request, updates, pause and resume
 * signals and, for the request's xid, an error if the switch refuses. */
static void
monitor_cb__(struct ofconn *conn, const struct ofconn_reply *r, void *br_)
{
    struct eng_bridge *br = br_;

    if (r->kind == OFPK_ERROR && ofp_msg_xid(r->msg) == br->monitor_xid) {
        /* Without the monitor, foreign flows are still removed at every
         * reconnection: keep going, loudly. */
        VG_ERR(SUBSYS,
               "bridge %s: the switch refused the flow monitor (%s): "
               "flows added by others are only removed at the next "
               "reconnection",
               br->name, r->error ? ofperr_name(r->error) : "unknown error");
        ofconn_forget(conn, br->monitor_xid);
        br->monitor_xid = 0;
        return;
    }
    if (r->kind == OFPK_FLOW_MONITOR_PAUSED) {
        VG_WARN(SUBSYS,
                "bridge %s: the switch paused the flow monitor "
                "(connection backlogged)",
                br->name);
        br->monitor_paused = true;
        return;
    }
    if (r->kind == OFPK_FLOW_MONITOR_RESUMED) {
        /* The refresh that came just before reported every flow changed
         * during the pause, ours in full too: foreign ones were deleted,
         * ours skipped.  A read-back tells whether ours are intact. */
        VG_INFO(SUBSYS, "bridge %s: flow monitor resumed; reading back",
                br->name);
        br->monitor_paused = false;
        readback_start__(br);
        return;
    }
    if (r->kind != OFPK_MULTIPART_REPLY || !r->mp ||
        r->mp->type != OFPMP_ONF_FLOW_MONITOR) {
        return;
    }

    struct foreign__ f = { NULL, 0 };
    bool tampered = false;
    bool deleted = false;
    for (size_t i = 0; i < r->mp->n; i++) {
        const struct ofp_flow_update *u = &r->mp->updates[i];
        if (u->event != ONFFME_ADDED && u->event != ONFFME_MODIFIED &&
            u->event != ONFFME_DELETED) {
            continue; /* Our own changes (ABBREV). */
        }
        if (u->table_id == OVS_TBL_INTERNAL) {
            continue;
        }
        if (u->event == ONFFME_DELETED && !vg_cookie_is_ours(u->cookie)) {
            continue; /* Someone else's flow went: nothing to do. */
        }
        if (!vg_cookie_is_ours(u->cookie)) {
            foreign_note__(br, &f, u->cookie, u->table_id, u->priority,
                           &u->match, u->error, "added while connected");
        } else if (br->synced && !br->monitor_paused) {
            /* Not before the read-back (it sees the flow itself), nor in a
             * pause's refresh (our own changes are there in full). */
            if (u->event == ONFFME_DELETED) {
                deleted = true; /* See below. */
            } else {
                tampered_group__(br, u->cookie);
                tampered = true;
            }
        }
    }
    foreign_delete__(br, &f);
    if (tampered) {
        installed_sort__(br);
        reconcile__(br);
    }
    if (deleted && br->conn) {
        /* Open vSwitch reports the deletion of every flow of a bridge it
         * destroys (the bridge deleted from OVSDB, ovs-vswitchd exiting),
         * just before it closes the connection: no one tampered with
         * anything, and reinstalling would only log a warning per flow and
         * send a bundle to a switch that is going away.  So ask what the
         * switch holds: if it is going away, the connection closes before
         * the answer; otherwise the read-back finds what someone else
         * deleted (`ovs-ofctl del-flows`), and the engine reinstalls it.
         * The switch sends its messages in order, so a read-back already
         * under way, whose answer comes after this report, sees the
         * deletion too. */
        br->recheck = true;
        readback_start__(br);
    }
}

/* A port that an installed MAC group delivers that MAC to. */
struct mac_claim__ {
    uint32_t port;
    uint8_t mac[6];
};

/* Orders claims by port, then MAC. */
static int
mac_claim_cmp__(const void *a_, const void *b_)
{
    const struct mac_claim__ *a = a_, *b = b_;
    return (a->port != b->port ? (a->port > b->port) - (a->port < b->port)
                               : memcmp(a->mac, b->mac, 6));
}

/* Notes in 'claims' (of '*n' entries, room for 2 more) the ports that read
 * back flow 'fs' delivers a guest MAC to, if it is an egress flow of a MAC
 * group (vg_deliver_egress_ports()). */
static void
note_claims__(const struct ofp_flow_stats *fs, struct mac_claim__ *claims,
              size_t *n)
{
    uint8_t mac[6];
    uint32_t ports[2];

    if (fs->error ||
        (fs->cookie & ~(uint64_t)UINT32_MAX) != vg_cookie(VG_COOKIE_MAC, 0)) {
        return;
    }
    size_t n_ports = vg_deliver_egress_ports(fs->table_id, &fs->match,
                                             &fs->insts, mac, ports);
    for (size_t i = 0; i < n_ports; i++) {
        memcpy(claims[*n].mac, mac, 6);
        claims[*n].port = ports[i];
        ++*n;
    }
}

/* Sets from the switch, at the bridge's first read-back, which guest ports
 * had their MAC: those that an installed MAC group delivers that MAC to
 * (the 'n' 'claims'), under the same port number.  Until then the engine
 * has installed nothing, so what it remembered since it started is
 * replaced; later read-backs change nothing (what the engine remembers is
 * what it installed since).  A group of a MAC that no port carries now, or
 * that lists ports now carrying another MAC or gone, counts for nobody, and
 * so does a port that several MACs' groups list.  A port waiting for
 * xenstore, whose MAC is not known yet, keeps its claim for when it is
 * (build_port__()).  The conflicts are then decided again
 * (build_macs__()). */
static void
claims_from_switch__(struct eng_bridge *br, struct mac_claim__ *claims,
                     size_t n)
{
    qsort(claims, n, sizeof *claims, mac_claim_cmp__);
    for (size_t i = 0; i < br->n_ports; i++) {
        struct eng_port *p = &br->ports[i];
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (claims[mid].port < p->ofp_port) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        size_t end = lo;
        while (end < n && claims[end].port == p->ofp_port) {
            end++;
        }
        /* Sorted: one MAC if the first and the last are the same. */
        const uint8_t *mac =
            (p->ofp_port && end > lo &&
                     !memcmp(claims[lo].mac, claims[end - 1].mac, 6)
                 ? claims[lo].mac
                 : NULL);
        p->held_mac = (p->guest && p->policy.has_mac && mac &&
                       !memcmp(mac, p->policy.mac, 6));
        p->sw_claim = p->xs_wait && mac;
        if (p->sw_claim) {
            memcpy(p->sw_mac, mac, 6);
        }
    }
    build_macs__(br);
    br->claims_read = true;
}

/* The read-back asked for by monitor_cb__() after it reported flows of ours
 * deleted has arrived: 'br''s installed groups are now what the switch
 * holds, 'old' ('n_old' entries, sorted by cookie) what the engine
 * believed it held.  Logs the groups that differ (someone else changed
 * them while the switch stayed up); the reconciliation that follows
 * replaces them. */
static void
recheck__(struct eng_bridge *br, const struct installed__ *old, size_t n_old)
{
    size_t i = 0, j = 0, n_diff = 0;
    uint64_t first = 0;

    br->recheck = false;
    while (i < n_old || j < br->n_installed) {
        const struct installed__ *a = i < n_old ? &old[i] : NULL;
        const struct installed__ *b =
            j < br->n_installed ? &br->installed[j] : NULL;
        uint64_t cookie;
        bool same = false;
        if (a && b && a->cookie == b->cookie) {
            cookie = a->cookie;
            same = a->fp == b->fp;
            i++;
            j++;
        } else if (a && (!b || a->cookie < b->cookie)) {
            cookie = a->cookie;
            i++;
        } else {
            cookie = b->cookie;
            j++;
        }
        if (!same && !n_diff++) {
            first = cookie;
        }
    }
    if (n_diff) {
        vg_log_rl(&rl, SUBSYS, VG_LOG_WARN,
                  "bridge %s: someone else added, changed or deleted a flow "
                  "with vifguard's cookie %#" PRIx64 " (%zu group(s) in "
                  "all): reinstalling",
                  br->name, first, n_diff);
    }
}

static void
readback_cb__(struct ofconn *conn, const struct ofconn_reply *r, void *br_)
{
    struct eng_bridge *br = br_;

    ofconn_forget(conn, br->readback_xid);
    br->readback_xid = 0;
    if (r->kind != OFPK_MULTIPART_REPLY || !r->mp) {
        ofconn_close(conn, "flow read-back failed");
        return;
    }

    /* Sum our flows' hashes per cookie: sort (cookie, hash) pairs, then
     * merge runs.  Delete every other flow. */
    struct foreign__ f = { NULL, 0 };
    struct installed__ *old = br->installed;
    size_t n_old = br->n_installed;
    br->installed =
        ofp_xcalloc(r->mp->n ? r->mp->n : 1, sizeof *br->installed);
    br->n_installed = 0;
    struct mac_claim__ *claims =
        br->claims_read ? NULL : ofp_xcalloc(2 * r->mp->n + 1, sizeof *claims);
    size_t n_claims = 0;
    for (size_t i = 0; i < r->mp->n; i++) {
        const struct ofp_flow_stats *fs = &r->mp->flows[i];
        if (fs->table_id == OVS_TBL_INTERNAL) {
            continue; /* Not listed by OVS; just in case. */
        }
        if (vg_cookie_is_ours(fs->cookie)) {
            if (claims) {
                note_claims__(fs, claims, &n_claims);
            }
            struct installed__ *in = &br->installed[br->n_installed++];
            in->cookie = fs->cookie;
            /* One of ours that does not decode, or that will expire
             * (someone re-added it with a timeout), cannot be what we
             * installed: 0 makes its group be replaced. */
            in->fp = fs->error || fs->idle_timeout || fs->hard_timeout
                         ? 0
                         : vg_flow_hash(fs->table_id, fs->priority, &fs->match,
                                        &fs->insts);
        } else {
            foreign_note__(br, &f, fs->cookie, fs->table_id, fs->priority,
                           &fs->match, fs->error, "found at connection");
        }
    }
    installed_sort__(br);
    size_t n = 0;
    for (size_t i = 0; i < br->n_installed; i++) {
        if (n && br->installed[n - 1].cookie == br->installed[i].cookie) {
            br->installed[n - 1].fp += br->installed[i].fp;
        } else {
            br->installed[n++] = br->installed[i];
        }
    }
    br->n_installed = n;
    if (br->recheck) {
        recheck__(br, old, n_old);
    }
    free(old);
    br->synced = true;
    if (claims) {
        claims_from_switch__(br, claims, n_claims);
        free(claims);
    }
    for (size_t i = 0; i < br->n_installed; i++) {
        const struct eng_port *p =
            port_by_cookie__(br, br->installed[i].cookie);
        if (p) {
            fdb_note__(br, p, br->installed[i].fp);
        }
    }
    VG_INFO(SUBSYS,
            "bridge %s: read back %zu vifguard flow groups (%zu "
            "flows); %zu foreign flows removed",
            br->name, br->n_installed, r->mp->n - f.n, f.n);
    foreign_delete__(br, &f);
    if (r->mp->n >= 1000) {
        /* The reply is freed after this callback returns. */
        trim_later__(br, 0);
    }
    reconcile__(br);
}

/* The bridge's fragment handling (DESIGN.md, "What OVS parses"): in
 * Open vSwitch's default, "normal", every fragment shows UDP ports 0, so
 * the guards of table 10 drop a locked guest's fragmented IPv4 UDP;
 * "nx-match" shows a first fragment's real ports to the guards, and later
 * fragments are told apart by nw_frag (IPv6 fragments are dropped in every
 * mode: flows.c).  It is the bridge's setting, which ovs-vswitchd forgets
 * when it restarts, so it is read on every new connection; "drop" is
 * someone's choice and left alone.  Our flows are safe under every
 * setting: this only lets IPv4 fragments through. */
static ofconn_reply_cb frags_cb__;

/* Sends GET_CONFIG, or SET_CONFIG 'sc' then GET_CONFIG, to learn the
 * fragment handling in effect (frags_cb__()). */
static void
frags_send__(struct eng_bridge *br, const struct ofp_switch_config *sc)
{
    struct ofp_buf b;
    br->frags_xid = ofconn_next_xid(br->conn);
    br->frags_set = sc != NULL;
    ofp_buf_init(&b);
    if (sc) {
        ofp_switch_config_encode(OFPT_SET_CONFIG, sc, br->frags_xid, &b);
    }
    ofp_empty_encode(OFPT_GET_CONFIG_REQUEST, br->frags_xid, &b);
    ofconn_expect(br->conn, br->frags_xid, frags_cb__, br);
    ofconn_send(br->conn, &b);
    ofp_buf_uninit(&b);
}

static void
frags_cb__(struct ofconn *conn, const struct ofconn_reply *r, void *br_)
{
    struct eng_bridge *br = br_;
    struct ofp_switch_config sc;

    /* After an error, the reply to the GET_CONFIG that follows is not
     * wanted either. */
    ofconn_forget(conn, br->frags_xid);
    if (r->kind != OFPK_GET_CONFIG_REPLY ||
        ofp_switch_config_decode(r->msg, r->len, &sc)) {
        VG_WARN(SUBSYS,
                "bridge %s: %s the fragment handling failed (%s): locked "
                "guests' fragmented IPv4 UDP may be dropped",
                br->name, br->frags_set ? "setting" : "reading",
                r->kind == OFPK_ERROR ? ofp_strerror(r->error) : "bad reply");
        return;
    }
    switch (sc.flags & OFPC_FRAG_MASK) {
    case OFPC_FRAG_NORMAL:
        if (!br->frags_set) {
            sc.flags |= OFPC_FRAG_NX_MATCH;
            frags_send__(br, &sc);
        } else {
            VG_WARN(SUBSYS,
                    "bridge %s: the fragment handling stays \"normal\" "
                    "after it was set to nx-match: locked guests' "
                    "fragmented IPv4 UDP is dropped",
                    br->name);
        }
        break;
    case OFPC_FRAG_DROP:
        VG_INFO(SUBSYS,
                "bridge %s: fragment handling is \"drop\" (set by someone "
                "else): every IP fragment is dropped; left as it is",
                br->name);
        break;
    case OFPC_FRAG_NX_MATCH:
        if (br->frags_set) {
            VG_INFO(SUBSYS, "bridge %s: fragment handling set to nx-match",
                    br->name);
        }
        break;
    }
}

/* Asks the switch for every flow of 'br' (see readback_cb__()), unless a
 * read-back is already under way. */
static void
readback_start__(struct eng_bridge *br)
{
    struct ofp_mp_request req;
    struct ofp_buf b;

    if (!br->conn || br->readback_xid) {
        return;
    }
    ofp_mp_request_init(&req, OFPMP_FLOW);
    br->readback_xid = ofconn_next_xid(br->conn);
    ofp_buf_init(&b);
    ofp_mp_request_encode(&req, br->readback_xid, &b);
    ofconn_expect(br->conn, br->readback_xid, readback_cb__, br);
    ofconn_send(br->conn, &b);
    ofp_buf_uninit(&b);
}

static void
attach_conn__(struct eng_bridge *br, struct ofconn *conn)
{
    if (br->conn) {
        ofconn_close(br->conn, "replaced by a new connection");
    }
    br->conn = conn;
    br->synced = false;
    br->solo = false;
    fdb_reset__(br);
    /* The switch is there: a NO_FLOOD retry that waits out a lost
     * connection (nf_watch__(), whose report of the old switch's
     * management connection closing may come after conn_closed__()) or an
     * earlier failure need not wait any longer, and the bridge forwards
     * nothing until the bits are confirmed. */
    nf_retry_cancel__(br);
    if (br->bl) {
        bondlearn_reset(br->bl);
    }
    /* The OVSDB update that set fail_mode in the same transaction as the
     * controller may still be on its way: judge fail_mode a little later. */
    if (!br->fail_mode_timer) {
        br->fail_mode_timer = vg_timer_create(fail_mode_timer_cb__, br);
    }
    vg_timer_start(br->fail_mode_timer, 2.0, 0);

    frags_send__(br, NULL);
    /* The monitor first, then every flow, whatever its cookie (see
     * readback_cb__()): a flow added in between is reported by the monitor,
     * so none slips through. */
    monitor_start__(br);
    readback_start__(br);
}

static struct eng_bridge *
bridge_by_conn__(struct engine *e, const struct ofconn *conn)
{
    for (size_t i = 0; i < e->n_bridges; i++) {
        if (e->bridges[i]->conn == conn) {
            return e->bridges[i];
        }
    }
    return NULL;
}

/* Closes the connections that have waited ORPHAN_TIMEOUT for their bridge,
 * and waits for the next one to. */
static void
orphan_timer_cb__(struct vg_timer *t, void *e_)
{
    struct engine *e = e_;
    double now = vg_now();
    double next = ORPHAN_TIMEOUT;
    for (size_t i = 0; i < e->n_orphans;) {
        double left = e->orphans[i].since + ORPHAN_TIMEOUT - now;
        if (left <= 0) {
            /* conn_closed__() removes it from the array. */
            ofconn_close(e->orphans[i].conn,
                         "no bridge with this datapath id showed up in "
                         "OVSDB");
        } else {
            next = left < next ? left : next;
            i++;
        }
    }
    if (e->n_orphans) {
        vg_timer_start(t, next, 0);
    }
}

static void
conn_ready__(struct ofconn *conn, void *e_)
{
    struct engine *e = e_;
    e->stats.ofp_connections++;
    for (size_t i = 0; i < e->n_bridges; i++) {
        struct eng_bridge *br = e->bridges[i];
        if (br->dpid && br->dpid == ofconn_dpid(conn)) {
            VG_INFO(SUBSYS, "bridge %s: connected", br->name);
            attach_conn__(br, conn);
            return;
        }
    }
    if (e->n_orphans >= MAX_ORPHANS) {
        vg_log_rl(&rl, SUBSYS, VG_LOG_WARN,
                  "%s: %d connections wait for their datapath id to show "
                  "up in OVSDB already: closed",
                  ofconn_name(conn), MAX_ORPHANS);
        ofconn_close(conn, "too many connections without a bridge");
        return;
    }
    VG_INFO(SUBSYS, "%s: no bridge with this datapath id in OVSDB yet",
            ofconn_name(conn));
    e->orphans =
        ofp_xrealloc(e->orphans, (e->n_orphans + 1) * sizeof *e->orphans);
    e->orphans[e->n_orphans++] =
        (struct eng_orphan){ .conn = conn, .since = vg_now() };
    if (!e->orphan_timer) {
        e->orphan_timer = vg_timer_create(orphan_timer_cb__, e);
    }
    if (!vg_timer_active(e->orphan_timer)) {
        vg_timer_start(e->orphan_timer, ORPHAN_TIMEOUT, 0);
    }
}

static void
conn_closed__(struct ofconn *conn, void *e_)
{
    struct engine *e = e_;
    for (size_t i = 0; i < e->n_orphans; i++) {
        if (e->orphans[i].conn == conn) {
            e->orphans[i] = e->orphans[--e->n_orphans];
            return;
        }
    }
    struct eng_bridge *br = bridge_by_conn__(e, conn);
    if (br) {
        if (br->ours) {
            VG_WARN(SUBSYS,
                    "bridge %s: disconnected; installed protection "
                    "stays in place (fail_mode=%s)",
                    br->name, br->fail_mode[0] ? br->fail_mode : "standalone");
        } else {
            log_not_ours__(br);
        }
        br->conn = NULL;
        refusals_clear__(br); /* The next read-back tells what is there. */
        br->synced = false;
        br->readback_xid = 0;
        br->recheck = false;
        br->monitor_xid = 0;
        br->monitor_paused = false;
        txn_destroy__(br->txn);
        br->txn = NULL;
        free(br->installed);
        br->installed = NULL;
        br->n_installed = 0;
        /* ovs-vswitchd may have restarted: NO_FLOOD bits are unknown.
         * (Cancelling an operation in flight also closes the NO_FLOOD
         * connection; an idle one sees ovs-vswitchd close it.) */
        noflood_cancel(br->nf_op);
        br->nf_op = NULL;
        if (br->nf) {
            memset(br->nf, NF_UNKNOWN, NF_PORTS);
        }
        nf_retry_cancel__(br);
        fdb_reset__(br);
        free(br->sw_ports);
        br->sw_ports = NULL;
        br->n_sw_ports = 0;
    }
}

/* Keeps every port the switch announces (sw_port__), and applies it at once
 * to an interface that has no ofport in OVSDB yet, or had one only from
 * here. */
static void
conn_port_status__(struct ofconn *conn, const struct ofp_port_status *ps,
                   void *e_)
{
    struct engine *e = e_;
    struct eng_bridge *br = bridge_by_conn__(e, conn);
    const struct ofp_port *d = &ps->desc;
    if (!br || !d->port_no ||
        (d->port_no >= OVSDB_OFPORT_MAX && d->port_no != OFPP_LOCAL)) {
        return;
    }
    VG_DBG(SUBSYS, "bridge %s: port %" PRIu32 " (%s) %s", br->name, d->port_no,
           d->name,
           ps->reason == OFPPR_ADD      ? "added"
           : ps->reason == OFPPR_DELETE ? "deleted"
                                        : "changed");
    struct sw_port__ *sp = sw_port_find__(br, d->port_no);
    if (ps->reason == OFPPR_DELETE) {
        if (sp) {
            size_t i = (size_t)(sp - br->sw_ports);
            memmove(sp, sp + 1, (--br->n_sw_ports - i) * sizeof *sp);
        }
    } else {
        if (!sp) {
            size_t i = 0;
            while (i < br->n_sw_ports &&
                   br->sw_ports[i].ofp_port < d->port_no) {
                i++;
            }
            br->sw_ports = ofp_xrealloc(
                br->sw_ports, (br->n_sw_ports + 1) * sizeof *br->sw_ports);
            sp = &br->sw_ports[i];
            memmove(sp + 1, sp, (br->n_sw_ports++ - i) * sizeof *sp);
            sp->ofp_port = d->port_no;
        }
        memcpy(sp->mac, d->hw_addr, 6);
        if (ps->reason == OFPPR_ADD || strcmp(sp->name, d->name)) {
            sp->stale = false;
        }
        memcpy(sp->name, d->name, sizeof sp->name);
    }
    /* A port deleted or added in ovs-vswitchd has no NO_FLOOD bit, whatever
     * was set or failed on an earlier port of that number (a port
     * re-created under the same name and number shows nothing in OVSDB):
     * ask again.  An addition while the state is unknown is the port an
     * operation in flight may be setting already (its number came from
     * OVSDB first): that result stands. */
    bool retry = ps->reason == OFPPR_ADD && br->nf &&
                 br->nf[nf_index__(d->port_no)] != NF_UNKNOWN;
    if (ps->reason == OFPPR_DELETE) {
        nf_reset__(br, d->port_no, NF_GONE);
    } else if (retry) {
        nf_reset__(br, d->port_no, NF_UNKNOWN);
    }
    /* A port new in ovs-vswitchd has no MAC table entries (they belong to
     * the port's bundle, destroyed with the old port): unless what the
     * switch holds for its number lets it send from any MAC, nothing needs
     * removing. */
    if (ps->reason == OFPPR_ADD) {
        fdb_alloc__(br);
        uint8_t *st = &br->fdb[nf_index__(d->port_no)];
        if (*st != FDB_DIRTY) {
            *st = FDB_CLEAN;
        }
    }

    const struct eng_port *p = find_port__(br, d->name);
    const struct vg_bridge *sb =
        e->host ? vg_host_find_bridge(e->host, br->name) : NULL;
    if (p && (!p->ofp_port || p->sw_ofport) && sb &&
        ps->reason != OFPPR_MODIFY) {
        update_bridge__(e, br, sb, vg_now());
        reconcile__(br);
    } else if (retry) {
        reconcile__(br);
    }
}

const struct ofconn_handler *
engine_ofconn_handler(void)
{
    static const struct ofconn_handler handler = {
        .ready = conn_ready__,
        .closed = conn_closed__,
        .port_status = conn_port_status__,
    };
    return &handler;
}

/* Status. */

static char **
format_prefixes__(const struct vg_policy *p, bool v6, size_t *n)
{
    size_t count = v6 ? p->n_ipv6 : p->n_ipv4;
    char **v = ofp_xcalloc(count ? count : 1, sizeof *v);
    for (size_t i = 0; i < count; i++) {
        char buf[VG_PREFIX_STRLEN];
        v[i] = ofp_xstrdup(v6 ? vg_prefix6_format(&p->ipv6[i], buf)
                              : vg_prefix4_format(&p->ipv4[i], buf));
    }
    *n = count;
    return v;
}

static enum vg_port_state
port_state__(const struct eng_bridge *br, const struct eng_port *p,
             const char **reason)
{
    *reason = NULL;
    if (p->mac_closed && !br->claims_read) {
        /* Not decided before the switch tells who had the MAC. */
        *reason = "MAC shared with another port: waiting for the switch's "
                  "flows to tell which port had it";
        return VG_PORT_PENDING;
    }
    if (p->error) {
        /* Closed once the switch no longer holds its flows. */
        *reason = p->error;
        return p->ofp_port && installed_find__(
                                  br, vg_cookie(VG_COOKIE_PORT, p->ofp_port))
                   ? VG_PORT_PENDING
                   : VG_PORT_ERROR;
    }
    if (!p->ofp_port) {
        *reason = "no ofport assigned";
        return VG_PORT_PENDING;
    }
    if (!br->conn || !br->synced) {
        *reason = "bridge not connected to vifguardd";
        return VG_PORT_PENDING;
    }
    if ((*reason = refusal_msg__(br, vg_cookie(VG_COOKIE_BRIDGE, 0)))) {
        return VG_PORT_PENDING;
    }
    if (!port_ready__(br, p)) {
        *reason = br->nf_error ? br->nf_error
                  : br->nf && br->nf[nf_index__(p->ofp_port)] == NF_FAILED
                      ? "the switch refused NO_FLOOD on this port "
                        "(retried when the port is added again)"
                  : br->nf && br->nf[nf_index__(p->ofp_port)] == NF_GONE
                      ? "the switch deleted this port"
                      : "waiting for NO_FLOOD";
        return VG_PORT_PENDING;
    }
    if (p->mac != SIZE_MAX && !br->macs[p->mac].macless) {
        const struct eng_group *m = &br->macs[p->mac];
        const struct installed__ *min = installed_find__(br, m->cookie);
        if (!mac_ready__(br, m) || !min || min->fp != m->fp) {
            *reason = "installing delivery";
            return VG_PORT_PENDING;
        }
    }
    if (p->guest && p->ctx.vlan >= 0 &&
        (*reason = refusal_msg__(
             br, vg_cookie(VG_COOKIE_VLAN, VG_VLAN_CTX(p->ctx.vlan))))) {
        return VG_PORT_PENDING;
    }
    const struct installed__ *in =
        installed_find__(br, vg_cookie(VG_COOKIE_PORT, p->ofp_port));
    const struct installed__ *bin =
        installed_find__(br, vg_cookie(VG_COOKIE_BRIDGE, 0));
    if (in && in->fp == p->want_fp && bin && bin->fp == br->bridge_fp) {
        return VG_PORT_PROTECTED;
    }
    *reason = "installing";
    return VG_PORT_PENDING;
}

int
engine_port_state(const struct engine *e, const char *name,
                  const char **reason)
{
    for (size_t i = 0; i < e->n_bridges; i++) {
        const struct eng_bridge *br = e->bridges[i];
        const struct eng_port *p = find_port__(br, name);
        if (p && !p->guest) {
            /* It may become one (its policy set a moment later). */
            *reason = "not a guest port";
            return VG_PORT_PENDING;
        } else if (p) {
            return port_state__(br, p, reason);
        }
    }
    *reason = NULL;
    return -1;
}

void
engine_get_status(struct engine *e, struct vg_status *st)
{
    bool summary = st->summary;

    memset(st, 0, sizeof *st);
    st->summary = summary;
    st->stats = e->stats;
    st->stats.uptime = vg_now_exact() - e->started;
    st->stats.loop_iterations = vg_loop_iterations();

    st->bridges =
        ofp_xcalloc(e->n_bridges ? e->n_bridges : 1, sizeof *st->bridges);
    size_t n_vifs = 0;
    for (size_t i = 0; i < e->n_bridges && !summary; i++) {
        for (size_t j = 0; j < e->bridges[i]->n_ports; j++) {
            n_vifs += e->bridges[i]->ports[j].guest;
        }
    }
    st->vifs = ofp_xcalloc(n_vifs ? n_vifs : 1, sizeof *st->vifs);

    for (size_t i = 0; i < e->n_bridges; i++) {
        const struct eng_bridge *br = e->bridges[i];
        struct vg_bridge_status *bs = &st->bridges[st->n_bridges++];
        bs->name = ofp_xstrdup(br->name);
        bs->dpid = br->dpid;
        bs->connected = br->conn && br->synced;
        bs->fail_mode = ofp_xstrdup(br->fail_mode);
        bs->fail_secure = !strcmp(br->fail_mode, "secure");
        bs->foreign_flows_removed = br->foreign_removed;
        bs->n_stp_guests = br->n_stp_guests;
        bs->stp_guest = br->stp_guest ? ofp_xstrdup(br->stp_guest) : NULL;
        bs->mcast_snooping = br->mcast_snooping;
        bs->n_proto_guests = br->n_proto_guests;
        bs->proto_guest =
            br->proto_guest ? ofp_xstrdup(br->proto_guest) : NULL;
        bs->protos = br->proto_bits;
        bs->n_sampler_guests = br->n_sampler_guests;
        bs->sampler_guest =
            br->sampler_guest ? ofp_xstrdup(br->sampler_guest) : NULL;
        bs->sampler = br->sampler ? ofp_xstrdup(br->sampler) : NULL;
        bs->in_band = br->in_band ? ofp_xstrdup(br->in_band) : NULL;
        bs->other_controller =
            br->other_ctl ? ofp_xstrdup(br->other_ctl) : NULL;
        bs->n_mirror_guests = br->n_mirror_guests;
        bs->mirror_guest =
            br->mirror_guest ? ofp_xstrdup(br->mirror_guest) : NULL;
        bs->mirror_name =
            br->mirror_name ? ofp_xstrdup(br->mirror_name) : NULL;

        for (size_t j = 0; j < br->n_ports; j++) {
            const struct eng_port *p = &br->ports[j];
            if (!p->guest) {
                bs->n_trusted++;
                continue;
            }
            const char *reason;
            enum vg_port_state state = port_state__(br, p, &reason);
            bs->n_guests[state]++;
            if (summary) {
                continue;
            }
            struct vg_vif_status *vs = &st->vifs[st->n_vifs++];
            vs->state = state;
            vs->bridge = ofp_xstrdup(br->name);
            vs->name = ofp_xstrdup(p->name);
            vs->ofport =
                p->ofp_port == OFPP_LOCAL ? OVSDB_OFPORT_LOCAL : p->ofp_port;
            if (p->policy.has_mac) {
                const uint8_t *m = p->policy.mac;
                vs->mac = ofp_xasprintf("%02x:%02x:%02x:%02x:%02x:%02x", m[0],
                                        m[1], m[2], m[3], m[4], m[5]);
            }
            vs->mode = ofp_xstrdup(vg_mode_name(p->policy.mode));
            vs->ipv4 = format_prefixes__(&p->policy, false, &vs->n_ipv4);
            vs->ipv6 = format_prefixes__(&p->policy, true, &vs->n_ipv6);
            vs->reason = reason ? ofp_xstrdup(reason) : NULL;
            vs->source = ofp_xstrdup(vg_policy_source_name(p->source));
            vs->conflict = p->conflict ? ofp_xstrdup(p->conflict) : NULL;
        }
    }
}
