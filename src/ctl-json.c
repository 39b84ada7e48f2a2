/* The control protocol's pure half: requests, responses and the JSON form
 * of struct vg_status, in both directions.  See ctl.h.
 *
 * Used by the server (ctl.c) and by vifguard-ctl; no I/O here, so the unit
 * tests and the fuzzer drive it directly.  JSON shapes of the results:
 *   show:    {"version", "uptime", "ovsdb_connected", "xenstore": {"mode",
 *             "state", "error"}, "bridges": [{"name",
 *             "dpid" (16 hex digits), "connected", "fail_mode",
 *             "fail_secure", "trusted", "guests": {"pending", "protected",
 *             "error"}, "foreign_flows_removed", "stp_guests" (guest
 *             ports in the bridge's STP/RSTP), "stp_guest" (the first, or
 *             null), "mcast_snooping", "link_protocol_guests" (guest
 *             ports on which Open vSwitch runs LACP, CFM, BFD or LLDP),
 *             "link_protocol_guest" (the first, or null),
 *             "link_protocols" (its protocols: ["lacp", "lldp"...]),
 *             "in_band" (the remote for which in-band control is on, or
 *             null), "other_controller" (a
 *             controller target not vifguardd's, or null),
 *             "sampler_guests" (guest ports whose address is a
 *             target of the bridge's sFlow, NetFlow or IPFIX),
 *             "sampler_guest" (the first, or null), "sampler" ("KIND
 *             TARGET" of its target, or null),
 *             "mirror_guests" (guest
 *             ports that get a port mirror's copies), "mirror_guest" (the
 *             first, or null), "mirror_name" (the mirror that copies to
 *             it, or null)}], "attach_bridges"
 *             (patterns, null if off),
 *             "attach": [{"bridge", "state", "attempts", "failures",
 *             "error", "retry_in"}]}
 *   vifs:    [{"bridge", "name", "ofport", "mac", "mode", "ipv4": [],
 *             "ipv6": [], "state", "reason", "source", "policy_source"
 *             (the same as "source"), "conflict"}]  (null if absent)
 *   stats:   {"uptime", "ovsdb_connected", "ovsdb_updates",
 *             "ofp_connections", "flow_mods_sent", "bundles_committed",
 *             "bundles_failed", "ofp_errors", "foreign_flows_removed",
 *             "mac_entries_removed", "mac_table_flushes",
 *             "loop_iterations",
 *             "plug_latency", "noflood_latency" and "commit_latency":
 *             {"count", "sum", "max", "p50", "p99",
 *             "buckets": [VG_LAT_BUCKETS counts]}}
 *   version: {"version"}
 *   wait:    {"protected": [the ports, as asked]} */
#include <config.h>
#include "src/ctl.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/buf.h"
#include "src/log.h"
#include "src/model.h"
#include "src/status.h"

/* Deepest JSON nesting accepted in a request. */
#define CTL_MAX_DEPTH 16

static const char *const command_names[CTL_N_COMMANDS] = {
    [CTL_SHOW] = "show",       [CTL_VIFS] = "vifs", [CTL_STATS] = "stats",
    [CTL_VERSION] = "version", [CTL_WAIT] = "wait",
};

const char *
ctl_command_name(enum ctl_command cmd)
{
    return (unsigned int)cmd < CTL_N_COMMANDS ? command_names[cmd] : "?";
}

bool
ctl_command_from_name(const char *name, enum ctl_command *cmd)
{
    for (int i = 0; i < CTL_N_COMMANDS; i++) {
        if (!strcmp(name, command_names[i])) {
            *cmd = (enum ctl_command)i;
            return true;
        }
    }
    return false;
}

/* Returns 'len' bytes of 's' in double quotes, at most 64 of them, with
 * unprintable bytes escaped, for error messages (malloc'd). */
static char *
quote__(const char *s, size_t len)
{
    struct ofp_buf b;
    ofp_buf_init(&b);
    ofp_buf_put_char(&b, '"');
    for (size_t i = 0; i < len && i < 64; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            ofp_buf_put_format(&b, "\\%c", c);
        } else if (c < 0x20 || c >= 0x7f) {
            ofp_buf_put_format(&b, "\\x%02x", c);
        } else {
            ofp_buf_put_char(&b, (char)c);
        }
    }
    ofp_buf_put_cstr(&b, len > 64 ? "\"..." : "\"");
    return ofp_buf_steal_cstr(&b);
}

void
ctl_request_destroy(struct ctl_request *r)
{
    if (r) {
        for (size_t i = 0; i < r->n_ports; i++) {
            free(r->ports[i]);
        }
        free(r->ports);
        memset(r, 0, sizeof *r);
    }
}

