/* Logging with subsystem tags, levels and rate limiting.  See log.h.
 *
 * Every message becomes one line
 *     2026-11-24T01:02:03.456Z|ovsdb|WARN|message
 * (UTC, millisecond precision) written with a single write() to stderr and
 * to the log file, so that lines from concurrent writers never interleave.
 * Syslog gets "subsys|message" with the matching priority and facility
 * LOG_DAEMON; syslog adds its own timestamp.  The module keeps its state in
 * a few file-scope variables: there is one log per process. */
#include <config.h>
#include "src/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "ofp/buf.h"
#include "src/loop.h"

/* The longest message kept; longer ones are cut and marked. */
#define LOG_MAX_MSG 4096

static bool log_stderr = true; /* Write to stderr. */
static bool log_syslog;        /* Write to syslog (opened lazily). */
static bool syslog_open;       /* openlog() done. */
static int log_fd = -1;        /* --log-file, or -1. */
static char *log_path;         /* Its path, for vg_log_reopen(). */
static bool debug_all;         /* -v: DBG for every subsystem. */
static char **debug_subsys;    /* -vSUBSYS: DBG for these. */
static size_t n_debug_subsys;
static unsigned long counts[VG_LOG_DBG + 1]; /* Messages logged per level. */

static const char *const level_names[] = { "ERR", "WARN", "INFO", "DBG" };

/* Returns true if a message of 'level' from 'subsys' is to be logged. */
bool
vg_log_enabled(const char *subsys, enum vg_log_level level)
{
    if (level != VG_LOG_DBG) {
        return true;
    }
    if (debug_all) {
        return true;
    }
    for (size_t i = 0; i < n_debug_subsys; i++) {
        if (!strcmp(debug_subsys[i], subsys)) {
            return true;
        }
    }
    return false;
}

/* Enables DBG messages for 'subsys', or for every subsystem if 'subsys' is
 * NULL or empty. */
void
vg_log_set_debug(const char *subsys)
{
    if (!subsys || !*subsys) {
        debug_all = true;
        return;
    }
    if (vg_log_enabled(subsys, VG_LOG_DBG)) {
        return;
    }
    debug_subsys = ofp_xrealloc(debug_subsys,
                                (n_debug_subsys + 1) * sizeof *debug_subsys);
    debug_subsys[n_debug_subsys++] = ofp_xstrdup(subsys);
}

/* Opens 'path' for appending and logs there from now on (closing any
 * previous log file).  Returns 0 or an errno value; on error the previous
 * log file, if any, stays in use. */
int
vg_log_open_file(const char *path)
{
    /* O_NONBLOCK: a FIFO with no reader fails (ENXIO) instead of blocking
     * the daemon's start, or its SIGHUP, for good.  Writes block again. */
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK,
                  0640);
    if (fd < 0) {
        return errno;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
        int error = errno;
        close(fd);
        return error;
    }
    if (log_fd >= 0) {
        /* In place, under the same number: a message being written by
         * another thread (the xenstore worker) never meets a closed or
         * reused descriptor. */
        dup3(fd, log_fd, O_CLOEXEC);
        close(fd);
    } else {
        log_fd = fd;
    }
    if (log_path != path) {
        free(log_path);
        log_path = ofp_xstrdup(path);
    }
    return 0;
}

/* Turns syslog output on or off. */
void
vg_log_use_syslog(bool on)
{
    if (on && !syslog_open) {
        openlog("vifguardd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
        syslog_open = true;
    }
    log_syslog = on;
}

/* Turns stderr output on or off. */
void
vg_log_use_stderr(bool on)
{
    log_stderr = on;
}

/* Reopens the log file (after logrotate moved it away; on SIGHUP).  If that
 * fails, logging goes on into the old file and the failure is logged. */
void
vg_log_reopen(void)
{
    if (!log_path) {
        return;
    }
    char *path = ofp_xstrdup(log_path);
    int error = vg_log_open_file(path);
    if (error) {
        vg_log("log", VG_LOG_ERR, "%s: cannot reopen log file: %s", path,
               strerror(error));
    }
    free(path);
}

/* Returns the number of messages of 'level' logged so far. */
unsigned long
vg_log_count(enum vg_log_level level)
{
    /* The xenstore worker thread logs too: 'counts' is only ever accessed
     * atomically. */
    return ((unsigned int)level <= VG_LOG_DBG
                ? __atomic_load_n(&counts[level], __ATOMIC_RELAXED)
                : 0);
}

static int
syslog_priority__(enum vg_log_level level)
{
    switch (level) {
    case VG_LOG_ERR:
        return LOG_ERR;
    case VG_LOG_WARN:
        return LOG_WARNING;
    case VG_LOG_INFO:
        return LOG_INFO;
    case VG_LOG_DBG:
    default:
        return LOG_DEBUG;
    }
}

/* Writes all 'n' bytes of 'p' to 'fd', retrying on EINTR and short writes;
 * gives up silently on any other error (there is nowhere to report it). */
static void
write_all__(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t r = write(fd, p, n);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return;
        }
        p += r;
        n -= (size_t)r;
    }
}

