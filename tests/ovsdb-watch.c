/* ovsdb-watch: prints the OVSDB client's snapshots, for tests.
 *
 *   ovsdb-watch REMOTE [--count=N] [--timeout=S] [--probe=S] [-v]
 *
 * Connects to REMOTE with src/ovsdb.c and prints every snapshot it delivers
 * as stable text (ovsdb_format_host(): one line per bridge and per
 * interface) between a "snapshot N" line and an "end N" line, flushing
 * stdout after each.  Exits 0 after N snapshots (--count), or 1 when
 * --timeout seconds pass first (0 after a timeout without --count).  Before
 * exiting it prints "stats updates=... snapshots=... connects=...
 * disconnects=... malformed=..." and "connected=yes|no", also when stopped
 * by SIGTERM or SIGINT.  Logs go to stderr; -v turns on debug logging. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/buf.h"
#include "src/log.h"
#include "src/loop.h"
#include "src/model.h"
#include "src/ovsdb.h"

struct watch {
    long count; /* Snapshots to print before exiting; 0: no limit. */
    long seen;  /* Snapshots printed. */
    bool timed_out;
};

static void
usage__(void)
{
    fprintf(stderr, "usage: ovsdb-watch REMOTE [--count=N] [--timeout=S] "
                    "[--probe=S] [-v]\n");
    exit(2);
}

/* Parses a non-negative number for option 'name'. */
static double
parse_number__(const char *name, const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || v < 0) {
        fprintf(stderr, "ovsdb-watch: bad %s \"%s\"\n", name, s);
        exit(2);
    }
    return v;
}

static void
changed__(void *w_, const struct vg_host *host)
{
    struct watch *w = w_;
    struct ofp_buf text;

    w->seen++;
    ofp_buf_init(&text);
    ovsdb_format_host(host, &text);
    printf("snapshot %ld\n%send %ld\n", w->seen, ofp_buf_cstr(&text), w->seen);
    fflush(stdout);
    ofp_buf_uninit(&text);
    if (w->count && w->seen >= w->count) {
        vg_loop_break();
    }
}

static void
signal__(struct vg_signal *s, int signum, void *w_)
{
    vg_loop_break();
}

static void
timeout__(struct vg_timer *t, void *w_)
{
    struct watch *w = w_;
    w->timed_out = true;
    vg_loop_break();
}

int
main(int argc, char *argv[])
{
    static const struct option options[] = {
        { "count", required_argument, NULL, 'c' },
        { "timeout", required_argument, NULL, 't' },
        { "probe", required_argument, NULL, 'p' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct watch w = { 0, 0, false };
    double timeout = 0, probe = -1;
    int opt;

    while ((opt = getopt_long(argc, argv, "vh", options, NULL)) != -1) {
        switch (opt) {
        case 'c':
            w.count = (long)parse_number__("count", optarg);
            break;
        case 't':
            timeout = parse_number__("timeout", optarg);
            break;
        case 'p':
            probe = parse_number__("probe", optarg);
            break;
        case 'v':
            vg_log_set_debug(NULL);
            break;
        case 'h':
        default:
            usage__();
        }
    }
    if (optind != argc - 1) {
        usage__();
    }

    struct ovsdb_client *client =
        ovsdb_client_create(argv[optind], changed__, &w);
    if (!client) {
        return 2;
    }
    if (probe >= 0) {
        ovsdb_client_set_probe_interval(client, probe);
    }

    struct vg_timer *timer = vg_timer_create(timeout__, &w);
    if (timeout > 0) {
        vg_timer_start(timer, timeout, 0);
    }
    struct vg_signal *sigterm = vg_signal_create(SIGTERM, signal__, &w);
    struct vg_signal *sigint = vg_signal_create(SIGINT, signal__, &w);
    vg_loop_run();
    vg_signal_destroy(sigterm);
    vg_signal_destroy(sigint);

    struct ovsdb_client_stats st;
    ovsdb_client_get_stats(client, &st);
    printf("stats updates=%" PRIu64 " snapshots=%" PRIu64 " connects=%" PRIu64
           " disconnects=%" PRIu64 " malformed=%" PRIu64 "\n",
           st.updates, st.snapshots, st.connects, st.disconnects,
           st.malformed);
    printf("connected=%s\n", ovsdb_client_is_connected(client) ? "yes" : "no");
    fflush(stdout);

    vg_timer_destroy(timer);
    ovsdb_client_destroy(client);
    if (w.timed_out && w.count) {
        fprintf(stderr, "ovsdb-watch: timeout after %ld of %ld snapshots\n",
                w.seen, w.count);
        return 1;
    }
    return 0;
}
