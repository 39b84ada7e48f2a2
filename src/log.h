/* Logging with subsystem tags, levels and rate limiting.
 *
 * Every message has a subsystem ("ovsdb", "ofconn", "engine", "policy",
 * "ctl", "main", ...) and a level.  By default ERR, WARN and INFO are logged;
 * -v enables DBG for every subsystem, -vSUBSYS for one.  Output goes to
 * stderr (foreground), a log file (--log-file) and/or syslog (--detach).
 * Warnings caused by a peer go through a vg_ratelimit so that a misbehaving
 * peer cannot flood the log. */
#ifndef VG_LOG_H
#define VG_LOG_H 1

#include <stdbool.h>
#include <stdint.h>

enum vg_log_level { VG_LOG_ERR, VG_LOG_WARN, VG_LOG_INFO, VG_LOG_DBG };

/* At most 'burst' messages, then at most one per 'interval' seconds; the
 * next message that gets through says how many were suppressed. */
struct vg_ratelimit {
    double interval;
    unsigned int burst;
    unsigned int tokens;
    double last;
    unsigned long suppressed;
    bool init;
};
#define VG_RATELIMIT_INIT(INTERVAL, BURST)  \
    {                                       \
        (INTERVAL), (BURST), 0, 0, 0, false \
    }

void vg_log(const char *subsys, enum vg_log_level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void vg_log_rl(struct vg_ratelimit *, const char *subsys, enum vg_log_level,
               const char *fmt, ...) __attribute__((format(printf, 4, 5)));
bool vg_log_enabled(const char *subsys, enum vg_log_level);

/* Configuration (main program). */
void vg_log_set_debug(const char *subsys); /* NULL: every subsystem. */
int vg_log_open_file(const char *path);    /* 0 or errno. */
void vg_log_use_syslog(bool);
void vg_log_use_stderr(bool);
void vg_log_reopen(void); /* SIGHUP: reopen the log file. */
/* Number of ERR and WARN messages logged so far (for stats and benches). */
unsigned long vg_log_count(enum vg_log_level);

#define VG_ERR(SUBSYS, ...) vg_log(SUBSYS, VG_LOG_ERR, __VA_ARGS__)
#define VG_WARN(SUBSYS, ...) vg_log(SUBSYS, VG_LOG_WARN, __VA_ARGS__)
#define VG_INFO(SUBSYS, ...) vg_log(SUBSYS, VG_LOG_INFO, __VA_ARGS__)
#define VG_DBG(SUBSYS, ...)                          \
    do {                                             \
        if (vg_log_enabled(SUBSYS, VG_LOG_DBG)) {    \
            vg_log(SUBSYS, VG_LOG_DBG, __VA_ARGS__); \
        }                                            \
    } while (0)

#endif /* src/log.h */
