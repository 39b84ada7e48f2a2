/* Benchmark: libofp's flow_mod encode and decode rates, against the rate at
 * which ovs-vswitchd accepts the same flow_mods, measured in the same run.
 *
 * The flow set is what vifguard installs for a locked guest with one IPv4
 * and one IPv6 address: the XenServer VIF-locking rules (reference-systems.md
 * section 3) in vifguard's table pipeline and cookie scheme (DESIGN.md), 21
 * flow_mods per guest, for N guests with distinct ports, MACs and
 * addresses.
 *
 *  1. Encode: every flow_mod of the set into one buffer, repeated for at
 *     least --seconds; messages per second on one core, the best of
 *     --rounds such rounds (the machine may be busy with other work).
 *  2. Decode: ofp_flow_mod_decode() of every encoded message, likewise.
 *  3. With --listen PATH: listens on unix socket PATH, where an
 *     ovs-vswitchd bridge connects (`ovs-vsctl set-controller BR unix:PATH`,
 *     done by bench/ofp-codec.sh), does HELLO and FEATURES, deletes all
 *     flows, then times sending every flow_mod plus a BARRIER until the
 *     barrier reply arrives, counting ERROR replies.  An AGGREGATE stats
 *     request then checks that the switch holds exactly the flows sent.
 *     This too is repeated --rounds times (deleting all flows in between,
 *     untimed) and the best rate kept, as for the codec.
 *
 * Prints a table and the ratios codec/ovs (goal: at least 20x) and exits 1
 * if a goal is missed or anything went wrong.  Plain blocking I/O with
 * poll(): this is a benchmark, not the daemon. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ofp/actions.h"
#include "ofp/buf.h"
#include "ofp/errors.h"
#include "ofp/match.h"
#include "ofp/msgs.h"
#include "ofp/print.h"

#define FLOWS_PER_GUEST 21
#define GOAL_RATIO 20.0

/* Tables of vifguard's pipeline (DESIGN.md). */
enum { T_CLASSIFY = 0, T_INGRESS = 10, T_FORWARD = 40 };

/* Command-line options. */
static int n_guests = 1000;
static double min_seconds = 0.5; /* Per codec measurement round. */
static int n_rounds = 5;         /* Best of this many rounds. */
static const char *listen_path;
static int io_timeout = 120; /* Seconds for the whole OVS phase. */

