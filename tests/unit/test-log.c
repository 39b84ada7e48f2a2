/* Unit tests for src/log.c: line format, levels, -v, counters, rate
 * limiting and reopening the log file. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ofp/buf.h"
#include "src/log.h"
#include "tests/unit/check.h"

static char log_path[64];

/* Returns the contents of the log file (malloc'd). */
static char *
slurp__(const char *path)
{
    struct ofp_buf b;
    FILE *f = fopen(path, "r");
    ofp_buf_init(&b);
    if (f) {
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
            ofp_buf_put(&b, chunk, n);
        }
        fclose(f);
    }
    return ofp_buf_steal_cstr(&b);
}

static size_t
count_lines__(const char *text)
{
    size_t n = 0;
    for (; *text; text++) {
        n += *text == '\n';
    }
    return n;
}

/* Checks that 'line' is "YYYY-MM-DDTHH:MM:SS.mmmZ|" followed by 'rest'. */
static void
check_line__(const char *line, const char *rest)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ|";
    bool ok = strlen(line) >= sizeof shape - 1;
    for (size_t i = 0; ok && i < sizeof shape - 1; i++) {
        ok = shape[i] == 'd' ? line[i] >= '0' && line[i] <= '9'
                             : line[i] == shape[i];
    }
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "  bad line: %s\n", line);
        return;
    }
    CHECK_STREQ(line + sizeof shape - 1, rest);
}

/* Returns line 'n' (0-based) of 'text' without its newline (malloc'd). */
static char *
line__(const char *text, size_t n)
{
    for (; n > 0 && text; n--) {
        text = strchr(text, '\n');
        text = text ? text + 1 : NULL;
    }
    if (!text) {
        return ofp_xstrdup("");
    }
    return ofp_xasprintf("%.*s", (int)strcspn(text, "\n"), text);
}

static void
test_format_and_levels(void)
{
    unsigned long err0 = vg_log_count(VG_LOG_ERR);
    unsigned long warn0 = vg_log_count(VG_LOG_WARN);

    VG_ERR("ovsdb", "connection to %s failed", "unix:/x");
    VG_WARN("ctl", "warned %d times", 3);
    VG_INFO("main", "hello");
    VG_DBG("main", "not shown");
    vg_log("engine", VG_LOG_INFO, "two\nlines");

    char *text = slurp__(log_path);
    CHECK_EQ(count_lines__(text), 4);
    char *l = line__(text, 0);
    check_line__(l, "ovsdb|ERR|connection to unix:/x failed");
    free(l);
    l = line__(text, 1);
    check_line__(l, "ctl|WARN|warned 3 times");
    free(l);
    l = line__(text, 2);
    check_line__(l, "main|INFO|hello");
    free(l);
    l = line__(text, 3);
    check_line__(l, "engine|INFO|two lines");
    free(l);
    free(text);

    CHECK_EQ(vg_log_count(VG_LOG_ERR), err0 + 1);
    CHECK_EQ(vg_log_count(VG_LOG_WARN), warn0 + 1);
    CHECK_EQ(vg_log_count((enum vg_log_level)42), 0);
}

static void
test_debug(void)
{
    CHECK(vg_log_enabled("x", VG_LOG_ERR));
    CHECK(vg_log_enabled("x", VG_LOG_INFO));
    CHECK(!vg_log_enabled("ovsdb", VG_LOG_DBG));
    vg_log_set_debug("ovsdb");
    vg_log_set_debug("ovsdb");
    CHECK(vg_log_enabled("ovsdb", VG_LOG_DBG));
    CHECK(!vg_log_enabled("engine", VG_LOG_DBG));

    CHECK_EQ(truncate(log_path, 0), 0);
    VG_DBG("ovsdb", "debug %d", 1);
    VG_DBG("engine", "hidden");
    char *text = slurp__(log_path);
    CHECK_EQ(count_lines__(text), 1);
    check_line__(text, "ovsdb|DBG|debug 1\n");
    free(text);

    vg_log_set_debug(NULL);
    CHECK(vg_log_enabled("engine", VG_LOG_DBG));
}

