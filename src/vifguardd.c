/* vifguardd: the vifguard daemon's main program.
 *
 * Reads the settings (src/config.h), sets up logging, detaches and writes
 * the pidfile if asked, creates the modules, reports readiness (systemd
 * and --detach) and runs the event loop until SIGTERM or SIGINT; SIGHUP
 * reopens the log file.  Every module hangs off one struct vg_daemon, which
 * the modules' callbacks get as 'aux'.
 *
 * Exit status: 0 after a clean shutdown (and for --help, --version), 1 if
 * the daemon could not start, 2 for a bad command line or configuration
 * file. */
#include <config.h>

#include <errno.h>
#include <libgen.h>
#ifdef HAVE_MALLOPT
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/autoattach.h"
#include "src/config.h"
#include "src/ctl.h"
#include "src/daemon.h"
#include "src/engine.h"
#include "src/log.h"
#include "src/loop.h"
#include "src/noflood.h"
#include "src/ofconn.h"
#include "src/ovsdb.h"
#include "src/status.h"
#include "src/xenstore.h"

#define SUBSYS "main"

/* Everything the daemon runs: each module has a member, a creation step in
 * daemon_start__() and a destruction step in daemon_stop__(). */
struct vg_daemon {
    struct vg_config cfg;          /* Settings. */
    double start_time;             /* vg_now() at startup, for uptime. */
    struct engine *engine;         /* Policy -> flows, per bridge. */
    struct ovsdb_client *ovsdb;    /* Source of bridges, ports and policy. */
    struct autoattach *autoattach; /* attach-bridges, or NULL if off. */
    struct vg_xenstore *xenstore;  /* Source of xapi and per-MAC policy. */
    struct ofconn_listener **listeners; /* One per --listen target. */
    size_t n_listeners;
    struct ctl_server *ctl;    /* Control socket for vifguard-ctl. */
    struct vg_signal *sigterm; /* Shut down. */
    struct vg_signal *sigint;  /* Shut down. */
    struct vg_signal *sighup;  /* Reopen the log file. */
    int exit_signal;           /* Signal that stopped the loop, or 0. */
};

/* Status provider of the control socket: the engine's view plus the OVSDB
 * client's state. */
static void
daemon_get_status__(void *d_, struct vg_status *st)
{
    struct vg_daemon *d = d_;
    struct ovsdb_client_stats os;

    engine_get_status(d->engine, st);
    autoattach_get_status(d->autoattach, st);
    ovsdb_client_get_stats(d->ovsdb, &os);
    st->stats.ovsdb_connected = ovsdb_client_is_connected(d->ovsdb);
    st->stats.ovsdb_updates = os.updates;
    st->stats.uptime = vg_now_exact() - d->start_time;

    const char *error;
    st->xenstore.mode = ofp_xstrdup(vg_xenstore_mode_name(d->cfg.xenstore));
    st->xenstore.state = ofp_xstrdup(vg_xenstore_state(d->xenstore, &error));
    st->xenstore.error = error ? ofp_xstrdup(error) : NULL;
}

static int
daemon_port_state__(void *d_, const char *name, const char **reason)
{
    struct vg_daemon *d = d_;
    return engine_port_state(d->engine, name, reason);
}

static bool
daemon_is_guest_name__(const char *name, void *d_)
{
    struct vg_daemon *d = d_;
    return vg_config_is_guest_name(&d->cfg, name);
}

static void
daemon_ovsdb_changed__(void *d_, const struct vg_host *host)
{
    struct vg_daemon *d = d_;
    engine_set_host(d->engine, host);
    autoattach_set_host(d->autoattach, host);
}

/* xenstore changed: the engine computes every port again with the new view
 * and the last OVSDB snapshot (unchanged ports cost nothing). */
static void
daemon_xenstore_changed__(void *d_, const struct vg_xs_view *view)
{
    struct vg_daemon *d = d_;
    const struct vg_host *host = d->ovsdb ? ovsdb_client_host(d->ovsdb) : NULL;

    engine_set_xenstore(d->engine, view, vg_xenstore_active(d->xenstore));
    if (host) {
        engine_set_host(d->engine, host);
    }
}

static void
daemon_signal_cb__(struct vg_signal *sig, int signum, void *d_)
{
    struct vg_daemon *d = d_;
    (void)sig;
    if (signum == SIGHUP) {
        VG_INFO(SUBSYS, "SIGHUP: reopening the log file");
        vg_log_reopen();
        return;
    }
    VG_INFO(SUBSYS, "%s: shutting down", strsignal(signum));
    d->exit_signal = signum;
    vg_loop_break();
}

