/* Parser: ovs-ofctl's flow syntax (the subset libofp encodes) into
 * ofp_flow_mod.
 *
 * The grammar is ovs-ofctl's: "key=value" or "key:value" pairs and bare
 * words separated by commas or white space, "actions=" last (everything
 * after it is the action list), parentheses nesting inside values
 * ("write_actions(output:1,output:2)").  Field names are OVS's (dl_src,
 * nw_src, tp_src, ...), its OXM-style aliases (eth_src, ip_src, tcp_src, ...)
 * and libofp's OXM names; values are written as OVS prints them.  Like OVS,
 * the parser keeps VLAN fields in 802.1Q TCI form while it reads (dl_vlan,
 * dl_vlan_pcp, vlan_tci and vlan_vid all update it) and converts to OXM
 * vlan_vid/vlan_pcp at the end, resolves tp_src/icmp_type to the TCP, UDP,
 * ICMPv4 or ICMPv6 field once the protocol is known, and clears value bits
 * outside a mask.  Unlike OVS, which silently drops a field whose
 * prerequisites are missing, it reports an error naming the field.
 *
 * Every error is a malloc'd sentence that quotes the offending token. */
#include <config.h>
#include "ofp/print.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofp/actions.h"
#include "ofp/buf.h"
#include "ofp/errors.h"
#include "ofp/match.h"
#include "ofp/msgs.h"

/* Field names that map straight to one field, for matches and set_field. */
static const struct {
    const char *name;
    enum ofp_field_id id;
} field_names__[] = {
    { "in_port", OFPF_IN_PORT },         { "metadata", OFPF_METADATA },
    { "dl_dst", OFPF_ETH_DST },          { "eth_dst", OFPF_ETH_DST },
    { "dl_src", OFPF_ETH_SRC },          { "eth_src", OFPF_ETH_SRC },
    { "dl_type", OFPF_ETH_TYPE },        { "eth_type", OFPF_ETH_TYPE },
    { "nw_proto", OFPF_IP_PROTO },       { "ip_proto", OFPF_IP_PROTO },
    { "nw_frag", OFPF_IP_FRAG },         { "ip_frag", OFPF_IP_FRAG },
    { "nw_src", OFPF_IPV4_SRC },         { "ip_src", OFPF_IPV4_SRC },
    { "nw_dst", OFPF_IPV4_DST },         { "ip_dst", OFPF_IPV4_DST },
    { "tcp_src", OFPF_TCP_SRC },         { "tcp_dst", OFPF_TCP_DST },
    { "udp_src", OFPF_UDP_SRC },         { "udp_dst", OFPF_UDP_DST },
    { "arp_op", OFPF_ARP_OP },           { "arp_spa", OFPF_ARP_SPA },
    { "arp_tpa", OFPF_ARP_TPA },         { "arp_sha", OFPF_ARP_SHA },
    { "arp_tha", OFPF_ARP_THA },         { "ipv6_src", OFPF_IPV6_SRC },
    { "ipv6_dst", OFPF_IPV6_DST },       { "icmpv6_type", OFPF_ICMPV6_TYPE },
    { "icmpv6_code", OFPF_ICMPV6_CODE }, { "nd_target", OFPF_IPV6_ND_TARGET },
    { "nd_sll", OFPF_IPV6_ND_SLL },      { "nd_tll", OFPF_IPV6_ND_TLL },
};

/* Protocol shorthands: dl_type and, if nonzero, nw_proto. */
static const struct {
    const char *name;
    uint16_t dl_type;
    uint8_t nw_proto;
} protocols__[] = {
    { "ip", 0x0800, 0 },   { "ipv4", 0x0800, 0 },  { "ip4", 0x0800, 0 },
    { "icmp", 0x0800, 1 }, { "tcp", 0x0800, 6 },   { "udp", 0x0800, 17 },
    { "ipv6", 0x86dd, 0 }, { "ip6", 0x86dd, 0 },   { "icmp6", 0x86dd, 58 },
    { "tcp6", 0x86dd, 6 }, { "udp6", 0x86dd, 17 }, { "arp", 0x0806, 0 },
};

/* ovs-ofctl protocol words libofp cannot match on. */
static const char *const unsupported_protocols__[] = {
    "sctp", "sctp6", "rarp", "mpls", "mplsm", "eth",
};

#define ARRAY_SIZE__(A) (sizeof(A) / sizeof *(A))

/* One "key[=:(]value" item from the input. */
struct token__ {
    char *key;   /* NUL-terminated. */
    char *value; /* NUL-terminated, "" if none. */
    char delim;  /* '=', ':', '(' or 0 if there is no value. */
};

/* Returns the length of the value at 's', which ends at the first character
 * in 'delims' outside parentheses, or at the end of the string.  An
 * unbalanced ")" is part of the value (and makes it invalid), unless ")" is
 * a delimiter. */
static size_t
value_len__(const char *s, const char *delims)
{
    size_t n = 0;
    int level = 0;
    while (s[n]) {
        if (level == 0 && strchr(delims, s[n])) {
            break;
        }
        if (s[n] == '(') {
            level++;
        } else if (s[n] == ')' && level > 0) {
            level--;
        }
        n++;
    }
    return n;
}

/* Reads the next item from '*sp' (modified in place) into 't', like OVS's
 * ofputil_parse_key_value().  If the key is 'rest_key' (may be NULL) and
 * has a value, the value is the whole rest of the string.  Returns false at
 * the end of the input. */
static bool
next_token__(char **sp, struct token__ *t, const char *rest_key)
{
    char *s = *sp + strspn(*sp, ", \t\r\n");
    if (!*s) {
        *sp = s;
        return false;
    }

    size_t key_len = strcspn(s, ":=(, \t\r\n");
    char delim = s[key_len];
    t->key = s;
    s[key_len] = '\0';
    s += key_len + (delim != '\0');

    if (delim != ':' && delim != '=' && delim != '(') {
        t->value = t->key + key_len;
        t->delim = 0;
        *sp = s;
        return true;
    }

    t->delim = delim;
    t->value = s;
    if (rest_key && !strcmp(t->key, rest_key)) {
        s += strlen(s);
    } else if (delim == '(') {
        size_t n = value_len__(s, ")");
        bool closed = s[n] == ')';
        s[n] = '\0';
        s += n + closed;
        if (!closed) {
            /* Report the missing parenthesis as part of the value. */
            t->delim = '[';
        }
    } else {
        size_t n = value_len__(s, ", \t\r\n");
        char end = s[n];
        s[n] = '\0';
        s += n + (end != '\0');
    }
    *sp = s;
    return true;
}

/* Returns an error if item 't' has no name ("=5", "(x)"), otherwise
 * NULL. */
