/* vifguardd's settings: defaults, command line and configuration file.
 * See config.h.
 *
 * Both parsers feed every value through one function, apply__(), which
 * checks it and records where it came from, so that the command line and
 * the file accept exactly the same values with the same messages. */
#include <config.h>
#include "src/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ofp/buf.h"

/* The largest configuration file read, in bytes. */
#define CONFIG_MAX_FILE (1024 * 1024)

/* The longest unix socket path (sun_path minus its NUL). */
#define UNIX_PATH_MAX (sizeof((struct sockaddr_un *)0)->sun_path - 1)

/* The longest pattern, subsystem name. */
#define MAX_GLOB 255
#define MAX_SUBSYS 32

/* One setting: its file key, command line option and properties. */
struct setting_def {
    enum vg_setting id;
    const char *key;    /* In the file, or NULL if not allowed there. */
    const char *option; /* On the command line. */
    bool repeatable;    /* May repeat on the command line (in the file, only
                         * 'listen' may). */
};

static const struct setting_def settings[VG_N_SETTINGS] = {
    { VG_SET_OVSDB, "ovsdb", "--ovsdb", false },
    { VG_SET_LISTEN, "listen", "--listen", true },
    { VG_SET_CTL, "ctl", "--ctl", false },
    { VG_SET_DEFAULT_MODE, "default-mode", "--default-mode", false },
    { VG_SET_GUEST_PORTS, "guest-ports", "--guest-ports", false },
    { VG_SET_LOG_FILE, "log-file", "--log-file", false },
    { VG_SET_PIDFILE, "pidfile", "--pidfile", false },
    { VG_SET_VERBOSE, "verbose", "-v", true },
    { VG_SET_CONFIG, NULL, "--config", false },
    { VG_SET_DETACH, NULL, "--detach", false },
    { VG_SET_ATTACH_BRIDGES, "attach-bridges", "--attach-bridges", false },
    { VG_SET_ATTACH_COMMAND, "attach-command", "--attach-command", false },
    { VG_SET_XENSTORE, "xenstore", "--xenstore", false },
};

static void
free_strv__(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i]);
    }
    free(v);
}

static void
strv_add__(char ***v, size_t *n, const char *s)
{
    *v = ofp_xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = ofp_xstrdup(s);
}

static void
strv_clear__(char ***v, size_t *n)
{
    free_strv__(*v, *n);
    *v = NULL;
    *n = 0;
}

/* Returns 's' in double quotes, with quotes, backslashes and unprintable
 * bytes escaped, for error messages.  The caller frees the result. */
static char *
quote__(const char *s)
{
    struct ofp_buf b;
    ofp_buf_init(&b);
    ofp_buf_put_char(&b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            ofp_buf_put_format(&b, "\\%c", *p);
        } else if (*p < 0x20 || *p >= 0x7f) {
            ofp_buf_put_format(&b, "\\x%02x", *p);
        } else {
            ofp_buf_put_char(&b, (char)*p);
        }
    }
    ofp_buf_put_char(&b, '"');
    return ofp_buf_steal_cstr(&b);
}

/* Sets '*errp' to a message built from 'fmt', in which every "%Q" stands
 * for the quoted form of the next string argument and "%s" for the
 * unquoted one (the only conversions supported). */
static int
error__(char **errp, const char *fmt, ...)
{
    struct ofp_buf b;
    va_list args;

    ofp_buf_init(&b);
    va_start(args, fmt);
    for (const char *p = fmt; *p; p++) {
        if (p[0] == '%' && (p[1] == 'Q' || p[1] == 's')) {
            const char *arg = va_arg(args, const char *);
            if (p[1] == 'Q') {
                char *q = quote__(arg);
                ofp_buf_put_cstr(&b, q);
                free(q);
            } else {
                ofp_buf_put_cstr(&b, arg);
            }
            p++;
        } else {
            ofp_buf_put_char(&b, *p);
        }
    }
    va_end(args);
    *errp = ofp_buf_steal_cstr(&b);
    return EINVAL;
}

/* Replaces '*errp' by "'prefix': *errp". */
static int
prefix_error__(char **errp, const char *prefix)
{
    char *msg = ofp_xasprintf("%s: %s", prefix, *errp);
    free(*errp);
    *errp = msg;
    return EINVAL;
}

