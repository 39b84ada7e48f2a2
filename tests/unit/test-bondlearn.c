/* Unit tests for the pure part of src/bondlearn.c: the learning frame's
 * exact bytes (the RARP request Open vSwitch sends, lib/packets.c
 * compose_rarp), the PACKET_OUT messages for a set of guest MACs (decoded
 * back with libofp), which member of a bond is active, and which bonds get
 * learning frames. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "ofp/msgs.h"
#include "src/bondlearn.h"
#include "src/model.h"
#include "tests/unit/check.h"

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0x10, 0x0b };
static const uint8_t mac_c[6] = { 0x02, 0, 0, 0, 0x10, 0x0d };

static void
test_frame(void)
{
    static const uint8_t untagged[] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x10,
        0x0b, 0x80, 0x35, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x03,
        0x02, 0x00, 0x00, 0x00, 0x10, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x02,
        0x00, 0x00, 0x00, 0x10, 0x0b, 0x00, 0x00, 0x00, 0x00,
    };
    uint8_t f[VG_BONDLEARN_FRAME_MAX];

    CHECK_EQ(vg_bondlearn_frame(mac_a, 0, f), sizeof untagged);
    CHECK(!memcmp(f, untagged, sizeof untagged));

    /* VLAN 10: the 802.1Q tag after the source MAC, the rest the same. */
    CHECK_EQ(vg_bondlearn_frame(mac_a, 10, f), sizeof untagged + 4);
    CHECK(!memcmp(f, untagged, 12));
    static const uint8_t tag[] = { 0x81, 0x00, 0x00, 0x0a };
    CHECK(!memcmp(f + 12, tag, 4));
    CHECK(!memcmp(f + 16, untagged + 12, sizeof untagged - 12));

    /* VLAN 4095 is the largest VID; out-of-range values go untagged. */
    CHECK_EQ(vg_bondlearn_frame(mac_a, 4095, f), sizeof untagged + 4);
    CHECK_EQ(f[14], 0x0f);
    CHECK_EQ(f[15], 0xff);
    CHECK_EQ(vg_bondlearn_frame(mac_a, 4096, f), sizeof untagged);
    CHECK_EQ(vg_bondlearn_frame(mac_a, -1, f), sizeof untagged);
}

/* Decodes the PACKET_OUTs in 'b' ('n' expected) and checks each against
 * the frame of 'want[i]' sent out of 'ofport'. */
static void
check_msgs(const struct ofp_buf *b, uint32_t ofport,
           const struct vg_bondlearn_mac *want, size_t n)
{
    size_t ofs = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK(ofs + 8 <= b->size);
        if (ofs + 8 > b->size) {
            return;
        }
        const uint8_t *msg = b->data + ofs;
        size_t len = (size_t)msg[2] << 8 | msg[3];
        struct ofp_packet_out po;
        CHECK_EQ(ofp_packet_out_decode(msg, len, &po), 0);
        CHECK_EQ(po.buffer_id, OFP_NO_BUFFER);
        CHECK_EQ(po.in_port, OFPP_CONTROLLER);
        CHECK_EQ(po.actions.n, 1);
        if (po.actions.n == 1) {
            CHECK_EQ(po.actions.acts[0].type, OFPAT_OUTPUT);
            CHECK_EQ(po.actions.acts[0].output.port, ofport);
        }
        uint8_t f[VG_BONDLEARN_FRAME_MAX];
        size_t flen = vg_bondlearn_frame(want[i].mac, want[i].vlan, f);
        CHECK_EQ(po.data_len, flen);
        CHECK(po.data_len == flen && !memcmp(po.data, f, flen));
        ofp_packet_out_uninit(&po);
        ofs += len;
    }
    CHECK_EQ(ofs, b->size);
}

