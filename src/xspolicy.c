/* Guest policy from xenstore, and policy source precedence.  See
 * xspolicy.h.
 *
 * The per-MAC JSON is read with a small strict parser of its own rather
 * than json-c: json-c keeps the last of two equal keys without saying so,
 * and a policy node that two readers could understand differently (one
 * taking the first "ips", another the last) must be refused, not guessed
 * at.  The parser checks the whole JSON grammar, but keeps only "mac",
 * "ips[].ip", "ips[].enabled", "ip6s[].ip" and "ip6s[].enabled". */
#include <config.h>
#include "src/xspolicy.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofp/buf.h"
#include "src/model.h"

const char *
vg_policy_source_name(enum vg_policy_source s)
{
    switch (s) {
    case VG_PSRC_XAPI:
        return "xapi";
    case VG_PSRC_XS_MAC:
        return "xenstore-mac";
    case VG_PSRC_OVSDB:
        return "ovsdb";
    case VG_PSRC_DEFAULT:
        return "default";
    case VG_N_PSRC:
        break;
    }
    return "none";
}

bool
vg_xs_writable_by(const struct vg_xs_perm *perms, size_t n, unsigned int domid,
                  const char **why)
{
    if (!n) {
        *why = "its permissions are unknown";
        return true;
    }
    if (perms[0].domid == domid) {
        *why = "the guest domain owns it";
        return true;
    }
    for (size_t i = 1; i < n; i++) {
        if (perms[i].domid == domid) {
            *why = perms[i].write ? "the guest domain has write permission"
                                  : "the guest domain may not write it";
            return perms[i].write;
        }
    }
    *why = perms[0].write ? "every domain not listed may write it "
                            "(default permission)"
                          : "the guest domain may not write it";
    return perms[0].write;
}

/* The view. */

void
vg_xs_view_init(struct vg_xs_view *v)
{
    memset(v, 0, sizeof *v);
}

/* Frees everything 'v' owns and leaves it empty.  Accepts NULL. */
void
vg_xs_view_destroy(struct vg_xs_view *v)
{
    if (!v) {
        return;
    }
    for (size_t i = 0; i < v->n_domains; i++) {
        free(v->domains[i].vm_uuid);
    }
    free(v->domains);
    for (size_t i = 0; i < v->n_vifs; i++) {
        struct vg_xs_vif *x = &v->vifs[i];
        free(x->vm_uuid);
        free(x->locking_mode);
        free(x->ipv4_allowed);
        free(x->ipv6_allowed);
    }
    free(v->vifs);
    for (size_t i = 0; i < v->n_macs; i++) {
        free(v->macs[i].name);
        free(v->macs[i].json);
        free(v->macs[i].perms);
    }
    free(v->macs);
    memset(v, 0, sizeof *v);
}

static char *
dup_or_null__(const char *s)
{
    return s ? ofp_xstrdup(s) : NULL;
}

void
vg_xs_view_copy(struct vg_xs_view *dst, const struct vg_xs_view *src)
{
    vg_xs_view_init(dst);
    dst->domains = ofp_xcalloc(src->n_domains, sizeof *dst->domains);
    for (size_t i = 0; i < src->n_domains; i++) {
        dst->domains[i] = src->domains[i];
        dst->domains[i].vm_uuid = dup_or_null__(src->domains[i].vm_uuid);
    }
    dst->n_domains = src->n_domains;
    dst->vifs = ofp_xcalloc(src->n_vifs, sizeof *dst->vifs);
    for (size_t i = 0; i < src->n_vifs; i++) {
        const struct vg_xs_vif *x = &src->vifs[i];
        dst->vifs[i] = (struct vg_xs_vif){
            dup_or_null__(x->vm_uuid),      x->devid,
            dup_or_null__(x->locking_mode), dup_or_null__(x->ipv4_allowed),
            dup_or_null__(x->ipv6_allowed),
        };
    }
    dst->n_vifs = src->n_vifs;
    dst->macs = ofp_xcalloc(src->n_macs, sizeof *dst->macs);
    for (size_t i = 0; i < src->n_macs; i++) {
        const struct vg_xs_macnode *m = &src->macs[i];
        struct vg_xs_macnode *c = &dst->macs[i];
        *c = (struct vg_xs_macnode){ m->domid, dup_or_null__(m->name),
                                     dup_or_null__(m->json), NULL, 0 };
        if (m->n_perms) {
            c->perms = ofp_xcalloc(m->n_perms, sizeof *c->perms);
            memcpy(c->perms, m->perms, m->n_perms * sizeof *c->perms);
            c->n_perms = m->n_perms;
        }
    }
    dst->n_macs = src->n_macs;
}