/* Returns "auto", "on" or "off". */
const char *
vg_xenstore_mode_name(enum vg_xenstore_mode mode)
{
    return (mode == VG_XENSTORE_ON    ? "on"
            : mode == VG_XENSTORE_OFF ? "off"
                                      : "auto");
}

/* Initializes 'cfg' with the built-in defaults. */
void
vg_config_init(struct vg_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->ovsdb = ofp_xstrdup(VG_OVSDB_DEFAULT);
    strv_add__(&cfg->listen, &cfg->n_listen, VG_LISTEN_DEFAULT);
    cfg->ctl = ofp_xstrdup(VG_CTL_DEFAULT);
    cfg->default_mode = VG_MODE_LOCKED;
    strv_add__(&cfg->guest_globs, &cfg->n_guest_globs, "vif*");
    strv_add__(&cfg->guest_globs, &cfg->n_guest_globs, "tap*");
    cfg->attach_command = ofp_xstrdup(VG_ATTACH_COMMAND_DEFAULT);
    cfg->config_file = ofp_xstrdup(VG_CONFIG_FILE_DEFAULT);
}

/* Frees everything 'cfg' owns.  Accepts NULL. */
void
vg_config_destroy(struct vg_config *cfg)
{
    if (!cfg) {
        return;
    }
    free(cfg->ovsdb);
    free_strv__(cfg->listen, cfg->n_listen);
    free(cfg->ctl);
    free_strv__(cfg->guest_globs, cfg->n_guest_globs);
    free_strv__(cfg->attach_globs, cfg->n_attach_globs);
    free(cfg->attach_command);
    free(cfg->config_file);
    free(cfg->pidfile);
    free(cfg->log_file);
    free_strv__(cfg->debug, cfg->n_debug);
    memset(cfg, 0, sizeof *cfg);
}

static bool
all_digits__(const char *s)
{
    if (!*s) {
        return false;
    }
    for (; *s; s++) {
        if (*s < '0' || *s > '9') {
            return false;
        }
    }
    return true;
}

/* Checks an OVSDB remote.  The OVSDB client checks addresses and ports in
 * detail when it connects; this catches the obvious mistakes early. */
static int
check_ovsdb__(const char *v, char **errp)
{
    if ((!strncmp(v, "unix:", 5) && v[5]) ||
        (!strncmp(v, "tcp:", 4) && v[4])) {
        return 0;
    }
    return error__(errp,
                   "%Q: bad OVSDB remote (expected unix:PATH or "
                   "tcp:IP:PORT)",
                   v);
}

/* Checks that 'path' can name a unix socket. */
static int
check_socket_path__(const char *v, const char *path, char **errp)
{
    if (!*path) {
        return error__(errp, "%Q: empty socket path", v);
    }
    if (strlen(path) > UNIX_PATH_MAX) {
        char *msg = ofp_xasprintf("%%Q: socket path too long (at most %zu "
                                  "bytes)",
                                  UNIX_PATH_MAX);
        error__(errp, msg, v);
        free(msg);
        return EINVAL;
    }
    return 0;
}

/* Checks a listen target: "punix:PATH" or "ptcp:PORT[:IP]", where IP is
 * IPv4, IPv6 or [IPv6]. */
static int
check_listen__(const char *v, char **errp)
{
    if (!strncmp(v, "punix:", 6)) {
        return check_socket_path__(v, v + 6, errp);
    }
    if (strncmp(v, "ptcp:", 5)) {
        return error__(errp,
                       "%Q: bad listen target (expected punix:PATH or "
                       "ptcp:PORT[:IP])",
                       v);
    }

    char *port = ofp_xstrdup(v + 5);
    char *ip = strchr(port, ':');
    int error = 0;
    if (ip) {
        *ip++ = '\0';
    }
    if (!all_digits__(port) || strlen(port) > 5 || atoi(port) < 1 ||
        atoi(port) > 65535) {
        error = error__(errp, "%Q: bad port number %Q (expected 1 to 65535)",
                        v, port);
    } else if (ip) {
        char addr[INET6_ADDRSTRLEN + 2];
        struct in6_addr a6;
        size_t len = strlen(ip);
        if (len >= 2 && ip[0] == '[' && ip[len - 1] == ']' &&
            len - 2 < sizeof addr) {
            memcpy(addr, ip + 1, len - 2);
            addr[len - 2] = '\0';
            if (inet_pton(AF_INET6, addr, &a6) != 1) {
                error = error__(errp, "%Q: bad IPv6 address %Q", v, addr);
            }
        } else if (inet_pton(AF_INET, ip, &a6) != 1 &&
                   inet_pton(AF_INET6, ip, &a6) != 1) {
            error = error__(errp, "%Q: bad IP address %Q", v, ip);
        }
    }
    free(port);
    return error;
}