static void
test_encode(void)
{
    const struct vg_bondlearn_mac in[] = {
        { { 0x02, 0, 0, 0, 0x10, 0x0c }, 10 },
        { { 0x02, 0, 0, 0, 0x10, 0x0b }, 0 },
        { { 0x02, 0, 0, 0, 0x10, 0x0c }, 10 }, /* HVM tap and vif. */
        { { 0x02, 0, 0, 0, 0x10, 0x0d }, 20 },
        { { 0x02, 0, 0, 0, 0x10, 0x0b }, 20 }, /* Same MAC, other VLAN. */
    };
    struct ofp_buf b;
    size_t n;

    /* Trunk: every MAC and VLAN once, sorted, tagged but VLAN 0. */
    ofp_buf_init(&b);
    CHECK_EQ(vg_bondlearn_encode(in, 5, -1, 7, 42, &b, &n), 0);
    CHECK_EQ(n, 4);
    const struct vg_bondlearn_mac trunk[] = {
        { { 0x02, 0, 0, 0, 0x10, 0x0b }, 0 },
        { { 0x02, 0, 0, 0, 0x10, 0x0b }, 20 },
        { { 0x02, 0, 0, 0, 0x10, 0x0c }, 10 },
        { { 0x02, 0, 0, 0, 0x10, 0x0d }, 20 },
    };
    check_msgs(&b, 7, trunk, 4);
    ofp_buf_uninit(&b);

    /* Access port of VLAN 20: that VLAN's MACs only, untagged. */
    ofp_buf_init(&b);
    CHECK_EQ(vg_bondlearn_encode(in, 5, 20, 3, 1, &b, &n), 0);
    CHECK_EQ(n, 2);
    struct vg_bondlearn_mac acc[2] = { { { 0 }, 0 }, { { 0 }, 0 } };
    memcpy(acc[0].mac, mac_a, 6);
    memcpy(acc[1].mac, mac_c, 6);
    check_msgs(&b, 3, acc, 2);
    ofp_buf_uninit(&b);

    /* Access port of VLAN 0 (Port.tag=0): the untagged network. */
    ofp_buf_init(&b);
    CHECK_EQ(vg_bondlearn_encode(in, 5, 0, 3, 1, &b, &n), 0);
    CHECK_EQ(n, 1);
    ofp_buf_uninit(&b);

    /* Nothing to send. */
    ofp_buf_init(&b);
    CHECK_EQ(vg_bondlearn_encode(NULL, 0, -1, 3, 1, &b, &n), 0);
    CHECK_EQ(n, 0);
    CHECK_EQ(b.size, 0);
    ofp_buf_uninit(&b);

    /* A port a PACKET_OUT cannot name: the encoder's error, no message. */
    ofp_buf_init(&b);
    CHECK(vg_bondlearn_encode(in, 5, -1, 0xfffffff0, 1, &b, &n) != 0);
    CHECK_EQ(n, 0);
    CHECK_EQ(b.size, 0);
    ofp_buf_uninit(&b);
}

/* A bridge with bond "bond0" (eth0, eth1), an access port "vif1.0" and, if
 * 'lacp', bond "bond1" (eth2, eth3) as balance-tcp with LACP. */
struct fixture {
    struct vg_iface ifaces[5];
    struct vg_bridge br;
};

static void
fixture_init(struct fixture *fx, const char *active, const char *mac0,
             const char *mac1)
{
    static char port0[] = "bond0", port1[] = "bond1", vif[] = "vif1.0";
    static char ab[] = "", tcp[] = "balance-tcp", none[] = "";
    static char n0[] = "eth0", n1[] = "eth1", n2[] = "eth2", n3[] = "eth3";
    static char other[] = "02:00:00:00:00:99";

    memset(fx, 0, sizeof *fx);
    char *names[] = { n0, n1, n2, n3, vif };
    for (size_t i = 0; i < 5; i++) {
        struct vg_iface *f = &fx->ifaces[i];
        f->name = names[i];
        f->ofport = (int64_t)i + 1;
        f->tag = -1;
        f->vlan_mode = none;
        f->bond_mode = none;
        f->n_port_ifaces = i < 4 ? 2 : 1;
        f->port_name = i < 2 ? port0 : i < 4 ? port1 : vif;
    }
    fx->ifaces[0].mac_in_use = (char *)mac0;
    fx->ifaces[1].mac_in_use = (char *)mac1;
    fx->ifaces[0].bond_active_mac = (char *)active;
    fx->ifaces[1].bond_active_mac = (char *)active;
    fx->ifaces[0].bond_mode = ab;
    fx->ifaces[1].bond_mode = ab;
    for (size_t i = 2; i < 4; i++) {
        fx->ifaces[i].bond_mode = tcp;
        fx->ifaces[i].link_protos = VG_LP_LACP;
        fx->ifaces[i].lacp_current = true;
        fx->ifaces[i].mac_in_use = other;
        fx->ifaces[i].bond_active_mac = other;
    }
    fx->br.ifaces = fx->ifaces;
    fx->br.n_ifaces = 5;
}