static int
domain_cmp__(const void *a_, const void *b_)
{
    const struct vg_xs_domain *a = a_, *b = b_;
    return a->domid < b->domid ? -1 : a->domid > b->domid;
}

static int
vif_key_cmp__(const char *uuid, unsigned int devid, const struct vg_xs_vif *b)
{
    int c = strcmp(uuid, b->vm_uuid);
    if (c) {
        return c;
    }
    return devid < b->devid ? -1 : devid > b->devid;
}

static int
vif_cmp__(const void *a_, const void *b_)
{
    const struct vg_xs_vif *a = a_;
    return vif_key_cmp__(a->vm_uuid, a->devid, b_);
}

static int
mac_cmp__(const void *a_, const void *b_)
{
    const struct vg_xs_macnode *a = a_, *b = b_;
    if (a->domid != b->domid) {
        return a->domid < b->domid ? -1 : 1;
    }
    return strcmp(a->name, b->name);
}

void
vg_xs_view_sort(struct vg_xs_view *v)
{
    if (v->n_domains > 1) {
        qsort(v->domains, v->n_domains, sizeof *v->domains, domain_cmp__);
    }
    if (v->n_vifs > 1) {
        qsort(v->vifs, v->n_vifs, sizeof *v->vifs, vif_cmp__);
    }
    if (v->n_macs > 1) {
        qsort(v->macs, v->n_macs, sizeof *v->macs, mac_cmp__);
    }
}