/* The subsystems that log (every "#define SUBSYS" of src/, and "log"), for
 * -v: a misspelt name would otherwise enable nothing without a word.
 * tests/test_cli.py checks that the list is complete. */
static const char *const subsystems[] = {
    "attach", "bondlearn", "ctl",     "engine", "fdb",   "jsonrpc",
    "log",    "main",      "noflood", "ofconn", "ovsdb", "xenstore",
};

/* Returns NULL if 'name' is a subsystem, else a malloc'd list of them. */
static char *
unknown_subsystem__(const char *name)
{
    size_t n = sizeof subsystems / sizeof *subsystems;
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(name, subsystems[i])) {
            return NULL;
        }
    }
    struct ofp_buf b;
    ofp_buf_init(&b);
    for (size_t i = 0; i < n; i++) {
        ofp_buf_put_format(&b, "%s%s", i ? ", " : "", subsystems[i]);
    }
    return ofp_buf_steal_cstr(&b);
}

/* Splits the comma-separated 'v' into '*listp' (whitespace around items is
 * ignored).  'what' names an item for messages.  With 'check_name', items
 * must be subsystem names. */
static int
split_list__(const char *v, const char *what, bool check_name, char ***listp,
             size_t *np, char **errp)
{
    char *copy = ofp_xstrdup(v);
    char *p = copy;
    int error = 0;

    *listp = NULL;
    *np = 0;
    for (;;) {
        char *comma = strchr(p, ',');
        char *end = comma ? comma : p + strlen(p);
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        while (end > p && (end[-1] == ' ' || end[-1] == '\t')) {
            end--;
        }
        *end = '\0';
        size_t len = strlen(p);
        if (!len) {
            error = error__(errp, "%Q: empty %s in list", v, what);
            break;
        }
        if (check_name) {
            bool ok = len <= MAX_SUBSYS;
            for (const char *c = p; *c; c++) {
                if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
                      *c == '-' || *c == '_')) {
                    ok = false;
                }
            }
            if (!ok) {
                error = error__(errp, "%Q: bad subsystem name %Q", v, p);
                break;
            }
            char *known = unknown_subsystem__(p);
            if (known) {
                char *fmt = ofp_xasprintf("%%Q: unknown subsystem %%Q "
                                          "(expected all or %s)",
                                          known);
                error = error__(errp, fmt, v, p);
                free(fmt);
                free(known);
                break;
            }
        } else if (len > MAX_GLOB) {
            error = error__(errp, "%Q: %s too long", v, what);
            break;
        }
        strv_add__(listp, np, p);
        if (!comma) {
            break;
        }
        p = comma + 1;
    }
    free(copy);
    if (error) {
        strv_clear__(listp, np);
    }
    return error;
}

/* Checks 'value' for setting 'id' coming from 'src' and, unless the command
 * line already set it and 'src' is the file, stores it in 'cfg'.  The first
 * value of a repeatable setting from a new source replaces the old list.
 * Returns 0 or EINVAL with a message (without the option or line) in
 * '*errp'. */
