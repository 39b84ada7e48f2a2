/* Unit tests for src/config.c: defaults, every command line option, the
 * configuration file syntax, precedence of the command line over the file,
 * and the exact message of every kind of bad input. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ofp/buf.h"
#include "src/config.h"
#include "tests/unit/check.h"

#define MAX_ARGS 16

/* Parses the NULL-terminated arguments (after a program name) into a
 * fresh config 'cfg'.  Returns the error message (malloc'd) or NULL. */
static char *
args__(struct vg_config *cfg, ...)
{
    char *argv[MAX_ARGS + 2];
    int argc = 0;
    va_list ap;
    char *err = NULL;

    vg_config_init(cfg);
    argv[argc++] = ofp_xstrdup("vifguardd");
    va_start(ap, cfg);
    for (const char *a; (a = va_arg(ap, const char *)) && argc <= MAX_ARGS;) {
        argv[argc++] = ofp_xstrdup(a);
    }
    va_end(ap);
    argv[argc] = NULL;

    int error = vg_config_parse_args(cfg, argc, argv, &err);
    CHECK(error ? err != NULL : err == NULL);
    CHECK(!error || error == EINVAL);
    for (int i = 0; i < argc; i++) {
        free(argv[i]);
    }
    return err;
}

/* Checks that the arguments fail with 'want'. */
static void
args_error__(const char *want, ...)
{
    char *argv[MAX_ARGS + 2];
    int argc = 0;
    struct vg_config cfg;
    char *err = NULL;
    va_list ap;

    vg_config_init(&cfg);
    argv[argc++] = ofp_xstrdup("vifguardd");
    va_start(ap, want);
    for (const char *a; (a = va_arg(ap, const char *)) && argc <= MAX_ARGS;) {
        argv[argc++] = ofp_xstrdup(a);
    }
    va_end(ap);
    argv[argc] = NULL;

    CHECK_EQ(vg_config_parse_args(&cfg, argc, argv, &err), EINVAL);
    CHECK_STREQ(err, want);
    free(err);
    for (int i = 0; i < argc; i++) {
        free(argv[i]);
    }
    vg_config_destroy(&cfg);
}

/* Parses 'text' as file "test.conf" into 'cfg' (already initialized).
 * Returns the error message (malloc'd) or NULL. */
static char *
file__(struct vg_config *cfg, const char *text)
{
    char *err = NULL;
    int error = vg_config_parse_file(cfg, text, "test.conf", &err);
    CHECK(error ? err != NULL : err == NULL);
    CHECK(!error || error == EINVAL);
    return err;
}

static void
file_error__(const char *text, const char *want)
{
    struct vg_config cfg;
    vg_config_init(&cfg);
    char *err = file__(&cfg, text);
    CHECK_STREQ(err, want);
    if (!err || strcmp(err, want)) {
        fprintf(stderr, "  for file text: %s\n", text);
    }
    free(err);
    vg_config_destroy(&cfg);
}

static void
test_defaults(void)
{
    struct vg_config cfg;
    vg_config_init(&cfg);
    CHECK_STREQ(cfg.ovsdb, "unix:/var/run/openvswitch/db.sock");
    CHECK_EQ(cfg.n_listen, 1);
    CHECK_STREQ(cfg.listen[0], "punix:/var/run/openvswitch/vifguard.ofp.sock");
    CHECK_STREQ(cfg.ctl, "/var/run/vifguard/ctl.sock");
    CHECK_EQ(cfg.default_mode, VG_MODE_LOCKED);
    CHECK_EQ(cfg.n_guest_globs, 2);
    CHECK_STREQ(cfg.guest_globs[0], "vif*");
    CHECK_STREQ(cfg.guest_globs[1], "tap*");
    CHECK_STREQ(cfg.config_file, "/etc/vifguard/vifguard.conf");
    CHECK(!cfg.detach);
    CHECK(cfg.pidfile == NULL);
    CHECK(cfg.log_file == NULL);
    CHECK(!cfg.debug_all);
    CHECK_EQ(cfg.n_debug, 0);
    CHECK(!cfg.help);
    CHECK(!cfg.version);

    CHECK(vg_config_is_guest_name(&cfg, "vif5.0"));
    CHECK(vg_config_is_guest_name(&cfg, "vif"));
    CHECK(vg_config_is_guest_name(&cfg, "tap3.1"));
    CHECK(!vg_config_is_guest_name(&cfg, "eth0"));
    CHECK(!vg_config_is_guest_name(&cfg, "xenbr0"));
    CHECK(!vg_config_is_guest_name(&cfg, ""));
    CHECK(!vg_config_is_guest_name(&cfg, "avif1"));
    vg_config_destroy(&cfg);
    vg_config_destroy(NULL);
}

