/* Learning frames for bonds.  See bondlearn.h and docs/DESIGN.md
 * ("Forwarding to guests", Bonds).
 *
 * Facts this relies on (Open vSwitch 3.1, ofproto/bond.c, ofproto-dpif.c):
 * a bond sends learning packets when its active member changes, only for
 * active-backup and balance-slb without LACP or with lacp-fallback-ab while
 * falling back (LACP not negotiated: every Interface.lacp_current false or
 * empty, which is the test here whatever the bond_mode), and only for MACs
 * in NORMAL's table learned on another port; each is a RARP request (lib/packets.c compose_rarp) out of the new
 * active member, 802.1Q-tagged with the MAC's VLAN when that is not 0.  A
 * bond member is an OpenFlow port of its own, so a PACKET_OUT may output to
 * it; with in_port CONTROLLER and no output:TABLE the frame skips the flow
 * tables, so the pipeline never delivers it to a guest. */
#include <config.h>
#include "src/bondlearn.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofp/msgs.h"
#include "src/log.h"
#include "src/loop.h"
#include "src/model.h"
#include "src/ofconn.h"

#define SUBSYS "bondlearn"

/* Highest ordinary OpenFlow port number OVS assigns (engine.c). */
#define BONDLEARN_OFPORT_MAX 0xff00

/* At most one burst per bond in this many seconds. */
#define BONDLEARN_INTERVAL 1.0

static struct vg_ratelimit rl = VG_RATELIMIT_INIT(5, 20);

/* Writes to 'frame' (VG_BONDLEARN_FRAME_MAX bytes) the learning frame for
 * 'mac': a RARP request from 'mac' to the broadcast address, tagged with
 * 802.1Q VID 'vlan' if it is in 1..4095.  Returns its length. */
size_t
vg_bondlearn_frame(const uint8_t mac[6], int vlan, uint8_t *frame)
{
    uint8_t *p = frame;

    memset(p, 0xff, 6);
    memcpy(p + 6, mac, 6);
    p += 12;
    if (vlan > 0 && vlan < 4096) {
        *p++ = 0x81;
        *p++ = 0x00;
        *p++ = (uint8_t)(vlan >> 8);
        *p++ = (uint8_t)vlan;
    }
    static const uint8_t rarp[] = {
        0x80, 0x35,             /* Ethertype RARP. */
        0x00, 0x01, 0x08, 0x00, /* Ethernet, IPv4. */
        6,    4,    0x00, 0x03, /* Lengths; reverse request. */
    };
    memcpy(p, rarp, sizeof rarp);
    p += sizeof rarp;
    memcpy(p, mac, 6); /* Sender hardware address. */
    memset(p + 6, 0, 4);
    memcpy(p + 10, mac, 6); /* Target hardware address. */
    memset(p + 16, 0, 4);
    p += 20;
    return (size_t)(p - frame);
}

/* Orders MAC entries by MAC, then VLAN. */
static int
mac_cmp__(const void *a_, const void *b_)
{
    const struct vg_bondlearn_mac *a = a_, *b = b_;
    int c = memcmp(a->mac, b->mac, 6);
    return c ? c : (a->vlan > b->vlan) - (a->vlan < b->vlan);
}

/* Appends to 'b' one PACKET_OUT with 'xid' per distinct entry of 'macs'
 * ('n' of them) that the bond carries, each sending its learning frame out
 * of OpenFlow port 'ofport'.  'bond_vlan' is the bond port's access VLAN
 * (only entries of that VLAN, untagged), or -1 for a trunk (every entry,
 * tagged with its VLAN, VLAN 0 untagged).  Stores the number of messages
 * in '*n_frames'.  Returns 0 or the encoder's error (then 'b' holds the
 * messages before the failing one). */
int
vg_bondlearn_encode(const struct vg_bondlearn_mac *macs, size_t n,
                    int bond_vlan, uint32_t ofport, uint32_t xid,
                    struct ofp_buf *b, size_t *n_frames)
{
    struct vg_bondlearn_mac *v = ofp_xcalloc(n ? n : 1, sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (bond_vlan < 0 || macs[i].vlan == bond_vlan) {
            v[k] = macs[i];
            v[k].vlan = bond_vlan < 0 ? macs[i].vlan : 0;
            k++;
        }
    }
    qsort(v, k, sizeof *v, mac_cmp__);

    struct ofp_packet_out po;
    memset(&po, 0, sizeof po);
    ofp_actions_init(&po.actions);
    po.buffer_id = OFP_NO_BUFFER;
    po.in_port = OFPP_CONTROLLER;
    ofp_actions_add_output(&po.actions, ofport, 0);

