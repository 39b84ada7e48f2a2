/* vifguard-ctl: asks a running vifguardd about its state.
 *
 *     vifguard-ctl [--ctl=PATH] [--format=text|json] [--timeout=SECS] COMMAND
 *     vifguard-ctl [...] wait PORT...
 *
 * Sends one request over the control socket (protocol in src/ctl.h) and
 * prints the answer: as text for people, or with --format=json the
 * daemon's JSON result, pretty-printed, for scripts.  For text, the result
 * is turned back into a struct vg_status (ctl_status_from_json()) and
 * printed from there.  "wait" returns once every PORT is protected (or
 * fails as soon as one is held closed), within --timeout seconds: the
 * daemon is asked to give up after that long, so that it can say what each
 * port is still waiting for, and vifguard-ctl itself gives up a little
 * later.
 *
 * Exit status: 0 on success, 1 if the daemon cannot be reached, times out
 * or answers with an error, 2 for a bad command line. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ofp/buf.h"
#include "src/ctl.h"
#include "src/loop.h"
#include "src/model.h"
#include "src/status.h"

#define CTL_DEFAULT_PATH VG_RUNDIR "/ctl.sock"
#define CTL_DEFAULT_TIMEOUT 10.0

struct options {
    const char *ctl; /* Control socket path. */
    bool json;       /* --format=json. */
    double timeout;  /* Seconds for the whole exchange. */
    enum ctl_command command;
    char **ports; /* "wait": the ports (in argv). */
    size_t n_ports;
};

/* Seconds vifguard-ctl waits for the answer to a "wait" beyond its
 * timeout. */
#define WAIT_GRACE 2.0

static void
usage__(void)
{
    printf("vifguard-ctl: asks a running vifguardd about its state\n"
           "usage: vifguard-ctl [OPTIONS] COMMAND [PORT...]\n"
           "\n"
           "Commands:\n"
           "  show      bridges: connection, fail_mode, guest counts\n"
           "  vifs      every guest port: addresses, mode, protection state\n"
           "  stats     counters and plug latency\n"
           "  version   the daemon's version\n"
           "  wait PORT...  wait until every PORT (an OVSDB interface name) "
           "is\n"
           "            protected; fail at once if one is held closed\n"
           "\n"
           "Options:\n"
           "  --ctl=PATH             control socket (default: %s)\n"
           "  --format=text|json     output format (default: text)\n"
           "  --timeout=SECS         give up after SECS seconds (default: "
           "%g)\n"
           "  -h, --help             print this help and exit\n"
           "  -V, --version          print the version and exit\n"
           "\n"
           "Exit status: 0 success, 1 daemon unreachable or error, 2 usage "
           "error.\n",
           CTL_DEFAULT_PATH, CTL_DEFAULT_TIMEOUT);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error__(const char *fmt, ...)
{
    va_list args;
    fprintf(stderr, "vifguard-ctl: ");
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fprintf(stderr, "\nTry 'vifguard-ctl --help' for more information.\n");
    exit(2);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
fail__(const char *fmt, ...)
{
    va_list args;
    fprintf(stderr, "vifguard-ctl: ");
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fprintf(stderr, "\n");
    exit(1);
}

static void
parse_options__(int argc, char **argv, struct options *o)
{
    enum { OPT_CTL = 256, OPT_FORMAT, OPT_TIMEOUT };
    static const struct option long_options[] = {
        { "ctl", required_argument, NULL, OPT_CTL },
        { "format", required_argument, NULL, OPT_FORMAT },
        { "timeout", required_argument, NULL, OPT_TIMEOUT },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    char *end;

    memset(o, 0, sizeof *o);
    o->ctl = CTL_DEFAULT_PATH;
    o->timeout = CTL_DEFAULT_TIMEOUT;
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, "+:hV", long_options, NULL);
        const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_CTL:
            if (!*optarg) {
                usage_error__("--ctl: missing value");
            }
            o->ctl = optarg;
            break;
        case OPT_FORMAT:
            if (!strcmp(optarg, "json")) {
                o->json = true;
            } else if (!strcmp(optarg, "text")) {
                o->json = false;
            } else {
                usage_error__("--format: \"%s\": unknown format (expected "
                              "text or json)",
                              optarg);
            }
            break;
        case OPT_TIMEOUT:
            errno = 0;
            o->timeout = strtod(optarg, &end);
            if (errno || end == optarg || *end || !isfinite(o->timeout) ||
                o->timeout <= 0 || o->timeout > 86400) {
                usage_error__("--timeout: \"%s\": expected a number of "
                              "seconds (0 < SECS <= 86400)",
                              optarg);
            }
            break;
        case 'h':
            usage__();
            exit(0);
        case 'V':
            printf("vifguard-ctl (vifguard) %s\n", PACKAGE_VERSION);
            exit(0);
        case ':':
            usage_error__("option \"%.*s\" needs a value",
                          (int)strcspn(arg, "="), arg);
        case '?':
        default:
            if (!strncmp(arg, "--", 2) && optopt) {
                usage_error__("option \"%.*s\" does not take a value",
                              (int)strcspn(arg, "="), arg);
            } else if (!strncmp(arg, "--", 2) || !optopt) {
                usage_error__("unknown option \"%.*s\"",
                              (int)strcspn(arg, "="), arg);
            }
            usage_error__("unknown option \"-%c\"", optopt);
        }
    }
    if (optind >= argc) {
        usage_error__("missing COMMAND (show, vifs, stats, version or wait)");
    }
    if (!ctl_command_from_name(argv[optind], &o->command)) {
        usage_error__("unknown command \"%s\" (expected show, vifs, stats, "
                      "version or wait)",
                      argv[optind]);
    }
    if (o->command == CTL_WAIT) {
        o->ports = &argv[optind + 1];
        o->n_ports = (size_t)(argc - optind - 1);
        if (!o->n_ports) {
            usage_error__("command \"wait\" needs at least one PORT");
        }
        for (size_t i = 0; i < o->n_ports; i++) {
            if (!*o->ports[i]) {
                usage_error__("wait: empty PORT name");
            }
            if (o->ports[i][0] == '-') {
                usage_error__("wait: \"%s\" is an option: options go before "
                              "COMMAND",
                              o->ports[i]);
            }
        }
    } else if (optind + 1 < argc) {
        usage_error__("command \"%s\" takes no arguments (got \"%s\")",
                      argv[optind], argv[optind + 1]);
    }
}