static char *token_error__(const struct token__ *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static char *
check_key__(const struct token__ *t)
{
    return *t->key ? NULL : token_error__(t, "missing name");
}

/* Returns "key=value" (or just "key") for error messages, malloc'd. */
static char *
token_text__(const struct token__ *t)
{
    if (!t->delim) {
        return ofp_xstrdup(t->key);
    }
    if (t->delim == '(' || t->delim == '[') {
        return ofp_xasprintf("%s(%s%s", t->key, t->value,
                             t->delim == '(' ? ")" : "");
    }
    return ofp_xasprintf("%s%c%s", t->key, t->delim, t->value);
}

/* Returns a malloc'd "TOKEN: MESSAGE" error. */
static char *__attribute__((format(printf, 2, 3)))
token_error__(const struct token__ *t, const char *fmt, ...)
{
    struct ofp_buf b;
    va_list args;
    char *text = token_text__(t);

    ofp_buf_init(&b);
    ofp_buf_put_format(&b, "\"%s\": ", text);
    free(text);
    va_start(args, fmt);
    ofp_buf_put_vformat(&b, fmt, args);
    va_end(args);
    return ofp_buf_steal_cstr(&b);
}

/* Parses 's' as an unsigned integer, decimal or "0x" hex, of at most 'max'.
 * Returns false on anything else. */
static bool
parse_uint__(const char *s, uint64_t max, uint64_t *vp)
{
    uint64_t v = 0;
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s) {
        return false;
    }
    for (; *s; s++) {
        int d;
        if (isdigit((unsigned char)*s)) {
            d = *s - '0';
        } else if (base == 16 && isxdigit((unsigned char)*s)) {
            d = tolower((unsigned char)*s) - 'a' + 10;
        } else {
            return false;
        }
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) {
            return false;
        }
        v = v * (uint64_t)base + (uint64_t)d;
    }
    if (v > max) {
        return false;
    }
    *vp = v;
    return true;
}

/* Like parse_uint__() for 64-bit values, also accepting "-1" (all-ones), as
 * ovs-ofctl does for cookies. */
static bool
parse_u64_or_minus1__(const char *s, uint64_t *vp)
{
    if (!strcmp(s, "-1")) {
        *vp = UINT64_MAX;
        return true;
    }
    return parse_uint__(s, UINT64_MAX, vp);
}

/* Parses a port as ovs-ofctl does (see print.h). */
bool
ofp_port_parse(const char *s, uint32_t *portp)
{
    uint64_t v;
    bool digits = *s != '\0';
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p)) {
            digits = false;
            break;
        }
    }
    if (digits && parse_uint__(s, UINT32_MAX, &v)) {
        /* OVS reads 0xff00...0xffff as OpenFlow 1.0 port numbers and maps
         * them to 0xffffff00...0xffffffff (0xfffe is LOCAL, and so on). */
        if (v >= 0xff00 && v <= 0xffff) {
            v += 0xffff0000u;
        }
        *portp = (uint32_t)v;
        return true;
    }
    if (!strcasecmp(s, "none")) {
        *portp = OFPP_ANY;
        return true;
    }
    for (uint32_t port = 0xfffffff7u;; port++) {
        struct ofp_buf b;
        ofp_buf_init(&b);
        ofp_port_format(port, &b);
        bool same = !strcasecmp(ofp_buf_cstr(&b), s);
        ofp_buf_uninit(&b);
        if (same) {
            *portp = port;
            return true;
        }
        if (port == UINT32_MAX) {
            break;
        }
    }
    return false;
}

static bool
all_zeros__(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

static void
put_uint__(uint8_t *p, size_t n, uint64_t v)
{
    for (size_t i = n; i > 0; i--) {
        p[i - 1] = (uint8_t)v;
        v >>= 8;
    }
}

/* Parses an Ethernet address "xx:xx:xx:xx:xx:xx" (1 or 2 hex digits per
 * byte). */
static bool
parse_eth__(const char *s, uint8_t ea[6])
{
    for (int i = 0; i < 6; i++) {
        int n = 0, v = 0;
        while (n < 2 && isxdigit((unsigned char)s[n])) {
            v = v * 16 + (isdigit((unsigned char)s[n])
                              ? s[n] - '0'
                              : tolower((unsigned char)s[n]) - 'a' + 10);
            n++;
        }
        if (!n || s[n] != (i < 5 ? ':' : '\0')) {
            return false;
        }
        ea[i] = (uint8_t)v;
        s += n + (i < 5);
    }
    return true;
}

/* Parses a prefix length "N" (0 <= N <= 'max_bits') into an 'n'-byte CIDR
 * mask. */
static bool
parse_prefix__(const char *s, int max_bits, uint8_t *mask, size_t n)
{
    uint64_t bits;
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p)) {
            return false;
        }
    }
    if (!parse_uint__(s, (uint64_t)max_bits, &bits)) {
        return false;
    }
    memset(mask, 0, n);
    for (size_t i = 0; i < n && bits; i++) {
        uint64_t take = bits < 8 ? bits : 8;
        mask[i] = (uint8_t)(0xff00 >> take);
        bits -= take;
    }
    return true;
}

/* How a field's value is written. */
enum syntax__ { SX_INT, SX_PORT, SX_ETH, SX_IPV4, SX_IPV6 };

static enum syntax__
field_syntax__(enum ofp_field_id id)
{
    switch (id) {
    case OFPF_IN_PORT:
        return SX_PORT;
    case OFPF_ETH_DST:
    case OFPF_ETH_SRC:
    case OFPF_ARP_SHA:
    case OFPF_ARP_THA:
    case OFPF_IPV6_ND_SLL:
    case OFPF_IPV6_ND_TLL:
        return SX_ETH;
    case OFPF_IPV4_SRC:
    case OFPF_IPV4_DST:
    case OFPF_ARP_SPA:
    case OFPF_ARP_TPA:
        return SX_IPV4;
    case OFPF_IPV6_SRC:
    case OFPF_IPV6_DST:
    case OFPF_IPV6_ND_TARGET:
        return SX_IPV6;
    default:
        return SX_INT;
    }
}

/* The largest valid value of integer field 'id'. */
static uint64_t
field_max__(enum ofp_field_id id)
{
    const struct ofp_field_info *f = ofp_field_info(id);
    switch (id) {
    case OFPF_VLAN_VID:
        return 0x1fff;
    case OFPF_VLAN_PCP:
        return 7;
    case OFPF_ARP_OP:
        return 0xff;
    default:
        return f->len >= 8 ? UINT64_MAX : (UINT64_C(1) << (8 * f->len)) - 1;
    }
}

/* Parses one value of field 'id' (no mask) into 'v' (network byte order,
 * the field's width). */
static bool
parse_field_value__(enum ofp_field_id id, const char *s, uint8_t *v)
{
    const struct ofp_field_info *f = ofp_field_info(id);
    uint64_t x;
    uint32_t port;

    switch (field_syntax__(id)) {
    case SX_PORT:
        if (!ofp_port_parse(s, &port)) {
            return false;
        }
        put_uint__(v, f->len, port);
        return true;
    case SX_ETH:
        return parse_eth__(s, v);
    case SX_IPV4:
        return inet_pton(AF_INET, s, v) == 1;
    case SX_IPV6:
        return inet_pton(AF_INET6, s, v) == 1;
    case SX_INT:
    default:
        if (!parse_uint__(s, field_max__(id), &x)) {
            return false;
        }
        put_uint__(v, f->len, x);
        return true;
    }
}

