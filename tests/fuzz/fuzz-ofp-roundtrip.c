/* libFuzzer target: decode -> encode -> decode -> encode must be stable.
 *
 * The input is one OpenFlow message (the first framed one).  Whatever
 * ofp_msg_decode() accepts must be encodable by ofp_msg_encode(); the
 * encoding must decode again, and encoding that second decoding must give
 * exactly the same bytes.  Anything else is an asymmetry between encoder
 * and decoder, and the target aborts so that libFuzzer records the input. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/buf.h"
#include "ofp/errors.h"
#include "ofp/msgs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reports 'what' (with ofperr 'error') and aborts. */
static void
die__(const char *what, int error)
{
    fprintf(stderr, "fuzz-ofp-roundtrip: %s: %s\n", what,
            error ? ofp_strerror(error) : "bytes differ");
    abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len;
    if (ofp_msg_frame(data, size, &len)) {
        return 0;
    }

    struct ofp_msg m1, m2;
    memset(&m1, 0, sizeof m1);
    memset(&m2, 0, sizeof m2);
    if (ofp_msg_decode(data, len, &m1)) {
        return 0;
    }

    struct ofp_buf e1, e2;
    ofp_buf_init(&e1);
    ofp_buf_init(&e2);

    int error = ofp_msg_encode(&m1, &e1);
    if (error) {
        die__("decoded message does not encode", error);
    }
    error = ofp_msg_decode(e1.data, e1.size, &m2);
    if (error) {
        die__("encoding does not decode", error);
    }
    error = ofp_msg_encode(&m2, &e2);
    if (error) {
        die__("second decoding does not encode", error);
    }
    if (e1.size != e2.size || memcmp(e1.data, e2.data, e1.size)) {
        die__("encodings differ", 0);
    }

    ofp_msg_uninit(&m2);
    ofp_msg_uninit(&m1);
    ofp_buf_uninit(&e1);
    ofp_buf_uninit(&e2);
    return 0;
}
