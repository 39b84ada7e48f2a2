/* Decodes OpenFlow 1.3 messages captured from a real ovs-vswitchd.
 *
 * The files in tests/captures/ (one message per line, in hex; see README.md
 * there) were recorded by tests/captures/capture.py from Open vSwitch 3.1.
 * This program frames, classifies and decodes every message with libofp and
 * checks the decoded structs against what capture.py configured: datapath
 * id, ports (names, numbers, MACs), multipart splitting and reassembly,
 * port-status reasons, 1100 flows with their matches, instructions and
 * actions, groups, and the error OVS returned for each bad request.  It also
 * re-encodes what it decoded and compares the bytes with the capture.
 *
 * Expected values come from the committed captures: regenerating them
 * (random port MACs, durations) means updating the constants below.
 *
 * Usage: test-captures [CAPTURES_DIR]   (default: VG_CAPTURES_DIR, set by
 * tests/automake.mk to $(abs_top_srcdir)/tests/captures). */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "ofp/msgs.h"
#include "tests/unit/check.h"

#ifndef VG_CAPTURES_DIR
#define VG_CAPTURES_DIR "tests/captures"
#endif

#define COOKIE_BASE 0x5646000000000000ULL /* capture.py: flow i's cookie. */
#define N_FLOWS 1100
#define OFPPC_PORT_DOWN 1 /* Port config bit. */
#define OFPPS_LIVE 4      /* Port state bit. */

static const char *captures_dir = VG_CAPTURES_DIR;

/* The messages of one capture file. */
struct capture {
    uint8_t **msgs; /* Received messages, in order. */
    size_t *lens;
    size_t n;
    uint8_t **sent; /* "# sent:" requests (errors.hex), in order. */
    size_t *sent_lens;
    size_t n_sent;
};

/* Returns the value of hex digit 'c', or -1. */
static int
hex_digit__(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    } else if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Converts the hex string 's' ('len' characters, even) into a new malloc'd
 * block stored in '*out'.  Returns 0 or EINVAL. */
static int
hex_decode__(const char *s, size_t len, uint8_t **out)
{
    if (len % 2 || len == 0) {
        return EINVAL;
    }
    uint8_t *b = ofp_xmalloc(len / 2);
    for (size_t i = 0; i < len; i += 2) {
        int hi = hex_digit__(s[i]);
        int lo = hex_digit__(s[i + 1]);
        if (hi < 0 || lo < 0) {
            free(b);
            return EINVAL;
        }
        b[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    *out = b;
    return 0;
}

static void
append__(uint8_t ***msgs, size_t **lens, size_t *n, uint8_t *m, size_t len)
{
    *msgs = ofp_xrealloc(*msgs, (*n + 1) * sizeof **msgs);
    *lens = ofp_xrealloc(*lens, (*n + 1) * sizeof **lens);
    (*msgs)[*n] = m;
    (*lens)[*n] = len;
    (*n)++;
}

/* Reads capture file 'name' from the captures directory into 'c'.  Returns
 * 0 or an errno value (and reports it as a failed check). */
static int
capture_load(const char *name, struct capture *c)
{
    char path[4096];
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int error = 0;

    memset(c, 0, sizeof *c);
    snprintf(path, sizeof path, "%s/%s", captures_dir, name);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        CHECK(f != NULL);
        return errno;
    }
    while ((n = getline(&line, &cap, f)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
            line[--n] = '\0';
        }
        const char *sent = "# sent: ";
        uint8_t *m;
        if (!strncmp(line, sent, strlen(sent))) {
            size_t len = (size_t)n - strlen(sent);
            error = hex_decode__(line + strlen(sent), len, &m);
            if (!error) {
                append__(&c->sent, &c->sent_lens, &c->n_sent, m, len / 2);
            }
        } else if (n > 0 && line[0] != '#') {
            error = hex_decode__(line, (size_t)n, &m);
            if (!error) {
                append__(&c->msgs, &c->lens, &c->n, m, (size_t)n / 2);
            }
        }
        if (error) {
            fprintf(stderr, "%s: bad hex line\n", path);
            CHECK(!error);
            break;
        }
    }
    free(line);
    fclose(f);
    return error;
}

static void
capture_free(struct capture *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->msgs[i]);
    }
    for (size_t i = 0; i < c->n_sent; i++) {
        free(c->sent[i]);
    }
    free(c->msgs);
    free(c->lens);
    free(c->sent);
    free(c->sent_lens);
    memset(c, 0, sizeof *c);
}

/* Checks that message 'm' ('len' bytes) frames as exactly itself, that a
 * byte less is incomplete, and that it classifies as 'kind'. */
static void
check_framed(const uint8_t *m, size_t len, enum ofp_msg_kind kind)
{
    enum ofp_msg_kind got = OFPK_N_KINDS;
    size_t flen = 0;

    CHECK_EQ(ofp_msg_frame(m, len, &flen), 0);
    CHECK_EQ(flen, len);
    CHECK_EQ(ofp_msg_frame(m, len - 1, &flen), EAGAIN);
    CHECK_EQ(ofp_msg_classify(m, len, &got), 0);
    CHECK_EQ(got, kind);
}

/* Decodes 'm' with the generic ofp_msg_decode() and checks kind and xid. */
static void
check_generic_decode(const uint8_t *m, size_t len, enum ofp_msg_kind kind)
{
    struct ofp_msg msg;

    memset(&msg, 0, sizeof msg);
    CHECK_EQ(ofp_msg_decode(m, len, &msg), 0);
    CHECK_EQ(msg.kind, kind);
    CHECK_EQ(msg.xid, ofp_msg_xid(m));
    CHECK_EQ(msg.version, OFP13_VERSION);
    ofp_msg_uninit(&msg);
}

