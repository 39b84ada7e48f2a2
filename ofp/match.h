/* OXM flow matches: a table of the fields vifguard uses and a compact,
 * generic match structure.
 *
 * Every field is described once in a table (ofp_field_info()): its OXM class
 * and number, width, whether the OpenFlow 1.3 spec allows a mask, its
 * prerequisite, and its ovs-ofctl name.  Encoding, decoding, validation and
 * printing are all driven by that table.  Values are kept in network byte
 * order, each field at its own offset of a small store, so a match costs
 * about 400 bytes whatever it holds.
 *
 * Encoding writes fields in enum order, which puts every prerequisite before
 * the fields that need it, as Open vSwitch requires. */
#ifndef OFP_MATCH_H
#define OFP_MATCH_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ofp_buf;

enum ofp_field_id {
    OFPF_IN_PORT,     /* 4 bytes, OXM_OF_IN_PORT. */
    OFPF_METADATA,    /* 8 bytes, maskable. */
    OFPF_ETH_DST,     /* 6 bytes, maskable. */
    OFPF_ETH_SRC,     /* 6 bytes, maskable. */
    OFPF_ETH_TYPE,    /* 2 bytes. */
    OFPF_VLAN_VID,    /* 2 bytes (13 bits incl. OFPVID_PRESENT), maskable. */
    OFPF_VLAN_PCP,    /* 1 byte; needs vlan_vid present (!= NONE). */
    OFPF_IP_PROTO,    /* 1 byte; needs eth_type IPv4 or IPv6. */
    OFPF_IPV4_SRC,    /* 4 bytes, maskable; needs eth_type 0x0800. */
    OFPF_IPV4_DST,    /* 4 bytes, maskable; needs eth_type 0x0800. */
    OFPF_TCP_SRC,     /* 2 bytes; needs ip_proto 6. */
    OFPF_TCP_DST,     /* 2 bytes; needs ip_proto 6. */
    OFPF_UDP_SRC,     /* 2 bytes; needs ip_proto 17. */
    OFPF_UDP_DST,     /* 2 bytes; needs ip_proto 17. */
    OFPF_ICMPV4_TYPE, /* 1 byte; needs ip_proto 1 (and IPv4). */
    OFPF_ICMPV4_CODE, /* 1 byte; needs ip_proto 1 (and IPv4). */
    OFPF_ARP_OP,      /* 2 bytes; needs eth_type 0x0806. */
    OFPF_ARP_SPA,     /* 4 bytes, maskable; needs eth_type 0x0806. */
    OFPF_ARP_TPA,     /* 4 bytes, maskable; needs eth_type 0x0806. */
    OFPF_ARP_SHA,     /* 6 bytes, maskable; needs eth_type 0x0806. */
    OFPF_ARP_THA,     /* 6 bytes, maskable; needs eth_type 0x0806. */
    OFPF_IPV6_SRC,    /* 16 bytes, maskable; needs eth_type 0x86dd. */
    OFPF_IPV6_DST,    /* 16 bytes, maskable; needs eth_type 0x86dd. */
    OFPF_ICMPV6_TYPE, /* 1 byte; needs ip_proto 58 (and IPv6). */
    OFPF_ICMPV6_CODE, /* 1 byte; needs ip_proto 58 (and IPv6). */
    OFPF_IPV6_ND_TARGET, /* 16 bytes, maskable (as in OVS, not the 1.3
                          * spec); needs icmpv6_type 135 or 136. */
    OFPF_IPV6_ND_SLL,    /* 6 bytes; needs icmpv6_type 135. */
    OFPF_IPV6_ND_TLL,    /* 6 bytes; needs icmpv6_type 136. */
    OFPF_REG0,           /* 4 bytes, maskable, NXM_NX_REG0 (class 0x0001). */
    OFPF_REG15 = OFPF_REG0 + 15,
    OFPF_IP_FRAG, /* 1 byte, maskable, NXM_NX_IP_FRAG (class 0x0001): bit 0
                   * any fragment, bit 1 a later one (offset not 0); needs
                   * eth_type IPv4 or IPv6. */
    OFPF_N_FIELDS
};
#define OFPF_REG(N) (OFPF_REG0 + (N))

/* The bits of OFPF_IP_FRAG, as Open vSwitch defines them (its nw_frag). */
#define OFP_IP_FRAG_ANY 0x01   /* Any fragment, the first included. */
#define OFP_IP_FRAG_LATER 0x02 /* A fragment with a nonzero offset. */
#define OFP_IP_FRAG_MASK 0x03

/* Size of the value store: the sum of every field's width. */
#define OFP_MATCH_STORE 197

