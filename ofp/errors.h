/* OpenFlow 1.3 errors (type, code) as one enum, with names.
 *
 * An 'enum ofperr' value is OFPERR_OFS + (type << 16) + code.  It lives in
 * its own number space above every errno value, so functions that return
 * "0 or a positive errno" can also return an ofperr (style.md).  Bundle
 * errors use type 17 (OFPET14_BUNDLE_FAILED) internally; on an OpenFlow 1.3
 * connection they travel as ONF experimenter errors (exp_code 2300 + code). */
#ifndef OFP_ERRORS_H
#define OFP_ERRORS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ofp_buf;

#define OFPERR_OFS (1 << 30)
#define OFPERR_MAKE(TYPE, CODE) (OFPERR_OFS + ((TYPE) << 16) + (CODE))

/* Error types. */
enum ofp_error_type {
    OFPET_HELLO_FAILED = 0,
    OFPET_BAD_REQUEST = 1,
    OFPET_BAD_ACTION = 2,
    OFPET_BAD_INSTRUCTION = 3,
    OFPET_BAD_MATCH = 4,
    OFPET_FLOW_MOD_FAILED = 5,
    OFPET_GROUP_MOD_FAILED = 6,
    OFPET_PORT_MOD_FAILED = 7,
    OFPET_TABLE_MOD_FAILED = 8,
    OFPET_QUEUE_OP_FAILED = 9,
    OFPET_SWITCH_CONFIG_FAILED = 10,
    OFPET_ROLE_REQUEST_FAILED = 11,
    OFPET_METER_MOD_FAILED = 12,
    OFPET_TABLE_FEATURES_FAILED = 13,
    OFPET14_BUNDLE_FAILED = 17,
    OFPET_EXPERIMENTER = 0xffff,
};