/* Creates the directory of every socket the daemon listens on.  Returns 0
 * or an errno value with a message in '*errp'. */
static int
daemon_make_dirs__(const struct vg_config *cfg, char **errp)
{
    int error = vg_daemon_make_parent_dir(cfg->ctl, errp);
    for (size_t i = 0; !error && i < cfg->n_listen; i++) {
        if (!strncmp(cfg->listen[i], "punix:", 6)) {
            error = vg_daemon_make_parent_dir(cfg->listen[i] + 6, errp);
        }
    }
    return error;
}

/* Returns the canonical path of the directory of 'path' (malloc'd), or
 * NULL if it cannot be resolved. */
static char *
dir_realpath__(const char *path)
{
    char *copy = ofp_xstrdup(path);
    char *dir = realpath(dirname(copy), NULL);
    free(copy);
    return dir;
}

/* ovs-vswitchd connects to a unix: controller only inside its own run
 * directory, which is where the OVSDB socket is: a punix: listener
 * elsewhere is one that no bridge can reach, and a bridge attached to it
 * (fail_mode=secure) would forward nothing new.  Warns about each such
 * listener when the OVSDB remote is a unix: socket that exists. */
static void
daemon_check_listen_dirs__(const struct vg_config *cfg)
{
    if (strncmp(cfg->ovsdb, "unix:", 5) || access(cfg->ovsdb + 5, F_OK)) {
        return;
    }
    char *ovs_dir = noflood_ovs_rundir(cfg->ovsdb, NULL);
    char *rundir = realpath(ovs_dir, NULL);
    free(ovs_dir);
    for (size_t i = 0; rundir && i < cfg->n_listen; i++) {
        if (strncmp(cfg->listen[i], "punix:", 6)) {
            continue;
        }
        char *dir = dir_realpath__(cfg->listen[i] + 6);
        if (dir && strcmp(dir, rundir)) {
            VG_WARN(SUBSYS,
                    "listen %s: not in %s, Open vSwitch's run directory "
                    "(that of the OVSDB socket): ovs-vswitchd connects to "
                    "unix: controllers only there, so no bridge can "
                    "connect to this listener; use punix:%s/vifguard.ofp.sock",
                    cfg->listen[i], rundir, rundir);
        }
        free(dir);
    }
    free(rundir);
}

/* Creates the modules.  Returns 0 or an errno value with a message in
 * '*errp'. */
static int
daemon_start__(struct vg_daemon *d, char **errp)
{
    int error;

    d->start_time = vg_now_exact();
    if ((error = daemon_make_dirs__(&d->cfg, errp))) {
        return error;
    }
    daemon_check_listen_dirs__(&d->cfg);
    d->engine = engine_create(d->cfg.default_mode, d->cfg.ovsdb,
                              daemon_is_guest_name__, d);
    engine_set_listeners(d->engine, d->cfg.listen, d->cfg.n_listen);
    d->listeners = ofp_xcalloc(d->cfg.n_listen, sizeof *d->listeners);
    for (size_t i = 0; i < d->cfg.n_listen; i++) {
        error = ofconn_listen(d->cfg.listen[i], engine_ofconn_handler(),
                              d->engine, &d->listeners[i], errp);
        if (error) {
            return error;
        }
        d->n_listeners++;
    }
    d->autoattach = autoattach_create(&d->cfg);
    /* xenstore first: its first view is in place before OVSDB's first
     * snapshot reaches the engine. */
    d->xenstore =
        vg_xenstore_create(d->cfg.xenstore, daemon_xenstore_changed__, d);
    engine_set_xenstore(d->engine, vg_xenstore_view(d->xenstore),
                        vg_xenstore_active(d->xenstore));
    d->ovsdb = ovsdb_client_create(d->cfg.ovsdb, daemon_ovsdb_changed__, d);
    if (!d->ovsdb) {
        *errp = ofp_xasprintf("%s: bad OVSDB remote", d->cfg.ovsdb);
        return EINVAL;
    }
    const struct ctl_provider provider = {
        .status = daemon_get_status__,
        .port_state = daemon_port_state__,
        .aux = d,
    };
    error = ctl_server_create(d->cfg.ctl, &provider, &d->ctl, errp);
    if (error) {
        return error;
    }
    d->sigterm = vg_signal_create(SIGTERM, daemon_signal_cb__, d);
    d->sigint = vg_signal_create(SIGINT, daemon_signal_cb__, d);
    d->sighup = vg_signal_create(SIGHUP, daemon_signal_cb__, d);
    return 0;
}