static void
test_args(void)
{
    struct vg_config cfg;
    char *err;

    err = args__(&cfg, NULL);
    CHECK(err == NULL);
    CHECK_EQ(cfg.n_listen, 1);
    vg_config_destroy(&cfg);

    err = args__(&cfg, "--ovsdb=tcp:127.0.0.1:6640", "--listen=punix:/a.sock",
                 "--listen", "ptcp:6653:127.0.0.1", "--ctl=/run/x/ctl.sock",
                 "--default-mode=unlocked", "--guest-ports= vif* , eth1 ",
                 "--config=/tmp/vg.conf", "--detach", "--pidfile=/run/vg.pid",
                 "--log-file=/var/log/vg.log", NULL);
    CHECK(err == NULL);
    free(err);
    CHECK_STREQ(cfg.ovsdb, "tcp:127.0.0.1:6640");
    CHECK_EQ(cfg.n_listen, 2);
    CHECK_STREQ(cfg.listen[0], "punix:/a.sock");
    CHECK_STREQ(cfg.listen[1], "ptcp:6653:127.0.0.1");
    CHECK_STREQ(cfg.ctl, "/run/x/ctl.sock");
    CHECK_EQ(cfg.default_mode, VG_MODE_UNLOCKED);
    CHECK_EQ(cfg.n_guest_globs, 2);
    CHECK_STREQ(cfg.guest_globs[0], "vif*");
    CHECK_STREQ(cfg.guest_globs[1], "eth1");
    CHECK(vg_config_is_guest_name(&cfg, "eth1"));
    CHECK(!vg_config_is_guest_name(&cfg, "tap0"));
    CHECK_STREQ(cfg.config_file, "/tmp/vg.conf");
    CHECK(cfg.detach);
    CHECK_STREQ(cfg.pidfile, "/run/vg.pid");
    CHECK_STREQ(cfg.log_file, "/var/log/vg.log");
    CHECK_EQ(cfg.source[VG_SET_CTL], VG_SRC_ARGS);
    CHECK_EQ(cfg.source[VG_SET_DETACH], VG_SRC_ARGS);
    vg_config_destroy(&cfg);

    /* Separate values, the other modes, IPv6 listeners. */
    err = args__(&cfg, "--ctl", "/c.sock", "--default-mode", "disabled",
                 "--listen=ptcp:6653:[::1]",
                 "--listen=ptcp:1:::", "--listen=ptcp:65535", NULL);
    CHECK(err == NULL);
    CHECK_STREQ(cfg.ctl, "/c.sock");
    CHECK_EQ(cfg.default_mode, VG_MODE_DISABLED);
    CHECK_EQ(cfg.n_listen, 3);
    vg_config_destroy(&cfg);
    err = args__(&cfg, "--default-mode=locked", NULL);
    CHECK(err == NULL);
    CHECK_EQ(cfg.default_mode, VG_MODE_LOCKED);
    vg_config_destroy(&cfg);

    /* Verbosity. */
    err = args__(&cfg, "-v", NULL);
    CHECK(err == NULL);
    CHECK(cfg.debug_all);
    CHECK_EQ(cfg.n_debug, 0);
    vg_config_destroy(&cfg);
    err = args__(&cfg, "-vovsdb", "--verbose=engine,ctl", "-vall", NULL);
    CHECK(err == NULL);
    CHECK(cfg.debug_all);
    CHECK_EQ(cfg.n_debug, 3);
    CHECK_STREQ(cfg.debug[0], "ovsdb");
    CHECK_STREQ(cfg.debug[1], "engine");
    CHECK_STREQ(cfg.debug[2], "ctl");
    vg_config_destroy(&cfg);
    err = args__(&cfg, "--verbose", NULL);
    CHECK(err == NULL);
    CHECK(cfg.debug_all);
    vg_config_destroy(&cfg);

    /* Help and version. */
    err = args__(&cfg, "--help", NULL);
    CHECK(err == NULL && cfg.help && !cfg.version);
    vg_config_destroy(&cfg);
    err = args__(&cfg, "-h", NULL);
    CHECK(err == NULL && cfg.help);
    vg_config_destroy(&cfg);
    err = args__(&cfg, "--version", NULL);
    CHECK(err == NULL && cfg.version && !cfg.help);
    vg_config_destroy(&cfg);
    err = args__(&cfg, "-V", NULL);
    CHECK(err == NULL && cfg.version);
    vg_config_destroy(&cfg);

    /* --detach without --pidfile and --pidfile without --detach are both
     * fine. */
    err = args__(&cfg, "--detach", NULL);
    CHECK(err == NULL && cfg.detach && !cfg.pidfile);
    vg_config_destroy(&cfg);
    err = args__(&cfg, "--pidfile=/p", NULL);
    CHECK(err == NULL && !cfg.detach && cfg.pidfile);
    vg_config_destroy(&cfg);
}