/* Waits for 'events' on 'fd' until 'deadline'; exits on timeout. */
static void
wait_fd__(int fd, short events, double deadline, const struct options *o,
          const char *doing)
{
    for (;;) {
        double left = deadline - vg_monotonic();
        if (left <= 0) {
            fail__("timed out after %g s %s vifguardd at %s", o->timeout,
                   doing, o->ctl);
        }
        struct pollfd pfd = { .fd = fd, .events = events };
        int n = poll(&pfd, 1, (int)(left * 1000) + 1);
        if (n > 0) {
            return;
        }
        if (n < 0 && errno != EINTR) {
            fail__("poll: %s", strerror(errno));
        }
    }
}

/* Connects to the daemon's control socket.  Returns the socket. */
static int
connect__(const struct options *o, double deadline)
{
    struct sockaddr_un sun;

    if (strlen(o->ctl) >= sizeof sun.sun_path) {
        fail__("%s: socket path too long (at most %zu bytes)", o->ctl,
               sizeof sun.sun_path - 1);
    }
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    strcpy(sun.sun_path, o->ctl);

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fail__("socket: %s", strerror(errno));
    }
    while (connect(fd, (struct sockaddr *)&sun, sizeof sun)) {
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN) {
            /* The daemon's backlog is full: it is busy; retry. */
            if (vg_monotonic() > deadline) {
                fail__("timed out after %g s connecting to vifguardd at %s",
                       o->timeout, o->ctl);
            }
            usleep(10000);
            continue;
        }
        if (errno == EINPROGRESS) {
            wait_fd__(fd, POLLOUT, deadline, o, "connecting to");
            break;
        }
        int error = errno;
        fail__("cannot connect to vifguardd at %s: %s%s", o->ctl,
               strerror(error),
               error == ENOENT || error == ECONNREFUSED
                   ? " (is vifguardd running? see --ctl)"
               : error == EACCES ? " (permission denied: run as root?)"
                                 : "");
    }
    return fd;
}

/* Sends the request and returns the response line (malloc'd, without the
 * newline). */
