/* libFuzzer target: libofp's decoders and printer on untrusted bytes.
 *
 * The input is treated as a stream from a switch: it is cut into messages
 * with ofp_msg_frame(), exactly as the daemon's connection code does, and
 * every message goes through ofp_msg_decode(), ofp_msg_format() and
 * ofp_raw_format(); multipart replies are also fed to one lenient
 * ofp_mp_assembler, as the daemon's connections do, so sequences of parts
 * (matching or not) and the lenient decoding of flows and flow monitor
 * updates are exercised too (ofp_msg_decode() is the strict path).
 * Nothing may crash, leak or read out of bounds (ASan + UBSan). */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ofp/buf.h"
#include "ofp/msgs.h"
#include "ofp/print.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes and formats one framed message 'msg' of 'len' bytes, feeding it
 * to 'asm' too if it is a multipart reply. */
static void
fuzz_one__(const uint8_t *msg, size_t len, struct ofp_mp_assembler *asm_)
{
    struct ofp_buf text;
    ofp_buf_init(&text);

    struct ofp_msg m;
    memset(&m, 0, sizeof m);
    if (!ofp_msg_decode(msg, len, &m)) {
        ofp_msg_format(&m, &text);
        ofp_msg_uninit(&m);
    }
    ofp_buf_clear(&text);
    ofp_raw_format(msg, len, &text);
    (void)ofp_buf_cstr(&text);

    enum ofp_msg_kind kind;
    if (!ofp_msg_classify(msg, len, &kind) && kind == OFPK_MULTIPART_REPLY) {
        struct ofp_mp_reply reply;
        bool done = false;
        memset(&reply, 0, sizeof reply);
        if (!ofp_mp_assembler_add(asm_, msg, len, &reply, &done) && done) {
            ofp_mp_reply_uninit(&reply);
        }
    }
    ofp_buf_uninit(&text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ofp_mp_assembler asm_;
    ofp_mp_assembler_init(&asm_);
    asm_.lenient = true;

    while (size > 0) {
        size_t len;
        if (ofp_msg_frame(data, size, &len)) {
            /* EAGAIN (partial message) or a bad length: a real connection
             * would wait or drop; give the decoder the leftover anyway,
             * which it must reject cleanly. */
            fuzz_one__(data, size, &asm_);
            break;
        }
        if (len > size || len < OFP_HEADER_LEN) {
            __builtin_trap(); /* ofp_msg_frame() broke its contract. */
        }
        fuzz_one__(data, len, &asm_);
        data += len;
        size -= len;
    }

    ofp_mp_assembler_uninit(&asm_);
    return 0;
}