static void
test_args_errors(void)
{
    char path[300];

    args_error__("unknown option \"--bogus\" (see --help)", "--bogus", NULL);
    args_error__("unknown option \"--bogus\" (see --help)", "--bogus=1", NULL);
    args_error__("unknown option \"-q\" (see --help)", "-q", NULL);
    args_error__("unknown option \"-x\" (see --help)", "-hx", NULL);
    args_error__("option \"--ctl\" needs a value", "--ctl", NULL);
    args_error__("option \"--listen\" needs a value", "--detach", "--listen",
                 NULL);
    args_error__("option \"--detach\" does not take a value", "--detach=yes",
                 NULL);
    args_error__("option \"--help\" does not take a value", "--help=1", NULL);
    args_error__("--ctl: missing value", "--ctl=", NULL);
    args_error__("--ovsdb: missing value", "--ovsdb=", NULL);
    args_error__("--pidfile: missing value", "--pidfile=", NULL);
    args_error__("--log-file: missing value", "--log-file=", NULL);
    args_error__("--config: missing value", "--config=", NULL);
    args_error__("--default-mode: \"lockd\": unknown mode (expected locked, "
                 "unlocked or disabled)",
                 "--default-mode=lockd", NULL);
    args_error__("--default-mode: \"LOCKED\": unknown mode (expected locked, "
                 "unlocked or disabled)",
                 "--default-mode=LOCKED", NULL);
    args_error__("--ovsdb: \"db.sock\": bad OVSDB remote (expected unix:PATH "
                 "or tcp:IP:PORT)",
                 "--ovsdb=db.sock", NULL);
    args_error__("--ovsdb: \"unix:\": bad OVSDB remote (expected unix:PATH or "
                 "tcp:IP:PORT)",
                 "--ovsdb=unix:", NULL);

    args_error__("--listen: \"tcp:6653\": bad listen target (expected "
                 "punix:PATH or ptcp:PORT[:IP])",
                 "--listen=tcp:6653", NULL);
    args_error__("--listen: \"unix:/x\": bad listen target (expected "
                 "punix:PATH or ptcp:PORT[:IP])",
                 "--listen=unix:/x", NULL);
    args_error__("--listen: \"ptcp:abc\": bad port number \"abc\" (expected 1 "
                 "to 65535)",
                 "--listen=ptcp:abc", NULL);
    args_error__("--listen: \"ptcp:0\": bad port number \"0\" (expected 1 to "
                 "65535)",
                 "--listen=ptcp:0", NULL);
    args_error__("--listen: \"ptcp:65536\": bad port number \"65536\" "
                 "(expected 1 to 65535)",
                 "--listen=ptcp:65536", NULL);
    args_error__("--listen: \"ptcp:+1\": bad port number \"+1\" (expected 1 "
                 "to 65535)",
                 "--listen=ptcp:+1", NULL);
    args_error__("--listen: \"ptcp:000001\": bad port number \"000001\" "
                 "(expected 1 to 65535)",
                 "--listen=ptcp:000001", NULL);
    args_error__("--listen: \"ptcp:\": bad port number \"\" (expected 1 to "
                 "65535)",
                 "--listen=ptcp:", NULL);
    args_error__("--listen: \"ptcp::1.2.3.4\": bad port number \"\" "
                 "(expected 1 to 65535)",
                 "--listen=ptcp::1.2.3.4", NULL);
    args_error__("--listen: \"ptcp:6653:1.2.3.4.5\": bad IP address "
                 "\"1.2.3.4.5\"",
                 "--listen=ptcp:6653:1.2.3.4.5", NULL);
    args_error__("--listen: \"ptcp:6653:\": bad IP address \"\"",
                 "--listen=ptcp:6653:", NULL);
    args_error__("--listen: \"ptcp:6653:[1.2.3.4]\": bad IPv6 address "
                 "\"1.2.3.4\"",
                 "--listen=ptcp:6653:[1.2.3.4]", NULL);
    args_error__("--listen: \"punix:\": empty socket path",
                 "--listen=punix:", NULL);

    memset(path, 'a', sizeof path);
    path[0] = '/';
    path[108] = '\0'; /* 108 bytes: one too many. */
    char *arg = ofp_xasprintf("--ctl=%s", path);
    char *want = ofp_xasprintf("--ctl: \"%s\": socket path too long (at most "
                               "107 bytes)",
                               path);
    args_error__(want, arg, NULL);
    free(arg);
    free(want);
    arg = ofp_xasprintf("--listen=punix:%s", path);
    want = ofp_xasprintf("--listen: \"punix:%s\": socket path too long (at "
                         "most 107 bytes)",
                         path);
    args_error__(want, arg, NULL);
    free(arg);
    free(want);
    path[107] = '\0'; /* 107 bytes: fine. */
    struct vg_config cfg;
    arg = ofp_xasprintf("--ctl=%s", path);
    char *err = args__(&cfg, arg, NULL);
    CHECK(err == NULL);
    free(arg);
    vg_config_destroy(&cfg);

    args_error__("--guest-ports: \"vif*,,tap*\": empty pattern in list",
                 "--guest-ports=vif*,,tap*", NULL);
    args_error__("--guest-ports: \",\": empty pattern in list",
                 "--guest-ports=,", NULL);
    args_error__("--guest-ports: \"vif*, \": empty pattern in list",
                 "--guest-ports=vif*, ", NULL);
    args_error__("-v: \"OVSDB\": bad subsystem name \"OVSDB\"", "-vOVSDB",
                 NULL);
    args_error__("-v: \"ovsdb,\": empty subsystem in list", "-vovsdb,", NULL);
    /* A misspelt subsystem would enable nothing without a word. */
    args_error__("-v: \"ovsbd\": unknown subsystem \"ovsbd\" (expected all "
                 "or attach, bondlearn, ctl, engine, fdb, jsonrpc, log, main, "
                 "noflood, ofconn, ovsdb, xenstore)",
                 "-vovsbd", NULL);
    args_error__("-v: \"engine,engnie\": unknown subsystem \"engnie\" "
                 "(expected all or attach, bondlearn, ctl, engine, fdb, "
                 "jsonrpc, log, main, noflood, ofconn, ovsdb, xenstore)",
                 "--verbose=engine,engnie", NULL);
    args_error__("-v: \"a b\": bad subsystem name \"a b\"", "--verbose=a b",
                 NULL);

    args_error__("option \"--ctl\" given more than once", "--ctl=/a",
                 "--ctl=/b", NULL);
    args_error__("option \"--detach\" given more than once", "--detach",
                 "--detach", NULL);
    args_error__("option \"--default-mode\" given more than once",
                 "--default-mode=locked", "--default-mode=locked", NULL);
    args_error__("unexpected argument \"foo\" (vifguardd takes only options; "
                 "see --help)",
                 "foo", NULL);
    args_error__("unexpected argument \"ovsdb\" (vifguardd takes only "
                 "options; see --help)",
                 "-v", "ovsdb", NULL);
    args_error__("--ctl: \"/tmp/a\\x0ab\": control character in value",
                 "--ctl=/tmp/a\nb", NULL);
    args_error__("--pidfile: \"/x\\x7f\": control character in value",
                 "--pidfile=/x\x7f", NULL);
}