static int
apply__(struct vg_config *cfg, enum vg_setting id, const char *value,
        enum vg_setting_source src, char **errp)
{
    bool keep = src == VG_SRC_FILE && cfg->source[id] == VG_SRC_ARGS;
    bool fresh = cfg->source[id] != src;
    enum vg_xenstore_mode xs_mode;
    enum vg_mode mode;
    char **list;
    size_t n;
    int error;

    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            return error__(errp, "%Q: control character in value", value);
        }
    }
    if (!*value && id != VG_SET_VERBOSE && id != VG_SET_DETACH &&
        id != VG_SET_ATTACH_BRIDGES) {
        return error__(errp, "missing value");
    }

    switch (id) {
    case VG_SET_OVSDB:
        if ((error = check_ovsdb__(value, errp)) || keep) {
            return error;
        }
        free(cfg->ovsdb);
        cfg->ovsdb = ofp_xstrdup(value);
        break;

    case VG_SET_LISTEN:
        if ((error = check_listen__(value, errp)) || keep) {
            return error;
        }
        if (fresh) {
            strv_clear__(&cfg->listen, &cfg->n_listen);
        }
        strv_add__(&cfg->listen, &cfg->n_listen, value);
        break;

    case VG_SET_CTL:
        if ((error = check_socket_path__(value, value, errp)) || keep) {
            return error;
        }
        free(cfg->ctl);
        cfg->ctl = ofp_xstrdup(value);
        break;

    case VG_SET_DEFAULT_MODE:
        if ((error = vg_parse_mode(value, &mode, errp)) || keep) {
            return error;
        }
        cfg->default_mode = mode;
        break;

    case VG_SET_XENSTORE:
        if (!strcmp(value, "auto")) {
            xs_mode = VG_XENSTORE_AUTO;
        } else if (!strcmp(value, "on")) {
            xs_mode = VG_XENSTORE_ON;
        } else if (!strcmp(value, "off")) {
            xs_mode = VG_XENSTORE_OFF;
        } else {
            return error__(errp, "%Q: expected auto, on or off", value);
        }
        if (!keep) {
            cfg->xenstore = xs_mode;
        }
        break;

    case VG_SET_GUEST_PORTS:
        if ((error = split_list__(value, "pattern", false, &list, &n, errp))) {
            return error;
        }
        if (keep) {
            free_strv__(list, n);
            return 0;
        }
        free_strv__(cfg->guest_globs, cfg->n_guest_globs);
        cfg->guest_globs = list;
        cfg->n_guest_globs = n;
        break;

    case VG_SET_ATTACH_BRIDGES:
        /* "" (possible on the command line only): off. */
        list = NULL;
        n = 0;
        if (*value &&
            (error = split_list__(value, "pattern", false, &list, &n, errp))) {
            return error;
        }
        for (size_t i = 0; i < n; i++) {
            if (!strcmp(list[i], "!")) {
                free_strv__(list, n);
                return error__(errp, "%Q: \"!\" without a pattern", value);
            }
        }
        if (keep) {
            free_strv__(list, n);
            return 0;
        }
        free_strv__(cfg->attach_globs, cfg->n_attach_globs);
        cfg->attach_globs = list;
        cfg->n_attach_globs = n;
        break;

    case VG_SET_ATTACH_COMMAND:
        if (value[0] != '/') {
            return error__(errp, "%Q: not an absolute path", value);
        }
        if (keep) {
            return 0;
        }
        free(cfg->attach_command);
        cfg->attach_command = ofp_xstrdup(value);
        break;

    case VG_SET_LOG_FILE:
        if (keep) {
            return 0;
        }
        free(cfg->log_file);
        cfg->log_file = ofp_xstrdup(value);
        break;

    case VG_SET_PIDFILE:
        if (keep) {
            return 0;
        }
        free(cfg->pidfile);
        cfg->pidfile = ofp_xstrdup(value);
        break;

    case VG_SET_CONFIG:
        free(cfg->config_file);
        cfg->config_file = ofp_xstrdup(value);
        break;

    case VG_SET_VERBOSE:
        /* "" (plain -v) or "all": every subsystem. */
        list = NULL;
        n = 0;
        if (*value && strcmp(value, "all") &&
            (error =
                 split_list__(value, "subsystem", true, &list, &n, errp))) {
            return error;
        }
        if (keep) {
            free_strv__(list, n);
            return 0;
        }
        if (fresh) {
            strv_clear__(&cfg->debug, &cfg->n_debug);
            cfg->debug_all = false;
        }
        if (!n) {
            cfg->debug_all = true;
        }
        for (size_t i = 0; i < n; i++) {
            strv_add__(&cfg->debug, &cfg->n_debug, list[i]);
        }
        free_strv__(list, n);
        break;

    case VG_SET_DETACH:
        cfg->detach = true;
        break;

    case VG_N_SETTINGS:
    default:
        return error__(errp, "internal error: unknown setting");
    }
    cfg->source[id] = src;
    return 0;
}