/* Formats the current time as "2026-11-24T01:02:03.456Z" into 'buf', which
 * must hold at least 32 bytes. */
static void
format_time__(char *buf, size_t size)
{
    struct timespec ts;
    struct tm tm;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, size - n, ".%03dZ", (int)(ts.tv_nsec / 1000000));
}

/* Emits one message: the common path of vg_log() and vg_log_rl().
 * 'suffix' (may be NULL) is appended to the formatted message. */
static void __attribute__((format(printf, 4, 0)))
vlog__(const char *subsys, enum vg_log_level level, const char *suffix,
       const char *fmt, va_list args)
{
    char msg[LOG_MAX_MSG];
    int n = vsnprintf(msg, sizeof msg, fmt, args);
    if (n < 0) {
        snprintf(msg, sizeof msg, "(unformattable message)");
    } else if ((size_t)n >= sizeof msg) {
        memcpy(msg + sizeof msg - 6, "[...]", 6);
    }
    /* Keep every message on one line. */
    for (char *p = msg; *p; p++) {
        if (*p == '\n' || *p == '\r') {
            *p = ' ';
        }
    }
    if ((unsigned int)level > VG_LOG_DBG) {
        level = VG_LOG_DBG;
    }
    __atomic_fetch_add(&counts[level], 1, __ATOMIC_RELAXED);

    if (log_stderr || log_fd >= 0) {
        char ts[32];
        format_time__(ts, sizeof ts);

        struct ofp_buf line;
        ofp_buf_init(&line);
        ofp_buf_put_format(&line, "%s|%s|%s|%s%s\n", ts, subsys,
                           level_names[level], msg, suffix ? suffix : "");
        if (log_stderr) {
            write_all__(STDERR_FILENO, (const char *)line.data, line.size);
        }
        if (log_fd >= 0) {
            write_all__(log_fd, (const char *)line.data, line.size);
        }
        ofp_buf_uninit(&line);
    }
    if (log_syslog) {
        syslog(syslog_priority__(level), "%s|%s%s", subsys, msg,
               suffix ? suffix : "");
    }
}

/* Logs a printf-style message from 'subsys' at 'level' (if enabled). */
void
vg_log(const char *subsys, enum vg_log_level level, const char *fmt, ...)
{
    if (!vg_log_enabled(subsys, level)) {
        return;
    }
    va_list args;
    va_start(args, fmt);
    vlog__(subsys, level, NULL, fmt, args);
    va_end(args);
}

/* Token bucket: returns true if a message may go through 'rl' now.  The
 * bucket holds at most 'burst' tokens and gains one per 'interval'
 * seconds. */
static bool
ratelimit_allow__(struct vg_ratelimit *rl, double now)
{
    unsigned int burst = rl->burst ? rl->burst : 1;

    if (!rl->init) {
        rl->init = true;
        rl->tokens = burst;
        rl->last = now;
    } else if (rl->interval > 0 && now > rl->last) {
        double gained = (now - rl->last) / rl->interval;
        if (gained >= burst - rl->tokens) {
            rl->tokens = burst;
            rl->last = now;
        } else if (gained >= 1) {
            rl->tokens += (unsigned int)gained;
            rl->last += (unsigned int)gained * rl->interval;
        }
    } else if (rl->interval <= 0) {
        rl->tokens = burst;
    }
    if (rl->tokens > 0) {
        rl->tokens--;
        return true;
    }
    return false;
}

/* Logs like vg_log(), unless 'rl' says too many messages went through it
 * lately; the next message that gets through says how many were dropped. */
void
vg_log_rl(struct vg_ratelimit *rl, const char *subsys, enum vg_log_level level,
          const char *fmt, ...)
{
    if (!vg_log_enabled(subsys, level)) {
        return;
    }
    if (!ratelimit_allow__(rl, vg_monotonic())) {
        rl->suppressed++;
        return;
    }

    char suffix[80] = "";
    if (rl->suppressed) {
        snprintf(suffix, sizeof suffix, " (%lu similar messages suppressed)",
                 rl->suppressed);
        rl->suppressed = 0;
    }
    va_list args;
    va_start(args, fmt);
    vlog__(subsys, level, suffix, fmt, args);
    va_end(args);
}