static void
test_file(void)
{
    struct vg_config cfg;
    char *err;

    vg_config_init(&cfg);
    err = file__(&cfg, "");
    CHECK(err == NULL);
    err = file__(&cfg, "\n\n# only comments\n   # indented comment\n\t\n");
    CHECK(err == NULL);
    CHECK_EQ(cfg.source[VG_SET_CTL], VG_SRC_DEFAULT);
    vg_config_destroy(&cfg);

    vg_config_init(&cfg);
    err =
        file__(&cfg, "# vifguard.conf\n"
                     "ovsdb = tcp:10.0.0.1:6640\n"
                     "\n"
                     "listen = punix:/run/a.sock\r\n"
                     "  listen=ptcp:6653:[::1]  \n"
                     "ctl\t=\t/run/ctl.sock\n"
                     "default-mode = disabled\n"
                     "guest-ports = vif*,tap*, qvo*\n"
                     "log-file = /var/log/vifguard.log\n"
                     "pidfile = /run/vifguard.pid\n"
                     "verbose = ovsdb, engine\n"
                     "# a comment = with an equals sign\n"
                     "ctl_comment_not = # not at line start is part of a key");
    CHECK_STREQ(err, "test.conf:13: unknown setting \"ctl_comment_not\" "
                     "(expected ovsdb, listen, ctl, default-mode, "
                     "guest-ports, attach-bridges, attach-command, "
                     "xenstore, log-file, pidfile or verbose)");
    free(err);
    CHECK_STREQ(cfg.ovsdb, "tcp:10.0.0.1:6640");
    CHECK_EQ(cfg.n_listen, 2);
    CHECK_STREQ(cfg.listen[0], "punix:/run/a.sock");
    CHECK_STREQ(cfg.listen[1], "ptcp:6653:[::1]");
    CHECK_STREQ(cfg.ctl, "/run/ctl.sock");
    CHECK_EQ(cfg.default_mode, VG_MODE_DISABLED);
    CHECK_EQ(cfg.n_guest_globs, 3);
    CHECK_STREQ(cfg.guest_globs[2], "qvo*");
    CHECK(vg_config_is_guest_name(&cfg, "qvo1234"));
    CHECK_STREQ(cfg.log_file, "/var/log/vifguard.log");
    CHECK_STREQ(cfg.pidfile, "/run/vifguard.pid");
    CHECK(!cfg.debug_all);
    CHECK_EQ(cfg.n_debug, 2);
    CHECK_STREQ(cfg.debug[0], "ovsdb");
    CHECK_STREQ(cfg.debug[1], "engine");
    CHECK_EQ(cfg.source[VG_SET_CTL], VG_SRC_FILE);
    CHECK(!cfg.detach);
    vg_config_destroy(&cfg);

    /* A value may hold '=' and '#'; no newline at the end is fine. */
    vg_config_init(&cfg);
    err = file__(&cfg, "pidfile = /run/a=b#c.pid\nverbose = all");
    CHECK(err == NULL);
    CHECK_STREQ(cfg.pidfile, "/run/a=b#c.pid");
    CHECK(cfg.debug_all);
    vg_config_destroy(&cfg);

    /* The longest line allowed. */
    char *line = ofp_xmalloc(VG_CONFIG_MAX_LINE + 2);
    memset(line, ' ', VG_CONFIG_MAX_LINE);
    memcpy(line, "# x", 3);
    line[VG_CONFIG_MAX_LINE] = '\n';
    line[VG_CONFIG_MAX_LINE + 1] = '\0';
    vg_config_init(&cfg);
    err = file__(&cfg, line);
    CHECK(err == NULL);
    vg_config_destroy(&cfg);
    free(line);
}

