/* The event loop: fd watchers, timers and signals on top of libev.
 *
 * This is the only module that includes <ev.h>.  The daemon runs on libev's
 * default loop, whose callbacks run one at a time.  A worker thread may run
 * a loop of its own (vg_loop_thread_begin()): every object below belongs to
 * the loop of the thread that created it and is used by that thread only,
 * except vg_async_send(). */
#ifndef VG_LOOP_H
#define VG_LOOP_H 1

#include <stdbool.h>
#include <sys/types.h>

enum { VG_READ = 1, VG_WRITE = 2 };

struct vg_io;
struct vg_timer;
struct vg_signal;
struct vg_child;
struct vg_prepare;
struct vg_async;

typedef void vg_io_cb(struct vg_io *, int revents, void *aux);
typedef void vg_timer_cb(struct vg_timer *, void *aux);
typedef void vg_signal_cb(struct vg_signal *, int signum, void *aux);
typedef void vg_child_cb(struct vg_child *, int status, void *aux);
typedef void vg_prepare_cb(struct vg_prepare *, void *aux);
typedef void vg_async_cb(struct vg_async *, void *aux);

/* Watches 'fd' for 'events' (VG_READ | VG_WRITE; 0 to pause). */
struct vg_io *vg_io_create(int fd, int events, vg_io_cb *, void *aux);
void vg_io_set_events(struct vg_io *, int events);
/* Makes the events of 'io' wait, within one loop iteration, until those of
 * the other watchers have been handled. */
void vg_io_set_low_priority(struct vg_io *);
int vg_io_fd(const struct vg_io *);
void vg_io_destroy(struct vg_io *);

/* Seconds a listener stops accepting after running out of fds or memory. */
#define VG_ACCEPT_PAUSE 1.0
/* Accepts a connection (non-blocking, close-on-exec) on the listening
 * socket that 'io' watches for reading.  Returns its fd, or -1 with errno
 * set (EAGAIN: none waiting).  Out of fds or memory (EMFILE, ENFILE,
 * ENOBUFS, ENOMEM), 'io' also stops watching for VG_ACCEPT_PAUSE seconds,
 * with '*paused' set: the socket stays readable, and the loop would
 * otherwise spin. */
int vg_accept(struct vg_io *io, bool *paused);

/* A stopped timer; vg_timer_start() fires it after 'after' seconds and then
 * every 'repeat' seconds (0: once). */
struct vg_timer *vg_timer_create(vg_timer_cb *, void *aux);
void vg_timer_start(struct vg_timer *, double after, double repeat);
void vg_timer_stop(struct vg_timer *);
bool vg_timer_active(const struct vg_timer *);
void vg_timer_destroy(struct vg_timer *);

struct vg_signal *vg_signal_create(int signum, vg_signal_cb *, void *aux);
void vg_signal_destroy(struct vg_signal *);

/* Watches child process 'pid' (created by the caller just before, without
 * returning to the loop in between): calls 'cb' once with its waitpid()
 * status when it exits.  The loop reaps the child (no zombie is left).
 * Destroying the watcher before that stops watching; the child is still
 * reaped when it exits. */
struct vg_child *vg_child_create(pid_t pid, vg_child_cb *, void *aux);
void vg_child_destroy(struct vg_child *);

/* A stopped hook; once vg_prepare_start()ed, 'cb' runs at the end of every
 * loop iteration, after the callbacks of that iteration's events and before
 * the loop waits for the next ones: for work that depends on the outcome
 * of whatever happened. */
struct vg_prepare *vg_prepare_create(vg_prepare_cb *, void *aux);
void vg_prepare_start(struct vg_prepare *);
void vg_prepare_stop(struct vg_prepare *);
void vg_prepare_destroy(struct vg_prepare *);

/* A wakeup from another thread: vg_async_send(), callable from any
 * thread, makes 'cb' run soon in the loop of the thread that created it
 * (several sends before it runs: one call). */
struct vg_async *vg_async_create(vg_async_cb *, void *aux);
void vg_async_send(struct vg_async *);
void vg_async_destroy(struct vg_async *);

/* Gives the calling (worker) thread a loop of its own, which vg_loop_run()
 * then runs, until vg_loop_thread_end(). */
void vg_loop_thread_begin(void);
void vg_loop_thread_end(void);

/* CLOCK_MONOTONIC in seconds: the clock every thread shares. */
double vg_monotonic(void);

/* Monotonic time in seconds, as of the current loop iteration
 * (vg_now_exact() asks the clock). */
double vg_now(void);
double vg_now_exact(void);

/* Number of loop iterations (wakeups) so far: for the idle-CPU benchmark. */
unsigned long vg_loop_iterations(void);

void vg_loop_run(void);
void vg_loop_break(void);

#endif /* src/loop.h */
