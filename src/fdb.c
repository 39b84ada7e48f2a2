/* NORMAL's MAC table through ovs-vswitchd's control socket (see fdb.h).
 *
 * An operation is one short unixctl connection: fdb/show, then fdb/add and
 * fdb/del for each entry to remove (all sent at once: ovs-vswitchd answers
 * them in order), or fdb/flush, then the connection is closed.  Facts from
 * Open vSwitch 3.1's source: lib/unixctl.c (the socket's name, the request
 * {"method", "params": [strings], "id"} and the reply {"result": text,
 * "error": text, "id"}, an unknown command an error reply "\"fdb/add\" is
 * not a valid command ..."), ofproto/ofproto-dpif.c (fdb/show prints
 * "%5s  %4d  MAC  " and the age "%3d" or "static" under a header line, the
 * port as its number, or its reserved name such as LOCAL; fdb/del removes
 * only static entries; fdb/add turns an existing entry into a static one on
 * the given port) and lib/mac-learning.c. */
#include <config.h>
#include "src/fdb.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ofp/buf.h"
#include "src/jsonrpc.h"
#include "src/log.h"
#include "src/loop.h"
#include "src/policy.h"

#define SUBSYS "fdb"

static struct vg_ratelimit rl = VG_RATELIMIT_INIT(5, 20);

/* fdb/show parsing. */

/* Copies the next whitespace-separated word of '*s' into 'buf' (at most
 * 'size' - 1 bytes) and advances '*s'.  Returns false if there is none or
 * it is too long. */
static bool
next_word__(const char **s, char *buf, size_t size)
{
    const char *p = *s;
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    size_t n = 0;
    while (p[n] && p[n] != ' ' && p[n] != '\t') {
        n++;
    }
    *s = p + n;
    if (!n || n >= size) {
        return false;
    }
    memcpy(buf, p, n);
    buf[n] = '\0';
    return true;
}

/* Parses a decimal number of at most 'max' in 'w'. */
static bool
parse_uint__(const char *w, unsigned long max, unsigned long *vp)
{
    unsigned long v = 0;
    if (!*w) {
        return false;
    }
    for (; *w; w++) {
        if (!isdigit((unsigned char)*w)) {
            return false;
        }
        v = v * 10 + (unsigned long)(*w - '0');
        if (v > max) {
            return false;
        }
    }
    *vp = v;
    return true;
}

/* Parses one entry line 'line' (NUL-terminated, no newline) into 'e'.
 * Returns NULL, or a static description of what is wrong. */
static const char *
parse_line__(const char *line, struct fdb_entry *e)
{
    char port[32], vlan[16], mac[32], age[16], extra[2];
    unsigned long v;

    memset(e, 0, sizeof *e);
    if (!next_word__(&line, port, sizeof port)) {
        return "bad port";
    }
    if (!next_word__(&line, vlan, sizeof vlan) ||
        !parse_uint__(vlan, 4095, &v)) {
        return "bad VLAN";
    }
    e->vlan = (uint16_t)v;
    if (!next_word__(&line, mac, sizeof mac) ||
        !vg_mac_from_string(mac, e->mac)) {
        return "bad MAC";
    }
    if (!next_word__(&line, age, sizeof age)) {
        return "bad age";
    }
    if (!strcmp(age, "static")) {
        e->is_static = true;
    } else if (!parse_uint__(age, UINT32_MAX, &v)) {
        return "bad age";
    }
    while (*line == ' ' || *line == '\t') {
        line++;
    }
    if (*line || next_word__(&line, extra, sizeof extra)) {
        return "extra text after the age";
    }
    if (isdigit((unsigned char)port[0])) {
        if (!parse_uint__(port, UINT32_MAX, &v) || !v) {
            return "bad port number";
        }
        e->ofport = (uint32_t)v;
    } else {
        /* A reserved port's name (LOCAL): not a guest. */
        for (const char *c = port; *c; c++) {
            if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' &&
                *c != '.') {
                return "bad port name";
            }
        }
    }
    return NULL;
}