/* Checks that 'b' holds exactly the 'n' messages 'msgs' back to back. */
static bool
same_bytes(const struct ofp_buf *b, uint8_t **msgs, const size_t *lens,
           size_t n)
{
    size_t ofs = 0;

    for (size_t i = 0; i < n; i++) {
        if (ofs + lens[i] > b->size ||
            memcmp(b->data + ofs, msgs[i], lens[i])) {
            return false;
        }
        ofs += lens[i];
    }
    return ofs == b->size;
}

static void
test_hello(void)
{
    struct capture c;
    struct ofp_hello hello;
    struct ofp_buf b;

    if (capture_load("hello.hex", &c)) {
        return;
    }
    CHECK_EQ(c.n, 1);
    check_framed(c.msgs[0], c.lens[0], OFPK_HELLO);
    CHECK_EQ(ofp_hello_decode(c.msgs[0], c.lens[0], &hello), 0);
    CHECK_EQ(hello.version, OFP13_VERSION);
    CHECK_EQ(hello.version_bitmap, 1u << OFP13_VERSION);
    CHECK_EQ(ofp_hello_negotiate(1u << OFP13_VERSION, &hello), OFP13_VERSION);

    ofp_buf_init(&b);
    ofp_hello_encode(hello.version_bitmap, ofp_msg_xid(c.msgs[0]), &b);
    CHECK(same_bytes(&b, c.msgs, c.lens, 1));
    ofp_buf_uninit(&b);
    capture_free(&c);
}

static void
test_features(void)
{
    struct capture c;
    struct ofp_features f;
    struct ofp_buf b;

    if (capture_load("features.hex", &c)) {
        return;
    }
    CHECK_EQ(c.n, 1);
    check_framed(c.msgs[0], c.lens[0], OFPK_FEATURES_REPLY);
    check_generic_decode(c.msgs[0], c.lens[0], OFPK_FEATURES_REPLY);
    CHECK_EQ(ofp_features_decode(c.msgs[0], c.lens[0], &f), 0);
    CHECK_EQ(f.datapath_id, 0x00000000000a0001ULL);
    CHECK_EQ(f.n_buffers, 0);
    CHECK_EQ(f.n_tables, 254);
    CHECK_EQ(f.auxiliary_id, 0);
    /* FLOW_STATS TABLE_STATS PORT_STATS GROUP_STATS QUEUE_STATS. */
    CHECK_EQ(f.capabilities, 0x4f);
    CHECK_EQ(ofp_msg_xid(c.msgs[0]), 2);

    ofp_buf_init(&b);
    ofp_features_encode(&f, 2, &b);
    CHECK(same_bytes(&b, c.msgs, c.lens, 1));
    ofp_buf_uninit(&b);
    capture_free(&c);
}

static const struct ofp_port *
find_port(const struct ofp_mp_reply *r, uint32_t port_no)
{
    for (size_t i = 0; i < r->n; i++) {
        if (r->ports[i].port_no == port_no) {
            return &r->ports[i];
        }
    }
    return NULL;
}

/* Checks one port of a PORT_DESC reply: its name, and its MAC if 'mac' is
 * nonnull. */
static void
check_port(const struct ofp_mp_reply *r, uint32_t port_no, const char *name,
           const char *mac)
{
    const struct ofp_port *p = find_port(r, port_no);
    char s[18];

    CHECK(p != NULL);
    if (!p) {
        return;
    }
    CHECK_STREQ(p->name, name);
    if (mac) {
        snprintf(s, sizeof s, "%02x:%02x:%02x:%02x:%02x:%02x", p->hw_addr[0],
                 p->hw_addr[1], p->hw_addr[2], p->hw_addr[3], p->hw_addr[4],
                 p->hw_addr[5]);
        CHECK_STREQ(s, mac);
    }
}

/* Decodes the PORT_DESC reply in capture 'file' (expected in 'n_parts'
 * parts, xid 'xid') from a bridge named 'bridge' whose 'n_ports' dummy
 * ports are named PREFIX<i> with port number i + 1.  Returns the reassembled
 * reply in 'r'. */
static void
check_port_desc(const char *file, size_t n_parts, uint32_t xid,
                const char *bridge, char prefix, size_t n_ports,
                struct ofp_mp_reply *r)
{
    struct ofp_mp_assembler as;
    struct capture c;
    size_t n_sum = 0;
    bool done = false;

    ofp_mp_reply_init(r, OFPMP_PORT_DESC);
    if (capture_load(file, &c)) {
        return;
    }
    CHECK_EQ(c.n, n_parts);
    ofp_mp_assembler_init(&as);
    for (size_t i = 0; i < c.n; i++) {
        struct ofp_mp_reply part;

        check_framed(c.msgs[i], c.lens[i], OFPK_MULTIPART_REPLY);
        check_generic_decode(c.msgs[i], c.lens[i], OFPK_MULTIPART_REPLY);
        CHECK_EQ(ofp_msg_xid(c.msgs[i]), xid);
        CHECK_EQ(ofp_mp_reply_decode(c.msgs[i], c.lens[i], &part), 0);
        CHECK_EQ(part.type, OFPMP_PORT_DESC);
        CHECK_EQ(part.flags, i + 1 < c.n ? OFPMPF_REPLY_MORE : 0);
        CHECK_EQ(part.n, (c.lens[i] - 16) / 64);
        n_sum += part.n;
        ofp_mp_reply_uninit(&part);

        CHECK_EQ(ofp_mp_assembler_add(&as, c.msgs[i], c.lens[i], r, &done), 0);
        CHECK_EQ(done, i + 1 == c.n);
    }
    ofp_mp_assembler_uninit(&as);
    CHECK_EQ(r->type, OFPMP_PORT_DESC);
    CHECK_EQ(r->n, n_ports + 1);
    CHECK_EQ(n_sum, r->n);

