/* Guest port policy parsing.  See policy.h.
 *
 * Everything here is strict on purpose: a policy string that is not exactly
 * understood closes the port (state "error") rather than being guessed at,
 * because a guessed policy is a hole. */
#include <config.h>
#include "src/policy.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/buf.h"
#include "src/model.h"

/* Longest single token we accept in an address list. */
#define TOKEN_MAX 64

const char *
vg_mode_name(enum vg_mode mode)
{
    switch (mode) {
    case VG_MODE_LOCKED:
        return "locked";
    case VG_MODE_UNLOCKED:
        return "unlocked";
    case VG_MODE_DISABLED:
        return "disabled";
    }
    return "?";
}

/* Parses 's' as a mode name into '*mode'.  Returns 0 or EINVAL with a
 * message in '*errp'. */
int
vg_parse_mode(const char *s, enum vg_mode *mode, char **errp)
{
    if (!strcmp(s, "locked")) {
        *mode = VG_MODE_LOCKED;
    } else if (!strcmp(s, "unlocked")) {
        *mode = VG_MODE_UNLOCKED;
    } else if (!strcmp(s, "disabled")) {
        *mode = VG_MODE_DISABLED;
    } else {
        *errp = ofp_xasprintf("\"%s\": unknown mode (expected locked, "
                              "unlocked or disabled)",
                              s);
        return EINVAL;
    }
    return 0;
}

static int
hexval__(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool
vg_mac_from_string(const char *s, uint8_t mac[6])
{
    if (strlen(s) != 17) {
        return false;
    }
    for (int i = 0; i < 6; i++) {
        int hi = hexval__((unsigned char)s[3 * i]);
        int lo = hexval__((unsigned char)s[3 * i + 1]);
        if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':')) {
            return false;
        }
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

/* Parses 's' as a unicast Ethernet address "xx:xx:xx:xx:xx:xx" (either case)
 * into 'mac'.  Returns 0 or EINVAL with a message in '*errp'. */
int
vg_parse_mac(const char *s, uint8_t mac[6], char **errp)
{
    size_t len = strlen(s);

    if (!vg_mac_from_string(s, mac)) {
        goto bad;
    }
    if (mac[0] & 1) {
        *errp = ofp_xasprintf("\"%s\": multicast address cannot be a "
                              "guest's MAC",
                              s);
        return EINVAL;
    }
    static const uint8_t zero[6];
    if (!memcmp(mac, zero, 6)) {
        *errp = ofp_xasprintf("\"%s\": all-zero MAC", s);
        return EINVAL;
    }
    return 0;

bad:
    *errp = ofp_xasprintf("\"%.*s\": not a MAC address "
                          "(expected xx:xx:xx:xx:xx:xx)",
                          len > TOKEN_MAX ? TOKEN_MAX : (int)len, s);
    return EINVAL;
}

/* Splits 'list' on spaces, tabs and commas and calls 'cb' for each token.
 * 'cb' returns NULL or a static description of what is wrong with the
 * token.  Stops at the first bad token and returns EINVAL with a message in
 * '*errp'. */
static int
for_each_token__(const char *list, const char *(*cb)(const char *, void *),
                 void *aux, char **errp)
{
    const char *p = list;

    for (;;) {
        while (*p == ' ' || *p == ',' || *p == '\t') {
            p++;
        }
        if (!*p) {
            return 0;
        }
        size_t n = strcspn(p, " ,\t");
        if (n > TOKEN_MAX) {
            *errp =
                ofp_xasprintf("\"%.*s...\": address too long", TOKEN_MAX, p);
            return EINVAL;
        }
        char token[TOKEN_MAX + 1];
        memcpy(token, p, n);
        token[n] = '\0';
        const char *why = cb(token, aux);
        if (why) {
            *errp = ofp_xasprintf("\"%s\": %s", token, why);
            return EINVAL;
        }
        p += n;
    }
}

/* Splits "ADDR/LEN" in 'token' (modified in place).  Stores the prefix
 * length in '*len' (or 'max' without a slash).  Returns NULL or a static
 * description of the problem. */
static const char *
split_prefix__(char *token, unsigned int max, unsigned int *len)
{
    char *slash = strchr(token, '/');

    *len = max;
    if (!slash) {
        return NULL;
    }
    *slash = '\0';
    const char *s = slash + 1;
    if (!*s || strlen(s) > 3) {
        return "bad prefix length";
    }
    unsigned int v = 0;
    for (; *s; s++) {
        if (!isdigit((unsigned char)*s)) {
            return "bad prefix length";
        }
        v = v * 10 + (unsigned int)(*s - '0');
    }
    if (v > max || (slash[1] == '0' && slash[2])) {
        return "bad prefix length";
    }
    *len = v;
    return NULL;
}

/* Addresses parsed so far. */
struct list4__ {
    struct vg_prefix4 *v;
    size_t n;
};

struct list6__ {
    struct vg_prefix6 *v;
    size_t n;
};

static const char *
add4__(const char *token_, void *aux)
{
    struct list4__ *l = aux;
    char token[TOKEN_MAX + 1];
    unsigned int len;
    struct in_addr in;

    strcpy(token, token_);
    const char *why = split_prefix__(token, 32, &len);
    if (why) {
        return why;
    }
    if (inet_pton(AF_INET, token, &in) != 1) {
        return "not an IPv4 address";
    }
    uint32_t addr = ntohl(in.s_addr);
    uint32_t mask = len ? UINT32_MAX << (32 - len) : 0;
    if (addr & ~mask) {
        return "host bits set beyond the prefix length";
    }
    if ((len >= 4 && addr >> 28 == 0xe) ||
        (len == 32 && (addr == UINT32_MAX || !addr))) {
        return "not a unicast address"; /* A prefix too, as for IPv6. */
    }
    for (size_t i = 0; i < l->n; i++) {
        if (l->v[i].addr == addr && l->v[i].len == len) {
            return NULL;
        }
    }
    if (l->n >= VG_POLICY_MAX_ADDRS) {
        return "too many addresses";
    }
    l->v = ofp_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n].addr = addr;
    l->v[l->n].len = (uint8_t)len;
    l->n++;
    return NULL;
}