    int error = 0;
    *n_frames = 0;
    for (size_t i = 0; i < k && !error; i++) {
        if (i && !mac_cmp__(&v[i - 1], &v[i])) {
            continue;
        }
        uint8_t frame[VG_BONDLEARN_FRAME_MAX];
        po.data = frame;
        po.data_len = vg_bondlearn_frame(v[i].mac, v[i].vlan, frame);
        error = ofp_packet_out_encode(&po, xid, b);
        if (!error) {
            (*n_frames)++;
        }
    }
    ofp_packet_out_uninit(&po);
    free(v);
    return error;
}

/* Returns 'ofport' as an OpenFlow port number if OVS could have assigned it
 * to a bond member, else 0. */
static uint32_t
member_port__(int64_t ofport)
{
    return ofport > 0 && ofport < BONDLEARN_OFPORT_MAX ? (uint32_t)ofport : 0;
}

/* Returns the OpenFlow port of the active member of bond 'port' on bridge
 * 'sb': the member whose Interface.mac_in_use is Port.bond_active_slave.
 * Returns 0 if none is (not known yet: mac_in_use is ephemeral).  If
 * several members carry that MAC, the active one cannot be told apart:
 * returns the lowest of their ports and sets '*ambiguous' (if nonnull). */
uint32_t
vg_bond_active_ofport(const struct vg_bridge *sb, const char *port,
                      bool *ambiguous)
{
    uint32_t best = 0;
    size_t n = 0;

    for (size_t i = 0; i < sb->n_ifaces; i++) {
        const struct vg_iface *f = &sb->ifaces[i];
        uint32_t ofp = member_port__(f->ofport);
        if (f->n_port_ifaces < 2 || !f->port_name ||
            strcmp(f->port_name, port) || !ofp || !f->mac_in_use ||
            !f->bond_active_mac ||
            strcasecmp(f->mac_in_use, f->bond_active_mac)) {
            continue;
        }
        n++;
        if (!best || ofp < best) {
            best = ofp;
        }
    }
    if (ambiguous) {
        *ambiguous = n > 1;
    }
    return best;
}

/* Lists the bonds of snapshot bridge 'sb' into a new array '*bonds' of
 * '*n' elements (free with vg_bondlearn_bonds_free()), in the order of
 * their first member. */
void
vg_bondlearn_bonds(const struct vg_bridge *sb,
                   struct vg_bondlearn_bond **bonds, size_t *n)
{
    struct vg_bondlearn_bond *v = NULL;
    size_t k = 0;

    for (size_t i = 0; i < sb->n_ifaces; i++) {
        const struct vg_iface *f = &sb->ifaces[i];
        if (f->n_port_ifaces < 2 || !f->port_name) {
            continue;
        }
        struct vg_bondlearn_bond *b = NULL;
        for (size_t j = 0; j < k && !b; j++) {
            if (!strcmp(v[j].port, f->port_name)) {
                b = &v[j];
            }
        }
        if (!b) {
            v = ofp_xrealloc(v, (k + 1) * sizeof *v);
            b = &v[k++];
            memset(b, 0, sizeof *b);
            b->port = ofp_xstrdup(f->port_name);
            const char *mode = f->bond_mode && f->bond_mode[0]
                                   ? f->bond_mode
                                   : "active-backup";
            b->balance_tcp = !strcmp(mode, "balance-tcp");
            b->learn = true; /* Until a member has negotiated LACP. */
            bool access = (f->tag >= 0 && !f->trunks &&
                           (!f->vlan_mode || !f->vlan_mode[0] ||
                            !strcmp(f->vlan_mode, "access")));
            b->vlan = access ? f->tag : -1;
            b->active = vg_bond_active_ofport(sb, b->port, &b->ambiguous);
        }
        if (member_port__(f->ofport)) {
            b->n_members++;
        }
        if (f->lacp_current) {
            b->learn = false;
        }
    }
    *bonds = v;
    *n = k;
}

void
vg_bondlearn_bonds_free(struct vg_bondlearn_bond *bonds, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(bonds[i].port);
    }
    free(bonds);
}

/* Per-bridge state. */

struct bl_bond__ {
    struct vg_bondlearn_bond b;
    uint32_t announced; /* Member announced on this connection, or 0. */
    double last;        /* When the last burst went (0: never). */
};

struct bondlearn {
    char *bridge;
    struct bl_bond__ *bonds;
    size_t n_bonds;
    struct vg_timer *timer; /* A burst held back by the rate limit. */
    void (*kick)(void *);   /* Asks the owner to call bondlearn_run(). */
    void *aux;
};

static void
timer_cb__(struct vg_timer *t, void *bl_)
{
    struct bondlearn *bl = bl_;
    (void)t;
    bl->kick(bl->aux);
}

/* Creates the state of bridge 'bridge'; 'kick(aux)' is called when a burst
 * held back by the rate limit is due (the owner then calls
 * bondlearn_run()). */
struct bondlearn *
bondlearn_create(const char *bridge, void (*kick)(void *aux), void *aux)
{
    struct bondlearn *bl = ofp_xcalloc(1, sizeof *bl);
    bl->bridge = ofp_xstrdup(bridge);
    bl->kick = kick;
    bl->aux = aux;
    return bl;
}