    /* Every dummy port has the name capture.py gave it; LOCAL is the
     * bridge; no port number appears twice. */
    size_t n_named = 0;
    for (size_t i = 0; i < r->n; i++) {
        const struct ofp_port *p = &r->ports[i];
        char name[32];

        if (p->port_no == OFPP_LOCAL) {
            CHECK_STREQ(p->name, bridge);
            continue;
        }
        snprintf(name, sizeof name, "%c%u", prefix, p->port_no - 1);
        n_named += p->port_no >= 1 && p->port_no <= n_ports &&
                   !strcmp(p->name, name) && p->config == 0 &&
                   p->state == OFPPS_LIVE;
        CHECK(find_port(r, p->port_no) == p);
    }
    CHECK_EQ(n_named, n_ports);

    /* Re-encoding gives back the same bytes, split at the same places. */
    struct ofp_buf b;
    ofp_buf_init(&b);
    CHECK_EQ(ofp_mp_reply_encode(r, xid, 0, &b), 0);
    CHECK(same_bytes(&b, c.msgs, c.lens, c.n));
    ofp_buf_uninit(&b);
    capture_free(&c);
}

static void
test_port_desc(void)
{
    struct ofp_mp_reply r;

    /* 130 ports + LOCAL fit one message. */
    check_port_desc("port-desc-small.hex", 1, 0x10, "vgcapa", 'a', 130, &r);
    check_port(&r, 1, "a0", "aa:55:aa:55:00:0f");
    check_port(&r, 2, "a1", "aa:55:aa:55:00:24");
    check_port(&r, 64, "a63", "aa:55:aa:55:00:45");
    check_port(&r, 130, "a129", "aa:55:aa:55:00:35");
    check_port(&r, OFPP_LOCAL, "vgcapa", "02:0a:00:00:00:01");
    ofp_mp_reply_uninit(&r);

    /* 1100 ports + LOCAL: OVS sends 1023 ports (65488 bytes), then 78. */
    check_port_desc("port-desc-large.hex", 2, 0x20, "vgcapb", 'b', 1100, &r);
    check_port(&r, 1, "b0", "aa:55:aa:55:01:06");
    check_port(&r, 1023, "b1022", "aa:55:aa:55:04:85");
    check_port(&r, 1100, "b1099", "aa:55:aa:55:04:8c");
    check_port(&r, OFPP_LOCAL, "vgcapb", NULL);
    ofp_mp_reply_uninit(&r);
}

static void
test_port_status(void)
{
    static const uint8_t reasons[] = { OFPPR_ADD, OFPPR_MODIFY, OFPPR_MODIFY,
                                       OFPPR_MODIFY, OFPPR_DELETE };
    static const uint8_t mac[6] = { 0xaa, 0x55, 0xaa, 0x55, 0x04, 0xdc };
    struct ofp_port_status ps[5];
    struct capture c;

    if (capture_load("port-status.hex", &c)) {
        return;
    }
    CHECK_EQ(c.n, 5);
    for (size_t i = 0; i < c.n && i < 5; i++) {
        struct ofp_buf b;

        check_framed(c.msgs[i], c.lens[i], OFPK_PORT_STATUS);
        check_generic_decode(c.msgs[i], c.lens[i], OFPK_PORT_STATUS);
        CHECK_EQ(ofp_port_status_decode(c.msgs[i], c.lens[i], &ps[i]), 0);
        CHECK_EQ(ps[i].reason, reasons[i]);
        CHECK_EQ(ps[i].desc.port_no, 500);
        CHECK_STREQ(ps[i].desc.name, "newport");
        CHECK(!memcmp(ps[i].desc.hw_addr, mac, 6));

        ofp_buf_init(&b);
        ofp_port_status_encode(&ps[i], ofp_msg_xid(c.msgs[i]), &b);
        CHECK(same_bytes(&b, &c.msgs[i], &c.lens[i], 1));
        ofp_buf_uninit(&b);
    }
    if (c.n == 5) {
        /* Added down, link up (LIVE), ovs-ofctl mod-port down, deleted. */
        CHECK_EQ(ps[0].desc.state, 0);
        CHECK_EQ(ps[1].desc.state, OFPPS_LIVE);
        CHECK_EQ(ps[1].desc.config, 0);
        CHECK_EQ(ps[2].desc.config, OFPPC_PORT_DOWN);
        CHECK_EQ(ps[4].desc.config, OFPPC_PORT_DOWN);
    }
    capture_free(&c);
}

static const struct ofp_flow_stats *
find_flow(const struct ofp_mp_reply *r, uint64_t cookie)
{
    for (size_t i = 0; i < r->n; i++) {
        if (r->flows[i].cookie == cookie) {
            return &r->flows[i];
        }
    }
    return NULL;
}

/* Parses MAC "xx:xx:xx:xx:xx:xx" into 'out'. */
static void
mac(const char *s, uint8_t out[6])
{
    unsigned int v[6];

    sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]);
    for (int i = 0; i < 6; i++) {
        out[i] = (uint8_t)v[i];
    }
}

/* Parses IPv6 address 's' into 'out'. */
static void
ip6(const char *s, uint8_t out[16])
{
    CHECK_EQ(inet_pton(AF_INET6, s, out), 1);
}

/* Checks that 'match' matches field 'id' with the 'len'-byte 'value' and
 * 'mask' (NULL: exact). */
static void
check_field(const struct ofp_match *match, enum ofp_field_id id,
            const void *value, const void *mask, size_t len)
{
    uint8_t v[16], m[16], ones[16];

    memset(ones, 0xff, sizeof ones);
    CHECK(ofp_match_get(match, id, v, m));
    CHECK(!memcmp(v, value, len));
    CHECK(!memcmp(m, mask ? mask : ones, len));
    CHECK_EQ(!!(match->masked & (1ULL << id)), mask != NULL);
}