static int
cmp4__(const void *a_, const void *b_)
{
    const struct vg_prefix4 *a = a_, *b = b_;
    if (a->addr != b->addr) {
        return a->addr < b->addr ? -1 : 1;
    }
    return (int)a->len - (int)b->len;
}

/* Parses a space- or comma-separated list of IPv4 addresses and prefixes.
 * On success stores a sorted, duplicate-free malloc'd array in '*v' and its
 * size in '*n' (an empty list gives NULL and 0). */
int
vg_parse_ipv4_list(const char *s, struct vg_prefix4 **v, size_t *n,
                   char **errp)
{
    struct list4__ l = { NULL, 0 };
    int error = for_each_token__(s, add4__, &l, errp);
    if (error) {
        free(l.v);
        *v = NULL;
        *n = 0;
        return error;
    }
    if (l.n > 1) {
        qsort(l.v, l.n, sizeof *l.v, cmp4__);
    }
    *v = l.v;
    *n = l.n;
    return 0;
}

/* Returns true if the prefix 'addr'/'len' and fe80::/10 have an address in
 * common. */
static bool
overlaps_link_local__(const uint8_t addr[16], unsigned int len)
{
    /* Two prefixes overlap iff they agree on the shorter one's bits. */
    unsigned int n = len < 10 ? len : 10;
    uint16_t first = (uint16_t)(addr[0] << 8 | addr[1]);
    uint16_t mask = n ? (uint16_t)(0xffff << (16 - n)) : 0;
    return ((first ^ 0xfe80) & mask) == 0;
}

static const char *
add6__(const char *token_, void *aux)
{
    struct list6__ *l = aux;
    char token[TOKEN_MAX + 1];
    unsigned int len;
    struct vg_prefix6 p;

    strcpy(token, token_);
    const char *why = split_prefix__(token, 128, &len);
    if (why) {
        return why;
    }
    if (strchr(token, '%') || inet_pton(AF_INET6, token, p.addr) != 1) {
        return "not an IPv6 address";
    }
    for (unsigned int bit = len; bit < 128; bit++) {
        if (p.addr[bit / 8] & (0x80 >> (bit % 8))) {
            return "host bits set beyond the prefix length";
        }
    }
    static const uint8_t zero[16];
    if (p.addr[0] == 0xff || (len == 128 && !memcmp(p.addr, zero, 16))) {
        return "not a unicast address";
    }
    if (len < 128 && overlaps_link_local__(p.addr, len)) {
        return "a prefix covering link-local addresses (fe80::/10) would let "
               "the guest claim the router's link-local address; list "
               "link-local addresses one by one";
    }
    if (!memcmp(p.addr, zero, 16)) {
        /* Open vSwitch reports ND target '::' for malformed NS and NA. */
        return "a prefix covering the unspecified address :: is not a "
               "guest's address";
    }
    p.len = (uint8_t)len;
    for (size_t i = 0; i < l->n; i++) {
        if (!memcmp(l->v[i].addr, p.addr, 16) && l->v[i].len == p.len) {
            return NULL;
        }
    }
    if (l->n >= VG_POLICY_MAX_ADDRS) {
        return "too many addresses";
    }
    l->v = ofp_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n++] = p;
    return NULL;
}

