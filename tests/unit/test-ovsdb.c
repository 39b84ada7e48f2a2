/* Unit tests for the pure parts of the OVSDB client: remote strings, the
 * JSON stream parser (src/jsonrpc.c), OVSDB datums, applying table updates
 * to the replica and building vg_host snapshots (src/ovsdb.c), with
 * well-formed and malformed input. */
#include <config.h>

#include <errno.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "ofp/buf.h"
#include "src/jsonrpc.h"
#include "src/log.h"
#include "src/model.h"
#include "src/ovsdb.h"
#include "tests/unit/check.h"

/* Canned JSON and expected text name rows by placeholders: @NAME stands
 * for the UUID of row NAME, #NAME for ['uuid','<that UUID>']. */

static const struct {
    const char *name;
    const char *uuid;
} uuids[] = {
    { "BR0", "b0000000-0000-0000-0000-000000000000" },
    { "BR1", "b1000000-0000-0000-0000-000000000000" },
    { "BR2", "b2000000-0000-0000-0000-000000000000" },
    { "PBR0", "a0000000-0000-0000-0000-000000000000" },
    { "PVIF", "a1000000-0000-0000-0000-000000000000" },
    { "PBOND", "a2000000-0000-0000-0000-000000000000" },
    { "PBR1", "a3000000-0000-0000-0000-000000000000" },
    { "PX", "a4000000-0000-0000-0000-000000000000" },
    { "IBR0", "10000000-0000-0000-0000-000000000000" },
    { "IVIF", "11000000-0000-0000-0000-000000000000" },
    { "IETH0", "12000000-0000-0000-0000-000000000000" },
    { "IETH1", "13000000-0000-0000-0000-000000000000" },
    { "IBR1", "14000000-0000-0000-0000-000000000000" },
    { "IX", "15000000-0000-0000-0000-000000000000" },
    { "IY", "16000000-0000-0000-0000-000000000000" },
    { "IGONE", "17000000-0000-0000-0000-000000000000" },
    { "C1", "c1000000-0000-0000-0000-000000000000" },
    { "C2", "c2000000-0000-0000-0000-000000000000" },
    { "M1", "d1000000-0000-0000-0000-000000000000" },
    { "M2", "d2000000-0000-0000-0000-000000000000" },
    { "MR1", "e1000000-0000-0000-0000-000000000000" },
    { "MR2", "e2000000-0000-0000-0000-000000000000" },
    { "MR3", "e3000000-0000-0000-0000-000000000000" },
    { "OVS", "99000000-0000-0000-0000-000000000000" },
};

/* Returns the UUID of placeholder 'name' ('len' bytes). */
static const char *
uuid__(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof uuids / sizeof *uuids; i++) {
        if (strlen(uuids[i].name) == len &&
            !memcmp(uuids[i].name, name, len)) {
            return uuids[i].uuid;
        }
    }
    fprintf(stderr, "unknown placeholder %.*s\n", (int)len, name);
    abort();
}

/* Returns a malloc'd copy of 's' with placeholders expanded. */
static char *
expand__(const char *s)
{
    struct ofp_buf b;

    ofp_buf_init(&b);
    while (*s) {
        if (*s == '@' || *s == '#') {
            size_t n = strspn(s + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
            const char *uuid = uuid__(s + 1, n);
            ofp_buf_put_format(&b, *s == '@' ? "%s" : "['uuid','%s']", uuid);
            s += n + 1;
        } else {
            ofp_buf_put_char(&b, *s++);
        }
    }
    return ofp_buf_steal_cstr(&b);
}

/* Parses JSON text 's' written with single quotes and placeholders. */
static struct json_object *
j__(const char *s)
{
    char *copy = expand__(s);
    for (char *p = copy; *p; p++) {
        if (*p == '\'') {
            *p = '"';
        }
    }
    struct json_object *obj = json_tokener_parse(copy);
    if (!obj) {
        fprintf(stderr, "bad test JSON: %s\n", copy);
        abort();
    }
    free(copy);
    return obj;
}

/* Remote strings. */

static void
check_remote_ok__(const char *remote, int family)
{
    struct sockaddr_storage ss;
    socklen_t len = 0;
    char *error = NULL;

    CHECK_EQ(jsonrpc_parse_remote(remote, &ss, &len, &error), 0);
    CHECK(error == NULL);
    CHECK_EQ(ss.ss_family, family);
    CHECK(len > 0);
    free(error);
}

static void
check_remote_bad__(const char *remote, const char *needle)
{
    struct sockaddr_storage ss;
    socklen_t len = 0;
    char *error = NULL;

    CHECK_EQ(jsonrpc_parse_remote(remote, &ss, &len, &error), EINVAL);
    CHECK(error != NULL);
    if (error && !strstr(error, needle)) {
        fprintf(stderr, "remote \"%s\": error \"%s\" lacks \"%s\"\n", remote,
                error, needle);
        CHECK(false);
    }
    free(error);
}

static void
test_remote(void)
{
    struct sockaddr_storage ss;
    socklen_t len;
    char *error;

    check_remote_ok__("unix:/var/run/openvswitch/db.sock", AF_UNIX);
    check_remote_ok__("unix:db.sock", AF_UNIX);
    check_remote_ok__("tcp:127.0.0.1:6640", AF_INET);
    check_remote_ok__("tcp:[::1]:6640", AF_INET6);
    check_remote_ok__("tcp:[fe80::1]:1", AF_INET6);

    CHECK_EQ(jsonrpc_parse_remote("tcp:10.1.2.3:65535", &ss, &len, &error), 0);
    CHECK_EQ(ntohs(((struct sockaddr_in *)&ss)->sin_port), 65535);
    CHECK_EQ(ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr), 0x0a010203);
    CHECK_EQ(jsonrpc_parse_remote("unix:/x/y", &ss, &len, &error), 0);
    CHECK_STREQ(((struct sockaddr_un *)&ss)->sun_path, "/x/y");

    check_remote_bad__("", "expected unix:PATH or tcp:IP:PORT");
    check_remote_bad__("db.sock", "expected unix:PATH");
    check_remote_bad__("ssl:1.2.3.4:6640", "expected unix:PATH");
    check_remote_bad__("punix:/x", "expected unix:PATH");
    check_remote_bad__("unix:", "empty socket path");
    check_remote_bad__("tcp:", "expected tcp:IP:PORT");
    check_remote_bad__("tcp:1.2.3.4", "expected tcp:IP:PORT");
    check_remote_bad__("tcp:1.2.3.4:", "not a port number");
    check_remote_bad__("tcp:1.2.3.4:0", "not a port number");
    check_remote_bad__("tcp:1.2.3.4:65536", "not a port number");
    check_remote_bad__("tcp:1.2.3.4:66x", "not a port number");
    check_remote_bad__("tcp:1.2.3.4:-1", "not a port number");
    check_remote_bad__("tcp:1.2.3.4:0000080", "not a port number");
    check_remote_bad__("tcp:localhost:6640", "host names are not supported");
    check_remote_bad__("tcp::6640", "is not an IPv4 address");
    check_remote_bad__("tcp:1.2.3:6640", "is not an IPv4 address");
    check_remote_bad__("tcp:::1:6640", "is not an IPv4 address");
    check_remote_bad__("tcp:[::1]6640", "expected tcp:IP:PORT");
    check_remote_bad__("tcp:[::1:6640", "expected tcp:IP:PORT");
    check_remote_bad__("tcp:[zz::1]:6640", "is not an IPv6 address");
    check_remote_bad__("tcp:[1.2.3.4]:6640", "is not an IPv6 address");

    char longpath[200];
    memset(longpath, 'a', sizeof longpath);
    memcpy(longpath, "unix:", 5);
    longpath[sizeof longpath - 1] = '\0';
    check_remote_bad__(longpath, "socket path longer than");
}

/* The stream parser. */

/* Feeds 'n' bytes in chunks of 'chunk' bytes; returns the number of values
 * or -errno. */
static int
parse_all__(struct jsonrpc_parser *p, const char *s, size_t n, size_t chunk)
{
    int values = 0;
    size_t ofs = 0;

    while (ofs < n) {
        size_t len = n - ofs < chunk ? n - ofs : chunk;
        size_t done = 0;
        while (done < len) {
            struct json_object *v;
            const char *what;
            size_t used;
            int error = jsonrpc_parser_feed(p, s + ofs + done, len - done,
                                            &used, &v, &what);
            if (error) {
                CHECK(what != NULL);
                return -error;
            }
            CHECK(used > 0);
            if (!used) {
                return -1000;
            }
            done += used;
            if (v) {
                CHECK(json_object_is_type(v, json_type_object));
                values++;
                json_object_put(v);
            }
        }
        ofs += len;
    }
    return values;
}

static int
parse_str__(const char *s, size_t max, size_t chunk)
{
    struct jsonrpc_parser *p = jsonrpc_parser_create(max);
    int r = parse_all__(p, s, strlen(s), chunk);
    jsonrpc_parser_destroy(p);
    return r;
}