const struct vg_xs_vif *
vg_xs_view_find_vif(const struct vg_xs_view *v, const char *vm_uuid,
                    unsigned int devid)
{
    size_t lo = 0, hi = v->n_vifs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = vif_key_cmp__(vm_uuid, devid, &v->vifs[mid]);
        if (!c) {
            return &v->vifs[mid];
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return NULL;
}

const struct vg_xs_domain *
vg_xs_view_find_domain(const struct vg_xs_view *v, unsigned int domid)
{
    struct vg_xs_domain key = { .domid = domid };
    return v->n_domains ? bsearch(&key, v->domains, v->n_domains,
                                  sizeof *v->domains, domain_cmp__)
                        : NULL;
}

const struct vg_xs_macnode *
vg_xs_view_find_mac(const struct vg_xs_view *v, unsigned int domid,
                    const uint8_t mac[6])
{
    char name[13];
    snprintf(name, sizeof name, "%02x%02x%02x%02x%02x%02x", mac[0], mac[1],
             mac[2], mac[3], mac[4], mac[5]);
    size_t lo = 0, hi = v->n_macs;
    while (lo < hi) { /* First node of 'domid'. */
        size_t mid = lo + (hi - lo) / 2;
        if (v->macs[mid].domid < domid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    for (size_t i = lo; i < v->n_macs && v->macs[i].domid == domid; i++) {
        if (!strcasecmp(v->macs[i].name, name)) {
            return &v->macs[i];
        }
    }
    return NULL;
}

/* Parses a decimal number without sign or leading zeros (except "0") of at
 * most 5 digits at '*s', advancing '*s'. */
static bool
parse_small_uint__(const char **s, unsigned int *v)
{
    const char *p = *s;
    unsigned int x = 0;
    size_t n = 0;

    while (isdigit((unsigned char)p[n]) && n < 6) {
        x = x * 10 + (unsigned int)(p[n] - '0');
        n++;
    }
    if (!n || n > 5 || (n > 1 && p[0] == '0')) {
        return false;
    }
    *v = x;
    *s = p + n;
    return true;
}

bool
vg_xs_parse_ifname(const char *name, unsigned int *domid, unsigned int *devid)
{
    if (strncmp(name, "vif", 3) && strncmp(name, "tap", 3)) {
        return false;
    }
    const char *p = name + 3;
    return (parse_small_uint__(&p, domid) && *p++ == '.' &&
            parse_small_uint__(&p, devid) && !*p);
}

/* Prefixes the message in '*errp' with 'prefix' and ": ". */
static int
prefix_error__(int error, const char *prefix, char **errp)
{
    char *inner = *errp;
    *errp = ofp_xasprintf("%s: %s", prefix, inner);
    free(inner);
    return error;
}

int
vg_xs_policy_from_xapi(const struct vg_xs_vif *vif, const uint8_t *mac,
                       struct vg_policy *policy, char **errp)
{
    char *dir =
        ofp_xasprintf("/xapi/%s/private/vif/%u", vif->vm_uuid, vif->devid);
    const char *mode = vif->locking_mode;
    int error = 0;

    vg_policy_init(policy);
    *errp = NULL;
    if (mac) {
        memcpy(policy->mac, mac, 6);
        policy->has_mac = true;
    }
    if (!mode) {
        *errp = ofp_xasprintf("%s/locking-mode: missing", dir);
        error = EINVAL;
    } else if (!strcmp(mode, "locked")) {
        policy->mode = VG_MODE_LOCKED;
        const char *v4 = vif->ipv4_allowed ? vif->ipv4_allowed : "";
        const char *v6 = vif->ipv6_allowed ? vif->ipv6_allowed : "";
        if ((error = vg_parse_ipv4_list(v4, &policy->ipv4, &policy->n_ipv4,
                                        errp))) {
            char *where = ofp_xasprintf("%s/ipv4-allowed", dir);
            prefix_error__(error, where, errp);
            free(where);
        } else if ((error = vg_parse_ipv6_list(v6, &policy->ipv6,
                                               &policy->n_ipv6, errp))) {
            char *where = ofp_xasprintf("%s/ipv6-allowed", dir);
            prefix_error__(error, where, errp);
            free(where);
        } else if (!mac) {
            *errp = ofp_xasprintf("%s: locked mode needs the VIF's MAC "
                                  "(OVSDB external_ids:attached-mac)",
                                  dir);
            error = EINVAL;
        }
    } else if (!strcmp(mode, "unlocked")) {
        policy->mode = VG_MODE_UNLOCKED; /* Address lists do not apply. */
    } else if (!strcmp(mode, "disabled")) {
        policy->mode = VG_MODE_DISABLED;
    } else if (!strcmp(mode, "network_default")) {
        /* xapi resolves network_default through Network.default_locking_mode
         * (in its database, not in xenstore) before xenopsd writes this
         * node; seeing it here means something else wrote it. */
        policy->mode = VG_MODE_DISABLED;
        *errp = ofp_xasprintf("%s/locking-mode: \"network_default\": not "
                              "resolved by xapi (the network's default is "
                              "not in xenstore)",
                              dir);
        error = EINVAL;
    } else {
        policy->mode = VG_MODE_DISABLED;
        *errp = ofp_xasprintf("%s/locking-mode: \"%.64s\": unknown locking "
                              "mode (expected locked, unlocked or disabled)",
                              dir, mode);
        error = EINVAL;
    }
    free(dir);
    return error;
}

/* The per-MAC JSON parser. */

struct jp__ {
    const char *start; /* First byte of the input. */
    const char *p;     /* Next byte. */
    const char *end;   /* End of input. */
    char *err;         /* First error (malloc'd), or NULL. */
};

/* One address list being collected ("ips" or "ip6s"). */
struct jlist__ {
    bool v6;
    bool seen;
    struct ofp_buf text; /* Comma-joined addresses. */
};

struct jdoc__ {
    char *mac; /* The "mac" member, or NULL. */
    struct jlist__ lists[2];
};

static bool __attribute__((format(printf, 2, 3)))
jerr__(struct jp__ *jp, const char *fmt, ...)
{
    if (!jp->err) {
        va_list args;
        va_start(args, fmt);
        jp->err = ofp_xvasprintf(fmt, args);
        va_end(args);
    }
    return false;
}

/* Records a JSON syntax error 'what' at the current position. */
static bool
jsyntax__(struct jp__ *jp, const char *what)
{
    return jerr__(jp, "not valid JSON (byte %td): %s", jp->p - jp->start,
                  what);
}

static void
jws__(struct jp__ *jp)
{
    while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\t' ||
                               *jp->p == '\n' || *jp->p == '\r')) {
        jp->p++;
    }
}

static bool
jlit__(struct jp__ *jp, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(jp->end - jp->p) >= n && !memcmp(jp->p, lit, n)) {
        jp->p += n;
        return true;
    }
    return false;
}

