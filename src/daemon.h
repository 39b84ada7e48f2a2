/* Process plumbing of vifguardd: --detach, the pidfile, readiness.
 *
 * Under systemd (Type=notify) the daemon runs in the foreground and reports
 * READY=1 / STOPPING=1 on $NOTIFY_SOCKET, without libsystemd.  Elsewhere
 * --detach puts it in the background: the process forks twice and the
 * original process waits until the daemon reports readiness (exit 0) or
 * dies during startup (exit 1), so that "vifguardd --detach && next-step"
 * works and startup errors reach the terminal: the daemon keeps stderr
 * until it is ready.  Readiness goes to both through one call,
 * vg_daemon_notify_ready(). */
#ifndef VG_DAEMON_H
#define VG_DAEMON_H 1

#include <stdbool.h>

/* Forks into the background.  Returns only in the daemon (the grandchild):
 * 0, or an errno value with a message in '*errp' if a fork or setsid()
 * failed.  The original process exits in here: 0 once the daemon called
 * vg_daemon_notify_ready(), 1 if it exited before that.  The daemon's
 * stdin is /dev/null from now on, its stdout and stderr become /dev/null
 * at readiness; its working directory is /. */
int vg_daemon_detach(char **errp);

/* True if vg_daemon_detach() was called (and succeeded). */
bool vg_daemon_is_detached(void);

/* Creates 'path' holding this process's id, locked for as long as the
 * process lives.  Fails with EEXIST and a message naming the process if
 * another live process holds it; a pidfile left by a dead process is
 * reused.  Returns 0 or an errno value with a message in '*errp'. */
int vg_daemon_pidfile_create(const char *path, char **errp);

/* Removes the pidfile created by vg_daemon_pidfile_create(), if any. */
void vg_daemon_pidfile_remove(void);

/* Tells systemd (if $NOTIFY_SOCKET is set) and the waiting parent of
 * --detach (if any) that the daemon is ready; then, if detached, points
 * stdout and stderr at /dev/null. */
void vg_daemon_notify_ready(void);

/* Tells systemd that the daemon is shutting down. */
void vg_daemon_notify_stopping(void);

/* Sends 'state' (e.g. "READY=1") to $NOTIFY_SOCKET, if set: an AF_UNIX
 * datagram socket path, or an abstract socket name starting with '@'.
 * Returns 0 (also when $NOTIFY_SOCKET is unset) or an errno value. */
int vg_daemon_sd_notify(const char *state);

/* Creates the directory that holds the socket or file 'path' (and its
 * missing parents) with mode 0750, if it does not exist yet.  Returns 0 or
 * an errno value with a message in '*errp'. */
int vg_daemon_make_parent_dir(const char *path, char **errp);

#endif /* src/daemon.h */