static void
test_parser(void)
{
    static const char stream[] =
        "{\"method\":\"echo\",\"params\":[],\"id\":\"echo\"}"
        "{\"id\":1,\"result\":[\"Open_vSwitch\"],\"error\":null}\n"
        "  \r\n\t{\"a\":{\"b\":[1,2.5,\"x\\\"}\",true,null]}}   "
        "{}{\"s\":\"caf\xc3\xa9 \\u00e9\"}\n";

    /* Every chunk size gives the same five values. */
    for (size_t chunk = 1; chunk <= sizeof stream; chunk++) {
        CHECK_EQ(parse_str__(stream, JSONRPC_MAX_MSG, chunk), 5);
    }
    CHECK_EQ(parse_str__("", 100, 1), 0);
    CHECK_EQ(parse_str__(" \n \n", 100, 1), 0);

    /* Busy inside a value only. */
    struct jsonrpc_parser *p = jsonrpc_parser_create(100);
    CHECK(!jsonrpc_parser_busy(p));
    CHECK_EQ(parse_all__(p, "  ", 2, 1), 0);
    CHECK(!jsonrpc_parser_busy(p));
    CHECK_EQ(parse_all__(p, "{\"a\"", 4, 4), 0);
    CHECK(jsonrpc_parser_busy(p));
    CHECK_EQ(parse_all__(p, ":1}", 3, 3), 1);
    CHECK(!jsonrpc_parser_busy(p));
    jsonrpc_parser_destroy(p);

    /* Garbage and values that are not objects. */
    CHECK_EQ(parse_str__("}", 100, 7), -EPROTO);
    CHECK_EQ(parse_str__("{\"a\":1}x", 100, 3), -EPROTO);
    CHECK_EQ(parse_str__("{\"a\":1}]", 100, 100), -EPROTO);
    CHECK_EQ(parse_str__("[1,2]", 100, 100), -EPROTO);
    CHECK_EQ(parse_str__("\"str\"", 100, 100), -EPROTO);
    CHECK_EQ(parse_str__("12 ", 100, 100), -EPROTO);
    CHECK_EQ(parse_str__("true ", 100, 100), -EPROTO);
    CHECK_EQ(parse_str__("null{}", 100, 1), -EPROTO);
    CHECK_EQ(parse_str__("{\"a\" 1}", 100, 100), -EPROTO);
    CHECK_EQ(parse_str__("{\"a\":1,}", 100, 100), -EPROTO);
    CHECK_EQ(parse_str__("{\"a\":tru}", 100, 100), -EPROTO);
    /* Bytes that are not UTF-8 inside strings are left to the users of
     * the strings (ovsdb_datum_from_json() checks them). */
    CHECK_EQ(parse_str__("{\"a\":\"\xff\"}", 100, 100), 1);
    CHECK_EQ(parse_str__("{\"a\":\"\xc3\"}", 100, 1), 1);
    CHECK_EQ(parse_str__("{\"a\":\xc3\xa9}", 100, 1), -EPROTO);
    CHECK_EQ(parse_str__("\x00{}", 100, 100), 0); /* strlen() == 0 */
    {
        struct jsonrpc_parser *q = jsonrpc_parser_create(100);
        CHECK_EQ(parse_all__(q, "\0{}", 3, 3), -EPROTO);
        /* Unusable after an error. */
        CHECK_EQ(parse_all__(q, "{}", 2, 2), -EPROTO);
        jsonrpc_parser_destroy(q);
    }

    /* Nesting deeper than the tokener allows. */
    struct ofp_buf deep;
    ofp_buf_init(&deep);
    ofp_buf_put_cstr(&deep, "{\"a\":");
    for (int i = 0; i < 100; i++) {
        ofp_buf_put_char(&deep, '[');
    }
    for (int i = 0; i < 100; i++) {
        ofp_buf_put_char(&deep, ']');
    }
    ofp_buf_put_char(&deep, '}');
    CHECK_EQ(parse_str__(ofp_buf_cstr(&deep), 1000, 1000), -EPROTO);
    ofp_buf_uninit(&deep);

    /* Size limit: a value of exactly 'max' bytes passes, one more fails,
     * whatever the chunking; whitespace between values does not count. */
    const char *v20 = "{\"a\":\"0123456789ab\"}"; /* 20 bytes */
    CHECK_EQ(strlen(v20), 20);
    for (size_t chunk = 1; chunk <= 25; chunk++) {
        CHECK_EQ(parse_str__(v20, 20, chunk), 1);
        CHECK_EQ(parse_str__(v20, 19, chunk), -EMSGSIZE);
    }
    CHECK_EQ(parse_str__("{\"a\":\"0123456789ab\"}     "
                         "{\"a\":\"0123456789ab\"}",
                         20, 7),
             2);
    CHECK_EQ(parse_str__("{\"a\":\"0123456789abcdefghijklmnop", 20, 5),
             -EMSGSIZE);
}

/* Datums. */

static int
datum__(const char *json, enum ovsdb_atype key, enum ovsdb_atype value,
        struct ovsdb_datum *d)
{
    struct json_object *obj = j__(json);
    char *error = NULL;
    int r = ovsdb_datum_from_json(d, obj, key, value, &error);
    CHECK((r == 0) == (error == NULL));
    if (r) {
        CHECK_EQ(d->n, 0);
    }
    free(error);
    json_object_put(obj);
    return r;
}

static void
test_datum(void)
{
    struct ovsdb_datum d;
    const enum ovsdb_atype V = OVSDB_T_VOID, I = OVSDB_T_INTEGER,
                           S = OVSDB_T_STRING, U = OVSDB_T_UUID,
                           R = OVSDB_T_REAL, B = OVSDB_T_BOOLEAN;
    const char *u1 = "['uuid','0d1c3b22-53a8-4c91-97a3-2a4b1b1e9f01']";
    char buf[256];

    /* Bare atoms are one-element sets. */
    CHECK_EQ(datum__("[5]", I, V, &d), EINVAL);
    CHECK_EQ(datum__("{'a':5}", I, V, &d), EINVAL);
    CHECK_EQ(datum__("['x', 5]", I, V, &d), EINVAL);
    struct json_object *five = json_object_new_int(5);
    char *error;
    CHECK_EQ(ovsdb_datum_from_json(&d, five, I, V, &error), 0);
    CHECK_EQ(d.n, 1);
    CHECK_EQ(d.keys[0].integer, 5);
    ovsdb_datum_destroy(&d, I, V);
    CHECK_EQ(ovsdb_datum_from_json(&d, five, S, V, &error), EINVAL);
    CHECK(error && strstr(error, "expected string, got 5"));
    free(error);
    CHECK_EQ(ovsdb_datum_from_json(&d, five, R, V, &error), 0);
    CHECK(d.keys[0].real == 5.0);
    ovsdb_datum_destroy(&d, R, V);
    json_object_put(five);

    CHECK_EQ(datum__(u1, U, V, &d), 0);
    CHECK_EQ(d.n, 1);
    CHECK_STREQ(d.keys[0].uuid, "0d1c3b22-53a8-4c91-97a3-2a4b1b1e9f01");
    ovsdb_datum_destroy(&d, U, V);
    CHECK_EQ(
        datum__("['uuid','0D1C3B22-53A8-4C91-97A3-2A4B1B1E9F01']", U, V, &d),
        0);
    CHECK_STREQ(d.keys[0].uuid, "0d1c3b22-53a8-4c91-97a3-2a4b1b1e9f01");
    ovsdb_datum_destroy(&d, U, V);

    /* Bad UUIDs. */
    CHECK_EQ(
        datum__("['uuid','0d1c3b22-53a8-4c91-97a3-2a4b1b1e9f0']", U, V, &d),
        EINVAL);
    CHECK_EQ(
        datum__("['uuid','0d1c3b22-53a8-4c91-97a3-2a4b1b1e9f012']", U, V, &d),
        EINVAL);
    CHECK_EQ(
        datum__("['uuid','0d1c3b22053a8-4c91-97a3-2a4b1b1e9f01']", U, V, &d),
        EINVAL);
    CHECK_EQ(
        datum__("['uuid','0d1c3b22-53a8-4c91-97a3-2a4b1b1e9fg1']", U, V, &d),
        EINVAL);
    CHECK_EQ(datum__("['named-uuid','row1']", U, V, &d), EINVAL);
    CHECK_EQ(datum__("['uuid',5]", U, V, &d), EINVAL);
    CHECK_EQ(datum__("['uuid']", U, V, &d), EINVAL);
    CHECK_EQ(datum__("['set',[['uuid','x']]]", U, V, &d), EINVAL);
    CHECK(ovsdb_uuid_is_valid("0d1c3b22-53a8-4c91-97a3-2a4b1b1e9f01"));
    CHECK(!ovsdb_uuid_is_valid(""));
    CHECK(!ovsdb_uuid_is_valid("0d1c3b22-53a8-4c91-97a3-2a4b1b1e9f0"));

    /* Sets. */
    CHECK_EQ(datum__("['set',[]]", S, V, &d), 0);
    CHECK_EQ(d.n, 0);
    ovsdb_datum_destroy(&d, S, V);
    CHECK_EQ(datum__("['set',['b','a','c']]", S, V, &d), 0);
    CHECK_EQ(d.n, 3);
    CHECK_STREQ(d.keys[0].string, "a");
    CHECK_STREQ(d.keys[2].string, "c");
    ovsdb_datum_destroy(&d, S, V);
    snprintf(buf, sizeof buf, "['set',[%s]]", u1);
    CHECK_EQ(datum__(buf, U, V, &d), 0);
    CHECK_EQ(d.n, 1);
    ovsdb_datum_destroy(&d, U, V);
    snprintf(buf, sizeof buf, "['set',[%s,%s]]", u1, u1);
    CHECK_EQ(datum__(buf, U, V, &d), EINVAL); /* duplicate */
    CHECK_EQ(datum__("['set',[1,2,1]]", I, V, &d), EINVAL);
    CHECK_EQ(datum__("['set',['a',1]]", S, V, &d), EINVAL);
    CHECK_EQ(datum__("['set',{}]", S, V, &d), EINVAL);
    CHECK_EQ(datum__("['set','a']", S, V, &d), EINVAL);
    CHECK_EQ(datum__("['set',[],1]", S, V, &d), EINVAL);
    CHECK_EQ(datum__("['map',[]]", S, V, &d), EINVAL);
    CHECK_EQ(datum__("['set',[true,false]]", B, V, &d), 0);
    CHECK_EQ(d.keys[0].boolean, false);
    ovsdb_datum_destroy(&d, B, V);
    CHECK_EQ(datum__("['set',[1.5,2]]", R, V, &d), 0);
    ovsdb_datum_destroy(&d, R, V);
    CHECK_EQ(datum__("['set',[1.5]]", I, V, &d), EINVAL);
    CHECK_EQ(datum__("['set',[true]]", I, V, &d), EINVAL);
    CHECK_EQ(datum__("['set',[9223372036854775807]]", I, V, &d), 0);
    ovsdb_datum_destroy(&d, I, V);
    CHECK_EQ(datum__("['set',[18446744073709551615]]", I, V, &d), EINVAL);
    CHECK_EQ(datum__("['set',[-5]]", I, V, &d), 0);
    CHECK_EQ(d.keys[0].integer, -5);
    ovsdb_datum_destroy(&d, I, V);

    /* A set of strings that looks like a tagged array is still an atom
     * error, not a crash. */
    CHECK_EQ(datum__("['set']", S, V, &d), EINVAL);
    CHECK_EQ(datum__("['uuid','x']", S, V, &d), EINVAL);

    /* Strings with NUL inside are refused. */
    CHECK_EQ(datum__("'a\\u0000b'", S, V, &d), EINVAL);
    CHECK_EQ(datum__("'\xff'", S, V, &d), EINVAL);
    CHECK_EQ(datum__("'caf\xc3'", S, V, &d), EINVAL);
    CHECK_EQ(datum__("'\xc0\xaf'", S, V, &d), EINVAL);     /* overlong */
    CHECK_EQ(datum__("'\xed\xa0\x80'", S, V, &d), EINVAL); /* surrogate */
    CHECK_EQ(datum__("'\xf4\x90\x80\x80'", S, V, &d), EINVAL);
    CHECK_EQ(datum__("'\xf0\x9f\x98\x80 \xe2\x82\xac'", S, V, &d), 0);
    ovsdb_datum_destroy(&d, S, V);
    CHECK_EQ(datum__("'caf\\u00e9'", S, V, &d), 0);
    CHECK_STREQ(d.keys[0].string, "caf\xc3\xa9");
    ovsdb_datum_destroy(&d, S, V);

    /* Maps. */
    CHECK_EQ(datum__("['map',[]]", S, S, &d), 0);
    CHECK_EQ(d.n, 0);
    ovsdb_datum_destroy(&d, S, S);
    CHECK_EQ(datum__("['map',[['k2','v2'],['k1','v1']]]", S, S, &d), 0);
    CHECK_EQ(d.n, 2);
    CHECK_STREQ(d.keys[0].string, "k1");
    CHECK_STREQ(d.values[0].string, "v1");
    CHECK_STREQ(d.keys[1].string, "k2");
    CHECK_STREQ(d.values[1].string, "v2");
    ovsdb_datum_destroy(&d, S, S);
    CHECK_EQ(datum__("['map',[['k','v'],['k','w']]]", S, S, &d), EINVAL);
    CHECK_EQ(datum__("['map',[['k']]]", S, S, &d), EINVAL);
    CHECK_EQ(datum__("['map',[['k','v','w']]]", S, S, &d), EINVAL);
    CHECK_EQ(datum__("['map',['k','v']]", S, S, &d), EINVAL);
    CHECK_EQ(datum__("['map',[['k',1]]]", S, S, &d), EINVAL);
    CHECK_EQ(datum__("['map',[[1,'v']]]", S, S, &d), EINVAL);
    CHECK_EQ(datum__("['map',[['a','b'],['k',1]]]", S, S, &d), EINVAL);
    CHECK_EQ(datum__("['set',[]]", S, S, &d), EINVAL);
    CHECK_EQ(datum__("'k'", S, S, &d), EINVAL);
    CHECK_EQ(datum__("{'k':'v'}", S, S, &d), EINVAL);

    /* ovsdb_datum_destroy() accepts NULL. */
    ovsdb_datum_destroy(NULL, S, S);

    /* Datapath ids. */
    uint64_t dpid = 1;
    CHECK(ovsdb_parse_dpid("00000000000000a1", &dpid));
    CHECK_EQ(dpid, 0xa1);
    CHECK(ovsdb_parse_dpid("FFFFFFFFFFFFFFFF", &dpid));
    CHECK(dpid == UINT64_MAX);
    CHECK(ovsdb_parse_dpid("1", &dpid));
    CHECK_EQ(dpid, 1);
    CHECK(!ovsdb_parse_dpid("", &dpid));
    CHECK(!ovsdb_parse_dpid("00000000000000001", &dpid));
    CHECK(!ovsdb_parse_dpid("0x12", &dpid));
    CHECK(!ovsdb_parse_dpid("12 ", &dpid));
}

