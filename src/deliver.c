/* The delivery compiler.  See deliver.h and docs/DESIGN.md.
 *
 * Priorities in the forward table (40): 500 a guest's MAC as the source of
 * a frame from a trusted port (a reflection: dropped; MAC group), 400 a
 * locked guest's own ARP requests and Neighbor Solicitations for its own
 * exact addresses (gratuitous ARP, DAD: to NORMAL and on to table 45; MAC
 * group), 300 frames addressed to a guest's MAC (MAC group), 200 + prefix
 * length broadcast ARP requests and multicast solicitations for a locked
 * guest's addresses from anyone else (the guest's MAC group, or the VLAN
 * group for a target that several guests share; the longest prefix wins;
 * a prefix guest's own requests too), 150 the VLAN fan-out
 * from trusted ports, 100 every other broadcast and multicast of a VLAN
 * with unlocked guests (VLAN group), 0 NORMAL (bridge group).  The
 * announcements and prefix requests go on to the unlocked guests' table
 * (45), where a VLAN group outputs to its unlocked guests (100; the bridge
 * group drops at 0), so that a locked guest's MAC group does not change
 * when an unlocked guest comes or goes.  The egress table (50) holds
 * per-guest allows at 100 and the bridge group's drop at 0.
 *
 * A frame that arrived tagged from a trunk still carries its 802.1Q header in
 * the pipeline, and an explicit output sends a frame as it is, so every
 * delivery comes in two flavours: untagged (vlan_vid=0x0000), and tagged
 * (vlan_vid=0x1000/0x1000), which pops the tag before its outputs. */
#include <config.h>
#include "src/deliver.h"

#include <stdlib.h>
#include <string.h>

#include "src/policy.h"

enum {
    PRIO_REFLECTION = 500,
    PRIO_OWN = 400,
    PRIO_MAC = 300,
    PRIO_TARGET = 200, /* Plus the prefix length: the longest wins. */
    PRIO_FANOUT = 150,
    PRIO_FLOOD = 100,
    PRIO_EGRESS = 100,
    PRIO_UNLOCKED = 100,
};

#define ICMPV6_NS 135

/* Targets of one guest at most: its IPv4 and IPv6 lists and its link-local
 * address. */
#define TARGETS_MAX (2 * VG_POLICY_MAX_ADDRS + 1)

static const uint8_t eth_broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t eth_all_nodes[6] = { 0x33, 0x33, 0, 0, 0, 1 };
static const uint8_t eth_group_bit[6] = { 1, 0, 0, 0, 0, 0 };

/* Matches untagged frames, or any tagged frame if 'tagged'. */
static void
match_tag__(struct ofp_match *m, bool tagged)
{
    if (tagged) {
        uint8_t v[2] = { OFPVID_PRESENT >> 8, 0 };
        ofp_match_set(m, OFPF_VLAN_VID, v, v);
    } else {
        ofp_match_set_u16(m, OFPF_VLAN_VID, OFPVID_NONE);
    }
}

/* Appends to 'acts' (after a pop_vlan if 'tagged') an output to each of the
 * 'n' ports. */
static void
outputs__(struct ofp_actions *acts, bool tagged, const uint32_t *ports,
          size_t n)
{
    if (tagged) {
        ofp_actions_add_pop_vlan(acts);
    }
    for (size_t i = 0; i < n; i++) {
        ofp_actions_add_output(acts, ports[i], 0);
    }
}

static void
prefix_mask__(uint8_t len, size_t width, uint8_t *mask)
{
    memset(mask, 0, width);
    for (size_t i = 0; i < len; i++) {
        mask[i / 8] |= 0x80 >> (i % 8);
    }
}

static void
set_prefix4__(struct ofp_match *m, enum ofp_field_id f,
              const struct vg_prefix4 *a)
{
    uint8_t v[4], mask[4];
    ofp_set_be32(v, a->addr);
    prefix_mask__(a->len, 4, mask);
    if (a->len) {
        ofp_match_set(m, f, v, a->len == 32 ? NULL : mask);
    }
}

