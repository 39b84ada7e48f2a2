/* attach-bridges: runs vifguard-attach for matching bridges that are not
 * attached.  See autoattach.h.
 *
 * Per bridge name there is one entry: the bridge's OVSDB row UUID as last
 * seen (a new UUID means the bridge was re-created: its backoff restarts),
 * whether the last snapshot wants it attached, the running child if any,
 * and the counters shown by vifguard-ctl.  An attachment undone again
 * within AA_UNDONE_WINDOW of being made (something else, such as another
 * controller manager, keeps setting the bridge's controller or fail_mode)
 * counts like a failure for the backoff, and from the AA_UNDONE_WARN-th
 * time in a row it is a warning, so that two managers fighting over a
 * bridge neither spin nor go unnoticed.  A child runs as
 *     vifguard-attach --db=OVSDB --target=TARGET --config=/dev/null
 *                     --timeout=10 --no-wait attach BRIDGE
 * with everything it needs on its command line (the daemon's own settings,
 * whatever file or options they came from), in its own process group so
 * that a time-out kills ovs-vsctl and ovs-ofctl too.  Its stdout and stderr
 * go through a pipe into the log, line by line, once it has exited. */
#include <config.h>
#include "src/autoattach.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ofp/buf.h"
#include "src/config.h"
#include "src/log.h"
#include "src/loop.h"
#include "src/model.h"
#include "src/status.h"

#define SUBSYS "attach"

#define AA_RUN_TIMEOUT 60.0   /* Seconds before a run is killed. */
#define AA_OVS_TIMEOUT "10"   /* vifguard-attach --timeout (per command). */
#define AA_MIN_INTERVAL 1.0   /* Seconds between two runs for a bridge. */
#define AA_MAX_BACKOFF 60.0   /* Longest wait after failures. */
#define AA_MAX_OUTPUT 8192    /* Output bytes kept per run. */
#define AA_UNDONE_WINDOW 60.0 /* An attachment lost sooner was undone. */
#define AA_UNDONE_WARN 3      /* Warn at this many undone in a row. */

extern char **environ;

struct aa_bridge {
    struct autoattach *aa;
    char *name;
    char uuid[37]; /* Bridge row UUID last seen. */
    bool present;  /* In the last snapshot (and matching). */
    bool needs;    /* Not attached, as of the last snapshot. */
    pid_t pid;     /* Running vifguard-attach, or 0. */
    struct vg_child *child;
    struct vg_io *out;         /* Read end of its output pipe. */
    struct vg_timer *deadline; /* Kills the run after AA_RUN_TIMEOUT. */
    struct ofp_buf output;     /* What it printed (at most AA_MAX_OUTPUT). */
    bool timed_out;
    double started;     /* vg_now() when the run started. */
    double next_try;    /* No run before this vg_now(). */
    double attached_at; /* vg_now() of the last attachment, or 0. */
    uint64_t attempts;
    uint64_t failures; /* Consecutive. */
    uint64_t undone;   /* Attachments undone soon, consecutive. */
    char *error;       /* Last failure, or NULL. */
};

struct autoattach {
    const struct vg_config *cfg; /* Patterns, command, OVSDB remote. */
    char **targets;              /* Controller targets of our listeners. */
    size_t n_targets;
    struct aa_bridge **bridges;
    size_t n_bridges;
    struct vg_timer *retry; /* Next backoff expiry. */
};

static void run__(struct autoattach *);
static vg_timer_cb retry_cb__;

struct autoattach *
autoattach_create(const struct vg_config *cfg)
{
    if (!cfg->n_attach_globs) {
        return NULL;
    }
    struct autoattach *aa = ofp_xcalloc(1, sizeof *aa);
    aa->cfg = cfg;
    aa->targets = ofp_xcalloc(cfg->n_listen, sizeof *aa->targets);
    for (size_t i = 0; i < cfg->n_listen; i++) {
        aa->targets[aa->n_targets++] = vg_config_listen_target(cfg->listen[i]);
    }
    aa->retry = vg_timer_create(retry_cb__, aa);
    return aa;
}

/* Stops watching 'e''s run (after it exited, or to give up on it). */
static void
stop_watching__(struct aa_bridge *e)
{
    vg_child_destroy(e->child);
    e->child = NULL;
    if (e->out) {
        close(vg_io_fd(e->out));
        vg_io_destroy(e->out);
        e->out = NULL;
    }
    vg_timer_destroy(e->deadline);
    e->deadline = NULL;
    e->pid = 0;
}

static void
bridge_free__(struct aa_bridge *e)
{
    if (e->pid) {
        kill(-e->pid, SIGKILL);
    }
    stop_watching__(e);
    ofp_buf_uninit(&e->output);
    free(e->error);
    free(e->name);
    free(e);
}