/* Parses nw_frag's value, one of OVS's words (any case; no mask), into
 * 'v' and 'm'.  Returns NULL or an error naming token 't'. */
static char *
parse_frag__(const struct token__ *t, uint8_t *v, uint8_t *m)
{
    static const struct {
        const char *word;
        uint8_t value, mask;
    } words[] = {
        { "no", 0, 0xff },
        { "first", OFP_IP_FRAG_ANY, 0xff },
        { "later", OFP_IP_FRAG_MASK, 0xff },
        { "yes", OFP_IP_FRAG_ANY, OFP_IP_FRAG_ANY },
        { "not_later", 0, OFP_IP_FRAG_LATER },
    };
    for (size_t i = 0; i < ARRAY_SIZE__(words); i++) {
        if (!strcasecmp(t->value, words[i].word)) {
            v[0] = words[i].value;
            m[0] = words[i].mask;
            return NULL;
        }
    }
    return token_error__(t,
                         "bad value \"%s\" for %s (no, yes, first, later or "
                         "not_later)",
                         t->value, t->key);
}

/* Parses "VALUE" or "VALUE/MASK" for field 'id', called 'name' in the
 * input, into 'v' and 'm' (all-ones if there is no mask).  Returns NULL or
 * an error naming token 't'. */
static char *
parse_field__(const struct token__ *t, const char *name, enum ofp_field_id id,
              const char *s, uint8_t *v, uint8_t *m)
{
    const struct ofp_field_info *f = ofp_field_info(id);
    char *copy = ofp_xstrdup(s);
    char *slash = strchr(copy, '/');
    char *error = NULL;

    memset(v, 0, 16);
    memset(m, 0xff, f->len);
    if (slash) {
        *slash = '\0';
    }
    if (!*copy) {
        error = token_error__(t, "missing value for %s", name);
    } else if (!parse_field_value__(id, copy, v)) {
        error = token_error__(t, "bad value \"%s\" for %s", copy, name);
    } else if (slash) {
        const char *ms = slash + 1;
        bool ok;
        if (!f->maskable) {
            error = token_error__(t, "%s does not support masking", name);
            goto out;
        }
        switch (field_syntax__(id)) {
        case SX_IPV4:
            ok = (parse_prefix__(ms, 32, m, 4) ||
                  inet_pton(AF_INET, ms, m) == 1);
            break;
        case SX_IPV6:
            ok = (parse_prefix__(ms, 128, m, 16) ||
                  inet_pton(AF_INET6, ms, m) == 1);
            break;
        case SX_ETH:
            ok = parse_eth__(ms, m);
            break;
        case SX_INT:
        case SX_PORT:
        default: {
            uint64_t x;
            ok = parse_uint__(ms, field_max__(id), &x);
            if (ok) {
                put_uint__(m, f->len, x);
            }
            break;
        }
        }
        if (!ok) {
            error = token_error__(t, "bad mask \"%s\" for %s", ms, name);
        } else {
            for (size_t i = 0; i < f->len; i++) {
                v[i] &= m[i];
            }
        }
    }
out:
    free(copy);
    return error;
}

/* Returns the field named 'name' for a match or a set_field, or -1.  The
 * names that depend on context (tp_src, icmp_type, vlan fields) are not
 * handled here. */
static int
field_by_name__(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE__(field_names__); i++) {
        if (!strcmp(field_names__[i].name, name)) {
            return (int)field_names__[i].id;
        }
    }
    if (!strncmp(name, "reg", 3) && isdigit((unsigned char)name[3])) {
        uint64_t n;
        if (parse_uint__(name + 3, 15, &n) &&
            (name[4] == '\0' || name[3] != '0')) {
            return OFPF_REG((int)n);
        }
        return -1;
    }
    const struct ofp_field_info *f = ofp_field_by_name(name);
    return f ? (int)f->id : -1;
}

/* A field whose meaning depends on the protocol, kept until the end. */
struct deferred__ {
    bool set;
    uint8_t value; /* ICMP type/code. */
    uint16_t port; /* tp_src/tp_dst. */
    struct token__ tok;
};

/* State while parsing a match. */
struct match_parser__ {
    struct ofp_match *match;
    struct token__ toks[OFPF_N_FIELDS]; /* Token that set each field. */
    uint16_t tci, tci_mask;             /* VLAN in OVS's TCI form. */
    struct token__ vlan_tok;
    struct deferred__ tp_src, tp_dst, icmp_type, icmp_code;
};

/* Sets field 'id' from token 't' with value 'v' and mask 'm' (the field's
 * width; all-ones for exact, all-zeros to wildcard it). */
static void
set_field__(struct match_parser__ *mp, const struct token__ *t,
            enum ofp_field_id id, const uint8_t *v, const uint8_t *m)
{
    const struct ofp_field_info *f = ofp_field_info(id);
    if (all_zeros__(m, f->len)) {
        ofp_match_clear(mp->match, id);
    } else {
        ofp_match_set(mp->match, id, v, m);
        mp->toks[id] = *t;
    }
}

/* Applies a TCI value and mask to the VLAN state, OVS-style. */
static void
update_tci__(struct match_parser__ *mp, const struct token__ *t, uint16_t v,
             uint16_t m)
{
    mp->tci = (uint16_t)((mp->tci & ~m) | (v & m));
    mp->tci_mask |= m;
    mp->vlan_tok = *t;
}

/* Handles the VLAN keys.  Returns true if 't' is one, with '*errorp' set
 * on error. */
static bool
match_vlan_key__(struct match_parser__ *mp, const struct token__ *t,
                 char **errorp)
{
    const char *k = t->key;
    uint64_t v, m;
    char *slash;

    if (strcmp(k, "dl_vlan") && strcmp(k, "dl_vlan_pcp") &&
        strcmp(k, "vlan_pcp") && strcmp(k, "vlan_tci") &&
        strcmp(k, "vlan_vid")) {
        return false;
    }
    char *copy = ofp_xstrdup(t->value);
    slash = strchr(copy, '/');
    if (slash) {
        *slash = '\0';
    }
    if (!*copy) {
        *errorp = token_error__(t, "missing value for %s", k);
    } else if (slash && (!strcmp(k, "dl_vlan") || !strcmp(k, "dl_vlan_pcp") ||
                         !strcmp(k, "vlan_pcp"))) {
        *errorp = token_error__(t, "%s does not support masking", k);
    } else if (!strcmp(k, "dl_vlan")) {
        if (!parse_uint__(copy, 0xfff, &v)) {
            *errorp = token_error__(t, "bad value \"%s\" for %s (0 to 4095)",
                                    copy, k);
        } else {
            update_tci__(mp, t, (uint16_t)(OFPVID_PRESENT | v), 0x1fff);
        }
    } else if (!strcmp(k, "dl_vlan_pcp") || !strcmp(k, "vlan_pcp")) {
        if (!parse_uint__(copy, 7, &v)) {
            *errorp =
                token_error__(t, "bad value \"%s\" for %s (0 to 7)", copy, k);
        } else {
            update_tci__(mp, t, (uint16_t)(OFPVID_PRESENT | (v << 13)),
                         0xf000);
        }
    } else {
        bool tci = !strcmp(k, "vlan_tci");
        uint64_t max = tci ? 0xffff : 0x1fff;
        if (!parse_uint__(copy, max, &v)) {
            *errorp = token_error__(t, "bad value \"%s\" for %s", copy, k);
        } else if (slash && !parse_uint__(slash + 1, max, &m)) {
            *errorp = token_error__(t, "bad mask \"%s\" for %s", slash + 1, k);
        } else {
            if (!slash) {
                m = max;
            }
            update_tci__(mp, t, (uint16_t)v, (uint16_t)m);
        }
    }
    free(copy);
    return true;
}