/* Destroys the modules in the reverse order of creation. */
static void
daemon_stop__(struct vg_daemon *d)
{
    vg_signal_destroy(d->sighup);
    vg_signal_destroy(d->sigint);
    vg_signal_destroy(d->sigterm);
    ctl_server_destroy(d->ctl);
    d->ctl = NULL;
    ovsdb_client_destroy(d->ovsdb);
    d->ovsdb = NULL;
    autoattach_destroy(d->autoattach);
    d->autoattach = NULL;
    if (d->engine) {
        engine_set_xenstore(d->engine, NULL, false);
    }
    vg_xenstore_destroy(d->xenstore);
    d->xenstore = NULL;
    for (size_t i = 0; i < d->n_listeners; i++) {
        ofconn_listener_destroy(d->listeners[i]);
    }
    free(d->listeners);
    d->listeners = NULL;
    d->n_listeners = 0;
    engine_destroy(d->engine);
    d->engine = NULL;
}

static void
setup_logging__(const struct vg_config *cfg)
{
    if (cfg->debug_all) {
        vg_log_set_debug(NULL);
    }
    for (size_t i = 0; i < cfg->n_debug; i++) {
        vg_log_set_debug(cfg->debug[i]);
    }
}

/* Keeps glibc from holding on to the memory of large short-lived buffers.
 *
 * vifguardd's large allocations are short-lived: the encoded bundle of a
 * transaction, a snapshot's interface array, the flow list of a VLAN group
 * being replaced, the compiled groups of a large transaction.  glibc serves
 * an allocation of 128 kB or more with mmap() and unmaps it when freed, but
 * the first time such a block is freed it raises that threshold to the
 * block's size (up to 32 MB) and the heap's trim threshold to twice that.
 * After the cold start's bundle, every later transaction's buffers then
 * came from the heap, between the small long-lived allocations of
 * snapshots and ports, and the heap was never trimmed: over a few hundred
 * plug/unplug rounds RSS went from 10 to 20-25 MB while the memory in use
 * stayed the same (malloc_info(): 12 MB in use, 24 MB free in the heap).
 * Setting the threshold explicitly keeps it (and the trim threshold) at the
 * initial 128 kB. */
static void
tune_malloc__(void)
{
#ifdef HAVE_MALLOPT
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}

int
main(int argc, char **argv)
{
    struct vg_daemon d;
    char *err = NULL;
    int error;

    tune_malloc__();
    memset(&d, 0, sizeof d);
    vg_config_init(&d.cfg);
    error = vg_config_load(&d.cfg, argc, argv, &err);
    if (error) {
        fprintf(stderr, "vifguardd: %s\n", err);
        free(err);
        vg_config_destroy(&d.cfg);
        return 2;
    }
    if (d.cfg.help) {
        vg_config_usage("vifguardd");
        vg_config_destroy(&d.cfg);
        return 0;
    }
    if (d.cfg.version) {
        printf("vifguardd (vifguard) %s\n", PACKAGE_VERSION);
        vg_config_destroy(&d.cfg);
        return 0;
    }

    setup_logging__(&d.cfg);
    if (d.cfg.log_file && (error = vg_log_open_file(d.cfg.log_file))) {
        fprintf(stderr, "vifguardd: %s: cannot open log file: %s\n",
                d.cfg.log_file, strerror(error));
        vg_config_destroy(&d.cfg);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    if (d.cfg.detach) {
        /* The terminal gets only a startup failure (below); the rest goes
         * to syslog and the log file. */
        vg_log_use_stderr(false);
        vg_log_use_syslog(true);
    }

    if ((d.cfg.detach && (error = vg_daemon_detach(&err))) ||
        (d.cfg.pidfile &&
         (error = vg_daemon_pidfile_create(d.cfg.pidfile, &err))) ||
        (error = daemon_start__(&d, &err))) {
        VG_ERR(SUBSYS, "%s", err);
        if (d.cfg.detach) {
            fprintf(stderr, "vifguardd: %s\n", err);
        }
        free(err);
        daemon_stop__(&d);
        vg_daemon_pidfile_remove();
        vg_config_destroy(&d.cfg);
        return 1;
    }

    VG_INFO(SUBSYS,
            "vifguardd %s started (pid %ld, ovsdb %s, default mode "
            "%s%s)",
            PACKAGE_VERSION, (long)getpid(), d.cfg.ovsdb,
            vg_mode_name(d.cfg.default_mode),
            d.autoattach ? ", attach-bridges on" : "");
    vg_daemon_notify_ready();

    vg_loop_run();

    vg_daemon_notify_stopping();
    daemon_stop__(&d);
    vg_daemon_pidfile_remove();
    VG_INFO(SUBSYS, "exiting");
    vg_config_destroy(&d.cfg);
    return 0;
}
