/* libFuzzer target: the OpenFlow 1.0 decoders of ofp/of10.h on untrusted
 * bytes, as src/noflood.c reads them from a bridge's management socket.
 *
 * The input is cut into messages with ofp_msg_frame() (the leftover, if
 * any, is decoded too and must be rejected cleanly).  Every message goes
 * through ofp10_msg_classify(), ofp10_hello_check() and every 1.0 decoder,
 * whatever its type.  What decodes is re-encoded and decoded again, and the
 * two decoded forms must be equal (encoders and decoders agree): a mismatch
 * traps.  Nothing may crash, leak or read out of bounds (ASan + UBSan). */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/buf.h"
#include "ofp/of10.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Traps unless 'a' and 'b' hold the same ports. */
static void
same_ports__(const struct ofp10_port *a, size_t n_a,
             const struct ofp10_port *b, size_t n_b)
{
    if (n_a != n_b) {
        __builtin_trap();
    }
    for (size_t i = 0; i < n_a; i++) {
        if (a[i].port_no != b[i].port_no ||
            memcmp(a[i].hw_addr, b[i].hw_addr, sizeof a[i].hw_addr) ||
            strcmp(a[i].name, b[i].name) || a[i].config != b[i].config ||
            a[i].state != b[i].state || a[i].curr != b[i].curr ||
            a[i].advertised != b[i].advertised ||
            a[i].supported != b[i].supported || a[i].peer != b[i].peer) {
            __builtin_trap();
        }
    }
}

static void
fuzz_features__(const uint8_t *msg, size_t len)
{
    struct ofp10_features f, g;
    if (ofp10_features_decode(msg, len, &f)) {
        ofp10_features_uninit(&f);
        return;
    }
    struct ofp_buf b;
    ofp_buf_init(&b);
    if (ofp10_features_encode(&f, ofp_msg_xid(msg), &b) ||
        ofp10_features_decode(b.data, b.size, &g)) {
        __builtin_trap();
    }
    if (f.datapath_id != g.datapath_id || f.n_buffers != g.n_buffers ||
        f.n_tables != g.n_tables || f.capabilities != g.capabilities ||
        f.actions != g.actions || f.truncated != g.truncated) {
        __builtin_trap();
    }
    same_ports__(f.ports, f.n_ports, g.ports, g.n_ports);
    ofp10_features_uninit(&f);
    ofp10_features_uninit(&g);
    ofp_buf_uninit(&b);
}

static void
fuzz_port_desc__(const uint8_t *msg, size_t len)
{
    struct ofp10_port_desc_reply r, s;
    if (ofp10_port_desc_reply_decode(msg, len, &r)) {
        ofp10_port_desc_reply_uninit(&r);
        return;
    }
    struct ofp_buf b;
    ofp_buf_init(&b);
    if (ofp10_port_desc_reply_encode(&r, ofp_msg_xid(msg), &b) ||
        ofp10_port_desc_reply_decode(b.data, b.size, &s) || r.more != s.more) {
        __builtin_trap();
    }
    same_ports__(r.ports, r.n_ports, s.ports, s.n_ports);
    ofp10_port_desc_reply_uninit(&r);
    ofp10_port_desc_reply_uninit(&s);
    ofp_buf_uninit(&b);
}

static void
fuzz_port_mod__(const uint8_t *msg, size_t len)
{
    struct ofp10_port_mod_msg pm, again;
    if (ofp10_port_mod_decode(msg, len, &pm)) {
        return;
    }
    struct ofp_buf b;
    ofp_buf_init(&b);
    ofp10_port_mod_encode(&pm, ofp_msg_xid(msg), &b);
    if (ofp10_port_mod_decode(b.data, b.size, &again) ||
        memcmp(&pm, &again, sizeof pm)) {
        __builtin_trap();
    }
    ofp_buf_uninit(&b);
}