int
fdb_parse_show(const char *text, struct fdb_entry **entriesp, size_t *np,
               char **errp)
{
    struct fdb_entry *v = NULL;
    size_t n = 0, allocated = 0;
    size_t lineno = 0;
    const char *p = text;

    *entriesp = NULL;
    *np = 0;
    *errp = NULL;
    while (*p) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char *line = ofp_xmalloc(len + 1);
        memcpy(line, p, len);
        line[len] = '\0';
        p += len + (end ? 1 : 0);
        lineno++;

        const char *why = NULL;
        if (strchr(line, '\r')) {
            why = "control characters";
        } else if (lineno == 1) {
            char w[4][8];
            const char *s = line;
            bool ok = true;
            for (int i = 0; i < 4 && ok; i++) {
                ok = next_word__(&s, w[i], sizeof w[i]);
            }
            while (*s == ' ') {
                s++;
            }
            if (!ok || *s || strcmp(w[0], "port") || strcmp(w[1], "VLAN") ||
                strcmp(w[2], "MAC") || strcmp(w[3], "Age")) {
                why = "not the header \"port VLAN MAC Age\"";
            }
        } else if (line[strspn(line, " \t")]) {
            struct fdb_entry e;
            why = parse_line__(line, &e);
            if (!why) {
                if (n == allocated) {
                    allocated = allocated ? 2 * allocated : 64;
                    v = ofp_xrealloc(v, allocated * sizeof *v);
                }
                v[n++] = e;
            }
        }
        if (why) {
            *errp = ofp_xasprintf("fdb/show line %zu: %s: \"%.60s%s\"", lineno,
                                  why, line, len > 60 ? "..." : "");
            free(line);
            free(v);
            return EPROTO;
        }
        free(line);
    }
    if (!lineno) {
        *errp = ofp_xstrdup("fdb/show: empty reply (no header line)");
        return EPROTO;
    }
    *entriesp = v;
    *np = n;
    return 0;
}

int
fdb_ctl_path(const char *rundir, char **pathp, char **errp)
{
    char *pidfile = ofp_xasprintf("%s/ovs-vswitchd.pid", rundir);
    char *path = NULL;
    FILE *f = fopen(pidfile, "r");
    long pid = 0;

    *pathp = NULL;
    if (f) {
        char buf[32];
        if (fgets(buf, sizeof buf, f)) {
            char *end;
            pid = strtol(buf, &end, 10);
            if (end == buf || (*end && *end != '\n') || pid <= 0) {
                pid = 0;
            }
        }
        fclose(f);
    }
    if (pid) {
        path = ofp_xasprintf("%s/ovs-vswitchd.%ld.ctl", rundir, pid);
        if (!access(path, F_OK)) {
            free(pidfile);
            *pathp = path;
            return 0;
        }
        free(path);
    }
    path = ofp_xasprintf("%s/ovs-vswitchd.ctl", rundir);
    if (!access(path, F_OK)) {
        free(pidfile);
        *pathp = path;
        return 0;
    }
    if (pid) {
        *errp = ofp_xasprintf("no control socket %s/ovs-vswitchd.%ld.ctl "
                              "(pid from %s) nor %s",
                              rundir, pid, pidfile, path);
    } else {
        *errp = ofp_xasprintf("no control socket: %s has no pid, and there "
                              "is no %s",
                              pidfile, path);
    }
    free(pidfile);
    free(path);
    return ENOENT;
}

/* Operations. */