static void
test_active(void)
{
    struct fixture fx;
    bool amb;

    /* The member whose mac_in_use is bond_active_slave (any case). */
    fixture_init(&fx, "02:00:00:00:00:0B", "02:00:00:00:00:0a",
                 "02:00:00:00:00:0b");
    CHECK_EQ(vg_bond_active_ofport(&fx.br, "bond0", &amb), 2);
    CHECK(!amb);
    CHECK_EQ(vg_bond_active_ofport(&fx.br, "nosuch", &amb), 0);
    CHECK(!amb);
    /* Not a bond. */
    CHECK_EQ(vg_bond_active_ofport(&fx.br, "vif1.0", NULL), 0);

    /* mac_in_use not known yet (ephemeral after a restart). */
    fixture_init(&fx, "02:00:00:00:00:0b", "02:00:00:00:00:0a", NULL);
    CHECK_EQ(vg_bond_active_ofport(&fx.br, "bond0", &amb), 0);
    CHECK(!amb);

    /* No active member. */
    fixture_init(&fx, NULL, "02:00:00:00:00:0a", "02:00:00:00:00:0b");
    CHECK_EQ(vg_bond_active_ofport(&fx.br, "bond0", NULL), 0);

    /* The active member has no valid ofport. */
    fixture_init(&fx, "02:00:00:00:00:0b", "02:00:00:00:00:0a",
                 "02:00:00:00:00:0b");
    fx.ifaces[1].ofport = -1;
    CHECK_EQ(vg_bond_active_ofport(&fx.br, "bond0", &amb), 0);

    /* Members sharing the active MAC: the lowest port, flagged. */
    fixture_init(&fx, "02:00:00:00:00:0a", "02:00:00:00:00:0a",
                 "02:00:00:00:00:0a");
    fx.ifaces[0].ofport = 9;
    CHECK_EQ(vg_bond_active_ofport(&fx.br, "bond0", &amb), 2);
    CHECK(amb);
}

static void
test_bonds(void)
{
    struct fixture fx;
    struct vg_bondlearn_bond *v;
    size_t n;

    fixture_init(&fx, "02:00:00:00:00:0a", "02:00:00:00:00:0a",
                 "02:00:00:00:00:0b");
    vg_bondlearn_bonds(&fx.br, &v, &n);
    CHECK_EQ(n, 2);
    if (n == 2) {
        CHECK_STREQ(v[0].port, "bond0");
        CHECK(v[0].learn); /* bond_mode unset: active-backup. */
        CHECK_EQ(v[0].vlan, -1);
        CHECK_EQ(v[0].active, 1);
        CHECK(!v[0].ambiguous);
        CHECK_EQ(v[0].n_members, 2);
        CHECK_STREQ(v[1].port, "bond1");
        CHECK(!v[0].balance_tcp);
        CHECK(!v[1].learn); /* LACP negotiated. */
        CHECK(v[1].balance_tcp);
        CHECK_EQ(v[1].active, 3);
        CHECK(v[1].ambiguous);
    }
    vg_bondlearn_bonds_free(v, n);

    /* LACP not negotiated on any member (no partner; with
     * lacp-fallback-ab the bond is active-backup): learning frames. */
    fx.ifaces[2].lacp_current = false;
    vg_bondlearn_bonds(&fx.br, &v, &n);
    CHECK(n == 2 && !v[1].learn);
    vg_bondlearn_bonds_free(v, n);
    fx.ifaces[3].lacp_current = false;
    vg_bondlearn_bonds(&fx.br, &v, &n);
    CHECK(n == 2 && v[1].learn);
    vg_bondlearn_bonds_free(v, n);

    /* balance-slb, access VLAN 10. */
    static char slb[] = "balance-slb", access[] = "access";
    fixture_init(&fx, "02:00:00:00:00:0b", "02:00:00:00:00:0a",
                 "02:00:00:00:00:0b");
    for (size_t i = 0; i < 2; i++) {
        fx.ifaces[i].bond_mode = slb;
        fx.ifaces[i].tag = 10;
        fx.ifaces[i].vlan_mode = access;
    }
    vg_bondlearn_bonds(&fx.br, &v, &n);
    CHECK_EQ(n, 2);
    if (n == 2) {
        CHECK(v[0].learn);
        CHECK_EQ(v[0].vlan, 10);
        CHECK_EQ(v[0].active, 2);
    }
    vg_bondlearn_bonds_free(v, n);

    /* A trunk that also has a tag (native VLAN) is a trunk. */
    fx.ifaces[0].trunks = true;
    vg_bondlearn_bonds(&fx.br, &v, &n);
    CHECK(n == 2 && v[0].vlan == -1);
    vg_bondlearn_bonds_free(v, n);

    /* No bonds at all. */
    fx.br.ifaces = &fx.ifaces[4];
    fx.br.n_ifaces = 1;
    vg_bondlearn_bonds(&fx.br, &v, &n);
    CHECK_EQ(n, 0);
    vg_bondlearn_bonds_free(v, n);
}

int
main(void)
{
    test_frame();
    test_encode();
    test_active();
    test_bonds();
    return check_summary();
}