static int
cmp6__(const void *a_, const void *b_)
{
    const struct vg_prefix6 *a = a_, *b = b_;
    int c = memcmp(a->addr, b->addr, 16);
    return c ? c : (int)a->len - (int)b->len;
}

/* Parses a list of IPv6 addresses and prefixes, like vg_parse_ipv4_list(). */
int
vg_parse_ipv6_list(const char *s, struct vg_prefix6 **v, size_t *n,
                   char **errp)
{
    struct list6__ l = { NULL, 0 };
    int error = for_each_token__(s, add6__, &l, errp);
    if (error) {
        free(l.v);
        *v = NULL;
        *n = 0;
        return error;
    }
    if (l.n > 1) {
        qsort(l.v, l.n, sizeof *l.v, cmp6__);
    }
    *v = l.v;
    *n = l.n;
    return 0;
}

/* Stores in '*p' the modified EUI-64 link-local address (RFC 4291, appendix
 * A) of an interface with Ethernet address 'mac': fe80::/64 with the MAC
 * split by ff:fe and its universal/local bit flipped, as a /128. */
void
vg_ipv6_eui64_link_local(const uint8_t mac[6], struct vg_prefix6 *p)
{
    memset(p, 0, sizeof *p);
    p->addr[0] = 0xfe;
    p->addr[1] = 0x80;
    p->addr[8] = mac[0] ^ 0x02;
    p->addr[9] = mac[1];
    p->addr[10] = mac[2];
    p->addr[11] = 0xff;
    p->addr[12] = 0xfe;
    p->addr[13] = mac[3];
    p->addr[14] = mac[4];
    p->addr[15] = mac[5];
    p->len = 128;
}

const char *
vg_prefix4_format(const struct vg_prefix4 *p, char *buf)
{
    struct in_addr in = { htonl(p->addr) };
    inet_ntop(AF_INET, &in, buf, VG_PREFIX_STRLEN);
    if (p->len != 32) {
        sprintf(buf + strlen(buf), "/%u", p->len);
    }
    return buf;
}

const char *
vg_prefix6_format(const struct vg_prefix6 *p, char *buf)
{
    inet_ntop(AF_INET6, p->addr, buf, VG_PREFIX_STRLEN);
    if (p->len != 128) {
        sprintf(buf + strlen(buf), "/%u", p->len);
    }
    return buf;
}

void
vg_policy_init(struct vg_policy *policy)
{
    memset(policy, 0, sizeof *policy);
}

void
vg_policy_destroy(struct vg_policy *policy)
{
    if (policy) {
        free(policy->ipv4);
        free(policy->ipv6);
        vg_policy_init(policy);
    }
}

/* Compares field by field: the prefix structs have padding, which memcmp()
 * would read uninitialized. */
bool
vg_policy_equal(const struct vg_policy *a, const struct vg_policy *b)
{
    if (a->mode != b->mode || a->has_mac != b->has_mac ||
        (a->has_mac && memcmp(a->mac, b->mac, 6)) || a->n_ipv4 != b->n_ipv4 ||
        a->n_ipv6 != b->n_ipv6) {
        return false;
    }
    for (size_t i = 0; i < a->n_ipv4; i++) {
        if (a->ipv4[i].addr != b->ipv4[i].addr ||
            a->ipv4[i].len != b->ipv4[i].len) {
            return false;
        }
    }
    for (size_t i = 0; i < a->n_ipv6; i++) {
        if (memcmp(a->ipv6[i].addr, b->ipv6[i].addr, 16) ||
            a->ipv6[i].len != b->ipv6[i].len) {
            return false;
        }
    }
    return true;
}