struct fdb_op {
    char *bridge;
    struct fdb_port *ports; /* Sorted by ofport; names owned. */
    size_t n_ports;
    fdb_done_cb *cb;
    void *aux;
    char *ctl;              /* Control socket path, or NULL. */
    struct jsonrpc *rpc;    /* NULL once closed. */
    struct vg_timer *timer; /* Timeout, or an early failure's report. */
    size_t n_waiting;       /* fdb/add and fdb/del replies awaited. */
    char *remove_error;     /* Why removing one by one failed, or NULL. */
    bool flushing;          /* fdb/flush sent. */
    char *flush_reason;     /* Why. */
    struct fdb_result res;
    int early_error; /* Failed before the loop ran: reported by */
    char *early_msg; /* the timer. */
};

static int
port_cmp__(const void *a_, const void *b_)
{
    const struct fdb_port *a = a_, *b = b_;
    return a->ofport < b->ofport ? -1 : a->ofport > b->ofport;
}

static void
op_free__(struct fdb_op *op)
{
    jsonrpc_close(op->rpc);
    vg_timer_destroy(op->timer);
    for (size_t i = 0; i < op->n_ports; i++) {
        free((char *)op->ports[i].name);
    }
    free(op->ports);
    free(op->bridge);
    free(op->ctl);
    free(op->remove_error);
    free(op->flush_reason);
    free(op->early_msg);
    free(op);
}

/* Ends 'op': calls back with 'error' and 'msg', and frees it. */
static void
finish__(struct fdb_op *op, int error, const char *msg)
{
    jsonrpc_close(op->rpc);
    op->rpc = NULL;
    op->res.flush_reason = op->flush_reason;
    op->cb(op->aux, error, msg, &op->res);
    op_free__(op);
}

/* Ends 'op' with 'error' and a message made of 'fmt'. */
static void __attribute__((format(printf, 3, 4)))
fail__(struct fdb_op *op, int error, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *msg = ofp_xvasprintf(fmt, args);
    va_end(args);
    finish__(op, error, msg);
    free(msg);
}

/* The text of a unixctl error reply 'error', without its final newline,
 * malloc'd. */
static char *
error_text__(struct json_object *error)
{
    const char *s = json_object_is_type(error, json_type_string)
                        ? json_object_get_string(error)
                        : json_object_to_json_string(error);
    size_t len = strlen(s);
    while (len && (s[len - 1] == '\n' || s[len - 1] == ' ')) {
        len--;
    }
    return ofp_xasprintf("%.*s", (int)(len > 200 ? 200 : len), s);
}

/* A JSON array of the strings among 'a', 'b', 'c', 'd' up to the first
 * NULL: a unixctl request's params. */
static struct json_object *
strings__(const char *a, const char *b, const char *c, const char *d)
{
    struct json_object *params = json_object_new_array();
    const char *v[] = { a, b, c, d };
    for (size_t i = 0; i < 4 && v[i]; i++) {
        json_object_array_add(params, json_object_new_string(v[i]));
    }
    return params;
}

/* The reply to fdb/flush ends the operation. */
static void
flush_reply__(struct jsonrpc *rpc, struct json_object *result,
              struct json_object *error, void *op_)
{
    struct fdb_op *op = op_;
    (void)rpc;
    (void)result;
    if (error) {
        char *text = error_text__(error);
        fail__(op, EIO, "fdb/flush %s: %s (after: %s)", op->bridge, text,
               op->flush_reason);
        free(text);
        return;
    }
    op->res.flushed = true;
    finish__(op, 0, NULL);
}

/* Flushes the bridge's whole table, because of 'reason' (copied), a
 * failure if 'degraded'. */
static void
flush__(struct fdb_op *op, const char *reason, bool degraded)
{
    op->flushing = true;
    op->res.degraded = degraded;
    free(op->flush_reason);
    op->flush_reason = ofp_xstrdup(reason);
    if (jsonrpc_send_request(op->rpc, "fdb/flush",
                             strings__(op->bridge, NULL, NULL, NULL),
                             flush_reply__, op) < 0) {
        fail__(op, ECONNRESET, "%s: connection lost", op->ctl);
    }
}