/* Parses the "args" 'args' (an array or NULL) of command 'r->command' into
 * 'r'.  Returns NULL, or an error message (malloc'd). */
static char *
parse_args__(struct ctl_request *r, struct json_object *args)
{
    size_t n = args ? json_object_array_length(args) : 0;

    if (r->command != CTL_WAIT) {
        return n ? ofp_xasprintf("command \"%s\" takes no arguments",
                                 ctl_command_name(r->command))
                 : NULL;
    }
    if (!n) {
        return ofp_xstrdup("command \"wait\" needs at least one port name in "
                           "\"args\"");
    }
    if (n > CTL_MAX_WAIT_PORTS) {
        return ofp_xasprintf("command \"wait\" takes at most %d port names "
                             "(got %zu)",
                             CTL_MAX_WAIT_PORTS, n);
    }
    r->ports = ofp_xcalloc(n, sizeof *r->ports);
    for (size_t i = 0; i < n; i++) {
        struct json_object *a = json_object_array_get_idx(args, i);
        if (!json_object_is_type(a, json_type_string)) {
            return ofp_xasprintf("\"args\"[%zu] is not a string (a port "
                                 "name)",
                                 i);
        }
        const char *name = json_object_get_string(a);
        size_t len = (size_t)json_object_get_string_len(a);
        if (!len || strlen(name) != len) {
            return ofp_xasprintf("\"args\"[%zu] is not a port name (%s)", i,
                                 len ? "NUL byte" : "empty");
        }
        r->ports[r->n_ports++] = ofp_xstrdup(name);
    }
    return NULL;
}

/* Parses the "timeout" 'member' (or NULL) of request 'r'.  Returns NULL, or
 * an error message (malloc'd). */
static char *
parse_timeout__(struct ctl_request *r, struct json_object *member)
{
    r->timeout = CTL_DEFAULT_WAIT;
    if (!member) {
        return NULL;
    }
    if (r->command != CTL_WAIT) {
        return ofp_xasprintf("command \"%s\" takes no \"timeout\"",
                             ctl_command_name(r->command));
    }
    if (!json_object_is_type(member, json_type_int) &&
        !json_object_is_type(member, json_type_double)) {
        return ofp_xstrdup("\"timeout\" is not a number");
    }
    double t = json_object_get_double(member);
    if (!(t > 0 && t <= CTL_MAX_WAIT)) {
        return ofp_xasprintf("\"timeout\" %s out of range (0 < timeout <= "
                             "%g seconds)",
                             json_object_to_json_string(member), CTL_MAX_WAIT);
    }
    r->timeout = t;
    return NULL;
}

int
ctl_parse_request(const char *req, size_t len, struct ctl_request *r,
                  char **errp)
{
    struct json_tokener *tok;
    struct json_object *obj, *member;
    int error = EINVAL;

    memset(r, 0, sizeof *r);
    *errp = NULL;
    if (len > CTL_MAX_REQUEST) {
        *errp = ofp_xasprintf("request too long (%zu bytes, at most %d)", len,
                              CTL_MAX_REQUEST);
        return EINVAL;
    }
    if (memchr(req, '\0', len)) {
        *errp = ofp_xstrdup("request is not JSON: NUL byte");
        return EINVAL;
    }

    /* json-c needs the terminating NUL to finish a number at the end. */
    char *copy = ofp_xmalloc(len + 1);
    memcpy(copy, req, len);
    copy[len] = '\0';
    tok = json_tokener_new_ex(CTL_MAX_DEPTH);
    obj = json_tokener_parse_ex(tok, copy, (int)len + 1);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    free(copy);
    if (jerr == json_tokener_continue ||
        jerr == json_tokener_error_parse_eof) {
        *errp = ofp_xstrdup("request is not JSON: incomplete value");
        goto out;
    } else if (jerr != json_tokener_success) {
        *errp = ofp_xasprintf("request is not JSON: %s",
                              json_tokener_error_desc(jerr));
        goto out;
    }
    for (size_t i = end; i < len; i++) {
        if (req[i] != ' ' && req[i] != '\t' && req[i] != '\r') {
            *errp = ofp_xstrdup("request is not JSON: trailing garbage after "
                                "the value");
            goto out;
        }
    }
    if (!json_object_is_type(obj, json_type_object)) {
        *errp = ofp_xstrdup("request is not a JSON object (expected "
                            "{\"command\": NAME, \"args\": []})");
        goto out;
    }

    if (!json_object_object_get_ex(obj, "command", &member)) {
        *errp = ofp_xstrdup("request has no \"command\"");
        goto out;
    }
    if (!json_object_is_type(member, json_type_string)) {
        *errp = ofp_xstrdup("\"command\" is not a string");
        goto out;
    }
    const char *name = json_object_get_string(member);
    size_t name_len = (size_t)json_object_get_string_len(member);
    if (strlen(name) != name_len ||
        !ctl_command_from_name(name, &r->command)) {
        char *q = quote__(name, name_len);
        *errp = ofp_xasprintf("unknown command %s (expected show, vifs, "
                              "stats, version or wait)",
                              q);
        free(q);
        goto out;
    }

    json_object_object_foreach(obj, key, val)
    {
        (void)val;
        if (strcmp(key, "command") && strcmp(key, "args") &&
            strcmp(key, "timeout")) {
            char *q = quote__(key, strlen(key));
            *errp = ofp_xasprintf("unknown request member %s (expected "
                                  "\"command\", \"args\" and \"timeout\")",
                                  q);
            free(q);
            goto out;
        }
    }
    if (json_object_object_get_ex(obj, "args", &member) && member &&
        !json_object_is_type(member, json_type_array)) {
        *errp = ofp_xstrdup("\"args\" is not an array");
        goto out;
    }
    *errp = parse_args__(r, member);
    if (!*errp) {
        json_object_object_get_ex(obj, "timeout", &member);
        *errp = parse_timeout__(r, member);
    }
    if (!*errp) {
        error = 0;
    }

out:
    if (error) {
        ctl_request_destroy(r);
    }
    json_object_put(obj);
    json_tokener_free(tok);
    return error;
}

