/* libFuzzer target: the xenstore policy parsers (src/xspolicy.c).
 *
 * The whole input is a per-MAC JSON value of node
 * /local/domain/5/vm-data/networking/4040fa7292e4: it must either give a
 * locked policy with that node's MAC, or an error message that names the
 * node.  The same bytes, split on NUL into locking-mode, ipv4-allowed and
 * ipv6-allowed, also go through xapi's parser. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/buf.h"
#include "src/policy.h"
#include "src/xspolicy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NODE "/local/domain/5/vm-data/networking/4040fa7292e4"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t mac[6] = { 0x40, 0x40, 0xfa, 0x72, 0x92, 0xe4 };
    char *s = ofp_xmalloc(size + 1);
    struct vg_policy p;
    char *err = NULL;

    memcpy(s, data, size);
    s[size] = '\0';
    if (vg_xs_policy_from_json(NODE, "4040fa7292e4", s, &p, &err)) {
        if (!err || strncmp(err, NODE ": ", strlen(NODE) + 2)) {
            abort();
        }
    } else if (err || p.mode != VG_MODE_LOCKED || !p.has_mac ||
               memcmp(p.mac, mac, 6)) {
        abort();
    }
    free(err);
    vg_policy_destroy(&p);

    /* xapi's three fields. */
    char *fields[3] = { NULL, NULL, NULL };
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= size && n < 3; i++) {
        if (i == size || !data[i]) {
            fields[n++] = s + start;
            s[i] = '\0';
            start = i + 1;
        }
    }
    struct vg_xs_vif vif = { (char *)"0b1e5e1a-1111-4222-8333-000000000005", 0,
                             fields[0], fields[1], fields[2] };
    err = NULL;
    if (vg_xs_policy_from_xapi(&vif, size & 1 ? mac : NULL, &p, &err)) {
        if (!err || strncmp(err, "/xapi/", 6)) {
            abort();
        }
    } else if (err) {
        abort();
    }
    free(err);
    vg_policy_destroy(&p);
    free(s);
    return 0;
}