/* One fdb/add or fdb/del reply has arrived. */
static void
remove_step__(struct fdb_op *op)
{
    if (--op->n_waiting) {
        return;
    }
    if (op->remove_error) {
        char *reason = op->remove_error;
        op->remove_error = NULL;
        flush__(op, reason, true);
        free(reason);
    } else {
        finish__(op, 0, NULL);
    }
}

/* A reply to fdb/add: an error reply (an unknown command on an Open
 * vSwitch before 2.16) means the bridge must be flushed instead. */
static void
add_reply__(struct jsonrpc *rpc, struct json_object *result,
            struct json_object *error, void *op_)
{
    struct fdb_op *op = op_;
    (void)rpc;
    (void)result;
    if (error && !op->remove_error) {
        char *text = error_text__(error);
        if (strstr(text, "is not a valid command")) {
            op->remove_error = ofp_xasprintf(
                "this Open vSwitch has no fdb/add and fdb/del (2.16 and "
                "later have them)");
        } else {
            op->remove_error = ofp_xasprintf("fdb/add: %s", text);
        }
        free(text);
    }
    remove_step__(op);
}

/* A reply to fdb/del: an entry removed, or a reason to flush. */
static void
del_reply__(struct jsonrpc *rpc, struct json_object *result,
            struct json_object *error, void *op_)
{
    struct fdb_op *op = op_;
    (void)rpc;
    (void)result;
    if (!error) {
        op->res.n_removed++;
    } else if (!op->remove_error) {
        /* After a failed fdb/add, fdb/del fails too: that one counts.
         * "could not find static mac entry" after a successful fdb/add:
         * someone else removed it in between, which is as good. */
        char *text = error_text__(error);
        if (!strstr(text, "could not find")) {
            op->remove_error = ofp_xasprintf("fdb/del: %s", text);
        }
        free(text);
    }
    remove_step__(op);
}

/* The entry 'e' is on one of the ports of 'op' and is not that port's own
 * MAC: returns the port, else NULL. */
static const struct fdb_port *
foreign__(const struct fdb_op *op, const struct fdb_entry *e)
{
    struct fdb_port key = { .ofport = e->ofport };
    const struct fdb_port *p;
    if (!e->ofport || !op->n_ports) {
        return NULL;
    }
    p = bsearch(&key, op->ports, op->n_ports, sizeof *op->ports, port_cmp__);
    return p && (!p->has_mac || memcmp(p->mac, e->mac, 6)) ? p : NULL;
}

/* The reply to fdb/show: sends fdb/add and fdb/del for every foreign entry
 * on the operation's ports (or fdb/flush), or ends the operation if there
 * is none. */
static void
show_reply__(struct jsonrpc *rpc, struct json_object *result,
             struct json_object *error, void *op_)
{
    struct fdb_op *op = op_;
    (void)rpc;

    if (error) {
        char *text = error_text__(error);
        fail__(op, EIO, "fdb/show %s: %s", op->bridge, text);
        free(text);
        return;
    }
    if (!json_object_is_type(result, json_type_string)) {
        fail__(op, EPROTO, "fdb/show %s: the reply is not a string",
               op->bridge);
        return;
    }

    struct fdb_entry *v;
    size_t n;
    char *err;
    if (fdb_parse_show(json_object_get_string(result), &v, &n, &err)) {
        /* Whatever this Open vSwitch prints, a flush removes the entries. */
        char *reason = ofp_xasprintf("reply not understood: %s", err);
        free(err);
        vg_log_rl(&rl, SUBSYS, VG_LOG_WARN, "bridge %s: %s", op->bridge,
                  reason);
        flush__(op, reason, true);
        free(reason);
        return;
    }
    op->res.n_entries = n;

