/* noflood-tool: runs src/noflood.c operations on the event loop, for
 * tests/test_noflood.py.
 *
 *   noflood-tool [-v] [--cancel-after=S] [--gap=S] MGMT PORT=on|off...
 *                [-- MGMT ...]
 *   noflood-tool --path REMOTE RUNDIR BRIDGE
 *
 * The first form starts one noflood_apply() per group (groups are separated
 * by "--"), each on management socket MGMT with the listed ports (PORT is
 * an OpenFlow port number, "on" sets NO_FLOOD, "off" clears it;
 * "PORT=on@aa:bb:cc:dd:ee:ff" gives the port's hardware address, and an
 * operation where every port has one skips FEATURES_REQUEST).  There is one
 * session (one connection) per distinct MGMT: groups on the same MGMT run
 * one after another on it, groups on different ones at the same time.
 * With --gap=S the groups start one at a time instead, each S seconds
 * after the previous one ended.  It prints, for each operation as it ends:
 *
 *   result op=K error=N text=TEXT
 *   port op=K ofport=P want=on|off changed=yes|no settled=yes|no error=N
 *        text=TEXT
 *   elapsed op=K SECONDS
 *
 * where N is 0, an errno value or an enum ofperr value and TEXT its name
 * (ofp_strerror()).  It exits 0 if every operation succeeded, 1 otherwise.
 * With --cancel-after=S it cancels every operation still running after S
 * seconds, prints "cancelled op=K" for each, waits two more seconds and
 * exits 3 (a callback after the cancel would print a result and exit 1).
 * With --watch=S every session watches other clients' port changes
 * (noflood_session_watch()) and prints each report as
 *
 *   watch ofport=P no_flood=on|off     (or "watch lost")
 *
 * and the tool runs S more seconds after the last operation ended.
 *
 * The second form prints noflood_mgmt_path(REMOTE, RUNDIR, BRIDGE); "-"
 * stands for NULL.  Logs go to stderr; -v turns on debug logging. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/buf.h"
#include "ofp/errors.h"
#include "src/log.h"
#include "src/loop.h"
#include "src/noflood.h"

/* One operation. */
struct op {
    int id;
    struct noflood_session *s;
    struct noflood_port *ports;
    size_t n;
    struct noflood *nf; /* NULL once done or cancelled. */
    double started;
};

static struct op *ops;
static size_t n_ops;
static size_t n_running;
static bool any_failed;
static bool cancelled;
static double gap = -1;         /* --gap, or -1. */
static double watch_for = -1;   /* --watch, or -1. */
static struct vg_timer *stop_t; /* Ends the run after --watch. */
static struct vg_timer *next_t; /* Starts the next group with --gap. */
static size_t n_started;

static noflood_done_cb done__;

/* Starts the next operation not started yet. */
static void
start_next__(void)
{
    struct op *op = &ops[n_started++];
    op->started = vg_now_exact();
    op->nf = noflood_apply(op->s, op->ports, op->n, done__, op);
    n_running++;
}

static void
next_cb__(struct vg_timer *t, void *aux)
{
    (void)t;
    (void)aux;
    start_next__();
}

static void
usage__(void)
{
    fprintf(stderr, "usage: noflood-tool [-v] [--cancel-after=S] [--gap=S] "
                    "[--watch=S] MGMT "
                    "PORTSPEC... "
                    "[-- MGMT PORTSPEC...]...\n"
                    "       (PORTSPEC: PORT=on|off[@HW_ADDR])\n"
                    "       noflood-tool --path REMOTE|- RUNDIR|- BRIDGE\n");
    exit(2);
}

static void
done__(void *op_, int error, const struct noflood_result *results, size_t n)
{
    struct op *op = op_;

    printf("result op=%d error=%d text=%s\n", op->id, error,
           ofp_strerror(error));
    for (size_t i = 0; i < n; i++) {
        const struct noflood_result *r = &results[i];
        printf("port op=%d ofport=%" PRIu32 " want=%s changed=%s settled=%s "
               "error=%d text=%s\n",
               op->id, r->ofport, r->no_flood ? "on" : "off",
               r->changed ? "yes" : "no", r->settled ? "yes" : "no", r->error,
               ofp_strerror(r->error));
    }
    printf("elapsed op=%d %.3f\n", op->id, vg_now_exact() - op->started);
    fflush(stdout);

    /* A no-op during the callback. */
    noflood_cancel(op->nf);
    op->nf = NULL;
    if (error || cancelled) {
        any_failed = true;
    }
    n_running--;
    if (gap >= 0 && n_started < n_ops && !cancelled) {
        vg_timer_start(next_t, gap, 0);
    } else if (!n_running && n_started == n_ops && !cancelled) {
        if (watch_for >= 0) {
            vg_timer_start(stop_t, watch_for, 0);
        } else {
            vg_loop_break();
        }
    }
}