static int
jhex__(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Appends code point 'cp' to 'out' as UTF-8. */
static void
jutf8__(struct ofp_buf *out, unsigned int cp)
{
    if (cp < 0x80) {
        ofp_buf_put_char(out, (char)cp);
    } else if (cp < 0x800) {
        ofp_buf_put_char(out, (char)(0xc0 | cp >> 6));
        ofp_buf_put_char(out, (char)(0x80 | (cp & 0x3f)));
    } else {
        ofp_buf_put_char(out, (char)(0xe0 | cp >> 12));
        ofp_buf_put_char(out, (char)(0x80 | ((cp >> 6) & 0x3f)));
        ofp_buf_put_char(out, (char)(0x80 | (cp & 0x3f)));
    }
}

/* Parses a string at 'jp' into 'out' (NUL-terminated; may be NULL to only
 * check it).  '\u0000' is refused. */
static bool
jstring__(struct jp__ *jp, struct ofp_buf *out)
{
    if (jp->p >= jp->end || *jp->p != '"') {
        return jsyntax__(jp, "expected a string");
    }
    jp->p++;
    while (jp->p < jp->end) {
        unsigned char c = (unsigned char)*jp->p++;
        if (c == '"') {
            if (out) {
                ofp_buf_cstr(out);
            }
            return true;
        } else if (c < 0x20) {
            return jsyntax__(jp, "control character in a string");
        } else if (c != '\\') {
            if (out) {
                ofp_buf_put_char(out, (char)c);
            }
            continue;
        }
        if (jp->p >= jp->end) {
            break;
        }
        char e = *jp->p++;
        const char *plain = strchr("\"\\/bfnrt", e);
        if (plain && e) {
            static const char map[] = "\"\\/\b\f\n\r\t";
            if (out) {
                ofp_buf_put_char(out, map[plain - "\"\\/bfnrt"]);
            }
        } else if (e == 'u') {
            unsigned int cp = 0;
            for (int i = 0; i < 4; i++) {
                int h = jp->p < jp->end ? jhex__(*jp->p) : -1;
                if (h < 0) {
                    return jsyntax__(jp, "bad \\u escape in a string");
                }
                cp = cp << 4 | (unsigned int)h;
                jp->p++;
            }
            if (!cp) {
                return jsyntax__(jp, "\\u0000 in a string");
            }
            if (out) {
                jutf8__(out, cp);
            }
        } else {
            return jsyntax__(jp, "bad escape in a string");
        }
    }
    return jsyntax__(jp, "unterminated string");
}

static bool
jnumber__(struct jp__ *jp)
{
    const char *p = jp->p;
    if (p < jp->end && *p == '-') {
        p++;
    }
    if (p < jp->end && *p == '0') {
        p++;
    } else if (p < jp->end && isdigit((unsigned char)*p)) {
        while (p < jp->end && isdigit((unsigned char)*p)) {
            p++;
        }
    } else {
        return jsyntax__(jp, "bad value");
    }
    if (p < jp->end && *p == '.') {
        p++;
        if (p >= jp->end || !isdigit((unsigned char)*p)) {
            return jsyntax__(jp, "bad number");
        }
        while (p < jp->end && isdigit((unsigned char)*p)) {
            p++;
        }
    }
    if (p < jp->end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < jp->end && (*p == '+' || *p == '-')) {
            p++;
        }
        if (p >= jp->end || !isdigit((unsigned char)*p)) {
            return jsyntax__(jp, "bad number");
        }
        while (p < jp->end && isdigit((unsigned char)*p)) {
            p++;
        }
    }
    jp->p = p;
    return true;
}

/* Called for each member of an object: parses the member's value. */
typedef bool jmember_cb(struct jp__ *, const char *key, int depth, void *aux);

static bool jvalue__(struct jp__ *, int depth);

/* Parses an object at 'jp' (depth 'depth'), calling 'cb' for each member
 * (jvalue__() to skip it if 'cb' is NULL).  Refuses duplicate keys. */