enum {
    OPT_OVSDB = UCHAR_MAX + 1,
    OPT_LISTEN,
    OPT_CTL,
    OPT_DEFAULT_MODE,
    OPT_GUEST_PORTS,
    OPT_CONFIG,
    OPT_DETACH,
    OPT_PIDFILE,
    OPT_LOG_FILE,
    OPT_ATTACH_BRIDGES,
    OPT_ATTACH_COMMAND,
    OPT_XENSTORE,
};

static const struct option long_options[] = {
    { "ovsdb", required_argument, NULL, OPT_OVSDB },
    { "listen", required_argument, NULL, OPT_LISTEN },
    { "ctl", required_argument, NULL, OPT_CTL },
    { "default-mode", required_argument, NULL, OPT_DEFAULT_MODE },
    { "guest-ports", required_argument, NULL, OPT_GUEST_PORTS },
    { "config", required_argument, NULL, OPT_CONFIG },
    { "detach", no_argument, NULL, OPT_DETACH },
    { "pidfile", required_argument, NULL, OPT_PIDFILE },
    { "log-file", required_argument, NULL, OPT_LOG_FILE },
    { "attach-bridges", required_argument, NULL, OPT_ATTACH_BRIDGES },
    { "attach-command", required_argument, NULL, OPT_ATTACH_COMMAND },
    { "xenstore", required_argument, NULL, OPT_XENSTORE },
    { "verbose", optional_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
};

static int
option_setting__(int c)
{
    switch (c) {
    case OPT_OVSDB:
        return VG_SET_OVSDB;
    case OPT_LISTEN:
        return VG_SET_LISTEN;
    case OPT_CTL:
        return VG_SET_CTL;
    case OPT_DEFAULT_MODE:
        return VG_SET_DEFAULT_MODE;
    case OPT_GUEST_PORTS:
        return VG_SET_GUEST_PORTS;
    case OPT_CONFIG:
        return VG_SET_CONFIG;
    case OPT_DETACH:
        return VG_SET_DETACH;
    case OPT_PIDFILE:
        return VG_SET_PIDFILE;
    case OPT_LOG_FILE:
        return VG_SET_LOG_FILE;
    case OPT_ATTACH_BRIDGES:
        return VG_SET_ATTACH_BRIDGES;
    case OPT_ATTACH_COMMAND:
        return VG_SET_ATTACH_COMMAND;
    case OPT_XENSTORE:
        return VG_SET_XENSTORE;
    case 'v':
        return VG_SET_VERBOSE;
    default:
        return -1;
    }
}

/* Returns the option word 'arg' ("--ctl=x", "--ctl") without its value, in
 * quotes, for messages.  The caller frees it. */
static char *
option_word__(const char *arg)
{
    char *word = ofp_xstrdup(arg);
    char *eq = strchr(word, '=');
    if (eq) {
        *eq = '\0';
    }
    char *q = quote__(word);
    free(word);
    return q;
}

int
vg_config_parse_args(struct vg_config *cfg, int argc, char **argv, char **errp)
{
    bool seen[VG_N_SETTINGS] = { false };

    *errp = NULL;
    optind = 0; /* GNU: reinitialize getopt completely. */
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, "+:v::hV", long_options, NULL);
        const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
        char *word;
        int id;

        if (c == -1) {
            break;
        }
        switch (c) {
        case 'h':
            cfg->help = true;
            continue;
        case 'V':
            cfg->version = true;
            continue;
        case ':':
            id = option_setting__(optopt);
            word = id >= 0 ? quote__(settings[id].option) : option_word__(arg);
            error__(errp, "option %s needs a value", word);
            free(word);
            return EINVAL;
        case '?':
            if (!strncmp(arg, "--", 2) && optopt) {
                word = option_word__(arg);
                error__(errp, "option %s does not take a value", word);
            } else if (!strncmp(arg, "--", 2) || !optopt) {
                word = option_word__(arg);
                error__(errp, "unknown option %s (see --help)", word);
            } else {
                word = ofp_xasprintf("-%c", optopt);
                error__(errp, "unknown option %Q (see --help)", word);
            }
            free(word);
            return EINVAL;
        default:
            break;
        }

        id = option_setting__(c);
        if (id < 0) {
            return error__(errp, "internal error: unhandled option");
        }
        const struct setting_def *def = &settings[id];
        if (seen[id] && !def->repeatable) {
            return error__(errp, "option %Q given more than once",
                           def->option);
        }
        seen[id] = true;
        if (apply__(cfg, id, optarg ? optarg : "", VG_SRC_ARGS, errp)) {
            return prefix_error__(errp, def->option);
        }
    }
    if (optind < argc) {
        return error__(errp,
                       "unexpected argument %Q (vifguardd takes only "
                       "options; see --help)",
                       argv[optind]);
    }
    return 0;
}

