/* The xenstore policy source.  See xenstore.h.
 *
 * Watches: "/xapi" (token "xapi"), "@introduceDomain" and "@releaseDomain"
 * (domains come and go), and per running domain D
 * "/local/domain/D/vm-data/networking" (token "net:D").  A watch event only
 * marks what must be read again; a flush, at most every FLUSH_INTERVAL
 * seconds, reads it, and calls the owner back if the view changed. */
#include <config.h>
#include "src/xenstore.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "ofp/buf.h"
#include "src/log.h"
#include "src/loop.h"
#include "src/xspolicy.h"

#define SUBSYS "xenstore"

#define BACKOFF_MIN 0.5
#define BACKOFF_MAX 8.0
/* Shortest time between two flushes: a burst of watch events (or a guest
 * writing its own vm-data in a loop) costs at most this many reads. */
#define FLUSH_INTERVAL 0.1
/* Per-MAC nodes read per domain at most. */
#define MAX_MACNODES 256

enum xs_state__ {
    XS_STATE_OFF,
    XS_STATE_CONNECTED,
    XS_STATE_UNREACHABLE, /* Never connected (mode on). */
    XS_STATE_LOST,        /* Was connected. */
};

struct vg_xenstore {
    enum vg_xenstore_mode mode;
    vg_xenstore_changed_cb *cb;
    void *aux;
    enum xs_state__ state;
    char *error; /* Last connection error, or NULL. */

    struct xs_handle *xsh; /* NULL while not connected. */
    struct vg_io *io;      /* On xs_fileno(). */
    struct vg_timer *retry;
    struct vg_timer *probe;
    struct vg_timer *flush;
    double backoff;
    double last_flush;
    bool failed; /* A request failed for a connection reason. */

    bool have_view; /* Connected at least once: 'view' is valid. */
    bool force_cb;  /* Call the owner back after the next flush. */
    struct vg_xs_view view;
    uint64_t view_hash;

    /* What the next flush reads again. */
    bool dirty_domains;
    bool dirty_xapi;
    char **dirty_vms;
    size_t n_dirty_vms;
    unsigned int *dirty_nets;
    size_t n_dirty_nets;
};

static struct vg_ratelimit rl = VG_RATELIMIT_INIT(5, 10);

static void connect__(struct vg_xenstore *);
static void flush__(struct vg_xenstore *);

/* Requests.  A request that fails for another reason than a missing or
 * forbidden node marks the connection as failed. */

static bool
node_errno__(int e)
{
    return e == ENOENT || e == EACCES || e == EPERM;
}

static void
request_failed__(struct vg_xenstore *xs, const char *what, const char *path)
{
    int e = errno;
    if (node_errno__(e)) {
        return;
    }
    if (!xs->failed) {
        free(xs->error);
        xs->error = ofp_xasprintf("%s %s: %s", what, path, strerror(e));
    }
    xs->failed = true;
}

/* Reads 'path' as a malloc'd string (NUL-terminated), or NULL if absent or
 * on error. */
static char *
xread__(struct vg_xenstore *xs, const char *path)
{
    unsigned int len;
    char *v = xs->failed ? NULL : xs_read(xs->xsh, XBT_NULL, path, &len);
    if (!v && !xs->failed) {
        request_failed__(xs, "read", path);
    }
    return v;
}

/* Lists 'path''s children (free() the array), or NULL with '*n' = 0. */
static char **
xdir__(struct vg_xenstore *xs, const char *path, unsigned int *n)
{
    char **v = xs->failed ? NULL : xs_directory(xs->xsh, XBT_NULL, path, n);
    if (!v) {
        *n = 0;
        if (!xs->failed) {
            request_failed__(xs, "directory", path);
        }
    }
    return v;
}

/* Cache updates. */

static bool
valid_uuid_name__(const char *s)
{
    size_t n = strlen(s);
    if (!n || n > 64) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isxdigit((unsigned char)s[i]) && s[i] != '-') {
            return false;
        }
    }
    return true;
}