/* Returns the monotonic time in seconds. */
static double
now__(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Prints a message and exits with status 1. */
static void __attribute__((format(printf, 1, 2), noreturn))
die__(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fprintf(stderr, "ofp-codec: ");
    vfprintf(stderr, format, args);
    fprintf(stderr, "\n");
    va_end(args);
    exit(1);
}

/* ---- The flow set ---- */

/* Per-guest identity derived from guest number 'g'. */
struct guest {
    uint32_t ofport;
    uint8_t mac[6];
    uint8_t ip4[4];
    uint8_t ip6[16];
    uint64_t cookie;
};

static void
guest_init__(struct guest *gu, int g)
{
    uint32_t n = g + 1;

    gu->ofport = n;
    gu->mac[0] = 0x02; /* Locally administered unicast. */
    gu->mac[1] = 0x00;
    gu->mac[2] = n >> 24;
    gu->mac[3] = n >> 16;
    gu->mac[4] = n >> 8;
    gu->mac[5] = n;
    ofp_set_be32(gu->ip4, 0x0a000000 + n); /* 10.x.y.z */
    memset(gu->ip6, 0, sizeof gu->ip6);
    ofp_set_be32(gu->ip6, 0x20010db8); /* 2001:db8:: */
    ofp_set_be32(gu->ip6 + 12, n);
    gu->cookie = 0x7667020000000000ULL | n; /* vifguard port group. */
}

/* Starts flow_mod 'fm' for guest 'gu' in 'table' at 'priority'. */
static void
flow_begin__(struct ofp_flow_mod *fm, const struct guest *gu, uint8_t table,
             uint16_t priority)
{
    ofp_flow_mod_init(fm);
    fm->cookie = gu->cookie;
    fm->table_id = table;
    fm->priority = priority;
    ofp_match_set_u32(&fm->match, OFPF_IN_PORT, gu->ofport);
}

/* Builds guest 'gu''s FLOWS_PER_GUEST flow_mods at 'fms'. */
static void
guest_flows__(const struct guest *gu, struct ofp_flow_mod *fms)
{
    static const uint8_t nd_drops[] = { 134, 137, 146, 147, 151, 152, 153 };
    struct ofp_flow_mod *fm = fms;
    static const uint8_t zero4[4];

    /* Table 0: classify. */
    flow_begin__(fm, gu, T_CLASSIFY, 100);
    ofp_match_set(&fm->match, OFPF_ETH_SRC, gu->mac, NULL);
    ofp_match_set_u16(&fm->match, OFPF_VLAN_VID, OFPVID_NONE);
    ofp_instructions_goto(&fm->insts, T_INGRESS);
    fm++;

    /* Table 10: DHCP client. */
    flow_begin__(fm, gu, T_INGRESS, 8000);
    ofp_match_set(&fm->match, OFPF_ETH_SRC, gu->mac, NULL);
    ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, 0x0800);
    ofp_match_set_u8(&fm->match, OFPF_IP_PROTO, 17);
    ofp_match_set_u16(&fm->match, OFPF_UDP_SRC, 68);
    ofp_match_set_u16(&fm->match, OFPF_UDP_DST, 67);
    ofp_instructions_goto(&fm->insts, T_FORWARD);
    fm++;

    /* ARP probe and ARP from the guest's address. */
    for (int i = 0; i < 2; i++) {
        flow_begin__(fm, gu, T_INGRESS, 7000);
        ofp_match_set(&fm->match, OFPF_ETH_SRC, gu->mac, NULL);
        ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, 0x0806);
        ofp_match_set(&fm->match, OFPF_ARP_SPA, i ? gu->ip4 : zero4, NULL);
        ofp_match_set(&fm->match, OFPF_ARP_SHA, gu->mac, NULL);
        ofp_instructions_goto(&fm->insts, T_FORWARD);
        fm++;
    }

    /* IPv4 from the guest's address. */
    flow_begin__(fm, gu, T_INGRESS, 6000);
    ofp_match_set(&fm->match, OFPF_ETH_SRC, gu->mac, NULL);
    ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, 0x0800);
    ofp_match_set(&fm->match, OFPF_IPV4_SRC, gu->ip4, NULL);
    ofp_instructions_goto(&fm->insts, T_FORWARD);
    fm++;

    /* Neighbour solicitation with the guest's MAC as source LL address,
     * advertisement for its own address. */
    flow_begin__(fm, gu, T_INGRESS, 8000);
    ofp_match_set(&fm->match, OFPF_ETH_SRC, gu->mac, NULL);
    ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, 0x86dd);
    ofp_match_set(&fm->match, OFPF_IPV6_SRC, gu->ip6, NULL);
    ofp_match_set_u8(&fm->match, OFPF_IP_PROTO, 58);
    ofp_match_set_u8(&fm->match, OFPF_ICMPV6_TYPE, 135);
    ofp_match_set(&fm->match, OFPF_IPV6_ND_SLL, gu->mac, NULL);
    ofp_instructions_goto(&fm->insts, T_FORWARD);
    fm++;

    flow_begin__(fm, gu, T_INGRESS, 8000);
    ofp_match_set(&fm->match, OFPF_ETH_SRC, gu->mac, NULL);
    ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, 0x86dd);
    ofp_match_set(&fm->match, OFPF_IPV6_SRC, gu->ip6, NULL);
    ofp_match_set_u8(&fm->match, OFPF_IP_PROTO, 58);
    ofp_match_set_u8(&fm->match, OFPF_ICMPV6_TYPE, 136);
    ofp_match_set(&fm->match, OFPF_IPV6_ND_TARGET, gu->ip6, NULL);
    ofp_instructions_goto(&fm->insts, T_FORWARD);
    fm++;

    /* ICMPv6, TCP and UDP over IPv6 from the guest's address. */
    static const uint8_t protos[] = { 58, 6, 17 };
    for (size_t i = 0; i < sizeof protos; i++) {
        flow_begin__(fm, gu, T_INGRESS, 5000);
        ofp_match_set(&fm->match, OFPF_ETH_SRC, gu->mac, NULL);
        ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, 0x86dd);
        ofp_match_set(&fm->match, OFPF_IPV6_SRC, gu->ip6, NULL);
        ofp_match_set_u8(&fm->match, OFPF_IP_PROTO, protos[i]);
        ofp_instructions_goto(&fm->insts, T_FORWARD);
        fm++;
    }

    /* Any other NS/NA, and RA, redirects and router renumbering: drop. */
    for (int type = 135; type <= 136; type++) {
        flow_begin__(fm, gu, T_INGRESS, 7000);
        ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, 0x86dd);
        ofp_match_set_u8(&fm->match, OFPF_IP_PROTO, 58);
        ofp_match_set_u8(&fm->match, OFPF_ICMPV6_TYPE, type);
        fm++;
    }
    for (size_t i = 0; i < sizeof nd_drops; i++) {
        flow_begin__(fm, gu, T_INGRESS, 6000);
        ofp_match_set_u16(&fm->match, OFPF_ETH_TYPE, 0x86dd);
        ofp_match_set_u8(&fm->match, OFPF_IP_PROTO, 58);
        ofp_match_set_u8(&fm->match, OFPF_ICMPV6_TYPE, nd_drops[i]);
        fm++;
    }

    /* Everything else from the guest: drop. */
    flow_begin__(fm, gu, T_INGRESS, 4000);
    fm++;

    /* Table 40: delivery to the guest. */
    flow_begin__(fm, gu, T_FORWARD, 100);
    ofp_match_clear(&fm->match, OFPF_IN_PORT);
    ofp_match_set(&fm->match, OFPF_ETH_DST, gu->mac, NULL);
    ofp_actions_add_output(ofp_instructions_apply(&fm->insts), gu->ofport, 0);
    fm++;

    if (fm - fms != FLOWS_PER_GUEST) {
        die__("built %d flows per guest, expected %d", (int)(fm - fms),
              FLOWS_PER_GUEST);
    }
}