static bool
is_space__(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Trims whitespace from both ends of 'p' (in place); returns the start. */
static char *
trim__(char *p)
{
    while (is_space__(*p)) {
        p++;
    }
    size_t len = strlen(p);
    while (len > 0 && is_space__(p[len - 1])) {
        p[--len] = '\0';
    }
    return p;
}

static const struct setting_def *
find_key__(const char *key)
{
    for (size_t i = 0; i < VG_N_SETTINGS; i++) {
        if (settings[i].key && !strcmp(settings[i].key, key)) {
            return &settings[i];
        }
    }
    return NULL;
}

int
vg_config_parse_file(struct vg_config *cfg, const char *text,
                     const char *filename, char **errp)
{
    unsigned int first_line[VG_N_SETTINGS] = { 0 };
    char line[VG_CONFIG_MAX_LINE + 1];
    unsigned int lineno = 0;

    *errp = NULL;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *where;

        lineno++;
        where = ofp_xasprintf("%s:%u", filename, lineno);
        if (len > VG_CONFIG_MAX_LINE) {
            *errp = ofp_xasprintf("%s: line too long (%zu bytes, at most %d)",
                                  where, len, VG_CONFIG_MAX_LINE);
            free(where);
            return EINVAL;
        }
        memcpy(line, p, len);
        line[len] = '\0';
        p = nl ? nl + 1 : p + len;

        char *s = trim__(line);
        if (!*s || *s == '#') {
            free(where);
            continue;
        }

        char *eq = strchr(s, '=');
        if (!eq) {
            error__(errp, "%s: %Q: expected KEY = VALUE", where, s);
            free(where);
            return EINVAL;
        }
        *eq = '\0';
        char *key = trim__(s);
        char *value = trim__(eq + 1);
        const struct setting_def *def = find_key__(key);
        if (!*key) {
            error__(errp, "%s: missing key before \"=\"", where);
            free(where);
            return EINVAL;
        }
        if (!def) {
            error__(errp,
                    "%s: unknown setting %Q (expected ovsdb, listen, "
                    "ctl, default-mode, guest-ports, attach-bridges, "
                    "attach-command, xenstore, log-file, pidfile or verbose)",
                    where, key);
            free(where);
            return EINVAL;
        }
        if (!*value) {
            *errp = ofp_xasprintf("%s: %s: missing value", where, key);
            free(where);
            return EINVAL;
        }
        if (first_line[def->id] && def->id != VG_SET_LISTEN) {
            *errp = ofp_xasprintf("%s: %s: given more than once (first on "
                                  "line %u)",
                                  where, key, first_line[def->id]);
            free(where);
            return EINVAL;
        }
        if (!first_line[def->id]) {
            first_line[def->id] = lineno;
        }
        if (apply__(cfg, def->id, value, VG_SRC_FILE, errp)) {
            char *prefix = ofp_xasprintf("%s: %s", where, key);
            prefix_error__(errp, prefix);
            free(prefix);
            free(where);
            return EINVAL;
        }
        free(where);
    }
    return 0;
}

/* Reads the file 'path' into a malloc'd NUL-terminated string in '*textp'.
 * Returns 0 or an errno value with a message in '*errp'. */
