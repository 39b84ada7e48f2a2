/* Unit tests for xenstore policy parsing and policy source precedence
 * (src/xspolicy.c): xapi's locking settings in every mode, the per-MAC JSON
 * with every malformed form we could think of, the node permission rule,
 * and vg_policy_resolve()'s choice of source and its conflicts. */
#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/buf.h"
#include "src/model.h"
#include "src/policy.h"
#include "src/xspolicy.h"
#include "tests/unit/check.h"

#define UUID "0b1e5e1a-1111-4222-8333-000000000005"
#define NODE "/local/domain/5/vm-data/networking/4040fa7292e4"
#define NAME "4040fa7292e4"
static const uint8_t mac1[6] = { 0x40, 0x40, 0xfa, 0x72, 0x92, 0xe4 };

/* Parses xapi settings; returns the error code. */
static int
xapi__(const char *mode, const char *v4, const char *v6, bool with_mac,
       struct vg_policy *p, char **err)
{
    struct vg_xs_vif vif = { (char *)UUID, 0, (char *)mode, (char *)v4,
                             (char *)v6 };
    return vg_xs_policy_from_xapi(&vif, with_mac ? mac1 : NULL, p, err);
}

static void
test_xapi_modes(void)
{
    struct vg_policy p;
    char *err = NULL;
    char buf[VG_PREFIX_STRLEN];

    CHECK_EQ(xapi__("locked", "10.0.0.5,10.0.1.0/24", "2001:db8::5", true, &p,
                    &err),
             0);
    CHECK(err == NULL);
    CHECK_EQ(p.mode, VG_MODE_LOCKED);
    CHECK(p.has_mac && !memcmp(p.mac, mac1, 6));
    CHECK_EQ(p.n_ipv4, 2);
    CHECK_STREQ(vg_prefix4_format(&p.ipv4[0], buf), "10.0.0.5");
    CHECK_STREQ(vg_prefix4_format(&p.ipv4[1], buf), "10.0.1.0/24");
    CHECK_EQ(p.n_ipv6, 1);
    vg_policy_destroy(&p);

    /* Empty lists (xenopsd writes "" for none): locked, no addresses. */
    CHECK_EQ(xapi__("locked", "", "", true, &p, &err), 0);
    CHECK_EQ(p.n_ipv4 + p.n_ipv6, 0);
    vg_policy_destroy(&p);
    CHECK_EQ(xapi__("locked", NULL, NULL, true, &p, &err), 0);
    CHECK_EQ(p.mode, VG_MODE_LOCKED);
    vg_policy_destroy(&p);

    /* Unlocked and disabled ignore (even bad) stale lists. */
    CHECK_EQ(xapi__("unlocked", "junk", NULL, true, &p, &err), 0);
    CHECK_EQ(p.mode, VG_MODE_UNLOCKED);
    CHECK_EQ(p.n_ipv4, 0);
    vg_policy_destroy(&p);
    CHECK_EQ(xapi__("disabled", NULL, "junk", false, &p, &err), 0);
    CHECK_EQ(p.mode, VG_MODE_DISABLED);
    vg_policy_destroy(&p);
}