static void
watch__(void *aux, uint32_t ofport, bool no_flood)
{
    (void)aux;
    if (ofport) {
        printf("watch ofport=%" PRIu32 " no_flood=%s\n", ofport,
               no_flood ? "on" : "off");
    } else {
        printf("watch lost\n");
    }
    fflush(stdout);
}

static void
cancel_cb__(struct vg_timer *t, void *aux)
{
    (void)t;
    (void)aux;
    cancelled = true;
    for (size_t i = 0; i < n_ops; i++) {
        if (ops[i].nf) {
            noflood_cancel(ops[i].nf);
            ops[i].nf = NULL;
            printf("cancelled op=%d\n", ops[i].id);
            fflush(stdout);
        }
    }
}

static void
stop_cb__(struct vg_timer *t, void *aux)
{
    (void)t;
    (void)aux;
    vg_loop_break();
}

/* Parses "PORT=on|off[@HW_ADDR]" into 'p'. */
static void
parse_port__(const char *s, struct noflood_port *p)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || v > UINT32_MAX) {
        usage__();
    }
    p->ofport = (uint32_t)v;
    if (!strncmp(end, "=on", 3)) {
        p->no_flood = true;
        end += 3;
    } else if (!strncmp(end, "=off", 4)) {
        p->no_flood = false;
        end += 4;
    } else {
        usage__();
    }
    if (*end == '@') {
        unsigned int m[6];
        int len = 0;
        if (sscanf(end + 1, "%2x:%2x:%2x:%2x:%2x:%2x%n", &m[0], &m[1], &m[2],
                   &m[3], &m[4], &m[5], &len) != 6 ||
            end[1 + len]) {
            usage__();
        }
        for (int i = 0; i < 6; i++) {
            p->hw_addr[i] = (uint8_t)m[i];
        }
        p->has_hw_addr = true;
    } else if (*end) {
        usage__();
    }
}

int
main(int argc, char *argv[])
{
    double cancel_after = -1;
    int i = 1;

    vg_log_use_stderr(true);
    if (argc == 5 && !strcmp(argv[1], "--path")) {
        const char *remote = strcmp(argv[2], "-") ? argv[2] : NULL;
        const char *rundir = strcmp(argv[3], "-") ? argv[3] : NULL;
        char *path = noflood_mgmt_path(remote, rundir, argv[4]);
        printf("%s\n", path);
        free(path);
        return 0;
    }
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        if (!strncmp(argv[i], "--cancel-after=", 15)) {
            cancel_after = atof(argv[i] + 15);
        } else if (!strncmp(argv[i], "--gap=", 6)) {
            gap = atof(argv[i] + 6);
        } else if (!strncmp(argv[i], "--watch=", 8)) {
            watch_for = atof(argv[i] + 8);
        } else {
            usage__();
        }
    }
    if (i < argc && !strcmp(argv[i], "-v")) {
        vg_log_set_debug(NULL);
        i++;
    }
    if (i >= argc) {
        usage__();
    }

    ops = ofp_xcalloc((size_t)argc, sizeof *ops);
    while (i < argc) {
        struct op *op = &ops[n_ops];
        op->id = (int)n_ops++;
        const char *path = argv[i++];
        for (size_t k = 0; k < n_ops - 1 && !op->s; k++) {
            if (!strcmp(noflood_session_path(ops[k].s), path)) {
                op->s = ops[k].s;
            }
        }
        if (!op->s) {
            op->s = noflood_session_create(path);
            if (watch_for >= 0) {
                noflood_session_watch(op->s, watch__, NULL);
            }
        }
        op->ports = ofp_xcalloc((size_t)argc, sizeof *op->ports);
        while (i < argc && strcmp(argv[i], "--")) {
            parse_port__(argv[i++], &op->ports[op->n++]);
        }
        i++; /* "--" */
    }

    next_t = vg_timer_create(next_cb__, NULL);
    stop_t = vg_timer_create(stop_cb__, NULL);
    do {
        start_next__();
    } while (gap < 0 && n_started < n_ops);

    struct vg_timer *cancel = NULL, *stop = NULL;
    if (cancel_after >= 0) {
        cancel = vg_timer_create(cancel_cb__, NULL);
        vg_timer_start(cancel, cancel_after, 0);
        stop = vg_timer_create(stop_cb__, NULL);
        vg_timer_start(stop, cancel_after + 2, 0);
    }
    vg_loop_run();
    vg_timer_destroy(cancel);
    vg_timer_destroy(stop);
    vg_timer_destroy(next_t);
    vg_timer_destroy(stop_t);

    for (size_t k = 0; k < n_ops; k++) {
        /* Each session once (the last op that has it). */
        bool last = true;
        for (size_t j = k + 1; j < n_ops; j++) {
            last = last && ops[j].s != ops[k].s;
        }
        if (last) {
            noflood_session_destroy(ops[k].s);
        }
        free(ops[k].ports);
    }
    free(ops);
    if (cancelled && !any_failed) {
        return 3;
    }
    return any_failed ? 1 : 0;
}