static bool
jobject__(struct jp__ *jp, int depth, jmember_cb *cb, void *aux)
{
    char **keys = NULL;
    size_t n_keys = 0;
    bool ok = false;

    if (depth > VG_XS_JSON_DEPTH) {
        return jerr__(jp, "nested deeper than %d levels", VG_XS_JSON_DEPTH);
    }
    jp->p++; /* '{' */
    jws__(jp);
    if (jp->p < jp->end && *jp->p == '}') {
        jp->p++;
        return true;
    }
    for (;;) {
        struct ofp_buf key;
        ofp_buf_init(&key);
        jws__(jp);
        if (!jstring__(jp, &key)) {
            ofp_buf_uninit(&key);
            break;
        }
        char *k = ofp_buf_steal_cstr(&key);
        bool dup = false;
        for (size_t i = 0; i < n_keys && !dup; i++) {
            dup = !strcmp(keys[i], k);
        }
        keys = ofp_xrealloc(keys, (n_keys + 1) * sizeof *keys);
        keys[n_keys++] = k;
        if (dup) {
            jerr__(jp, "duplicate key \"%.32s\"", k);
            break;
        }
        jws__(jp);
        if (jp->p >= jp->end || *jp->p != ':') {
            jsyntax__(jp, "expected ':'");
            break;
        }
        jp->p++;
        jws__(jp);
        if (!(cb ? cb(jp, k, depth + 1, aux) : jvalue__(jp, depth + 1))) {
            break;
        }
        jws__(jp);
        if (jp->p < jp->end && *jp->p == ',') {
            jp->p++;
        } else if (jp->p < jp->end && *jp->p == '}') {
            jp->p++;
            ok = true;
            break;
        } else {
            jsyntax__(jp, "expected ',' or '}'");
            break;
        }
    }
    for (size_t i = 0; i < n_keys; i++) {
        free(keys[i]);
    }
    free(keys);
    return ok;
}

/* Called for each element of an array: parses the element. */
typedef bool jelem_cb(struct jp__ *, size_t index, int depth, void *aux);

static bool
jarray__(struct jp__ *jp, int depth, jelem_cb *cb, void *aux)
{
    if (depth > VG_XS_JSON_DEPTH) {
        return jerr__(jp, "nested deeper than %d levels", VG_XS_JSON_DEPTH);
    }
    jp->p++; /* '[' */
    jws__(jp);
    if (jp->p < jp->end && *jp->p == ']') {
        jp->p++;
        return true;
    }
    for (size_t i = 0;; i++) {
        jws__(jp);
        if (!(cb ? cb(jp, i, depth + 1, aux) : jvalue__(jp, depth + 1))) {
            return false;
        }
        jws__(jp);
        if (jp->p < jp->end && *jp->p == ',') {
            jp->p++;
        } else if (jp->p < jp->end && *jp->p == ']') {
            jp->p++;
            return true;
        } else {
            return jsyntax__(jp, "expected ',' or ']'");
        }
    }
}

/* Parses (and ignores) any value. */
static bool
jvalue__(struct jp__ *jp, int depth)
{
    if (jp->p >= jp->end) {
        return jsyntax__(jp, "unexpected end");
    }
    switch (*jp->p) {
    case '{':
        return jobject__(jp, depth, NULL, NULL);
    case '[':
        return jarray__(jp, depth, NULL, NULL);
    case '"':
        return jstring__(jp, NULL);
    default:
        if (jlit__(jp, "true") || jlit__(jp, "false") || jlit__(jp, "null")) {
            return true;
        }
        return jnumber__(jp);
    }
}

/* Parses a string value into a malloc'd '*s'. */
static bool
jstring_value__(struct jp__ *jp, const char *what, char **s)
{
    if (jp->p >= jp->end || *jp->p != '"') {
        return jerr__(jp, "%s: not a string", what);
    }
    struct ofp_buf b;
    ofp_buf_init(&b);
    if (!jstring__(jp, &b)) {
        ofp_buf_uninit(&b);
        return false;
    }
    *s = ofp_buf_steal_cstr(&b);
    return true;
}

/* State of one address entry ({"ip": ..., "enabled": ...}). */
struct jentry__ {
    const char *list; /* "ips" or "ip6s". */
    size_t index;
    char *ip;
    char *enabled;
};

