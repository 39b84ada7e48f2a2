/* libFuzzer target: guest policy strings (src/policy.c) and the flows
 * compiled from whatever parses (src/flows.c).
 *
 * The input is split on NUL bytes into up to four strings, used as the
 * external_ids attached-mac, vifguard-mode, vifguard-ipv4 and vifguard-ipv6
 * of a guest interface.  A policy error must come with a message; a policy
 * that parses must compile into flows that libofp encodes and decodes back
 * to the same fingerprint (what the switch holds is what was meant).  The
 * four strings are also read as sFlow/NetFlow/IPFIX targets and matched
 * against the policy (vg_target_addr(), vg_policy_has_addr()). */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/buf.h"
#include "src/flows.h"
#include "src/model.h"
#include "src/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const keys[] = { "attached-mac", "vifguard-mode",
                                    "vifguard-ipv4", "vifguard-ipv6" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vg_kv kv[4];
    struct vg_iface iface;
    size_t n = 0;
    size_t start = 0;

    memset(&iface, 0, sizeof iface);
    iface.name = "vif1.0";
    for (size_t i = 0; i <= size && n < 4; i++) {
        if (i == size || !data[i]) {
            char *s = ofp_xmalloc(i - start + 1);
            memcpy(s, data + start, i - start);
            s[i - start] = '\0';
            kv[n].key = (char *)keys[n];
            kv[n].value = s;
            n++;
            start = i + 1;
        }
    }
    iface.external_ids = kv;
    iface.n_external_ids = n;

    struct vg_policy p;
    char *err = NULL;
    if (vg_policy_from_iface(&iface, VG_MODE_LOCKED, &p, &err)) {
        if (!err || !*err) {
            abort();
        }
    } else {
        struct vg_flow_group g;
        uint64_t wire = 0;

        if (err) {
            abort();
        }
        vg_flow_group_init(&g, vg_cookie(VG_COOKIE_PORT, 7));
        const struct vg_port_ctx ctx = { .vlan = 5,
                                         .source = VG_SOURCE_TRUSTED };
        vg_flows_guest(7, &p, &ctx, &g);
        for (size_t i = 0; i < g.n; i++) {
            struct ofp_buf b;
            struct ofp_flow_mod fm;

            ofp_buf_init(&b);
            if (ofp_flow_mod_encode(&g.flows[i], 1, &b) ||
                ofp_flow_mod_decode(b.data, b.size, &fm)) {
                abort();
            }
            wire +=
                vg_flow_hash(fm.table_id, fm.priority, &fm.match, &fm.insts);
            ofp_flow_mod_uninit(&fm);
            ofp_buf_uninit(&b);
        }
        if (wire != vg_flow_group_fingerprint(&g)) {
            abort();
        }
        vg_flow_group_destroy(&g);
        for (size_t i = 0; i < n; i++) {
            uint8_t addr[16];
            int af = vg_target_addr(kv[i].value, addr);
            if (af) {
                (void)vg_policy_has_addr(&p, af, addr);
            }
        }
    }
    free(err);
    vg_policy_destroy(&p);
    for (size_t i = 0; i < n; i++) {
        free(kv[i].value);
    }
    return 0;
}