static void
check_uint(const struct ofp_match *match, enum ofp_field_id id, uint64_t v)
{
    CHECK(ofp_match_has(match, id));
    CHECK_EQ(ofp_match_get_uint(match, id), v);
    CHECK(!(match->masked & (1ULL << id)));
}

static uint64_t
bit(enum ofp_field_id id)
{
    return 1ULL << id;
}

/* Checks that 'acts' is exactly one output to 'port' (max_len 'max_len'
 * for CONTROLLER). */
static void
check_output(const struct ofp_action *a, uint32_t port, uint16_t max_len)
{
    CHECK_EQ(a->type, OFPAT_OUTPUT);
    CHECK_EQ(a->output.port, port);
    if (port == OFPP_CONTROLLER) {
        CHECK_EQ(a->output.max_len, max_len);
    }
}

/* Checks 16 flows of flows.txt in detail, one of each shape. */
static void
check_specific_flows(const struct ofp_mp_reply *r)
{
    const struct ofp_flow_stats *f;
    const struct ofp_match *m;
    const struct ofp_instructions *in;
    const struct ofp_action *a;
    uint8_t x[16], y[16];

#define FLOW(I)                          \
    f = find_flow(r, COOKIE_BASE + (I)); \
    CHECK(f != NULL);                    \
    if (!f) {                            \
        return;                          \
    }                                    \
    m = &f->match;                       \
    in = &f->insts;                      \
    a = in->apply.acts;                  \
    CHECK_EQ(f->priority, 100 + (I)*7);  \
    CHECK_EQ(f->packet_count, 0);        \
    CHECK_EQ(f->byte_count, 0)

    /* in_port=1,dl_src=02:00:00:00:ac:84,actions=goto_table:1 */
    FLOW(0);
    CHECK_EQ(f->table_id, 0);
    CHECK_EQ(m->present, bit(OFPF_IN_PORT) | bit(OFPF_ETH_SRC));
    check_uint(m, OFPF_IN_PORT, 1);
    mac("02:00:00:00:ac:84", x);
    check_field(m, OFPF_ETH_SRC, x, NULL, 6);
    CHECK_EQ(in->present, 1u << OFPIT_GOTO_TABLE);
    CHECK_EQ(in->goto_table, 1);
    CHECK_EQ(f->idle_timeout, 0);
    CHECK_EQ(f->hard_timeout, 0);
    CHECK_EQ(f->flags, 0);

    /* in_port=2,dl_src=M,dl_dst=M/ff:ff:ff:00:00:00,actions=output:3 */
    FLOW(1);
    CHECK_EQ(f->table_id, 0);
    CHECK_EQ(m->present,
             bit(OFPF_IN_PORT) | bit(OFPF_ETH_SRC) | bit(OFPF_ETH_DST));
    mac("02:00:00:01:4c:bb", x);
    check_field(m, OFPF_ETH_SRC, x, NULL, 6);
    mac("02:00:00:00:00:00", x); /* OVS stores the value masked. */
    mac("ff:ff:ff:00:00:00", y);
    check_field(m, OFPF_ETH_DST, x, y, 6);
    CHECK_EQ(in->present, 1u << OFPIT_APPLY_ACTIONS);
    CHECK_EQ(in->apply.n, 1);
    check_output(&a[0], 3, 0);

    /* ip,in_port=3,nw_src=10.0.2.3,actions=NORMAL */
    FLOW(2);
    CHECK_EQ(f->table_id, 1);
    check_uint(m, OFPF_ETH_TYPE, 0x0800);
    check_uint(m, OFPF_IPV4_SRC, 0x0a000203);
    CHECK_EQ(in->apply.n, 1);
    check_output(&a[0], OFPP_NORMAL, 0);

    /* tcp,nw_dst=10.3.0.0/16,tp_dst=4,actions=output:4 */
    FLOW(3);
    CHECK_EQ(f->table_id, 1);
    CHECK_EQ(m->present, bit(OFPF_ETH_TYPE) | bit(OFPF_IP_PROTO) |
                             bit(OFPF_IPV4_DST) | bit(OFPF_TCP_DST));
    check_uint(m, OFPF_IP_PROTO, 6);
    memcpy(x, "\x0a\x03\x00\x00", 4);
    memcpy(y, "\xff\xff\x00\x00", 4);
    check_field(m, OFPF_IPV4_DST, x, y, 4);
    check_uint(m, OFPF_TCP_DST, 4);
    check_output(&a[0], 4, 0);

    /* udp,in_port=5,udp_src=68,udp_dst=67,actions=CONTROLLER:128 */
    FLOW(4);
    check_uint(m, OFPF_IN_PORT, 5);
    check_uint(m, OFPF_IP_PROTO, 17);
    check_uint(m, OFPF_UDP_SRC, 68);
    check_uint(m, OFPF_UDP_DST, 67);
    CHECK_EQ(in->apply.n, 1);
    check_output(&a[0], OFPP_CONTROLLER, 128);

    /* arp,in_port=6,arp_op=1,arp_spa=10.0.5.6,arp_sha=M,actions=NORMAL */
    FLOW(5);
    check_uint(m, OFPF_ETH_TYPE, 0x0806);
    check_uint(m, OFPF_ARP_OP, 1);
    check_uint(m, OFPF_ARP_SPA, 0x0a000506);
    mac("02:00:00:05:19:d0", x);
    check_field(m, OFPF_ARP_SHA, x, NULL, 6);
    check_output(&a[0], OFPP_NORMAL, 0);

    /* ipv6,ipv6_src=fe80::6:6/64,actions=drop */
    FLOW(6);
    CHECK_EQ(f->table_id, 2);
    CHECK_EQ(m->present, bit(OFPF_ETH_TYPE) | bit(OFPF_IPV6_SRC));
    ip6("fe80::", x);
    ip6("ffff:ffff:ffff:ffff::", y);
    check_field(m, OFPF_IPV6_SRC, x, y, 16);
    CHECK_EQ(in->present, 0);

    /* icmp6,icmp_type=135,nd_target=fe80::7,nd_sll=M,actions=output:8 */
    FLOW(7);
    check_uint(m, OFPF_ETH_TYPE, 0x86dd);
    check_uint(m, OFPF_IP_PROTO, 58);
    check_uint(m, OFPF_ICMPV6_TYPE, 135);
    ip6("fe80::7", x);
    check_field(m, OFPF_IPV6_ND_TARGET, x, NULL, 16);
    mac("02:00:00:07:2b:5d", x);
    check_field(m, OFPF_IPV6_ND_SLL, x, NULL, 6);
    check_output(&a[0], 8, 0);

    /* in_port=1,dl_vlan=9,dl_vlan_pcp=3,actions=pop_vlan,output:1 */
    FLOW(8);
    check_uint(m, OFPF_VLAN_VID, OFPVID_PRESENT | 9);
    check_uint(m, OFPF_VLAN_PCP, 3);
    CHECK_EQ(in->apply.n, 2);
    CHECK_EQ(a[0].type, OFPAT_POP_VLAN);
    check_output(&a[1], 1, 0);

    /* in_port=2,vlan_tci=0x0000/0x1fff,dl_src=M,
     * actions=push_vlan:0x8100,set_field:4106->vlan_vid,output:3 */
    FLOW(9);
    check_uint(m, OFPF_VLAN_VID, OFPVID_NONE);
    CHECK_EQ(in->apply.n, 3);
    CHECK_EQ(a[0].type, OFPAT_PUSH_VLAN);
    CHECK_EQ(a[0].ethertype, 0x8100);
    CHECK_EQ(a[1].type, OFPAT_SET_FIELD);
    CHECK_EQ(a[1].set_field.field, OFPF_VLAN_VID);
    CHECK_EQ(ofp_get_be16(a[1].set_field.value), 4106);
    check_output(&a[2], 3, 0);

    /* reg0=10,reg3=0xa/0xffff,actions=set_field:30->reg1,goto_table:4 */
    FLOW(10);
    CHECK_EQ(f->table_id, 3);
    CHECK_EQ(m->present, bit(OFPF_REG(0)) | bit(OFPF_REG(3)));
    check_uint(m, OFPF_REG(0), 10);
    memcpy(x, "\x00\x00\x00\x0a", 4);
    memcpy(y, "\x00\x00\xff\xff", 4);
    check_field(m, OFPF_REG(3), x, y, 4);
    CHECK_EQ(in->present,
             (1u << OFPIT_APPLY_ACTIONS) | (1u << OFPIT_GOTO_TABLE));
    CHECK_EQ(in->apply.n, 1);
    CHECK_EQ(a[0].type, OFPAT_SET_FIELD);
    CHECK_EQ(a[0].set_field.field, OFPF_REG(1));
    CHECK_EQ(ofp_get_be32(a[0].set_field.value), 30);
    CHECK_EQ(in->goto_table, 4);

    /* metadata=0xb/0xff,actions=write_metadata:0xb00/0xff00,goto_table:5 */
    FLOW(11);
    CHECK_EQ(f->table_id, 4);
    memcpy(x, "\0\0\0\0\0\0\0\x0b", 8);
    memcpy(y, "\0\0\0\0\0\0\0\xff", 8);
    check_field(m, OFPF_METADATA, x, y, 8);
    CHECK_EQ(in->present,
             (1u << OFPIT_WRITE_METADATA) | (1u << OFPIT_GOTO_TABLE));
    CHECK_EQ(in->metadata, 0xb00);
    CHECK_EQ(in->metadata_mask, 0xff00);
    CHECK_EQ(in->goto_table, 5);

    /* icmp,icmp_type=8,icmp_code=0,nw_dst=10.0.12.13,actions=group:1 */
    FLOW(12);
    check_uint(m, OFPF_IP_PROTO, 1);
    check_uint(m, OFPF_ICMPV4_TYPE, 8);
    check_uint(m, OFPF_ICMPV4_CODE, 0);
    check_uint(m, OFPF_IPV4_DST, 0x0a000c0d);
    CHECK_EQ(in->apply.n, 1);
    CHECK_EQ(a[0].type, OFPAT_GROUP);
    CHECK_EQ(a[0].group_id, 1);

    /* in_port=6,dl_dst=M,actions=meter:1,set_field:M->eth_src,output:6 */
    FLOW(13);
    mac("02:00:00:0d:6b:ec", x);
    check_field(m, OFPF_ETH_DST, x, NULL, 6);
    CHECK_EQ(in->present, (1u << OFPIT_METER) | (1u << OFPIT_APPLY_ACTIONS));
    CHECK_EQ(in->meter_id, 1);
    CHECK_EQ(in->apply.n, 2);
    CHECK_EQ(a[0].type, OFPAT_SET_FIELD);
    CHECK_EQ(a[0].set_field.field, OFPF_ETH_SRC);
    CHECK(!memcmp(a[0].set_field.value, x, 6));
    check_output(&a[1], 6, 0);

    /* in_port=7,dl_src=M,send_flow_rem,idle_timeout=30014,
     * hard_timeout=40014,actions=clear_actions,write_actions(output:7) */
    FLOW(14);
    CHECK_EQ(f->table_id, 6);
    CHECK_EQ(f->flags, OFPFF_SEND_FLOW_REM);
    CHECK_EQ(f->idle_timeout, 30014);
    CHECK_EQ(f->hard_timeout, 40014);
    CHECK_EQ(in->present,
             (1u << OFPIT_CLEAR_ACTIONS) | (1u << OFPIT_WRITE_ACTIONS));
    CHECK_EQ(in->apply.n, 0);
    CHECK_EQ(in->write.n, 1);
    if (in->write.n == 1) {
        check_output(&in->write.acts[0], 7, 0);
    }

    /* udp6,ipv6_dst=fd00::f,udp_dst=1015,
     * actions=set_field:fd00::1:f->ipv6_dst,output:8 */
    FLOW(15);
    check_uint(m, OFPF_ETH_TYPE, 0x86dd);
    check_uint(m, OFPF_IP_PROTO, 17);
    check_uint(m, OFPF_UDP_DST, 1015);
    ip6("fd00::f", x);
    check_field(m, OFPF_IPV6_DST, x, NULL, 16);
    CHECK_EQ(in->apply.n, 2);
    CHECK_EQ(a[0].set_field.field, OFPF_IPV6_DST);
    ip6("fd00::1:f", x);
    CHECK(!memcmp(a[0].set_field.value, x, 16));
    check_output(&a[1], 8, 0);

    /* The last line: metadata=0x4b/0xff,... (priority 7793). */
    FLOW(1099);
    CHECK_EQ(f->table_id, 4);
    CHECK_EQ(in->metadata, 0x4b00);
#undef FLOW
}