static bool
jentry_member__(struct jp__ *jp, const char *key, int depth, void *e_)
{
    struct jentry__ *e = e_;
    char what[48];

    if (!strcmp(key, "ip") || !strcmp(key, "enabled")) {
        snprintf(what, sizeof what, "%s[%zu].%s", e->list, e->index, key);
        return jstring_value__(jp, what, key[0] == 'i' ? &e->ip : &e->enabled);
    }
    return jvalue__(jp, depth);
}

static bool
jentry__(struct jp__ *jp, size_t index, int depth, void *l_)
{
    struct jlist__ *l = l_;
    struct jentry__ e = { l->v6 ? "ip6s" : "ips", index, NULL, NULL };
    bool ok = false;

    if (jp->p >= jp->end || *jp->p != '{') {
        return jerr__(jp, "%s[%zu]: not an object", e.list, index);
    }
    if (!jobject__(jp, depth, jentry_member__, &e)) {
        goto out;
    }
    if (!e.ip) {
        jerr__(jp, "%s[%zu]: no \"ip\"", e.list, index);
        goto out;
    }
    if (e.enabled && strcmp(e.enabled, "0") && strcmp(e.enabled, "1")) {
        jerr__(jp, "%s[%zu].enabled: \"%.16s\": not \"0\" or \"1\"", e.list,
               index, e.enabled);
        goto out;
    }
    if (!e.ip[0] || strpbrk(e.ip, ", \t\n")) {
        jerr__(jp, "%s[%zu].ip: \"%.64s\": not one address", e.list, index,
               e.ip);
        goto out;
    }
    /* Checked one by one so that the error names the entry. */
    struct vg_prefix4 *v4 = NULL;
    struct vg_prefix6 *v6 = NULL;
    size_t n;
    char *err = NULL;
    int error = (l->v6 ? vg_parse_ipv6_list(e.ip, &v6, &n, &err)
                       : vg_parse_ipv4_list(e.ip, &v4, &n, &err));
    free(v4);
    free(v6);
    if (error) {
        jerr__(jp, "%s[%zu].ip: %s", e.list, index, err);
        free(err);
        goto out;
    }
    if (!e.enabled || !strcmp(e.enabled, "1")) {
        if (l->text.size) {
            ofp_buf_put_char(&l->text, ',');
        }
        ofp_buf_put_cstr(&l->text, e.ip);
    }
    ok = true;
out:
    free(e.ip);
    free(e.enabled);
    return ok;
}

static bool
jdoc_member__(struct jp__ *jp, const char *key, int depth, void *d_)
{
    struct jdoc__ *d = d_;

    if (!strcmp(key, "mac")) {
        return jstring_value__(jp, "mac", &d->mac);
    }
    if (!strcmp(key, "ips") || !strcmp(key, "ip6s")) {
        struct jlist__ *l = &d->lists[key[2] == '6'];
        l->seen = true;
        if (jp->p >= jp->end || *jp->p != '[') {
            return jerr__(jp, "%s: not an array", key);
        }
        return jarray__(jp, depth, jentry__, l);
    }
    return jvalue__(jp, depth);
}

int
vg_xs_policy_from_json(const char *path, const char *name, const char *json,
                       struct vg_policy *policy, char **errp)
{
    struct jdoc__ d;
    size_t len = strlen(json);
    struct jp__ jp = { json, json, json + len, NULL };
    uint8_t name_mac[6];
    int error = EINVAL;

    vg_policy_init(policy);
    policy->mode = VG_MODE_LOCKED;
    *errp = NULL;
    memset(&d, 0, sizeof d);
    ofp_buf_init(&d.lists[0].text);
    ofp_buf_init(&d.lists[1].text);
    d.lists[1].v6 = true;