static char *
lower_dup__(const char *s)
{
    char *d = ofp_xstrdup(s);
    for (char *p = d; *p; p++) {
        *p = (char)tolower((unsigned char)*p);
    }
    return d;
}

/* Parses a domain or device number: decimal, at most 65535. */
static bool
parse_id__(const char *s, unsigned int *v)
{
    unsigned long x = 0;
    size_t n = strlen(s);
    if (!n || n > 5 || (n > 1 && s[0] == '0')) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) {
            return false;
        }
        x = x * 10 + (unsigned long)(s[i] - '0');
    }
    if (x > 65535) {
        return false;
    }
    *v = (unsigned int)x;
    return true;
}

static void
vif_free__(struct vg_xs_vif *x)
{
    free(x->vm_uuid);
    free(x->locking_mode);
    free(x->ipv4_allowed);
    free(x->ipv6_allowed);
}

/* Reads xapi's VIF settings of VM 'uuid' (lowercase), appending them to
 * '*v'. */
static void
read_vm__(struct vg_xenstore *xs, const char *uuid, struct vg_xs_vif **v,
          size_t *n)
{
    char *dir = ofp_xasprintf("/xapi/%s/private/vif", uuid);
    unsigned int n_devs;
    char **devs = xdir__(xs, dir, &n_devs);

    for (unsigned int i = 0; i < n_devs && !xs->failed; i++) {
        unsigned int devid;
        if (!parse_id__(devs[i], &devid)) {
            continue;
        }
        char *base = ofp_xasprintf("%s/%s", dir, devs[i]);
        char *p1 = ofp_xasprintf("%s/locking-mode", base);
        char *p2 = ofp_xasprintf("%s/ipv4-allowed", base);
        char *p3 = ofp_xasprintf("%s/ipv6-allowed", base);
        struct vg_xs_vif x = { ofp_xstrdup(uuid), devid, xread__(xs, p1),
                               xread__(xs, p2), xread__(xs, p3) };
        free(base);
        free(p1);
        free(p2);
        free(p3);
        if (!x.locking_mode && !x.ipv4_allowed && !x.ipv6_allowed) {
            vif_free__(&x);
            continue;
        }
        *v = ofp_xrealloc(*v, (*n + 1) * sizeof **v);
        (*v)[(*n)++] = x;
    }
    free(devs);
    free(dir);
}

/* Replaces the VIFs of VM 'uuid' (every VM if NULL) in the view by 'v'. */
static void
replace_vifs__(struct vg_xenstore *xs, const char *uuid, struct vg_xs_vif *v,
               size_t n)
{
    struct vg_xs_view *view = &xs->view;
    size_t k = 0;
    for (size_t i = 0; i < view->n_vifs; i++) {
        if (!uuid || !strcmp(view->vifs[i].vm_uuid, uuid)) {
            vif_free__(&view->vifs[i]);
        } else {
            view->vifs[k++] = view->vifs[i];
        }
    }
    view->vifs = ofp_xrealloc(view->vifs, (k + n + 1) * sizeof *view->vifs);
    if (n) { /* 'v' may be NULL: memcpy() must not see it. */
        memcpy(&view->vifs[k], v, n * sizeof *v);
    }
    view->n_vifs = k + n;
    free(v);
}

/* Reads VM 'uuid' again, or every VM under /xapi if NULL. */
static void
rescan_xapi__(struct vg_xenstore *xs, const char *uuid)
{
    struct vg_xs_vif *v = NULL;
    size_t n = 0;

    if (uuid) {
        read_vm__(xs, uuid, &v, &n);
    } else {
        unsigned int n_vms;
        char **vms = xdir__(xs, "/xapi", &n_vms);
        for (unsigned int i = 0; i < n_vms && !xs->failed; i++) {
            if (valid_uuid_name__(vms[i])) {
                char *lower = lower_dup__(vms[i]);
                read_vm__(xs, lower, &v, &n);
                free(lower);
            }
        }
        free(vms);
    }
    if (xs->failed) {
        for (size_t i = 0; i < n; i++) {
            vif_free__(&v[i]);
        }
        free(v);
        return;
    }
    replace_vifs__(xs, uuid, v, n);
}