/* Handles tp_src, tp_dst, icmp_type and icmp_code, whose field depends on
 * the protocol.  Returns true if 't' is one of them. */
static bool
match_deferred_key__(struct match_parser__ *mp, const struct token__ *t,
                     char **errorp)
{
    struct deferred__ *d;
    uint64_t max;
    uint64_t v;

    if (!strcmp(t->key, "tp_src")) {
        d = &mp->tp_src;
        max = UINT16_MAX;
    } else if (!strcmp(t->key, "tp_dst")) {
        d = &mp->tp_dst;
        max = UINT16_MAX;
    } else if (!strcmp(t->key, "icmp_type")) {
        d = &mp->icmp_type;
        max = UINT8_MAX;
    } else if (!strcmp(t->key, "icmp_code")) {
        d = &mp->icmp_code;
        max = UINT8_MAX;
    } else {
        return false;
    }
    if (!*t->value) {
        *errorp = token_error__(t, "missing value for %s", t->key);
    } else if (strchr(t->value, '/')) {
        *errorp = token_error__(t, "%s does not support masking", t->key);
    } else if (!parse_uint__(t->value, max, &v)) {
        *errorp =
            token_error__(t, "bad value \"%s\" for %s", t->value, t->key);
    } else {
        d->set = true;
        d->port = (uint16_t)v;
        d->value = (uint8_t)v;
        d->tok = *t;
    }
    return true;
}

/* Handles one match item 't'.  Returns false if 't' is not a match item;
 * otherwise true, with '*errorp' set on error. */