static char *
exchange__(const struct options *o)
{
    double deadline = vg_monotonic() + o->timeout +
                      (o->command == CTL_WAIT ? WAIT_GRACE : 0);
    int fd = connect__(o, deadline);
    struct ctl_request r = {
        .command = o->command,
        .ports = o->ports,
        .n_ports = o->n_ports,
        .timeout = o->timeout,
    };
    char *req = ctl_format_request(&r);
    struct ofp_buf out, in;

    ofp_buf_init(&out);
    ofp_buf_put_cstr(&out, req);
    ofp_buf_put_char(&out, '\n');
    free(req);
    while (out.size) {
        wait_fd__(fd, POLLOUT, deadline, o, "sending to");
        ssize_t n = send(fd, out.data, out.size, MSG_NOSIGNAL);
        if (n > 0) {
            ofp_buf_try_pull(&out, (size_t)n);
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
            fail__("sending to vifguardd at %s: %s", o->ctl, strerror(errno));
        }
    }
    ofp_buf_uninit(&out);

    ofp_buf_init(&in);
    for (;;) {
        wait_fd__(fd, POLLIN, deadline, o, "waiting for");
        ofp_buf_reserve(&in, 65536);
        ssize_t n = read(fd, in.data + in.size, 65536);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            continue;
        }
        if (n < 0) {
            fail__("reading from vifguardd at %s: %s", o->ctl,
                   strerror(errno));
        }
        if (n == 0) {
            fail__("vifguardd at %s closed the connection without "
                   "answering",
                   o->ctl);
        }
        size_t old = in.size;
        in.size += (size_t)n;
        uint8_t *nl = memchr(in.data + old, '\n', (size_t)n);
        if (nl) {
            *nl = '\0';
            break;
        }
        if (in.size > (size_t)CTL_MAX_RESPONSE) {
            fail__("response from vifguardd at %s is too long", o->ctl);
        }
    }
    close(fd);
    char *resp = ofp_xstrdup((const char *)in.data);
    ofp_buf_uninit(&in);
    return resp;
}

static const char *
str_or_dash__(const char *s)
{
    return s && *s ? s : "-";
}

/* Formats 'seconds' as "1d02h03m", "2h03m04s", "3m04s" or "4.5s". */
static void
format_duration__(double seconds, char *buf, size_t size)
{
    unsigned long s = seconds > 0 ? (unsigned long)seconds : 0;
    if (s >= 86400) {
        snprintf(buf, size, "%lud%02luh%02lum", s / 86400, s / 3600 % 24,
                 s / 60 % 60);
    } else if (s >= 3600) {
        snprintf(buf, size, "%luh%02lum%02lus", s / 3600, s / 60 % 60, s % 60);
    } else if (s >= 60) {
        snprintf(buf, size, "%lum%02lus", s / 60, s % 60);
    } else {
        snprintf(buf, size, "%.1fs", seconds > 0 ? seconds : 0);
    }
}

/* Formats 'seconds' (a latency) in convenient units. */
static void
format_latency__(double seconds, char *buf, size_t size)
{
    if (seconds >= 1) {
        snprintf(buf, size, "%.2f s", seconds);
    } else if (seconds >= 1e-3) {
        snprintf(buf, size, "%.2f ms", seconds * 1e3);
    } else {
        snprintf(buf, size, "%.0f us", seconds * 1e6);
    }
}

/* Prints histogram 'lat' on one line after 'label'; 'what' names the
 * events counted. */
static void
print_latency__(const char *label, const struct vg_latency *lat,
                const char *what)
{
    char p50[32], p99[32], max[32];

    if (!lat->count) {
        printf("%-22sno %s yet\n", label, what);
        return;
    }
    format_latency__(ctl_latency_percentile(lat, .5), p50, sizeof p50);
    format_latency__(ctl_latency_percentile(lat, .99), p99, sizeof p99);
    format_latency__(lat->max, max, sizeof max);
    printf("%-22sp50 <= %s, p99 <= %s, max %s (%" PRIu64 " %s)\n", label, p50,
           p99, max, lat->count, what);
}