char *
ctl_format_request(const struct ctl_request *r)
{
    struct json_object *req = json_object_new_object();
    struct json_object *args = json_object_new_array();

    json_object_object_add(
        req, "command", json_object_new_string(ctl_command_name(r->command)));
    for (size_t i = 0; i < r->n_ports; i++) {
        json_object_array_add(args, json_object_new_string(r->ports[i]));
    }
    json_object_object_add(req, "args", args);
    if (r->command == CTL_WAIT) {
        json_object_object_add(req, "timeout",
                               json_object_new_double(r->timeout));
    }
    char *s = ofp_xstrdup(json_object_to_json_string_ext(
        req, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(req);
    return s;
}

static struct json_object *
string_or_null__(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

static struct json_object *
strv_to_json__(char **v, size_t n)
{
    struct json_object *a = json_object_new_array_ext((int)n);
    for (size_t i = 0; i < n; i++) {
        json_object_array_add(a, json_object_new_string(v[i] ? v[i] : ""));
    }
    return a;
}

static void
add__(struct json_object *obj, const char *key, struct json_object *val)
{
    json_object_object_add(obj, key, val);
}

/* Returns a JSON number for 'd' printed with 'decimals' digits after the
 * point (json-c's default prints 17 significant digits). */
static struct json_object *
new_double__(double d, int decimals)
{
    char buf[64];
    if (!(d > -1e15 && d < 1e15)) {
        d = 0; /* NaN, infinities and absurd values. */
    }
    snprintf(buf, sizeof buf, "%.*f", decimals, d);
    return json_object_new_double_s(d, buf);
}

static struct json_object *
show_to_json__(const struct vg_status *st)
{
    struct json_object *obj = json_object_new_object();
    struct json_object *bridges = json_object_new_array();

    add__(obj, "version", json_object_new_string(PACKAGE_VERSION));
    add__(obj, "uptime", new_double__(st->stats.uptime, 3));
    add__(obj, "ovsdb_connected",
          json_object_new_boolean(st->stats.ovsdb_connected));
    if (st->xenstore.state) {
        struct json_object *xj = json_object_new_object();
        add__(xj, "mode", string_or_null__(st->xenstore.mode));
        add__(xj, "state", string_or_null__(st->xenstore.state));
        add__(xj, "error", string_or_null__(st->xenstore.error));
        add__(obj, "xenstore", xj);
    }
    for (size_t i = 0; i < st->n_bridges; i++) {
        const struct vg_bridge_status *b = &st->bridges[i];
        struct json_object *bj = json_object_new_object();
        struct json_object *guests = json_object_new_object();
        char dpid[17];

        snprintf(dpid, sizeof dpid, "%016" PRIx64, b->dpid);
        add__(bj, "name", string_or_null__(b->name));
        add__(bj, "dpid", json_object_new_string(dpid));
        add__(bj, "connected", json_object_new_boolean(b->connected));
        add__(bj, "fail_mode", string_or_null__(b->fail_mode));
        add__(bj, "fail_secure", json_object_new_boolean(b->fail_secure));
        add__(bj, "trusted", json_object_new_uint64(b->n_trusted));
        for (int s = 0; s < 3; s++) {
            add__(guests, vg_port_state_name((enum vg_port_state)s),
                  json_object_new_uint64(b->n_guests[s]));
        }
        add__(bj, "guests", guests);
        add__(bj, "foreign_flows_removed",
              json_object_new_uint64(b->foreign_flows_removed));
        add__(bj, "stp_guests", json_object_new_uint64(b->n_stp_guests));
        add__(bj, "stp_guest", string_or_null__(b->stp_guest));
        add__(bj, "mcast_snooping",
              json_object_new_boolean(b->mcast_snooping));
        add__(bj, "link_protocol_guests",
              json_object_new_uint64(b->n_proto_guests));
        add__(bj, "link_protocol_guest", string_or_null__(b->proto_guest));
        struct json_object *protos = json_object_new_array();
        for (unsigned bit = 1; bit && bit <= b->protos; bit <<= 1) {
            const char *name = vg_link_proto_name(b->protos & bit);
            if (name) {
                json_object_array_add(protos, json_object_new_string(name));
            }
        }
        add__(bj, "link_protocols", protos);
        add__(bj, "in_band", string_or_null__(b->in_band));
        add__(bj, "other_controller", string_or_null__(b->other_controller));
        add__(bj, "sampler_guests",
              json_object_new_uint64(b->n_sampler_guests));
        add__(bj, "sampler_guest", string_or_null__(b->sampler_guest));
        add__(bj, "sampler", string_or_null__(b->sampler));
        add__(bj, "mirror_guests", json_object_new_uint64(b->n_mirror_guests));
        add__(bj, "mirror_guest", string_or_null__(b->mirror_guest));
        add__(bj, "mirror_name", string_or_null__(b->mirror_name));
        json_object_array_add(bridges, bj);
    }
    add__(obj, "bridges", bridges);

    struct json_object *attach = json_object_new_array();
    add__(obj, "attach_bridges", string_or_null__(st->attach_patterns));
    for (size_t i = 0; i < st->n_attach; i++) {
        const struct vg_attach_status *a = &st->attach[i];
        struct json_object *aj = json_object_new_object();
        add__(aj, "bridge", string_or_null__(a->bridge));
        add__(aj, "state", string_or_null__(a->state));
        add__(aj, "attempts", json_object_new_uint64(a->attempts));
        add__(aj, "failures", json_object_new_uint64(a->failures));
        add__(aj, "error", string_or_null__(a->error));
        add__(aj, "retry_in", new_double__(a->retry_in, 1));
        json_object_array_add(attach, aj);
    }
    add__(obj, "attach", attach);
    return obj;
}

static struct json_object *
vifs_to_json__(const struct vg_status *st)
{
    struct json_object *vifs = json_object_new_array();

    for (size_t i = 0; i < st->n_vifs; i++) {
        const struct vg_vif_status *v = &st->vifs[i];
        struct json_object *vj = json_object_new_object();

        add__(vj, "bridge", string_or_null__(v->bridge));
        add__(vj, "name", string_or_null__(v->name));
        add__(vj, "ofport", json_object_new_int64(v->ofport));
        add__(vj, "mac", string_or_null__(v->mac));
        add__(vj, "mode", string_or_null__(v->mode));
        add__(vj, "ipv4", strv_to_json__(v->ipv4, v->n_ipv4));
        add__(vj, "ipv6", strv_to_json__(v->ipv6, v->n_ipv6));
        add__(vj, "state",
              json_object_new_string(vg_port_state_name(v->state)));
        add__(vj, "reason", string_or_null__(v->reason));
        add__(vj, "source", string_or_null__(v->source));
        add__(vj, "policy_source", string_or_null__(v->source));
        add__(vj, "conflict", string_or_null__(v->conflict));
        json_object_array_add(vifs, vj);
    }
    return vifs;
}

static struct json_object *
latency_to_json__(const struct vg_latency *l)
{
    struct json_object *lat = json_object_new_object();
    struct json_object *buckets = json_object_new_array_ext(VG_LAT_BUCKETS);

    add__(lat, "count", json_object_new_uint64(l->count));
    add__(lat, "sum", new_double__(l->sum, 6));
    add__(lat, "max", new_double__(l->max, 6));
    add__(lat, "p50", new_double__(ctl_latency_percentile(l, .5), 6));
    add__(lat, "p99", new_double__(ctl_latency_percentile(l, .99), 6));
    for (int i = 0; i < VG_LAT_BUCKETS; i++) {
        json_object_array_add(buckets, json_object_new_uint64(l->buckets[i]));
    }
    add__(lat, "buckets", buckets);
    return lat;
}

static struct json_object *
stats_to_json__(const struct vg_status *st)
{
    const struct vg_stats *s = &st->stats;
    struct json_object *obj = json_object_new_object();

    add__(obj, "uptime", new_double__(s->uptime, 3));
    add__(obj, "ovsdb_connected", json_object_new_boolean(s->ovsdb_connected));
    add__(obj, "ovsdb_updates", json_object_new_uint64(s->ovsdb_updates));
    add__(obj, "ofp_connections", json_object_new_uint64(s->ofp_connections));
    add__(obj, "flow_mods_sent", json_object_new_uint64(s->flow_mods_sent));
    add__(obj, "bundles_committed",
          json_object_new_uint64(s->bundles_committed));
    add__(obj, "bundles_failed", json_object_new_uint64(s->bundles_failed));
    add__(obj, "ofp_errors", json_object_new_uint64(s->ofp_errors));
    add__(obj, "foreign_flows_removed",
          json_object_new_uint64(s->foreign_flows_removed));
    add__(obj, "mac_entries_removed",
          json_object_new_uint64(s->mac_entries_removed));
    add__(obj, "mac_table_flushes",
          json_object_new_uint64(s->mac_table_flushes));
    add__(obj, "loop_iterations", json_object_new_uint64(s->loop_iterations));

    add__(obj, "plug_latency", latency_to_json__(&s->plug));
    add__(obj, "noflood_latency", latency_to_json__(&s->noflood));
    add__(obj, "commit_latency", latency_to_json__(&s->commit));
    return obj;
}

struct json_object *
ctl_status_to_json(enum ctl_command cmd, const struct vg_status *st)
{
    switch (cmd) {
    case CTL_SHOW:
        return show_to_json__(st);
    case CTL_VIFS:
        return vifs_to_json__(st);
    case CTL_STATS:
        return stats_to_json__(st);
    case CTL_VERSION:
    default: {
        struct json_object *obj = json_object_new_object();
        add__(obj, "version", json_object_new_string(PACKAGE_VERSION));
        return obj;
    }
    }
}

/* Returns the response line for an error 'msg' (malloc'd). */
static char *
error_response__(const char *msg)
{
    struct json_object *resp = json_object_new_object();
    add__(resp, "ok", json_object_new_boolean(false));
    add__(resp, "error", json_object_new_string(msg));
    char *s = ofp_xstrdup(json_object_to_json_string_ext(
        resp, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(resp);
    return s;
}

/* Returns the response line for 'result' (malloc'd); takes it over. */
static char *
ok_response__(struct json_object *result)
{
    struct json_object *resp = json_object_new_object();
    add__(resp, "ok", json_object_new_boolean(true));
    add__(resp, "result", result);
    const char *text = json_object_to_json_string_ext(
        resp, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    char *s = strlen(text) > CTL_MAX_RESPONSE
                  ? error_response__("response too large")
                  : ofp_xstrdup(text);
    json_object_put(resp);
    return s;
}

char *
ctl_execute(const char *req, size_t len, ctl_status_cb *cb, void *aux,
            struct ctl_request **waitp)
{
    struct ctl_request r;
    char *err;

    if (ctl_parse_request(req, len, &r, &err)) {
        char *resp = error_response__(err);
        free(err);
        return resp;
    }
    if (r.command == CTL_WAIT) {
        if (!waitp) {
            ctl_request_destroy(&r);
            return error_response__("\"wait\" is not available here");
        }
        *waitp = ofp_xmalloc(sizeof **waitp);
        **waitp = r;
        return NULL;
    }

    enum ctl_command cmd = r.command;
    struct vg_status status;
    memset(&status, 0, sizeof status);
    status.summary = cmd != CTL_VIFS;
    if (cmd != CTL_VERSION && cb) {
        cb(aux, &status);
    }
    struct json_object *result = ctl_status_to_json(cmd, &status);
    vg_status_destroy(&status);
    if (cmd == CTL_STATS) {
        struct json_object *log = json_object_new_object();
        add__(log, "errors", json_object_new_uint64(vg_log_count(VG_LOG_ERR)));
        add__(log, "warnings",
              json_object_new_uint64(vg_log_count(VG_LOG_WARN)));
        add__(result, "log", log);
    }
    return ok_response__(result);
}

/* Ports listed at most in a timeout message. */
#define WAIT_LIST_MAX 16

char *
ctl_wait_response(const struct ctl_request *r, ctl_port_state_cb *cb,
                  void *aux, bool timed_out)
{
    struct ofp_buf msg;
    size_t n_waiting = 0;
    char *resp = NULL;

    ofp_buf_init(&msg);
    for (size_t i = 0; i < r->n_ports; i++) {
        const char *reason = NULL;
        int state = cb(aux, r->ports[i], &reason);
        if (state == VG_PORT_PROTECTED) {
            continue;
        }
        if (state == VG_PORT_ERROR) {
            char *m = ofp_xasprintf("port %s is held closed: %s", r->ports[i],
                                    reason ? reason : "error");
            resp = error_response__(m);
            free(m);
            goto out;
        }
        if (++n_waiting <= WAIT_LIST_MAX && timed_out) {
            /* Only then: this runs at every loop iteration otherwise. */
            ofp_buf_put_format(&msg, "%s %s (%s)", n_waiting > 1 ? "," : "",
                               r->ports[i],
                               state < 0 ? "unknown: no guest port of that "
                                           "name yet"
                               : reason  ? reason
                                         : "pending");
        }
    }
    if (!n_waiting) {
        struct json_object *result = json_object_new_object();
        struct json_object *names = json_object_new_array();
        for (size_t i = 0; i < r->n_ports; i++) {
            json_object_array_add(names, json_object_new_string(r->ports[i]));
        }
        add__(result, "protected", names);
        resp = ok_response__(result);
    } else if (timed_out) {
        if (n_waiting > WAIT_LIST_MAX) {
            ofp_buf_put_format(&msg, " and %zu more",
                               n_waiting - WAIT_LIST_MAX);
        }
        char *m = ofp_xasprintf("timed out after %g s; not protected:%s",
                                r->timeout, ofp_buf_cstr(&msg));
        resp = error_response__(m);
        free(m);
    }
out:
    ofp_buf_uninit(&msg);
    return resp;
}

/* Helpers of ctl_status_from_json(): each looks up 'key' in 'obj' and, if
 * present and not null, converts it; a value of the wrong type sets
 * '*errp' (once) and leaves the destination alone. */
struct from_json {
    char *err;         /* First error, or NULL. */
    const char *where; /* Context for messages, e.g. "vifs[3]". */
};

static struct json_object *
get__(struct from_json *fj, const struct json_object *obj, const char *key,
      enum json_type type)
{
    struct json_object *val;
    if (!json_object_object_get_ex(obj, key, &val) || !val) {
        return NULL;
    }
    if (json_object_is_type(val, type) ||
        (type == json_type_double &&
         json_object_is_type(val, json_type_int))) {
        return val;
    }
    if (!fj->err) {
        fj->err =
            ofp_xasprintf("%s: \"%s\" has the wrong type", fj->where, key);
    }
    return NULL;
}

static char *
get_string__(struct from_json *fj, const struct json_object *obj,
             const char *key)
{
    struct json_object *val = get__(fj, obj, key, json_type_string);
    return val ? ofp_xstrdup(json_object_get_string(val)) : NULL;
}

static bool
get_bool__(struct from_json *fj, const struct json_object *obj,
           const char *key)
{
    struct json_object *val = get__(fj, obj, key, json_type_boolean);
    return val && json_object_get_boolean(val);
}

static uint64_t
get_u64__(struct from_json *fj, const struct json_object *obj, const char *key)
{
    struct json_object *val = get__(fj, obj, key, json_type_int);
    return val ? json_object_get_uint64(val) : 0;
}

static double
get_double__(struct from_json *fj, const struct json_object *obj,
             const char *key)
{
    struct json_object *val = get__(fj, obj, key, json_type_double);
    return val ? json_object_get_double(val) : 0;
}

static void
get_strv__(struct from_json *fj, const struct json_object *obj,
           const char *key, char ***vp, size_t *np)
{
    struct json_object *val = get__(fj, obj, key, json_type_array);
    size_t n = val ? json_object_array_length(val) : 0;

    *vp = NULL;
    *np = 0;
    if (!n) {
        return;
    }
    *vp = ofp_xcalloc(n, sizeof **vp);
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(val, i);
        if (!json_object_is_type(e, json_type_string)) {
            if (!fj->err) {
                fj->err = ofp_xasprintf("%s: \"%s\" holds a non-string",
                                        fj->where, key);
            }
            continue;
        }
        (*vp)[(*np)++] = ofp_xstrdup(json_object_get_string(e));
    }
}

/* The attach-bridges part of "show". */
static void
attach_from_json__(struct from_json *fj, const struct json_object *json,
                   struct vg_status *st)
{
    st->attach_patterns = get_string__(fj, json, "attach_bridges");
    struct json_object *attach = get__(fj, json, "attach", json_type_array);
    size_t n = attach ? json_object_array_length(attach) : 0;
    if (!n) {
        return;
    }
    st->attach = ofp_xcalloc(n, sizeof *st->attach);
    for (size_t i = 0; i < n; i++) {
        struct json_object *aj = json_object_array_get_idx(attach, i);
        struct vg_attach_status *a = &st->attach[st->n_attach];
        if (!json_object_is_type(aj, json_type_object)) {
            continue;
        }
        st->n_attach++;
        a->bridge = get_string__(fj, aj, "bridge");
        a->state = get_string__(fj, aj, "state");
        a->attempts = get_u64__(fj, aj, "attempts");
        a->failures = get_u64__(fj, aj, "failures");
        a->error = get_string__(fj, aj, "error");
        a->retry_in = get_double__(fj, aj, "retry_in");
    }
}

static void
show_from_json__(struct from_json *fj, const struct json_object *json,
                 struct vg_status *st)
{
    st->stats.uptime = get_double__(fj, json, "uptime");
    st->stats.ovsdb_connected = get_bool__(fj, json, "ovsdb_connected");
    attach_from_json__(fj, json, st);
    struct json_object *xj = get__(fj, json, "xenstore", json_type_object);
    if (xj) {
        st->xenstore.mode = get_string__(fj, xj, "mode");
        st->xenstore.state = get_string__(fj, xj, "state");
        st->xenstore.error = get_string__(fj, xj, "error");
    }

    struct json_object *bridges = get__(fj, json, "bridges", json_type_array);
    size_t n = bridges ? json_object_array_length(bridges) : 0;
    if (!n) {
        return;
    }
    st->bridges = ofp_xcalloc(n, sizeof *st->bridges);
    for (size_t i = 0; i < n; i++) {
        struct json_object *bj = json_object_array_get_idx(bridges, i);
        struct vg_bridge_status *b = &st->bridges[st->n_bridges];
        if (!json_object_is_type(bj, json_type_object)) {
            continue;
        }
        st->n_bridges++;
        b->name = get_string__(fj, bj, "name");
        char *dpid = get_string__(fj, bj, "dpid");
        if (dpid) {
            b->dpid = strtoull(dpid, NULL, 16);
            free(dpid);
        }
        b->connected = get_bool__(fj, bj, "connected");
        b->fail_mode = get_string__(fj, bj, "fail_mode");
        b->fail_secure = get_bool__(fj, bj, "fail_secure");
        b->n_trusted = get_u64__(fj, bj, "trusted");
        struct json_object *guests = get__(fj, bj, "guests", json_type_object);
        for (int s = 0; guests && s < 3; s++) {
            b->n_guests[s] = get_u64__(
                fj, guests, vg_port_state_name((enum vg_port_state)s));
        }
        b->foreign_flows_removed = get_u64__(fj, bj, "foreign_flows_removed");
        b->n_stp_guests = get_u64__(fj, bj, "stp_guests");
        b->stp_guest = get_string__(fj, bj, "stp_guest");
        b->mcast_snooping = get_bool__(fj, bj, "mcast_snooping");
        b->n_proto_guests = get_u64__(fj, bj, "link_protocol_guests");
        b->proto_guest = get_string__(fj, bj, "link_protocol_guest");
        char **protos = NULL;
        size_t n_protos = 0;
        get_strv__(fj, bj, "link_protocols", &protos, &n_protos);
        for (size_t k = 0; k < n_protos; k++) {
            b->protos |= vg_link_proto_from_name(protos[k]);
            free(protos[k]);
        }
        free(protos);
        b->in_band = get_string__(fj, bj, "in_band");
        b->other_controller = get_string__(fj, bj, "other_controller");
        b->n_sampler_guests = get_u64__(fj, bj, "sampler_guests");
        b->sampler_guest = get_string__(fj, bj, "sampler_guest");
        b->sampler = get_string__(fj, bj, "sampler");
        b->n_mirror_guests = get_u64__(fj, bj, "mirror_guests");
        b->mirror_guest = get_string__(fj, bj, "mirror_guest");
        b->mirror_name = get_string__(fj, bj, "mirror_name");
    }
}

static void
vifs_from_json__(struct from_json *fj, const struct json_object *json,
                 struct vg_status *st)
{
    if (!json_object_is_type(json, json_type_array)) {
        fj->err = ofp_xstrdup("vifs: not an array");
        return;
    }
    size_t n = json_object_array_length(json);
    if (!n) {
        return;
    }
    st->vifs = ofp_xcalloc(n, sizeof *st->vifs);
    for (size_t i = 0; i < n; i++) {
        struct json_object *vj = json_object_array_get_idx(json, i);
        struct vg_vif_status *v = &st->vifs[st->n_vifs];
        if (!json_object_is_type(vj, json_type_object)) {
            continue;
        }
        st->n_vifs++;
        v->bridge = get_string__(fj, vj, "bridge");
        v->name = get_string__(fj, vj, "name");
        struct json_object *ofport = get__(fj, vj, "ofport", json_type_int);
        v->ofport = ofport ? json_object_get_int64(ofport) : 0;
        v->mac = get_string__(fj, vj, "mac");
        v->mode = get_string__(fj, vj, "mode");
        get_strv__(fj, vj, "ipv4", &v->ipv4, &v->n_ipv4);
        get_strv__(fj, vj, "ipv6", &v->ipv6, &v->n_ipv6);
        char *state = get_string__(fj, vj, "state");
        v->state = VG_PORT_PENDING;
        for (int s = 0; state && s < 3; s++) {
            if (!strcmp(state, vg_port_state_name((enum vg_port_state)s))) {
                v->state = (enum vg_port_state)s;
            }
        }
        free(state);
        v->reason = get_string__(fj, vj, "reason");
        v->source = get_string__(fj, vj, "source");
        v->conflict = get_string__(fj, vj, "conflict");
    }
}

/* Reads the histogram 'key' of stats 'json' into 'l' (left empty if it is
 * missing: an older daemon has no "noflood_latency" or "commit_latency"). */
static void
latency_from_json__(struct from_json *fj, const struct json_object *json,
                    const char *key, struct vg_latency *l)
{
    struct json_object *lat;
    if (!json_object_object_get_ex(json, key, &lat)) {
        return;
    }
    lat = get__(fj, json, key, json_type_object);
    if (!lat) {
        return;
    }
    l->count = get_u64__(fj, lat, "count");
    l->sum = get_double__(fj, lat, "sum");
    l->max = get_double__(fj, lat, "max");
    struct json_object *buckets = get__(fj, lat, "buckets", json_type_array);
    size_t n = buckets ? json_object_array_length(buckets) : 0;
    for (size_t i = 0; i < n && i < VG_LAT_BUCKETS; i++) {
        struct json_object *e = json_object_array_get_idx(buckets, i);
        if (json_object_is_type(e, json_type_int)) {
            l->buckets[i] = json_object_get_uint64(e);
        }
    }
}

static void
stats_from_json__(struct from_json *fj, const struct json_object *json,
                  struct vg_status *st)
{
    struct vg_stats *s = &st->stats;

    s->uptime = get_double__(fj, json, "uptime");
    s->ovsdb_connected = get_bool__(fj, json, "ovsdb_connected");
    s->ovsdb_updates = get_u64__(fj, json, "ovsdb_updates");
    s->ofp_connections = get_u64__(fj, json, "ofp_connections");
    s->flow_mods_sent = get_u64__(fj, json, "flow_mods_sent");
    s->bundles_committed = get_u64__(fj, json, "bundles_committed");
    s->bundles_failed = get_u64__(fj, json, "bundles_failed");
    s->ofp_errors = get_u64__(fj, json, "ofp_errors");
    s->foreign_flows_removed = get_u64__(fj, json, "foreign_flows_removed");
    s->mac_entries_removed = get_u64__(fj, json, "mac_entries_removed");
    s->mac_table_flushes = get_u64__(fj, json, "mac_table_flushes");
    s->loop_iterations = get_u64__(fj, json, "loop_iterations");

    latency_from_json__(fj, json, "plug_latency", &s->plug);
    latency_from_json__(fj, json, "noflood_latency", &s->noflood);
    latency_from_json__(fj, json, "commit_latency", &s->commit);
}

int
ctl_status_from_json(enum ctl_command cmd, const struct json_object *json,
                     struct vg_status *st, char **errp)
{
    struct from_json fj = { NULL, ctl_command_name(cmd) };

    *errp = NULL;
    if (cmd != CTL_VIFS && !json_object_is_type(json, json_type_object)) {
        *errp = ofp_xasprintf("%s: result is not an object",
                              ctl_command_name(cmd));
        return EINVAL;
    }
    switch (cmd) {
    case CTL_SHOW:
        show_from_json__(&fj, json, st);
        break;
    case CTL_VIFS:
        vifs_from_json__(&fj, json, st);
        break;
    case CTL_STATS:
        stats_from_json__(&fj, json, st);
        break;
    case CTL_VERSION:
    default:
        break;
    }
    if (fj.err) {
        *errp = fj.err;
        return EINVAL;
    }
    return 0;
}

double
ctl_latency_percentile(const struct vg_latency *l, double p)
{
    uint64_t total = 0;
    for (int i = 0; i < VG_LAT_BUCKETS; i++) {
        total += l->buckets[i];
    }
    if (!total || p <= 0) {
        return 0;
    }
    if (p > 1) {
        p = 1;
    }

    double want = p * (double)total;
    uint64_t rank = (uint64_t)want;
    if ((double)rank < want) {
        rank++; /* ceil() without libm. */
    }
    uint64_t seen = 0;
    for (int i = 0; i < VG_LAT_BUCKETS; i++) {
        seen += l->buckets[i];
        if (seen >= rank) {
            if (i == VG_LAT_BUCKETS - 1) {
                return l->max; /* The open-ended bucket. */
            }
            double upper = (double)(UINT64_C(1) << (i + 1)) / 1e6;
            return l->max > 0 && l->max < upper ? l->max : upper;
        }
    }
    return l->max;
}