/* Returns a malloc'd array of the flow_mods for 'n' guests. */
static struct ofp_flow_mod *
flow_set_create__(int n)
{
    struct ofp_flow_mod *fms =
        ofp_xcalloc((size_t)n * FLOWS_PER_GUEST, sizeof *fms);
    for (int g = 0; g < n; g++) {
        struct guest gu;
        guest_init__(&gu, g);
        guest_flows__(&gu, &fms[(size_t)g * FLOWS_PER_GUEST]);
    }
    return fms;
}

/* Appends every flow_mod of 'fms' ('n' of them) to 'b', with xids from
 * 'xid'.  Dies on an encoding error. */
static void
encode_all__(const struct ofp_flow_mod *fms, size_t n, uint32_t xid,
             struct ofp_buf *b)
{
    for (size_t i = 0; i < n; i++) {
        int error = ofp_flow_mod_encode(&fms[i], xid + i, b);
        if (error) {
            die__("encoding flow %zu: %s", i, ofp_strerror(error));
        }
    }
}

/* ---- Codec rates ---- */

struct codec_result {
    double encode_rate; /* Messages per second. */
    double decode_rate;
    double avg_len; /* Average message length in bytes. */
};

static void
measure_codec__(const struct ofp_flow_mod *fms, size_t n,
                struct codec_result *r)
{
    struct ofp_buf b;
    ofp_buf_init(&b);

    /* Warm up (allocates the buffer at its final size) and keep offsets. */
    encode_all__(fms, n, 1, &b);
    size_t *ofs = ofp_xcalloc(n + 1, sizeof *ofs);
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        if (ofp_msg_frame(b.data + pos, b.size - pos, &len)) {
            die__("cannot frame encoded message %zu", i);
        }
        ofs[i] = pos;
        pos += len;
    }
    ofs[n] = pos;
    r->avg_len = (double)b.size / n;

    /* Encode: the best of 'n_rounds' rounds, so that other load on the
     * machine disturbs the result as little as possible. */
    r->encode_rate = 0;
    for (int round = 0; round < n_rounds; round++) {
        size_t count = 0;
        double start = now__(), elapsed;
        do {
            ofp_buf_clear(&b);
            encode_all__(fms, n, 1, &b);
            count += n;
            elapsed = now__() - start;
        } while (elapsed < min_seconds);
        if (count / elapsed > r->encode_rate) {
            r->encode_rate = count / elapsed;
        }
    }

    /* Decode, likewise. */
    r->decode_rate = 0;
    for (int round = 0; round < n_rounds; round++) {
        size_t count = 0;
        double start = now__(), elapsed;
        do {
            for (size_t i = 0; i < n; i++) {
                struct ofp_flow_mod fm;
                int error = ofp_flow_mod_decode(b.data + ofs[i],
                                                ofs[i + 1] - ofs[i], &fm);
                if (error) {
                    die__("decoding message %zu: %s", i, ofp_strerror(error));
                }
                ofp_flow_mod_uninit(&fm);
            }
            count += n;
            elapsed = now__() - start;
        } while (elapsed < min_seconds);
        if (count / elapsed > r->decode_rate) {
            r->decode_rate = count / elapsed;
        }
    }

    free(ofs);
    ofp_buf_uninit(&b);
}

