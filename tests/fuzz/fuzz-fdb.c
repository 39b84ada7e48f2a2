/* libFuzzer target: the parser of ovs-vswitchd's fdb/show reply
 * (src/fdb.c), which vifguardd reads from the control socket.
 *
 * The input is the reply's text (cut at its first NUL byte, as a JSON
 * string cannot hold one anyway).  A parse must either succeed with
 * entries whose fields are in range, or fail with a message; nothing may
 * crash, leak or trip a sanitizer. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/buf.h"
#include "src/fdb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = ofp_xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';

    struct fdb_entry *v;
    size_t n;
    char *err;
    if (fdb_parse_show(text, &v, &n, &err)) {
        if (!err || !*err || v || n) {
            abort();
        }
        free(err);
    } else {
        if (err) {
            abort();
        }
        for (size_t i = 0; i < n; i++) {
            if (v[i].vlan > 4095) {
                abort();
            }
        }
        free(v);
    }
    free(text);
    return 0;
}