static void
set_prefix6__(struct ofp_match *m, enum ofp_field_id f,
              const struct vg_prefix6 *a)
{
    uint8_t mask[16];
    prefix_mask__(a->len, 16, mask);
    if (a->len) {
        ofp_match_set(m, f, a->addr, a->len == 128 ? NULL : mask);
    }
}

/* The guest's IPv6 addresses: its list plus its EUI-64 link-local address.
 * Returns the count; 'v' must hold VG_POLICY_MAX_ADDRS + 1 entries. */
static size_t
ipv6_addrs__(const struct vg_policy *p, struct vg_prefix6 *v)
{
    size_t n = 0;
    vg_ipv6_eui64_link_local(p->mac, &v[n++]);
    for (size_t i = 0; i < p->n_ipv6; i++) {
        if (memcmp(&p->ipv6[i].addr, &v[0].addr, 16) ||
            p->ipv6[i].len != v[0].len) {
            v[n++] = p->ipv6[i];
        }
    }
    return n;
}

/* Adds an egress allow: 'reg0' = the guest's VLAN context, its MAC, and
 * whatever the caller adds to the returned flow's match. */
static struct ofp_flow_mod *
add_egress__(const struct vg_delivery *d, struct vg_flow_group *g)
{
    struct ofp_flow_mod *fm =
        vg_flow_group_add(g, VG_TABLE_EGRESS, PRIO_EGRESS);
    ofp_match_set_u32(&fm->match, VG_REG_VLAN, VG_VLAN_CTX(d->vlan));
    ofp_match_set(&fm->match, OFPF_ETH_DST, d->policy->mac, NULL);
    outputs__(ofp_instructions_apply(&fm->insts), false, d->ports, d->n_ports);
    return fm;
}

/* A list of ports. */
struct ports__ {
    uint32_t *v;
    size_t n;
};

static void
ports_add__(struct ports__ *l, const uint32_t *ports, size_t n)
{
    l->v = ofp_xrealloc(l->v, (l->n + n + 1) * sizeof *l->v);
    if (n) {
        memcpy(&l->v[l->n], ports, n * sizeof *ports);
    }
    l->n += n;
}

/* Appends to 'acts' an output to NORMAL, then (after a pop_vlan if
 * 'tagged') one to each port of 'a' and of 'b' (either may be NULL). */
static void
normal_and__(struct ofp_actions *acts, bool tagged, const struct ports__ *a,
             const struct ports__ *b)
{
    struct ports__ all = { NULL, 0 };
    ofp_actions_add_output(acts, OFPP_NORMAL, 0);
    if (a) {
        ports_add__(&all, a->v, a->n);
    }
    if (b) {
        ports_add__(&all, b->v, b->n);
    }
    if (all.n) {
        outputs__(acts, tagged, all.v, all.n);
    }
    free(all.v);
}

/* The targets of locked guest policy 'p': its IPv4 addresses and prefixes,
 * then its IPv6 ones with its link-local address.  Returns the count; 'v'
 * must hold TARGETS_MAX entries. */
static size_t
guest_targets__(const struct vg_policy *p, struct vg_target *v)
{
    struct vg_prefix6 v6[VG_POLICY_MAX_ADDRS + 1];
    size_t n6 = ipv6_addrs__(p, v6);
    size_t n = 0;

    for (size_t j = 0; j < p->n_ipv4; j++) {
        struct vg_target *x = &v[n++];
        memset(x, 0, sizeof *x);
        ofp_set_be32(x->addr, p->ipv4[j].addr);
        x->len = p->ipv4[j].len;
    }
    for (size_t j = 0; j < n6; j++) {
        struct vg_target *x = &v[n++];
        memset(x, 0, sizeof *x);
        x->v6 = true;
        memcpy(x->addr, v6[j].addr, 16);
        x->len = v6[j].len;
    }
    return n;
}