/* The replica and snapshots: canned updates. */

static const char initial[] =
    "{'Bridge':{"
    "'@BR1':{'new':{'name':'xenbr1','datapath_id':'00000000000000a1',"
    "  'fail_mode':'secure','controller':#C1,'ports':#PBR1}},"
    "'@BR0':{'new':{'name':'xenbr0','datapath_id':'0000000000000001',"
    "  'fail_mode':['set',[]],'controller':['set',[]],"
    "  'ports':['set',[#PBR0,#PVIF,#PBOND]]}}},"
    "'Port':{"
    "'@PBR0':{'new':{'name':'xenbr0','interfaces':#IBR0,"
    "  'tag':['set',[]],'bond_active_slave':['set',[]]}},"
    "'@PVIF':{'new':{'name':'vif1.0','interfaces':['set',[#IVIF]],"
    "  'tag':10,'bond_active_slave':['set',[]]}},"
    "'@PBOND':{'new':{'name':'bond0','interfaces':['set',[#IETH1,#IETH0]],"
    "  'tag':['set',[]],'bond_active_slave':'02:00:00:00:00:e0'}},"
    "'@PBR1':{'new':{'name':'xenbr1','interfaces':#IBR1,"
    "  'tag':['set',[]],'bond_active_slave':['set',[]]}}},"
    "'Interface':{"
    "'@IBR0':{'new':{'name':'xenbr0','type':'internal','ofport':65534,"
    "  'external_ids':['map',[]],'mac_in_use':'02:00:00:00:00:b0'}},"
    "'@IVIF':{'new':{'name':'vif1.0','type':'','ofport':3,"
    "  'external_ids':['map',[['xs-vif-uuid','v1'],"
    "    ['attached-mac','02:00:00:00:00:01']]],"
    "  'mac_in_use':['set',[]]}},"
    "'@IETH0':{'new':{'name':'eth0','type':'','ofport':1,"
    "  'external_ids':['map',[]],'mac_in_use':'02:00:00:00:00:e0'}},"
    "'@IETH1':{'new':{'name':'eth1','type':'','ofport':['set',[]],"
    "  'external_ids':['map',[]],'mac_in_use':['set',[]]}},"
    "'@IBR1':{'new':{'name':'xenbr1','type':'internal','ofport':-1,"
    "  'external_ids':['map',[]],'mac_in_use':['set',[]]}}},"
    "'Controller':{"
    "'@C1':{'new':{'target':'unix:/run/vg.sock'}}},"
    "'Open_vSwitch':{'@OVS':{'new':{}}}}";

/* The bond and VLAN columns of an interface's text (ovsdb_format_host()),
 * not bonded and as a member of bond0 of 'initial'. */
#define NO_BOND                                                               \
    "vlan_mode=\"\" trunks=0 bond_mode=\"\" link_protos=\"\" lacp_current=0 " \
    "bond_active=null "
#define BOND0                                                                 \
    "vlan_mode=\"\" trunks=0 bond_mode=\"\" link_protos=\"\" lacp_current=0 " \
    "bond_active=\"02:00:00:00:00:e0\" "

static const char initial_text[] =
    "bridge \"xenbr0\" dpid=0000000000000001 fail_mode=\"\" controllers=[] "
    "uuid=@BR0\n"
    "iface \"xenbr0\" \"eth0\" ofport=1 type=\"\" port=\"bond0\" tag=-1 "
    "port_ifaces=2 mac_in_use=\"02:00:00:00:00:e0\" external_ids={} " BOND0
    "uuid=@IETH0 port_uuid=@PBOND\n"
    "iface \"xenbr0\" \"eth1\" ofport=0 type=\"\" port=\"bond0\" tag=-1 "
    "port_ifaces=2 mac_in_use=null external_ids={} " BOND0
    "uuid=@IETH1 port_uuid=@PBOND\n"
    "iface \"xenbr0\" \"vif1.0\" ofport=3 type=\"\" port=\"vif1.0\" tag=10 "
    "port_ifaces=1 mac_in_use=null external_ids={\"attached-mac\"="
    "\"02:00:00:00:00:01\",\"xs-vif-uuid\"=\"v1\"} " NO_BOND
    "uuid=@IVIF port_uuid=@PVIF\n"
    "iface \"xenbr0\" \"xenbr0\" ofport=65534 type=\"internal\" "
    "port=\"xenbr0\" tag=-1 port_ifaces=1 mac_in_use=\"02:00:00:00:00:b0\" "
    "external_ids={} " NO_BOND "uuid=@IBR0 port_uuid=@PBR0\n"
    "bridge \"xenbr1\" dpid=00000000000000a1 fail_mode=\"secure\" "
    "controllers=[\"unix:/run/vg.sock\"] uuid=@BR1\n"
    "iface \"xenbr1\" \"xenbr1\" ofport=-1 type=\"internal\" "
    "port=\"xenbr1\" tag=-1 port_ifaces=1 mac_in_use=null "
    "external_ids={} " NO_BOND "uuid=@IBR1 port_uuid=@PBR1\n";