void
autoattach_destroy(struct autoattach *aa)
{
    if (!aa) {
        return;
    }
    for (size_t i = 0; i < aa->n_bridges; i++) {
        bridge_free__(aa->bridges[i]);
    }
    free(aa->bridges);
    for (size_t i = 0; i < aa->n_targets; i++) {
        free(aa->targets[i]);
    }
    free(aa->targets);
    vg_timer_destroy(aa->retry);
    free(aa);
}

/* True if 's' is one of our controller targets. */
static bool
is_target__(const struct autoattach *aa, const char *s)
{
    return vg_config_target_in(s, aa->targets, aa->n_targets);
}

/* True if 'br' has one of our controller targets, out of band (in-band
 * control's hidden flows would pass guests' frames: vifguard-attach sets
 * connection_mode=out-of-band on a tcp: target), and fail_mode=secure. */
static bool
is_attached__(const struct autoattach *aa, const struct vg_bridge *br)
{
    if (!br->fail_mode || strcmp(br->fail_mode, "secure") ||
        (br->in_band && is_target__(aa, br->in_band))) {
        return false;
    }
    for (size_t i = 0; i < br->n_controllers; i++) {
        if (is_target__(aa, br->controllers[i])) {
            return true;
        }
    }
    return false;
}

static struct aa_bridge *
find__(const struct autoattach *aa, const char *name)
{
    for (size_t i = 0; i < aa->n_bridges; i++) {
        if (!strcmp(aa->bridges[i]->name, name)) {
            return aa->bridges[i];
        }
    }
    return NULL;
}

/* Drops entry 'i' of 'aa'. */
static void
remove__(struct autoattach *aa, size_t i)
{
    bridge_free__(aa->bridges[i]);
    aa->bridges[i] = aa->bridges[--aa->n_bridges];
}

/* Returns the wait after the 'n'th consecutive failure (n >= 1): 1, 2,
 * 4, ... 60 s. */
static double
backoff__(uint64_t n)
{
    double delay = AA_MIN_INTERVAL;
    for (uint64_t k = 1; k < n && delay < AA_MAX_BACKOFF; k++) {
        delay *= 2;
    }
    return delay > AA_MAX_BACKOFF ? AA_MAX_BACKOFF : delay;
}

/* Bridge 'e', attached by its last run, is found not attached: if that
 * was soon after the run, someone else undid it. */
static void
lost__(struct aa_bridge *e)
{
    double now = vg_now_exact();
    double held = now - e->attached_at;

    e->attached_at = 0;
    if (held >= AA_UNDONE_WINDOW) {
        e->undone = 0;
        return;
    }
    e->undone++;
    double delay = backoff__(e->undone);
    if (e->next_try < now + delay) {
        e->next_try = now + delay;
    }
    if (e->undone >= AA_UNDONE_WARN) {
        free(e->error);
        e->error = ofp_xasprintf(
            "attachment undone %" PRIu64 " times in a row, each within "
            "%.0f s: something else sets this bridge's controller or "
            "fail_mode (another controller manager?)",
            e->undone, AA_UNDONE_WINDOW);
        if (e->undone == AA_UNDONE_WARN) {
            VG_WARN(SUBSYS,
                    "%s: %s; retrying with backoff (up to %.0f s); "
                    "ovs-vsctl get-controller %s shows who",
                    e->name, e->error, AA_MAX_BACKOFF, e->name);
        }
    }
}

void
autoattach_set_host(struct autoattach *aa, const struct vg_host *host)
{
    if (!aa) {
        return;
    }
    for (size_t i = 0; i < aa->n_bridges; i++) {
        aa->bridges[i]->present = false;
    }
    for (size_t i = 0; i < host->n_bridges; i++) {
        const struct vg_bridge *br = &host->bridges[i];
        if (!vg_config_is_attach_bridge(aa->cfg, br->name)) {
            continue;
        }
        struct aa_bridge *e = find__(aa, br->name);
        if (!e) {
            e = ofp_xcalloc(1, sizeof *e);
            e->aa = aa;
            e->name = ofp_xstrdup(br->name);
            ofp_buf_init(&e->output);
            aa->bridges = ofp_xrealloc(aa->bridges, (aa->n_bridges + 1) *
                                                        sizeof *aa->bridges);
            aa->bridges[aa->n_bridges++] = e;
        }
        if (strcmp(e->uuid, br->uuid)) {
            if (e->uuid[0]) {
                VG_INFO(SUBSYS, "%s: bridge was re-created", e->name);
            }
            memcpy(e->uuid, br->uuid, sizeof e->uuid);
            e->failures = 0;
            e->undone = 0;
            e->attached_at = 0;
            e->next_try = 0;
        }
        e->present = true;
        bool needs = !is_attached__(aa, br);
        if (needs && !e->needs && !e->pid) {
            if (e->attached_at) {
                lost__(e);
            }
            VG_INFO(SUBSYS,
                    "%s: matches attach-bridges but is not attached "
                    "(fail_mode %s, %zu controller(s)%s)",
                    e->name, *br->fail_mode ? br->fail_mode : "unset",
                    br->n_controllers,
                    br->in_band && is_target__(aa, br->in_band)
                        ? ", ours in-band"
                        : "");
        }
        e->needs = needs;
    }
    for (size_t i = aa->n_bridges; i-- > 0;) {
        if (!aa->bridges[i]->present && !aa->bridges[i]->pid) {
            remove__(aa, i);
        }
    }
    run__(aa);
}