static void
test_file_errors(void)
{
    file_error__("ctl = /a\nfoo = bar\n",
                 "test.conf:2: unknown setting \"foo\" (expected ovsdb, "
                 "listen, ctl, default-mode, guest-ports, attach-bridges, "
                 "attach-command, xenstore, log-file, pidfile or verbose)");
    file_error__("detach = yes\n",
                 "test.conf:1: unknown setting \"detach\" (expected ovsdb, "
                 "listen, ctl, default-mode, guest-ports, attach-bridges, "
                 "attach-command, xenstore, log-file, pidfile or verbose)");
    file_error__("config = /x\n",
                 "test.conf:1: unknown setting \"config\" (expected ovsdb, "
                 "listen, ctl, default-mode, guest-ports, attach-bridges, "
                 "attach-command, xenstore, log-file, pidfile or verbose)");
    file_error__("CTL = /x\n",
                 "test.conf:1: unknown setting \"CTL\" (expected ovsdb, "
                 "listen, ctl, default-mode, guest-ports, attach-bridges, "
                 "attach-command, xenstore, log-file, pidfile or verbose)");
    file_error__("\n\nctl /run/ctl.sock\n",
                 "test.conf:3: \"ctl /run/ctl.sock\": expected KEY = VALUE");
    file_error__("= x\n", "test.conf:1: missing key before \"=\"");
    file_error__("ctl =\n", "test.conf:1: ctl: missing value");
    file_error__("ctl =   \t\r\n", "test.conf:1: ctl: missing value");
    file_error__("verbose =\n", "test.conf:1: verbose: missing value");
    file_error__("ctl = /a\n# x\nctl = /b\n",
                 "test.conf:3: ctl: given more than once (first on line 1)");
    file_error__("default-mode = locked\ndefault-mode = locked\n",
                 "test.conf:2: default-mode: given more than once (first on "
                 "line 1)");
    file_error__("verbose = ovsdb\nverbose = engine\n",
                 "test.conf:2: verbose: given more than once (first on line "
                 "1)");
    file_error__("default-mode = bad\n",
                 "test.conf:1: default-mode: \"bad\": unknown mode (expected "
                 "locked, unlocked or disabled)");
    file_error__("default-mode = locked # comment\n",
                 "test.conf:1: default-mode: \"locked # comment\": unknown "
                 "mode (expected locked, unlocked or disabled)");
    file_error__("listen = ptcp:99999\n",
                 "test.conf:1: listen: \"ptcp:99999\": bad port number "
                 "\"99999\" (expected 1 to 65535)");
    file_error__("listen = punix:/a\nlisten = foo\n",
                 "test.conf:2: listen: \"foo\": bad listen target (expected "
                 "punix:PATH or ptcp:PORT[:IP])");
    file_error__("ovsdb = ssl:1.2.3.4:6640\n",
                 "test.conf:1: ovsdb: \"ssl:1.2.3.4:6640\": bad OVSDB remote "
                 "(expected unix:PATH or tcp:IP:PORT)");
    file_error__("guest-ports = vif*,\n",
                 "test.conf:1: guest-ports: \"vif*,\": empty pattern in "
                 "list");
    file_error__("verbose = ovsdb,Engine\n",
                 "test.conf:1: verbose: \"ovsdb,Engine\": bad subsystem name "
                 "\"Engine\"");
    file_error__("ctl = /a\tb\n",
                 "test.conf:1: ctl: \"/a\\x09b\": control character in "
                 "value");
    file_error__("ctl = /a\x01\n",
                 "test.conf:1: ctl: \"/a\\x01\": control character in "
                 "value");
    file_error__("\"weird\x02\"\n",
                 "test.conf:1: \"\\\"weird\\x02\\\"\": expected KEY = VALUE");

    char *text = ofp_xmalloc(VG_CONFIG_MAX_LINE + 20);
    strcpy(text, "ctl = /a\n");
    memset(text + 9, 'x', VG_CONFIG_MAX_LINE + 1);
    strcpy(text + 9 + VG_CONFIG_MAX_LINE + 1, "\n");
    file_error__(text, "test.conf:2: line too long (1025 bytes, at most "
                       "1024)");
    text[9 + VG_CONFIG_MAX_LINE + 1] = '\0'; /* Also without the newline. */
    file_error__(text, "test.conf:2: line too long (1025 bytes, at most "
                       "1024)");
    free(text);
}