/* ---- ovs-vswitchd ---- */

/* One OpenFlow connection with a receive buffer. */
struct conn {
    int fd;
    struct ofp_buf rx; /* Bytes received, not yet consumed. */
    double deadline;   /* now__() value at which to give up. */
    int n_errors;      /* ERROR messages received. */
};

static void conn_handle_input__(struct conn *,
                                void (*handle)(struct conn *, const uint8_t *,
                                               size_t, void *),
                                void *aux);

/* Reads what is available from 'c' (blocking up to the deadline if
 * 'block').  Dies on EOF or timeout. */
static void
conn_read__(struct conn *c, bool block)
{
    struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
    int timeout = block ? (int)((c->deadline - now__()) * 1000) : 0;
    if (block && timeout <= 0) {
        die__("timeout waiting for ovs-vswitchd");
    }
    int n = poll(&pfd, 1, timeout);
    if (n < 0 && errno != EINTR) {
        die__("poll: %s", strerror(errno));
    }
    if (n <= 0) {
        if (block && now__() >= c->deadline) {
            die__("timeout waiting for ovs-vswitchd");
        }
        return;
    }
    ofp_buf_reserve(&c->rx, 65536);
    ssize_t r = read(c->fd, c->rx.data + c->rx.size, 65536);
    if (r < 0) {
        if (errno == EAGAIN || errno == EINTR) {
            return;
        }
        die__("read: %s", strerror(errno));
    }
    if (r == 0) {
        die__("ovs-vswitchd closed the connection");
    }
    c->rx.size += r;
}

/* Writes all 'len' bytes at 'data' to 'c', reading and dispatching incoming
 * messages (see conn_handle_input__()) whenever there are some, so that
 * neither side can block the other. */
static void
conn_send__(struct conn *c, const void *data_, size_t len,
            void (*handle)(struct conn *, const uint8_t *, size_t, void *),
            void *aux)
{
    const uint8_t *data = data_;
    while (len > 0) {
        struct pollfd pfd = { .fd = c->fd, .events = POLLIN | POLLOUT };
        int timeout = (int)((c->deadline - now__()) * 1000);
        if (timeout <= 0) {
            die__("timeout sending to ovs-vswitchd");
        }
        if (poll(&pfd, 1, timeout) < 0 && errno != EINTR) {
            die__("poll: %s", strerror(errno));
        }
        if (pfd.revents & POLLIN) {
            conn_read__(c, false);
            conn_handle_input__(c, handle, aux);
        }
        if (pfd.revents & (POLLOUT | POLLERR | POLLHUP)) {
            ssize_t n = send(c->fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EAGAIN || errno == EINTR) {
                    continue;
                }
                die__("send: %s", strerror(errno));
            }
            data += n;
            len -= n;
        }
    }
}

/* Dispatches every complete message in 'c->rx': answers echo requests,
 * counts and prints errors, passes everything to 'handle'. */
static void
conn_handle_input__(struct conn *c,
                    void (*handle)(struct conn *, const uint8_t *, size_t,
                                   void *),
                    void *aux)
{
    size_t len;
    while (!ofp_msg_frame(c->rx.data, c->rx.size, &len)) {
        uint8_t *msg = ofp_xmalloc(len);
        memcpy(msg, c->rx.data, len);
        ofp_buf_try_pull(&c->rx, len);

        if (msg[1] == OFPT_ECHO_REQUEST) {
            struct ofp_buf reply;
            ofp_buf_init(&reply);
            ofp_echo_reply_for(msg, len, &reply);
            conn_send__(c, reply.data, reply.size, handle, aux);
            ofp_buf_uninit(&reply);
        } else if (msg[1] == OFPT_ERROR) {
            if (c->n_errors++ < 5) {
                struct ofp_buf text;
                ofp_buf_init(&text);
                ofp_raw_format(msg, len, &text);
                fprintf(stderr, "ofp-codec: ovs-vswitchd: %s\n",
                        ofp_buf_cstr(&text));
                ofp_buf_uninit(&text);
            }
        }
        handle(c, msg, len, aux);
        free(msg);
    }
    /* Move a partial message back to the front of the buffer. */
    if (!c->rx.size) {
        ofp_buf_clear(&c->rx);
    } else if (c->rx.data != c->rx.base) {
        memmove(c->rx.base, c->rx.data, c->rx.size);
        c->rx.data = c->rx.base;
    }
}