/* Applies 'json' to 'db'; returns the number of malformed items. */
static unsigned int
apply__(struct ovsdb_db *db, const char *json)
{
    struct json_object *obj = j__(json);
    unsigned int n = ovsdb_db_apply(db, obj);
    json_object_put(obj);
    return n;
}

/* Builds the snapshot of 'db' as text into 'out' (freed by the caller);
 * returns the number of problems. */
static unsigned int
build__(const struct ovsdb_db *db, char **out)
{
    struct vg_host host;
    struct ofp_buf b;

    vg_host_init(&host);
    unsigned int n = ovsdb_db_build(db, &host);
    ofp_buf_init(&b);
    ovsdb_format_host(&host, &b);
    *out = ofp_buf_steal_cstr(&b);
    vg_host_destroy(&host);
    return n;
}

/* True if 'text' has the line 'line' (with placeholders). */
static bool
has_line__(const char *text, const char *line_)
{
    char *line = expand__(line_);
    size_t n = strlen(line);
    bool found = false;

    for (const char *p = text; !found && (p = strstr(p, line)); p++) {
        found = (p == text || p[-1] == '\n') && p[n] == '\n';
    }
    if (!found) {
        fprintf(stderr, "line not found: %s\nin:\n%s", line, text);
    }
    free(line);
    return found;
}

/* True if 'text' equals 'expected' (with placeholders). */
static bool
text_eq__(const char *text, const char *expected_)
{
    char *expected = expand__(expected_);
    bool eq = !strcmp(text, expected);
    if (!eq) {
        fprintf(stderr, "got:\n%swant:\n%s", text, expected);
    }
    free(expected);
    return eq;
}

static void
test_snapshot(void)
{
    struct ovsdb_db *db = ovsdb_db_create();
    struct vg_host host;
    char *text;

    /* Empty. */
    vg_host_init(&host);
    CHECK_EQ(ovsdb_db_build(db, &host), 0);
    CHECK_EQ(host.n_bridges, 0);
    vg_host_destroy(&host);

    CHECK_EQ(apply__(db, initial), 0);
    CHECK_EQ(ovsdb_db_n_rows(db, "Bridge"), 2);
    CHECK_EQ(ovsdb_db_n_rows(db, "Port"), 4);
    CHECK_EQ(ovsdb_db_n_rows(db, "Interface"), 5);
    CHECK_EQ(ovsdb_db_n_rows(db, "Controller"), 1);
    CHECK_EQ(ovsdb_db_n_rows(db, "Open_vSwitch"), 0);
    CHECK_EQ(build__(db, &text), 0);
    CHECK(text_eq__(text, initial_text));
    free(text);

    /* The snapshot structure itself. */
    vg_host_init(&host);
    CHECK_EQ(ovsdb_db_build(db, &host), 0);
    CHECK_EQ(host.n_bridges, 2);
    const struct vg_bridge *br = vg_host_find_bridge(&host, "xenbr0");
    CHECK(br != NULL);
    CHECK(br == &host.bridges[0]);
    CHECK_EQ(br->dpid, 1);
    CHECK_EQ(br->n_ifaces, 4);
    CHECK(vg_host_find_dpid(&host, 0xa1) == &host.bridges[1]);
    const struct vg_iface *vif = vg_bridge_find_iface(br, "vif1.0");
    CHECK(vif != NULL);
    CHECK_EQ(vif->ofport, 3);
    CHECK_EQ(vif->tag, 10);
    CHECK_STREQ(
        vg_kv_get(vif->external_ids, vif->n_external_ids, "attached-mac"),
        "02:00:00:00:00:01");
    vg_host_destroy(&host);

    /* Reapplying the same contents changes nothing. */
    CHECK_EQ(apply__(db, initial), 0);
    CHECK_EQ(build__(db, &text), 0);
    CHECK(text_eq__(text, initial_text));
    free(text);

    /* A partial "new" keeps the other columns; "old" is ignored. */
    CHECK_EQ(apply__(db, "{'Interface':{'@IVIF':{'old':{'ofport':3},"
                         "'new':{'ofport':4}}}}"),
             0);
    CHECK_EQ(build__(db, &text), 0);
    CHECK(has_line__(text,
                     "iface \"xenbr0\" \"vif1.0\" ofport=4 type=\"\" "
                     "port=\"vif1.0\" tag=10 port_ifaces=1 "
                     "mac_in_use=null external_ids={\"attached-mac\"="
                     "\"02:00:00:00:00:01\",\"xs-vif-uuid\"=\"v1\"} " NO_BOND
                     "uuid=@IVIF port_uuid=@PVIF"));
    free(text);

    /* A full modify, as ovsdb-server sends it: external_ids change. */
    CHECK_EQ(apply__(db, "{'Interface':{'@IVIF':{'old':{'external_ids':"
                         "['map',[]]},'new':{'name':'vif1.0','type':'',"
                         "'ofport':4,'external_ids':['map',[['z','1'],"
                         "['a','2']]],'mac_in_use':'fe:ff:ff:ff:ff:ff'}}}}"),
             0);
    CHECK_EQ(build__(db, &text), 0);
    CHECK(strstr(text, "mac_in_use=\"fe:ff:ff:ff:ff:ff\" "
                       "external_ids={\"a\"=\"2\",\"z\"=\"1\"}"));
    free(text);

    /* Deleting the bond: the bridge's ports change in the same update. */
    CHECK_EQ(apply__(db, "{'Bridge':{'@BR0':{'new':{'name':'xenbr0',"
                         "'datapath_id':'0000000000000001',"
                         "'fail_mode':'standalone','controller':['set',[]],"
                         "'ports':['set',[#PBR0,#PVIF]]}}},"
                         "'Port':{'@PBOND':{'old':{'name':'bond0'}}},"
                         "'Interface':{'@IETH0':{'old':{}},"
                         "'@IETH1':{'old':{},'new':null}}}"),
             0);
    CHECK_EQ(ovsdb_db_n_rows(db, "Port"), 3);
    CHECK_EQ(ovsdb_db_n_rows(db, "Interface"), 3);
    CHECK_EQ(build__(db, &text), 0);
    CHECK(!strstr(text, "eth0"));
    CHECK(!strstr(text, "eth1"));
    CHECK(strstr(text, "fail_mode=\"standalone\""));
    free(text);

    /* Deleting unknown rows and unknown tables are harmless. */
    CHECK_EQ(apply__(db, "{'Port':{'@PX':{'old':{}}},"
                         "'QoS':{'@PX':{'new':{'type':5}}}}"),
             0);

    /* Adding a bridge with a new controller, upper-case UUIDs. */
    CHECK_EQ(apply__(db, "{'Bridge':{'B2000000-0000-0000-0000-000000000000':"
                         "{'new':{'name':'a-br','ports':['set',[]],"
                         "'controller':['set',[#C2,#C1]]}}},"
                         "'Controller':{'@C2':{'new':{'target':"
                         "'tcp:127.0.0.1:6653'}}}}"),
             0);
    CHECK_EQ(build__(db, &text), 0);
    CHECK(!strncmp(text, "bridge \"a-br\"", strlen("bridge \"a-br\"")));
    CHECK(has_line__(text, "bridge \"a-br\" dpid=0000000000000000 "
                           "fail_mode=\"\" controllers=[\"tcp:127.0.0.1:6653\""
                           ",\"unix:/run/vg.sock\"] in_band="
                           "\"tcp:127.0.0.1:6653\" uuid=@BR2"));
    free(text);

    ovsdb_db_clear(db);
    CHECK_EQ(ovsdb_db_n_rows(db, "Bridge"), 0);
    CHECK_EQ(build__(db, &text), 0);
    CHECK_STREQ(text, "");
    free(text);
    ovsdb_db_destroy(db);
    ovsdb_db_destroy(NULL);
}

/* ovsdb_db_rebuild(): the same snapshot as ovsdb_db_build(), with the
 * unchanged strings of the previous one taken over, not copied. */
static void
test_rebuild(void)
{
    struct ovsdb_db *db = ovsdb_db_create();
    struct vg_host prev, host;
    struct ofp_buf b;
    char *text;

    CHECK_EQ(apply__(db, initial), 0);
    vg_host_init(&prev);
    CHECK_EQ(ovsdb_db_rebuild(db, NULL, &prev), 0);
    const struct vg_bridge *br = vg_host_find_bridge(&prev, "xenbr0");
    const struct vg_iface *vif = vg_bridge_find_iface(br, "vif1.0");
    const struct vg_iface *eth0 = vg_bridge_find_iface(br, "eth0");
    const char *vif_name = vif->name, *vif_port = vif->port_name;
    const struct vg_kv *vif_ext = vif->external_ids;
    const char *eth0_mac = eth0->mac_in_use;

    /* vif1.0 gets another ofport, eth0 another MAC and external_ids, and a
     * new port with a new interface appears on xenbr0. */
    CHECK_EQ(apply__(db, "{'Interface':{'@IVIF':{'new':{'ofport':7}},"
                         "'@IETH0':{'new':{'mac_in_use':'02:00:00:00:00:e9',"
                         "'external_ids':['map',[['k','v']]]}},"
                         "'@IX':{'new':{'name':'vif2.0','type':'',"
                         "'ofport':8,'external_ids':['map',[]],"
                         "'mac_in_use':['set',[]]}}},"
                         "'Port':{'@PX':{'new':{'name':'vif2.0',"
                         "'interfaces':#IX,'tag':['set',[]],"
                         "'bond_active_slave':['set',[]]}}},"
                         "'Bridge':{'@BR0':{'new':{'ports':['set',[#PBR0,"
                         "#PVIF,#PBOND,#PX]]}}}}"),
             0);
    vg_host_init(&host);
    CHECK_EQ(ovsdb_db_rebuild(db, &prev, &host), 0);
    vg_host_destroy(&prev);

    CHECK_EQ(build__(db, &text), 0);
    ofp_buf_init(&b);
    ovsdb_format_host(&host, &b);
    CHECK_STREQ(ofp_buf_cstr(&b), text);
    CHECK(strstr(text, "\"vif1.0\" ofport=7 "));
    CHECK(strstr(text, "\"vif2.0\" ofport=8 "));
    CHECK(strstr(text, "mac_in_use=\"02:00:00:00:00:e9\" "
                       "external_ids={\"k\"=\"v\"}"));
    free(text);
    ofp_buf_uninit(&b);

    br = vg_host_find_bridge(&host, "xenbr0");
    vif = vg_bridge_find_iface(br, "vif1.0");
    eth0 = vg_bridge_find_iface(br, "eth0");
    CHECK(vif->name == vif_name);
    CHECK(vif->port_name == vif_port);
    CHECK(vif->external_ids == vif_ext);
    CHECK(eth0->mac_in_use != eth0_mac);
    vg_host_destroy(&host);
    ovsdb_db_destroy(db);
}