/* Reads what 'e''s child printed, keeping at most AA_MAX_OUTPUT bytes.
 * Returns false at end of file or on an error other than EAGAIN. */
static bool
read_output__(struct aa_bridge *e)
{
    char buf[4096];
    for (;;) {
        ssize_t n = read(vg_io_fd(e->out), buf, sizeof buf);
        if (n > 0) {
            size_t room = AA_MAX_OUTPUT - e->output.size;
            ofp_buf_put(&e->output, buf, (size_t)n < room ? (size_t)n : room);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            return n < 0 && errno == EAGAIN;
        }
    }
}

static void
output_cb__(struct vg_io *io, int revents, void *e_)
{
    struct aa_bridge *e = e_;
    (void)revents;
    if (!read_output__(e)) {
        vg_io_set_events(io, 0);
    }
}

static void
deadline_cb__(struct vg_timer *t, void *e_)
{
    struct aa_bridge *e = e_;
    (void)t;
    if (e->pid) {
        VG_WARN(SUBSYS,
                "%s: vifguard-attach still running after %.0f s: "
                "killing it",
                e->name, AA_RUN_TIMEOUT);
        e->timed_out = true;
        kill(-e->pid, SIGKILL);
    }
}

/* Logs each line of 'e''s output at 'level'; returns a copy of the last
 * non-empty line (or NULL). */
static char *
log_output__(const struct aa_bridge *e, enum vg_log_level level)
{
    char *text = ofp_xasprintf("%.*s", (int)e->output.size,
                               (const char *)e->output.data);
    char *last = NULL;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        vg_log(SUBSYS, level, "%s: vifguard-attach: %s", e->name, line);
        last = line;
    }
    last = last ? ofp_xstrdup(last) : NULL;
    free(text);
    return last;
}

static void
child_cb__(struct vg_child *c, int status, void *e_)
{
    struct aa_bridge *e = e_;
    struct autoattach *aa = e->aa;
    double now = vg_now_exact();
    (void)c;

    if (e->out) {
        read_output__(e);
    }
    stop_watching__(e);
    bool ok = !e->timed_out && WIFEXITED(status) && !WEXITSTATUS(status);
    char *last = log_output__(e, ok ? VG_LOG_INFO : VG_LOG_WARN);
    ofp_buf_clear(&e->output);
    if (ok) {
        VG_INFO(SUBSYS, "%s: attached by vifguard-attach in %.2f s", e->name,
                now - e->started);
        e->failures = 0;
        if (!e->undone) {
            free(e->error);
            e->error = NULL;
        }
        e->attached_at = now;
        e->next_try = now + AA_MIN_INTERVAL;
        /* Until the next snapshot says otherwise. */
        e->needs = false;
    } else {
        char *why;
        if (e->timed_out) {
            why = ofp_xasprintf("timed out after %.0f s", AA_RUN_TIMEOUT);
        } else if (WIFEXITED(status)) {
            why = ofp_xasprintf("exit status %d", WEXITSTATUS(status));
        } else {
            why = ofp_xasprintf("killed by signal %d", WTERMSIG(status));
        }
        e->failures++;
        double delay = backoff__(e->failures);
        e->next_try = now + delay;
        free(e->error);
        e->error =
            last ? ofp_xasprintf("%s: %s", why, last) : ofp_xstrdup(why);
        VG_WARN(SUBSYS,
                "%s: vifguard-attach failed (%s); %" PRIu64
                " failure(s) in a row, next attempt in %.0f s",
                e->name, why, e->failures, delay);
        free(why);
    }
    free(last);
    e->timed_out = false;

    for (size_t i = 0; i < aa->n_bridges; i++) {
        if (aa->bridges[i] == e && !e->present) {
            remove__(aa, i);
            break;
        }
    }
    run__(aa);
}

/* Starts "vifguard-attach ... attach BRIDGE" for 'e'.  On failure to
 * start, counts a failed attempt. */