static void
macnode_free__(struct vg_xs_macnode *m)
{
    free(m->name);
    free(m->json);
    free(m->perms);
}

static bool
mac_name__(const char *s)
{
    if (strlen(s) != 12) {
        return false;
    }
    for (size_t i = 0; i < 12; i++) {
        if (!isxdigit((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}

/* Replaces domain 'domid''s per-MAC nodes in the view by 'v'. */
static void
replace_macs__(struct vg_xenstore *xs, unsigned int domid,
               struct vg_xs_macnode *v, size_t n)
{
    struct vg_xs_view *view = &xs->view;
    size_t k = 0;
    for (size_t i = 0; i < view->n_macs; i++) {
        if (view->macs[i].domid == domid) {
            macnode_free__(&view->macs[i]);
        } else {
            view->macs[k++] = view->macs[i];
        }
    }
    view->macs = ofp_xrealloc(view->macs, (k + n + 1) * sizeof *view->macs);
    if (n) { /* 'v' may be NULL: memcpy() must not see it. */
        memcpy(&view->macs[k], v, n * sizeof *v);
    }
    view->n_macs = k + n;
    free(v);
}

/* Reads domain 'domid''s per-MAC JSON nodes again. */
static void
rescan_net__(struct vg_xenstore *xs, unsigned int domid)
{
    char *dir = ofp_xasprintf("/local/domain/%u/vm-data/networking", domid);
    struct vg_xs_macnode *v = NULL;
    size_t n = 0;
    unsigned int n_names;
    char **names = xdir__(xs, dir, &n_names);

    for (unsigned int i = 0; i < n_names && !xs->failed; i++) {
        if (!mac_name__(names[i])) {
            continue;
        }
        if (n >= MAX_MACNODES) {
            vg_log_rl(&rl, SUBSYS, VG_LOG_WARN,
                      "%s: more than %d MAC nodes, the rest ignored", dir,
                      MAX_MACNODES);
            break;
        }
        char *path = ofp_xasprintf("%s/%s", dir, names[i]);
        char *json = xread__(xs, path);
        unsigned int n_perms = 0;
        struct xs_permissions *perms =
            (json ? xs_get_permissions(xs->xsh, XBT_NULL, path, &n_perms)
                  : NULL);
        if (json && !perms) {
            request_failed__(xs, "get-perms", path);
        }
        free(path);
        if (!json) {
            continue; /* Removed meanwhile. */
        }
        struct vg_xs_macnode m = { domid, ofp_xstrdup(names[i]), json, NULL,
                                   0 };
        if (perms && n_perms) {
            m.perms = ofp_xcalloc(n_perms, sizeof *m.perms);
            for (unsigned int j = 0; j < n_perms; j++) {
                m.perms[j].domid = perms[j].id;
                m.perms[j].read = perms[j].perms & XS_PERM_READ;
                m.perms[j].write = perms[j].perms & XS_PERM_WRITE;
            }
            m.n_perms = n_perms;
        }
        free(perms);
        v = ofp_xrealloc(v, (n + 1) * sizeof *v);
        v[n++] = m;
    }
    free(names);
    free(dir);
    if (xs->failed) {
        for (size_t i = 0; i < n; i++) {
            macnode_free__(&v[i]);
        }
        free(v);
        return;
    }
    replace_macs__(xs, domid, v, n);
}

static void
net_watch_path__(unsigned int domid, char *path, size_t size, char *token,
                 size_t tsize)
{
    snprintf(path, size, "/local/domain/%u/vm-data/networking", domid);
    snprintf(token, tsize, "net:%u", domid);
}

static void
mark_net__(struct vg_xenstore *xs, unsigned int domid)
{
    for (size_t i = 0; i < xs->n_dirty_nets; i++) {
        if (xs->dirty_nets[i] == domid) {
            return;
        }
    }
    xs->dirty_nets = ofp_xrealloc(xs->dirty_nets, (xs->n_dirty_nets + 1) *
                                                      sizeof *xs->dirty_nets);
    xs->dirty_nets[xs->n_dirty_nets++] = domid;
}

/* Reads the list of domains again: watches the per-MAC directory of each
 * new one (and marks it for reading), forgets the ones gone. */
static void
rescan_domains__(struct vg_xenstore *xs)
{
    struct vg_xs_view *view = &xs->view;
    unsigned int n_names;
    char **names = xdir__(xs, "/local/domain", &n_names);
    struct vg_xs_domain *v = ofp_xcalloc(n_names + 1, sizeof *v);
    size_t n = 0;
    char path[64], token[32];

    if (xs->failed) {
        free(v);
        return;
    }
    for (unsigned int i = 0; i < n_names; i++) {
        unsigned int domid;
        if (!parse_id__(names[i], &domid)) {
            continue;
        }
        const struct vg_xs_domain *old = vg_xs_view_find_domain(view, domid);
        v[n].domid = domid;
        if (old) {
            v[n].vm_uuid = old->vm_uuid ? ofp_xstrdup(old->vm_uuid) : NULL;
        } else {
            snprintf(path, sizeof path, "/local/domain/%u/vm", domid);
            char *vm = xread__(xs, path);
            if (vm && !strncmp(vm, "/vm/", 4) && valid_uuid_name__(vm + 4)) {
                v[n].vm_uuid = lower_dup__(vm + 4);
            }
            free(vm);
            if (domid) {
                net_watch_path__(domid, path, sizeof path, token,
                                 sizeof token);
                if (!xs->failed && !xs_watch(xs->xsh, path, token)) {
                    request_failed__(xs, "watch", path);
                }
                mark_net__(xs, domid);
            }
        }
        n++;
    }
    free(names);
    if (xs->failed) {
        for (size_t i = 0; i < n; i++) {
            free(v[i].vm_uuid);
        }
        free(v);
        return;
    }

    /* Domains gone: stop watching, forget their nodes. */
    for (size_t i = 0; i < view->n_domains; i++) {
        unsigned int domid = view->domains[i].domid;
        bool kept = false;
        for (size_t j = 0; j < n && !kept; j++) {
            kept = v[j].domid == domid;
        }
        if (!kept && domid) {
            net_watch_path__(domid, path, sizeof path, token, sizeof token);
            xs_unwatch(xs->xsh, path, token); /* Fails if already gone. */
            replace_macs__(xs, domid, NULL, 0);
        }
    }
    for (size_t i = 0; i < view->n_domains; i++) {
        free(view->domains[i].vm_uuid);
    }
    free(view->domains);
    view->domains = v;
    view->n_domains = n;
    vg_xs_view_sort(view); /* xenstored lists children in creation order. */

    /* Nodes of domains that went away while disconnected. */
    size_t k = 0;
    for (size_t i = 0; i < view->n_macs; i++) {
        bool kept = false;
        for (size_t j = 0; j < n && !kept; j++) {
            kept = v[j].domid == view->macs[i].domid;
        }
        if (kept) {
            view->macs[k++] = view->macs[i];
        } else {
            macnode_free__(&view->macs[i]);
        }
    }
    view->n_macs = k;
}

/* Watch events. */

static void
mark_vm__(struct vg_xenstore *xs, const char *uuid, size_t len)
{
    char *lower = ofp_xmalloc(len + 1);
    memcpy(lower, uuid, len);
    lower[len] = '\0';
    for (char *p = lower; *p; p++) {
        *p = (char)tolower((unsigned char)*p);
    }
    if (!valid_uuid_name__(lower)) {
        free(lower);
        return;
    }
    for (size_t i = 0; i < xs->n_dirty_vms; i++) {
        if (!strcmp(xs->dirty_vms[i], lower)) {
            free(lower);
            return;
        }
    }
    xs->dirty_vms = ofp_xrealloc(xs->dirty_vms, (xs->n_dirty_vms + 1) *
                                                    sizeof *xs->dirty_vms);
    xs->dirty_vms[xs->n_dirty_vms++] = lower;
}

/* Marks what watch event 'path' (of watch 'token') affects. */
static void
watch_event__(struct vg_xenstore *xs, const char *path, const char *token)
{
    unsigned int domid;

    VG_DBG(SUBSYS, "watch %s: %s", token, path);
    if (!strcmp(token, "xapi")) {
        if (strncmp(path, "/xapi/", 6)) {
            xs->dirty_xapi = true; /* "/xapi" itself. */
            return;
        }
        const char *uuid = path + 6;
        const char *rest = uuid + strcspn(uuid, "/");
        /* Only the VM's directory and its private/vif subtree matter. */
        if (!*rest || !strcmp(rest, "/private") ||
            !strncmp(rest, "/private/vif", 12)) {
            mark_vm__(xs, uuid, (size_t)(rest - uuid));
        }
    } else if (!strncmp(token, "net:", 4) && parse_id__(token + 4, &domid)) {
        mark_net__(xs, domid);
    } else {
        xs->dirty_domains = true; /* @introduceDomain, @releaseDomain. */
    }
}

static void
schedule_flush__(struct vg_xenstore *xs)
{
    if (!vg_timer_active(xs->flush)) {
        double wait = xs->last_flush + FLUSH_INTERVAL - vg_now();
        vg_timer_start(xs->flush, wait > 0 ? wait : 0, 0);
    }
}

static void
io_cb__(struct vg_io *io, int revents, void *xs_)
{
    struct vg_xenstore *xs = xs_;
    char **ev;

    (void)io;
    (void)revents;
    while ((ev = xs_check_watch(xs->xsh))) {
        watch_event__(xs, ev[XS_WATCH_PATH], ev[XS_WATCH_TOKEN]);
        free(ev);
    }
    schedule_flush__(xs);
}

/* Connection. */

static void
disconnect__(struct vg_xenstore *xs)
{
    vg_io_destroy(xs->io);
    xs->io = NULL;
    xs_close(xs->xsh); /* Stops libxenstore's reader thread. */
    xs->xsh = NULL;
    vg_timer_stop(xs->probe);
    vg_timer_stop(xs->flush);
}

/* Schedules the next connection attempt. */
static void
retry_later__(struct vg_xenstore *xs)
{
    vg_timer_start(xs->retry, xs->backoff, 0);
    xs->backoff =
        xs->backoff * 2 < BACKOFF_MAX ? xs->backoff * 2 : BACKOFF_MAX;
}

/* The connection failed ('xs->error' says how): keeps the view, reports,
 * reconnects later. */
static void
lost__(struct vg_xenstore *xs)
{
    disconnect__(xs);
    xs->state = XS_STATE_LOST;
    VG_ERR(SUBSYS,
           "connection lost (%s): guests keep their last xenstore policy; "
           "reconnecting in %.1f s",
           xs->error, xs->backoff);
    retry_later__(xs);
}

static void
retry_cb__(struct vg_timer *t, void *xs)
{
    (void)t;
    connect__(xs);
}

static void
probe_cb__(struct vg_timer *t, void *xs_)
{
    struct vg_xenstore *xs = xs_;
    (void)t;
    free(xread__(xs, "/xapi"));
    if (xs->failed) {
        lost__(xs);
    }
}

static void
flush_cb__(struct vg_timer *t, void *xs)
{
    (void)t;
    flush__(xs);
}

static uint64_t
hash_str__(uint64_t h, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    h = (h ^ (s ? 1 : 2)) * 0x100000001b3ULL;
    for (; *p; p++) {
        h = (h ^ *p) * 0x100000001b3ULL;
    }
    return (h ^ 0xff) * 0x100000001b3ULL;
}

static uint64_t
hash_uint__(uint64_t h, unsigned int v)
{
    char buf[16];
    snprintf(buf, sizeof buf, "%u", v);
    return hash_str__(h, buf);
}

/* A hash of everything in 'v' (sorted), to tell whether a flush changed
 * anything. */
static uint64_t
view_hash__(const struct vg_xs_view *v)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < v->n_domains; i++) {
        h = hash_uint__(h, v->domains[i].domid);
        h = hash_str__(h, v->domains[i].vm_uuid);
    }
    for (size_t i = 0; i < v->n_vifs; i++) {
        const struct vg_xs_vif *x = &v->vifs[i];
        h = hash_str__(h, x->vm_uuid);
        h = hash_uint__(h, x->devid);
        h = hash_str__(h, x->locking_mode);
        h = hash_str__(h, x->ipv4_allowed);
        h = hash_str__(h, x->ipv6_allowed);
    }
    for (size_t i = 0; i < v->n_macs; i++) {
        const struct vg_xs_macnode *m = &v->macs[i];
        h = hash_uint__(h, m->domid);
        h = hash_str__(h, m->name);
        h = hash_str__(h, m->json);
        for (size_t j = 0; j < m->n_perms; j++) {
            h = hash_uint__(h, m->perms[j].domid);
            h = hash_uint__(h, m->perms[j].read | m->perms[j].write << 1);
        }
    }
    return h;
}

static void
clear_dirty__(struct vg_xenstore *xs)
{
    for (size_t i = 0; i < xs->n_dirty_vms; i++) {
        free(xs->dirty_vms[i]);
    }
    free(xs->dirty_vms);
    xs->dirty_vms = NULL;
    xs->n_dirty_vms = 0;
    free(xs->dirty_nets);
    xs->dirty_nets = NULL;
    xs->n_dirty_nets = 0;
    xs->dirty_domains = false;
    xs->dirty_xapi = false;
}

/* Reads what the watch events marked, then calls the owner back if the
 * view changed (always after a (re)connection). */
static void
flush__(struct vg_xenstore *xs)
{
    xs->last_flush = vg_now();
    if (!xs->xsh) {
        return;
    }
    if (xs->dirty_domains) {
        rescan_domains__(xs);
    }
    if (xs->dirty_xapi) {
        rescan_xapi__(xs, NULL);
    } else {
        for (size_t i = 0; i < xs->n_dirty_vms && !xs->failed; i++) {
            rescan_xapi__(xs, xs->dirty_vms[i]);
        }
    }
    for (size_t i = 0; i < xs->n_dirty_nets && !xs->failed; i++) {
        if (vg_xs_view_find_domain(&xs->view, xs->dirty_nets[i])) {
            rescan_net__(xs, xs->dirty_nets[i]);
        }
    }
    vg_xs_view_sort(&xs->view);
    if (xs->failed) {
        /* Keep the marks: the next connection reads everything anyway. */
        clear_dirty__(xs);
        lost__(xs);
        return;
    }
    clear_dirty__(xs);
    uint64_t h = view_hash__(&xs->view);
    if (xs->force_cb || h != xs->view_hash) {
        xs->view_hash = h;
        xs->force_cb = false;
        xs->have_view = true;
        xs->cb(xs->aux, &xs->view);
    }
}

/* Opens the connection, sets the watches and reads everything. */
static void
connect__(struct vg_xenstore *xs)
{
    bool first = xs->state == XS_STATE_OFF;
    const char *env = getenv("XENSTORED_PATH");

    xs->failed = false;
    xs->xsh = xs_open(0);
    if (!xs->xsh) {
        int e = errno;
        free(xs->error);
        xs->error = ofp_xasprintf("cannot connect to xenstored (%s): %s",
                                  env ? env
                                      : "default socket or "
                                        "/dev/xen/xenbus",
                                  strerror(e));
        if (first && xs->mode == VG_XENSTORE_AUTO) {
            VG_INFO(SUBSYS,
                    "%s: xenstore policy source off (not a Xen "
                    "host?)",
                    xs->error);
            return;
        }
        if (first) {
            xs->state = XS_STATE_UNREACHABLE;
            VG_ERR(SUBSYS, "%s (xenstore = on): retrying", xs->error);
        } else {
            vg_log_rl(&rl, SUBSYS, VG_LOG_WARN, "%s: retrying in %.1f s",
                      xs->error, xs->backoff);
        }
        retry_later__(xs);
        return;
    }
    if (!xs_watch(xs->xsh, "/xapi", "xapi") ||
        !xs_watch(xs->xsh, "@introduceDomain", "@introduceDomain") ||
        !xs_watch(xs->xsh, "@releaseDomain", "@releaseDomain")) {
        int e = errno;
        free(xs->error);
        xs->error = ofp_xasprintf("watch: %s", strerror(e));
        xs->failed = true;
        if (first) {
            xs->state = XS_STATE_UNREACHABLE;
        }
        lost__(xs);
        return;
    }
    int fd = xs_fileno(xs->xsh);
    if (fd < 0) {
        free(xs->error);
        xs->error = ofp_xasprintf("xs_fileno: %s", strerror(errno));
        xs->failed = true;
        lost__(xs);
        return;
    }
    xs->io = vg_io_create(fd, VG_READ, io_cb__, xs);
    VG_INFO(SUBSYS, "connected to xenstored%s%s", env ? " at " : "",
            env ? env : "");
    xs->state = XS_STATE_CONNECTED;
    free(xs->error);
    xs->error = NULL;
    xs->backoff = BACKOFF_MIN;

    /* A new connection has no per-domain watches: forget the domains (not
     * their nodes) so that every domain is watched and read again. */
    for (size_t i = 0; i < xs->view.n_domains; i++) {
        free(xs->view.domains[i].vm_uuid);
    }
    xs->view.n_domains = 0;
    xs->force_cb = true;
    xs->dirty_domains = true;
    xs->dirty_xapi = true;
    flush__(xs);
    if (xs->xsh) {
        vg_timer_start(xs->probe, VG_XENSTORE_PROBE, VG_XENSTORE_PROBE);
    }
}

struct vg_xenstore *
vg_xenstore_create(enum vg_xenstore_mode mode, vg_xenstore_changed_cb *cb,
                   void *aux)
{
    struct vg_xenstore *xs = ofp_xcalloc(1, sizeof *xs);
    xs->mode = mode;
    xs->cb = cb;
    xs->aux = aux;
    xs->state = XS_STATE_OFF;
    xs->backoff = BACKOFF_MIN;
    vg_xs_view_init(&xs->view);
    xs->retry = vg_timer_create(retry_cb__, xs);
    xs->probe = vg_timer_create(probe_cb__, xs);
    xs->flush = vg_timer_create(flush_cb__, xs);
    if (mode != VG_XENSTORE_OFF) {
        connect__(xs);
    }
    return xs;
}

void
vg_xenstore_destroy(struct vg_xenstore *xs)
{
    if (!xs) {
        return;
    }
    disconnect__(xs);
    vg_timer_destroy(xs->retry);
    vg_timer_destroy(xs->probe);
    vg_timer_destroy(xs->flush);
    clear_dirty__(xs);
    vg_xs_view_destroy(&xs->view);
    free(xs->error);
    free(xs);
}

const struct vg_xs_view *
vg_xenstore_view(const struct vg_xenstore *xs)
{
    return xs && xs->have_view ? &xs->view : NULL;
}

const char *
vg_xenstore_state(const struct vg_xenstore *xs, const char **error)
{
    *error = xs ? xs->error : NULL;
    switch (xs ? xs->state : XS_STATE_OFF) {
    case XS_STATE_CONNECTED:
        return "connected";
    case XS_STATE_UNREACHABLE:
        return "unreachable";
    case XS_STATE_LOST:
        return "lost";
    case XS_STATE_OFF:
        break;
    }
    return "off";
}