/* Waits until 'done' is set by 'handle'. */
static void
conn_wait__(struct conn *c, bool *done,
            void (*handle)(struct conn *, const uint8_t *, size_t, void *),
            void *aux)
{
    conn_handle_input__(c, handle, aux);
    while (!*done) {
        conn_read__(c, true);
        conn_handle_input__(c, handle, aux);
    }
}

/* What the connection is waiting for. */
struct waiter {
    uint8_t type; /* Message type awaited. */
    uint32_t xid; /* Its xid, or 0 for any. */
    bool done;
    uint8_t *msg; /* Copy of the message, owned, if 'done'. */
    size_t len;
};

static void
waiter_handle__(struct conn *c, const uint8_t *msg, size_t len, void *aux)
{
    struct waiter *w = aux;
    if (!w->done && msg[1] == w->type &&
        (!w->xid || ofp_msg_xid(msg) == w->xid)) {
        w->done = true;
        w->msg = ofp_xmalloc(len);
        memcpy(w->msg, msg, len);
        w->len = len;
    }
}

/* Sends the 'len' bytes at 'data' on 'c' and waits for a message of 'type'
 * with 'xid' (0: any).  Returns the message (caller frees) and its length
 * in '*lenp'. */
static uint8_t *
conn_transact__(struct conn *c, const void *data, size_t len, uint8_t type,
                uint32_t xid, size_t *lenp)
{
    struct waiter w = { .type = type, .xid = xid };
    if (len) {
        conn_send__(c, data, len, waiter_handle__, &w);
    }
    conn_wait__(c, &w.done, waiter_handle__, &w);
    *lenp = w.len;
    return w.msg;
}

/* Accepts ovs-vswitchd's connection on 'path' and completes HELLO and
 * FEATURES on it. */
static void
conn_open__(struct conn *c, const char *path)
{
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (lfd < 0) {
        die__("socket: %s", strerror(errno));
    }
    struct sockaddr_un sun;
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sun.sun_path) {
        die__("socket path too long: %s", path);
    }
    strcpy(sun.sun_path, path);
    unlink(path);
    if (bind(lfd, (struct sockaddr *)&sun, sizeof sun) < 0 ||
        listen(lfd, 1) < 0) {
        die__("%s: %s", path, strerror(errno));
    }
    fprintf(stderr, "ofp-codec: listening on %s\n", path);

    c->deadline = now__() + io_timeout;
    struct pollfd pfd = { .fd = lfd, .events = POLLIN };
    if (poll(&pfd, 1, io_timeout * 1000) <= 0) {
        die__("ovs-vswitchd did not connect to %s", path);
    }
    c->fd = accept(lfd, NULL, NULL);
    if (c->fd < 0) {
        die__("accept: %s", strerror(errno));
    }
    close(lfd);
    unlink(path);
    ofp_buf_init(&c->rx);
    c->n_errors = 0;

    struct ofp_buf b;
    ofp_buf_init(&b);
    ofp_hello_encode(1u << OFP13_VERSION, 1, &b);
    size_t len;
    uint8_t *msg = conn_transact__(c, b.data, b.size, OFPT_HELLO, 0, &len);
    if (msg[0] != OFP13_VERSION) {
        struct ofp_hello hello;
        if (ofp_hello_decode(msg, len, &hello) ||
            ofp_hello_negotiate(1u << OFP13_VERSION, &hello) !=
                OFP13_VERSION) {
            die__("ovs-vswitchd does not speak OpenFlow 1.3");
        }
    }
    free(msg);

    ofp_buf_clear(&b);
    ofp_empty_encode(OFPT_FEATURES_REQUEST, 2, &b);
    msg = conn_transact__(c, b.data, b.size, OFPT_FEATURES_REPLY, 2, &len);
    struct ofp_features features;
    int error = ofp_features_decode(msg, len, &features);
    if (error) {
        die__("bad FEATURES_REPLY: %s", ofp_strerror(error));
    }
    fprintf(stderr, "ofp-codec: connected to datapath %016llx\n",
            (unsigned long long)features.datapath_id);
    free(msg);
    ofp_buf_uninit(&b);
}