static void
print_show__(const struct vg_status *st, const struct json_object *json)
{
    struct json_object *version;
    char up[64];

    format_duration__(st->stats.uptime, up, sizeof up);
    printf("vifguardd %s: up %s, OVSDB %s\n",
           json_object_object_get_ex(json, "version", &version)
               ? json_object_get_string(version)
               : "?",
           up, st->stats.ovsdb_connected ? "connected" : "NOT connected");
    if (st->xenstore.state) {
        printf("xenstore: %s (xenstore = %s)%s%s\n", st->xenstore.state,
               str_or_dash__(st->xenstore.mode),
               st->xenstore.error ? ": " : "",
               st->xenstore.error ? st->xenstore.error : "");
    }
    if (!st->n_bridges) {
        printf("no bridges\n");
    }
    for (size_t i = 0; i < st->n_bridges; i++) {
        const struct vg_bridge_status *b = &st->bridges[i];
        const char *fm =
            b->fail_mode && *b->fail_mode ? b->fail_mode : "(unset)";
        printf("bridge %s (dpid %016" PRIx64 "): %s, fail_mode %s\n",
               str_or_dash__(b->name), b->dpid,
               b->connected ? "connected" : "disconnected", fm);
        if (!b->fail_secure && !b->connected) {
            /* Standalone and no controller connection: a learning switch
             * (or about to fall back to one). */
            printf("  WARNING: not attached: guests are NOT protected "
                   "(vifguard-attach attach %s)\n",
                   str_or_dash__(b->name));
        } else if (!b->fail_secure) {
            printf("  WARNING: fail_mode is not secure: guests are "
                   "unprotected while vifguardd is down (vifguard-attach "
                   "attach %s)\n",
                   str_or_dash__(b->name));
        }
        printf("  guests: %zu protected, %zu pending, %zu error; %zu trusted "
               "ports\n",
               b->n_guests[VG_PORT_PROTECTED], b->n_guests[VG_PORT_PENDING],
               b->n_guests[VG_PORT_ERROR], b->n_trusted);
        if (b->foreign_flows_removed) {
            printf("  foreign flows removed: %" PRIu64 "\n",
                   b->foreign_flows_removed);
        }
        if (b->n_stp_guests) {
            printf("  WARNING: %zu guest port(s) in spanning tree (%s%s): "
                   "guests can send it BPDUs (other_config:stp-enable=false "
                   "and rstp-enable=false on guest ports)\n",
                   b->n_stp_guests, str_or_dash__(b->stp_guest),
                   b->n_stp_guests > 1 ? ", ..." : "");
        }
        if (b->n_proto_guests) {
            char names[64];
            printf("  WARNING: %zu guest port(s) run a link protocol in "
                   "Open vSwitch (%s: %s%s): it takes the guest's frames of "
                   "it before any flow (turn it off on guest ports)\n",
                   b->n_proto_guests, str_or_dash__(b->proto_guest),
                   vg_link_proto_names(b->protos, names, sizeof names),
                   b->n_proto_guests > 1 ? "; ..." : "");
        }
        if (b->mcast_snooping) {
            printf("  multicast snooping on: guests get the groups they "
                   "join\n");
        }
        if (b->in_band) {
            printf("  WARNING: in-band control on (for %s): its hidden "
                   "flows let guests' ARP and TCP past vifguard "
                   "(other_config:disable-in-band=true)\n",
                   b->in_band);
        }
        if (b->other_controller) {
            printf("  WARNING: another controller (%s) can send frames to "
                   "any port and change port settings (vifguard-attach "
                   "attach %s)\n",
                   b->other_controller, b->name);
        }
        if (b->n_sampler_guests) {
            printf("  WARNING: %zu guest port(s) get what the bridge samples "
                   "(%s is at %s%s): they see other guests' packet headers "
                   "or flow records (remove the target unless it is meant)\n",
                   b->n_sampler_guests, str_or_dash__(b->sampler_guest),
                   str_or_dash__(b->sampler),
                   b->n_sampler_guests > 1 ? ", ..." : "");
        }
        if (b->n_mirror_guests) {
            printf("  WARNING: %zu guest port(s) get a port mirror's copies "
                   "(%s%s, from mirror %s): they see traffic that is not "
                   "theirs (remove the mirror unless it is meant)\n",
                   b->n_mirror_guests, str_or_dash__(b->mirror_guest),
                   b->n_mirror_guests > 1 ? ", ..." : "",
                   str_or_dash__(b->mirror_name));
        }
    }
    if (st->attach_patterns) {
        printf("attach-bridges %s:%s\n", st->attach_patterns,
               st->n_attach ? "" : " no bridge matches");
    }
    for (size_t i = 0; i < st->n_attach; i++) {
        const struct vg_attach_status *a = &st->attach[i];
        printf("  %s: %s", str_or_dash__(a->bridge), str_or_dash__(a->state));
        if (a->state && !strcmp(a->state, "waiting")) {
            printf(", next attempt in %.0f s", a->retry_in);
        }
        printf(" (%" PRIu64 " attempt%s", a->attempts,
               a->attempts == 1 ? "" : "s");
        if (a->failures) {
            printf(", %" PRIu64 " failed in a row", a->failures);
        }
        printf(")\n");
        if (a->error) {
            printf("    last error: %s\n", a->error);
        }
    }
}

