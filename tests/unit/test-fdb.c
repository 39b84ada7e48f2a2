/* Unit tests for src/fdb.c: the fdb/show parser (Open vSwitch 3.1's
 * output, and every malformed case), the control socket's path, and whole
 * operations against a small unixctl server in this process (JSON-RPC on a
 * unix socket, answering as ovs-vswitchd would, or as an old or broken one
 * would), run on the event loop. */
#include <config.h>

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ofp/buf.h"
#include "src/fdb.h"
#include "src/jsonrpc.h"
#include "src/loop.h"
#include "tests/unit/check.h"

/* What ovs-vswitchd 3.1 prints (ofproto_unixctl_fdb_show()). */
static const char show_text[] = " port  VLAN  MAC                Age\n"
                                "    1     0  02:00:00:00:00:01    3\n"
                                "   12     0  02:00:00:00:00:01    0\n"
                                "   12     0  02:00:00:00:00:12   17\n"
                                "   12    10  02:00:00:00:00:77  static\n"
                                "LOCAL     0  aa:bb:cc:dd:ee:ff  300\n"
                                "   13     0  02:00:00:00:00:13    1\n";

static void
test_parse(void)
{
    struct fdb_entry *v;
    size_t n;
    char *err;

    CHECK_EQ(fdb_parse_show(show_text, &v, &n, &err), 0);
    CHECK(!err);
    CHECK_EQ(n, 6);
    if (n == 6) {
        CHECK_EQ(v[0].ofport, 1);
        CHECK_EQ(v[0].vlan, 0);
        CHECK_EQ(v[0].mac[5], 1);
        CHECK(!v[0].is_static);
        CHECK_EQ(v[3].ofport, 12);
        CHECK_EQ(v[3].vlan, 10);
        CHECK_EQ(v[3].mac[5], 0x77);
        CHECK(v[3].is_static);
        CHECK_EQ(v[4].ofport, 0); /* LOCAL */
        CHECK_EQ(v[4].mac[0], 0xaa);
        CHECK_EQ(v[4].mac[5], 0xff);
    }
    free(v);

    /* An empty table: the header only, with or without the newline. */
    CHECK_EQ(
        fdb_parse_show(" port  VLAN  MAC                Age\n", &v, &n, &err),
        0);
    CHECK_EQ(n, 0);
    CHECK(!v);
    CHECK_EQ(
        fdb_parse_show(" port  VLAN  MAC                Age", &v, &n, &err),
        0);
    CHECK_EQ(n, 0);

    static const struct {
        const char *text;
        const char *msg;
    } bad[] = {
        { "", "empty reply" },
        { "port VLAN MAC\n", "line 1: not the header" },
        { " port  VLAN  MAC  Age  more\n", "line 1: not the header" },
        { "    1     0  02:00:00:00:00:01    3\n", "line 1: not the header" },
        { " port VLAN MAC Age\n 1 4096 02:00:00:00:00:01 3\n",
          "line 2: bad VLAN" },
        { " port VLAN MAC Age\n 1 -1 02:00:00:00:00:01 3\n",
          "line 2: bad VLAN" },
        { " port VLAN MAC Age\n 1 0 02:00:00:00:00 3\n", "line 2: bad MAC" },
        { " port VLAN MAC Age\n 1 0 02:00:00:00:00:0g 3\n", "bad MAC" },
        { " port VLAN MAC Age\n 1 0 02-00-00-00-00-01 3\n", "bad MAC" },
        { " port VLAN MAC Age\n 1 0 02:00:00:00:00:01\n", "line 2: bad age" },
        { " port VLAN MAC Age\n 1 0 02:00:00:00:00:01 old\n", "bad age" },
        { " port VLAN MAC Age\n 1 0 02:00:00:00:00:01 3 x\n",
          "extra text after the age" },
        { " port VLAN MAC Age\n 0 0 02:00:00:00:00:01 3\n",
          "bad port number" },
        { " port VLAN MAC Age\n 99999999999 0 02:00:00:00:00:01 3\n",
          "bad port number" },
        { " port VLAN MAC Age\n 1x 0 02:00:00:00:00:01 3\n",
          "bad port number" },
        { " port VLAN MAC Age\n a\"b 0 02:00:00:00:00:01 3\n",
          "bad port name" },
        { " port VLAN MAC Age\n 1 0 02:00:00:00:00:01 3\r\n",
          "control characters" },
        { " port VLAN MAC Age\n 1 0 02:00:00:00:00:01 3\n"
          "this line is garbage and long enough to be cut in the message "
          "that names it\n",
          "line 3: bad VLAN: \"this line is garbage and long enough to be "
          "cut in the messag...\"" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        v = (struct fdb_entry *)1;
        n = 99;
        CHECK_EQ(fdb_parse_show(bad[i].text, &v, &n, &err), EPROTO);
        CHECK(!v);
        CHECK_EQ(n, 0);
        CHECK_ERRMSG(err, bad[i].msg);
    }
}

static char tmpdir[] = "/tmp/vg-test-fdb-XXXXXX";

static void
touch__(const char *name)
{
    char *path = ofp_xasprintf("%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fclose(f);
    }
    free(path);
}

static void
write_file__(const char *name, const char *text)
{
    char *path = ofp_xasprintf("%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    free(path);
}

static void
unlink__(const char *name)
{
    char *path = ofp_xasprintf("%s/%s", tmpdir, name);
    unlink(path);
    free(path);
}

static void
test_ctl_path(void)
{
    char *path, *err = NULL;
    char *want;

    CHECK_EQ(fdb_ctl_path(tmpdir, &path, &err), ENOENT);
    CHECK(!path);
    CHECK_ERRMSG(err, "has no pid, and there is no");

    /* As --unixctl=ovs-vswitchd.ctl names it. */
    touch__("ovs-vswitchd.ctl");
    CHECK_EQ(fdb_ctl_path(tmpdir, &path, &err), 0);
    want = ofp_xasprintf("%s/ovs-vswitchd.ctl", tmpdir);
    CHECK_STREQ(path, want);
    free(want);
    free(path);

    /* The default: the pid's socket wins. */
    write_file__("ovs-vswitchd.pid", "4242\n");
    touch__("ovs-vswitchd.4242.ctl");
    CHECK_EQ(fdb_ctl_path(tmpdir, &path, &err), 0);
    want = ofp_xasprintf("%s/ovs-vswitchd.4242.ctl", tmpdir);
    CHECK_STREQ(path, want);
    free(want);
    free(path);

    /* A pid without its socket (a stale pidfile): the plain name. */
    write_file__("ovs-vswitchd.pid", "4243\n");
    CHECK_EQ(fdb_ctl_path(tmpdir, &path, &err), 0);
    want = ofp_xasprintf("%s/ovs-vswitchd.ctl", tmpdir);
    CHECK_STREQ(path, want);
    free(want);
    free(path);

    unlink__("ovs-vswitchd.ctl");
    CHECK_EQ(fdb_ctl_path(tmpdir, &path, &err), ENOENT);
    CHECK_ERRMSG(err, "ovs-vswitchd.4243.ctl (pid from");

    write_file__("ovs-vswitchd.pid", "garbage\n");
    CHECK_EQ(fdb_ctl_path(tmpdir, &path, &err), ENOENT);
    CHECK_ERRMSG(err, "has no pid");
    unlink__("ovs-vswitchd.pid");
    unlink__("ovs-vswitchd.4242.ctl");
}

/* A unixctl server: answers each request with 'answer__()', and logs the
 * requests as "method arg arg..." lines. */
struct server {
    int listen_fd;
    struct vg_io *listen_io;
    int fd;
    struct vg_io *io;
    struct jsonrpc_parser *parser;
    const char *show; /* fdb/show's result, or NULL: an error. */
    bool old_ovs;     /* No fdb/add, fdb/del. */
    bool silent;      /* Answers nothing. */
    struct ofp_buf log;
};

static struct server srv;

/* The callback's outcome. */
static struct {
    bool called;
    int error;
    char *msg;
    struct fdb_result res;
    char *reason;
} out;

static void
reply__(struct json_object *id, const char *result, const char *error)
{
    struct json_object *msg = json_object_new_object();
    json_object_object_add(msg, "result",
                           result ? json_object_new_string(result) : NULL);
    json_object_object_add(msg, "error",
                           error ? json_object_new_string(error) : NULL);
    json_object_object_add(msg, "id", json_object_get(id));
    const char *s = json_object_to_json_string(msg);
    CHECK_EQ(write(srv.fd, s, strlen(s)), (ssize_t)strlen(s));
    json_object_put(msg);
}

static void
answer__(struct json_object *req)
{
    struct json_object *method, *params, *id;
    CHECK(json_object_object_get_ex(req, "method", &method));
    CHECK(json_object_object_get_ex(req, "params", &params));
    CHECK(json_object_object_get_ex(req, "id", &id));
    const char *m = json_object_get_string(method);
    ofp_buf_put(&srv.log, m, strlen(m));
    for (size_t i = 0; i < json_object_array_length(params); i++) {
        const char *a =
            json_object_get_string(json_object_array_get_idx(params, i));
        ofp_buf_put(&srv.log, " ", 1);
        ofp_buf_put(&srv.log, a, strlen(a));
    }
    ofp_buf_put(&srv.log, "\n", 1);
    if (srv.silent) {
        return;
    }
    if (!strcmp(m, "fdb/show")) {
        reply__(id, srv.show, srv.show ? NULL : "no such bridge");
    } else if (srv.old_ovs && strncmp(m, "fdb/flush", 9)) {
        char *e = ofp_xasprintf("\"%s\" is not a valid command (use "
                                "\"list-commands\" to see a list of valid "
                                "commands)",
                                m);
        reply__(id, NULL, e);
        free(e);
    } else if (!strcmp(m, "fdb/flush")) {
        reply__(id, "table successfully flushed\n", NULL);
    } else {
        reply__(id, "", NULL);
    }
}

static void
conn_cb__(struct vg_io *io, int revents, void *aux)
{
    char buf[4096];
    (void)io;
    (void)revents;
    (void)aux;
    ssize_t n = read(srv.fd, buf, sizeof buf);
    if (n <= 0) {
        vg_io_destroy(srv.io);
        srv.io = NULL;
        close(srv.fd);
        srv.fd = -1;
        return;
    }
    size_t ofs = 0;
    while (ofs < (size_t)n) {
        struct json_object *v;
        const char *what;
        size_t used;
        CHECK_EQ(jsonrpc_parser_feed(srv.parser, buf + ofs, (size_t)n - ofs,
                                     &used, &v, &what),
                 0);
        ofs += used;
        if (v) {
            answer__(v);
            json_object_put(v);
        }
    }
}

static void
accept_cb__(struct vg_io *io, int revents, void *aux)
{
    (void)io;
    (void)revents;
    (void)aux;
    int fd = accept(srv.listen_fd, NULL, NULL);
    CHECK(fd >= 0);
    CHECK(srv.fd < 0); /* One connection per operation. */
    srv.fd = fd;
    srv.io = vg_io_create(fd, VG_READ, conn_cb__, NULL);
    jsonrpc_parser_destroy(srv.parser);
    srv.parser = jsonrpc_parser_create(1 << 20);
}

static void
server_start__(void)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    snprintf(sun.sun_path, sizeof sun.sun_path, "%s/ovs-vswitchd.ctl", tmpdir);
    unlink(sun.sun_path);
    srv.listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_EQ(bind(srv.listen_fd, (struct sockaddr *)&sun, sizeof sun), 0);
    CHECK_EQ(listen(srv.listen_fd, 4), 0);
    srv.listen_io = vg_io_create(srv.listen_fd, VG_READ, accept_cb__, NULL);
    srv.fd = -1;
    ofp_buf_init(&srv.log);
}

static void
server_stop__(void)
{
    vg_io_destroy(srv.listen_io);
    close(srv.listen_fd);
    if (srv.fd >= 0) {
        vg_io_destroy(srv.io);
        close(srv.fd);
    }
    jsonrpc_parser_destroy(srv.parser);
    ofp_buf_uninit(&srv.log);
    unlink__("ovs-vswitchd.ctl");
    memset(&srv, 0, sizeof srv);
}

static void
done_cb__(void *aux, int error, const char *msg, const struct fdb_result *res)
{
    (void)aux;
    out.called = true;
    out.error = error;
    out.msg = msg ? ofp_xstrdup(msg) : NULL;
    out.res = *res;
    out.reason = res->flush_reason ? ofp_xstrdup(res->flush_reason) : NULL;
    out.res.flush_reason = NULL;
    vg_loop_break();
}

/* Runs one operation on the guest ports 12 (MAC ...:12) and 13 (no MAC)
 * against the server as set up; returns the server's log. */
static const char *
run_op__(void)
{
    static const struct fdb_port ports[] = {
        { 13, "vif13.0", false, { 0 } },
        { 12, "vif12.0", true, { 2, 0, 0, 0, 0, 0x12 } },
    };
    free(out.msg);
    free(out.reason);
    memset(&out, 0, sizeof out);
    struct fdb_op *op = fdb_clean(tmpdir, "br0", ports, 2, done_cb__, NULL);
    CHECK(op != NULL);
    CHECK(!out.called); /* Never from inside fdb_clean(). */
    vg_loop_run();
    CHECK(out.called);
    if (srv.listen_io) {
        ofp_buf_put(&srv.log, "", 1);
        return (const char *)srv.log.data;
    }
    return "";
}

static void
test_ops(void)
{
    /* No control socket. */
    run_op__();
    CHECK_EQ(out.error, ENOENT);
    CHECK(out.msg && strstr(out.msg, "no control socket"));

    /* Port 12's foreign entries (the router's MAC, a static entry in
     * VLAN 10) and port 13's go; port 12's own MAC and port 1's stay. */
    server_start__();
    srv.show = show_text;
    CHECK_STREQ(run_op__(), "fdb/show br0\n"
                            "fdb/add br0 vif12.0 0 02:00:00:00:00:01\n"
                            "fdb/del br0 0 02:00:00:00:00:01\n"
                            "fdb/add br0 vif12.0 10 02:00:00:00:00:77\n"
                            "fdb/del br0 10 02:00:00:00:00:77\n"
                            "fdb/add br0 vif13.0 0 02:00:00:00:00:13\n"
                            "fdb/del br0 0 02:00:00:00:00:13\n");
    CHECK_EQ(out.error, 0);
    CHECK_EQ(out.res.n_entries, 6);
    CHECK_EQ(out.res.n_removed, 3);
    CHECK(!out.res.flushed);
    server_stop__();

    /* Nothing foreign: fdb/show only. */
    server_start__();
    srv.show = " port  VLAN  MAC                Age\n"
               "   12     0  02:00:00:00:00:12    0\n"
               "    1     0  02:00:00:00:00:13    0\n";
    CHECK_STREQ(run_op__(), "fdb/show br0\n");
    CHECK_EQ(out.error, 0);
    CHECK_EQ(out.res.n_removed, 0);
    server_stop__();

    /* An Open vSwitch before 2.16: the bridge's table is flushed. */
    server_start__();
    srv.show = show_text;
    srv.old_ovs = true;
    const char *log = run_op__();
    CHECK(strstr(log, "\nfdb/flush br0\n") != NULL);
    CHECK_EQ(out.error, 0);
    CHECK(out.res.flushed);
    CHECK(out.res.degraded);
    CHECK(out.reason && strstr(out.reason, "no fdb/add"));
    CHECK_EQ(out.res.n_removed, 0);
    server_stop__();

    /* A reply it does not understand: flushed too. */
    server_start__();
    srv.show = "MAC table of br0:\n 12 02:00:00:00:00:01\n";
    CHECK_STREQ(run_op__(), "fdb/show br0\nfdb/flush br0\n");
    CHECK_EQ(out.error, 0);
    CHECK(out.res.flushed && out.res.degraded);
    CHECK(out.reason && strstr(out.reason, "not the header"));
    server_stop__();

    /* An error reply to fdb/show. */
    server_start__();
    srv.show = NULL;
    CHECK_STREQ(run_op__(), "fdb/show br0\n");
    CHECK_EQ(out.error, EIO);
    CHECK_STREQ(out.msg, "fdb/show br0: no such bridge");
    server_stop__();

    /* Many foreign entries: one flush instead. */
    server_start__();
    struct ofp_buf big;
    ofp_buf_init(&big);
    const char *hdr = " port  VLAN  MAC                Age\n";
    ofp_buf_put(&big, hdr, strlen(hdr));
    for (int i = 0; i < FDB_MAX_REMOVE + 1; i++) {
        char line[64];
        snprintf(line, sizeof line,
                 "   12     0  02:00:00:01:%02x:%02x    1\n", i >> 8,
                 i & 0xff);
        ofp_buf_put(&big, line, strlen(line));
    }
    ofp_buf_put(&big, "", 1);
    srv.show = (const char *)big.data;
    CHECK_STREQ(run_op__(), "fdb/show br0\nfdb/flush br0\n");
    CHECK_EQ(out.error, 0);
    CHECK(out.res.flushed && !out.res.degraded);
    CHECK(out.reason && strstr(out.reason, "257 entries to remove"));
    ofp_buf_uninit(&big);
    server_stop__();

    /* Cancelled: no callback. */
    server_start__();
    srv.silent = true;
    free(out.msg);
    free(out.reason);
    memset(&out, 0, sizeof out);
    static const struct fdb_port one = { 12, "vif12.0", false, { 0 } };
    fdb_cancel(fdb_clean(tmpdir, "br0", &one, 1, done_cb__, NULL));
    CHECK(!out.called);
    fdb_cancel(NULL);
    server_stop__();

    free(out.msg);
    free(out.reason);
}

int
main(void)
{
    CHECK(mkdtemp(tmpdir) != NULL);
    test_parse();
    test_ctl_path();
    test_ops();
    rmdir(tmpdir);
    return check_summary();
}
