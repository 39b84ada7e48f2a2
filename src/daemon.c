/* Process plumbing of vifguardd: --detach, the pidfile, readiness.  See
 * daemon.h.
 *
 * The pidfile is held with a POSIX record lock for the life of the process:
 * a lock dies with its process, so a pidfile left behind by a crash never
 * blocks a restart, and a live holder is reported by its process id. */
#include <config.h>
#include "src/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ofp/buf.h"

static bool detached;       /* vg_daemon_detach() succeeded. */
static int ready_fd = -1;   /* Write end of the pipe to the waiting parent. */
static char *pidfile_path;  /* Our pidfile, or NULL. */
static int pidfile_fd = -1; /* Open and locked while we run. */

bool
vg_daemon_is_detached(void)
{
    return detached;
}

/* Points 'fd' at /dev/null.  Returns 0 or an errno value. */
static int
devnull__(int fd, int flags)
{
    int null = open("/dev/null", flags | O_CLOEXEC);
    if (null < 0) {
        return errno;
    }
    int error = dup2(null, fd) < 0 ? errno : 0;
    close(null);
    return error;
}

/* In the original process: waits for the intermediate child 'pid' and then
 * for the daemon's readiness byte on 'fd'; never returns. */
static void
wait_for_daemon__(pid_t pid, int fd)
{
    int status;
    char c;
    ssize_t n;

    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        continue;
    }
    do {
        n = read(fd, &c, 1);
    } while (n < 0 && errno == EINTR);
    if (n == 1 && c == 'R') {
        _exit(0);
    }
    fprintf(stderr, "vifguardd: the daemon exited during startup\n");
    fflush(stderr);
    _exit(1);
}

int
vg_daemon_detach(char **errp)
{
    int fds[2];
    pid_t pid;

    if (pipe2(fds, O_CLOEXEC)) {
        int error = errno;
        *errp = ofp_xasprintf("cannot create pipe: %s", strerror(error));
        return error;
    }
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        int error = errno;
        *errp = ofp_xasprintf("cannot fork: %s", strerror(error));
        close(fds[0]);
        close(fds[1]);
        return error;
    }
    if (pid > 0) {
        close(fds[1]);
        wait_for_daemon__(pid, fds[0]);
    }

    /* Intermediate child: a new session, then a grandchild that can never
     * reacquire a controlling terminal. */
    close(fds[0]);
    if (setsid() < 0) {
        fprintf(stderr, "vifguardd: setsid: %s\n", strerror(errno));
        _exit(1);
    }
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "vifguardd: cannot fork: %s\n", strerror(errno));
        _exit(1);
    }
    if (pid > 0) {
        _exit(0);
    }

    /* The daemon. */
    ready_fd = fds[1];
    detached = true;
    if (chdir("/")) {
        int error = errno;
        *errp = ofp_xasprintf("chdir /: %s", strerror(error));
        return error;
    }
    int error = devnull__(STDIN_FILENO, O_RDONLY);
    if (error) {
        *errp = ofp_xasprintf("/dev/null: %s", strerror(error));
        return error;
    }
    return 0;
}

/* Returns the id of the process that holds the lock on 'fd', or 0. */
static long
lock_holder__(int fd)
{
    struct flock lk;
    memset(&lk, 0, sizeof lk);
    lk.l_type = F_WRLCK;
    lk.l_whence = SEEK_SET;
    if (!fcntl(fd, F_GETLK, &lk) && lk.l_type != F_UNLCK) {
        return (long)lk.l_pid;
    }
    return 0;
}