static int
target_cmp__(const void *a_, const void *b_)
{
    const struct vg_target *a = a_, *b = b_;
    int c = (int)a->v6 - (int)b->v6;
    if (!c) {
        c = memcmp(a->addr, b->addr, 16);
    }
    return c ? c : (int)a->len - (int)b->len;
}

/* Makes 'fm' go on to the unlocked guests' table, where its VLAN group
 * outputs to the unlocked guests of the VLAN, if it has any. */
static void
to_unlocked__(struct ofp_flow_mod *fm)
{
    ofp_instructions_goto(&fm->insts, VG_TABLE_UNLOCKED);
}

/* Adds the flows that deliver broadcast ARP requests and multicast
 * Neighbor Solicitations for target 't' (from anyone but its owners' own
 * announcements of exact addresses, which match first) to the 'owners'
 * ports; for a prefix also to NORMAL and the unlocked guests.  Unicast
 * ones (NUD) go by their destination MAC like any other frame. */
static void
add_target__(uint16_t vlan, const struct vg_target *t,
             const struct ports__ *owners, struct vg_flow_group *g)
{
    /* An exact address belongs to its guest alone.  A prefix may hold
     * addresses of hosts beyond the guests (the router's, for one), so its
     * requests also go where NORMAL would send them. */
    bool prefix = t->len < (t->v6 ? 128 : 32);
    for (int tagged = 0; tagged < 2; tagged++) {
        struct ofp_flow_mod *fm =
            vg_flow_group_add(g, VG_TABLE_FORWARD, PRIO_TARGET + t->len);
        ofp_match_set_u32(&fm->match, VG_REG_VLAN, VG_VLAN_CTX(vlan));
        match_tag__(&fm->match, tagged);
        ofp_match_set(&fm->match, OFPF_ETH_DST, eth_group_bit, eth_group_bit);
        if (t->v6) {
            struct vg_prefix6 a;
            memcpy(a.addr, t->addr, 16);
            a.len = t->len;
            ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_IPV6);
            ofp_match_set_u8(&fm->match, OFPF_IP_PROTO, VG_IP_PROTO_ICMPV6);
            ofp_match_set_u8(&fm->match, OFPF_ICMPV6_TYPE, ICMPV6_NS);
            set_prefix6__(&fm->match, OFPF_IPV6_ND_TARGET, &a);
        } else {
            struct vg_prefix4 a = { ofp_get_be32(t->addr), t->len };
            ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_ARP);
            ofp_match_set_u16(&fm->match, OFPF_ARP_OP, 1);
            set_prefix4__(&fm->match, OFPF_ARP_TPA, &a);
        }
        struct ofp_actions *acts = ofp_instructions_apply(&fm->insts);
        if (prefix) {
            normal_and__(acts, tagged, owners, NULL);
            to_unlocked__(fm);
        } else {
            outputs__(acts, tagged, owners->v, owners->n);
        }
    }
}

/* Adds the flows that send the own announcements of locked guest 'd'
 * (gratuitous ARP, DAD probes: ARP requests and solicitations for its
 * exact addresses among its 'nt' targets 't') to NORMAL and to the
 * unlocked guests, not back to 'd'.  Not for a prefix: what it asks for an
 * address in its prefix may be another host's (a guest's exact address,
 * whose owner alone must get it, to answer or defend it), so those take
 * the target flows like anyone's, which reach NORMAL and the unlocked
 * guests anyway. */