/* Returns true if the OXM fields of the match of captured flow_stats entry
 * 'e' ('len' bytes) are in libofp's encoding order (enum ofp_field_id). */
static bool
entry_is_canonical(const uint8_t *e, size_t len)
{
    size_t mlen = ofp_get_be16(e + 50);
    int last = -1;

    for (size_t ofs = 52; ofs + 4 <= 48 + mlen && 48 + mlen <= len;) {
        uint32_t h = ofp_get_be32(e + ofs);
        const struct ofp_field_info *fi =
            ofp_field_by_oxm(OXM_CLASS(h), OXM_FIELD(h));
        if (!fi || (int)fi->id <= last) {
            return false;
        }
        last = fi->id;
        ofs += 4 + OXM_LENGTH(h);
    }
    return true;
}

/* Compares flow_stats entries 'a' and 'b' (both 'len' bytes, 'a' captured):
 * equal outside the match, and the same OXM TLVs in the match, in any
 * order. */
static bool
same_but_oxm_order(const uint8_t *a, const uint8_t *b, size_t len)
{
    size_t mlen = ofp_get_be16(a + 50);
    size_t mend = 48 + (mlen + 7) / 8 * 8;

    if (mend > len || memcmp(a, b, 52) ||
        memcmp(a + 48 + mlen, b + 48 + mlen, len - 48 - mlen)) {
        return false;
    }
    /* Every TLV of 'a' occurs in 'b''s match. */
    size_t n_a = 0, n_b = 0;
    for (size_t ofs = 52; ofs + 4 <= 48 + mlen;) {
        size_t tlen = 4 + OXM_LENGTH(ofp_get_be32(a + ofs));
        bool found = false;
        n_a++;
        for (size_t j = 52; j + 4 <= 48 + mlen;) {
            size_t jlen = 4 + OXM_LENGTH(ofp_get_be32(b + j));
            if (jlen == tlen && !memcmp(a + ofs, b + j, tlen)) {
                found = true;
            }
            j += jlen;
        }
        if (!found) {
            return false;
        }
        ofs += tlen;
    }
    for (size_t j = 52; j + 4 <= 48 + mlen; n_b++) {
        j += 4 + OXM_LENGTH(ofp_get_be32(b + j));
    }
    return n_a == n_b;
}