    size_t n_remove = 0;
    for (size_t i = 0; i < n; i++) {
        n_remove += foreign__(op, &v[i]) != NULL;
    }
    if (n_remove > FDB_MAX_REMOVE) {
        char *reason = ofp_xasprintf("%zu entries to remove", n_remove);
        flush__(op, reason, false);
        free(reason);
    } else if (!n_remove) {
        free(v);
        finish__(op, 0, NULL);
        return;
    } else {
        for (size_t i = 0; i < n && op->rpc; i++) {
            const struct fdb_port *p = foreign__(op, &v[i]);
            if (!p) {
                continue;
            }
            char vlan[8], mac[18];
            const uint8_t *m = v[i].mac;
            snprintf(vlan, sizeof vlan, "%u", (unsigned)v[i].vlan);
            snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", m[0],
                     m[1], m[2], m[3], m[4], m[5]);
            VG_DBG(SUBSYS, "bridge %s: removing %s VLAN %s from port %s",
                   op->bridge, mac, vlan, p->name);
            op->n_waiting += 2;
            if (jsonrpc_send_request(op->rpc, "fdb/add",
                                     strings__(op->bridge, p->name, vlan, mac),
                                     add_reply__, op) < 0 ||
                jsonrpc_send_request(op->rpc, "fdb/del",
                                     strings__(op->bridge, vlan, mac, NULL),
                                     del_reply__, op) < 0) {
                free(v);
                fail__(op, ECONNRESET, "%s: connection lost", op->ctl);
                return;
            }
        }
    }
    free(v);
}

/* The control socket connection failed or was closed before the end. */
static void
closed__(struct jsonrpc *rpc, int error, const char *reason, void *op_)
{
    struct fdb_op *op = op_;
    (void)rpc;
    fail__(op, error ? error : ECONNRESET, "%s: %s", op->ctl, reason);
}

/* The operation's time is up, or it failed before the loop ran. */
static void
timer_cb__(struct vg_timer *t, void *op_)
{
    struct fdb_op *op = op_;
    (void)t;
    if (op->early_error) {
        fail__(op, op->early_error, "%s", op->early_msg);
    } else {
        fail__(op, ETIMEDOUT, "%s: no answer within %g s%s", op->ctl,
               FDB_TIMEOUT, op->flushing ? " to fdb/flush" : "");
    }
}

struct fdb_op *
fdb_clean(const char *rundir, const char *bridge, const struct fdb_port *ports,
          size_t n, fdb_done_cb *cb, void *aux)
{
    static const struct jsonrpc_class class = { .closed = closed__ };
    struct fdb_op *op = ofp_xcalloc(1, sizeof *op);
    char *err = NULL;

    op->bridge = ofp_xstrdup(bridge);
    op->ports = ofp_xcalloc(n ? n : 1, sizeof *op->ports);
    for (size_t i = 0; i < n; i++) {
        op->ports[i] = ports[i];
        op->ports[i].name = ofp_xstrdup(ports[i].name);
    }
    op->n_ports = n;
    qsort(op->ports, n, sizeof *op->ports, port_cmp__);
    op->cb = cb;
    op->aux = aux;
    op->timer = vg_timer_create(timer_cb__, op);

    int error = fdb_ctl_path(rundir, &op->ctl, &err);
    if (!error) {
        char *remote = ofp_xasprintf("unix:%s", op->ctl);
        error = jsonrpc_open(remote, &class, op, 0, &op->rpc, &err);
        free(remote);
        if (error) {
            char *msg = ofp_xasprintf("%s: %s", op->ctl, err);
            free(err);
            err = msg;
        }
    }
    if (error) {
        op->early_error = error;
        op->early_msg = err;
        vg_timer_start(op->timer, 0, 0);
        return op;
    }
    jsonrpc_send_request(op->rpc, "fdb/show",
                         strings__(bridge, NULL, NULL, NULL), show_reply__,
                         op);
    vg_timer_start(op->timer, FDB_TIMEOUT, 0);
    return op;
}

void
fdb_cancel(struct fdb_op *op)
{
    if (op) {
        op_free__(op);
    }
}