/* Rebuilds '*prev' from 'db' and checks that it is what a fresh build
 * gives. */
static void
check_rebuild__(const struct ovsdb_db *db, struct vg_host *prev)
{
    struct vg_host host;
    struct ofp_buf b;
    char *text;

    vg_host_init(&host);
    ovsdb_db_rebuild(db, prev, &host);
    vg_host_destroy(prev);
    *prev = host;
    build__(db, &text);
    ofp_buf_init(&b);
    ovsdb_format_host(prev, &b);
    CHECK_STREQ(ofp_buf_cstr(&b), text);
    free(text);
    ofp_buf_uninit(&b);
}

/* An interface is made of its Interface and its Port row: a rebuild takes
 * over an interface whole only if neither changed since the previous
 * snapshot was built from the same replica.  Each step changes one row
 * behind an interface whose other row stays as it is. */
static void
test_rebuild_rows(void)
{
    static const struct {
        const char *json;
        unsigned int n_bad; /* Malformed items in it. */
    } steps[] = {
        /* vif1.0's Port: tag, vlan_mode, trunks. */
        { "{'Port':{'@PVIF':{'new':{'tag':20,'vlan_mode':'native-tagged',"
          "'trunks':['set',[5,6]]}}}}",
          0 },
        /* bond0's Port: bond_mode, lacp, bond_active_slave. */
        { "{'Port':{'@PBOND':{'new':{'bond_mode':'balance-tcp',"
          "'lacp':'active','bond_active_slave':'02:00:00:00:00:e1'}}}}",
          0 },
        /* vif1.0's Port: other_config (out of STP, RSTP still on: only
         * "false" counts); xenbr0: STP, RSTP and multicast snooping. */
        { "{'Port':{'@PVIF':{'new':{'other_config':['map',[['stp-enable',"
          "'false'],['rstp-enable','no']]]}}},"
          "'Bridge':{'@BR0':{'new':{'stp_enable':true,'rstp_enable':true,"
          "'mcast_snooping_enable':true}}}}",
          0 },
        /* eth1's Interface alone: lacp_current, ofport. */
        { "{'Interface':{'@IETH1':{'new':{'lacp_current':true,"
          "'ofport':2}}}}",
          0 },
        /* eth0's row goes bad (left out): eth1, whose rows did not change,
         * is now its Port's only interface. */
        { "{'Interface':{'@IETH0':{'new':{'name':5}}}}", 1 },
        /* vif1.0's Interface moves to a new Port; its old Port is left
         * empty. */
        { "{'Port':{'@PX':{'new':{'name':'px','interfaces':#IVIF,"
          "'tag':['set',[]],'bond_active_slave':['set',[]]}},"
          "'@PVIF':{'new':{'interfaces':['set',[]]}}},"
          "'Bridge':{'@BR0':{'new':{'ports':['set',[#PBR0,#PVIF,#PBOND,"
          "#PX]]}}}}",
          0 },
        /* eth0 is deleted; bond0 keeps eth1 alone. */
        { "{'Interface':{'@IETH0':{'old':{}}},"
          "'Port':{'@PBOND':{'new':{'interfaces':#IETH1}}}}",
          0 },
        /* vif1.0's Interface in two Ports. */
        { "{'Port':{'@PBR0':{'new':{'interfaces':['set',[#IBR0,#IVIF]]}}}}",
          0 },
        /* eth1's row deleted (its Port still names it), then created again
         * under its UUID with other values. */
        { "{'Interface':{'@IETH1':{'old':{}}}}", 0 },
        { "{'Interface':{'@IETH1':{'new':{'name':'eth9','type':'',"
          "'ofport':9,'external_ids':['map',[]],"
          "'mac_in_use':['set',[]]}}}}",
          0 },
        /* Nothing that a snapshot shows. */
        { "{}", 0 },
    };
    struct ovsdb_db *db = ovsdb_db_create();
    struct vg_host prev;

    CHECK_EQ(apply__(db, initial), 0);
    vg_host_init(&prev);
    check_rebuild__(db, &prev);
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        CHECK_EQ(apply__(db, steps[i].json), steps[i].n_bad);
        check_rebuild__(db, &prev);
    }
    /* A reconnection: the replica is emptied and filled again. */
    ovsdb_db_clear(db);
    check_rebuild__(db, &prev);
    CHECK_EQ(apply__(db, initial), 0);
    check_rebuild__(db, &prev);

    /* A previous snapshot of another replica, whose rows carry the same
     * UUIDs and other values, or one already rebuilt from: strings are
     * compared, nothing is taken whole. */
    struct ovsdb_db *other = ovsdb_db_create();
    struct vg_host host;
    CHECK_EQ(apply__(other, initial), 0);
    vg_host_destroy(&prev);
    ovsdb_db_build(other, &prev);
    check_rebuild__(db, &prev);
    vg_host_init(&host);
    ovsdb_db_rebuild(db, &prev, &host);
    check_rebuild__(db, &prev);
    vg_host_destroy(&host);
    vg_host_destroy(&prev);
    ovsdb_db_destroy(other);
    ovsdb_db_destroy(db);
}

