/* Unit tests for the control protocol (src/ctl-json.c, src/status.c):
 * request parsing and its errors, the JSON of every command's result,
 * the round trip JSON -> struct vg_status used by vifguard-ctl, and the
 * latency percentiles. */
#include <config.h>

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/buf.h"
#include "src/ctl.h"
#include "src/model.h"
#include "src/status.h"
#include "tests/unit/check.h"

static char **
strv__(const char *a, const char *b)
{
    char **v = ofp_xcalloc(2, sizeof *v);
    v[0] = ofp_xstrdup(a);
    v[1] = b ? ofp_xstrdup(b) : NULL;
    return v;
}

/* A status with two bridges and three guests (status provider for
 * ctl_execute()). */
static void
fake_status__(void *aux, struct vg_status *st)
{
    int *calls = aux;
    if (calls) {
        (*calls)++;
    }

    st->xenstore.mode = ofp_xstrdup("auto");
    st->xenstore.state = ofp_xstrdup("lost");
    st->xenstore.error = ofp_xstrdup("read /xapi: Broken pipe");
    st->n_bridges = 2;
    st->bridges = ofp_xcalloc(2, sizeof *st->bridges);
    st->bridges[0].name = ofp_xstrdup("xenbr0");
    st->bridges[0].dpid = UINT64_C(0xfedcba9876543210);
    st->bridges[0].connected = true;
    st->bridges[0].fail_mode = ofp_xstrdup("secure");
    st->bridges[0].fail_secure = true;
    st->bridges[0].n_trusted = 1;
    st->bridges[0].n_guests[VG_PORT_PENDING] = 0;
    st->bridges[0].n_guests[VG_PORT_PROTECTED] = 2;
    st->bridges[0].n_guests[VG_PORT_ERROR] = 1;
    st->bridges[0].foreign_flows_removed = 5;
    st->bridges[0].n_stp_guests = 2;
    st->bridges[0].stp_guest = ofp_xstrdup("vif1.0");
    st->bridges[0].mcast_snooping = true;
    st->bridges[0].n_proto_guests = 4;
    st->bridges[0].proto_guest = ofp_xstrdup("vif3.0");
    st->bridges[0].protos = VG_LP_LACP | VG_LP_LLDP;
    st->bridges[0].in_band = ofp_xstrdup("tcp:127.0.0.1:6653");
    st->bridges[0].other_controller = ofp_xstrdup("ptcp:6654");
    st->bridges[0].n_sampler_guests = 2;
    st->bridges[0].sampler_guest = ofp_xstrdup("vif4.0");
    st->bridges[0].sampler = ofp_xstrdup("sFlow 10.0.0.12:6343");
    st->bridges[0].n_mirror_guests = 3;
    st->bridges[0].mirror_guest = ofp_xstrdup("vif2.0");
    st->bridges[0].mirror_name = ofp_xstrdup("ids \"tap\"");
    st->bridges[1].name = ofp_xstrdup("xenbr1");
    st->bridges[1].dpid = 0x2a;
    st->bridges[1].fail_mode = ofp_xstrdup("");

    st->n_vifs = 3;
    st->vifs = ofp_xcalloc(3, sizeof *st->vifs);
    struct vg_vif_status *v = &st->vifs[0];
    v->bridge = ofp_xstrdup("xenbr0");
    v->name = ofp_xstrdup("vif1.0");
    v->ofport = 5;
    v->mac = ofp_xstrdup("02:00:00:00:00:01");
    v->mode = ofp_xstrdup("locked");
    v->ipv4 = strv__("10.0.0.1", "10.0.1.0/24");
    v->n_ipv4 = 2;
    v->ipv6 = strv__("2001:db8::1", NULL);
    v->n_ipv6 = 1;
    v->state = VG_PORT_PROTECTED;
    v->source = ofp_xstrdup("xapi");
    v->conflict = ofp_xstrdup("ovsdb also present and ignored: mode "
                              "unlocked");
    v = &st->vifs[1];
    v->bridge = ofp_xstrdup("xenbr0");
    v->name = ofp_xstrdup("vif2.0");
    v->ofport = 6;
    v->mode = ofp_xstrdup("locked");
    v->state = VG_PORT_ERROR;
    v->reason = ofp_xstrdup("vifguard-ipv4: \"10.0.0.300\": not an IPv4 "
                            "address");
    v->source = ofp_xstrdup("ovsdb");
    v = &st->vifs[2];
    v->bridge = ofp_xstrdup("xenbr0");
    v->name = ofp_xstrdup("tap3.0");
    v->ofport = -1;
    v->state = VG_PORT_PENDING;

    struct vg_stats *s = &st->stats;
    s->uptime = 3723.25;
    s->ovsdb_connected = true;
    s->ovsdb_updates = 17;
    s->ofp_connections = 2;
    s->flow_mods_sent = UINT64_C(10000000000);
    s->bundles_committed = 4;
    s->bundles_failed = 1;
    s->ofp_errors = 3;
    s->foreign_flows_removed = 5;
    s->mac_entries_removed = 6;
    s->mac_table_flushes = 1;
    s->plug.count = 100;
    s->plug.buckets[0] = 50;  /* < 2 us */
    s->plug.buckets[10] = 49; /* [1024, 2048) us */
    s->plug.buckets[20] = 1;  /* [1.048576, 2.097152) s */
    s->plug.max = 1.5;
    s->plug.sum = 2.25;
    vg_latency_record(&s->noflood, 3e-3);
    vg_latency_record(&s->noflood, 5e-6);
    vg_latency_record(&s->commit, 1e-3);
    s->loop_iterations = 99;
}