static bool
match_key__(struct match_parser__ *mp, const struct token__ *t, char **errorp)
{
    uint8_t v[16], m[16];

    *errorp = NULL;
    for (size_t i = 0; i < ARRAY_SIZE__(protocols__); i++) {
        if (!strcmp(t->key, protocols__[i].name)) {
            if (t->delim) {
                *errorp = token_error__(t, "%s takes no value", t->key);
                return true;
            }
            ofp_match_set_u16(mp->match, OFPF_ETH_TYPE,
                              protocols__[i].dl_type);
            mp->toks[OFPF_ETH_TYPE] = *t;
            if (protocols__[i].nw_proto) {
                ofp_match_set_u8(mp->match, OFPF_IP_PROTO,
                                 protocols__[i].nw_proto);
                mp->toks[OFPF_IP_PROTO] = *t;
            }
            return true;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE__(unsupported_protocols__); i++) {
        if (!strcmp(t->key, unsupported_protocols__[i])) {
            *errorp = token_error__(t, "protocol %s is not supported", t->key);
            return true;
        }
    }
    if (match_vlan_key__(mp, t, errorp) ||
        match_deferred_key__(mp, t, errorp)) {
        return true;
    }

    int id = field_by_name__(t->key);
    if (id < 0) {
        return false;
    }
    if (!t->delim || !*t->value) {
        *errorp = token_error__(t, "missing value for %s", t->key);
        return true;
    }
    *errorp =
        (id == OFPF_IP_FRAG ? parse_frag__(t, v, m)
                            : parse_field__(t, t->key, id, t->value, v, m));
    if (!*errorp) {
        set_field__(mp, t, id, v, m);
    }
    return true;
}

/* Returns true if 'match' has field 'id' with exact value 'value'. */
static bool
exact_is__(const struct ofp_match *match, enum ofp_field_id id, uint64_t value)
{
    uint8_t v[16], m[16];
    const struct ofp_field_info *f = ofp_field_info(id);
    uint64_t x = 0;
    if (!ofp_match_get(match, id, v, m)) {
        return false;
    }
    for (size_t i = 0; i < f->len; i++) {
        if (m[i] != 0xff) {
            return false;
        }
        x = (x << 8) | v[i];
    }
    return x == value;
}

/* Moves the TCI-form VLAN state into OXM vlan_vid and vlan_pcp. */
static char *
finish_vlan__(struct match_parser__ *mp)
{
    uint16_t v = mp->tci, m = mp->tci_mask;
    uint16_t vid_mask = m & 0x1fff, pcp_mask = m & 0xe000;
    uint8_t vb[2], mb[2];

    if (!m) {
        return NULL;
    }
    if (vid_mask) {
        ofp_set_be16(vb, v & vid_mask);
        ofp_set_be16(mb, vid_mask);
        ofp_match_set(mp->match, OFPF_VLAN_VID, vb, mb);
        mp->toks[OFPF_VLAN_VID] = mp->vlan_tok;
    }
    if (pcp_mask) {
        if (pcp_mask != 0xe000) {
            return token_error__(&mp->vlan_tok,
                                 "VLAN priority (bits "
                                 "0xe000) must be matched in full or not "
                                 "at all");
        }
        if (v & m & OFPVID_PRESENT) {
            ofp_match_set_u8(mp->match, OFPF_VLAN_PCP, (uint8_t)(v >> 13));
            mp->toks[OFPF_VLAN_PCP] = mp->vlan_tok;
        } else if (!(m & OFPVID_PRESENT)) {
            return token_error__(&mp->vlan_tok, "a VLAN priority needs a "
                                                "VLAN (bit 0x1000 set)");
        }
        /* Otherwise "no VLAN": the priority is meaningless, as in OVS. */
    }
    return NULL;
}

/* Resolves tp_src, tp_dst, icmp_type and icmp_code now that the protocol
 * is known. */
static char *
finish_deferred__(struct match_parser__ *mp)
{
    const struct ofp_match *match = mp->match;
    bool ip4 = exact_is__(match, OFPF_ETH_TYPE, 0x0800);
    bool ip6 = exact_is__(match, OFPF_ETH_TYPE, 0x86dd);
    struct {
        struct deferred__ *d;
        bool icmp;
        enum ofp_field_id tcp, udp, icmp4, icmp6;
    } items[] = {
        { &mp->tp_src, false, OFPF_TCP_SRC, OFPF_UDP_SRC, 0, 0 },
        { &mp->tp_dst, false, OFPF_TCP_DST, OFPF_UDP_DST, 0, 0 },
        { &mp->icmp_type, true, 0, 0, OFPF_ICMPV4_TYPE, OFPF_ICMPV6_TYPE },
        { &mp->icmp_code, true, 0, 0, OFPF_ICMPV4_CODE, OFPF_ICMPV6_CODE },
    };

    for (size_t i = 0; i < ARRAY_SIZE__(items); i++) {
        struct deferred__ *d = items[i].d;
        int id = -1;
        if (!d->set) {
            continue;
        }
        if (items[i].icmp) {
            if (ip4 && exact_is__(match, OFPF_IP_PROTO, 1)) {
                id = (int)items[i].icmp4;
            } else if (ip6 && exact_is__(match, OFPF_IP_PROTO, 58)) {
                id = (int)items[i].icmp6;
            } else {
                return token_error__(&d->tok,
                                     "%s needs icmp or icmp6 "
                                     "(OFPBMC_BAD_PREREQ)",
                                     d->tok.key);
            }
            ofp_match_set_u8(mp->match, id, d->value);
        } else {
            if ((ip4 || ip6) && exact_is__(match, OFPF_IP_PROTO, 6)) {
                id = (int)items[i].tcp;
            } else if ((ip4 || ip6) && exact_is__(match, OFPF_IP_PROTO, 17)) {
                id = (int)items[i].udp;
            } else {
                return token_error__(&d->tok,
                                     "%s needs tcp, udp, tcp6 or "
                                     "udp6 (OFPBMC_BAD_PREREQ)",
                                     d->tok.key);
            }
            ofp_match_set_u16(mp->match, id, d->port);
        }
        mp->toks[id] = d->tok;
    }

    /* In ovs-ofctl, nw_proto of an ARP flow is the ARP opcode. */
    if (exact_is__(match, OFPF_ETH_TYPE, 0x0806) &&
        ofp_match_has(match, OFPF_IP_PROTO)) {
        uint8_t op = (uint8_t)ofp_match_get_uint(match, OFPF_IP_PROTO);
        struct token__ t = mp->toks[OFPF_IP_PROTO];
        ofp_match_clear(mp->match, OFPF_IP_PROTO);
        ofp_match_set_u16(mp->match, OFPF_ARP_OP, op);
        mp->toks[OFPF_ARP_OP] = t;
    }
    return NULL;
}

/* Returns true if 'match' satisfies prerequisite 'pr', and in '*what' what
 * the prerequisite asks for. */
static bool
prereq_ok__(const struct ofp_match *match, enum ofp_prereq pr,
            const char **what)
{
    bool ip4 = exact_is__(match, OFPF_ETH_TYPE, 0x0800);
    bool ip6 = exact_is__(match, OFPF_ETH_TYPE, 0x86dd);
    const char *dummy;

    switch (pr) {
    case OFPPR_VLAN: {
        uint8_t v[2], m[2];
        *what = "a VLAN (dl_vlan= or vlan_vid=0x1000/0x1000)";
        return (ofp_match_get(match, OFPF_VLAN_VID, v, m) &&
                (ofp_get_be16(v) & ofp_get_be16(m) & OFPVID_PRESENT));
    }
    case OFPPR_IP_ANY:
        *what = "ip or ipv6";
        return ip4 || ip6;
    case OFPPR_IPV4:
        *what = "ip";
        return ip4;
    case OFPPR_IPV6:
        *what = "ipv6";
        return ip6;
    case OFPPR_ARP:
        *what = "arp";
        return exact_is__(match, OFPF_ETH_TYPE, 0x0806);
    case OFPPR_TCP:
        *what = "tcp or tcp6";
        return (ip4 || ip6) && exact_is__(match, OFPF_IP_PROTO, 6);
    case OFPPR_UDP:
        *what = "udp or udp6";
        return (ip4 || ip6) && exact_is__(match, OFPF_IP_PROTO, 17);
    case OFPPR_ICMPV4:
        *what = "icmp";
        return ip4 && exact_is__(match, OFPF_IP_PROTO, 1);
    case OFPPR_ICMPV6:
        *what = "icmp6";
        return ip6 && exact_is__(match, OFPF_IP_PROTO, 58);
    case OFPPR_ND:
        *what = "icmp6 with icmp_type=135 or 136";
        return (prereq_ok__(match, OFPPR_ICMPV6, &dummy) &&
                (exact_is__(match, OFPF_ICMPV6_TYPE, 135) ||
                 exact_is__(match, OFPF_ICMPV6_TYPE, 136)));
    case OFPPR_ND_NS:
        *what = "icmp6,icmp_type=135";
        return (prereq_ok__(match, OFPPR_ICMPV6, &dummy) &&
                exact_is__(match, OFPF_ICMPV6_TYPE, 135));
    case OFPPR_ND_NA:
        *what = "icmp6,icmp_type=136";
        return (prereq_ok__(match, OFPPR_ICMPV6, &dummy) &&
                exact_is__(match, OFPF_ICMPV6_TYPE, 136));
    case OFPPR_NONE:
    default:
        *what = "";
        return true;
    }
}

/* Finishes a match: VLAN, protocol-dependent fields, prerequisites and a
 * last ofp_match_validate(). */
static char *
finish_match__(struct match_parser__ *mp)
{
    char *error = finish_vlan__(mp);
    if (!error) {
        error = finish_deferred__(mp);
    }
    if (error) {
        return error;
    }
    for (int i = 0; i < OFPF_N_FIELDS; i++) {
        const struct ofp_field_info *f = ofp_field_info(i);
        const char *what;
        if (ofp_match_has(mp->match, i) &&
            !prereq_ok__(mp->match, f->prereq, &what)) {
            return token_error__(&mp->toks[i],
                                 "%s needs %s "
                                 "(OFPBMC_BAD_PREREQ)",
                                 mp->toks[i].key, what);
        }
    }
    int err = ofp_match_validate(mp->match);
    if (err) {
        /* Find the field to blame: the one without which the match is
         * valid. */
        for (int i = 0; i < OFPF_N_FIELDS; i++) {
            if (ofp_match_has(mp->match, i)) {
                struct ofp_match copy = *mp->match;
                ofp_match_clear(&copy, i);
                if (!ofp_match_validate(&copy)) {
                    return token_error__(&mp->toks[i], "invalid %s (%s)",
                                         mp->toks[i].key, ofp_strerror(err));
                }
            }
        }
        return ofp_xasprintf("invalid match (%s)", ofp_strerror(err));
    }
    return NULL;
}

/* Parses a match (see print.h); 'match' is initialized here. */
char *
ofp_match_parse(const char *s, struct ofp_match *match)
{
    struct match_parser__ mp;
    char *copy = ofp_xstrdup(s);
    char *pos = copy;
    char *error = NULL;
    struct token__ t;

    ofp_match_init(match);
    memset(&mp, 0, sizeof mp);
    mp.match = match;
    while (!error && next_token__(&pos, &t, NULL)) {
        error = check_key__(&t);
        if (!error && !match_key__(&mp, &t, &error)) {
            error = token_error__(&t, "unknown field %s", t.key);
        }
    }
    if (!error) {
        error = finish_match__(&mp);
    }
    free(copy);
    return error;
}

/* Parses the value of a set_field action: "VALUE->FIELD". */
static char *
parse_set_field__(const struct token__ *t, struct ofp_actions *acts)
{
    char *copy = ofp_xstrdup(t->value);
    char *arrow = strstr(copy, "->");
    char *error = NULL;
    uint8_t v[16], m[16];
    int id;

    if (!arrow) {
        error = token_error__(t, "set_field needs VALUE->FIELD");
        goto out;
    }
    *arrow = '\0';
    const char *name = arrow + 2;
    if (!strcmp(name, "tp_src")) {
        id = OFPF_TCP_SRC;
    } else if (!strcmp(name, "tp_dst")) {
        id = OFPF_TCP_DST;
    } else if (!strcmp(name, "icmp_type")) {
        id = OFPF_ICMPV4_TYPE;
    } else if (!strcmp(name, "icmp_code")) {
        id = OFPF_ICMPV4_CODE;
    } else if (!strcmp(name, "vlan_vid")) {
        id = OFPF_VLAN_VID;
    } else if (!strcmp(name, "vlan_pcp") || !strcmp(name, "dl_vlan_pcp")) {
        id = OFPF_VLAN_PCP;
    } else {
        id = field_by_name__(name);
    }
    if (id < 0) {
        error = token_error__(t, "unknown field %s", name);
    } else if (id == OFPF_ETH_TYPE || id == OFPF_IP_PROTO ||
               id == OFPF_IP_FRAG) {
        error = token_error__(t, "%s is read-only", name);
    } else if (id == OFPF_IN_PORT || id == OFPF_METADATA) {
        /* OpenFlow 1.3 does not allow these (OVS does). */
        error =
            token_error__(t, "set_field cannot set %s%s", name,
                          id == OFPF_METADATA ? " (use write_metadata)" : "");
    } else if (strchr(copy, '/')) {
        error = token_error__(t, "set_field with a mask needs OpenFlow 1.5");
    } else {
        error = parse_field__(t, name, id, copy, v, m);
        if (!error && id == OFPF_VLAN_VID &&
            !(ofp_get_be16(v) & OFPVID_PRESENT)) {
            /* OVS takes it but its own decoder rejects it. */
            error = token_error__(t,
                                  "a vlan_vid value must include 0x1000 "
                                  "(OFPVID_PRESENT), e.g. %u for VLAN %u",
                                  OFPVID_PRESENT | ofp_get_be16(v),
                                  ofp_get_be16(v));
        }
        if (!error) {
            ofp_actions_add_set_field(acts, id, v);
        }
    }
out:
    free(copy);
    return error;
}

/* Parses the inside of "controller(...)": only max_len=N is supported. */
static char *
parse_controller__(const struct token__ *t, uint16_t *max_len)
{
    char *copy = ofp_xstrdup(t->value);
    char *pos = copy;
    char *error = NULL;
    struct token__ sub;
    uint64_t v;

    while (!error && next_token__(&pos, &sub, NULL)) {
        if (!strcmp(sub.key, "max_len") &&
            parse_uint__(sub.value, UINT16_MAX, &v)) {
            *max_len = (uint16_t)v;
        } else {
            error = token_error__(t, "only max_len=N is supported in "
                                     "controller()");
        }
    }
    free(copy);
    return error;
}

/* Returns true if an output action may send to 'port': a physical port
 * (1 to OFPP_MAX) or a reserved port other than ANY (and OVS's UNSET). */
static bool
output_port_ok__(uint32_t port)
{
    return port && (port <= OFPP_MAX || port >= OFPP_IN_PORT) &&
           port != OFPP_ANY;
}

/* Parses one action item 't' into 'acts'.  Returns NULL, an error, or
 * (through '*not_action') word that 't' is not an action. */
static char *
parse_action__(const struct token__ *t, struct ofp_actions *acts,
               bool *not_action)
{
    const char *k = t->key;
    uint64_t v;
    uint32_t port;

    *not_action = false;
    if (t->delim == '[') {
        return token_error__(t, "missing \")\"");
    }
    if (!strcmp(k, "output")) {
        if (!ofp_port_parse(t->value, &port) || !output_port_ok__(port)) {
            return token_error__(t, "\"%s\" is not a valid output port",
                                 t->value);
        }
        ofp_actions_add_output(acts, port, OFPCML_NO_BUFFER);
    } else if (!strcasecmp(k, "controller")) {
        uint16_t max_len = OFPCML_NO_BUFFER;
        if (t->delim == '(') {
            char *error = parse_controller__(t, &max_len);
            if (error) {
                return error;
            }
        } else if (t->delim) {
            if (!parse_uint__(t->value, UINT16_MAX, &v)) {
                return token_error__(t, "bad max_len \"%s\"", t->value);
            }
            max_len = (uint16_t)v;
        }
        ofp_actions_add_output(acts, OFPP_CONTROLLER, max_len);
    } else if (!strcmp(k, "group")) {
        if (!parse_uint__(t->value, UINT32_MAX, &v)) {
            return token_error__(t, "bad group id \"%s\"", t->value);
        }
        ofp_actions_add_group(acts, (uint32_t)v);
    } else if (!strcmp(k, "push_vlan")) {
        if (!parse_uint__(t->value, UINT16_MAX, &v) ||
            (v != 0x8100 && v != 0x88a8)) {
            return token_error__(t,
                                 "\"%s\" is not a valid VLAN ethertype "
                                 "(0x8100 or 0x88a8)",
                                 t->value);
        }
        ofp_actions_add_push_vlan(acts, (uint16_t)v);
    } else if (!strcmp(k, "pop_vlan") || !strcmp(k, "strip_vlan")) {
        if (t->delim) {
            return token_error__(t, "%s takes no argument", k);
        }
        ofp_actions_add_pop_vlan(acts);
    } else if (!strcmp(k, "set_field")) {
        if (!t->delim || !*t->value) {
            return token_error__(t, "set_field needs VALUE->FIELD");
        }
        return parse_set_field__(t, acts);
    } else if (!t->delim && ofp_port_parse(k, &port)) {
        if (!output_port_ok__(port)) {
            return token_error__(t, "\"%s\" is not a valid output port", k);
        }
        ofp_actions_add_output(acts, port, OFPCML_NO_BUFFER);
    } else {
        *not_action = true;
    }
    return NULL;
}

/* Parses an action list: comma-separated actions, or "drop" alone. */
static char *
parse_action_list__(const char *s, struct ofp_actions *acts)
{
    char *copy = ofp_xstrdup(s);
    char *pos = copy;
    char *error = NULL;
    bool drop = false;
    struct token__ t;

    while (!error && next_token__(&pos, &t, NULL)) {
        bool not_action;
        error = check_key__(&t);
        if (error) {
            break;
        } else if (!strcmp(t.key, "drop") && !t.delim) {
            drop = true;
        } else {
            error = parse_action__(&t, acts, &not_action);
            if (!error && not_action) {
                error = token_error__(&t, "unknown or unsupported action %s",
                                      t.key);
            }
        }
        if (!error && drop && acts->n) {
            error = token_error__(&t, "\"drop\" must not be accompanied by "
                                      "any other action");
        }
    }
    free(copy);
    return error;
}

/* Parses an action list (see print.h); 'acts' is initialized here. */
char *
ofp_actions_parse(const char *s, struct ofp_actions *acts)
{
    ofp_actions_init(acts);
    return parse_action_list__(s, acts);
}

/* Instructions in the order OpenFlow executes them, which is the order
 * ovs-ofctl requires them to be written in. */
enum inst_order__ {
    IO_NONE,
    IO_METER,
    IO_APPLY,
    IO_CLEAR,
    IO_WRITE_ACTIONS,
    IO_WRITE_METADATA,
    IO_GOTO,
};

static const char *const inst_names__[] = {
    [IO_NONE] = "",
    [IO_METER] = "meter",
    [IO_APPLY] = "apply_actions",
    [IO_CLEAR] = "clear_actions",
    [IO_WRITE_ACTIONS] = "write_actions",
    [IO_WRITE_METADATA] = "write_metadata",
    [IO_GOTO] = "goto_table",
};

/* Parses "V" or "V/M" 64-bit values for write_metadata. */
static bool
parse_u64_masked__(const char *s, uint64_t *v, uint64_t *m)
{
    char *copy = ofp_xstrdup(s);
    char *slash = strchr(copy, '/');
    bool ok;
    if (slash) {
        *slash = '\0';
    }
    ok = (parse_uint__(copy, UINT64_MAX, v) &&
          (!slash || parse_uint__(slash + 1, UINT64_MAX, m)));
    if (!slash) {
        *m = UINT64_MAX;
    }
    free(copy);
    return ok;
}

/* Parses one instruction item; returns its order in '*order'. */
static char *
parse_instruction__(const struct token__ *t, struct ofp_instructions *insts,
                    enum inst_order__ *order)
{
    const char *k = t->key;
    uint64_t v, m;

    if (!strcmp(k, "meter")) {
        *order = IO_METER;
        if (!parse_uint__(t->value, OFPM_MAX, &v) || !v) {
            return token_error__(t, "bad meter id \"%s\"", t->value);
        }
        insts->meter_id = (uint32_t)v;
        insts->present |= 1u << OFPIT_METER;
    } else if (!strcmp(k, "clear_actions")) {
        *order = IO_CLEAR;
        if (t->delim) {
            return token_error__(t, "clear_actions takes no argument");
        }
        insts->present |= 1u << OFPIT_CLEAR_ACTIONS;
    } else if (!strcmp(k, "write_actions")) {
        *order = IO_WRITE_ACTIONS;
        if (t->delim != '(') {
            return token_error__(t, "write_actions needs (ACTIONS)");
        }
        char *error = parse_action_list__(t->value, &insts->write);
        if (!error && insts->write.n) {
            /* Like ovs-ofctl, "write_actions(drop)" writes nothing. */
            insts->present |= 1u << OFPIT_WRITE_ACTIONS;
        }
        return error;
    } else if (!strcmp(k, "write_metadata")) {
        *order = IO_WRITE_METADATA;
        if (!parse_u64_masked__(t->value, &v, &m)) {
            return token_error__(t, "bad metadata \"%s\"", t->value);
        }
        ofp_instructions_write_metadata(insts, v, m);
    } else if (!strcmp(k, "goto_table")) {
        *order = IO_GOTO;
        if (!parse_uint__(t->value, OFPTT_MAX, &v)) {
            return token_error__(t, "bad table \"%s\"", t->value);
        }
        ofp_instructions_goto(insts, (uint8_t)v);
    } else if (!strcmp(k, "apply_actions")) {
        return token_error__(t, "apply_actions is the default instruction: "
                                "write the actions directly");
    } else {
        bool not_action;
        *order = IO_APPLY;
        char *error =
            parse_action__(t, ofp_instructions_apply(insts), &not_action);
        if (!error && not_action) {
            error = token_error__(t, "unknown or unsupported action %s", k);
        }
        return error;
    }
    return NULL;
}

/* Parses the value of "actions=" into 'insts': "drop", or actions and
 * instructions in execution order. */
static char *
parse_instructions__(const char *s, struct ofp_instructions *insts)
{
    char *copy = ofp_xstrdup(s);
    char *pos = copy;
    char *error = NULL;
    enum inst_order__ last = IO_NONE;
    bool drop = false, other = false;
    struct token__ t;

    while (!error && next_token__(&pos, &t, NULL)) {
        enum inst_order__ order = IO_NONE;
        error = check_key__(&t);
        if (error) {
            break;
        } else if (t.delim == '[') {
            error = token_error__(&t, "missing \")\"");
        } else if (!strcmp(t.key, "drop") && !t.delim) {
            drop = true;
        } else {
            other = true;
            error = parse_instruction__(&t, insts, &order);
            if (!error && order < last) {
                error = token_error__(&t,
                                      "invalid instruction ordering: %s "
                                      "must appear before %s",
                                      inst_names__[order], inst_names__[last]);
            } else if (!error && order == last && order != IO_APPLY) {
                error = token_error__(&t,
                                      "instruction %s may be specified "
                                      "only once",
                                      inst_names__[order]);
            }
            last = order;
        }
        if (!error && drop && other) {
            error = token_error__(&t, "\"drop\" must not be accompanied by "
                                      "any other action or instruction");
        }
    }
    if (!error && last == IO_NONE) {
        /* "drop" or nothing: no instructions at all. */
        insts->present = 0;
    }
    free(copy);
    return error;
}

/* Flow-mod keywords that depend on the command, as in ovs-ofctl. */
enum {
    FK_ACTIONS = 1 << 0,  /* actions=, required. */
    FK_TIMEOUT = 1 << 1,  /* idle_timeout=, hard_timeout=. */
    FK_PRIORITY = 1 << 2, /* priority=. */
    FK_FLAGS = 1 << 3,    /* send_flow_rem, check_overlap, ... */
    FK_OUT = 1 << 4,      /* out_port=, out_group=. */
};

static unsigned int
command_keys__(uint8_t command)
{
    switch (command) {
    case OFPFC_ADD:
    case OFPFC_MODIFY:
    case OFPFC_MODIFY_STRICT:
        return FK_ACTIONS | FK_TIMEOUT | FK_PRIORITY | FK_FLAGS;
    case OFPFC_DELETE:
        return FK_OUT;
    case OFPFC_DELETE_STRICT:
    default:
        return FK_OUT | FK_PRIORITY;
    }
}

static const char *
command_name__(uint8_t command)
{
    switch (command) {
    case OFPFC_ADD:
        return "add";
    case OFPFC_MODIFY:
        return "modify";
    case OFPFC_MODIFY_STRICT:
        return "modify_strict";
    case OFPFC_DELETE:
        return "delete";
    case OFPFC_DELETE_STRICT:
        return "delete_strict";
    default:
        return "this command";
    }
}

/* Handles the flow_mod keyword 't' (not a match field).  Returns false if
 * 't' is not a keyword; otherwise true, with '*errorp' set on error. */
static bool
flow_key__(struct ofp_flow_mod *fm, const struct token__ *t, unsigned int keys,
           char **errorp)
{
    static const struct {
        const char *name;
        uint16_t flag;
    } flags[] = {
        { "send_flow_rem", OFPFF_SEND_FLOW_REM },
        { "check_overlap", OFPFF_CHECK_OVERLAP },
        { "reset_counts", OFPFF_RESET_COUNTS },
        { "no_packet_counts", OFPFF_NO_PKT_COUNTS },
        { "no_byte_counts", OFPFF_NO_BYT_COUNTS },
    };
    static const char *const ignored[] = {
        /* dump-flows output, so that it can be fed back. */
        "duration",
        "n_packets",
        "n_bytes",
        "idle_age",
        "hard_age",
        /* Accepted and ignored by ovs-ofctl too. */
        "no_readonly_table",
        "allow_hidden_fields",
    };
    const char *k = t->key;
    const char *cmd = command_name__(fm->command);
    unsigned int need = 0;
    uint64_t v;

    *errorp = NULL;
    for (size_t i = 0; i < ARRAY_SIZE__(flags); i++) {
        if (!strcmp(k, flags[i].name)) {
            if (!(keys & FK_FLAGS)) {
                *errorp = token_error__(t, "%s is not allowed in %s", k, cmd);
            } else if (t->delim) {
                *errorp = token_error__(t, "%s takes no value", k);
            } else {
                fm->flags |= flags[i].flag;
            }
            return true;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE__(ignored); i++) {
        if (!strcmp(k, ignored[i])) {
            return true;
        }
    }

    if (!strcmp(k, "priority")) {
        need = FK_PRIORITY;
    } else if (!strcmp(k, "idle_timeout") || !strcmp(k, "hard_timeout")) {
        need = FK_TIMEOUT;
    } else if (!strcmp(k, "out_port") || !strcmp(k, "out_group")) {
        need = FK_OUT;
    } else if (strcmp(k, "table") && strcmp(k, "cookie")) {
        return false;
    }
    if (need && !(keys & need)) {
        *errorp = token_error__(t, "%s is not allowed in %s", k, cmd);
        return true;
    }
    if (!t->delim || !*t->value) {
        *errorp = token_error__(t, "missing value for %s", k);
        return true;
    }

    const char *val = t->value;
    if (!strcmp(k, "priority") || !strcmp(k, "idle_timeout") ||
        !strcmp(k, "hard_timeout")) {
        if (!parse_uint__(val, UINT16_MAX, &v)) {
            *errorp = token_error__(t, "bad value for %s (0 to 65535)", k);
        } else if (k[0] == 'p') {
            fm->priority = (uint16_t)v;
        } else if (k[0] == 'i') {
            fm->idle_timeout = (uint16_t)v;
        } else {
            fm->hard_timeout = (uint16_t)v;
        }
    } else if (!strcmp(k, "table")) {
        bool del = (fm->command == OFPFC_DELETE ||
                    fm->command == OFPFC_DELETE_STRICT);
        if (!strcasecmp(val, "all") && del) {
            fm->table_id = OFPTT_ALL;
        } else if (!parse_uint__(val, del ? OFPTT_ALL : OFPTT_MAX, &v)) {
            *errorp = token_error__(t, "bad table (0 to %d%s)",
                                    del ? OFPTT_ALL : OFPTT_MAX,
                                    del ? ", or all" : "");
        } else {
            fm->table_id = (uint8_t)v;
        }
    } else if (!strcmp(k, "out_port")) {
        uint32_t port;
        if (!ofp_port_parse(val, &port)) {
            *errorp = token_error__(t, "\"%s\" is not a valid port", val);
        } else {
            fm->out_port = port;
        }
    } else if (!strcmp(k, "out_group")) {
        if (!strcasecmp(val, "all")) {
            fm->out_group = OFPG_ALL;
        } else if (!strcasecmp(val, "any")) {
            fm->out_group = OFPG_ANY;
        } else if (!parse_uint__(val, UINT32_MAX, &v)) {
            *errorp = token_error__(t, "\"%s\" is not a valid group", val);
        } else {
            fm->out_group = (uint32_t)v;
        }
    } else {
        /* cookie=V sets the cookie (add, modify); cookie=V/M selects flows
         * by cookie (modify, delete). */
        char *copy = ofp_xstrdup(val);
        char *slash = strchr(copy, '/');
        uint64_t c, m = 0;
        if (slash) {
            *slash = '\0';
        }
        if (!parse_u64_or_minus1__(copy, &c) ||
            (slash && !parse_u64_or_minus1__(slash + 1, &m))) {
            *errorp = token_error__(t, "bad cookie");
        } else if (slash && fm->command == OFPFC_ADD) {
            *errorp = token_error__(t, "flow additions cannot use a cookie "
                                       "mask");
        } else if (!slash && !(keys & FK_ACTIONS)) {
            *errorp = token_error__(t,
                                    "cannot set a cookie in %s (to match "
                                    "on a cookie, give a mask, e.g. "
                                    "cookie=%s/-1)",
                                    cmd, copy);
        } else {
            fm->cookie = slash ? c & m : c;
            fm->cookie_mask = m;
        }
        free(copy);
    }
    return true;
}

/* Parses a flow_mod (see print.h). */
char *
ofp_flow_mod_parse(const char *s, uint8_t command, struct ofp_flow_mod *fm)
{
    unsigned int keys = command_keys__(command);
    struct match_parser__ mp;
    char *copy = ofp_xstrdup(s);
    char *pos = copy;
    char *error = NULL;
    const char *actions = NULL;
    struct token__ t;

    ofp_flow_mod_init(fm);
    fm->command = command;
    if (command == OFPFC_DELETE || command == OFPFC_DELETE_STRICT) {
        fm->table_id = OFPTT_ALL;
    } else if (command > OFPFC_DELETE_STRICT) {
        free(copy);
        return ofp_xasprintf("unknown flow_mod command %d", command);
    }
    memset(&mp, 0, sizeof mp);
    mp.match = &fm->match;

    while (!error && !actions && next_token__(&pos, &t, "actions")) {
        error = check_key__(&t);
        if (error) {
            break;
        } else if (!strcmp(t.key, "actions")) {
            if (!(keys & FK_ACTIONS)) {
                error = token_error__(&t, "actions are not allowed in %s",
                                      command_name__(command));
            } else if (!t.delim || t.delim == '(') {
                error = token_error__(&t, "actions needs \"=\"");
            } else {
                actions = t.value;
            }
        } else if (!flow_key__(fm, &t, keys, &error) &&
                   !match_key__(&mp, &t, &error)) {
            error = token_error__(&t, "unknown field or keyword %s", t.key);
        }
    }
    if (!error) {
        error = finish_match__(&mp);
    }
    if (!error && keys & FK_ACTIONS) {
        if (!actions) {
            error = ofp_xasprintf("%s needs actions=... (\"actions=drop\" "
                                  "for none)",
                                  command_name__(command));
        } else {
            error = parse_instructions__(actions, &fm->insts);
        }
    }
    free(copy);
    return error;
}
