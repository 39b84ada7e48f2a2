/* OpenFlow error names and the mapping between (type, code) and enum ofperr.
 *
 * Everything here is generated from the OFPERR_LIST X-macro of ofp/errors.h,
 * so adding an error there is the only step needed to name, validate and
 * decode it.  No tables are built at run time. */
#include <config.h>

#include "ofp/errors.h"

#include <string.h>

/* Returns true if 'error' is one of the values of enum ofperr. */
bool
ofperr_is_valid(int error)
{
    switch (error) {
#define OFPERR_CASE__(NAME, TYPE, CODE) case OFPERR_##NAME:
        OFPERR_LIST(OFPERR_CASE__)
#undef OFPERR_CASE__
        return true;
    default:
        return false;
    }
}

/* Returns the OpenFlow error type of 'error' (e.g. OFPET_BAD_MATCH).  For
 * bundle errors this is OFPET14_BUNDLE_FAILED (17), which an OpenFlow 1.3
 * connection carries as an ONF experimenter error instead. */
uint16_t
ofperr_type(enum ofperr error)
{
    return (uint16_t)(((unsigned int)error - OFPERR_OFS) >> 16);
}

/* Returns the OpenFlow error code of 'error' within its type. */
uint16_t
ofperr_code(enum ofperr error)
{
    return (uint16_t)(((unsigned int)error - OFPERR_OFS) & 0xffff);
}

/* Returns the spec name of 'error', e.g. "OFPBRC_BAD_LEN".  Returns
 * "OFPERR_UNKNOWN" (never NULL) for a value that is not an enum ofperr. */
const char *
ofperr_name(enum ofperr error)
{
    switch ((int)error) {
#define OFPERR_NAME__(NAME, TYPE, CODE) \
    case OFPERR_##NAME:                 \
        return #NAME;
        OFPERR_LIST(OFPERR_NAME__)
#undef OFPERR_NAME__
    default:
        return "OFPERR_UNKNOWN";
    }
}

/* Returns the spec name of error type 'type', e.g. "OFPET_BAD_REQUEST".
 * Returns "OFPET_UNKNOWN" (never NULL) for a type vifguard does not know. */
const char *
ofperr_type_name(uint16_t type)
{
    switch (type) {
    case OFPET_HELLO_FAILED:
        return "OFPET_HELLO_FAILED";
    case OFPET_BAD_REQUEST:
        return "OFPET_BAD_REQUEST";
    case OFPET_BAD_ACTION:
        return "OFPET_BAD_ACTION";
    case OFPET_BAD_INSTRUCTION:
        return "OFPET_BAD_INSTRUCTION";
    case OFPET_BAD_MATCH:
        return "OFPET_BAD_MATCH";
    case OFPET_FLOW_MOD_FAILED:
        return "OFPET_FLOW_MOD_FAILED";
    case OFPET_GROUP_MOD_FAILED:
        return "OFPET_GROUP_MOD_FAILED";
    case OFPET_PORT_MOD_FAILED:
        return "OFPET_PORT_MOD_FAILED";
    case OFPET_TABLE_MOD_FAILED:
        return "OFPET_TABLE_MOD_FAILED";
    case OFPET_QUEUE_OP_FAILED:
        return "OFPET_QUEUE_OP_FAILED";
    case OFPET_SWITCH_CONFIG_FAILED:
        return "OFPET_SWITCH_CONFIG_FAILED";
    case OFPET_ROLE_REQUEST_FAILED:
        return "OFPET_ROLE_REQUEST_FAILED";
    case OFPET_METER_MOD_FAILED:
        return "OFPET_METER_MOD_FAILED";
    case OFPET_TABLE_FEATURES_FAILED:
        return "OFPET_TABLE_FEATURES_FAILED";
    case OFPET14_BUNDLE_FAILED:
        return "OFPET_BUNDLE_FAILED";
    case OFPET_EXPERIMENTER:
        return "OFPET_EXPERIMENTER";
    default:
        return "OFPET_UNKNOWN";
    }
}

/* Returns the enum ofperr for OpenFlow error 'type' and 'code', or 0 if
 * vifguard does not know that pair.  Experimenter errors (type 0xffff) are
 * not mapped here: the ERROR message decoder handles them. */
int
ofperr_from_type_code(uint16_t type, uint16_t code)
{
    switch (((uint32_t)type << 16) | code) {
#define OFPERR_FROM__(NAME, TYPE, CODE)     \
    case ((uint32_t)(TYPE) << 16) | (CODE): \
        return OFPERR_##NAME;
        OFPERR_LIST(OFPERR_FROM__)
#undef OFPERR_FROM__
    default:
        return 0;
    }
}

/* Returns a string for 'error', which is 0, a positive errno value or an
 * enum ofperr: the ofperr name for the latter, strerror() otherwise.  Values
 * in the ofperr space that are not known errors give "OFPERR_UNKNOWN". */
const char *
ofp_strerror(int error)
{
    if (error >= OFPERR_OFS) {
        return ofperr_name((enum ofperr)error);
    }
    return strerror(error);
}