/* Re-encodes every decoded flow of 'r' and compares it with the captured
 * entries, found by walking the bodies of the parts in 'c'. */
static void
check_flow_reencode(const struct ofp_mp_reply *r, const struct capture *c)
{
    size_t idx = 0, identical = 0, reordered = 0, bad = 0;

    for (size_t p = 0; p < c->n; p++) {
        const uint8_t *body = c->msgs[p] + 16;
        size_t size = c->lens[p] - 16;

        while (size >= 48 && idx < r->n) {
            size_t len = ofp_get_be16(body);
            struct ofp_mp_reply one;
            struct ofp_buf b;

            CHECK(len >= 56 && len <= size);
            if (len < 56 || len > size) {
                return;
            }
            ofp_mp_reply_init(&one, OFPMP_FLOW);
            one.flows = (struct ofp_flow_stats *)&r->flows[idx];
            one.n = 1;
            ofp_buf_init(&b);
            CHECK_EQ(ofp_mp_reply_encode(&one, 0, 0, &b), 0);
            if (b.size == 16 + len && !memcmp(b.data + 16, body, len)) {
                identical++;
            } else if (b.size == 16 + len && !entry_is_canonical(body, len) &&
                       same_but_oxm_order(body, b.data + 16, len)) {
                reordered++;
            } else {
                bad++;
                if (bad <= 3) {
                    fprintf(stderr,
                            "flow %zu (cookie %#llx) re-encodes "
                            "differently\n",
                            idx, (unsigned long long)r->flows[idx].cookie);
                }
            }
            ofp_buf_uninit(&b);
            body += len;
            size -= len;
            idx++;
        }
        CHECK_EQ(size, 0);
    }
    CHECK_EQ(idx, r->n);
    CHECK_EQ(bad, 0);
    CHECK(identical > 0);
    CHECK_EQ(identical + reordered, r->n);
    /* OVS writes eth_src before eth_dst and IP addresses before ip_proto;
     * libofp writes fields in enum order.  Those entries differ only in the
     * order of their OXM TLVs. */
    printf("flow-stats: %zu entries re-encode byte for byte, %zu differ only "
           "in OVS's OXM field order\n",
           identical, reordered);
}