static void
test_precedence(void)
{
    struct vg_config cfg;
    char *err;
    static const char file[] = "ovsdb = tcp:10.0.0.1:6640\n"
                               "ctl = /file/ctl.sock\n"
                               "listen = punix:/file/1.sock\n"
                               "listen = punix:/file/2.sock\n"
                               "default-mode = unlocked\n"
                               "guest-ports = file*\n"
                               "pidfile = /file.pid\n"
                               "log-file = /file.log\n"
                               "verbose = ovsdb\n";

    /* Command line first, then the file: the command line wins. */
    err = args__(&cfg, "--ctl=/args/ctl.sock", "--listen=punix:/args.sock",
                 "--default-mode=disabled", "-vengine", NULL);
    CHECK(err == NULL);
    err = file__(&cfg, file);
    CHECK(err == NULL);
    CHECK_STREQ(cfg.ctl, "/args/ctl.sock");
    CHECK_EQ(cfg.n_listen, 1);
    CHECK_STREQ(cfg.listen[0], "punix:/args.sock");
    CHECK_EQ(cfg.default_mode, VG_MODE_DISABLED);
    CHECK_EQ(cfg.n_debug, 1);
    CHECK_STREQ(cfg.debug[0], "engine");
    CHECK(!cfg.debug_all);
    /* What the command line left alone comes from the file. */
    CHECK_STREQ(cfg.ovsdb, "tcp:10.0.0.1:6640");
    CHECK_STREQ(cfg.guest_globs[0], "file*");
    CHECK_STREQ(cfg.pidfile, "/file.pid");
    CHECK_STREQ(cfg.log_file, "/file.log");
    vg_config_destroy(&cfg);

    /* The file first, then the command line: same result. */
    vg_config_init(&cfg);
    err = file__(&cfg, file);
    CHECK(err == NULL);
    CHECK_EQ(cfg.n_listen, 2);
    char *argv[] = { (char *)"vifguardd", (char *)"--ctl=/args/ctl.sock",
                     (char *)"--listen=punix:/args.sock", (char *)"-v", NULL };
    CHECK_EQ(vg_config_parse_args(&cfg, 4, argv, &err), 0);
    CHECK_STREQ(cfg.ctl, "/args/ctl.sock");
    CHECK_EQ(cfg.n_listen, 1);
    CHECK_STREQ(cfg.listen[0], "punix:/args.sock");
    CHECK(cfg.debug_all);
    CHECK_EQ(cfg.n_debug, 0);
    CHECK_STREQ(cfg.ovsdb, "tcp:10.0.0.1:6640");
    vg_config_destroy(&cfg);

    /* A file value is checked even when the command line overrides it. */
    err = args__(&cfg, "--default-mode=locked", NULL);
    CHECK(err == NULL);
    err = file__(&cfg, "default-mode = bogus\n");
    CHECK_STREQ(err, "test.conf:1: default-mode: \"bogus\": unknown mode "
                     "(expected locked, unlocked or disabled)");
    free(err);
    vg_config_destroy(&cfg);
    err = args__(&cfg, "--listen=punix:/a", NULL);
    err = file__(&cfg, "listen = punix:/b\nlisten = ptcp:x\n");
    CHECK_STREQ(err, "test.conf:2: listen: \"ptcp:x\": bad port number "
                     "\"x\" (expected 1 to 65535)");
    free(err);
    vg_config_destroy(&cfg);
}

static char *
write_temp__(const char *text, size_t len)
{
    char *path = ofp_xstrdup("/tmp/vg-test-config-XXXXXX");
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, text, len), (long long)len);
    close(fd);
    return path;
}

/* Runs vg_config_load() on a fresh 'cfg' with a program name plus the
 * NULL-terminated arguments.  Returns the error, message in '*errp'. */
static int
load__(struct vg_config *cfg, char **errp, ...)
{
    char *argv[MAX_ARGS + 2];
    int argc = 0;
    va_list ap;

    vg_config_init(cfg);
    argv[argc++] = ofp_xstrdup("vifguardd");
    va_start(ap, errp);
    for (const char *a; (a = va_arg(ap, const char *)) && argc <= MAX_ARGS;) {
        argv[argc++] = ofp_xstrdup(a);
    }
    va_end(ap);
    argv[argc] = NULL;
    int error = vg_config_load(cfg, argc, argv, errp);
    for (int i = 0; i < argc; i++) {
        free(argv[i]);
    }
    return error;
}