/* Sends a barrier with 'xid' and waits for its reply. */
static void
conn_barrier__(struct conn *c, uint32_t xid)
{
    struct ofp_buf b;
    size_t len;
    ofp_buf_init(&b);
    ofp_empty_encode(OFPT_BARRIER_REQUEST, xid, &b);
    free(conn_transact__(c, b.data, b.size, OFPT_BARRIER_REPLY, xid, &len));
    ofp_buf_uninit(&b);
}

/* Returns the number of flows in every table of the switch. */
static uint32_t
conn_flow_count__(struct conn *c, uint32_t xid)
{
    struct ofp_mp_request req;
    struct ofp_buf b;
    size_t len;

    ofp_mp_request_init(&req, OFPMP_AGGREGATE);
    ofp_buf_init(&b);
    int error = ofp_mp_request_encode(&req, xid, &b);
    if (error) {
        die__("encoding aggregate request: %s", ofp_strerror(error));
    }
    uint8_t *msg =
        conn_transact__(c, b.data, b.size, OFPT_MULTIPART_REPLY, xid, &len);
    struct ofp_mp_reply reply;
    error = ofp_mp_reply_decode(msg, len, &reply);
    if (error || reply.type != OFPMP_AGGREGATE) {
        die__("bad aggregate reply: %s", ofp_strerror(error));
    }
    uint32_t n = reply.aggregate.flow_count;
    ofp_mp_reply_uninit(&reply);
    free(msg);
    ofp_buf_uninit(&b);
    return n;
}

/* Ignores messages other than the ones waited for. */
static void
ignore__(struct conn *c, const uint8_t *msg, size_t len, void *aux)
{
}

struct ovs_result {
    double accept_rate; /* flow_mods per second. */
    double seconds;     /* From first byte sent to barrier reply. */
    int n_errors;       /* ERROR replies to the flow_mods. */
    uint32_t n_flows;   /* Flows in the switch afterwards. */
};

static void
measure_ovs__(const struct ofp_flow_mod *fms, size_t n, struct ovs_result *r)
{
    struct conn c;
    conn_open__(&c, listen_path);

    /* Pre-encode: only the switch's work is timed. */
    struct ofp_buf adds;
    ofp_buf_init(&adds);
    encode_all__(fms, n, 0x1000, &adds);
    uint32_t barrier_xid = 0x1000 + n;
    ofp_empty_encode(OFPT_BARRIER_REQUEST, barrier_xid, &adds);

    struct ofp_flow_mod del;
    struct ofp_buf dels;
    ofp_flow_mod_init(&del);
    del.command = OFPFC_DELETE;
    del.table_id = OFPTT_ALL;
    ofp_buf_init(&dels);
    if (ofp_flow_mod_encode(&del, 3, &dels)) {
        die__("cannot encode delete-all");
    }
    ofp_flow_mod_uninit(&del);

    r->accept_rate = 0;
    r->n_errors = 0;
    r->n_flows = n;
    for (int round = 0; round < n_rounds; round++) {
        /* Start from an empty flow table. */
        c.n_errors = 0;
        conn_send__(&c, dels.data, dels.size, ignore__, NULL);
        conn_barrier__(&c, 4);
        if (c.n_errors) {
            die__("ovs-vswitchd rejected the delete-all flow_mod");
        }

        struct waiter w = { .type = OFPT_BARRIER_REPLY, .xid = barrier_xid };
        double start = now__();
        conn_send__(&c, adds.data, adds.size, waiter_handle__, &w);
        conn_wait__(&c, &w.done, waiter_handle__, &w);
        double seconds = now__() - start;
        free(w.msg);
        fprintf(stderr,
                "ofp-codec: ovs-vswitchd round %d: %zu flow_mods in "
                "%.3f s\n",
                round + 1, n, seconds);
        if (n / seconds > r->accept_rate) {
            r->accept_rate = n / seconds;
            r->seconds = seconds;
        }
        r->n_errors += c.n_errors;

        uint32_t n_flows = conn_flow_count__(&c, barrier_xid + 1);
        if (n_flows != n) {
            r->n_flows = n_flows;
        }
    }

    ofp_buf_uninit(&adds);
    ofp_buf_uninit(&dels);
    ofp_buf_uninit(&c.rx);
    close(c.fd);
}

