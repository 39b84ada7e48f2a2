/* xs-client: a line-driven libxenstore client for tests/test_xenstored.py.
 *
 * Opens one connection with xs_open() (XENSTORED_PATH names the socket),
 * then reads one command per line on stdin and answers each with exactly
 * one line on stdout: "ok", "ok RESULT" or "error ENAME".
 *
 *   read PATH              ok VALUE
 *   write PATH VALUE       ok
 *   mkdir PATH | rm PATH   ok
 *   dir PATH               ok NAME NAME...
 *   perms PATH             ok n0 r5...  (decoded by xs_get_permissions())
 *   chmod PATH PERM...     ok           (PERM as "r5", via xs_set_permissions)
 *   watch PATH TOKEN       ok
 *   unwatch PATH TOKEN     ok
 *   event                  ok PATH TOKEN  (blocks in xs_read_watch())
 *   domain-path DOMID      ok PATH
 *   tx-start               ok           (later read/write/... run in it)
 *   tx-end commit|abort    ok           (or error EAGAIN on a conflict)
 *
 * Exits 0 at end of input, 1 if xs_open() fails. */
#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#define MAX_ARGS 16

/* Prints "error ENAME" for errno value 'error'. */
static void
print_error__(int error)
{
    const char *name = strerrorname_np(error);

    printf("error %s\n", name ? name : "EUNKNOWN");
}

/* Prints the permission 'p' as a xenstore permission string ("r5"). */
static void
print_perm__(const struct xs_permissions *p)
{
    unsigned int rw = p->perms & (XS_PERM_READ | XS_PERM_WRITE);
    char c = rw == (XS_PERM_READ | XS_PERM_WRITE) ? 'b'
             : rw == XS_PERM_READ                 ? 'r'
             : rw == XS_PERM_WRITE                ? 'w'
                                                  : 'n';

    printf(" %c%u", c, p->id);
}

/* Runs one command (argv[0] is its name); prints its one-line answer. */
static void
run__(struct xs_handle *xs, xs_transaction_t *tx, int argc, char **argv)
{
    const char *cmd = argv[0];
    unsigned int n, i;

    if (!strcmp(cmd, "read") && argc == 2) {
        char *value = xs_read(xs, *tx, argv[1], &n);

        if (!value) {
            print_error__(errno);
            return;
        }
        printf("ok %s\n", value);
        free(value);
    } else if (!strcmp(cmd, "write") && argc == 3) {
        if (!xs_write(xs, *tx, argv[1], argv[2], strlen(argv[2]))) {
            print_error__(errno);
            return;
        }
        printf("ok\n");
    } else if ((!strcmp(cmd, "mkdir") || !strcmp(cmd, "rm")) && argc == 2) {
        bool done = cmd[0] == 'm' ? xs_mkdir(xs, *tx, argv[1])
                                  : xs_rm(xs, *tx, argv[1]);
        if (!done) {
            print_error__(errno);
            return;
        }
        printf("ok\n");
    } else if (!strcmp(cmd, "dir") && argc == 2) {
        char **names = xs_directory(xs, *tx, argv[1], &n);

        if (!names) {
            print_error__(errno);
            return;
        }
        printf("ok");
        for (i = 0; i < n; i++) {
            printf(" %s", names[i]);
        }
        printf("\n");
        free(names);
    } else if (!strcmp(cmd, "perms") && argc == 2) {
        struct xs_permissions *perms;

        perms = xs_get_permissions(xs, *tx, argv[1], &n);
        if (!perms) {
            print_error__(errno);
            return;
        }
        printf("ok");
        for (i = 0; i < n; i++) {
            print_perm__(&perms[i]);
        }
        printf("\n");
        free(perms);
    } else if (!strcmp(cmd, "chmod") && argc >= 3) {
        struct xs_permissions perms[MAX_ARGS];

        n = argc - 2;
        for (i = 0; i < n; i++) {
            /* xs_strings_to_perms() reads NUL-separated strings. */
            if (!xs_strings_to_perms(&perms[i], 1, argv[i + 2])) {
                print_error__(errno);
                return;
            }
        }
        if (!xs_set_permissions(xs, *tx, argv[1], perms, n)) {
            print_error__(errno);
            return;
        }
        printf("ok\n");
    } else if ((!strcmp(cmd, "watch") || !strcmp(cmd, "unwatch")) &&
               argc == 3) {
        bool done = cmd[0] == 'w' ? xs_watch(xs, argv[1], argv[2])
                                  : xs_unwatch(xs, argv[1], argv[2]);
        if (!done) {
            print_error__(errno);
            return;
        }
        printf("ok\n");
    } else if (!strcmp(cmd, "event") && argc == 1) {
        char **ev = xs_read_watch(xs, &n);

        if (!ev) {
            print_error__(errno);
            return;
        }
        printf("ok %s %s\n", ev[XS_WATCH_PATH], ev[XS_WATCH_TOKEN]);
        free(ev);
    } else if (!strcmp(cmd, "domain-path") && argc == 2) {
        char *path = xs_get_domain_path(xs, atoi(argv[1]));

        if (!path) {
            print_error__(errno);
            return;
        }
        printf("ok %s\n", path);
        free(path);
    } else if (!strcmp(cmd, "tx-start") && argc == 1) {
        *tx = xs_transaction_start(xs);
        if (*tx == XBT_NULL) {
            print_error__(errno);
            return;
        }
        printf("ok\n");
    } else if (!strcmp(cmd, "tx-end") && argc == 2) {
        bool done = xs_transaction_end(xs, *tx, strcmp(argv[1], "commit"));

        *tx = XBT_NULL;
        if (!done) {
            print_error__(errno);
            return;
        }
        printf("ok\n");
    } else {
        printf("error EINVAL\n");
    }
}

int
main(void)
{
    xs_transaction_t tx = XBT_NULL;
    struct xs_handle *xs;
    char line[4096];

    xs = xs_open(0);
    if (!xs) {
        fprintf(stderr, "xs-client: xs_open: %s\n", strerror(errno));
        return 1;
    }
    while (fgets(line, sizeof line, stdin)) {
        char *argv[MAX_ARGS], *save = NULL, *tok;
        int argc = 0;

        for (tok = strtok_r(line, " \n", &save); tok && argc < MAX_ARGS;
             tok = strtok_r(NULL, " \n", &save)) {
            argv[argc++] = tok;
        }
        if (argc) {
            run__(xs, &tx, argc, argv);
            fflush(stdout);
        }
    }
    xs_close(xs);
    return 0;
}