    if (len > VG_XS_JSON_MAX) {
        jerr__(&jp, "%zu bytes, more than %d", len, VG_XS_JSON_MAX);
        goto out;
    }
    jws__(&jp);
    if (jp.p >= jp.end || *jp.p != '{') {
        jerr__(&jp, "not a JSON object");
        goto out;
    }
    if (!jobject__(&jp, 1, jdoc_member__, &d)) {
        goto out;
    }
    jws__(&jp);
    if (jp.p != jp.end) {
        jerr__(&jp, "trailing data after the JSON object");
        goto out;
    }
    if (!d.mac) {
        jerr__(&jp, "mac: missing");
        goto out;
    }
    char *err = NULL;
    if (vg_parse_mac(d.mac, policy->mac, &err)) {
        jerr__(&jp, "mac: %s", err);
        free(err);
        goto out;
    }
    policy->has_mac = true;
    bool name_ok = strlen(name) == 12;
    for (size_t i = 0; name_ok && i < 6; i++) {
        int hi = jhex__(name[2 * i]), lo = jhex__(name[2 * i + 1]);
        name_ok = hi >= 0 && lo >= 0;
        name_mac[i] = (uint8_t)(hi << 4 | lo);
    }
    if (!name_ok || memcmp(name_mac, policy->mac, 6)) {
        jerr__(&jp, "mac \"%.32s\" does not match the node name", d.mac);
        goto out;
    }
    if (vg_parse_ipv4_list(ofp_buf_cstr(&d.lists[0].text), &policy->ipv4,
                           &policy->n_ipv4, &err) ||
        vg_parse_ipv6_list(ofp_buf_cstr(&d.lists[1].text), &policy->ipv6,
                           &policy->n_ipv6, &err)) {
        jerr__(&jp, "%s", err); /* Only "too many addresses" is left. */
        free(err);
        goto out;
    }
    error = 0;
out:
    if (error) {
        *errp = ofp_xasprintf("%s: %s", path, jp.err ? jp.err : "invalid");
    }
    free(jp.err);
    free(d.mac);
    ofp_buf_uninit(&d.lists[0].text);
    ofp_buf_uninit(&d.lists[1].text);
    return error;
}

static char *
macnode_path__(const struct vg_xs_macnode *m)
{
    return ofp_xasprintf("/local/domain/%u/vm-data/networking/%s", m->domid,
                         m->name);
}

int
vg_xs_policy_from_macnode(const struct vg_xs_macnode *m,
                          struct vg_policy *policy, char **errp)
{
    char *path = macnode_path__(m);
    const char *why;
    int error;

    if (vg_xs_writable_by(m->perms, m->n_perms, m->domid, &why)) {
        vg_policy_init(policy);
        policy->mode = VG_MODE_DISABLED;
        *errp = ofp_xasprintf("%s: refused: domain %u can write it (%s)", path,
                              m->domid, why);
        error = EPERM;
    } else {
        error = vg_xs_policy_from_json(path, m->name, m->json ? m->json : "",
                                       policy, errp);
    }
    free(path);
    return error;
}

/* Resolution. */

/* True if 'a' and 'b' protect a port the same way: the same mode and, for
 * a locked guest, the same MAC and addresses. */
static bool
policy_same__(const struct vg_policy *a, const struct vg_policy *b)
{
    if (a->mode != b->mode) {
        return false;
    }
    if (a->mode != VG_MODE_LOCKED) {
        return true;
    }
    return vg_policy_equal(a, b);
}

static void
put_prefixes__(struct ofp_buf *b, const struct vg_policy *p, bool v6)
{
    size_t n = v6 ? p->n_ipv6 : p->n_ipv4;
    ofp_buf_put_cstr(b, v6 ? " ipv6 " : " ipv4 ");
    if (!n) {
        ofp_buf_put_char(b, '-');
    }
    for (size_t i = 0; i < n; i++) {
        char buf[VG_PREFIX_STRLEN];
        ofp_buf_put_format(b, "%s%s", i ? "," : "",
                           v6 ? vg_prefix6_format(&p->ipv6[i], buf)
                              : vg_prefix4_format(&p->ipv4[i], buf));
    }
}

/* Appends to 'b' what a lower source 'src' says ('p', or error 'err'). */
static void
put_conflict__(struct ofp_buf *b, enum vg_policy_source src,
               const struct vg_policy *p, const char *err)
{
    if (b->size) {
        ofp_buf_put_cstr(b, "; ");
    }
    ofp_buf_put_format(
        b, "%s also present and ignored: ", vg_policy_source_name(src));
    if (err) {
        ofp_buf_put_format(b, "invalid: %s", err);
        return;
    }
    ofp_buf_put_format(b, "mode %s", vg_mode_name(p->mode));
    if (p->mode == VG_MODE_LOCKED) {
        put_prefixes__(b, p, false);
        put_prefixes__(b, p, true);
    }
}

static bool
has_vifguard_keys__(const struct vg_iface *iface)
{
    for (size_t i = 0; i < iface->n_external_ids; i++) {
        if (!strncmp(iface->external_ids[i].key, "vifguard-", 9)) {
            return true;
        }
    }
    return false;
}