static void
spawn__(struct aa_bridge *e)
{
    const struct vg_config *cfg = e->aa->cfg;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t mask;
    int fds[2];
    pid_t pid;
    int error;

    e->attempts++;
    e->started = vg_now_exact();
    if (pipe2(fds, O_CLOEXEC)) {
        error = errno;
        goto fail;
    }
    fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);

    char *db = ofp_xasprintf("--db=%s", cfg->ovsdb);
    char *target = ofp_xasprintf("--target=%s", e->aa->targets[0]);
    char *argv[] = {
        cfg->attach_command,
        db,
        target,
        "--config=/dev/null",
        "--timeout=" AA_OVS_TIMEOUT,
        "--no-wait",
        "attach",
        e->name,
        NULL,
    };

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY,
                                     0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDERR_FILENO);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
                                        POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attr, 0);
    sigemptyset(&mask);
    posix_spawnattr_setsigmask(&attr, &mask);
    /* vifguardd ignores SIGPIPE; the script and OVS's tools must not. */
    sigaddset(&mask, SIGPIPE);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGHUP);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGALRM);
    posix_spawnattr_setsigdefault(&attr, &mask);
    error = posix_spawn(&pid, cfg->attach_command, &fa, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    free(db);
    free(target);
    close(fds[1]);
    if (error) {
        close(fds[0]);
        goto fail;
    }

    VG_INFO(SUBSYS, "%s: running %s attach %s (attempt %" PRIu64 ")", e->name,
            cfg->attach_command, e->name, e->attempts);
    e->pid = pid;
    e->child = vg_child_create(pid, child_cb__, e);
    e->out = vg_io_create(fds[0], VG_READ, output_cb__, e);
    e->deadline = vg_timer_create(deadline_cb__, e);
    vg_timer_start(e->deadline, AA_RUN_TIMEOUT, 0);
    return;

fail:
    e->failures++;
    free(e->error);
    e->error = ofp_xasprintf("cannot run %s: %s", cfg->attach_command,
                             strerror(error));
    e->next_try = vg_now_exact() + AA_MAX_BACKOFF;
    VG_ERR(SUBSYS, "%s: %s; next attempt in %.0f s", e->name, e->error,
           AA_MAX_BACKOFF);
}

static void
retry_cb__(struct vg_timer *t, void *aa_)
{
    (void)t;
    run__(aa_);
}

/* Starts a run for every bridge that needs one and may have one now, and
 * sets the retry timer for the earliest of the others. */
static void
run__(struct autoattach *aa)
{
    double now = vg_now_exact();
    double earliest = 0;
    bool any = false;

    for (size_t i = 0; i < aa->n_bridges; i++) {
        struct aa_bridge *e = aa->bridges[i];
        if (!e->present || !e->needs || e->pid) {
            continue;
        }
        if (e->next_try <= now) {
            spawn__(e);
        }
        if (!e->pid && (!any || e->next_try < earliest)) {
            earliest = e->next_try;
            any = true;
        }
    }
    if (any) {
        vg_timer_start(aa->retry, earliest - now, 0);
    } else {
        vg_timer_stop(aa->retry);
    }
}

void
autoattach_get_status(const struct autoattach *aa, struct vg_status *st)
{
    if (!aa) {
        return;
    }
    struct ofp_buf b;
    ofp_buf_init(&b);
    for (size_t i = 0; i < aa->cfg->n_attach_globs; i++) {
        ofp_buf_put_format(&b, "%s%s", i ? "," : "", aa->cfg->attach_globs[i]);
    }
    st->attach_patterns = ofp_buf_steal_cstr(&b);

    double now = vg_now_exact();
    st->attach = ofp_xcalloc(aa->n_bridges, sizeof *st->attach);
    for (size_t i = 0; i < aa->n_bridges; i++) {
        const struct aa_bridge *e = aa->bridges[i];
        struct vg_attach_status *a = &st->attach[st->n_attach];
        if (!e->present) {
            continue;
        }
        st->n_attach++;
        a->bridge = ofp_xstrdup(e->name);
        a->attempts = e->attempts;
        a->failures = e->failures;
        /* An undone streak is over once an attachment has held. */
        bool held = (e->undone && !e->needs && e->attached_at &&
                     now - e->attached_at >= AA_UNDONE_WINDOW);
        a->error = e->error && !held ? ofp_xstrdup(e->error) : NULL;
        if (e->pid) {
            a->state = ofp_xstrdup("attaching");
        } else if (!e->needs) {
            a->state = ofp_xstrdup("attached");
        } else if (e->next_try > now) {
            a->state = ofp_xstrdup("waiting");
            a->retry_in = e->next_try - now;
        } else {
            a->state = ofp_xstrdup("pending");
        }
    }
}