static void
test_xapi_errors(void)
{
    struct vg_policy p;
    char *err = NULL;

    CHECK_EQ(xapi__("network_default", NULL, NULL, true, &p, &err), EINVAL);
    CHECK_ERRMSG(err, "/xapi/" UUID "/private/vif/0/locking-mode: "
                      "\"network_default\": not resolved by xapi");
    vg_policy_destroy(&p);

    CHECK_EQ(xapi__("Locked", NULL, NULL, true, &p, &err), EINVAL);
    CHECK_ERRMSG(err, "locking-mode: \"Locked\": unknown locking mode");
    vg_policy_destroy(&p);
    CHECK_EQ(xapi__("", NULL, NULL, true, &p, &err), EINVAL);
    CHECK_ERRMSG(err, "unknown locking mode");
    vg_policy_destroy(&p);
    CHECK_EQ(xapi__(NULL, "10.0.0.5", NULL, true, &p, &err), EINVAL);
    CHECK_ERRMSG(err, "/private/vif/0/locking-mode: missing");
    vg_policy_destroy(&p);

    CHECK_EQ(xapi__("locked", "10.0.0.300", NULL, true, &p, &err), EINVAL);
    CHECK_ERRMSG(err, "/xapi/" UUID "/private/vif/0/ipv4-allowed: "
                      "\"10.0.0.300\": not an IPv4 address");
    vg_policy_destroy(&p);
    CHECK_EQ(xapi__("locked", "10.0.0.5/24", NULL, true, &p, &err), EINVAL);
    CHECK_ERRMSG(err, "ipv4-allowed: \"10.0.0.5/24\": host bits set");
    vg_policy_destroy(&p);
    CHECK_EQ(xapi__("locked", "10.0.0.5;10.0.0.6", NULL, true, &p, &err),
             EINVAL);
    CHECK_ERRMSG(err, "ipv4-allowed: \"10.0.0.5;10.0.0.6\"");
    vg_policy_destroy(&p);
    CHECK_EQ(xapi__("locked", NULL, "fe80::/64", true, &p, &err), EINVAL);
    CHECK_ERRMSG(err, "ipv6-allowed: \"fe80::/64\"");
    vg_policy_destroy(&p);
    CHECK_EQ(xapi__("locked", NULL, "2001:db8::5", false, &p, &err), EINVAL);
    CHECK_ERRMSG(err, "locked mode needs the VIF's MAC");
    vg_policy_destroy(&p);
}

/* Parses 'json' as node NODE; returns the error code. */
static int
json__(const char *json, struct vg_policy *p, char **err)
{
    return vg_xs_policy_from_json(NODE, NAME, json, p, err);
}

static void
test_json_good(void)
{
    struct vg_policy p;
    char *err = NULL;
    char buf[VG_PREFIX_STRLEN];

    /* The seed's example, as vif_rules wrote it. */
    const char *seed = "{\"label\": \"public\",\n"
                       " \"ips\": [{\"netmask\":\"255.255.255.0\", \n"
                       "          \"enabled\":\"1\", \n"
                       "          \"ip\":\"173.200.100.10\"}], \n"
                       " \"mac\":\"40:40:fa:72:92:e4\",\n"
                       " \"gateway\":\"173.200.100.1\", \n"
                       " \"vm_id\":\"123456\",\n"
                       " \"dns\":[\"72.3.128.240\",\"72.3.128.241\"]}";
    CHECK_EQ(json__(seed, &p, &err), 0);
    CHECK(err == NULL);
    CHECK_EQ(p.mode, VG_MODE_LOCKED);
    CHECK(p.has_mac && !memcmp(p.mac, mac1, 6));
    CHECK_EQ(p.n_ipv4, 1);
    CHECK_STREQ(vg_prefix4_format(&p.ipv4[0], buf), "173.200.100.10");
    CHECK_EQ(p.n_ipv6, 0);
    vg_policy_destroy(&p);

    /* IPv6, routes (nesting), numbers, literals, escapes, disabled entry. */
    CHECK_EQ(json__("{\"m\\u0061c\": \"40:40:FA:72:92:E4\", \"ips\": "
                    "[{\"ip\": \"10.0.0.5\"}, {\"ip\": \"10.0.0.6\", "
                    "\"enabled\": \"0\"}, {\"ip\": \"10.0.0.0/30\"}], "
                    "\"ip6s\": [{\"ip\": \"2001:db8::5\", \"x\": null}], "
                    "\"routes\": [{\"route\": \"10.176.0.0\", \"n\": "
                    "[1, -2.5e3, true, false, {}, []]}], \"s\": "
                    "\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"}",
                    &p, &err),
             0);
    CHECK(err == NULL);
    CHECK_EQ(p.n_ipv4, 2);
    CHECK_STREQ(vg_prefix4_format(&p.ipv4[0], buf), "10.0.0.0/30");
    CHECK_STREQ(vg_prefix4_format(&p.ipv4[1], buf), "10.0.0.5");
    CHECK_EQ(p.n_ipv6, 1);
    CHECK_STREQ(vg_prefix6_format(&p.ipv6[0], buf), "2001:db8::5");
    vg_policy_destroy(&p);

    /* No address at all: locked to the MAC (IPv6 link-local only). */
    CHECK_EQ(json__(" {\"mac\": \"40:40:fa:72:92:e4\"} \n", &p, &err), 0);
    CHECK_EQ(p.n_ipv4 + p.n_ipv6, 0);
    vg_policy_destroy(&p);
}