static void
fuzz_port_status__(const uint8_t *msg, size_t len)
{
    struct ofp10_port_status_msg ps, again;
    if (ofp10_port_status_decode(msg, len, &ps)) {
        return;
    }
    struct ofp_buf b;
    ofp_buf_init(&b);
    ofp10_port_status_encode(&ps, ofp_msg_xid(msg), &b);
    if (ofp10_port_status_decode(b.data, b.size, &again) ||
        ps.reason != again.reason) {
        __builtin_trap();
    }
    same_ports__(&ps.desc, 1, &again.desc, 1);
    ofp_buf_uninit(&b);
}

static void
fuzz_nx_set_async__(const uint8_t *msg, size_t len)
{
    struct ofp10_async_config c, again;
    if (ofp10_nx_set_async_decode(msg, len, &c)) {
        return;
    }
    struct ofp_buf b;
    ofp_buf_init(&b);
    ofp10_nx_set_async_encode(&c, ofp_msg_xid(msg), &b);
    if (b.size != len || memcmp(b.data, msg, len) ||
        ofp10_nx_set_async_decode(b.data, b.size, &again) ||
        memcmp(&c, &again, sizeof c)) {
        __builtin_trap();
    }
    ofp_buf_uninit(&b);
}

static void
fuzz_error__(const uint8_t *msg, size_t len)
{
    struct ofp_error e, f;
    if (ofp10_error_decode(msg, len, &e)) {
        return;
    }
    struct ofp_buf b;
    ofp_buf_init(&b);
    int error = e.error;
    e.error = 0; /* Raw wire type and code. */
    if (ofp10_error_encode(&e, ofp_msg_xid(msg), &b) ||
        ofp10_error_decode(b.data, b.size, &f) || f.error != error ||
        f.type != e.type || f.code != e.code || f.data_len != e.data_len ||
        memcmp(f.data, e.data, e.data_len)) {
        __builtin_trap();
    }
    ofp_buf_uninit(&b);
}

static void
fuzz_echo__(const uint8_t *msg, size_t len)
{
    struct ofp_echo e;
    if (ofp10_echo_decode(msg, len, &e)) {
        return;
    }
    struct ofp_buf b;
    ofp_buf_init(&b);
    ofp10_echo_reply_for(msg, len, &b);
    if (b.size != len || ofp10_echo_decode(b.data, b.size, &e) ||
        memcmp(b.data + 4, (const uint8_t *)msg + 4, len - 4)) {
        __builtin_trap();
    }
    ofp_buf_uninit(&b);
}

/* Runs every decoder on message 'msg' of 'len' bytes. */
static void
fuzz_one__(const uint8_t *msg, size_t len)
{
    enum ofp10_type type;
    (void)ofp10_msg_classify(msg, len, &type);
    (void)ofp10_hello_check(msg, len);
    fuzz_features__(msg, len);
    fuzz_port_desc__(msg, len);
    fuzz_port_mod__(msg, len);
    fuzz_port_status__(msg, len);
    fuzz_nx_set_async__(msg, len);
    fuzz_error__(msg, len);
    fuzz_echo__(msg, len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    while (size > 0) {
        size_t len;
        if (ofp_msg_frame(data, size, &len)) {
            /* Cut short or a bad length: give the decoders the leftover,
             * which they must reject cleanly.  A copy, so that ASan sees
             * any read beyond it. */
            uint8_t *copy = malloc(size);
            if (copy) {
                memcpy(copy, data, size);
                fuzz_one__(copy, size);
                free(copy);
            }
            break;
        }
        if (len > size || len < OFP_HEADER_LEN) {
            __builtin_trap(); /* ofp_msg_frame() broke its contract. */
        }
        uint8_t *copy = malloc(len);
        if (copy) {
            memcpy(copy, data, len);
            fuzz_one__(copy, len);
            free(copy);
        }
        data += len;
        size -= len;
    }
    return 0;
}