static void
test_load(void)
{
    struct vg_config cfg;
    char cwd[PATH_MAX];
    char *err, *opt, *path, *want;
    int error;

    CHECK(getcwd(cwd, sizeof cwd) != NULL);

    static const char text[] = "ctl = rel/ctl.sock\nlisten = punix:ofp.sock\n"
                               "listen = ptcp:6653\npidfile = /abs.pid\n";
    path = write_temp__(text, sizeof text - 1);
    opt = ofp_xasprintf("--config=%s", path);
    error = load__(&cfg, &err, opt, "--log-file=x.log", NULL);
    CHECK_EQ(error, 0);
    want = ofp_xasprintf("%s/rel/ctl.sock", cwd);
    CHECK_STREQ(cfg.ctl, want);
    free(want);
    want = ofp_xasprintf("punix:%s/ofp.sock", cwd);
    CHECK_STREQ(cfg.listen[0], want);
    free(want);
    CHECK_STREQ(cfg.listen[1], "ptcp:6653");
    CHECK_STREQ(cfg.pidfile, "/abs.pid");
    want = ofp_xasprintf("%s/x.log", cwd);
    CHECK_STREQ(cfg.log_file, want);
    free(want);
    vg_config_destroy(&cfg);
    unlink(path);
    free(path);
    free(opt);

    /* Errors in the file name the file and line. */
    static const char bad[] = "# ok\nctl = /a\nbogus = 1\n";
    path = write_temp__(bad, sizeof bad - 1);
    opt = ofp_xasprintf("--config=%s", path);
    error = load__(&cfg, &err, opt, NULL);
    CHECK_EQ(error, EINVAL);
    want = ofp_xasprintf("%s:3: unknown setting \"bogus\" (expected ovsdb, "
                         "listen, ctl, default-mode, guest-ports, "
                         "attach-bridges, attach-command, xenstore, log-file, "
                         "pidfile or verbose)",
                         path);
    CHECK_STREQ(err, want);
    free(want);
    free(err);
    vg_config_destroy(&cfg);
    unlink(path);
    free(path);
    free(opt);

    /* A NUL byte. */
    static const char nul[] = "ctl = /a\nctl\0 = /b\n";
    path = write_temp__(nul, sizeof nul - 1);
    opt = ofp_xasprintf("--config=%s", path);
    error = load__(&cfg, &err, opt, NULL);
    CHECK_EQ(error, EINVAL);
    want = ofp_xasprintf("%s:2: NUL byte in configuration file", path);
    CHECK_STREQ(err, want);
    free(want);
    free(err);
    vg_config_destroy(&cfg);
    unlink(path);
    free(path);
    free(opt);

    /* An explicit file must exist; /dev/null is an empty file. */
    error = load__(&cfg, &err, "--config=/nonexistent/vifguard.conf", NULL);
    CHECK_EQ(error, ENOENT);
    CHECK_STREQ(err, "/nonexistent/vifguard.conf: cannot open configuration "
                     "file: No such file or directory");
    free(err);
    vg_config_destroy(&cfg);
    error = load__(&cfg, &err, "--config=/dev/null", NULL);
    CHECK_EQ(error, 0);
    vg_config_destroy(&cfg);
    error = load__(&cfg, &err, "--config=/", NULL);
    CHECK(error != 0);
    CHECK_STREQ(err, "/: cannot read configuration file: Is a directory");
    free(err);
    vg_config_destroy(&cfg);

    /* The default file may be missing. */
    if (access(VG_CONFIG_FILE_DEFAULT, F_OK)) {
        error = load__(&cfg, &err, NULL);
        CHECK_EQ(error, 0);
        CHECK(err == NULL);
        vg_config_destroy(&cfg);
    }

    /* --help and --version stop before the file. */
    error = load__(&cfg, &err, "--config=/nonexistent", "--help", NULL);
    CHECK_EQ(error, 0);
    CHECK(cfg.help);
    vg_config_destroy(&cfg);

    /* Two sockets at one path: the second bind would take the path from
     * the first listener (or the control socket) without a word. */
    error = load__(&cfg, &err, "--config=/dev/null",
                   "--listen=punix:/tmp/vg-dup.sock",
                   "--listen=punix:/tmp/vg-dup.sock", NULL);
    CHECK_EQ(error, EINVAL);
    CHECK_STREQ(err, "listen: \"punix:/tmp/vg-dup.sock\" given twice");
    free(err);
    vg_config_destroy(&cfg);
    error = load__(&cfg, &err, "--config=/dev/null", "--ctl=/tmp/vg-same.sock",
                   "--listen=punix:/tmp/vg-same.sock", NULL);
    CHECK_EQ(error, EINVAL);
    CHECK_STREQ(err, "/tmp/vg-same.sock: both the control socket (ctl) and "
                     "an OpenFlow listener (listen)");
    free(err);
    vg_config_destroy(&cfg);

    /* Bad arguments. */
    error = load__(&cfg, &err, "--ctl", NULL);
    CHECK_EQ(error, EINVAL);
    CHECK_STREQ(err, "option \"--ctl\" needs a value");
    free(err);
    vg_config_destroy(&cfg);
}

/* attach-bridges and attach-command: parsing, "!" exclusions, the
 * controller targets that vifguard-attach derives from listeners. */
static void
test_attach_bridges(void)
{
    struct vg_config cfg;
    char *err;

    vg_config_init(&cfg);
    CHECK_EQ(cfg.n_attach_globs, 0);
    CHECK(!vg_config_is_attach_bridge(&cfg, "xenbr0"));
    CHECK(cfg.attach_command[0] == '/');
    vg_config_destroy(&cfg);

    err = args__(&cfg, "--attach-bridges= xenbr*, xapi* ,!xapi3",
                 "--attach-command=/opt/vg/attach", NULL);
    CHECK(err == NULL);
    CHECK_EQ(cfg.n_attach_globs, 3);
    CHECK_STREQ(cfg.attach_globs[1], "xapi*");
    CHECK_STREQ(cfg.attach_command, "/opt/vg/attach");
    CHECK(vg_config_is_attach_bridge(&cfg, "xenbr0"));
    CHECK(vg_config_is_attach_bridge(&cfg, "xapi12"));
    CHECK(!vg_config_is_attach_bridge(&cfg, "xapi3"));
    CHECK(!vg_config_is_attach_bridge(&cfg, "br-int"));
    CHECK(!vg_config_is_attach_bridge(&cfg, ""));
    vg_config_destroy(&cfg);

    /* Only exclusions: nothing matches. */
    err = args__(&cfg, "--attach-bridges=!xenbr1", NULL);
    CHECK(err == NULL);
    CHECK(!vg_config_is_attach_bridge(&cfg, "xenbr0"));
    vg_config_destroy(&cfg);

    /* The file sets it; an empty value on the command line turns it off. */
    vg_config_init(&cfg);
    err = file__(&cfg, "attach-bridges = xenbr*\n");
    CHECK(err == NULL);
    CHECK(vg_config_is_attach_bridge(&cfg, "xenbr0"));
    vg_config_destroy(&cfg);
    err = args__(&cfg, "--attach-bridges=", NULL);
    CHECK(err == NULL);
    err = file__(&cfg, "attach-bridges = xenbr*\n");
    CHECK(err == NULL);
    CHECK_EQ(cfg.n_attach_globs, 0);
    vg_config_destroy(&cfg);

    args_error__("--attach-bridges: \"xenbr*,!\": \"!\" without a pattern",
                 "--attach-bridges=xenbr*,!", NULL);
    args_error__("--attach-bridges: \"a,,b\": empty pattern in list",
                 "--attach-bridges=a,,b", NULL);
    args_error__("--attach-command: \"vifguard-attach\": not an absolute "
                 "path",
                 "--attach-command=vifguard-attach", NULL);
    file_error__("attach-bridges = x\nattach-bridges = y\n",
                 "test.conf:2: attach-bridges: given more than once (first "
                 "on line 1)");

    static const char *const targets[][2] = {
        { "punix:/run/openvswitch/vg.sock", "unix:/run/openvswitch/vg.sock" },
        { "ptcp:6653", "tcp:127.0.0.1:6653" },
        { "ptcp:6653:0.0.0.0", "tcp:127.0.0.1:6653" },
        { "ptcp:6653:10.1.2.3", "tcp:10.1.2.3:6653" },
        { "ptcp:6653:::", "tcp:[::1]:6653" },
        { "ptcp:6653:[::]", "tcp:[::1]:6653" },
        { "ptcp:6653:fe80::1", "tcp:[fe80::1]:6653" },
        { "ptcp:6653:[fe80::1]", "tcp:[fe80::1]:6653" },
    };
    for (size_t i = 0; i < sizeof targets / sizeof *targets; i++) {
        char *t = vg_config_listen_target(targets[i][0]);
        CHECK_STREQ(t, targets[i][1]);
        free(t);
    }

    /* One of our targets: the same string, or our unix: socket by another
     * path (resolved only for unix:, and only if it exists). */
    char dir[] = "/tmp/vg-test-config-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *sock = ofp_xasprintf("%s/vg.sock", dir);
    int fd = open(sock, O_CREAT | O_WRONLY, 0600);
    CHECK(fd >= 0);
    close(fd);
    char *own[] = { ofp_xasprintf("unix:%s", sock),
                    ofp_xstrdup("tcp:127.0.0.1:6653") };
    char *other_path = ofp_xasprintf("unix:%s/./vg.sock", dir);
    char *missing = ofp_xasprintf("unix:%s/other.sock", dir);
    CHECK(vg_config_target_in(own[0], own, 2));
    CHECK(vg_config_target_in("tcp:127.0.0.1:6653", own, 2));
    CHECK(vg_config_target_in(other_path, own, 2));
    CHECK(!vg_config_target_in(missing, own, 2));
    CHECK(!vg_config_target_in("tcp:127.0.0.1:6654", own, 2));
    CHECK(!vg_config_target_in("ptcp:6654", own, 2));
    CHECK(!vg_config_target_in(other_path, own + 1, 1));
    CHECK(!vg_config_target_in(own[0], NULL, 0));
    unlink(sock);
    rmdir(dir);
    free(other_path);
    free(missing);
    free(own[0]);
    free(own[1]);
    free(sock);
}