/* Joins 'v' with commas into 'b' (or "-" if empty). */
static void
join__(struct ofp_buf *b, char **v, size_t n)
{
    ofp_buf_clear(b);
    for (size_t i = 0; i < n; i++) {
        ofp_buf_put_format(b, "%s%s", i ? "," : "", v[i]);
    }
    if (!n) {
        ofp_buf_put_cstr(b, "-");
    }
}

enum {
    COL_BRIDGE,
    COL_NAME,
    COL_OFPORT,
    COL_MAC,
    COL_MODE,
    COL_IPV4,
    COL_IPV6,
    COL_SOURCE,
    COL_STATE,
    COL_REASON,
    N_COLS
};

static void
print_vifs__(const struct vg_status *st)
{
    static const char *const headers[N_COLS] = {
        "BRIDGE", "NAME", "OFPORT", "MAC",   "MODE",
        "IPV4",   "IPV6", "SOURCE", "STATE", "REASON",
    };
    size_t n_rows = st->n_vifs + 1;
    char **cells = ofp_xcalloc(n_rows * N_COLS, sizeof *cells);
    size_t width[N_COLS] = { 0 };
    struct ofp_buf b;

    ofp_buf_init(&b);
    for (int c = 0; c < N_COLS; c++) {
        cells[c] = ofp_xstrdup(headers[c]);
    }
    for (size_t i = 0; i < st->n_vifs; i++) {
        const struct vg_vif_status *v = &st->vifs[i];
        char **row = &cells[(i + 1) * N_COLS];
        row[COL_BRIDGE] = ofp_xstrdup(str_or_dash__(v->bridge));
        row[COL_NAME] = ofp_xstrdup(str_or_dash__(v->name));
        row[COL_OFPORT] = ofp_xasprintf("%" PRId64, v->ofport);
        row[COL_MAC] = ofp_xstrdup(str_or_dash__(v->mac));
        row[COL_MODE] = ofp_xstrdup(str_or_dash__(v->mode));
        join__(&b, v->ipv4, v->n_ipv4);
        row[COL_IPV4] = ofp_xstrdup(ofp_buf_cstr(&b));
        join__(&b, v->ipv6, v->n_ipv6);
        row[COL_IPV6] = ofp_xstrdup(ofp_buf_cstr(&b));
        row[COL_SOURCE] = ofp_xstrdup(str_or_dash__(v->source));
        row[COL_STATE] = ofp_xstrdup(vg_port_state_name(v->state));
        row[COL_REASON] = ofp_xstrdup(str_or_dash__(v->reason));
    }
    for (size_t r = 0; r < n_rows; r++) {
        for (int c = 0; c < N_COLS; c++) {
            size_t len = strlen(cells[r * N_COLS + c]);
            width[c] = len > width[c] ? len : width[c];
        }
    }
    for (size_t r = 0; r < n_rows; r++) {
        for (int c = 0; c < N_COLS; c++) {
            const char *cell = cells[r * N_COLS + c];
            if (c == N_COLS - 1) {
                printf("%s\n", cell);
            } else {
                printf("%-*s  ", (int)width[c], cell);
            }
        }
    }
    if (!st->n_vifs) {
        printf("(no guest ports)\n");
    }
    for (size_t i = 0; i < st->n_vifs; i++) {
        const struct vg_vif_status *v = &st->vifs[i];
        if (v->conflict) {
            printf("CONFLICT %s %s: %s policy applies; %s\n",
                   str_or_dash__(v->bridge), str_or_dash__(v->name),
                   str_or_dash__(v->source), v->conflict);
        }
    }
    for (size_t i = 0; i < n_rows * N_COLS; i++) {
        free(cells[i]);
    }
    free(cells);
    ofp_buf_uninit(&b);
}

