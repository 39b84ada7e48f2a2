/* Guest port policy: what a guest may send, parsed from strings.
 *
 * A policy source (OVSDB external_ids today, xenstore later) hands strings
 * to these parsers.  Every parser is strict and pure: it either fills in the
 * result or returns an errno value (EINVAL) with a malloc'd message in
 * '*errp' that names the bad value, e.g.
 *   vifguard-ipv4: "10.0.0.300": not an IPv4 address
 * The engine then holds that one port closed in state "error" with that
 * message as its reason. */
#ifndef VG_POLICY_H
#define VG_POLICY_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_iface;

enum vg_mode {
    VG_MODE_LOCKED,   /* Full protection. */
    VG_MODE_UNLOCKED, /* No filtering. */
    VG_MODE_DISABLED, /* Nothing forwarded. */
};

/* At most this many entries per address list: each costs flows. */
#define VG_POLICY_MAX_ADDRS 256

struct vg_prefix4 {
    uint32_t addr; /* Host byte order; host bits beyond 'len' are zero. */
    uint8_t len;   /* 0..32. */
};

struct vg_prefix6 {
    uint8_t addr[16]; /* Host bits beyond 'len' are zero. */
    uint8_t len;      /* 0..128. */
};

struct vg_policy {
    enum vg_mode mode;
    bool has_mac;
    uint8_t mac[6];
    struct vg_prefix4 *ipv4; /* Sorted, no duplicates. */
    size_t n_ipv4;
    struct vg_prefix6 *ipv6; /* Sorted, no duplicates. */
    size_t n_ipv6;
};

const char *vg_mode_name(enum vg_mode);
int vg_parse_mode(const char *, enum vg_mode *, char **errp);
int vg_parse_mac(const char *, uint8_t mac[6], char **errp);
/* Parses 's' as "xx:xx:xx:xx:xx:xx" (either case) into 'mac', any address
 * (multicast and all-zero too).  Returns false if it is not one. */
bool vg_mac_from_string(const char *s, uint8_t mac[6]);
int vg_parse_ipv4_list(const char *, struct vg_prefix4 **, size_t *n,
                       char **errp);
/* Like vg_parse_ipv4_list().  A link-local entry (in fe80::/10) must be a
 * single address: a prefix that covers any link-local address is refused,
 * because it would let the guest claim the router's link-local address. */
int vg_parse_ipv6_list(const char *, struct vg_prefix6 **, size_t *n,
                       char **errp);

/* The EUI-64 link-local address (fe80::/64 + modified EUI-64 of 'mac'), as
 * a /128.  Always allowed for a locked guest with that MAC. */
void vg_ipv6_eui64_link_local(const uint8_t mac[6], struct vg_prefix6 *);

/* Text forms ("10.0.0.0/24", "10.0.0.5", "2001:db8::/64"); 'buf' must hold
 * at least VG_PREFIX_STRLEN bytes. */
#define VG_PREFIX_STRLEN 48
const char *vg_prefix4_format(const struct vg_prefix4 *, char *buf);
const char *vg_prefix6_format(const struct vg_prefix6 *, char *buf);

/* Builds the policy of a guest interface from its external_ids
 * (attached-mac, vifguard-mode, vifguard-ipv4, vifguard-ipv6), with
 * 'default_mode' when vifguard-mode is absent.  Any other vifguard-* key is
 * an error (a misspelt key must not leave the default mode in force).  A
 * locked guest needs a MAC.
 * On error '*policy' still holds what could be parsed (mode, MAC) so that
 * the error can be reported with context; it must be destroyed either way. */
int vg_policy_from_iface(const struct vg_iface *, enum vg_mode default_mode,
                         struct vg_policy *, char **errp);
void vg_policy_init(struct vg_policy *);
void vg_policy_destroy(struct vg_policy *);
bool vg_policy_equal(const struct vg_policy *, const struct vg_policy *);

/* Whether policy 'pol' lets its guest use address 'addr' of family 'af'
 * (AF_INET: 4 bytes, AF_INET6: 16, network byte order): one of its
 * addresses, or in one of its prefixes. */
bool vg_policy_has_addr(const struct vg_policy *pol, int af,
                        const uint8_t *addr);

/* The address of an Open vSwitch target 'target' ("IP:PORT", "[IPv6]:PORT"
 * or an address alone, as sFlow, NetFlow and IPFIX targets are) into 'addr'
 * (16 bytes; IPv4 in the first 4, network byte order).  Returns AF_INET,
 * AF_INET6, or 0 if it holds no address (a host name). */
int vg_target_addr(const char *target, uint8_t addr[16]);

#endif /* src/policy.h */