/* The xenstore option: values, both places, precedence, errors. */
static void
test_xenstore(void)
{
    struct vg_config cfg;
    char *err;

    vg_config_init(&cfg);
    CHECK_EQ(cfg.xenstore, VG_XENSTORE_AUTO);
    CHECK_STREQ(vg_xenstore_mode_name(cfg.xenstore), "auto");
    vg_config_destroy(&cfg);

    err = args__(&cfg, "--xenstore=on", NULL);
    CHECK(err == NULL);
    CHECK_EQ(cfg.xenstore, VG_XENSTORE_ON);
    CHECK_STREQ(vg_xenstore_mode_name(cfg.xenstore), "on");
    CHECK_EQ(cfg.source[VG_SET_XENSTORE], VG_SRC_ARGS);
    /* The command line wins over the file, whose value is still checked. */
    err = file__(&cfg, "xenstore = off\n");
    CHECK(err == NULL);
    CHECK_EQ(cfg.xenstore, VG_XENSTORE_ON);
    err = file__(&cfg, "xenstore = maybe\n");
    CHECK_STREQ(err, "test.conf:1: xenstore: \"maybe\": expected auto, on "
                     "or off");
    free(err);
    vg_config_destroy(&cfg);

    err = args__(&cfg, "--xenstore", "off", NULL);
    CHECK(err == NULL);
    CHECK_EQ(cfg.xenstore, VG_XENSTORE_OFF);
    CHECK_STREQ(vg_xenstore_mode_name(cfg.xenstore), "off");
    vg_config_destroy(&cfg);

    vg_config_init(&cfg);
    err = file__(&cfg, "xenstore = off\n");
    CHECK(err == NULL);
    CHECK_EQ(cfg.xenstore, VG_XENSTORE_OFF);
    CHECK_EQ(cfg.source[VG_SET_XENSTORE], VG_SRC_FILE);
    vg_config_destroy(&cfg);

    args_error__("--xenstore: \"yes\": expected auto, on or off",
                 "--xenstore=yes", NULL);
    args_error__("--xenstore: \"ON\": expected auto, on or off",
                 "--xenstore=ON", NULL);
    args_error__("--xenstore: missing value", "--xenstore=", NULL);
    args_error__("option \"--xenstore\" given more than once", "--xenstore=on",
                 "--xenstore=off", NULL);
    file_error__("xenstore = on\nxenstore = on\n",
                 "test.conf:2: xenstore: given more than once (first on "
                 "line 1)");
    file_error__("xenstore = \n", "test.conf:1: xenstore: missing value");
}

int
main(void)
{
    test_defaults();
    test_args();
    test_args_errors();
    test_file();
    test_file_errors();
    test_precedence();
    test_xenstore();
    test_load();
    test_attach_bridges();
    return check_summary();
}
