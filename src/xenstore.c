/* The xenstore policy source.  See xenstore.h.
 *
 * Watches: "/xapi" (token "xapi"), "@introduceDomain" and "@releaseDomain"
 * (domains come and go), and per running domain D
 * "/local/domain/D/vm-data/networking" (token "net:D").  A watch event only
 * marks what must be read again; a flush, at most every FLUSH_INTERVAL
 * seconds, reads it, and hands the view over if it changed.
 *
 * Threads.  libxenstore's requests block until xenstored answers, and a
 * xenstored that accepts requests but does not answer them would block
 * whoever asked.  So everything that talks to xenstored (struct
 * xs_worker__: the connection, its watches, the flushes and the liveness
 * probe) runs in a worker thread on a loop of its own; the daemon's loop
 * only receives the results (struct vg_xenstore): each new view (a copy),
 * the connection state and its error, through a mailbox under a mutex and
 * a wakeup (vg_async).  Before each request the worker notes what it asks
 * and since when; a timer of the daemon's loop reports the source
 * "stalled" once a request has waited VG_XENSTORE_STALL seconds, and the
 * worker's next answer clears it.  Meanwhile the daemon goes on with the
 * last view, like after a lost connection. */
#include <config.h>
#include "src/xenstore.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

enum xs_state__ {
    XS_STATE_OFF,
    XS_STATE_CONNECTED,
    XS_STATE_UNREACHABLE, /* Never connected (mode on). */
    XS_STATE_LOST,        /* Was connected. */
};

/* The worker's side: the connection and the view it reads.  Used by the
 * worker thread only, except 'outer''s mailbox. */
struct xs_worker__ {
    struct vg_xenstore *outer;
    enum vg_xenstore_mode mode;
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