static int
read_file__(const char *path, char **textp, char **errp)
{
    struct ofp_buf b;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    *textp = NULL;
    if (fd < 0) {
        int error = errno;
        *errp = ofp_xasprintf("%s: cannot open configuration file: %s", path,
                              strerror(error));
        return error;
    }
    ofp_buf_init(&b);
    for (;;) {
        ofp_buf_reserve(&b, 4096);
        ssize_t n = read(fd, b.data + b.size, 4096);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            int error = errno;
            *errp = ofp_xasprintf("%s: cannot read configuration file: %s",
                                  path, strerror(error));
            close(fd);
            ofp_buf_uninit(&b);
            return error;
        }
        if (n == 0) {
            break;
        }
        b.size += (size_t)n;
        if (b.size > CONFIG_MAX_FILE) {
            *errp = ofp_xasprintf("%s: configuration file too large (more "
                                  "than %d bytes)",
                                  path, CONFIG_MAX_FILE);
            close(fd);
            ofp_buf_uninit(&b);
            return EFBIG;
        }
    }
    close(fd);

    const uint8_t *nul = memchr(b.data, '\0', b.size);
    if (nul) {
        unsigned int lineno = 1;
        for (const uint8_t *q = b.data; q < nul; q++) {
            lineno += *q == '\n';
        }
        *errp = ofp_xasprintf("%s:%u: NUL byte in configuration file", path,
                              lineno);
        ofp_buf_uninit(&b);
        return EINVAL;
    }
    *textp = ofp_buf_steal_cstr(&b);
    return 0;
}

/* Makes '*pathp' absolute, relative to the current directory.  'what' and
 * 'check_socket' are for the error message and the socket path check. */
static int
absolutize__(char **pathp, size_t skip, bool check_socket, char **errp)
{
    char *path = *pathp;
    char cwd[PATH_MAX];

    if (path[skip] == '/') {
        return 0;
    }
    if (!getcwd(cwd, sizeof cwd)) {
        int error = errno;
        *errp = ofp_xasprintf("cannot get the current directory: %s",
                              strerror(error));
        return error;
    }
    char *abs = ofp_xasprintf("%.*s%s/%s", (int)skip, path, cwd, path + skip);
    if (check_socket && strlen(abs + skip) > UNIX_PATH_MAX) {
        *errp = ofp_xasprintf("%s: socket path too long once made absolute "
                              "(%s, at most %zu bytes)",
                              path, abs + skip, UNIX_PATH_MAX);
        free(abs);
        return ENAMETOOLONG;
    }
    free(path);
    *pathp = abs;
    return 0;
}

int
vg_config_load(struct vg_config *cfg, int argc, char **argv, char **errp)
{
    char *text;
    int error;

    *errp = NULL;
    error = vg_config_parse_args(cfg, argc, argv, errp);
    if (error || cfg->help || cfg->version) {
        return error;
    }

    error = read_file__(cfg->config_file, &text, errp);
    if (error == ENOENT && cfg->source[VG_SET_CONFIG] == VG_SRC_DEFAULT) {
        free(*errp);
        *errp = NULL;
    } else if (error) {
        return error;
    } else {
        error = vg_config_parse_file(cfg, text, cfg->config_file, errp);
        free(text);
        if (error) {
            return error;
        }
    }

    if ((error = absolutize__(&cfg->ctl, 0, true, errp))) {
        return error;
    }
    for (size_t i = 0; i < cfg->n_listen; i++) {
        if (!strncmp(cfg->listen[i], "punix:", 6) &&
            (error = absolutize__(&cfg->listen[i], 6, true, errp))) {
            return error;
        }
    }
    /* Two sockets at one path: the second bind would quietly take the path
     * away from the first. */
    for (size_t i = 0; i < cfg->n_listen; i++) {
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(cfg->listen[i], cfg->listen[j])) {
                return error__(errp, "listen: %Q given twice", cfg->listen[i]);
            }
        }
        if (!strncmp(cfg->listen[i], "punix:", 6) &&
            !strcmp(cfg->listen[i] + 6, cfg->ctl)) {
            return error__(errp,
                           "%s: both the control socket (ctl) and an "
                           "OpenFlow listener (listen)",
                           cfg->ctl);
        }
    }
    if (cfg->pidfile &&
        (error = absolutize__(&cfg->pidfile, 0, false, errp))) {
        return error;
    }
    if (cfg->log_file &&
        (error = absolutize__(&cfg->log_file, 0, false, errp))) {
        return error;
    }
    return 0;
}

bool
vg_config_is_guest_name(const struct vg_config *cfg, const char *ifname)
{
    for (size_t i = 0; i < cfg->n_guest_globs; i++) {
        if (!fnmatch(cfg->guest_globs[i], ifname, 0)) {
            return true;
        }
    }
    return false;
}