static void
test_state_names(void)
{
    CHECK_STREQ(vg_port_state_name(VG_PORT_PENDING), "pending");
    CHECK_STREQ(vg_port_state_name(VG_PORT_PROTECTED), "protected");
    CHECK_STREQ(vg_port_state_name(VG_PORT_ERROR), "error");
    CHECK_STREQ(vg_port_state_name((enum vg_port_state)7), "unknown");
    vg_status_destroy(NULL);

    struct vg_status st;
    memset(&st, 0, sizeof st);
    vg_status_destroy(&st);
    fake_status__(NULL, &st);
    vg_status_destroy(&st);
    CHECK(st.bridges == NULL && st.n_vifs == 0);

    enum ctl_command cmd;
    CHECK(ctl_command_from_name("show", &cmd) && cmd == CTL_SHOW);
    CHECK(ctl_command_from_name("vifs", &cmd) && cmd == CTL_VIFS);
    CHECK(ctl_command_from_name("stats", &cmd) && cmd == CTL_STATS);
    CHECK(ctl_command_from_name("version", &cmd) && cmd == CTL_VERSION);
    CHECK(!ctl_command_from_name("Show", &cmd));
    CHECK(!ctl_command_from_name("", &cmd));
    CHECK_STREQ(ctl_command_name(CTL_STATS), "stats");
    CHECK_STREQ(ctl_command_name((enum ctl_command)99), "?");
}

static void
parse_ok__(const char *req, enum ctl_command want)
{
    struct ctl_request r;
    char *err = NULL;
    CHECK_EQ(ctl_parse_request(req, strlen(req), &r, &err), 0);
    CHECK(err == NULL);
    CHECK_EQ(r.command, want);
    CHECK_EQ(r.n_ports, 0);
    free(err);
    ctl_request_destroy(&r);
}

static void
parse_error__(const char *req, size_t len, const char *want)
{
    struct ctl_request r;
    char *err = NULL;
    CHECK_EQ(ctl_parse_request(req, len, &r, &err), EINVAL);
    CHECK_STREQ(err, want);
    CHECK(r.ports == NULL && r.n_ports == 0);
    free(err);
}

#define PARSE_ERROR(REQ, WANT) parse_error__(REQ, sizeof REQ - 1, WANT)