    bool force_cb;     /* Hand the view over after the next flush. */
    bool view_changed; /* To hand over (post__()). */
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

static void connect__(struct xs_worker__ *);
static void flush__(struct xs_worker__ *);

/* Requests.  A request that fails for another reason than a missing or
 * forbidden node marks the connection as failed. */

static bool
node_errno__(int e)
{
    return e == ENOENT || e == EACCES || e == EPERM;
}

static void
request_failed__(struct xs_worker__ *xs, const char *what, const char *path)
{
    int e = errno;
    if (node_errno__(e)) {
        return;
    }
    if (!xs->failed) {
        /* libxenstore's reader thread closes the socket when xenstored
         * does; the requests after that fail with EBADF. */
        free(xs->error);
        xs->error = ofp_xasprintf(
            "%s %s: %s", what, path,
            e == EBADF ? "xenstored closed the connection" : strerror(e));
    }
    xs->failed = true;
}

static void busy__(struct xs_worker__ *, const char *what, const char *path);
static void idle__(struct xs_worker__ *);

/* Reads 'path' as a malloc'd string (NUL-terminated), or NULL if absent or
 * on error. */
static char *
xread__(struct xs_worker__ *xs, const char *path)
{
    unsigned int len;
    char *v = NULL;
    if (!xs->failed) {
        busy__(xs, "read", path);
        v = xs_read(xs->xsh, XBT_NULL, path, &len);
        idle__(xs);
        if (!v) {
            request_failed__(xs, "read", path);
        }
    }
    return v;
}

/* Lists 'path''s children (free() the array), or NULL with '*n' = 0. */
static char **
xdir__(struct xs_worker__ *xs, const char *path, unsigned int *n)
{
    char **v = NULL;
    *n = 0;
    if (!xs->failed) {
        busy__(xs, "directory", path);
        v = xs_directory(xs->xsh, XBT_NULL, path, n);
        idle__(xs);
        if (!v) {
            *n = 0;
            request_failed__(xs, "directory", path);
        }
    }
    return v;
}

/* The permissions of 'path' (free() them), or NULL with '*n' = 0. */
static struct xs_permissions *
xperms__(struct xs_worker__ *xs, const char *path, unsigned int *n)
{
    struct xs_permissions *v = NULL;
    *n = 0;
    if (!xs->failed) {
        busy__(xs, "get-perms", path);
        v = xs_get_permissions(xs->xsh, XBT_NULL, path, n);
        idle__(xs);
        if (!v) {
            *n = 0;
            request_failed__(xs, "get-perms", path);
        }
    }
    return v;
}

/* Watches 'path' with 'token'; on failure marks the connection failed. */
static void
xwatch__(struct xs_worker__ *xs, const char *path, const char *token)
{
    if (!xs->failed) {
        busy__(xs, "watch", path);
        bool ok = xs_watch(xs->xsh, path, token);
        idle__(xs);
        if (!ok) {
            request_failed__(xs, "watch", path);
        }
    }
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
read_vm__(struct xs_worker__ *xs, const char *uuid, struct vg_xs_vif **v,
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
replace_vifs__(struct xs_worker__ *xs, const char *uuid, struct vg_xs_vif *v,
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
rescan_xapi__(struct xs_worker__ *xs, const char *uuid)
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
replace_macs__(struct xs_worker__ *xs, unsigned int domid,
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

/* Reads domain 'domid''s per-MAC JSON nodes again.  The guest can write
 * there: if it made more than VG_XS_MAX_MACNODES, none is read, and the
 * domain is marked so that its ports are held closed (reading only some
 * could leave out dom0's node and let a lower policy source apply). */
static void
rescan_net__(struct xs_worker__ *xs, unsigned int domid)
{
    char *dir = ofp_xasprintf("/local/domain/%u/vm-data/networking", domid);
    struct vg_xs_macnode *v = NULL;
    size_t n = 0;
    unsigned int n_names;
    char **names = xdir__(xs, dir, &n_names);

    size_t n_macs = 0;
    for (unsigned int i = 0; i < n_names; i++) {
        n_macs += mac_name__(names[i]);
    }
    struct vg_xs_domain *d =
        (struct vg_xs_domain *)vg_xs_view_find_domain(&xs->view, domid);
    bool overflow = n_macs > VG_XS_MAX_MACNODES;
    if (overflow && d && !d->macs_overflow) {
        vg_log_rl(&rl, SUBSYS, VG_LOG_WARN,
                  "%s: %zu MAC nodes, more than %d: none read, the "
                  "domain's ports are held closed",
                  dir, n_macs, VG_XS_MAX_MACNODES);
    }
    if (d && !xs->failed) {
        d->macs_overflow = overflow;
    }

    for (unsigned int i = 0; i < n_names && !xs->failed && !overflow; i++) {
        if (!mac_name__(names[i])) {
            continue;
        }
        char *path = ofp_xasprintf("%s/%s", dir, names[i]);
        char *json = xread__(xs, path);
        unsigned int n_perms = 0;
        struct xs_permissions *perms =
            json ? xperms__(xs, path, &n_perms) : NULL;
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
mark_net__(struct xs_worker__ *xs, unsigned int domid)
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
rescan_domains__(struct xs_worker__ *xs)
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
            v[n].macs_overflow = old->macs_overflow;
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
                xwatch__(xs, path, token);
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
            busy__(xs, "unwatch", path);
            xs_unwatch(xs->xsh, path, token); /* Fails if already gone. */
            idle__(xs);
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
mark_vm__(struct xs_worker__ *xs, const char *uuid, size_t len)
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
watch_event__(struct xs_worker__ *xs, const char *path, const char *token)
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
schedule_flush__(struct xs_worker__ *xs)
{
    if (!vg_timer_active(xs->flush)) {
        double wait = xs->last_flush + FLUSH_INTERVAL - vg_now();
        vg_timer_start(xs->flush, wait > 0 ? wait : 0, 0);
    }
}

static void
io_cb__(struct vg_io *io, int revents, void *xs_)
{
    struct xs_worker__ *xs = xs_;
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
disconnect__(struct xs_worker__ *xs)
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
retry_later__(struct xs_worker__ *xs)
{
    vg_timer_start(xs->retry, xs->backoff, 0);
    xs->backoff =
        xs->backoff * 2 < BACKOFF_MAX ? xs->backoff * 2 : BACKOFF_MAX;
}

/* The connection failed ('xs->error' says how): keeps the view, reports,
 * reconnects later. */
static void
lost__(struct xs_worker__ *xs)
{
    disconnect__(xs);
    xs->state = XS_STATE_LOST;
    VG_ERR(SUBSYS,
           "connection lost (%s): guests keep their last xenstore policy; "
           "reconnecting in %.1f s",
           xs->error, xs->backoff);
    retry_later__(xs);
}

static void post__(struct xs_worker__ *);

static void
retry_cb__(struct vg_timer *t, void *xs)
{
    (void)t;
    connect__(xs);
    post__(xs);
}

static void
probe_cb__(struct vg_timer *t, void *xs_)
{
    struct xs_worker__ *xs = xs_;
    (void)t;
    free(xread__(xs, "/xapi"));
    if (xs->failed) {
        lost__(xs);
    }
    post__(xs);
}

static void
flush_cb__(struct vg_timer *t, void *xs)
{
    (void)t;
    flush__(xs);
    post__(xs);
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
        h = hash_uint__(h, v->domains[i].macs_overflow);
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
clear_dirty__(struct xs_worker__ *xs)
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

/* Reads what the watch events marked, then marks the view for handing over
 * if it changed (always after a (re)connection). */
static void
flush__(struct xs_worker__ *xs)
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
        xs->view_changed = true; /* post__() hands it over. */
    }
}

/* Opens the connection, sets the watches and reads everything. */
static void
connect__(struct xs_worker__ *xs)
{
    bool first = xs->state == XS_STATE_OFF;
    const char *env = getenv("XENSTORED_PATH");

    xs->failed = false;
    busy__(xs, "connect", env ? env : "(default)");
    xs->xsh = xs_open(0);
    idle__(xs);
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
    busy__(xs, "watch", "/xapi");
    bool watching =
        xs_watch(xs->xsh, "/xapi", "xapi") &&
        xs_watch(xs->xsh, "@introduceDomain", "@introduceDomain") &&
        xs_watch(xs->xsh, "@releaseDomain", "@releaseDomain");
    idle__(xs);
    if (!watching) {
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

static struct xs_worker__ *
worker_create__(struct vg_xenstore *outer, enum vg_xenstore_mode mode)
{
    struct xs_worker__ *xs = ofp_xcalloc(1, sizeof *xs);
    xs->outer = outer;
    xs->mode = mode;
    xs->state = XS_STATE_OFF;
    xs->backoff = BACKOFF_MIN;
    vg_xs_view_init(&xs->view);
    xs->retry = vg_timer_create(retry_cb__, xs);
    xs->probe = vg_timer_create(probe_cb__, xs);
    xs->flush = vg_timer_create(flush_cb__, xs);
    connect__(xs);
    post__(xs);
    return xs;
}

static void
worker_destroy__(struct xs_worker__ *xs)
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

/* The daemon's side (see the top of the file). */
struct vg_xenstore {
    enum vg_xenstore_mode mode;
    vg_xenstore_changed_cb *cb;
    void *aux;

    /* The daemon's thread only. */
    pthread_t thread;
    bool joinable;             /* 'thread' not joined yet. */
    struct vg_async *wake;     /* The worker has news. */
    struct vg_timer *watchdog; /* Looks for a stalled request. */
    enum xs_state__ state;     /* As handed over... */
    bool posted;               /* ...if the worker has posted. */
    char *error;
    bool have_view;
    struct vg_xs_view view;
    double stalled_since; /* Start of the stalled request, or 0. */
    char *stall_error;

    /* The mailbox, under 'mutex'; 'first' is signalled on the first post
     * and when the worker exits. */
    pthread_mutex_t mutex;
    pthread_cond_t first;
    bool box_posted; /* The worker posted at least once. */
    enum xs_state__ box_state;
    char *box_error;
    bool box_new_view; /* 'box_view' is a view not taken yet. */
    struct vg_xs_view box_view;
    bool box_done;               /* The worker has exited. */
    double busy_since;           /* Start of the request under way, or 0. */
    char busy_what[192];         /* It, as "read /xapi". */
    bool stall_seen;             /* Reported: its end must wake the daemon. */
    bool quit;                   /* vg_xenstore_destroy() was called. */
    struct vg_async *quit_async; /* The worker's, while its loop runs. */
};

/* Notes that the worker asks xenstored 'what' 'path' now. */
static void
busy__(struct xs_worker__ *xs, const char *what, const char *path)
{
    struct vg_xenstore *o = xs->outer;
    pthread_mutex_lock(&o->mutex);
    o->busy_since = vg_monotonic();
    snprintf(o->busy_what, sizeof o->busy_what, "%s %s", what, path);
    pthread_mutex_unlock(&o->mutex);
}

/* Notes that the worker's request got its answer.  Keeps errno.  Brings
 * the worker loop's time up to date: the request may have taken long, and
 * its timers (the reconnection backoff) count from now. */
static void
idle__(struct xs_worker__ *xs)
{
    struct vg_xenstore *o = xs->outer;
    int e = errno;
    vg_now_exact();
    pthread_mutex_lock(&o->mutex);
    o->busy_since = 0;
    if (o->stall_seen) {
        o->stall_seen = false;
        vg_async_send(o->wake);
    }
    pthread_mutex_unlock(&o->mutex);
    errno = e;
}

static bool
str_equal__(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

/* Hands the worker's state and error, and a copy of its view if that
 * changed, over to the daemon's thread (if anything changed). */
static void
post__(struct xs_worker__ *xs)
{
    struct vg_xenstore *o = xs->outer;
    pthread_mutex_lock(&o->mutex);
    if (!o->box_posted || xs->view_changed || o->box_state != xs->state ||
        !str_equal__(o->box_error, xs->error)) {
        o->box_state = xs->state;
        free(o->box_error);
        o->box_error = xs->error ? ofp_xstrdup(xs->error) : NULL;
        if (xs->view_changed) {
            vg_xs_view_destroy(&o->box_view);
            vg_xs_view_copy(&o->box_view, &xs->view);
            o->box_new_view = true;
            xs->view_changed = false;
        }
        o->box_posted = true;
        pthread_cond_broadcast(&o->first);
        vg_async_send(o->wake);
    }
    pthread_mutex_unlock(&o->mutex);
}

static void
quit_cb__(struct vg_async *a, void *aux)
{
    (void)a;
    (void)aux;
    vg_loop_break();
}

/* The worker thread: connects, then runs its loop until told to quit; in
 * auto mode on a host without xenstore it stops after the first try. */
static void *
worker_main__(void *o_)
{
    struct vg_xenstore *o = o_;
    struct xs_worker__ *xs = NULL;

    vg_loop_thread_begin();
    struct vg_async *quit = vg_async_create(quit_cb__, NULL);
    pthread_mutex_lock(&o->mutex);
    o->quit_async = quit;
    bool stop = o->quit;
    pthread_mutex_unlock(&o->mutex);
    if (!stop) {
        xs = worker_create__(o, o->mode);
        if (xs->state != XS_STATE_OFF) {
            vg_loop_run();
        }
    }
    pthread_mutex_lock(&o->mutex);
    o->quit_async = NULL;
    pthread_mutex_unlock(&o->mutex);
    worker_destroy__(xs);
    vg_async_destroy(quit);
    vg_loop_thread_end();

    pthread_mutex_lock(&o->mutex);
    o->box_done = true;
    pthread_cond_broadcast(&o->first);
    vg_async_send(o->wake);
    pthread_mutex_unlock(&o->mutex);
    return NULL;
}

/* Takes what the worker posted.  Returns true if there was a new view (now
 * in 'o->view') or vg_xenstore_active() changed. */
static bool
take_box__(struct vg_xenstore *o)
{
    bool was_active = vg_xenstore_active(o);
    pthread_mutex_lock(&o->mutex);
    o->posted = o->box_posted;
    if (o->box_posted) {
        o->state = o->box_state;
        free(o->error);
        o->error = o->box_error ? ofp_xstrdup(o->box_error) : NULL;
    }
    bool new_view = o->box_new_view;
    if (new_view) {
        vg_xs_view_destroy(&o->view);
        o->view = o->box_view;
        vg_xs_view_init(&o->box_view);
        o->box_new_view = false;
        o->have_view = true;
    }
    bool done = o->box_done;
    double busy = o->busy_since;
    pthread_mutex_unlock(&o->mutex);

    if (o->stalled_since && busy != o->stalled_since) {
        VG_INFO(SUBSYS, "xenstored answers again, after %.1f s",
                vg_monotonic() - o->stalled_since);
        o->stalled_since = 0;
    }
    if (done && o->joinable) {
        pthread_join(o->thread, NULL);
        o->joinable = false;
        vg_timer_stop(o->watchdog);
    }
    return new_view || vg_xenstore_active(o) != was_active;
}

static void
wake_cb__(struct vg_async *a, void *o_)
{
    struct vg_xenstore *o = o_;
    (void)a;
    if (take_box__(o)) {
        o->cb(o->aux, vg_xenstore_view(o));
    }
}

static void
watchdog_cb__(struct vg_timer *t, void *o_)
{
    struct vg_xenstore *o = o_;
    char what[sizeof o->busy_what];
    (void)t;

    pthread_mutex_lock(&o->mutex);
    double since = o->busy_since;
    bool stalled = since && vg_monotonic() - since >= VG_XENSTORE_STALL;
    if (stalled) {
        o->stall_seen = true;
        memcpy(what, o->busy_what, sizeof what);
    }
    pthread_mutex_unlock(&o->mutex);
    if (stalled && since != o->stalled_since) {
        o->stalled_since = since;
        free(o->stall_error);
        o->stall_error =
            ofp_xasprintf("xenstored has not answered for %.0f s (%s)",
                          vg_monotonic() - since, what);
        VG_ERR(SUBSYS,
               "%s: guests keep their last xenstore policy; still "
               "waiting",
               o->stall_error);
    }
}

struct vg_xenstore *
vg_xenstore_create(enum vg_xenstore_mode mode, vg_xenstore_changed_cb *cb,
                   void *aux)
{
    struct vg_xenstore *o = ofp_xcalloc(1, sizeof *o);
    o->cb = cb;
    o->aux = aux;
    o->mode = mode;
    o->state = XS_STATE_OFF;
    vg_xs_view_init(&o->view);
    vg_xs_view_init(&o->box_view);
    if (mode == VG_XENSTORE_OFF) {
        return o;
    }

    pthread_mutex_init(&o->mutex, NULL);
    /* The first-view wait below must not stretch if the wall clock is set
     * back meanwhile (NTP stepping it at boot). */
    pthread_condattr_t cattr;
    pthread_condattr_init(&cattr);
    pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
    pthread_cond_init(&o->first, &cattr);
    pthread_condattr_destroy(&cattr);
    o->wake = vg_async_create(wake_cb__, o);
    o->watchdog = vg_timer_create(watchdog_cb__, o);
    vg_timer_start(o->watchdog, VG_XENSTORE_PROBE, VG_XENSTORE_PROBE);

    /* Signals stay with the daemon's thread. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int error = pthread_create(&o->thread, NULL, worker_main__, o);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (error) {
        o->state = XS_STATE_UNREACHABLE;
        o->error = ofp_xasprintf("cannot start the xenstore thread: %s",
                                 strerror(error));
        VG_ERR(SUBSYS, "%s", o->error);
        vg_timer_stop(o->watchdog);
        return o;
    }
    o->joinable = true;
    o->state = XS_STATE_UNREACHABLE;
    o->error = ofp_xstrdup("connecting to xenstored");

    /* The first view is in place before OVSDB's first snapshot reaches the
     * engine, as long as xenstored answers within VG_XENSTORE_STALL. */
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += (time_t)VG_XENSTORE_STALL;
    pthread_mutex_lock(&o->mutex);
    while (!o->box_posted && !o->box_done &&
           !pthread_cond_timedwait(&o->first, &o->mutex, &deadline)) {
        continue;
    }
    pthread_mutex_unlock(&o->mutex);
    take_box__(o);
    return o;
}

void
vg_xenstore_destroy(struct vg_xenstore *o)
{
    if (!o) {
        return;
    }
    if (o->joinable) {
        pthread_mutex_lock(&o->mutex);
        o->quit = true;
        if (o->quit_async) {
            vg_async_send(o->quit_async);
        }
        pthread_mutex_unlock(&o->mutex);

        /* A worker stuck in a request is left behind (the daemon is
         * exiting), with everything it may still touch. */
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += 2;
        if (pthread_timedjoin_np(o->thread, NULL, &deadline)) {
            VG_WARN(SUBSYS, "xenstore thread stuck in a request: not "
                            "waited for");
            pthread_detach(o->thread);
            return;
        }
    }
    vg_async_destroy(o->wake);
    vg_timer_destroy(o->watchdog);
    if (o->mode != VG_XENSTORE_OFF) {
        pthread_mutex_destroy(&o->mutex);
        pthread_cond_destroy(&o->first);
    }
    vg_xs_view_destroy(&o->view);
    vg_xs_view_destroy(&o->box_view);
    free(o->error);
    free(o->box_error);
    free(o->stall_error);
    free(o);
}

const struct vg_xs_view *
vg_xenstore_view(const struct vg_xenstore *o)
{
    return o && o->have_view ? &o->view : NULL;
}

bool
vg_xenstore_active(const struct vg_xenstore *o)
{
    /* Until the worker says otherwise, xenstored may be there. */
    return (o && o->mode != VG_XENSTORE_OFF &&
            (!o->posted || o->state != XS_STATE_OFF));
}

const char *
vg_xenstore_state(const struct vg_xenstore *o, const char **error)
{
    *error = o ? o->error : NULL;
    if (o && o->stalled_since) {
        *error = o->stall_error;
        return "stalled";
    }
    switch (o ? o->state : XS_STATE_OFF) {
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