static void
test_long_message(void)
{
    char *big = ofp_xmalloc(10000);
    memset(big, 'x', 9999);
    big[9999] = '\0';

    CHECK_EQ(truncate(log_path, 0), 0);
    VG_INFO("main", "%s", big);
    char *text = slurp__(log_path);
    CHECK_EQ(count_lines__(text), 1);
    CHECK(strlen(text) < 4200);
    CHECK(strstr(text, "xxx[...]\n") != NULL);
    free(text);
    free(big);
}

static void
test_ratelimit(void)
{
    struct vg_ratelimit rl = VG_RATELIMIT_INIT(3600, 3);

    CHECK_EQ(truncate(log_path, 0), 0);
    for (int i = 0; i < 10; i++) {
        vg_log_rl(&rl, "ofconn", VG_LOG_WARN, "bad message %d", i);
    }
    char *text = slurp__(log_path);
    CHECK_EQ(count_lines__(text), 3);
    CHECK(strstr(text, "ofconn|WARN|bad message 2\n") != NULL);
    CHECK(strstr(text, "bad message 3") == NULL);
    CHECK_EQ(rl.suppressed, 7);
    free(text);

    /* An interval later, one more gets through and reports the others. */
    rl.last -= 3600;
    vg_log_rl(&rl, "ofconn", VG_LOG_WARN, "bad message %d", 10);
    vg_log_rl(&rl, "ofconn", VG_LOG_WARN, "bad message %d", 11);
    text = slurp__(log_path);
    CHECK_EQ(count_lines__(text), 4);
    CHECK(strstr(text, "ofconn|WARN|bad message 10 (7 similar messages "
                       "suppressed)\n") != NULL);
    CHECK_EQ(rl.suppressed, 1);
    free(text);

    /* A long pause refills the whole burst. */
    rl.last -= 3600 * 100;
    CHECK_EQ(truncate(log_path, 0), 0);
    for (int i = 0; i < 5; i++) {
        vg_log_rl(&rl, "ofconn", VG_LOG_WARN, "again %d", i);
    }
    text = slurp__(log_path);
    CHECK_EQ(count_lines__(text), 3);
    free(text);

    /* Disabled messages use up no tokens and are not counted as
     * suppressed. */
    struct vg_ratelimit rl2 = VG_RATELIMIT_INIT(3600, 1);
    CHECK(!vg_log_enabled("quiet", VG_LOG_DBG));
    vg_log_rl(&rl2, "quiet", VG_LOG_DBG, "hidden");
    vg_log_rl(&rl2, "quiet", VG_LOG_DBG, "hidden");
    vg_log_rl(&rl2, "quiet", VG_LOG_WARN, "shown");
    CHECK_EQ(rl2.suppressed, 0);
    text = slurp__(log_path);
    CHECK(strstr(text, "quiet|WARN|shown\n") != NULL);
    CHECK(strstr(text, "hidden") == NULL);
    free(text);
}

static void
test_reopen(void)
{
    char moved[80];
    snprintf(moved, sizeof moved, "%s.1", log_path);

    CHECK_EQ(truncate(log_path, 0), 0);
    VG_INFO("main", "before rotation");
    CHECK_EQ(rename(log_path, moved), 0);
    VG_INFO("main", "still into the moved file");
    vg_log_reopen();
    VG_INFO("main", "after rotation");

    char *old = slurp__(moved);
    char *new = slurp__(log_path);
    CHECK_EQ(count_lines__(old), 2);
    CHECK_EQ(count_lines__(new), 1);
    CHECK(strstr(new, "main|INFO|after rotation\n") != NULL);
    free(old);
    free(new);
    unlink(moved);

    /* A log file that cannot be opened leaves the old one in use. */
    CHECK_EQ(vg_log_open_file("/nonexistent/dir/x.log"), ENOENT);
    VG_INFO("main", "still logging");
    new = slurp__(log_path);
    CHECK(strstr(new, "main|INFO|still logging\n") != NULL);
    free(new);
}

int
main(void)
{
    snprintf(log_path, sizeof log_path, "/tmp/vg-test-log-%ld.log",
             (long)getpid());
    vg_log_use_stderr(false);
    CHECK_EQ(vg_log_open_file(log_path), 0);

    test_format_and_levels();
    test_long_message();
    test_ratelimit();
    test_debug();
    test_reopen();

    unlink(log_path);
    return check_summary();
}