bool
vg_config_is_attach_bridge(const struct vg_config *cfg, const char *name)
{
    bool match = false;
    for (size_t i = 0; i < cfg->n_attach_globs; i++) {
        const char *glob = cfg->attach_globs[i];
        if (glob[0] == '!') {
            if (!fnmatch(glob + 1, name, 0)) {
                return false;
            }
        } else if (!fnmatch(glob, name, 0)) {
            match = true;
        }
    }
    return match;
}

char *
vg_config_listen_target(const char *listen)
{
    if (!strncmp(listen, "punix:", 6)) {
        return ofp_xasprintf("unix:%s", listen + 6);
    }
    if (strncmp(listen, "ptcp:", 5)) {
        return ofp_xstrdup(listen);
    }
    char *port = ofp_xstrdup(listen + 5);
    char *ip = strchr(port, ':');
    char *target;
    if (ip) {
        *ip++ = '\0';
    }
    if (!ip || !*ip || !strcmp(ip, "0.0.0.0")) {
        target = ofp_xasprintf("tcp:127.0.0.1:%s", port);
    } else if (!strcmp(ip, "::") || !strcmp(ip, "[::]")) {
        target = ofp_xasprintf("tcp:[::1]:%s", port);
    } else if (strchr(ip, ':') && ip[0] != '[') {
        target = ofp_xasprintf("tcp:[%s]:%s", ip, port);
    } else {
        target = ofp_xasprintf("tcp:%s:%s", ip, port);
    }
    free(port);
    return target;
}

bool
vg_config_target_in(const char *t, char *const *targets, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        if (!strcmp(t, targets[j])) {
            return true;
        }
    }
    if (strncmp(t, "unix:", 5)) {
        return false;
    }
    char *path = realpath(t + 5, NULL);
    bool found = false;
    for (size_t j = 0; path && !found && j < n; j++) {
        const char *o = targets[j];
        char *own = strncmp(o, "unix:", 5) ? NULL : realpath(o + 5, NULL);
        found = own && !strcmp(path, own);
        free(own);
    }
    free(path);
    return found;
}

void
vg_config_usage(const char *program_name)
{
    printf("%s: vifguard daemon: keeps hypervisor guests from spoofing\n"
           "usage: %s [OPTIONS]\n"
           "\n"
           "Options (each also a \"key = value\" line of the configuration "
           "file,\nexcept --config, --detach, --help and --version):\n"
           "  --ovsdb=REMOTE         OVSDB server: unix:PATH or tcp:IP:PORT\n"
           "                         (default: %s)\n"
           "  --listen=TARGET        OpenFlow listener: punix:PATH or\n"
           "                         ptcp:PORT[:IP]; may repeat (default: "
           "%s)\n"
           "  --ctl=PATH             control socket for vifguard-ctl\n"
           "                         (default: %s)\n"
           "  --default-mode=MODE    locked, unlocked or disabled: mode of "
           "guests\n"
           "                         without vifguard-mode (default: locked)\n"
           "  --guest-ports=GLOB,... names of guest ports without\n"
           "                         attached-mac (default: %s)\n"
           "  --attach-bridges=GLOB,...\n"
           "                         keep the bridges that match attached "
           "(!GLOB\n"
           "                         excludes; default: none)\n"
           "  --attach-command=PATH  vifguard-attach to run for them\n"
           "                         (default: %s)\n"
           "  --xenstore=auto|on|off read guest policy from xenstore: if\n"
           "                         reachable at start, required, or never\n"
           "                         (default: auto)\n"
           "  --config=FILE          configuration file (default: %s;\n"
           "                         the default file may be missing)\n"
           "  --detach               run in the background\n"
           "  --pidfile=FILE         write the process id to FILE\n"
           "  --log-file=FILE        also log to FILE (reopened on SIGHUP)\n"
           "  -v, --verbose[=SUBSYS,...]\n"
           "                         debug messages of every subsystem, or "
           "of these\n"
           "  -h, --help             print this help and exit\n"
           "  -V, --version          print the version and exit\n"
           "\n"
           "On the command line, --listen and -v replace the file's values;\n"
           "every other option overrides the file's setting.\n",
           program_name, program_name, VG_OVSDB_DEFAULT, VG_LISTEN_DEFAULT,
           VG_CTL_DEFAULT, VG_GUEST_PORTS_DEFAULT, VG_ATTACH_COMMAND_DEFAULT,
           VG_CONFIG_FILE_DEFAULT);
}