/* ---- Main ---- */

static void
usage__(void)
{
    printf(
        "usage: ofp-codec [OPTIONS]\n"
        "  --guests N     guests in the flow set (default 1000)\n"
        "  --seconds S    minimum time per codec round (default 0.5)\n"
        "  --rounds N     measure each rate N times, keep the best "
        "(default 5)\n"
        "  --listen PATH  also measure ovs-vswitchd, which connects to\n"
        "                 unix socket PATH (see bench/ofp-codec.sh)\n"
        "  --timeout S    limit for the ovs-vswitchd phase (default 120)\n");
}

/* Pins the process to the CPU it runs on, so that "one core" holds. */
static void
pin_to_one_core__(void)
{
    int cpu = sched_getcpu();
    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        sched_setaffinity(0, sizeof set, &set);
    }
}

int
main(int argc, char *argv[])
{
    static const struct option options[] = {
        { "guests", required_argument, NULL, 'g' },
        { "seconds", required_argument, NULL, 's' },
        { "rounds", required_argument, NULL, 'r' },
        { "listen", required_argument, NULL, 'l' },
        { "timeout", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'g':
            n_guests = atoi(optarg);
            break;
        case 's':
            min_seconds = atof(optarg);
            break;
        case 'r':
            n_rounds = atoi(optarg);
            break;
        case 'l':
            listen_path = optarg;
            break;
        case 't':
            io_timeout = atoi(optarg);
            break;
        case 'h':
            usage__();
            return 0;
        default:
            usage__();
            return 2;
        }
    }
    if (n_guests < 1 || n_guests > 60000 || min_seconds <= 0 || n_rounds < 1 ||
        io_timeout < 1) {
        die__("bad arguments (try --help)");
    }

    pin_to_one_core__();
    size_t n = (size_t)n_guests * FLOWS_PER_GUEST;
    struct ofp_flow_mod *fms = flow_set_create__(n_guests);

    struct codec_result codec;
    measure_codec__(fms, n, &codec);

    double load[1] = { 0 };
    getloadavg(load, 1);
    printf("libofp codec vs ovs-vswitchd: %d guests x %d flow_mods = %zu "
           "flow_mods (%.0f bytes each on average), best of %d rounds, "
           "load average %.2f\n",
           n_guests, FLOWS_PER_GUEST, n, codec.avg_len, n_rounds, load[0]);
    printf("  %-34s %12.0f msgs/s\n", "libofp encode (one core)",
           codec.encode_rate);
    printf("  %-34s %12.0f msgs/s\n", "libofp decode (one core)",
           codec.decode_rate);

    bool ok = true;
    if (listen_path) {
        struct ovs_result ovs;
        measure_ovs__(fms, n, &ovs);
        printf("  %-34s %12.0f msgs/s  (%zu flow_mods + barrier in %.3f s, "
               "%d errors, %u flows in the switch)\n",
               "ovs-vswitchd accept (one bridge)", ovs.accept_rate, n,
               ovs.seconds, ovs.n_errors, ovs.n_flows);

        double enc = codec.encode_rate / ovs.accept_rate;
        double dec = codec.decode_rate / ovs.accept_rate;
        printf("  codec encode / ovs accept = %.1f x (goal >= %.0fx)  %s\n",
               enc, GOAL_RATIO, enc >= GOAL_RATIO ? "OK" : "MISSED");
        printf("  codec decode / ovs accept = %.1f x (goal >= %.0fx)  %s\n",
               dec, GOAL_RATIO, dec >= GOAL_RATIO ? "OK" : "MISSED");
        if (ovs.n_errors) {
            printf("  FAILED: ovs-vswitchd rejected %d flow_mods\n",
                   ovs.n_errors);
            ok = false;
        }
        if (ovs.n_flows != n) {
            printf("  FAILED: the switch holds %u flows, expected %zu\n",
                   ovs.n_flows, n);
            ok = false;
        }
        if (enc < GOAL_RATIO || dec < GOAL_RATIO) {
            ok = false;
        }
    }

    for (size_t i = 0; i < n; i++) {
        ofp_flow_mod_uninit(&fms[i]);
    }
    free(fms);
    return ok ? 0 : 1;
}