/* X(NAME, TYPE, CODE): every error vifguard knows, by spec name. */
#define OFPERR_LIST(X)                         \
    X(OFPHFC_INCOMPATIBLE, 0, 0)               \
    X(OFPHFC_EPERM, 0, 1)                      \
    X(OFPBRC_BAD_VERSION, 1, 0)                \
    X(OFPBRC_BAD_TYPE, 1, 1)                   \
    X(OFPBRC_BAD_MULTIPART, 1, 2)              \
    X(OFPBRC_BAD_EXPERIMENTER, 1, 3)           \
    X(OFPBRC_BAD_EXP_TYPE, 1, 4)               \
    X(OFPBRC_EPERM, 1, 5)                      \
    X(OFPBRC_BAD_LEN, 1, 6)                    \
    X(OFPBRC_BUFFER_EMPTY, 1, 7)               \
    X(OFPBRC_BUFFER_UNKNOWN, 1, 8)             \
    X(OFPBRC_BAD_TABLE_ID, 1, 9)               \
    X(OFPBRC_IS_SLAVE, 1, 10)                  \
    X(OFPBRC_BAD_PORT, 1, 11)                  \
    X(OFPBRC_BAD_PACKET, 1, 12)                \
    X(OFPBRC_MULTIPART_BUFFER_OVERFLOW, 1, 13) \
    X(OFPBAC_BAD_TYPE, 2, 0)                   \
    X(OFPBAC_BAD_LEN, 2, 1)                    \
    X(OFPBAC_BAD_EXPERIMENTER, 2, 2)           \
    X(OFPBAC_BAD_EXP_TYPE, 2, 3)               \
    X(OFPBAC_BAD_OUT_PORT, 2, 4)               \
    X(OFPBAC_BAD_ARGUMENT, 2, 5)               \
    X(OFPBAC_EPERM, 2, 6)                      \
    X(OFPBAC_TOO_MANY, 2, 7)                   \
    X(OFPBAC_BAD_QUEUE, 2, 8)                  \
    X(OFPBAC_BAD_OUT_GROUP, 2, 9)              \
    X(OFPBAC_MATCH_INCONSISTENT, 2, 10)        \
    X(OFPBAC_UNSUPPORTED_ORDER, 2, 11)         \
    X(OFPBAC_BAD_TAG, 2, 12)                   \
    X(OFPBAC_BAD_SET_TYPE, 2, 13)              \
    X(OFPBAC_BAD_SET_LEN, 2, 14)               \
    X(OFPBAC_BAD_SET_ARGUMENT, 2, 15)          \
    X(OFPBIC_UNKNOWN_INST, 3, 0)               \
    X(OFPBIC_UNSUP_INST, 3, 1)                 \
    X(OFPBIC_BAD_TABLE_ID, 3, 2)               \
    X(OFPBIC_UNSUP_METADATA, 3, 3)             \
    X(OFPBIC_UNSUP_METADATA_MASK, 3, 4)        \
    X(OFPBIC_BAD_EXPERIMENTER, 3, 5)           \
    X(OFPBIC_BAD_EXP_TYPE, 3, 6)               \
    X(OFPBIC_BAD_LEN, 3, 7)                    \
    X(OFPBIC_EPERM, 3, 8)                      \
    X(OFPBMC_BAD_TYPE, 4, 0)                   \
    X(OFPBMC_BAD_LEN, 4, 1)                    \
    X(OFPBMC_BAD_TAG, 4, 2)                    \
    X(OFPBMC_BAD_DL_ADDR_MASK, 4, 3)           \
    X(OFPBMC_BAD_NW_ADDR_MASK, 4, 4)           \
    X(OFPBMC_BAD_WILDCARDS, 4, 5)              \
    X(OFPBMC_BAD_FIELD, 4, 6)                  \
    X(OFPBMC_BAD_VALUE, 4, 7)                  \
    X(OFPBMC_BAD_MASK, 4, 8)                   \
    X(OFPBMC_BAD_PREREQ, 4, 9)                 \
    X(OFPBMC_DUP_FIELD, 4, 10)                 \
    X(OFPBMC_EPERM, 4, 11)                     \
    X(OFPFMFC_UNKNOWN, 5, 0)                   \
    X(OFPFMFC_TABLE_FULL, 5, 1)                \
    X(OFPFMFC_BAD_TABLE_ID, 5, 2)              \
    X(OFPFMFC_OVERLAP, 5, 3)                   \
    X(OFPFMFC_EPERM, 5, 4)                     \
    X(OFPFMFC_BAD_TIMEOUT, 5, 5)               \
    X(OFPFMFC_BAD_COMMAND, 5, 6)               \
    X(OFPFMFC_BAD_FLAGS, 5, 7)                 \
    X(OFPGMFC_GROUP_EXISTS, 6, 0)              \
    X(OFPGMFC_INVALID_GROUP, 6, 1)             \
    X(OFPGMFC_WEIGHT_UNSUPPORTED, 6, 2)        \
    X(OFPGMFC_OUT_OF_GROUPS, 6, 3)             \
    X(OFPGMFC_OUT_OF_BUCKETS, 6, 4)            \
    X(OFPGMFC_CHAINING_UNSUPPORTED, 6, 5)      \
    X(OFPGMFC_WATCH_UNSUPPORTED, 6, 6)         \
    X(OFPGMFC_LOOP, 6, 7)                      \
    X(OFPGMFC_UNKNOWN_GROUP, 6, 8)             \
    X(OFPGMFC_CHAINED_GROUP, 6, 9)             \
    X(OFPGMFC_BAD_TYPE, 6, 10)                 \
    X(OFPGMFC_BAD_COMMAND, 6, 11)              \
    X(OFPGMFC_BAD_BUCKET, 6, 12)               \
    X(OFPGMFC_BAD_WATCH, 6, 13)                \
    X(OFPGMFC_EPERM, 6, 14)                    \
    X(OFPPMFC_BAD_PORT, 7, 0)                  \
    X(OFPPMFC_BAD_HW_ADDR, 7, 1)               \
    X(OFPPMFC_BAD_CONFIG, 7, 2)                \
    X(OFPPMFC_BAD_ADVERTISE, 7, 3)             \
    X(OFPPMFC_EPERM, 7, 4)                     \
    X(OFPTMFC_BAD_TABLE, 8, 0)                 \
    X(OFPTMFC_BAD_CONFIG, 8, 1)                \
    X(OFPTMFC_EPERM, 8, 2)                     \
    X(OFPQOFC_BAD_PORT, 9, 0)                  \
    X(OFPQOFC_BAD_QUEUE, 9, 1)                 \
    X(OFPQOFC_EPERM, 9, 2)                     \
    X(OFPSCFC_BAD_FLAGS, 10, 0)                \
    X(OFPSCFC_BAD_LEN, 10, 1)                  \
    X(OFPSCFC_EPERM, 10, 2)                    \
    X(OFPRRFC_STALE, 11, 0)                    \
    X(OFPRRFC_UNSUP, 11, 1)                    \
    X(OFPRRFC_BAD_ROLE, 11, 2)                 \
    X(OFPMMFC_UNKNOWN, 12, 0)                  \
    X(OFPMMFC_METER_EXISTS, 12, 1)             \
    X(OFPMMFC_INVALID_METER, 12, 2)            \
    X(OFPMMFC_UNKNOWN_METER, 12, 3)            \
    X(OFPMMFC_BAD_COMMAND, 12, 4)              \
    X(OFPMMFC_BAD_FLAGS, 12, 5)                \
    X(OFPMMFC_BAD_RATE, 12, 6)                 \
    X(OFPMMFC_BAD_BURST, 12, 7)                \
    X(OFPMMFC_BAD_BAND, 12, 8)                 \
    X(OFPMMFC_BAD_BAND_VALUE, 12, 9)           \
    X(OFPMMFC_OUT_OF_METERS, 12, 10)           \
    X(OFPMMFC_OUT_OF_BANDS, 12, 11)            \
    X(OFPTFFC_BAD_TABLE, 13, 0)                \
    X(OFPTFFC_BAD_METADATA, 13, 1)             \
    X(OFPTFFC_BAD_TYPE, 13, 2)                 \
    X(OFPTFFC_BAD_LEN, 13, 3)                  \
    X(OFPTFFC_BAD_ARGUMENT, 13, 4)             \
    X(OFPTFFC_EPERM, 13, 5)                    \
    X(OFPBFC_UNKNOWN, 17, 0)                   \
    X(OFPBFC_EPERM, 17, 1)                     \
    X(OFPBFC_BAD_ID, 17, 2)                    \
    X(OFPBFC_BUNDLE_EXIST, 17, 3)              \
    X(OFPBFC_BUNDLE_CLOSED, 17, 4)             \
    X(OFPBFC_OUT_OF_BUNDLES, 17, 5)            \
    X(OFPBFC_BAD_TYPE, 17, 6)                  \
    X(OFPBFC_BAD_FLAGS, 17, 7)                 \
    X(OFPBFC_MSG_BAD_LEN, 17, 8)               \
    X(OFPBFC_MSG_BAD_XID, 17, 9)               \
    X(OFPBFC_MSG_UNSUP, 17, 10)                \
    X(OFPBFC_MSG_CONFLICT, 17, 11)             \
    X(OFPBFC_MSG_TOO_MANY, 17, 12)             \
    X(OFPBFC_MSG_FAILED, 17, 13)               \
    X(OFPBFC_TIMEOUT, 17, 14)                  \
    X(OFPBFC_BUNDLE_IN_PROGRESS, 17, 15)

enum ofperr {
#define OFPERR_ENUM__(NAME, TYPE, CODE) \
    OFPERR_##NAME = OFPERR_MAKE(TYPE, CODE),
    OFPERR_LIST(OFPERR_ENUM__)
#undef OFPERR_ENUM__
};

bool ofperr_is_valid(int);
uint16_t ofperr_type(enum ofperr);
uint16_t ofperr_code(enum ofperr);
const char *ofperr_name(enum ofperr);
const char *ofperr_type_name(uint16_t type);
int ofperr_from_type_code(uint16_t type, uint16_t code);
const char *ofp_strerror(int error);

#endif /* ofp/errors.h */