static void
bonds_free__(struct bl_bond__ *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].b.port);
    }
    free(v);
}

void
bondlearn_destroy(struct bondlearn *bl)
{
    if (bl) {
        bonds_free__(bl->bonds, bl->n_bonds);
        vg_timer_destroy(bl->timer);
        free(bl->bridge);
        free(bl);
    }
}

/* Takes the bonds of snapshot bridge 'sb', keeping what was announced for
 * bonds that were there before. */
void
bondlearn_set_bridge(struct bondlearn *bl, const struct vg_bridge *sb)
{
    struct vg_bondlearn_bond *v;
    size_t n;

    vg_bondlearn_bonds(sb, &v, &n);
    struct bl_bond__ *nb = ofp_xcalloc(n ? n : 1, sizeof *nb);
    for (size_t i = 0; i < n; i++) {
        nb[i].b = v[i];
        bool was_ambiguous = false;
        for (size_t j = 0; j < bl->n_bonds; j++) {
            if (!strcmp(bl->bonds[j].b.port, v[i].port)) {
                nb[i].announced = bl->bonds[j].announced;
                nb[i].last = bl->bonds[j].last;
                was_ambiguous = bl->bonds[j].b.ambiguous;
            }
        }
        if (v[i].ambiguous && !v[i].balance_tcp && !was_ambiguous) {
            vg_log_rl(&rl, SUBSYS, VG_LOG_WARN,
                      "bridge %s: bond %s: several members carry the "
                      "active member's MAC (Port.bond_active_slave); "
                      "treating ofport %" PRIu32 " as active",
                      bl->bridge, v[i].port, v[i].active);
        }
    }
    free(v); /* The port names moved to 'nb'. */
    bonds_free__(bl->bonds, bl->n_bonds);
    bl->bonds = nb;
    bl->n_bonds = n;
}

/* Forgets what was announced: the connection is new, and the switch may
 * have restarted with an empty MAC table and another active member. */
void
bondlearn_reset(struct bondlearn *bl)
{
    for (size_t i = 0; i < bl->n_bonds; i++) {
        bl->bonds[i].announced = 0;
    }
}

/* Returns true if some bond's active member is known and not announced on
 * the current connection yet (bondlearn_run() has something to do, now or
 * after the rate limit). */
bool
bondlearn_due(const struct bondlearn *bl)
{
    for (size_t i = 0; i < bl->n_bonds; i++) {
        const struct bl_bond__ *b = &bl->bonds[i];
        if (b->b.learn && b->b.active && b->b.active != b->announced) {
            return true;
        }
    }
    return false;
}

/* Sends on 'conn', for every bond whose active member is known and not
 * announced yet on this connection, the learning frames of the guest MACs
 * 'macs' ('n' of them) out of that member, unless that bond had a burst
 * less than BONDLEARN_INTERVAL ago (then a timer calls 'kick' later).
 * Returns the number of frames sent. */
size_t
bondlearn_run(struct bondlearn *bl, struct ofconn *conn,
              const struct vg_bondlearn_mac *macs, size_t n)
{
    double now = vg_now_exact();
    double wait = 0;
    size_t total = 0;

    for (size_t i = 0; i < bl->n_bonds; i++) {
        struct bl_bond__ *b = &bl->bonds[i];
        if (!b->b.learn || !b->b.active || b->b.active == b->announced) {
            continue;
        }
        if (b->last && now - b->last < BONDLEARN_INTERVAL) {
            double left = BONDLEARN_INTERVAL - (now - b->last);
            if (!wait || left < wait) {
                wait = left;
            }
            continue;
        }
        struct ofp_buf msgs;
        size_t n_frames = 0;
        ofp_buf_init(&msgs);
        int error =
            vg_bondlearn_encode(macs, n, b->b.vlan, b->b.active,
                                ofconn_next_xid(conn), &msgs, &n_frames);
        if (error) {
            VG_ERR(SUBSYS,
                   "internal error: learning frame cannot be "
                   "encoded: %s",
                   ofp_strerror(error));
        }
        if (msgs.size) {
            ofconn_send(conn, &msgs);
        }
        ofp_buf_uninit(&msgs);
        b->announced = b->b.active;
        b->last = now;
        total += n_frames;
        VG_INFO(SUBSYS,
                "bridge %s: bond %s: active member ofport %" PRIu32
                ": sent %zu learning frames",
                bl->bridge, b->b.port, b->b.active, n_frames);
    }
    if (wait > 0) {
        if (!bl->timer) {
            bl->timer = vg_timer_create(timer_cb__, bl);
        }
        if (!vg_timer_active(bl->timer)) {
            vg_timer_start(bl->timer, wait, 0);
        }
    }
    return total;
}