static void
add_own__(const struct vg_delivery *d, const struct vg_target *t, size_t nt,
          struct vg_flow_group *g)
{
    for (size_t k = 0; k < d->n_ports; k++) {
        for (size_t i = 0; i < nt; i++) {
            if (t[i].len < (t[i].v6 ? 128 : 32)) {
                continue;
            }
            struct ofp_flow_mod *fm =
                vg_flow_group_add(g, VG_TABLE_FORWARD, PRIO_OWN);
            ofp_match_set_u32(&fm->match, OFPF_IN_PORT, d->ports[k]);
            if (!t[i].v6) {
                struct vg_prefix4 a = { ofp_get_be32(t[i].addr), t[i].len };
                ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_ARP);
                ofp_match_set_u16(&fm->match, OFPF_ARP_OP, 1);
                set_prefix4__(&fm->match, OFPF_ARP_TPA, &a);
            } else {
                struct vg_prefix6 a;
                memcpy(a.addr, t[i].addr, 16);
                a.len = t[i].len;
                ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_IPV6);
                ofp_match_set_u8(&fm->match, OFPF_IP_PROTO,
                                 VG_IP_PROTO_ICMPV6);
                ofp_match_set_u8(&fm->match, OFPF_ICMPV6_TYPE, ICMPV6_NS);
                set_prefix6__(&fm->match, OFPF_IPV6_ND_TARGET, &a);
            }
            /* Guests' frames are never tagged (table 0). */
            ofp_actions_add_output(ofp_instructions_apply(&fm->insts),
                                   OFPP_NORMAL, 0);
            to_unlocked__(fm);
        }
    }
}

void
vg_deliver_guest(const struct vg_delivery *d, const struct vg_vlan_view *view,
                 struct vg_flow_group *g)
{
    const struct vg_policy *p = d->policy;
    struct vg_prefix6 v6[VG_POLICY_MAX_ADDRS + 1];
    size_t n6 = ipv6_addrs__(p, v6);
    struct ofp_flow_mod *fm;

    /* Its MAC as a source from a trusted port: its own broadcast reflected
     * by the upstream switch of a bond (NORMAL drops those too), or someone
     * outside claiming it.  Never delivered anywhere. */
    fm = vg_flow_group_add(g, VG_TABLE_FORWARD, PRIO_REFLECTION);
    ofp_match_set_u32(&fm->match, VG_REG_SOURCE, VG_SOURCE_TRUSTED);
    ofp_match_set(&fm->match, OFPF_ETH_SRC, p->mac, NULL);

    for (int tagged = 0; tagged < 2; tagged++) {
        /* Everything addressed to its MAC, whatever the VLAN context: the
         * egress table decides.  Never NORMAL, which would flood it to no
         * guest while the MAC is not learned. */
        fm = vg_flow_group_add(g, VG_TABLE_FORWARD, PRIO_MAC);
        ofp_match_set(&fm->match, OFPF_ETH_DST, p->mac, NULL);
        match_tag__(&fm->match, tagged);
        if (tagged) {
            ofp_actions_add_pop_vlan(ofp_instructions_apply(&fm->insts));
        }
        ofp_instructions_goto(&fm->insts, VG_TABLE_EGRESS);
    }

    if (p->mode == VG_MODE_UNLOCKED) {
        /* Egress: whatever is addressed to its MAC on its VLAN, as NORMAL
         * would deliver it. */
        add_egress__(d, g);
        return;
    }

    /* Egress: frames for its MAC (untagged by now) on its VLAN, to its
     * addresses only. */
    for (size_t i = 0; i < p->n_ipv4; i++) {
        fm = add_egress__(d, g);
        ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_IPV4);
        set_prefix4__(&fm->match, OFPF_IPV4_DST, &p->ipv4[i]);

        fm = add_egress__(d, g);
        ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_ARP);
        set_prefix4__(&fm->match, OFPF_ARP_TPA, &p->ipv4[i]);
    }
    /* DHCP server replies, before the guest has its address. */
    fm = add_egress__(d, g);
    ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_IPV4);
    ofp_match_set_u8(&fm->match, OFPF_IP_PROTO, VG_IP_PROTO_UDP);
    ofp_match_set_u16(&fm->match, OFPF_UDP_SRC, 67);
    ofp_match_set_u16(&fm->match, OFPF_UDP_DST, 68);
    for (size_t i = 0; i < n6; i++) {
        fm = add_egress__(d, g);
        ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, VG_ETH_TYPE_IPV6);
        set_prefix6__(&fm->match, OFPF_IPV6_DST, &v6[i]);
    }

    if (!view) {
        return; /* Not in its VLAN yet. */
    }
    /* Its announcements, and the requests for its targets that no other
     * guest of the VLAN shares. */
    struct vg_target t[TARGETS_MAX];
    size_t nt = guest_targets__(p, t);
    struct ports__ owners = { (uint32_t *)d->ports, d->n_ports };
    add_own__(d, t, nt, g);
    for (size_t i = 0; i < nt; i++) {
        if (!view->n_shared || !bsearch(&t[i], view->shared, view->n_shared,
                                        sizeof t[i], target_cmp__)) {
            add_target__(d->vlan, &t[i], &owners, g);
        }
    }
}