/* Prefixes the message in '*errp' with 'key' and returns 'error'. */
static int
keyed_error__(int error, const char *key, char **errp)
{
    char *inner = *errp;
    *errp = ofp_xasprintf("%s: %s", key, inner);
    free(inner);
    return error;
}

int
vg_policy_from_iface(const struct vg_iface *iface, enum vg_mode default_mode,
                     struct vg_policy *policy, char **errp)
{
    const struct vg_kv *ids = iface->external_ids;
    size_t n = iface->n_external_ids;
    const char *s;
    int error;

    vg_policy_init(policy);
    *errp = NULL;

    /* A misspelt key would otherwise be ignored without a word, leaving
     * the guest in the default mode instead of what was asked for. */
    for (size_t i = 0; i < n; i++) {
        const char *key = ids[i].key;
        if (!strncmp(key, "vifguard-", 9) && strcmp(key, "vifguard-mode") &&
            strcmp(key, "vifguard-ipv4") && strcmp(key, "vifguard-ipv6")) {
            *errp = ofp_xasprintf("%.64s: unknown key (expected "
                                  "vifguard-mode, vifguard-ipv4 or "
                                  "vifguard-ipv6)",
                                  key);
            return EINVAL;
        }
    }

    policy->mode = default_mode;
    s = vg_kv_get(ids, n, "vifguard-mode");
    if (s && (error = vg_parse_mode(s, &policy->mode, errp))) {
        return keyed_error__(error, "vifguard-mode", errp);
    }

    s = vg_kv_get(ids, n, "attached-mac");
    if (s) {
        if ((error = vg_parse_mac(s, policy->mac, errp))) {
            return keyed_error__(error, "attached-mac", errp);
        }
        policy->has_mac = true;
    }

    s = vg_kv_get(ids, n, "vifguard-ipv4");
    if (s && (error = vg_parse_ipv4_list(s, &policy->ipv4, &policy->n_ipv4,
                                         errp))) {
        return keyed_error__(error, "vifguard-ipv4", errp);
    }
    s = vg_kv_get(ids, n, "vifguard-ipv6");
    if (s && (error = vg_parse_ipv6_list(s, &policy->ipv6, &policy->n_ipv6,
                                         errp))) {
        return keyed_error__(error, "vifguard-ipv6", errp);
    }

    if (policy->mode == VG_MODE_LOCKED && !policy->has_mac) {
        *errp = ofp_xstrdup("locked mode needs external_ids:attached-mac");
        return EINVAL;
    }
    return 0;
}

int
vg_target_addr(const char *target, uint8_t addr[16])
{
    char buf[64];
    const char *host = target;
    size_t len;
    if (target[0] == '[') {
        host++;
        len = strcspn(host, "]");
        if (!host[len]) {
            return 0;
        }
    } else {
        len = strchr(target, ':') == strrchr(target, ':')
                  ? strcspn(target, ":")
                  : strlen(target);
    }
    if (len >= sizeof buf) {
        return 0;
    }
    memcpy(buf, host, len);
    buf[len] = '\0';
    return inet_pton(AF_INET, buf, addr)    ? AF_INET
           : inet_pton(AF_INET6, buf, addr) ? AF_INET6
                                            : 0;
}

bool
vg_policy_has_addr(const struct vg_policy *pol, int af, const uint8_t *addr)
{
    if (af == AF_INET) {
        uint32_t a = (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 |
                     (uint32_t)addr[2] << 8 | addr[3];
        for (size_t i = 0; i < pol->n_ipv4; i++) {
            const struct vg_prefix4 *p = &pol->ipv4[i];
            uint32_t mask = p->len ? UINT32_MAX << (32 - p->len) : 0;
            if ((a & mask) == p->addr) {
                return true;
            }
        }
        return false;
    }
    for (size_t i = 0; i < pol->n_ipv6; i++) {
        const struct vg_prefix6 *p = &pol->ipv6[i];
        size_t bytes = p->len / 8, bits = p->len % 8;
        if (!memcmp(addr, p->addr, bytes) &&
            (!bits || !((addr[bytes] ^ p->addr[bytes]) &
                        (uint8_t)(0xff << (8 - bits))))) {
            return true;
        }
    }
    return false;
}