int
vg_daemon_pidfile_create(const char *path, char **errp)
{
    for (int attempt = 0; attempt < 5; attempt++) {
        struct stat st_fd, st_path;
        struct flock lk;
        int fd, error;

        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0) {
            error = errno;
            *errp = ofp_xasprintf("%s: cannot create pidfile: %s", path,
                                  strerror(error));
            return error;
        }
        /* Not a file of ours (a FIFO, /dev/null): truncating it and, when
         * that fails, removing it would destroy someone else's file. */
        if (fstat(fd, &st_fd) || !S_ISREG(st_fd.st_mode)) {
            *errp = ofp_xasprintf("%s: pidfile is not a regular file", path);
            close(fd);
            return EINVAL;
        }
        memset(&lk, 0, sizeof lk);
        lk.l_type = F_WRLCK;
        lk.l_whence = SEEK_SET;
        if (fcntl(fd, F_SETLK, &lk)) {
            error = errno;
            if (error == EAGAIN || error == EACCES) {
                long holder = lock_holder__(fd);
                *errp = ofp_xasprintf("%s: pidfile is held by running process "
                                      "%ld (is another vifguardd running?)",
                                      path, holder);
                error = EEXIST;
            } else {
                *errp = ofp_xasprintf("%s: cannot lock pidfile: %s", path,
                                      strerror(error));
            }
            close(fd);
            return error;
        }

        /* The previous holder may have removed the file between our open()
         * and our lock: then we locked a file that no longer has a name. */
        if (fstat(fd, &st_fd) || stat(path, &st_path) ||
            st_fd.st_dev != st_path.st_dev || st_fd.st_ino != st_path.st_ino) {
            close(fd);
            continue;
        }

        char text[32];
        int len = snprintf(text, sizeof text, "%ld\n", (long)getpid());
        errno = 0;
        if (ftruncate(fd, 0) || pwrite(fd, text, (size_t)len, 0) != len) {
            error = errno ? errno : EIO;
            *errp = ofp_xasprintf("%s: cannot write pidfile: %s", path,
                                  strerror(error));
            unlink(path);
            close(fd);
            return error;
        }
        free(pidfile_path);
        pidfile_path = ofp_xstrdup(path);
        pidfile_fd = fd;
        return 0;
    }
    *errp = ofp_xasprintf("%s: pidfile keeps being replaced", path);
    return EAGAIN;
}

void
vg_daemon_pidfile_remove(void)
{
    if (pidfile_fd >= 0) {
        unlink(pidfile_path);
        close(pidfile_fd);
        pidfile_fd = -1;
    }
    free(pidfile_path);
    pidfile_path = NULL;
}

int
vg_daemon_sd_notify(const char *state)
{
    const char *target = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sun;
    size_t len;

    if (!target || !*target) {
        return 0;
    }
    len = strlen(target);
    if (target[0] != '/' && target[0] != '@') {
        return EAFNOSUPPORT;
    }
    if (len > sizeof sun.sun_path ||
        (target[0] == '/' && len == sizeof sun.sun_path)) {
        return ENAMETOOLONG;
    }
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    memcpy(sun.sun_path, target, len);
    if (target[0] == '@') {
        sun.sun_path[0] = '\0'; /* Abstract namespace. */
    }

    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return errno;
    }
    socklen_t sunlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
                                   len + (target[0] == '/'));
    int error = 0;
    if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sun,
               sunlen) < 0) {
        error = errno;
    }
    close(fd);
    return error;
}

void
vg_daemon_notify_ready(void)
{
    if (detached) {
        char *msg = ofp_xasprintf("READY=1\nMAINPID=%ld", (long)getpid());
        vg_daemon_sd_notify(msg);
        free(msg);
    } else {
        vg_daemon_sd_notify("READY=1");
    }
    if (ready_fd >= 0) {
        ssize_t n;
        do {
            n = write(ready_fd, "R", 1);
        } while (n < 0 && errno == EINTR);
        close(ready_fd);
        ready_fd = -1;
    }
    if (detached) {
        devnull__(STDOUT_FILENO, O_WRONLY);
        devnull__(STDERR_FILENO, O_WRONLY);
    }
}

void
vg_daemon_notify_stopping(void)
{
    vg_daemon_sd_notify("STOPPING=1");
}

int
vg_daemon_make_parent_dir(const char *path, char **errp)
{
    char *dir = ofp_xstrdup(path);
    char *slash = strrchr(dir, '/');
    int error = 0;

    if (!slash || slash == dir) {
        free(dir); /* In the current directory, or in /. */
        return 0;
    }
    *slash = '\0';

    /* mkdir -p: every prefix ending before a '/', then the whole. */
    for (char *p = dir + 1;; p++) {
        if (*p != '/' && *p != '\0') {
            continue;
        }
        char saved = *p;
        *p = '\0';
        if (mkdir(dir, 0750) && errno != EEXIST) {
            error = errno;
            *errp = ofp_xasprintf("%s: cannot create directory: %s", dir,
                                  strerror(error));
            break;
        }
        *p = saved;
        if (!saved) {
            break;
        }
    }
    if (!error) {
        struct stat st;
        if (stat(dir, &st)) {
            error = errno;
            *errp = ofp_xasprintf("%s: %s", dir, strerror(error));
        } else if (!S_ISDIR(st.st_mode)) {
            error = ENOTDIR;
            *errp = ofp_xasprintf("%s: not a directory", dir);
        }
    }
    free(dir);
    return error;
}