struct bad_json {
    const char *json;
    const char *msg;
};

static void
test_json_bad(void)
{
    static const struct bad_json cases[] = {
        { "", "not a JSON object" },
        { "[]", "not a JSON object" },
        { "\"mac\"", "not a JSON object" },
        { "{", "not valid JSON (byte 1): expected a string" },
        { "{\"mac\": \"40:40:fa:72:92:e4\"", "expected ',' or '}'" },
        { "{\"mac\": \"40:40:fa:72:92:e4\",}", "expected a string" },
        { "{\"mac\" \"40:40:fa:72:92:e4\"}", "expected ':'" },
        { "{\"mac\": \"40:40:fa:72:92:e4\"} x", "trailing data" },
        { "{\"mac\": \"40:40:fa:72:92:e4\"}{}", "trailing data" },
        { "{}", "mac: missing" },
        { "{\"mac\": 12}", "mac: not a string" },
        { "{\"mac\": \"40:40:fa:72:92\"}", "mac: " },
        { "{\"mac\": \"40:40:fa:72:92:e5\"}", "does not match the node name" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"mac\": \"40:40:fa:72:92:e4\"}",
          "duplicate key \"mac\"" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"ips\": [], \"ips\": []}",
          "duplicate key \"ips\"" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"x\": {\"a\": 1, \"a\": 2}}",
          "duplicate key \"a\"" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"ips\": [{\"ip\": \"10.0.0.5\","
          " \"ip\": \"10.0.0.6\"}]}",
          "duplicate key \"ip\"" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"ips\": {}}",
          "ips: not an array" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"ips\": \"10.0.0.5\"}",
          "ips: not an array" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"ips\": [\"10.0.0.5\"]}",
          "ips[0]: not an object" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"ips\": [{}]}",
          "ips[0]: no \"ip\"" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"ips\": [{\"ip\": 10}]}",
          "ips[0].ip: not a string" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"ips\": [{\"ip\": \"10.0.0.5\"},"
          " {\"ip\": \"10.0.0.300\"}]}",
          "ips[1].ip: \"10.0.0.300\": not an IPv4 address" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"ips\": [{\"ip\": \"10.0.0.5, "
          "10.0.0.6\"}]}",
          "ips[0].ip: \"10.0.0.5, 10.0.0.6\": not one address" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"ips\": [{\"ip\": \"\"}]}",
          "not one address" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"ips\": [{\"ip\": "
          "\"2001:db8::5\"}]}",
          "ips[0].ip" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"ip6s\": [{\"ip\": "
          "\"10.0.0.5\"}]}",
          "ip6s[0].ip" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"ip6s\": [{\"ip\": "
          "\"fe80::/10\"}]}",
          "ip6s[0].ip" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"ips\": [{\"ip\": \"10.0.0.5\","
          " \"enabled\": 1}]}",
          "ips[0].enabled: not a string" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"ips\": [{\"ip\": \"10.0.0.5\","
          " \"enabled\": \"yes\"}]}",
          "ips[0].enabled: \"yes\": not \"0\" or \"1\"" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"x\": [1, 2,]}", "bad value" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"x\": 01}", "expected ','" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"x\": 1.}", "bad number" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"x\": 1e}", "bad number" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"x\": tru}", "bad value" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"x\": NaN}", "bad value" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"x\": 'a'}", "bad value" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"x\": \"a\tb\"}",
          "control character" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"x\": \"\\x\"}", "bad escape" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"x\": \"\\u12\"}",
          "bad \\u escape" },
        { "{\"mac\": \"40:40:fa:72:92:e4\\u0000\"}", "\\u0000" },
        { "{\"mac\": \"40:40:fa:72:92:e4", "unterminated string" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"x\": \"abc\\", "unterminated" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"x\": [[[[[[[[[1]]]]]]]]]}",
          "nested deeper than 8 levels" },
        { "{\"mac\": \"40:40:fa:72:92:e4\", \"x\": {\"a\": {\"a\": {\"a\": "
          "{\"a\": {\"a\": {\"a\": {\"a\": {}}}}}}}}}",
          "nested deeper than 8 levels" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct vg_policy p;
        char *err = NULL;
        int error = json__(cases[i].json, &p, &err);
        CHECK_EQ(error, EINVAL);
        if (err && strncmp(err, NODE ": ", strlen(NODE) + 2)) {
            fprintf(stderr, "  case %zu: message without the path: %s\n", i,
                    err);
            CHECK(false);
        }
        if (!err || !strstr(err, cases[i].msg)) {
            fprintf(stderr, "  case %zu: %s\n  want: %s\n", i,
                    err ? err : "(no error)", cases[i].msg);
        }
        CHECK_ERRMSG(err, cases[i].msg);
        vg_policy_destroy(&p);
    }

    /* Exactly VG_XS_JSON_DEPTH levels pass. */
    struct vg_policy p;
    char *err = NULL;
    CHECK_EQ(json__("{\"mac\": \"40:40:fa:72:92:e4\", \"x\": "
                    "[[[[[[[1]]]]]]]}",
                    &p, &err),
             0);
    vg_policy_destroy(&p);

    /* Oversized: one byte over the limit, even if valid. */
    struct ofp_buf b;
    ofp_buf_init(&b);
    ofp_buf_put_cstr(&b, "{\"mac\": \"40:40:fa:72:92:e4\", \"pad\": \"");
    while (b.size < VG_XS_JSON_MAX - 1) {
        ofp_buf_put_char(&b, 'a');
    }
    ofp_buf_put_cstr(&b, "\"}");
    CHECK_EQ(json__(ofp_buf_cstr(&b), &p, &err), EINVAL);
    CHECK_ERRMSG(err, "more than 4096");
    vg_policy_destroy(&p);
    ofp_buf_uninit(&b);

    /* Deep nesting far beyond the limit: refused without recursing. */
    ofp_buf_init(&b);
    ofp_buf_put_cstr(&b, "{\"mac\": \"40:40:fa:72:92:e4\", \"x\": ");
    for (int i = 0; i < 2000; i++) {
        ofp_buf_put_char(&b, '[');
    }
    CHECK_EQ(json__(ofp_buf_cstr(&b), &p, &err), EINVAL);
    CHECK_ERRMSG(err, "nested deeper");
    vg_policy_destroy(&p);
    ofp_buf_uninit(&b);

    /* Many addresses (VG_POLICY_MAX_ADDRS does not fit in 4096 bytes). */
    ofp_buf_init(&b);
    ofp_buf_put_cstr(&b, "{\"mac\": \"40:40:fa:72:92:e4\", \"ips\": [");
    for (int i = 0; i < 200; i++) {
        ofp_buf_put_format(&b, "%s{\"ip\":\"10.0.0.%d\"}", i ? "," : "",
                           i + 1);
    }
    ofp_buf_put_cstr(&b, "]}");
    CHECK_EQ(json__(ofp_buf_cstr(&b), &p, &err), 0);
    CHECK_EQ(p.n_ipv4, 200);
    vg_policy_destroy(&p);
    ofp_buf_uninit(&b);

    /* A node name that is not a MAC. */
    CHECK_EQ(vg_xs_policy_from_json(NODE, "eth0",
                                    "{\"mac\": "
                                    "\"40:40:fa:72:92:e4\"}",
                                    &p, &err),
             EINVAL);
    CHECK_ERRMSG(err, "does not match the node name");
    vg_policy_destroy(&p);
}

static bool
writable__(const char *perms, unsigned int domid, const char **why)
{
    struct vg_xs_perm v[8];
    size_t n = 0;
    for (const char *p = perms; *p && n < 8; n++) {
        char c = *p++;
        v[n].domid = (unsigned int)strtoul(p, (char **)&p, 10);
        v[n].read = c == 'r' || c == 'b';
        v[n].write = c == 'w' || c == 'b';
        if (*p == ',') {
            p++;
        }
    }
    return vg_xs_writable_by(v, n, domid, why);
}

static void
test_perms(void)
{
    const char *why;

    /* Not writable by domain 5. */
    CHECK(!writable__("n0", 5, &why));
    CHECK(!writable__("r0", 5, &why));
    CHECK(!writable__("n0,r5", 5, &why));
    CHECK(!writable__("b0,r5", 5, &why)); /* Explicit entry wins. */
    CHECK(!writable__("n0,w7", 5, &why));
    CHECK(!writable__("n0,n5,w5", 5, &why)); /* First entry for 5. */
    CHECK_STREQ(why, "the guest domain may not write it");

    /* Writable. */
    CHECK(writable__("n5", 5, &why));
    CHECK_STREQ(why, "the guest domain owns it");
    CHECK(writable__("r5,n0", 5, &why));
    CHECK(writable__("n0,w5", 5, &why));
    CHECK_STREQ(why, "the guest domain has write permission");
    CHECK(writable__("n0,b5", 5, &why));
    CHECK(writable__("w0", 5, &why));
    CHECK(strstr(why, "default permission") != NULL);
    CHECK(writable__("b0,r7", 5, &why));
    CHECK(writable__("", 5, &why));
    CHECK_STREQ(why, "its permissions are unknown");
}

static void
test_macnode(void)
{
    struct vg_xs_perm safe[2] = { { 0, false, false }, { 5, true, false } };
    struct vg_xs_perm owned[1] = { { 5, false, false } };
    struct vg_xs_macnode m = { 5, (char *)NAME,
                               (char *)"{\"mac\": \"40:40:fa:72:92:e4\"}",
                               safe, 2 };
    struct vg_policy p;
    char *err = NULL;

    CHECK_EQ(vg_xs_policy_from_macnode(&m, &p, &err), 0);
    vg_policy_destroy(&p);
    m.perms = owned;
    m.n_perms = 1;
    CHECK_EQ(vg_xs_policy_from_macnode(&m, &p, &err), EPERM);
    CHECK_ERRMSG(err,
                 NODE ": refused: domain 5 can write it (the guest domain "
                      "owns it)");
    vg_policy_destroy(&p);
}

static void
test_ifname(void)
{
    unsigned int d, n;
    CHECK(vg_xs_parse_ifname("vif5.0", &d, &n) && d == 5 && n == 0);
    CHECK(vg_xs_parse_ifname("tap12.3", &d, &n) && d == 12 && n == 3);
    CHECK(vg_xs_parse_ifname("vif65535.1", &d, &n) && d == 65535);
    CHECK(!vg_xs_parse_ifname("vif5", &d, &n));
    CHECK(!vg_xs_parse_ifname("vif5.", &d, &n));
    CHECK(!vg_xs_parse_ifname("vif05.0", &d, &n));
    CHECK(!vg_xs_parse_ifname("vif5.0x", &d, &n));
    CHECK(!vg_xs_parse_ifname("vif123456.0", &d, &n));
    CHECK(!vg_xs_parse_ifname("eth5.0", &d, &n));
    CHECK(!vg_xs_parse_ifname("vif-5.0", &d, &n));
}

/* A guest interface vif5.0 with the given external_ids (NULL-terminated
 * key, value list). */
static void
iface_init__(struct vg_iface *iface, struct vg_kv *kv, const char *name,
             const char *const *pairs)
{
    size_t n = 0;
    memset(iface, 0, sizeof *iface);
    iface->name = (char *)name;
    for (; pairs[2 * n]; n++) {
        kv[n].key = (char *)pairs[2 * n];
        kv[n].value = (char *)pairs[2 * n + 1];
    }
    vg_kv_sort(kv, n);
    iface->external_ids = kv;
    iface->n_external_ids = n;
}

static void
test_resolve(void)
{
    struct vg_xs_domain dom = { 5, (char *)UUID, false };
    struct vg_xs_vif vif = { (char *)UUID, 0, (char *)"locked",
                             (char *)"10.0.0.5", (char *)"" };
    struct vg_xs_perm safe[1] = { { 0, false, false } };
    struct vg_xs_macnode mn = { 5, (char *)NAME,
                                (char *)"{\"mac\": \"40:40:fa:72:92:e4\", "
                                        "\"ips\": [{\"ip\": \"10.0.0.9\"}]}",
                                safe, 1 };
    struct vg_xs_view view = { &dom, 1, &vif, 1, &mn, 1 };
    struct vg_xs_view empty = { NULL, 0, NULL, 0, NULL, 0 };
    struct vg_iface iface;
    struct vg_kv kv[8];
    struct vg_policy p;
    enum vg_policy_source src;
    char *conflict, *err;

    /* Only OVSDB's attached-mac: the default mode. */
    static const char *const plain[] = { "attached-mac", "40:40:fa:72:92:e4",
                                         NULL };
    iface_init__(&iface, kv, "vif5.0", plain);
    CHECK_EQ(vg_policy_resolve(&iface, NULL, VG_MODE_LOCKED, &p, &src,
                               &conflict, &err),
             0);
    CHECK_EQ(src, VG_PSRC_DEFAULT);
    CHECK_STREQ(vg_policy_source_name(src), "default");
    CHECK_STREQ(vg_policy_source_name(VG_N_PSRC), "none");
    CHECK(!conflict);
    vg_policy_destroy(&p);

    /* xapi wins over everything; found through the domain's VM uuid. */
    CHECK_EQ(vg_policy_resolve(&iface, &view, VG_MODE_LOCKED, &p, &src,
                               &conflict, &err),
             0);
    CHECK_EQ(src, VG_PSRC_XAPI);
    CHECK_STREQ(vg_policy_source_name(src), "xapi");
    CHECK_EQ(p.n_ipv4, 1);
    CHECK_EQ(p.ipv4[0].addr, 0x0a000005);
    /* The per-MAC JSON says 10.0.0.9: a conflict. */
    CHECK(conflict && strstr(conflict, "xenstore-mac also present and "
                                       "ignored: mode locked ipv4 10.0.0.9"));
    free(conflict);
    vg_policy_destroy(&p);

    /* Same through xs-vm-uuid (upper case) and the tap of an HVM guest. */
    static const char *const xsids[] = {
        "attached-mac",
        "40:40:fa:72:92:e4",
        "xs-vm-uuid",
        "0B1E5E1A-1111-4222-8333-000000000005",
        "vifguard-mode",
        "unlocked",
        NULL
    };
    iface_init__(&iface, kv, "tap5.0", xsids);
    dom.vm_uuid = NULL;
    CHECK_EQ(vg_policy_resolve(&iface, &view, VG_MODE_LOCKED, &p, &src,
                               &conflict, &err),
             0);
    CHECK_EQ(src, VG_PSRC_XAPI);
    CHECK(conflict && strstr(conflict, "xenstore-mac also present") &&
          strstr(conflict, "ovsdb also present and ignored: mode unlocked"));
    free(conflict);
    vg_policy_destroy(&p);
    dom.vm_uuid = (char *)UUID;

    /* No xapi node: the per-MAC JSON wins over OVSDB. */
    vif.devid = 1;
    CHECK_EQ(vg_policy_resolve(&iface, &view, VG_MODE_LOCKED, &p, &src,
                               &conflict, &err),
             0);
    CHECK_EQ(src, VG_PSRC_XS_MAC);
    CHECK_STREQ(vg_policy_source_name(src), "xenstore-mac");
    CHECK_EQ(p.ipv4[0].addr, 0x0a000009);
    CHECK(conflict && strstr(conflict, "ovsdb also present"));
    free(conflict);
    vg_policy_destroy(&p);

    /* A guest-writable per-MAC node: the port is in error (not OVSDB). */
    struct vg_xs_perm owned[1] = { { 5, false, false } };
    mn.perms = owned;
    CHECK_EQ(vg_policy_resolve(&iface, &view, VG_MODE_LOCKED, &p, &src,
                               &conflict, &err),
             EPERM);
    CHECK_EQ(src, VG_PSRC_XS_MAC);
    CHECK_ERRMSG(err, NODE ": refused: domain 5 can write it");
    free(conflict);
    vg_policy_destroy(&p);
    mn.perms = safe;

    /* Too many per-MAC nodes in the domain (the guest can make them):
     * none is read, and the source counts as present and invalid, so that
     * no lower one (OVSDB's unlocked here) stands in for dom0's node. */
    dom.macs_overflow = true;
    view.n_macs = 0;
    CHECK_EQ(vg_policy_resolve(&iface, &view, VG_MODE_LOCKED, &p, &src,
                               &conflict, &err),
             EINVAL);
    CHECK_EQ(src, VG_PSRC_XS_MAC);
    CHECK_ERRMSG(err, "more than 256 per-MAC nodes");
    free(conflict);
    vg_policy_destroy(&p);
    /* xapi's node, dom0's alone, still wins. */
    vif.devid = 0;
    CHECK_EQ(vg_policy_resolve(&iface, &view, VG_MODE_LOCKED, &p, &src,
                               &conflict, &err),
             0);
    CHECK_EQ(src, VG_PSRC_XAPI);
    CHECK(conflict && strstr(conflict, "more than 256 per-MAC nodes"));
    free(conflict);
    vg_policy_destroy(&p);
    vif.devid = 1;
    dom.macs_overflow = false;
    view.n_macs = 1;

    /* Lower source agreeing: no conflict.  OVSDB locked to 10.0.0.9 with
     * the same MAC as the JSON. */
    static const char *const same[] = { "attached-mac",
                                        "40:40:fa:72:92:e4",
                                        "vifguard-mode",
                                        "locked",
                                        "vifguard-ipv4",
                                        "10.0.0.9",
                                        NULL };
    iface_init__(&iface, kv, "vif5.0", same);
    CHECK_EQ(vg_policy_resolve(&iface, &view, VG_MODE_LOCKED, &p, &src,
                               &conflict, &err),
             0);
    CHECK_EQ(src, VG_PSRC_XS_MAC);
    CHECK(!conflict);
    vg_policy_destroy(&p);

    /* Only OVSDB keys: source ovsdb, no conflict; empty view same. */
    CHECK_EQ(vg_policy_resolve(&iface, &empty, VG_MODE_LOCKED, &p, &src,
                               &conflict, &err),
             0);
    CHECK_EQ(src, VG_PSRC_OVSDB);
    CHECK(!conflict);
    vg_policy_destroy(&p);

    /* An invalid lower source is a conflict, not an error. */
    static const char *const bad[] = { "attached-mac", "40:40:fa:72:92:e4",
                                       "vifguard-ipv4", "10.0.0.300", NULL };
    iface_init__(&iface, kv, "vif5.0", bad);
    vif.devid = 0;
    CHECK_EQ(vg_policy_resolve(&iface, &view, VG_MODE_LOCKED, &p, &src,
                               &conflict, &err),
             0);
    CHECK_EQ(src, VG_PSRC_XAPI);
    CHECK(conflict && strstr(conflict, "ovsdb also present and ignored: "
                                       "invalid: vifguard-ipv4"));
    free(conflict);
    vg_policy_destroy(&p);

    /* An invalid winner is an error, even if a lower source is fine. */
    vif.locking_mode = (char *)"network_default";
    CHECK_EQ(vg_policy_resolve(&iface, &view, VG_MODE_LOCKED, &p, &src,
                               &conflict, &err),
             EINVAL);
    CHECK_EQ(src, VG_PSRC_XAPI);
    CHECK_ERRMSG(err, "network_default");
    free(conflict);
    vg_policy_destroy(&p);
    vif.locking_mode = (char *)"locked";

    /* A name that is not vifD.N: xenstore is not consulted. */
    iface_init__(&iface, kv, "guest0", plain);
    CHECK_EQ(vg_policy_resolve(&iface, &view, VG_MODE_UNLOCKED, &p, &src,
                               &conflict, &err),
             0);
    CHECK_EQ(src, VG_PSRC_DEFAULT);
    CHECK_EQ(p.mode, VG_MODE_UNLOCKED);
    vg_policy_destroy(&p);

    /* Domain 0 is never a guest with per-MAC nodes. */
    mn.domid = 0;
    dom.domid = 0;
    iface_init__(&iface, kv, "vif0.1", plain);
    CHECK_EQ(vg_policy_resolve(&iface, &view, VG_MODE_LOCKED, &p, &src,
                               &conflict, &err),
             0);
    CHECK_EQ(src, VG_PSRC_DEFAULT);
    vg_policy_destroy(&p);
}

/* Lookups in a view built out of order and sorted. */
static void
test_view_find(void)
{
    struct vg_xs_view v;
    static const unsigned int domids[] = { 9, 3, 5, 5, 12, 5 };
    static const char *const names[] = { "4040fa7292e4", "4040fa7292e4",
                                         "020000000001", "4040FA7292E4",
                                         "4040fa7292e4", "ffffffffffff" };

    vg_xs_view_init(&v);
    v.n_macs = 6;
    v.macs = calloc(6, sizeof *v.macs);
    for (size_t i = 0; i < 6; i++) {
        v.macs[i].domid = domids[i];
        v.macs[i].name = strdup(names[i]);
    }
    v.n_vifs = 3;
    v.vifs = calloc(3, sizeof *v.vifs);
    v.vifs[0].vm_uuid = strdup("b");
    v.vifs[0].devid = 1;
    v.vifs[1].vm_uuid = strdup("a");
    v.vifs[1].devid = 2;
    v.vifs[2].vm_uuid = strdup("b");
    v.vifs[2].devid = 0;
    v.n_domains = 2;
    v.domains = calloc(2, sizeof *v.domains);
    v.domains[0].domid = 7;
    v.domains[1].domid = 2;
    vg_xs_view_sort(&v);

    const struct vg_xs_macnode *m = vg_xs_view_find_mac(&v, 5, mac1);
    CHECK(m && m->domid == 5 && !strcmp(m->name, "4040FA7292E4"));
    m = vg_xs_view_find_mac(&v, 12, mac1);
    CHECK(m && m->domid == 12);
    m = vg_xs_view_find_mac(&v, 3, mac1);
    CHECK(m && m->domid == 3);
    CHECK(vg_xs_view_find_mac(&v, 4, mac1) == NULL);
    CHECK(vg_xs_view_find_mac(&v, 13, mac1) == NULL);
    const struct vg_xs_vif *x = vg_xs_view_find_vif(&v, "b", 0);
    CHECK(x && x->devid == 0 && !strcmp(x->vm_uuid, "b"));
    CHECK(vg_xs_view_find_vif(&v, "a", 2) != NULL);
    CHECK(vg_xs_view_find_vif(&v, "a", 1) == NULL);
    CHECK(vg_xs_view_find_vif(&v, "c", 0) == NULL);
    CHECK(vg_xs_view_find_domain(&v, 7) != NULL);
    CHECK(vg_xs_view_find_domain(&v, 3) == NULL);

    /* A deep copy outlives its original (the xenstore thread hands its
     * views over as copies). */
    v.domains[0].vm_uuid = strdup("a");
    v.vifs[1].locking_mode = strdup("locked");
    v.vifs[1].ipv6_allowed = strdup("2001:db8::5");
    v.macs[2].json = strdup("{}");
    v.macs[2].perms = calloc(2, sizeof *v.macs[2].perms);
    v.macs[2].perms[1] = (struct vg_xs_perm){ 5, true, false };
    v.macs[2].n_perms = 2;
    struct vg_xs_view c;
    vg_xs_view_copy(&c, &v);
    vg_xs_view_destroy(&v);
    CHECK(c.n_domains == 2 && c.n_vifs == 3 && c.n_macs == 6);
    CHECK(c.domains[0].vm_uuid && !strcmp(c.domains[0].vm_uuid, "a"));
    CHECK(!c.domains[1].vm_uuid);
    x = vg_xs_view_find_vif(&c, "b", 0); /* vifs[1] since the sort. */
    CHECK(x && x->devid == 0 && !strcmp(x->locking_mode, "locked"));
    CHECK(!strcmp(x->ipv6_allowed, "2001:db8::5") && !x->ipv4_allowed);
    x = vg_xs_view_find_vif(&c, "a", 2);
    CHECK(x && !x->locking_mode && !strcmp(x->vm_uuid, "a"));
    m = vg_xs_view_find_mac(&c, 5, mac1);
    CHECK(m && !strcmp(m->name, "4040FA7292E4"));
    CHECK(c.macs[2].json && !strcmp(c.macs[2].json, "{}"));
    CHECK(c.macs[2].n_perms == 2 && c.macs[2].perms[1].domid == 5 &&
          c.macs[2].perms[1].read && !c.macs[2].perms[1].write);
    CHECK(!c.macs[0].perms && !c.macs[0].json);
    vg_xs_view_destroy(&c);
    vg_xs_view_init(&v);
    vg_xs_view_copy(&c, &v);
    CHECK(!c.n_domains && !c.n_vifs && !c.n_macs);
    vg_xs_view_destroy(&c);
    vg_xs_view_destroy(NULL);
}

int
main(void)
{
    test_xapi_modes();
    test_xapi_errors();
    test_json_good();
    test_json_bad();
    test_perms();
    test_macnode();
    test_ifname();
    test_resolve();
    test_view_find();
    return check_summary();
}