void
vg_deliver_disabled(const uint8_t mac[6], struct vg_flow_group *g)
{
    struct ofp_flow_mod *fm = vg_flow_group_add(g, VG_TABLE_FORWARD, PRIO_MAC);
    ofp_match_set(&fm->match, OFPF_ETH_DST, mac, NULL);
}

size_t
vg_deliver_egress_ports(uint8_t table_id, const struct ofp_match *match,
                        const struct ofp_instructions *insts, uint8_t mac[6],
                        uint32_t ports[2])
{
    static const uint8_t exact[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    uint8_t mask[6];

    if (table_id != VG_TABLE_EGRESS ||
        !ofp_match_get(match, OFPF_ETH_DST, mac, mask) ||
        memcmp(mask, exact, 6) || mac[0] & 1 ||
        insts->present != 1u << OFPIT_APPLY_ACTIONS || insts->apply.n < 1 ||
        insts->apply.n > 2) {
        return 0;
    }
    for (size_t i = 0; i < insts->apply.n; i++) {
        const struct ofp_action *a = &insts->apply.acts[i];
        if (a->type != OFPAT_OUTPUT || !a->output.port ||
            a->output.port > OFPP_MAX) {
            return 0;
        }
        ports[i] = a->output.port;
    }
    return insts->apply.n;
}

/* One target of one locked guest port of a VLAN. */
struct owned__ {
    struct vg_target t;
    size_t member; /* Index of the guest among the VLAN's members. */
    uint32_t port;
};

static int
owned_cmp__(const void *a_, const void *b_)
{
    const struct owned__ *a = a_, *b = b_;
    int c = target_cmp__(&a->t, &b->t);
    if (!c) {
        c = (a->member > b->member) - (a->member < b->member);
    }
    return c ? c : (a->port > b->port) - (a->port < b->port);
}

/* Lists every target of every port of the locked guests among the 'n'
 * 'members' that more than one of them owns, sorted by target; returns the
 * count.  (Most targets have one owner: they are told apart with a hash
 * table, and only the shared ones are sorted.) */
static size_t
collect_shared__(const struct vg_delivery *members, size_t n,
                 struct owned__ **vp)
{
    size_t max = 0;
    for (size_t i = 0; i < n; i++) {
        if (members[i].policy->mode != VG_MODE_UNLOCKED) {
            const struct vg_policy *p = members[i].policy;
            max += (p->n_ipv4 + p->n_ipv6 + 1) * members[i].n_ports;
        }
    }
    struct owned__ *v = ofp_xcalloc(max ? max : 1, sizeof *v);
    size_t nv = 0;
    for (size_t i = 0; i < n; i++) {
        const struct vg_delivery *d = &members[i];
        if (d->policy->mode == VG_MODE_UNLOCKED) {
            continue;
        }
        struct vg_target t[TARGETS_MAX];
        size_t nt = guest_targets__(d->policy, t);
        for (size_t k = 0; k < d->n_ports; k++) {
            for (size_t j = 0; j < nt; j++) {
                v[nv++] = (struct owned__){ t[j], i, d->ports[k] };
            }
        }
    }

    /* Open addressing, at most half full: per slot the index + 1 of the
     * first entry with its target, or 0. */
    size_t mask = 1;
    while (mask < 2 * nv) {
        mask <<= 1;
    }
    mask--;
    size_t *slots = ofp_xcalloc(mask + 1, sizeof *slots);
    size_t *first = ofp_xcalloc(nv ? nv : 1, sizeof *first);
    bool *shared = ofp_xcalloc(nv ? nv : 1, sizeof *shared); /* By first. */
    for (size_t i = 0; i < nv; i++) {
        const struct vg_target *t = &v[i].t;
        size_t h = (size_t)vg_hash_bytes(t->addr, sizeof t->addr,
                                         (uint64_t)t->len << 1 | t->v6);
        while (slots[h & mask] && target_cmp__(&v[slots[h & mask] - 1].t, t)) {
            h++;
        }
        if (!slots[h & mask]) {
            slots[h & mask] = i + 1;
        }
        first[i] = slots[h & mask] - 1;
        if (v[first[i]].member != v[i].member) {
            shared[first[i]] = true;
        }
    }
    size_t nk = 0;
    for (size_t i = 0; i < nv; i++) {
        if (shared[first[i]]) {
            v[nk++] = v[i]; /* nk <= i: 'first' stays valid. */
        }
    }
    free(slots);
    free(first);
    free(shared);
    qsort(v, nk, sizeof *v, owned_cmp__);
    *vp = v;
    return nk;
}

void
vg_vlan_view_init(struct vg_vlan_view *view, const struct vg_delivery *members,
                  size_t n)
{
    struct owned__ *v;
    size_t nv = collect_shared__(members, n, &v);
    view->shared = ofp_xcalloc(nv ? nv : 1, sizeof *view->shared);
    view->owner_ports = ofp_xcalloc(nv ? nv : 1, sizeof *view->owner_ports);
    view->owner_start = ofp_xcalloc(nv + 1, sizeof *view->owner_start);
    view->n_shared = 0;
    for (size_t i = 0; i < nv; i++) {
        if (!i || target_cmp__(&v[i].t, &v[i - 1].t)) {
            view->owner_start[view->n_shared] = i;
            view->shared[view->n_shared++] = v[i].t;
        }
        view->owner_ports[i] = v[i].port;
    }
    view->owner_start[view->n_shared] = nv;
    free(v);

    view->hash =
        vg_hash_bytes(view->shared, view->n_shared * sizeof *view->shared,
                      0xcbf29ce484222325ULL);
}

void
vg_vlan_view_destroy(struct vg_vlan_view *view)
{
    if (view) {
        free(view->shared);
        free(view->owner_ports);
        free(view->owner_start);
        memset(view, 0, sizeof *view);
    }
}

void
vg_deliver_vlan(uint16_t vlan, const struct vg_delivery *members, size_t n,
                const struct vg_vlan_view *view, struct vg_flow_group *g)
{
    struct ofp_flow_mod *fm;

    /* Trunk frames of this VLAN get its context. */
    fm = vg_flow_group_add(g, VG_TABLE_TRUNK, 100);
    if (vlan) {
        ofp_match_set_u16(&fm->match, OFPF_VLAN_VID, OFPVID_PRESENT | vlan);
    } else {
        ofp_match_set_u16(&fm->match, OFPF_VLAN_VID, OFPVID_NONE);
    }
    uint8_t ctx[4];
    ofp_set_be32(ctx, VG_VLAN_CTX(vlan));
    ofp_actions_add_set_field(ofp_instructions_apply(&fm->insts), VG_REG_VLAN,
                              ctx);
    ofp_instructions_goto(&fm->insts, VG_TABLE_FORWARD);

    /* The ports of the locked and of the unlocked guests. */
    struct ports__ locked = { NULL, 0 }, unlocked = { NULL, 0 };
    for (size_t i = 0; i < n; i++) {
        const struct vg_delivery *d = &members[i];
        ports_add__(d->policy->mode == VG_MODE_UNLOCKED ? &unlocked : &locked,
                    d->ports, d->n_ports);
    }

    /* ARP requests and Neighbor Solicitations for a target that several
     * locked guests are allowed (an address in conflict; a prefix of SLAAC
     * guests of one network, each of whom may own any address in it): to
     * all of them.  A target of one guest alone is in its MAC group. */
    for (size_t i = 0; i < view->n_shared; i++) {
        size_t start = view->owner_start[i];
        struct ports__ owners = { &view->owner_ports[start],
                                  view->owner_start[i + 1] - start };
        add_target__(vlan, &view->shared[i], &owners, g);
    }
    for (int tagged = 0; tagged < 2; tagged++) {
        /* What every locked guest needs from trusted ports: NORMAL for the
         * rest of the network, plus an output to each guest. */
        for (int kind = 0; kind < 4 && locked.n; kind++) {
            fm = vg_flow_group_add(g, VG_TABLE_FORWARD, PRIO_FANOUT);
            struct ofp_match *m = &fm->match;
            ofp_match_set_u32(m, VG_REG_VLAN, VG_VLAN_CTX(vlan));
            ofp_match_set_u32(m, VG_REG_SOURCE, VG_SOURCE_TRUSTED);
            match_tag__(m, tagged);
            switch (kind) {
            case 0: /* Broadcast ARP requests (gratuitous ARP of a router
                     * failover included); unicast ones (NUD) are not. */
                ofp_match_set(m, OFPF_ETH_DST, eth_broadcast, NULL);
                ofp_match_set_u16(m, OFPF_ETH_TYPE, VG_ETH_TYPE_ARP);
                ofp_match_set_u16(m, OFPF_ARP_OP, 1);
                break;
            case 1: /* Broadcast ARP replies (gratuitous ARP). */
                ofp_match_set(m, OFPF_ETH_DST, eth_broadcast, NULL);
                ofp_match_set_u16(m, OFPF_ETH_TYPE, VG_ETH_TYPE_ARP);
                ofp_match_set_u16(m, OFPF_ARP_OP, 2);
                break;
            case 2: /* DHCP server broadcasts. */
                ofp_match_set(m, OFPF_ETH_DST, eth_broadcast, NULL);
                ofp_match_set_u16(m, OFPF_ETH_TYPE, VG_ETH_TYPE_IPV4);
                ofp_match_set_u8(m, OFPF_IP_PROTO, VG_IP_PROTO_UDP);
                ofp_match_set_u16(m, OFPF_UDP_SRC, 67);
                ofp_match_set_u16(m, OFPF_UDP_DST, 68);
                break;
            case 3: /* IPv6 all-nodes: RA, MLD queries. */
                ofp_match_set(m, OFPF_ETH_DST, eth_all_nodes, NULL);
                ofp_match_set_u16(m, OFPF_ETH_TYPE, VG_ETH_TYPE_IPV6);
                break;
            }
            normal_and__(ofp_instructions_apply(&fm->insts), tagged, &locked,
                         &unlocked);
        }

        /* The unlocked guests (NO_FLOOD like the locked ones) get every
         * other broadcast and multicast of the VLAN, from any port, as
         * NORMAL would flood it to them.  (OVS never outputs a frame to
         * its input port.) */
        if (unlocked.n) {
            fm = vg_flow_group_add(g, VG_TABLE_FORWARD, PRIO_FLOOD);
            ofp_match_set_u32(&fm->match, VG_REG_VLAN, VG_VLAN_CTX(vlan));
            match_tag__(&fm->match, tagged);
            ofp_match_set(&fm->match, OFPF_ETH_DST, eth_group_bit,
                          eth_group_bit);
            normal_and__(ofp_instructions_apply(&fm->insts), tagged, &unlocked,
                         NULL);
        }
    }

    /* The locked guests' announcements and the requests for their
     * prefixes, for the unlocked guests (untagged by now). */
    if (unlocked.n) {
        fm = vg_flow_group_add(g, VG_TABLE_UNLOCKED, PRIO_UNLOCKED);
        ofp_match_set_u32(&fm->match, VG_REG_VLAN, VG_VLAN_CTX(vlan));
        outputs__(ofp_instructions_apply(&fm->insts), false, unlocked.v,
                  unlocked.n);
    }
    free(locked.v);
    free(unlocked.v);
}