static void
test_parse_request(void)
{
    parse_ok__("{\"command\":\"show\",\"args\":[]}", CTL_SHOW);
    parse_ok__("{\"command\":\"vifs\"}", CTL_VIFS);
    parse_ok__(" { \"args\" : null , \"command\" : \"stats\" } \r", CTL_STATS);
    parse_ok__("{\"command\":\"version\",\"args\":[]}\t", CTL_VERSION);

    char *req =
        ctl_format_request(&(struct ctl_request){ .command = CTL_VIFS });
    CHECK_STREQ(req, "{\"command\":\"vifs\",\"args\":[]}");
    parse_ok__(req, CTL_VIFS);
    free(req);

    PARSE_ERROR("", "request is not JSON: incomplete value");
    PARSE_ERROR("{\"command\":", "request is not JSON: incomplete value");
    PARSE_ERROR("show", "request is not JSON: unexpected character");
    PARSE_ERROR("{\"command\":\"show\"} x",
                "request is not JSON: trailing garbage after the value");
    PARSE_ERROR("{\"command\":\"show\"}{}",
                "request is not JSON: trailing garbage after the value");
    PARSE_ERROR("{\"command\":\"show\"}\0", "request is not JSON: NUL byte");
    PARSE_ERROR("[\"show\"]", "request is not a JSON object (expected "
                              "{\"command\": NAME, \"args\": []})");
    PARSE_ERROR("42", "request is not a JSON object (expected {\"command\": "
                      "NAME, \"args\": []})");
    PARSE_ERROR("null", "request is not a JSON object (expected "
                        "{\"command\": NAME, \"args\": []})");
    PARSE_ERROR("{}", "request has no \"command\"");
    PARSE_ERROR("{\"args\":[]}", "request has no \"command\"");
    PARSE_ERROR("{\"command\":1}", "\"command\" is not a string");
    PARSE_ERROR("{\"command\":null}", "\"command\" is not a string");
    PARSE_ERROR("{\"command\":\"bogus\"}",
                "unknown command \"bogus\" (expected show, vifs, stats, "
                "version or wait)");
    PARSE_ERROR("{\"command\":\"SHOW\"}",
                "unknown command \"SHOW\" (expected show, vifs, stats, "
                "version or wait)");
    PARSE_ERROR("{\"command\":\"show\\u0000x\"}",
                "unknown command \"show\\x00x\" (expected show, vifs, stats, "
                "version or wait)");
    PARSE_ERROR("{\"command\":\"\\u0001\\\"\"}",
                "unknown command \"\\x01\\\"\" (expected show, vifs, stats, "
                "version or wait)");
    PARSE_ERROR("{\"command\":\"show\",\"args\":[\"x\"]}",
                "command \"show\" takes no arguments");
    PARSE_ERROR("{\"command\":\"show\",\"args\":{}}",
                "\"args\" is not an array");
    PARSE_ERROR("{\"command\":\"show\",\"args\":\"x\"}",
                "\"args\" is not an array");
    PARSE_ERROR("{\"command\":\"show\",\"verbose\":true}",
                "unknown request member \"verbose\" (expected \"command\", "
                "\"args\" and \"timeout\")");
    PARSE_ERROR("{\"command\":\"show\",\"timeout\":1}",
                "command \"show\" takes no \"timeout\"");

    /* A very long command name is cut in the message. */
    struct ofp_buf b;
    ofp_buf_init(&b);
    ofp_buf_put_cstr(&b, "{\"command\":\"");
    for (int i = 0; i < 100; i++) {
        ofp_buf_put_char(&b, 'a');
    }
    ofp_buf_put_cstr(&b, "\"}");
    char *want = ofp_xasprintf("unknown command \"%.64s\"... (expected show, "
                               "vifs, stats, version or wait)",
                               "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                               "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    parse_error__((const char *)b.data, b.size, want);
    free(want);
    ofp_buf_uninit(&b);

    /* Deep nesting. */
    ofp_buf_init(&b);
    for (int i = 0; i < 1000; i++) {
        ofp_buf_put_char(&b, '[');
    }
    parse_error__((const char *)b.data, b.size,
                  "request is not JSON: nesting too deep");
    ofp_buf_uninit(&b);

    /* Too long. */
    size_t len = CTL_MAX_REQUEST + 1;
    char *big = ofp_xmalloc(len);
    memset(big, ' ', len);
    want = ofp_xasprintf("request too long (%zu bytes, at most %d)", len,
                         CTL_MAX_REQUEST);
    parse_error__(big, len, want);
    free(want);
    /* Exactly the maximum is fine. */
    static const char show[] = "{\"command\":\"show\"}";
    memcpy(big, show, sizeof show - 1);
    struct ctl_request r;
    char *err = NULL;
    CHECK_EQ(ctl_parse_request(big, CTL_MAX_REQUEST, &r, &err), 0);
    CHECK(err == NULL);
    ctl_request_destroy(&r);
    free(big);
}

static char *
to_json__(enum ctl_command cmd, const struct vg_status *st)
{
    struct json_object *j = ctl_status_to_json(cmd, st);
    char *s = ofp_xstrdup(json_object_to_json_string_ext(
        j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(j);
    return s;
}

static void
test_to_json(void)
{
    struct vg_status st;
    char *s;

    memset(&st, 0, sizeof st);
    s = to_json__(CTL_SHOW, &st);
    CHECK_STREQ(s, "{\"version\":\"" PACKAGE_VERSION "\",\"uptime\":0.000,"
                   "\"ovsdb_connected\":false,\"bridges\":[],"
                   "\"attach_bridges\":null,\"attach\":[]}");
    free(s);
    s = to_json__(CTL_VIFS, &st);
    CHECK_STREQ(s, "[]");
    free(s);
    s = to_json__(CTL_VERSION, &st);
    CHECK_STREQ(s, "{\"version\":\"" PACKAGE_VERSION "\"}");
    free(s);

    fake_status__(NULL, &st);
    s = to_json__(CTL_SHOW, &st);
    CHECK_STREQ(s, "{\"version\":\"" PACKAGE_VERSION "\",\"uptime\":3723.250,"
                   "\"ovsdb_connected\":true,\"xenstore\":{\"mode\":"
                   "\"auto\",\"state\":\"lost\",\"error\":\"read /xapi: "
                   "Broken pipe\"},\"bridges\":["
                   "{\"name\":\"xenbr0\",\"dpid\":\"fedcba9876543210\","
                   "\"connected\":true,\"fail_mode\":\"secure\","
                   "\"fail_secure\":true,\"trusted\":1,\"guests\":"
                   "{\"pending\":0,\"protected\":2,\"error\":1},"
                   "\"foreign_flows_removed\":5,\"stp_guests\":2,"
                   "\"stp_guest\":\"vif1.0\",\"mcast_snooping\":true,"
                   "\"link_protocol_guests\":4,"
                   "\"link_protocol_guest\":\"vif3.0\","
                   "\"link_protocols\":[\"lacp\",\"lldp\"],"
                   "\"in_band\":\"tcp:127.0.0.1:6653\","
                   "\"other_controller\":\"ptcp:6654\","
                   "\"sampler_guests\":2,\"sampler_guest\":\"vif4.0\","
                   "\"sampler\":\"sFlow 10.0.0.12:6343\","
                   "\"mirror_guests\":3,\"mirror_guest\":\"vif2.0\","
                   "\"mirror_name\":\"ids \\\"tap\\\"\"},"
                   "{\"name\":\"xenbr1\",\"dpid\":\"000000000000002a\","
                   "\"connected\":false,\"fail_mode\":\"\","
                   "\"fail_secure\":false,\"trusted\":0,\"guests\":"
                   "{\"pending\":0,\"protected\":0,\"error\":0},"
                   "\"foreign_flows_removed\":0,\"stp_guests\":0,"
                   "\"stp_guest\":null,\"mcast_snooping\":false,"
                   "\"link_protocol_guests\":0,"
                   "\"link_protocol_guest\":null,\"link_protocols\":[],"
                   "\"in_band\":null,\"other_controller\":null,"
                   "\"sampler_guests\":0,\"sampler_guest\":null,"
                   "\"sampler\":null,\"mirror_guests\":0,"
                   "\"mirror_guest\":null,\"mirror_name\":null}],"
                   "\"attach_bridges\":null,\"attach\":[]}");
    free(s);

    s = to_json__(CTL_VIFS, &st);
    CHECK_STREQ(s, "[{\"bridge\":\"xenbr0\",\"name\":\"vif1.0\",\"ofport\":5,"
                   "\"mac\":\"02:00:00:00:00:01\",\"mode\":\"locked\","
                   "\"ipv4\":[\"10.0.0.1\",\"10.0.1.0/24\"],"
                   "\"ipv6\":[\"2001:db8::1\"],\"state\":\"protected\","
                   "\"reason\":null,\"source\":\"xapi\",\"policy_source\":"
                   "\"xapi\",\"conflict\":\"ovsdb also present and "
                   "ignored: mode unlocked\"},"
                   "{\"bridge\":\"xenbr0\",\"name\":\"vif2.0\",\"ofport\":6,"
                   "\"mac\":null,\"mode\":\"locked\",\"ipv4\":[],"
                   "\"ipv6\":[],\"state\":\"error\",\"reason\":"
                   "\"vifguard-ipv4: \\\"10.0.0.300\\\": not an IPv4 "
                   "address\",\"source\":\"ovsdb\",\"policy_source\":"
                   "\"ovsdb\",\"conflict\":null},"
                   "{\"bridge\":\"xenbr0\",\"name\":\"tap3.0\",\"ofport\":-1,"
                   "\"mac\":null,\"mode\":null,\"ipv4\":[],\"ipv6\":[],"
                   "\"state\":\"pending\",\"reason\":null,\"source\":null,"
                   "\"policy_source\":null,\"conflict\":null}]");
    free(s);

    s = to_json__(CTL_STATS, &st);
    CHECK_STREQ(s, "{\"uptime\":3723.250,\"ovsdb_connected\":true,"
                   "\"ovsdb_updates\":17,\"ofp_connections\":2,"
                   "\"flow_mods_sent\":10000000000,\"bundles_committed\":4,"
                   "\"bundles_failed\":1,\"ofp_errors\":3,"
                   "\"foreign_flows_removed\":5,\"mac_entries_removed\":6,"
                   "\"mac_table_flushes\":1,"
                   "\"loop_iterations\":99,\"plug_latency\":{\"count\":100,"
                   "\"sum\":2.250000,\"max\":1.500000,\"p50\":0.000002,"
                   "\"p99\":0.002048,\"buckets\":[50,0,0,0,0,0,0,0,0,0,49,0,"
                   "0,0,0,0,0,0,0,0,1,0,0,0]},\"noflood_latency\":"
                   "{\"count\":2,\"sum\":0.003005,\"max\":0.003000,"
                   "\"p50\":0.000008,\"p99\":0.003000,\"buckets\":[0,0,1,0,"
                   "0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0]},"
                   "\"commit_latency\":{\"count\":1,\"sum\":0.001000,"
                   "\"max\":0.001000,\"p50\":0.001000,\"p99\":0.001000,"
                   "\"buckets\":[0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,"
                   "0,0,0]}}");
    free(s);
    vg_status_destroy(&st);
}

static void
test_execute(void)
{
    static const char show[] = "{\"command\":\"show\",\"args\":[]}";
    static const char stats[] = "{\"command\":\"stats\"}";
    static const char version[] = "{\"command\":\"version\"}";
    int calls = 0;
    char *resp;

    resp = ctl_execute(show, sizeof show - 1, fake_status__, &calls, NULL);
    CHECK_EQ(calls, 1);
    CHECK(!strncmp(resp, "{\"ok\":true,\"result\":{\"version\":", 31));
    CHECK(strstr(resp, "\"dpid\":\"fedcba9876543210\"") != NULL);
    CHECK(!strchr(resp, '\n'));
    free(resp);

    resp = ctl_execute(stats, sizeof stats - 1, fake_status__, &calls, NULL);
    CHECK_EQ(calls, 2);
    CHECK(strstr(resp, "\"log\":{\"errors\":") != NULL);
    free(resp);

    resp =
        ctl_execute(version, sizeof version - 1, fake_status__, &calls, NULL);
    CHECK_EQ(calls, 2); /* No status needed. */
    CHECK_STREQ(resp, "{\"ok\":true,\"result\":{\"version\":\"" PACKAGE_VERSION
                      "\"}}");
    free(resp);

    resp = ctl_execute(show, sizeof show - 1, NULL, NULL, NULL);
    CHECK(!strncmp(resp, "{\"ok\":true,", 11));
    free(resp);

    resp = ctl_execute("show", 4, fake_status__, &calls, NULL);
    CHECK_STREQ(resp, "{\"ok\":false,\"error\":\"request is not JSON: "
                      "unexpected character\"}");
    free(resp);
    resp =
        ctl_execute("{\"command\":\"x/y\"}", 17, fake_status__, &calls, NULL);
    CHECK_STREQ(resp, "{\"ok\":false,\"error\":\"unknown command \\\"x/y\\\" "
                      "(expected show, vifs, stats, version or wait)\"}");
    free(resp);
    CHECK_EQ(calls, 2);
}

/* Port states for ctl_wait_response(): "p" protected, "q" pending,
 * "e" error; anything else is unknown. */
static int
fake_port_state__(void *aux, const char *name, const char **reason)
{
    (void)aux;
    *reason = NULL;
    switch (name[0]) {
    case 'p':
        return VG_PORT_PROTECTED;
    case 'q':
        *reason = "waiting for NO_FLOOD";
        return VG_PORT_PENDING;
    case 'e':
        *reason = "bad policy";
        return VG_PORT_ERROR;
    default:
        return -1;
    }
}

/* Parses the "wait" request 'req' and returns its response (or NULL). */
static char *
wait__(const char *req, bool timed_out)
{
    struct ctl_request *w = NULL;
    CHECK(ctl_execute(req, strlen(req), fake_status__, NULL, &w) == NULL);
    CHECK(w != NULL);
    if (!w) {
        return NULL;
    }
    CHECK_EQ(w->command, CTL_WAIT);
    char *resp = ctl_wait_response(w, fake_port_state__, NULL, timed_out);
    ctl_request_destroy(w);
    free(w);
    return resp;
}

static void
test_wait(void)
{
    struct ctl_request r;
    char *err = NULL, *resp;

    /* Parsing and formatting. */
    static const char req[] = "{\"command\":\"wait\",\"args\":[\"vif1.0\","
                              "\"vif2.0\"],\"timeout\":2.5}";
    CHECK_EQ(ctl_parse_request(req, sizeof req - 1, &r, &err), 0);
    CHECK_EQ(r.command, CTL_WAIT);
    CHECK_EQ(r.n_ports, 2);
    CHECK_STREQ(r.ports[1], "vif2.0");
    CHECK(r.timeout == 2.5);
    char *line = ctl_format_request(&r);
    CHECK_STREQ(line, req);
    free(line);
    ctl_request_destroy(&r);
    static const char req2[] = "{\"command\":\"wait\",\"args\":[\"a\"]}";
    CHECK_EQ(ctl_parse_request(req2, sizeof req2 - 1, &r, &err), 0);
    CHECK(r.timeout == CTL_DEFAULT_WAIT);
    ctl_request_destroy(&r);

    PARSE_ERROR("{\"command\":\"wait\"}",
                "command \"wait\" needs at least one port name in \"args\"");
    PARSE_ERROR("{\"command\":\"wait\",\"args\":[]}",
                "command \"wait\" needs at least one port name in \"args\"");
    PARSE_ERROR("{\"command\":\"wait\",\"args\":[\"a\",1]}",
                "\"args\"[1] is not a string (a port name)");
    PARSE_ERROR("{\"command\":\"wait\",\"args\":[\"\"]}",
                "\"args\"[0] is not a port name (empty)");
    PARSE_ERROR("{\"command\":\"wait\",\"args\":[\"a\\u0000b\"]}",
                "\"args\"[0] is not a port name (NUL byte)");
    PARSE_ERROR("{\"command\":\"wait\",\"args\":[\"a\"],\"timeout\":\"5\"}",
                "\"timeout\" is not a number");
    PARSE_ERROR("{\"command\":\"wait\",\"args\":[\"a\"],\"timeout\":0}",
                "\"timeout\" 0 out of range (0 < timeout <= 86400 seconds)");
    PARSE_ERROR("{\"command\":\"wait\",\"args\":[\"a\"],\"timeout\":-1}",
                "\"timeout\" -1 out of range (0 < timeout <= 86400 seconds)");
    PARSE_ERROR("{\"command\":\"wait\",\"args\":[\"a\"],\"timeout\":1e9}",
                "\"timeout\" 1e9 out of range (0 < timeout <= 86400 "
                "seconds)");

    /* Without a way to wait, "wait" is an error, not a hang. */
    resp = ctl_execute(req2, sizeof req2 - 1, fake_status__, NULL, NULL);
    CHECK_STREQ(resp, "{\"ok\":false,\"error\":\"\\\"wait\\\" is not "
                      "available here\"}");
    free(resp);

    /* Answers. */
    resp = wait__("{\"command\":\"wait\",\"args\":[\"p1\",\"p2\"]}", false);
    CHECK_STREQ(resp, "{\"ok\":true,\"result\":{\"protected\":[\"p1\","
                      "\"p2\"]}}");
    free(resp);
    CHECK(wait__("{\"command\":\"wait\",\"args\":[\"p1\",\"q1\"]}", false) ==
          NULL);
    CHECK(wait__("{\"command\":\"wait\",\"args\":[\"x1\"]}", false) == NULL);
    resp = wait__("{\"command\":\"wait\",\"args\":[\"q1\",\"e1\"]}", false);
    CHECK_STREQ(resp, "{\"ok\":false,\"error\":\"port e1 is held closed: bad "
                      "policy\"}");
    free(resp);
    resp = wait__("{\"command\":\"wait\",\"args\":[\"p1\",\"q1\",\"x1\"],"
                  "\"timeout\":3}",
                  true);
    CHECK_STREQ(resp, "{\"ok\":false,\"error\":\"timed out after 3 s; not "
                      "protected: q1 (waiting for NO_FLOOD), x1 (unknown: no "
                      "guest port of that name yet)\"}");
    free(resp);
    /* All protected wins over the timeout. */
    resp = wait__("{\"command\":\"wait\",\"args\":[\"p1\"]}", true);
    CHECK(!strncmp(resp, "{\"ok\":true,", 11));
    free(resp);

    /* A long list is cut. */
    struct ofp_buf b;
    ofp_buf_init(&b);
    ofp_buf_put_cstr(&b, "{\"command\":\"wait\",\"args\":[\"q0\"");
    for (int i = 1; i < 20; i++) {
        ofp_buf_put_format(&b, ",\"q%d\"", i);
    }
    ofp_buf_put_cstr(&b, "]}");
    resp = wait__(ofp_buf_cstr(&b), true);
    CHECK(strstr(resp, "q15 (waiting for NO_FLOOD) and 4 more\"}") != NULL);
    CHECK(strstr(resp, "q16") == NULL);
    free(resp);
    ofp_buf_uninit(&b);
}

/* Converts 'st' to JSON for 'cmd' and back. */
static void
round_trip__(enum ctl_command cmd, const struct vg_status *st,
             struct vg_status *out)
{
    struct json_object *j = ctl_status_to_json(cmd, st);
    char *err = NULL;
    memset(out, 0, sizeof *out);
    CHECK_EQ(ctl_status_from_json(cmd, j, out, &err), 0);
    CHECK(err == NULL);
    free(err);
    json_object_put(j);
}

static void
test_from_json(void)
{
    struct vg_status st, back;

    memset(&st, 0, sizeof st);
    fake_status__(NULL, &st);

    round_trip__(CTL_SHOW, &st, &back);
    CHECK_EQ(back.n_bridges, 2);
    CHECK_STREQ(back.bridges[0].name, "xenbr0");
    CHECK(back.bridges[0].dpid == UINT64_C(0xfedcba9876543210));
    CHECK(back.bridges[0].connected);
    CHECK_STREQ(back.bridges[0].fail_mode, "secure");
    CHECK(back.bridges[0].fail_secure);
    CHECK_EQ(back.bridges[0].n_trusted, 1);
    CHECK_EQ(back.bridges[0].n_guests[VG_PORT_PROTECTED], 2);
    CHECK_EQ(back.bridges[0].n_guests[VG_PORT_ERROR], 1);
    CHECK_EQ(back.bridges[1].dpid, 0x2a);
    CHECK(!back.bridges[1].fail_secure);
    CHECK_EQ(back.bridges[0].n_mirror_guests, 3);
    CHECK_STREQ(back.bridges[0].mirror_guest, "vif2.0");
    CHECK_STREQ(back.bridges[0].mirror_name, "ids \"tap\"");
    CHECK_EQ(back.bridges[1].n_mirror_guests, 0);
    CHECK_STREQ(back.bridges[0].other_controller, "ptcp:6654");
    CHECK(!back.bridges[1].other_controller);
    CHECK(!back.bridges[1].mirror_guest && !back.bridges[1].mirror_name);
    CHECK_EQ(back.bridges[0].n_sampler_guests, 2);
    CHECK_STREQ(back.bridges[0].sampler_guest, "vif4.0");
    CHECK_STREQ(back.bridges[0].sampler, "sFlow 10.0.0.12:6343");
    CHECK(!back.bridges[1].sampler_guest && !back.bridges[1].sampler);
    CHECK_EQ(back.bridges[0].n_proto_guests, 4);
    CHECK_STREQ(back.bridges[0].proto_guest, "vif3.0");
    CHECK_EQ(back.bridges[0].protos, VG_LP_LACP | VG_LP_LLDP);
    CHECK(!back.bridges[1].n_proto_guests && !back.bridges[1].proto_guest &&
          !back.bridges[1].protos);
    CHECK(back.stats.uptime == 3723.25);
    CHECK(back.stats.ovsdb_connected);
    CHECK_STREQ(back.xenstore.mode, "auto");
    CHECK_STREQ(back.xenstore.state, "lost");
    CHECK_STREQ(back.xenstore.error, "read /xapi: Broken pipe");
    vg_status_destroy(&back);

    round_trip__(CTL_VIFS, &st, &back);
    CHECK_EQ(back.n_vifs, 3);
    for (size_t i = 0; i < 3 && i < back.n_vifs; i++) {
        const struct vg_vif_status *a = &st.vifs[i], *b = &back.vifs[i];
        CHECK_STREQ(b->name, a->name);
        CHECK_STREQ(b->bridge, a->bridge);
        CHECK_EQ(b->ofport, a->ofport);
        CHECK((a->mac == NULL) == (b->mac == NULL));
        CHECK((a->reason == NULL) == (b->reason == NULL));
        CHECK_EQ(b->state, a->state);
        CHECK_EQ(b->n_ipv4, a->n_ipv4);
        CHECK_EQ(b->n_ipv6, a->n_ipv6);
    }
    CHECK_STREQ(back.vifs[0].ipv4[1], "10.0.1.0/24");
    CHECK_STREQ(back.vifs[0].ipv6[0], "2001:db8::1");
    CHECK_STREQ(back.vifs[1].reason, st.vifs[1].reason);
    CHECK_STREQ(back.vifs[0].source, "xapi");
    CHECK_STREQ(back.vifs[0].conflict, st.vifs[0].conflict);
    CHECK(back.vifs[1].conflict == NULL);
    vg_status_destroy(&back);

    round_trip__(CTL_STATS, &st, &back);
    CHECK(back.stats.flow_mods_sent == UINT64_C(10000000000));
    CHECK_EQ(back.stats.bundles_failed, 1);
    CHECK_EQ(back.stats.plug.count, 100);
    CHECK_EQ(back.stats.plug.buckets[10], 49);
    CHECK(back.stats.plug.max == 1.5);
    CHECK_EQ(back.stats.noflood.count, 2);
    CHECK_EQ(back.stats.noflood.buckets[2], 1);  /* [4, 8) us */
    CHECK_EQ(back.stats.noflood.buckets[11], 1); /* [2048, 4096) us */
    CHECK(back.stats.noflood.max == 3e-3);
    CHECK_EQ(back.stats.commit.count, 1);
    CHECK_EQ(back.stats.commit.buckets[9], 1); /* [512, 1024) us */
    CHECK_EQ(back.stats.loop_iterations, 99);
    CHECK(ctl_latency_percentile(&back.stats.plug, .99) ==
          ctl_latency_percentile(&st.stats.plug, .99));
    vg_status_destroy(&back);

    round_trip__(CTL_VERSION, &st, &back);
    vg_status_destroy(&back);
    vg_status_destroy(&st);

    /* Wrong types. */
    static const struct {
        enum ctl_command cmd;
        const char *json;
        const char *err;
    } bad[] = {
        { CTL_SHOW, "[]", "show: result is not an object" },
        { CTL_STATS, "1", "stats: result is not an object" },
        { CTL_VIFS, "{}", "vifs: not an array" },
        { CTL_VIFS, "[{\"name\":5}]", "vifs: \"name\" has the wrong type" },
        { CTL_VIFS, "[{\"ipv4\":[1]}]", "vifs: \"ipv4\" holds a non-string" },
        { CTL_VIFS, "[{\"ipv4\":\"x\"}]",
          "vifs: \"ipv4\" has the wrong type" },
        { CTL_SHOW, "{\"bridges\":{}}",
          "show: \"bridges\" has the wrong type" },
        { CTL_SHOW, "{\"bridges\":[{\"connected\":\"yes\"}]}",
          "show: \"connected\" has the wrong type" },
        { CTL_STATS, "{\"uptime\":\"long\"}",
          "stats: \"uptime\" has the wrong type" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct json_object *j = json_tokener_parse(bad[i].json);
        char *err = NULL;
        memset(&back, 0, sizeof back);
        CHECK_EQ(ctl_status_from_json(bad[i].cmd, j, &back, &err), EINVAL);
        CHECK_STREQ(err, bad[i].err);
        free(err);
        vg_status_destroy(&back);
        json_object_put(j);
    }

    /* Missing members and nulls are zeros; other entries are skipped. */
    struct json_object *j = json_tokener_parse(
        "[{\"name\":\"vif1.0\",\"mac\":null,\"state\":\"weird\"},3]");
    char *err = NULL;
    memset(&back, 0, sizeof back);
    CHECK_EQ(ctl_status_from_json(CTL_VIFS, j, &back, &err), 0);
    CHECK_EQ(back.n_vifs, 1);
    CHECK(back.vifs[0].mac == NULL && back.vifs[0].bridge == NULL);
    CHECK_EQ(back.vifs[0].state, VG_PORT_PENDING);
    vg_status_destroy(&back);
    json_object_put(j);
}

/* The attach-bridges part of "show": JSON and back. */
static void
test_attach_status(void)
{
    struct vg_status st, back;

    memset(&st, 0, sizeof st);
    st.attach_patterns = ofp_xstrdup("xenbr*,!xenbr9");
    st.attach = ofp_xcalloc(2, sizeof *st.attach);
    st.n_attach = 2;
    st.attach[0].bridge = ofp_xstrdup("xenbr0");
    st.attach[0].state = ofp_xstrdup("attached");
    st.attach[0].attempts = 2;
    st.attach[1].bridge = ofp_xstrdup("xenbr1");
    st.attach[1].state = ofp_xstrdup("waiting");
    st.attach[1].attempts = 3;
    st.attach[1].failures = 3;
    st.attach[1].error = ofp_xstrdup("exit status 1: xenbr1: no such bridge");
    st.attach[1].retry_in = 3.5;

    char *s = to_json__(CTL_SHOW, &st);
    CHECK(strstr(s, "\"attach_bridges\":\"xenbr*,!xenbr9\",\"attach\":["
                    "{\"bridge\":\"xenbr0\",\"state\":\"attached\","
                    "\"attempts\":2,\"failures\":0,\"error\":null,"
                    "\"retry_in\":0.0},{\"bridge\":\"xenbr1\",") != NULL);
    free(s);

    round_trip__(CTL_SHOW, &st, &back);
    CHECK_STREQ(back.attach_patterns, "xenbr*,!xenbr9");
    CHECK_EQ(back.n_attach, 2);
    CHECK_STREQ(back.attach[0].state, "attached");
    CHECK(back.attach[0].error == NULL);
    CHECK_STREQ(back.attach[1].bridge, "xenbr1");
    CHECK_EQ(back.attach[1].attempts, 3);
    CHECK_EQ(back.attach[1].failures, 3);
    CHECK_STREQ(back.attach[1].error, "exit status 1: xenbr1: no such bridge");
    CHECK(back.attach[1].retry_in == 3.5);
    vg_status_destroy(&back);
    vg_status_destroy(&st);
}

static void
test_percentiles(void)
{
    struct vg_latency s;

    memset(&s, 0, sizeof s);
    CHECK(ctl_latency_percentile(&s, .5) == 0);

    s.buckets[3] = 10; /* [8, 16) us */
    s.max = 12e-6;
    CHECK(ctl_latency_percentile(&s, .5) == 12e-6); /* Capped at max. */
    s.max = 0;
    CHECK(ctl_latency_percentile(&s, .5) == 16e-6); /* No max known. */

    memset(&s, 0, sizeof s);
    s.buckets[0] = 50;
    s.buckets[10] = 49;
    s.buckets[20] = 1;
    s.max = 1.5;
    CHECK(ctl_latency_percentile(&s, .5) == 2e-6);
    CHECK(ctl_latency_percentile(&s, .51) == 2048e-6);
    CHECK(ctl_latency_percentile(&s, .99) == 2048e-6);
    CHECK(ctl_latency_percentile(&s, .995) == 1.5);
    CHECK(ctl_latency_percentile(&s, 1) == 1.5);
    CHECK(ctl_latency_percentile(&s, 7) == 1.5);
    CHECK(ctl_latency_percentile(&s, 0) == 0);

    /* The open-ended last bucket reports the maximum. */
    memset(&s, 0, sizeof s);
    s.buckets[VG_LAT_BUCKETS - 1] = 1;
    s.max = 3600;
    CHECK(ctl_latency_percentile(&s, .5) == 3600);
}

int
main(void)
{
    test_state_names();
    test_parse_request();
    test_to_json();
    test_execute();
    test_wait();
    test_from_json();
    test_attach_status();
    test_percentiles();
    return check_summary();
}