static void
test_flow_stats(void)
{
    static const uint8_t tables[16] = { 0, 0, 1, 1, 1, 1, 2, 2,
                                        2, 0, 3, 4, 5, 5, 6, 6 };
    struct ofp_mp_assembler as;
    struct ofp_mp_reply r;
    struct capture c;
    bool done = false;

    ofp_mp_reply_init(&r, OFPMP_FLOW);
    if (capture_load("flow-stats.hex", &c)) {
        return;
    }
    CHECK_EQ(c.n, 2);

    /* Both messages framed back to back out of one stream. */
    size_t total = 0;
    for (size_t i = 0; i < c.n; i++) {
        total += c.lens[i];
    }
    uint8_t *stream = ofp_xmalloc(total);
    size_t ofs = 0, n_framed = 0;
    for (size_t i = 0; i < c.n; i++) {
        memcpy(stream + ofs, c.msgs[i], c.lens[i]);
        ofs += c.lens[i];
    }
    for (ofs = 0; ofs < total; n_framed++) {
        size_t len = 0;
        if (ofp_msg_frame(stream + ofs, total - ofs, &len) || !len) {
            break;
        }
        CHECK_EQ(len, c.lens[n_framed]);
        ofs += len;
    }
    CHECK_EQ(n_framed, c.n);
    free(stream);

    ofp_mp_assembler_init(&as);
    for (size_t i = 0; i < c.n; i++) {
        struct ofp_mp_reply part;

        check_framed(c.msgs[i], c.lens[i], OFPK_MULTIPART_REPLY);
        check_generic_decode(c.msgs[i], c.lens[i], OFPK_MULTIPART_REPLY);
        CHECK_EQ(ofp_mp_reply_decode(c.msgs[i], c.lens[i], &part), 0);
        CHECK_EQ(part.type, OFPMP_FLOW);
        CHECK_EQ(part.flags, i + 1 < c.n ? OFPMPF_REPLY_MORE : 0);
        CHECK(part.n > 0);
        ofp_mp_reply_uninit(&part);
        CHECK_EQ(ofp_mp_assembler_add(&as, c.msgs[i], c.lens[i], &r, &done),
                 0);
        CHECK_EQ(done, i + 1 == c.n);
    }

    /* A part of another reply in the middle abandons the reply. */
    struct ofp_mp_reply junk;
    ofp_mp_reply_init(&junk, OFPMP_FLOW);
    CHECK_EQ(ofp_mp_assembler_add(&as, c.msgs[0], c.lens[0], &junk, &done), 0);
    struct capture pd;
    if (!capture_load("port-desc-large.hex", &pd)) {
        CHECK_EQ(
            ofp_mp_assembler_add(&as, pd.msgs[1], pd.lens[1], &junk, &done),
            OFPERR_OFPBRC_BAD_MULTIPART);
        CHECK(!done);
        capture_free(&pd);
    }
    ofp_mp_reply_uninit(&junk);
    ofp_mp_assembler_uninit(&as);

    /* Every flow of flows.txt, once, in the table and with the priority
     * capture.py gave it. */
    CHECK_EQ(r.n, N_FLOWS);
    bool seen[N_FLOWS] = { false };
    size_t n_ok = 0;
    for (size_t i = 0; i < r.n; i++) {
        const struct ofp_flow_stats *f = &r.flows[i];
        uint64_t k = f->cookie - COOKIE_BASE;

        if (f->cookie < COOKIE_BASE || k >= N_FLOWS || seen[k]) {
            continue;
        }
        seen[k] = true;
        n_ok += f->table_id == tables[k % 16] &&
                f->priority == 100 + (k * 7) % 60000;
    }
    CHECK_EQ(n_ok, N_FLOWS);
    check_specific_flows(&r);
    check_flow_reencode(&r, &c);

    /* The whole reply re-encodes into as many messages of the same
     * lengths: entries have the same sizes, split at the same places. */
    struct ofp_buf b;
    ofp_buf_init(&b);
    CHECK_EQ(ofp_mp_reply_encode(&r, 0x30, 0, &b), 0);
    ofs = 0;
    for (size_t i = 0; i < c.n; i++) {
        size_t len = 0;
        CHECK_EQ(ofp_msg_frame(b.data + ofs, b.size - ofs, &len), 0);
        CHECK_EQ(len, c.lens[i]);
        CHECK(!memcmp(b.data + ofs, c.msgs[i], 16));
        ofs += len;
        if (!len) {
            break;
        }
    }
    CHECK_EQ(ofs, b.size);
    ofp_buf_uninit(&b);
    ofp_mp_reply_uninit(&r);
    capture_free(&c);
}

static void
test_group_desc(void)
{
    struct ofp_mp_reply r;
    struct capture c;
    struct ofp_buf b;

    if (capture_load("group-desc.hex", &c)) {
        return;
    }
    CHECK_EQ(c.n, 1);
    check_framed(c.msgs[0], c.lens[0], OFPK_MULTIPART_REPLY);
    check_generic_decode(c.msgs[0], c.lens[0], OFPK_MULTIPART_REPLY);
    CHECK_EQ(ofp_mp_reply_decode(c.msgs[0], c.lens[0], &r), 0);
    CHECK_EQ(r.type, OFPMP_GROUP_DESC);
    CHECK_EQ(r.n, 4);
    for (size_t i = 0; i < r.n; i++) {
        const struct ofp_group *g = &r.groups[i];
        uint32_t id = g->group_id;

        CHECK(id >= 1 && id <= 4);
        CHECK_EQ(g->type, id % 2 ? OFPGT_ALL : OFPGT_SELECT);
        CHECK_EQ(g->n_buckets, 2);
        for (size_t j = 0; j < g->n_buckets && j < 2; j++) {
            const struct ofp_bucket *bk = &g->buckets[j];
            CHECK_EQ(bk->weight, g->type == OFPGT_SELECT ? 1 : 0);
            CHECK_EQ(bk->watch_port, OFPP_ANY);
            CHECK_EQ(bk->watch_group, 0xffffffff);
            CHECK_EQ(bk->actions.n, 1);
            if (bk->actions.n == 1) {
                check_output(&bk->actions.acts[0], id + j, 0);
            }
        }
    }
    ofp_buf_init(&b);
    CHECK_EQ(ofp_mp_reply_encode(&r, ofp_msg_xid(c.msgs[0]), 0, &b), 0);
    CHECK(same_bytes(&b, c.msgs, c.lens, 1));
    ofp_buf_uninit(&b);
    ofp_mp_reply_uninit(&r);
    capture_free(&c);
}