/* Malformed updates: each bad value costs only its row or column. */
static void
test_malformed(void)
{
    struct ovsdb_db *db = ovsdb_db_create();
    unsigned long warnings = vg_log_count(VG_LOG_WARN);
    char *text;

    CHECK_EQ(apply__(db, initial), 0);
    CHECK_EQ(vg_log_count(VG_LOG_WARN), warnings);

    /* Top-level shapes. */
    CHECK_EQ(apply__(db, "[]"), 1);
    CHECK_EQ(apply__(db, "{'Port':[]}"), 1);
    CHECK_EQ(apply__(db, "{'Port':{'not-a-uuid':{'new':{'name':'x'}},"
                         "'@PX':5,'@IX':{'new':[1]}}}"),
             3);
    CHECK_EQ(ovsdb_db_n_rows(db, "Port"), 4);
    CHECK(vg_log_count(VG_LOG_WARN) >= warnings + 5);

    /* A new port whose interface has a bad name; a second good one. */
    CHECK_EQ(apply__(db, "{'Bridge':{'@BR0':{'new':{'name':'xenbr0',"
                         "'datapath_id':'0000000000000001',"
                         "'ports':['set',[#PBR0,#PVIF,#PBOND,#PX]]}}},"
                         "'Port':{'@PX':{'new':{'name':'px','interfaces':"
                         "['set',[#IX,#IY,#IGONE]],'tag':['set',[]]}}},"
                         "'Interface':{"
                         "'@IX':{'new':{'name':5,'type':'','ofport':7}},"
                         "'@IY':{'new':{'name':'py','type':7,'ofport':'x',"
                         "'external_ids':['map',[['k']]],"
                         "'mac_in_use':['set',['a','b']]}}}}"),
             5);
    CHECK_EQ(ovsdb_db_n_rows(db, "Interface"), 7);
    /* IX is left out; so is IY, whose external_ids are malformed (taking
     * them as empty could turn a guest into a trusted port); IGONE is
     * unknown (one problem); other rows are untouched. */
    CHECK_EQ(build__(db, &text), 1);
    CHECK(!strstr(text, uuid__("IX", 2)));
    CHECK(!strstr(text, uuid__("IY", 2)));
    CHECK(strstr(text, "\"vif1.0\" ofport=3"));
    CHECK(strstr(text, "\"eth0\" ofport=1"));
    CHECK(strstr(text, "\"xenbr1\" ofport=-1"));
    free(text);

    /* Fixing the bad rows brings them back: IY with every other column
     * still empty. */
    CHECK_EQ(apply__(db, "{'Interface':{'@IX':{'new':{'name':'px0'}},"
                         "'@IY':{'new':{'name':'py','external_ids':"
                         "['map',[]]}}}}"),
             0);
    CHECK_EQ(build__(db, &text), 1);
    CHECK(has_line__(text,
                     "iface \"xenbr0\" \"px0\" ofport=7 type=\"\" "
                     "port=\"px\" tag=-1 port_ifaces=2 mac_in_use=null "
                     "external_ids={} " NO_BOND "uuid=@IX port_uuid=@PX"));
    CHECK(has_line__(text,
                     "iface \"xenbr0\" \"py\" ofport=0 type=\"\" "
                     "port=\"px\" tag=-1 port_ifaces=2 mac_in_use=null "
                     "external_ids={} " NO_BOND "uuid=@IY port_uuid=@PX"));
    free(text);

    /* Out-of-range values and bad datapath ids are taken as empty, except
     * a VLAN tag: its port is left out (a guest on VLAN 0 instead of its
     * own would get another VLAN's deliveries). */
    CHECK_EQ(apply__(db, "{'Port':{'@PVIF':{'new':{'tag':4096}}},"
                         "'Interface':{'@IVIF':{'new':{'ofport':65536}},"
                         "'@IETH0':{'new':{'ofport':-2}}},"
                         "'Bridge':{'@BR1':{'new':{'datapath_id':'xyz',"
                         "'fail_mode':['set',['secure','standalone']],"
                         "'controller':['set',[#C2]]}}}}"),
             5);
    CHECK_EQ(build__(db, &text), 2); /* C2 and IGONE are unknown. */
    CHECK(!strstr(text, "\"vif1.0\""));
    CHECK(strstr(text, "\"eth0\" ofport=0"));
    CHECK(strstr(text, "bridge \"xenbr1\" dpid=0000000000000000 "
                       "fail_mode=\"\" controllers=[]"));
    free(text);

    /* The port comes back with a good row. */
    CHECK_EQ(apply__(db, "{'Port':{'@PVIF':{'new':{'name':'vif1.0',"
                         "'tag':['set',[]]}}}}"),
             0);
    CHECK_EQ(build__(db, &text), 2);
    CHECK(strstr(text, "\"vif1.0\" ofport=0 type=\"\" port=\"vif1.0\" "
                       "tag=-1"));
    free(text);

    /* A bridge with a bad name is left out with its interfaces; a
     * required column missing from an insert as well. */
    CHECK_EQ(apply__(db, "{'Bridge':{'@BR1':{'new':{'name':['set',[]]}},"
                         "'@BR2':{'new':{'ports':['set',[]]}}}}"),
             2);
    CHECK_EQ(build__(db, &text), 1);
    CHECK(!strstr(text, "xenbr1"));
    CHECK(!strstr(text, uuid__("BR2", 3)));
    CHECK(strstr(text, "bridge \"xenbr0\""));
    free(text);

    /* Duplicate bridge names: the lowest UUID wins. */
    CHECK_EQ(apply__(db, "{'Bridge':{'@BR1':{'new':{'name':'xenbr0'}},"
                         "'@BR2':{'new':{'name':''}}}}"),
             1);
    struct vg_host host;
    vg_host_init(&host);
    CHECK_EQ(ovsdb_db_build(db, &host), 3); /* C2, IGONE, duplicate. */
    CHECK_EQ(host.n_bridges, 1);
    CHECK_STREQ(host.bridges[0].uuid, uuid__("BR0", 3));
    CHECK_EQ(host.bridges[0].n_ifaces, 6);
    vg_host_destroy(&host);

    /* The same interface in two ports of one bridge is left out (see
     * test_iface_in_two_ports()). */
    CHECK_EQ(apply__(db, "{'Bridge':{'@BR1':{'old':{}}},"
                         "'Port':{'@PVIF':{'new':{'interfaces':"
                         "['set',[#IVIF,#IETH0]]}}}}"),
             0);
    vg_host_init(&host);
    CHECK_EQ(ovsdb_db_build(db, &host), 2); /* IGONE, eth0 twice. */
    CHECK_EQ(host.n_bridges, 1);
    CHECK_EQ(host.bridges[0].n_ifaces, 5);
    vg_host_destroy(&host);

    ovsdb_db_destroy(db);
}

static void
test_monitor_params(void)
{
    struct json_object *params = ovsdb_monitor_params();
    const char *s =
        json_object_to_json_string_ext(params, JSON_C_TO_STRING_PLAIN);
    CHECK_STREQ(
        s, "[\"Open_vSwitch\",\"vifguard\",{"
           "\"Bridge\":{\"columns\":[\"name\",\"datapath_id\","
           "\"fail_mode\",\"controller\",\"ports\",\"stp_enable\","
           "\"rstp_enable\",\"mcast_snooping_enable\","
           "\"other_config\",\"mirrors\",\"sflow\",\"netflow\","
           "\"ipfix\"]},"
           "\"Port\":{\"columns\":[\"name\",\"interfaces\",\"tag\","
           "\"vlan_mode\",\"trunks\",\"bond_mode\",\"lacp\","
           "\"bond_active_slave\",\"other_config\"]},"
           "\"Interface\":{\"columns\":[\"name\",\"type\",\"ofport\","
           "\"external_ids\",\"mac_in_use\",\"lacp_current\",\"cfm_mpid\","
           "\"bfd\",\"lldp\"]},"
           "\"Controller\":{\"columns\":[\"target\","
           "\"connection_mode\"]},"
           "\"Manager\":{\"columns\":[\"target\","
           "\"connection_mode\"]},"
           "\"Mirror\":{\"columns\":[\"name\",\"output_port\","
           "\"output_vlan\",\"select_all\"]},"
           "\"sFlow\":{\"columns\":[\"targets\"]},"
           "\"NetFlow\":{\"columns\":[\"targets\"]},"
           "\"IPFIX\":{\"columns\":[\"targets\"]}}]");
    json_object_put(params);
}

static void
test_format_quoting(void)
{
    struct vg_host host;
    struct vg_bridge br;
    struct ofp_buf b;

    memset(&br, 0, sizeof br);
    br.name = (char *)"a\"b\\c\nd";
    br.fail_mode = (char *)"";
    host.bridges = &br;
    host.n_bridges = 1;
    ofp_buf_init(&b);
    ovsdb_format_host(&host, &b);
    CHECK_STREQ(ofp_buf_cstr(&b), "bridge \"a\\\"b\\\\c\\u000ad\" "
                                  "dpid=0000000000000000 fail_mode=\"\" "
                                  "controllers=[] uuid=\n");
    ofp_buf_uninit(&b);
}

/* An Interface listed in two Ports (OVSDB allows it; ovs-vswitchd then
 * puts it in one of them by its own hash order) must not be given the
 * VLAN tag of whichever Port happens to come first here: vifguard's idea
 * of the guest's VLAN could differ from the switch's.  It is left out
 * (held closed) with a warning, and its two Ports' other interfaces are
 * untouched. */
static void
test_iface_in_two_ports(void)
{
    struct ovsdb_db *db = ovsdb_db_create();
    char *text;

    CHECK_EQ(apply__(db, initial), 0);
    /* vif1.0 is in PVIF (tag 10); list it in a new port px (tag 20) too,
     * before and after PVIF in UUID order (PX sorts after PVIF, PBR0
     * before it). */
    CHECK_EQ(apply__(db, "{'Bridge':{'@BR0':{'new':{'name':'xenbr0',"
                         "'datapath_id':'0000000000000001',"
                         "'ports':['set',[#PBR0,#PVIF,#PBOND,#PX]]}}},"
                         "'Port':{'@PX':{'new':{'name':'px','interfaces':"
                         "['set',[#IVIF,#IX]],'tag':20}}},"
                         "'Interface':{'@IX':{'new':{'name':'px0',"
                         "'type':'','ofport':7}}}}"),
             0);
    CHECK(build__(db, &text) >= 1);
    CHECK(!strstr(text, "\"vif1.0\""));
    CHECK(strstr(text, "\"px0\" ofport=7") != NULL);
    CHECK(strstr(text, "\"eth0\" ofport=1") != NULL);
    free(text);

    /* Listed in one Port again: back, with that Port's tag. */
    CHECK_EQ(apply__(db, "{'Port':{'@PX':{'new':{'name':'px','interfaces':"
                         "['set',[#IX]],'tag':20}}}}"),
             0);
    CHECK_EQ(build__(db, &text), 0);
    CHECK(strstr(text, "\"vif1.0\" ofport=3 type=\"\" port=\"vif1.0\" "
                       "tag=10") != NULL);
    free(text);
    ovsdb_db_destroy(db);
}

/* Spanning tree and multicast snooping: the bridge's switches and a
 * port's way out of (R)STP, which Open vSwitch takes from "false" in any
 * case (smap_get_bool()); "no" is not "false". */
static void
test_stp_columns(void)
{
    struct ovsdb_db *db = ovsdb_db_create();
    struct vg_host host;
    char *text;

    CHECK_EQ(apply__(db, initial), 0);
    CHECK_EQ(apply__(db, "{'Port':{'@PVIF':{'new':{'other_config':['map',"
                         "[['stp-enable','False'],['rstp-enable','no'],"
                         "['other','false']]]}}},"
                         "'Bridge':{'@BR0':{'new':{'stp_enable':true,"
                         "'mcast_snooping_enable':true}}}}"),
             0);
    vg_host_init(&host);
    CHECK_EQ(ovsdb_db_build(db, &host), 0);
    const struct vg_bridge *br = vg_host_find_bridge(&host, "xenbr0");
    CHECK(br && br->stp && !br->rstp && br->mcast_snooping);
    const struct vg_iface *vif = vg_bridge_find_iface(br, "vif1.0");
    CHECK(vif && vif->stp_off && !vif->rstp_off);
    const struct vg_iface *eth0 = vg_bridge_find_iface(br, "eth0");
    CHECK(eth0 && !eth0->stp_off && !eth0->rstp_off);
    br = vg_host_find_bridge(&host, "xenbr1");
    CHECK(br && !br->stp && !br->rstp && !br->mcast_snooping);
    vg_host_destroy(&host);
    CHECK_EQ(build__(db, &text), 0);
    CHECK(has_line__(text, "bridge \"xenbr0\" dpid=0000000000000001 "
                           "fail_mode=\"\" controllers=[] stp "
                           "mcast_snooping uuid=@BR0"));
    CHECK(has_line__(text,
                     "iface \"xenbr0\" \"vif1.0\" ofport=3 type=\"\" "
                     "port=\"vif1.0\" tag=10 port_ifaces=1 "
                     "mac_in_use=null external_ids={\"attached-mac\"="
                     "\"02:00:00:00:00:01\",\"xs-vif-uuid\"=\"v1\"} " NO_BOND
                     "stp_off uuid=@IVIF port_uuid=@PVIF"));
    free(text);

    /* A malformed other_config is taken as empty: in STP again. */
    CHECK_EQ(apply__(db, "{'Port':{'@PVIF':{'new':{'other_config':['map',"
                         "[['stp-enable',5]]]}}}}"),
             1);
    CHECK_EQ(build__(db, &text), 0);
    CHECK(!strstr(text, "stp_off"));
    free(text);
    ovsdb_db_destroy(db);
}

