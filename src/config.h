/* vifguardd's settings: defaults, command line and configuration file.
 *
 * Every setting of the daemon lives in one struct vg_config.  It is filled
 * from three places, in increasing order of precedence: the built-in
 * defaults (vg_config_init()), the configuration file (default
 * /etc/vifguard/vifguard.conf, "key = value" lines) and the command line.
 * A setting given on the command line is never overridden by the file,
 * whatever order the two parsers run in; for the repeatable settings
 * ('listen', 'verbose') the command line's list replaces the file's.
 *
 * The parsers work on memory and do no I/O, so that the unit tests and the
 * fuzzer can drive them; vg_config_load() is the wrapper main() uses.  Every
 * error message names the option or FILE:LINE and the bad value, e.g.
 *     vifguard.conf:3: default-mode: "lockd": unknown mode (expected
 *     locked, unlocked or disabled) */
#ifndef VG_CONFIG_H
#define VG_CONFIG_H 1

#include <stdbool.h>
#include <stddef.h>

#include "src/policy.h"

#define VG_CONFIG_FILE_DEFAULT "/etc/vifguard/vifguard.conf"
/* ovs-vswitchd connects to a unix: controller only inside its own run
 * directory, so the default listener lives there. */
#define VG_LISTEN_DEFAULT "punix:/var/run/openvswitch/vifguard.ofp.sock"
#define VG_CTL_DEFAULT VG_RUNDIR "/ctl.sock"
#define VG_GUEST_PORTS_DEFAULT "vif*,tap*"
/* VG_ATTACH_COMMAND_DEFAULT (the installed vifguard-attach) comes from the
 * build (src/automake.mk). */

/* The longest line of a configuration file, newline excluded. */
#define VG_CONFIG_MAX_LINE 1024

/* The settings, for tracking where each one came from. */
enum vg_setting {
    VG_SET_OVSDB,
    VG_SET_LISTEN,
    VG_SET_CTL,
    VG_SET_DEFAULT_MODE,
    VG_SET_GUEST_PORTS,
    VG_SET_LOG_FILE,
    VG_SET_PIDFILE,
    VG_SET_VERBOSE,
    VG_SET_CONFIG,
    VG_SET_DETACH,
    VG_SET_ATTACH_BRIDGES,
    VG_SET_ATTACH_COMMAND,
    VG_SET_XENSTORE,
    VG_N_SETTINGS
};

/* Whether to read guest policy from xenstore (docs/DESIGN.md, "Policy
 * sources"). */
enum vg_xenstore_mode {
    VG_XENSTORE_AUTO, /* If xenstore is reachable at start. */
    VG_XENSTORE_ON,   /* Required: an error while unreachable. */
    VG_XENSTORE_OFF,
};
const char *vg_xenstore_mode_name(enum vg_xenstore_mode);

/* Where a setting's current value came from. */
enum vg_setting_source {
    VG_SRC_DEFAULT,
    VG_SRC_FILE,
    VG_SRC_ARGS,
};

struct vg_config {
    char *ovsdb;               /* OVSDB remote: unix:PATH, tcp:IP:PORT. */
    char **listen;             /* OpenFlow listeners (at least one): */
    size_t n_listen;           /* punix:PATH or ptcp:PORT[:IP]. */
    char *ctl;                 /* Control socket path. */
    enum vg_mode default_mode; /* Mode of guests without vifguard-mode. */
    char **guest_globs;        /* fnmatch() patterns of guest port */
    size_t n_guest_globs;      /* names (at least one). */
    char **attach_globs;       /* attach-bridges: fnmatch() patterns of */
    size_t n_attach_globs;     /* bridges to keep attached ("!" excludes);
                                * none: off. */
    char *attach_command;      /* vifguard-attach to run for them. */
    char *config_file;         /* Configuration file to read. */
    bool detach;               /* Run in the background. */
    char *pidfile;             /* Pidfile path, or NULL. */
    char *log_file;            /* Log file path, or NULL. */
    bool debug_all;            /* -v: DBG messages of every subsystem. */
    char **debug;              /* -vSUBSYS: DBG messages of these */
    size_t n_debug;            /* subsystems. */
    bool help;                 /* --help: print usage and exit. */
    bool version;              /* --version: print the version and exit. */

    /* xenstore policy source: auto, on, off. */
    enum vg_xenstore_mode xenstore;

    /* Where every setting came from (enum vg_setting_source). */
    unsigned char source[VG_N_SETTINGS];
};

void vg_config_init(struct vg_config *);
void vg_config_destroy(struct vg_config *);

/* Parses the command line of vifguardd into 'cfg' (argv[0] is the program
 * name and is skipped).  Uses getopt_long() and resets its state first.
 * Returns 0, or EINVAL with a malloc'd message in '*errp'. */
int vg_config_parse_args(struct vg_config *, int argc, char **argv,
                         char **errp);

/* Parses the NUL-terminated contents 'text' of the configuration file
 * 'filename' (used in messages only) into 'cfg'.  Settings that came from
 * the command line keep their value (the file's value is still checked).
 * Returns 0, or EINVAL with a malloc'd message in '*errp'. */
int vg_config_parse_file(struct vg_config *, const char *text,
                         const char *filename, char **errp);

/* The whole job for main(): parses 'argv', then reads and parses the
 * configuration file (a missing file is fine if it is the default one, an
 * error if --config named it), then makes the paths of the pidfile, log
 * file, control socket and punix: listeners absolute (the daemon changes
 * directory to / when it detaches) and refuses two sockets at one path.
 * Stops after the command line if it asked for --help or --version.
 * Returns 0 or an errno value with a malloc'd message in '*errp'. */
int vg_config_load(struct vg_config *, int argc, char **argv, char **errp);

/* Returns true if 'ifname' matches one of the guest port globs. */
bool vg_config_is_guest_name(const struct vg_config *, const char *ifname);

/* Returns true if bridge 'name' matches the attach-bridges patterns: at
 * least one pattern without "!" matches it and no "!PATTERN" does. */
bool vg_config_is_attach_bridge(const struct vg_config *, const char *name);

/* Returns the controller target that reaches listener 'listen' (punix:PATH
 * -> unix:PATH, ptcp:PORT[:IP] -> tcp:IP:PORT with a wildcard IP replaced
 * by the loopback address), as vifguard-attach derives it.  The caller
 * frees it. */
char *vg_config_listen_target(const char *listen);

/* Whether controller target 't' is one of the 'n' 'targets' (from
 * vg_config_listen_target()), or for unix: the same socket by another path
 * (/run and /var/run, say: realpath(), only when the strings differ). */
bool vg_config_target_in(const char *t, char *const *targets, size_t n);

/* The --help text of vifguardd. */
void vg_config_usage(const char *program_name);

#endif /* src/config.h */
