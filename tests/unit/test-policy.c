/* Unit tests for policy parsing (src/policy.c): every parser with good and
 * bad input, and the error messages an operator sees. */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/model.h"
#include "src/policy.h"
#include "tests/unit/check.h"

static void
test_mode(void)
{
    enum vg_mode m;
    char *err = NULL;

    CHECK_EQ(vg_parse_mode("locked", &m, &err), 0);
    CHECK_EQ(m, VG_MODE_LOCKED);
    CHECK_EQ(vg_parse_mode("unlocked", &m, &err), 0);
    CHECK_EQ(m, VG_MODE_UNLOCKED);
    CHECK_EQ(vg_parse_mode("disabled", &m, &err), 0);
    CHECK_EQ(m, VG_MODE_DISABLED);
    CHECK(err == NULL);
    static const char *bad[] = { "",        "Locked",          "lock",
                                 "locked ", "network_default", "yes" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK(vg_parse_mode(bad[i], &m, &err) != 0);
        CHECK_ERRMSG(err, "unknown mode");
    }
    CHECK_STREQ(vg_mode_name(VG_MODE_DISABLED), "disabled");
}

static void
test_mac(void)
{
    uint8_t mac[6];
    char *err = NULL;

    CHECK_EQ(vg_parse_mac("02:00:0a:0B:ff:01", mac, &err), 0);
    CHECK(!memcmp(mac, "\x02\x00\x0a\x0b\xff\x01", 6));
    static const char *bad[] = { "",
                                 "02:00:00:00:00",
                                 "02:00:00:00:00:01:",
                                 "02-00-00-00-00-01",
                                 "2:0:0:0:0:1",
                                 "02:00:00:00:00:0g",
                                 "020000000001",
                                 "02:00:00:00:00:001",
                                 " 02:00:00:00:00:01" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK(vg_parse_mac(bad[i], mac, &err) != 0);
        CHECK_ERRMSG(err, "not a MAC address");
    }
    CHECK(vg_parse_mac("01:00:5e:00:00:01", mac, &err) != 0);
    CHECK_ERRMSG(err, "multicast");
    CHECK(vg_parse_mac("ff:ff:ff:ff:ff:ff", mac, &err) != 0);
    CHECK_ERRMSG(err, "multicast");
    CHECK(vg_parse_mac("00:00:00:00:00:00", mac, &err) != 0);
    CHECK_ERRMSG(err, "all-zero");
}