/* The link protocols Open vSwitch runs on a port: Port.lacp "active" or
 * "passive", Interface.cfm_mpid set, Interface.bfd and .lldp with
 * "enable" "true" in any case (smap_get_bool()), as OVS reads them. */
static void
test_link_proto_columns(void)
{
    struct ovsdb_db *db = ovsdb_db_create();
    struct vg_host host;
    char *text;

    CHECK_EQ(apply__(db, initial), 0);
    CHECK_EQ(apply__(db, "{'Port':{'@PVIF':{'new':{'lacp':'passive'}}},"
                         "'Interface':{'@IVIF':{'new':{'cfm_mpid':7,"
                         "'bfd':['map',[['enable','TRUE']]],"
                         "'lldp':['map',[['enable','true']]]}},"
                         "'@IETH1':{'new':{'bfd':['map',[['enable','yes'],"
                         "['min_rx','100']]],"
                         "'lldp':['map',[['enabled','true']]],"
                         "'cfm_mpid':['set',[]]}}}}"),
             0);
    vg_host_init(&host);
    CHECK_EQ(ovsdb_db_build(db, &host), 0);
    const struct vg_bridge *br = vg_host_find_bridge(&host, "xenbr0");
    const struct vg_iface *vif = br ? vg_bridge_find_iface(br, "vif1.0") : 0;
    CHECK(vif && vif->link_protos ==
                     (VG_LP_LACP | VG_LP_CFM | VG_LP_BFD | VG_LP_LLDP));
    const struct vg_iface *eth1 = br ? vg_bridge_find_iface(br, "eth1") : 0;
    CHECK(eth1 && !eth1->link_protos);
    vg_host_destroy(&host);
    CHECK_EQ(build__(db, &text), 0);
    CHECK(strstr(text, "link_protos=\"lacp, cfm, bfd, lldp\""));
    free(text);

    /* Turned off again; "off" and an empty map are off, and a malformed
     * value counts as empty. */
    CHECK_EQ(apply__(db, "{'Port':{'@PVIF':{'new':{'lacp':'off'}}},"
                         "'Interface':{'@IVIF':{'new':{"
                         "'cfm_mpid':['set',[]],"
                         "'bfd':['map',[['enable',5]]],"
                         "'lldp':['map',[]]}}}}"),
             1);
    vg_host_init(&host);
    CHECK_EQ(ovsdb_db_build(db, &host), 0);
    br = vg_host_find_bridge(&host, "xenbr0");
    vif = br ? vg_bridge_find_iface(br, "vif1.0") : 0;
    CHECK(vif && !vif->link_protos);
    vg_host_destroy(&host);

    /* The names, both ways. */
    char names[64];
    CHECK_STREQ(
        vg_link_proto_names(VG_LP_BFD | VG_LP_LACP, names, sizeof names),
        "lacp, bfd");
    CHECK_STREQ(vg_link_proto_names(0, names, sizeof names), "");
    CHECK_STREQ(vg_link_proto_names(VG_LP_LLDP | VG_LP_CFM, names, 5), "cfm,");
    CHECK_STREQ(vg_link_proto_name(VG_LP_LLDP), "lldp");
    CHECK(!vg_link_proto_name(VG_LP_LLDP | VG_LP_CFM));
    CHECK(!vg_link_proto_name(1u << 9));
    CHECK_EQ(vg_link_proto_from_name("cfm"), VG_LP_CFM);
    CHECK_EQ(vg_link_proto_from_name("LLDP"), 0);
    ovsdb_db_destroy(db);
}

/* Where a bridge sends samples: the targets of its sFlow, NetFlow and
 * IPFIX rows, in that order; a row that is not there, or a malformed
 * targets column, sends nowhere. */
static void
test_sampler_columns(void)
{
    struct ovsdb_db *db = ovsdb_db_create();
    char *text;

    CHECK_EQ(apply__(db, initial), 0);
    CHECK_EQ(apply__(db, "{'Bridge':{'@BR0':{'new':{"
                         "'sflow':['uuid','51000000-0000-0000-0000-"
                         "000000000000'],"
                         "'ipfix':['uuid','52000000-0000-0000-0000-"
                         "000000000000'],"
                         "'netflow':['uuid','53000000-0000-0000-0000-"
                         "000000000000']}}},"
                         "'sFlow':{'51000000-0000-0000-0000-000000000000':"
                         "{'new':{'targets':['set',['10.0.0.12:6343',"
                         "'[2001:db8::5]:6343']]}}},"
                         "'IPFIX':{'52000000-0000-0000-0000-000000000000':"
                         "{'new':{'targets':'10.0.0.9:4739'}}}}"),
             0);
    CHECK_EQ(build__(db, &text), 0);
    CHECK(has_line__(text, "sampler \"xenbr0\" sFlow \"10.0.0.12:6343\""));
    CHECK(has_line__(text, "sampler \"xenbr0\" sFlow \"[2001:db8::5]:6343\""));
    CHECK(has_line__(text, "sampler \"xenbr0\" IPFIX \"10.0.0.9:4739\""));
    CHECK(!strstr(text, "NetFlow"));
    free(text);

    /* The targets change; a malformed column is taken as empty. */
    CHECK_EQ(apply__(db, "{'sFlow':{'51000000-0000-0000-0000-000000000000':"
                         "{'new':{'targets':['set',[7]]}}},"
                         "'IPFIX':{'52000000-0000-0000-0000-000000000000':"
                         "{'new':{'targets':'10.0.0.10:4739'}}}}"),
             1);
    CHECK_EQ(build__(db, &text), 0);
    CHECK(!strstr(text, "sFlow"));
    CHECK(has_line__(text, "sampler \"xenbr0\" IPFIX \"10.0.0.10:4739\""));
    free(text);
    ovsdb_db_destroy(db);
}

/* The remote for which Open vSwitch's in-band control is on: xenbr1's
 * controllers, then the managers, as OVS takes them in (bridge.c,
 * connmgr.c), unless the bridge's other_config turns it off. */
static const char *
in_band__(struct ovsdb_db *db, const char *update, char **in_band)
{
    struct vg_host host;
    CHECK_EQ(apply__(db, update), 0);
    vg_host_init(&host);
    CHECK_EQ(ovsdb_db_build(db, &host), 0);
    const struct vg_bridge *br = vg_host_find_bridge(&host, "xenbr1");
    free(*in_band);
    *in_band = br && br->in_band ? ofp_xstrdup(br->in_band) : NULL;
    vg_host_destroy(&host);
    return *in_band ? *in_band : "";
}

static void
test_in_band(void)
{
    struct ovsdb_db *db = ovsdb_db_create();
    char *s = NULL;

    CHECK_EQ(apply__(db, initial), 0);
    /* unix: */
    CHECK_STREQ(in_band__(db, "{}", &s), "");
    /* tcp: to loopback counts for a controller; in-band is the default. */
    CHECK_STREQ(in_band__(db,
                          "{'Controller':{'@C1':{'new':{'target':"
                          "'tcp:127.0.0.1:6653'}}}}",
                          &s),
                "tcp:127.0.0.1:6653");
    CHECK_STREQ(in_band__(db,
                          "{'Controller':{'@C1':{'new':{"
                          "'connection_mode':'in-band'}}}}",
                          &s),
                "tcp:127.0.0.1:6653");
    CHECK_STREQ(in_band__(db,
                          "{'Controller':{'@C1':{'new':{"
                          "'connection_mode':'out-of-band'}}}}",
                          &s),
                "");
    /* ssl:, and a bad mode (not "out-of-band": in-band for OVS). */
    CHECK_STREQ(in_band__(db,
                          "{'Controller':{'@C1':{'new':{'target':"
                          "'ssl:10.0.0.1:6653','connection_mode':"
                          "'sideways'}}}}",
                          &s),
                "ssl:10.0.0.1:6653");
    /* disable-in-band=true (any case) turns it off, anything else does
     * not. */
    CHECK_STREQ(in_band__(db,
                          "{'Bridge':{'@BR1':{'new':{'other_config':"
                          "['map',[['disable-in-band','yes']]]}}}}",
                          &s),
                "ssl:10.0.0.1:6653");
    CHECK_STREQ(in_band__(db,
                          "{'Bridge':{'@BR1':{'new':{'other_config':"
                          "['map',[['disable-in-band','True']]]}}}}",
                          &s),
                "");
    CHECK_STREQ(in_band__(db,
                          "{'Bridge':{'@BR1':{'new':{'other_config':"
                          "['map',[]]}}}}",
                          &s),
                "ssl:10.0.0.1:6653");
    /* IPv6 and passive targets are never in-band. */
    CHECK_STREQ(in_band__(db,
                          "{'Controller':{'@C1':{'new':{'target':"
                          "'tcp:[::1]:6653'}}}}",
                          &s),
                "");
    CHECK_STREQ(in_band__(db,
                          "{'Controller':{'@C1':{'new':{'target':"
                          "'ptcp:6653'}}}}",
                          &s),
                "");
    /* Managers: any bridge's, but not 127.0.0.1 nor out-of-band. */
    CHECK_STREQ(in_band__(db,
                          "{'Manager':{'@M1':{'new':{'target':"
                          "'tcp:127.0.0.1:6640'}}}}",
                          &s),
                "");
    CHECK_STREQ(in_band__(db,
                          "{'Manager':{'@M2':{'new':{'target':"
                          "'ssl:192.0.2.7:6640'}}}}",
                          &s),
                "ssl:192.0.2.7:6640");
    CHECK_STREQ(in_band__(db,
                          "{'Manager':{'@M2':{'new':{"
                          "'connection_mode':'out-of-band'}}}}",
                          &s),
                "");
    CHECK_STREQ(in_band__(db,
                          "{'Manager':{'@M2':{'new':{"
                          "'connection_mode':['set',[]]}}}}",
                          &s),
                "ssl:192.0.2.7:6640");
    CHECK_STREQ(in_band__(db, "{'Manager':{'@M2':{'old':{}}}}", &s), "");
    /* A malformed mode or other_config is taken as empty: in-band. */
    CHECK_STREQ(in_band__(db,
                          "{'Controller':{'@C1':{'new':{'target':"
                          "'tcp:10.0.0.1'}}}}",
                          &s),
                "tcp:10.0.0.1");
    CHECK_EQ(apply__(db, "{'Controller':{'@C1':{'new':{'connection_mode':"
                         "['set',['out-of-band','in-band']]}}}}"),
             1);
    CHECK_STREQ(in_band__(db, "{}", &s), "tcp:10.0.0.1");
    free(s);
    ovsdb_db_destroy(db);
}