/* Computes the policy of source 'src' for 'iface' (present by the caller's
 * check).  Returns 0 or an errno value with a message in '*errp'. */
static int
source_policy__(enum vg_policy_source src, const struct vg_iface *iface,
                const struct vg_xs_vif *vif, const struct vg_xs_macnode *mn,
                const uint8_t *mac, enum vg_mode default_mode,
                struct vg_policy *p, char **errp)
{
    switch (src) {
    case VG_PSRC_XAPI:
        return vg_xs_policy_from_xapi(vif, mac, p, errp);
    case VG_PSRC_XS_MAC:
        if (!mn) { /* Present as too many nodes to read (macs_overflow). */
            vg_policy_init(p);
            *errp = ofp_xasprintf("vm-data/networking: more than %d per-MAC "
                                  "nodes, none of them read",
                                  VG_XS_MAX_MACNODES);
            return EINVAL;
        }
        return vg_xs_policy_from_macnode(mn, p, errp);
    case VG_PSRC_OVSDB:
    case VG_PSRC_DEFAULT:
    case VG_N_PSRC:
        break;
    }
    return vg_policy_from_iface(iface, default_mode, p, errp);
}

int
vg_policy_resolve(const struct vg_iface *iface, const struct vg_xs_view *xs,
                  enum vg_mode default_mode, struct vg_policy *policy,
                  enum vg_policy_source *source, char **conflict, char **errp)
{
    const struct vg_kv *ids = iface->external_ids;
    size_t n_ids = iface->n_external_ids;
    const struct vg_xs_vif *vif = NULL;
    const struct vg_xs_macnode *mn = NULL;
    bool present[VG_N_PSRC] = { false };
    unsigned int domid, devid;
    uint8_t mac_buf[6];
    const uint8_t *mac = NULL;

    *conflict = NULL;
    *errp = NULL;

    const char *s = vg_kv_get(ids, n_ids, "attached-mac");
    char *ignored = NULL;
    if (s && !vg_parse_mac(s, mac_buf, &ignored)) {
        mac = mac_buf;
    }
    free(ignored);

    if (xs && vg_xs_parse_ifname(iface->name, &domid, &devid)) {
        const char *uuid = vg_kv_get(ids, n_ids, "xs-vm-uuid");
        if (!uuid) {
            const struct vg_xs_domain *d = vg_xs_view_find_domain(xs, domid);
            uuid = d ? d->vm_uuid : NULL;
        }
        if (uuid) {
            char lower[64];
            size_t i;
            for (i = 0; uuid[i] && i < sizeof lower - 1; i++) {
                lower[i] = (char)tolower((unsigned char)uuid[i]);
            }
            lower[i] = '\0';
            vif = vg_xs_view_find_vif(xs, lower, devid);
            present[VG_PSRC_XAPI] = vif && vif->locking_mode;
        }
        if (mac && domid) {
            const struct vg_xs_domain *d = vg_xs_view_find_domain(xs, domid);
            mn = vg_xs_view_find_mac(xs, domid, mac);
            present[VG_PSRC_XS_MAC] = mn || (d && d->macs_overflow);
        }
    }
    present[VG_PSRC_OVSDB] = has_vifguard_keys__(iface);
    present[VG_PSRC_DEFAULT] = true;

    enum vg_policy_source win = VG_PSRC_XAPI;
    while (!present[win]) {
        win++;
    }
    *source = win;
    int error =
        source_policy__(win, iface, vif, mn, mac, default_mode, policy, errp);

    struct ofp_buf b;
    ofp_buf_init(&b);
    for (enum vg_policy_source src = win + 1; src < VG_PSRC_DEFAULT; src++) {
        if (!present[src]) {
            continue;
        }
        struct vg_policy lower;
        char *err = NULL;
        if (source_policy__(src, iface, vif, mn, mac, default_mode, &lower,
                            &err)) {
            put_conflict__(&b, src, &lower, err);
        } else if (error || !policy_same__(policy, &lower)) {
            put_conflict__(&b, src, &lower, NULL);
        }
        free(err);
        vg_policy_destroy(&lower);
    }
    if (b.size) {
        *conflict = ofp_buf_steal_cstr(&b);
    }
    ofp_buf_uninit(&b);
    return error;
}