/* Prerequisite kinds, checked by ofp_match_validate(). */
enum ofp_prereq {
    OFPPR_NONE,
    OFPPR_VLAN,   /* vlan_vid present and not OFPVID_NONE. */
    OFPPR_IP_ANY, /* eth_type 0x0800 or 0x86dd. */
    OFPPR_IPV4,   /* eth_type 0x0800. */
    OFPPR_IPV6,   /* eth_type 0x86dd. */
    OFPPR_ARP,    /* eth_type 0x0806. */
    OFPPR_TCP,    /* IP (either) and ip_proto 6. */
    OFPPR_UDP,    /* IP (either) and ip_proto 17. */
    OFPPR_ICMPV4, /* IPv4 and ip_proto 1. */
    OFPPR_ICMPV6, /* IPv6 and ip_proto 58. */
    OFPPR_ND,     /* ICMPv6 and icmpv6_type 135 or 136. */
    OFPPR_ND_NS,  /* ICMPv6 and icmpv6_type 135. */
    OFPPR_ND_NA,  /* ICMPv6 and icmpv6_type 136. */
};

struct ofp_field_info {
    enum ofp_field_id id;
    const char *name;     /* ovs-ofctl name, e.g. "dl_src", "reg3". */
    const char *oxm_name; /* OXM name, e.g. "eth_src". */
    uint16_t oxm_class;   /* OFPXMC_OPENFLOW_BASIC or OFPXMC_NXM_1. */
    uint8_t oxm_field;    /* Field number within the class. */
    uint8_t len;          /* Width in bytes. */
    bool maskable;        /* The 1.3 spec (or OVS) allows a mask. */
    enum ofp_prereq prereq;
    uint8_t offset; /* Offset in the value/mask store. */
};

struct ofp_match {
    uint64_t present;                /* 1 << field for each field matched. */
    uint64_t masked;                 /* 1 << field if a mask was given. */
    uint8_t values[OFP_MATCH_STORE]; /* Network byte order. */
    uint8_t masks[OFP_MATCH_STORE];  /* All-ones for an exact match. */
};

const struct ofp_field_info *ofp_field_info(enum ofp_field_id);
const struct ofp_field_info *ofp_field_by_name(const char *name);
const struct ofp_field_info *ofp_field_by_oxm(uint16_t oxm_class,
                                              uint8_t oxm_field);

void ofp_match_init(struct ofp_match *);
bool ofp_match_equal(const struct ofp_match *, const struct ofp_match *);
bool ofp_match_has(const struct ofp_match *, enum ofp_field_id);

/* Generic access: 'value' and 'mask' are network byte order, the field's
 * width.  A NULL or all-ones 'mask' sets an exact match. */
void ofp_match_set(struct ofp_match *, enum ofp_field_id, const void *value,
                   const void *mask);
void ofp_match_clear(struct ofp_match *, enum ofp_field_id);
bool ofp_match_get(const struct ofp_match *, enum ofp_field_id, void *value,
                   void *mask);

/* Convenience setters with host-order integers. */
void ofp_match_set_u8(struct ofp_match *, enum ofp_field_id, uint8_t);
void ofp_match_set_u16(struct ofp_match *, enum ofp_field_id, uint16_t);
void ofp_match_set_u32(struct ofp_match *, enum ofp_field_id, uint32_t);
void ofp_match_set_u32_masked(struct ofp_match *, enum ofp_field_id,
                              uint32_t value, uint32_t mask);
void ofp_match_set_u64_masked(struct ofp_match *, enum ofp_field_id,
                              uint64_t value, uint64_t mask);
uint64_t ofp_match_get_uint(const struct ofp_match *, enum ofp_field_id);

/* Checks prerequisites, masks on unmaskable fields, and value bits set
 * outside the mask.  Returns 0 or an ofperr (OFPBMC_BAD_PREREQ,
 * OFPBMC_BAD_MASK, OFPBMC_BAD_WILDCARDS, OFPBMC_BAD_VALUE). */
int ofp_match_validate(const struct ofp_match *);

/* Appends 'match' as an ofp_match (type OXM) padded to 8 bytes.  Returns 0 or
 * the ofperr of ofp_match_validate(), in which case nothing is appended. */
int ofp_match_encode(const struct ofp_match *, struct ofp_buf *);

/* Pulls a padded ofp_match from the front of view 'b' into 'match' and
 * validates it.  Returns 0 or an ofperr (OFPBMC_BAD_TYPE, OFPBMC_BAD_LEN,
 * OFPBMC_BAD_FIELD, OFPBMC_DUP_FIELD, ...). */
int ofp_match_decode(struct ofp_buf *b, struct ofp_match *match);

/* One OXM TLV (no ofp_match header), as used by set_field: encode appends
 * header + value (+ mask if masked), decode pulls exactly one TLV. */
void ofp_oxm_put(struct ofp_buf *, enum ofp_field_id, const void *value,
                 const void *mask);
int ofp_oxm_pull(struct ofp_buf *, enum ofp_field_id *, void *value,
                 void *mask, bool *has_mask);

#endif /* ofp/match.h */