/* Whether mirror 'name' of xenbr0 in 'host' sends copies to interface
 * 'iface' (vg_mirror_outputs_to()). */
static bool
mirror_reaches__(const struct vg_host *host, const char *name,
                 const char *iface)
{
    const struct vg_bridge *br = vg_host_find_bridge(host, "xenbr0");
    const struct vg_iface *i = br ? vg_bridge_find_iface(br, iface) : NULL;
    for (size_t j = 0; i && j < br->n_mirrors; j++) {
        if (!strcmp(br->mirrors[j].name, name)) {
            return vg_mirror_outputs_to(&br->mirrors[j], i);
        }
    }
    fprintf(stderr, "no mirror %s or interface %s\n", name, iface);
    CHECK(false);
    return false;
}

/* Bridge.mirrors and the Mirror columns that say where a mirror sends its
 * copies, and which ports get them: its output port, or every port that
 * carries its output VLAN (ovsdb.c, model.c). */
static void
test_mirrors(void)
{
    struct ovsdb_db *db = ovsdb_db_create();
    struct vg_host host;
    char *text;

    CHECK_EQ(apply__(db, initial), 0);
    CHECK_EQ(apply__(db, "{'Mirror':{"
                         "'@MR1':{'new':{'name':'ids','select_all':true,"
                         "  'output_port':#PVIF,'output_vlan':['set',[]]}},"
                         "'@MR2':{'new':{'name':'rspan','select_all':false,"
                         "  'output_port':['set',[]],'output_vlan':10}},"
                         "'@MR3':{'new':{'name':'both','output_port':#PBOND,"
                         "  'output_vlan':20}}},"
                         "'Bridge':{'@BR0':{'new':{'mirrors':['set',[#MR2,"
                         "  #MR1,#MR3]]}}}}"),
             0);
    CHECK_EQ(build__(db, &text), 0);
    /* Sorted by name; output_vlan is ignored beside an output port. */
    char *want = expand__("uuid=@BR0\n"
                          "mirror \"xenbr0\" \"both\" output_port=@PBOND "
                          "output_vlan=-1\n"
                          "mirror \"xenbr0\" \"ids\" output_port=@PVIF "
                          "output_vlan=-1 select_all\n"
                          "mirror \"xenbr0\" \"rspan\" output_port= "
                          "output_vlan=10\n"
                          "iface ");
    if (!strstr(text, want)) {
        fprintf(stderr, "mirrors not found:\n%s\nin:\n%s", want, text);
        CHECK(false);
    }
    free(want);
    CHECK(!strstr(text, "mirror \"xenbr1\""));
    free(text);

    vg_host_init(&host);
    CHECK_EQ(ovsdb_db_build(db, &host), 0);
    /* The output port's interfaces only. */
    CHECK(mirror_reaches__(&host, "ids", "vif1.0"));
    CHECK(!mirror_reaches__(&host, "ids", "eth0"));
    CHECK(mirror_reaches__(&host, "both", "eth0"));
    CHECK(mirror_reaches__(&host, "both", "eth1"));
    CHECK(!mirror_reaches__(&host, "both", "vif1.0"));
    /* VLAN 10: vif1.0 (tag 10, an access port), and the ports without a
     * tag, trunks of every VLAN. */
    CHECK(mirror_reaches__(&host, "rspan", "vif1.0"));
    CHECK(mirror_reaches__(&host, "rspan", "eth0"));
    CHECK(mirror_reaches__(&host, "rspan", "xenbr0"));
    vg_host_destroy(&host);

    /* Another VLAN: not the access port; a port's vlan_mode decides. */
    CHECK_EQ(apply__(db, "{'Mirror':{'@MR2':{'new':{'output_vlan':11}}},"
                         "'Port':{'@PBOND':{'new':{'tag':12,"
                         "  'vlan_mode':'native-untagged'}},"
                         "  '@PBR0':{'new':{'tag':11,"
                         "  'vlan_mode':'access'}}}}"),
             0);
    vg_host_init(&host);
    CHECK_EQ(ovsdb_db_build(db, &host), 0);
    CHECK(!mirror_reaches__(&host, "rspan", "vif1.0"));
    CHECK(mirror_reaches__(&host, "rspan", "eth0"));
    CHECK(mirror_reaches__(&host, "rspan", "xenbr0"));
    vg_host_destroy(&host);
    CHECK_EQ(apply__(db, "{'Port':{'@PBR0':{'new':{'tag':12,"
                         "  'vlan_mode':'dot1q-tunnel'}}}}"),
             0);
    vg_host_init(&host);
    CHECK_EQ(ovsdb_db_build(db, &host), 0);
    CHECK(!mirror_reaches__(&host, "rspan", "xenbr0"));
    vg_host_destroy(&host);

    /* Malformed values: the column taken as empty (so "both" outputs to
     * VLAN 20 now, as OVS would make of it), the name replaced by the
     * row's UUID; a mirror never left out. */
    CHECK_EQ(apply__(db, "{'Mirror':{'@MR1':{'new':{'output_vlan':0}},"
                         "'@MR2':{'new':{'output_vlan':4096,"
                         "  'select_all':'yes'}},"
                         "'@MR3':{'new':{'name':7,'output_port':['set',"
                         "  [#PVIF,#PBOND]]}}}}"),
             5);
    CHECK_EQ(build__(db, &text), 0);
    CHECK(has_line__(text, "mirror \"xenbr0\" \"@MR3\" output_port= "
                           "output_vlan=20"));
    CHECK(has_line__(text, "mirror \"xenbr0\" \"ids\" output_port=@PVIF "
                           "output_vlan=-1 select_all"));
    CHECK(has_line__(text, "mirror \"xenbr0\" \"rspan\" output_port= "
                           "output_vlan=-1"));
    free(text);
    CHECK_EQ(apply__(db, "{'Mirror':{'@MR3':{'new':{'output_vlan':'x'}}}}"),
             1);
    CHECK_EQ(build__(db, &text), 0);
    CHECK(has_line__(text, "mirror \"xenbr0\" \"@MR3\" output_port= "
                           "output_vlan=-1"));
    free(text);

    /* A reference to an unknown row is a problem and left out; a mirror
     * removed from the bridge is gone. */
    CHECK_EQ(apply__(db, "{'Mirror':{'@MR3':{'old':{}}},"
                         "'Bridge':{'@BR0':{'new':{'mirrors':#MR3}},"
                         "'@BR1':{'new':{'mirrors':#MR1}}}}"),
             0);
    CHECK_EQ(build__(db, &text), 1);
    CHECK(!strstr(text, "mirror \"xenbr0\""));
    CHECK(has_line__(text, "mirror \"xenbr1\" \"ids\" output_port=@PVIF "
                           "output_vlan=-1 select_all"));
    free(text);
    /* ... whose output port is on another bridge: OVS ignores it, and it
     * reaches none of xenbr1's ports. */
    vg_host_init(&host);
    CHECK_EQ(ovsdb_db_build(db, &host), 1);
    const struct vg_bridge *br1 = vg_host_find_bridge(&host, "xenbr1");
    CHECK(br1 && br1->n_mirrors == 1 && br1->n_ifaces == 1 &&
          !vg_mirror_outputs_to(&br1->mirrors[0], &br1->ifaces[0]));
    vg_host_destroy(&host);
    ovsdb_db_destroy(db);
}

int
main(void)
{
    /* The malformed cases log warnings by design; keep stderr for CHECK
     * failures. */
    vg_log_use_stderr(false);
    test_remote();
    test_parser();
    test_datum();
    test_snapshot();
    test_rebuild();
    test_rebuild_rows();
    test_malformed();
    test_iface_in_two_ports();
    test_stp_columns();
    test_link_proto_columns();
    test_sampler_columns();
    test_in_band();
    test_mirrors();
    test_monitor_params();
    test_format_quoting();
    return check_summary();
}