static void
print_stats__(const struct vg_status *st, const struct json_object *json)
{
    const struct vg_stats *s = &st->stats;
    char up[64];
    struct json_object *log, *errors, *warnings;

    format_duration__(s->uptime, up, sizeof up);
    printf("uptime:               %s\n", up);
    printf("ovsdb:                %s, %" PRIu64 " updates\n",
           s->ovsdb_connected ? "connected" : "NOT connected",
           s->ovsdb_updates);
    printf("openflow connections: %" PRIu64 "\n", s->ofp_connections);
    printf("flow mods sent:       %" PRIu64 "\n", s->flow_mods_sent);
    printf("bundles:              %" PRIu64 " committed, %" PRIu64 " failed\n",
           s->bundles_committed, s->bundles_failed);
    printf("openflow errors:      %" PRIu64 "\n", s->ofp_errors);
    printf("foreign flows:        %" PRIu64 " removed\n",
           s->foreign_flows_removed);
    printf("MAC table cleanup:    %" PRIu64 " entries removed, %" PRIu64
           " flushes\n",
           s->mac_entries_removed, s->mac_table_flushes);
    print_latency__("plug latency:", &s->plug, "plugs");
    print_latency__("NO_FLOOD window:", &s->noflood, "ports");
    print_latency__("switch commit:", &s->commit, "bundles");
    if (json_object_object_get_ex(json, "log", &log) &&
        json_object_object_get_ex(log, "errors", &errors) &&
        json_object_object_get_ex(log, "warnings", &warnings)) {
        printf(
            "log:                  %" PRIu64 " errors, %" PRIu64 " warnings\n",
            json_object_get_uint64(errors), json_object_get_uint64(warnings));
    }
    printf("loop iterations:      %lu\n", s->loop_iterations);
}

int
main(int argc, char **argv)
{
    struct options o;
    struct json_object *resp, *ok, *result, *error;

    parse_options__(argc, argv, &o);

    char *line = exchange__(&o);
    resp = json_tokener_parse(line);
    if (!resp || !json_object_is_type(resp, json_type_object) ||
        !json_object_object_get_ex(resp, "ok", &ok) ||
        !json_object_is_type(ok, json_type_boolean)) {
        fail__("bad response from vifguardd at %s: %.200s", o.ctl, line);
    }
    free(line);
    if (!json_object_get_boolean(ok)) {
        fail__("vifguardd: %s",
               json_object_object_get_ex(resp, "error", &error)
                   ? json_object_get_string(error)
                   : "unknown error");
    }
    if (!json_object_object_get_ex(resp, "result", &result)) {
        fail__("bad response from vifguardd at %s: no result", o.ctl);
    }

    if (o.command == CTL_WAIT && !o.json) {
        /* Its exit status says it all, as for `ovs-vsctl wait-until`. */
        json_object_put(resp);
        return 0;
    }
    if (o.json) {
        printf("%s\n",
               json_object_to_json_string_ext(
                   result, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                               JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(resp);
        return 0;
    }

    struct vg_status st;
    char *err;
    memset(&st, 0, sizeof st);
    if (ctl_status_from_json(o.command, result, &st, &err)) {
        fail__("bad response from vifguardd at %s: %s", o.ctl, err);
    }
    switch (o.command) {
    case CTL_SHOW:
        print_show__(&st, result);
        break;
    case CTL_VIFS:
        print_vifs__(&st);
        break;
    case CTL_STATS:
        print_stats__(&st, result);
        break;
    case CTL_VERSION:
    default: {
        struct json_object *version;
        printf("vifguardd %s\n",
               json_object_object_get_ex(result, "version", &version)
                   ? json_object_get_string(version)
                   : "?");
        break;
    }
    }
    vg_status_destroy(&st);
    json_object_put(resp);
    return fflush(stdout) ? 1 : 0;
}