/* What OVS answered each request of errors.hex, and what libofp's own
 * decoders say about the same request (0: libofp cannot tell, because the
 * error depends on the switch's state or port range policy). */
static const struct {
    uint32_t xid;
    int ovs;  /* The ofperr in OVS's reply. */
    int ours; /* libofp's verdict on the request, or 0. */
} error_cases[] = {
    { 0x101, OFPERR_OFPBRC_BAD_VERSION, OFPERR_OFPBRC_BAD_VERSION },
    { 0x102, OFPERR_OFPBRC_BAD_TYPE, OFPERR_OFPBRC_BAD_TYPE },
    { 0x103, OFPERR_OFPBRC_BAD_MULTIPART, OFPERR_OFPBRC_BAD_MULTIPART },
    { 0x104, OFPERR_OFPBMC_BAD_PREREQ, OFPERR_OFPBMC_BAD_PREREQ },
    { 0x105, OFPERR_OFPBAC_BAD_TYPE, OFPERR_OFPBAC_BAD_TYPE },
    { 0x106, OFPERR_OFPBAC_BAD_OUT_PORT, 0 },
    { 0x107, OFPERR_OFPBAC_BAD_OUT_GROUP, 0 },
    { 0x108, OFPERR_OFPBIC_UNKNOWN_INST, OFPERR_OFPBIC_UNKNOWN_INST },
    { 0x109, OFPERR_OFPBMC_DUP_FIELD, OFPERR_OFPBMC_DUP_FIELD },
    { 0x10a, OFPERR_OFPBRC_BAD_LEN, OFPERR_OFPBRC_BAD_LEN },
};

static void
test_errors(void)
{
    const size_t n_cases = sizeof error_cases / sizeof error_cases[0];
    struct capture c;

    if (capture_load("errors.hex", &c)) {
        return;
    }
    CHECK_EQ(c.n, n_cases);
    CHECK_EQ(c.n_sent, n_cases);
    for (size_t i = 0; i < c.n && i < n_cases && i < c.n_sent; i++) {
        const uint8_t *m = c.msgs[i];
        const uint8_t *sent = c.sent[i];
        size_t len = c.lens[i], sent_len = c.sent_lens[i];
        int ovs = error_cases[i].ovs;
        enum ofp_msg_kind kind;
        struct ofp_error err;
        size_t flen = 0;

        CHECK_EQ(ofp_msg_frame(m, len, &flen), 0);
        CHECK_EQ(flen, len);
        CHECK_EQ(ofp_msg_xid(m), error_cases[i].xid);
        CHECK_EQ(ofp_msg_xid(sent), error_cases[i].xid);
        CHECK_EQ(m[1], OFPT_ERROR);
        CHECK_EQ(ofp_get_be16(m + 8), ofperr_type(ovs));
        CHECK_EQ(ofp_get_be16(m + 10), ofperr_code(ovs));

        if (m[0] != OFP13_VERSION) {
            /* OVS answers a message of the wrong version in that version
             * (here 1.0): a 1.3 peer must treat the reply as bad too. */
            CHECK_EQ(ovs, OFPERR_OFPBRC_BAD_VERSION);
            CHECK_EQ(m[0], sent[0]);
            CHECK_EQ(ofp_msg_classify(m, len, &kind),
                     OFPERR_OFPBRC_BAD_VERSION);
        } else {
            struct ofp_buf b;

            check_framed(m, len, OFPK_ERROR);
            check_generic_decode(m, len, OFPK_ERROR);
            CHECK_EQ(ofp_error_decode(m, len, &err), 0);
            CHECK_EQ(err.type, ofperr_type(ovs));
            CHECK_EQ(err.code, ofperr_code(ovs));
            CHECK_EQ(err.error, ovs);
            CHECK_EQ(err.experimenter, 0);
            /* OVS echoes the whole (short) request. */
            CHECK_EQ(err.data_len, sent_len);
            CHECK(err.data_len == sent_len &&
                  !memcmp(err.data, sent, sent_len));

            ofp_buf_init(&b);
            CHECK_EQ(ofp_error_encode(&err, error_cases[i].xid, &b), 0);
            CHECK(same_bytes(&b, &c.msgs[i], &c.lens[i], 1));
            ofp_buf_uninit(&b);
        }

        /* libofp's decoders reject the same requests with the same error,
         * where the error does not depend on the switch's state. */
        struct ofp_msg msg;
        memset(&msg, 0, sizeof msg);
        int ours = ofp_msg_decode(sent, sent_len, &msg);
        ofp_msg_uninit(&msg);
        if (error_cases[i].ours) {
            CHECK_EQ(ours, error_cases[i].ours);
        } else {
            CHECK(ours == 0 || ours == ovs);
        }
    }
    capture_free(&c);
}

int
main(int argc, char *argv[])
{
    if (argc > 1) {
        captures_dir = argv[1];
    }
    test_hello();
    test_features();
    test_port_desc();
    test_port_status();
    test_flow_stats();
    test_group_desc();
    test_errors();
    return check_summary();
}