static void
test_ipv4(void)
{
    struct vg_prefix4 *v;
    size_t n;
    char *err = NULL;
    char buf[VG_PREFIX_STRLEN];

    CHECK_EQ(vg_parse_ipv4_list("", &v, &n, &err), 0);
    CHECK_EQ(n, 0);
    free(v);
    CHECK_EQ(vg_parse_ipv4_list(" , ,\t", &v, &n, &err), 0);
    CHECK_EQ(n, 0);
    free(v);

    CHECK_EQ(vg_parse_ipv4_list("10.0.0.6, 10.0.0.5 10.0.1.0/24,10.0.0.5", &v,
                                &n, &err),
             0);
    CHECK_EQ(n, 3);
    if (n == 3) {
        CHECK_STREQ(vg_prefix4_format(&v[0], buf), "10.0.0.5");
        CHECK_STREQ(vg_prefix4_format(&v[1], buf), "10.0.0.6");
        CHECK_STREQ(vg_prefix4_format(&v[2], buf), "10.0.1.0/24");
        CHECK_EQ(v[2].addr, 0x0a000100);
        CHECK_EQ(v[2].len, 24);
    }
    free(v);

    CHECK_EQ(vg_parse_ipv4_list("0.0.0.0/0", &v, &n, &err), 0);
    CHECK_EQ(n, 1);
    free(v);

    static const struct {
        const char *in;
        const char *why;
    } bad[] = {
        { "10.0.0.300", "not an IPv4 address" },
        { "10.0.0", "not an IPv4 address" },
        { "10.0.0.5 foo", "\"foo\": not an IPv4 address" },
        { "2001:db8::1", "not an IPv4 address" },
        { "10.0.0.5/33", "bad prefix length" },
        { "10.0.0.5/", "bad prefix length" },
        { "10.0.0.5/x", "bad prefix length" },
        { "10.0.0.0/08", "bad prefix length" },
        { "10.0.0.0/-8", "bad prefix length" },
        { "10.0.0.5/24", "host bits set" },
        { "224.0.0.1", "not a unicast address" },
        { "224.0.0.0/4", "not a unicast address" },
        { "239.1.0.0/16", "not a unicast address" },
        { "255.255.255.255", "not a unicast address" },
        { "0.0.0.0", "not a unicast address" },
        { "10.0.0.1;rm", "not an IPv4 address" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK(vg_parse_ipv4_list(bad[i].in, &v, &n, &err) != 0);
        CHECK(v == NULL && n == 0);
        CHECK_ERRMSG(err, bad[i].why);
    }

    char long_token[200];
    memset(long_token, '1', sizeof long_token - 1);
    long_token[sizeof long_token - 1] = '\0';
    CHECK(vg_parse_ipv4_list(long_token, &v, &n, &err) != 0);
    CHECK_ERRMSG(err, "too long");

    char many[VG_POLICY_MAX_ADDRS * 16 + 64] = "";
    for (int i = 0; i <= VG_POLICY_MAX_ADDRS; i++) {
        sprintf(many + strlen(many), "10.1.%d.%d ", i / 250, i % 250 + 1);
    }
    CHECK(vg_parse_ipv4_list(many, &v, &n, &err) != 0);
    CHECK_ERRMSG(err, "too many addresses");
}

static void
test_ipv6(void)
{
    struct vg_prefix6 *v;
    size_t n;
    char *err = NULL;
    char buf[VG_PREFIX_STRLEN];

    CHECK_EQ(vg_parse_ipv6_list("2001:db8::1 fe80::1234,2001:db8:1::/64", &v,
                                &n, &err),
             0);
    CHECK_EQ(n, 3);
    if (n == 3) {
        CHECK_STREQ(vg_prefix6_format(&v[0], buf), "2001:db8::1");
        CHECK_STREQ(vg_prefix6_format(&v[1], buf), "2001:db8:1::/64");
        CHECK_STREQ(vg_prefix6_format(&v[2], buf), "fe80::1234");
    }
    free(v);

    static const struct {
        const char *in;
        const char *why;
    } bad[] = {
        { "2001:db8::g", "not an IPv6 address" },
        { "10.0.0.1", "not an IPv6 address" },
        { "fe80::1%eth0", "not an IPv6 address" },
        { "2001:db8::1/129", "bad prefix length" },
        { "2001:db8::1/64", "host bits set" },
        { "ff02::1", "not a unicast address" },
        { "::", "not a unicast address" },
        { "2001:db8:::1", "not an IPv6 address" },
        { "", NULL },
        /* Link-local entries must be single addresses: a prefix would let
         * the guest claim the router's link-local address. */
        { "fe80::/10", "covering link-local addresses" },
        { "fe80::/64", "covering link-local addresses" },
        { "fe80::1234/127", "covering link-local addresses" },
        { "febf:ffff::/32", "covering link-local addresses" },
        { "fe80::/9", "covering link-local addresses" },
        { "fe00::/7", "covering link-local addresses" },
        { "8000::/1", "covering link-local addresses" },
        { "::/0", "covering link-local addresses" },
        { "::/1", "covering the unspecified address" },
        { "::/96", "covering the unspecified address" },
        { "::/127", "covering the unspecified address" },
        { "2001:db8::1 fe80::/64", "\"fe80::/64\": a prefix covering" },
        /* Bad syntax around the address. */
        { "2001:db8::1/", "bad prefix length" },
        { "2001:db8::/064", "bad prefix length" },
        { "2001:db8::/-1", "bad prefix length" },
        { "2001:db8::/6x", "bad prefix length" },
        { "/64", "not an IPv6 address" },
        { "2001:db8::1;", "not an IPv6 address" },
        { "[2001:db8::1]", "not an IPv6 address" },
        { "fe80::1 fe80::1%1", "not an IPv6 address" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (!bad[i].why) {
            continue;
        }
        CHECK(vg_parse_ipv6_list(bad[i].in, &v, &n, &err) != 0);
        CHECK_ERRMSG(err, bad[i].why);
        CHECK(v == NULL && n == 0);
    }

    /* Around link-local space: single link-local addresses, and prefixes
     * that do not reach fe80::/10, are fine. */
    CHECK_EQ(vg_parse_ipv6_list("fe80::1/128 fe80:: febf:ffff::1 fec0::/10 "
                                "fc00::/7 ::1:0:0/96 fe80::1",
                                &v, &n, &err),
             0);
    CHECK(err == NULL);
    CHECK_EQ(n, 6);
    if (n == 6) {
        CHECK_STREQ(vg_prefix6_format(&v[0], buf), "::1:0:0/96");
        CHECK_STREQ(vg_prefix6_format(&v[1], buf), "fc00::/7");
        CHECK_STREQ(vg_prefix6_format(&v[2], buf), "fe80::");
        CHECK_STREQ(vg_prefix6_format(&v[3], buf), "fe80::1");
        CHECK_STREQ(vg_prefix6_format(&v[4], buf), "febf:ffff::1");
        CHECK_STREQ(vg_prefix6_format(&v[5], buf), "fec0::/10");
    }
    free(v);

    /* Empty lists. */
    CHECK_EQ(vg_parse_ipv6_list("", &v, &n, &err), 0);
    CHECK(v == NULL && n == 0);
    CHECK_EQ(vg_parse_ipv6_list(" ,\t ", &v, &n, &err), 0);
    CHECK(v == NULL && n == 0);
}

static void
test_eui64(void)
{
    static const struct {
        const char *mac, *lla;
    } cases[] = {
        { "02:00:00:00:00:05", "fe80::ff:fe00:5" },
        { "52:54:00:12:34:56", "fe80::5054:ff:fe12:3456" },
        { "00:16:3e:aa:bb:cc", "fe80::216:3eff:feaa:bbcc" },
        { "fe:ff:ff:ff:ff:ff", "fe80::fcff:ffff:feff:ffff" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        uint8_t mac[6];
        char *err = NULL;
        char buf[VG_PREFIX_STRLEN];
        struct vg_prefix6 p;

        CHECK_EQ(vg_parse_mac(cases[i].mac, mac, &err), 0);
        memset(&p, 0xaa, sizeof p);
        vg_ipv6_eui64_link_local(mac, &p);
        CHECK_EQ(p.len, 128);
        CHECK_STREQ(vg_prefix6_format(&p, buf), cases[i].lla);

        /* The derived address is itself a valid list entry. */
        struct vg_prefix6 *v;
        size_t n;
        CHECK_EQ(vg_parse_ipv6_list(buf, &v, &n, &err), 0);
        CHECK(n == 1 && !memcmp(v[0].addr, p.addr, 16) && v[0].len == 128);
        free(v);
    }
}

/* Builds an interface with the given external_ids ("key", "value", ...,
 * NULL). */
static void
make_iface(struct vg_iface *iface, const char *name, ...)
{
    va_list args;
    memset(iface, 0, sizeof *iface);
    iface->name = strdup(name);
    iface->type = strdup("");
    iface->ofport = 5;
    va_start(args, name);
    for (;;) {
        const char *k = va_arg(args, const char *);
        if (!k) {
            break;
        }
        const char *v = va_arg(args, const char *);
        iface->external_ids =
            realloc(iface->external_ids,
                    (iface->n_external_ids + 1) * sizeof *iface->external_ids);
        iface->external_ids[iface->n_external_ids].key = strdup(k);
        iface->external_ids[iface->n_external_ids].value = strdup(v);
        iface->n_external_ids++;
    }
    va_end(args);
    vg_kv_sort(iface->external_ids, iface->n_external_ids);
}

static void
test_from_iface(void)
{
    struct vg_iface iface;
    struct vg_policy p, q;
    char *err = NULL;

    make_iface(&iface, "vif1.0", "attached-mac", "02:00:00:00:00:01",
               "vifguard-ipv4", "10.0.0.1", "vifguard-ipv6", "2001:db8::1",
               NULL);
    CHECK_EQ(vg_policy_from_iface(&iface, VG_MODE_LOCKED, &p, &err), 0);
    CHECK_EQ(p.mode, VG_MODE_LOCKED);
    CHECK(p.has_mac);
    CHECK_EQ(p.n_ipv4, 1);
    CHECK_EQ(p.n_ipv6, 1);
    CHECK_EQ(vg_policy_from_iface(&iface, VG_MODE_LOCKED, &q, &err), 0);
    CHECK(vg_policy_equal(&p, &q));
    vg_policy_destroy(&q);
    CHECK_EQ(vg_policy_from_iface(&iface, VG_MODE_UNLOCKED, &q, &err), 0);
    CHECK(!vg_policy_equal(&p, &q));
    vg_policy_destroy(&p);
    vg_policy_destroy(&q);
    vg_iface_destroy(&iface);

    /* A guest matched by name only, without a MAC: fine unless locked. */
    make_iface(&iface, "tap3", NULL);
    CHECK(vg_policy_from_iface(&iface, VG_MODE_LOCKED, &p, &err) != 0);
    CHECK_ERRMSG(err, "attached-mac");
    vg_policy_destroy(&p);
    CHECK_EQ(vg_policy_from_iface(&iface, VG_MODE_DISABLED, &p, &err), 0);
    CHECK_EQ(p.mode, VG_MODE_DISABLED);
    vg_policy_destroy(&p);
    vg_iface_destroy(&iface);

    make_iface(&iface, "tap3", "vifguard-mode", "unlocked", NULL);
    CHECK_EQ(vg_policy_from_iface(&iface, VG_MODE_LOCKED, &p, &err), 0);
    CHECK_EQ(p.mode, VG_MODE_UNLOCKED);
    vg_policy_destroy(&p);
    vg_iface_destroy(&iface);

    static const struct {
        const char *key, *value, *why;
    } bad[] = {
        { "vifguard-mode", "open", "vifguard-mode: \"open\": unknown mode" },
        { "attached-mac", "zz", "attached-mac: \"zz\": not a MAC" },
        { "vifguard-ipv4", "10.0.0.1 10.0.0.999",
          "vifguard-ipv4: \"10.0.0.999\": not an IPv4 address" },
        { "vifguard-ipv6", "2001:db8::1/200",
          "vifguard-ipv6: \"2001:db8::1/200\": bad prefix length" },
        { "vifguard-ipv6", "2001:db8:1::/64 fe80::/10",
          "vifguard-ipv6: \"fe80::/10\": a prefix covering link-local "
          "addresses (fe80::/10) would let the guest claim the router's "
          "link-local address" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        bool mac = !strcmp(bad[i].key, "attached-mac");
        make_iface(&iface, "vif9.0", bad[i].key, bad[i].value,
                   mac ? NULL : "attached-mac", "02:00:00:00:00:09", NULL);
        CHECK(vg_policy_from_iface(&iface, VG_MODE_LOCKED, &p, &err) != 0);
        CHECK_ERRMSG(err, bad[i].why);
        vg_policy_destroy(&p);
        vg_iface_destroy(&iface);
    }
}

/* A misspelt vifguard-* key must not be ignored: with it ignored, the
 * guest silently gets the default mode (here unlocked) instead of what the
 * administrator asked for. */
static void
test_unknown_key(void)
{
    static const char *const keys[] = { "vifguard-mdoe", "vifguard-ipv4s",
                                        "vifguard-ip6", "vifguard-" };
    struct vg_iface iface;
    struct vg_policy p;
    char *err = NULL;

    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        make_iface(&iface, "vif9.0", "attached-mac", "02:00:00:00:00:09",
                   keys[i], "locked", NULL);
        CHECK_EQ(vg_policy_from_iface(&iface, VG_MODE_UNLOCKED, &p, &err),
                 EINVAL);
        char want[64];
        snprintf(want, sizeof want, "%s: unknown key", keys[i]);
        CHECK_ERRMSG(err, want);
        vg_policy_destroy(&p);
        vg_iface_destroy(&iface);
    }
}

/* Sampling targets against a guest's addresses (engine.c,
 * check_samplers__()). */
static void
test_target_addr(void)
{
    uint8_t a[16];
    struct vg_policy pol = { .mode = VG_MODE_LOCKED };
    char *err = NULL;

    CHECK_EQ(vg_parse_ipv4_list("10.0.0.12,192.168.8.0/22", &pol.ipv4,
                                &pol.n_ipv4, &err),
             0);
    CHECK_EQ(vg_parse_ipv6_list("2001:db8::12,2001:db8:5::/56", &pol.ipv6,
                                &pol.n_ipv6, &err),
             0);

    CHECK_EQ(vg_target_addr("10.0.0.12:6343", a), AF_INET);
    CHECK(vg_policy_has_addr(&pol, AF_INET, a));
    CHECK_EQ(vg_target_addr("10.0.0.13:6343", a), AF_INET);
    CHECK(!vg_policy_has_addr(&pol, AF_INET, a));
    CHECK_EQ(vg_target_addr("192.168.11.255", a), AF_INET);
    CHECK(vg_policy_has_addr(&pol, AF_INET, a));
    CHECK_EQ(vg_target_addr("192.168.12.0:2055", a), AF_INET);
    CHECK(!vg_policy_has_addr(&pol, AF_INET, a));

    CHECK_EQ(vg_target_addr("[2001:db8::12]:6343", a), AF_INET6);
    CHECK(vg_policy_has_addr(&pol, AF_INET6, a));
    CHECK_EQ(vg_target_addr("2001:db8::13", a), AF_INET6);
    CHECK(!vg_policy_has_addr(&pol, AF_INET6, a));
    CHECK_EQ(vg_target_addr("[2001:db8:5:ff::1]:4739", a), AF_INET6);
    CHECK(vg_policy_has_addr(&pol, AF_INET6, a));
    CHECK_EQ(vg_target_addr("[2001:db8:5:100::1]:4739", a), AF_INET6);
    CHECK(!vg_policy_has_addr(&pol, AF_INET6, a));

    /* Host names, bad and empty targets: no address. */
    CHECK_EQ(vg_target_addr("collector.example:6343", a), 0);
    CHECK_EQ(vg_target_addr("", a), 0);
    CHECK_EQ(vg_target_addr("[10.0.0.12]:6343", a), AF_INET);
    CHECK_EQ(vg_target_addr("10.0.0.300:6343", a), 0);
    CHECK_EQ(vg_target_addr("[2001:db8::12:6343", a), 0);
    CHECK_EQ(vg_target_addr("1111111111111111111111111111111111111111111111"
                            "1111111111111111111111111",
                            a),
             0);

    /* A policy with no addresses holds none; a /0 prefix holds all. */
    struct vg_policy none = { .mode = VG_MODE_LOCKED };
    CHECK_EQ(vg_target_addr("10.0.0.12", a), AF_INET);
    CHECK(!vg_policy_has_addr(&none, AF_INET, a));
    struct vg_prefix4 all = { 0, 0 };
    none.ipv4 = &all;
    none.n_ipv4 = 1;
    CHECK(vg_policy_has_addr(&none, AF_INET, a));
    free(pol.ipv4);
    free(pol.ipv6);
}

int
main(void)
{
    test_mode();
    test_mac();
    test_ipv4();
    test_ipv6();
    test_eui64();
    test_from_iface();
    test_unknown_key();
    test_target_addr();
    return check_summary();
}
