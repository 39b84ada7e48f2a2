/* OpenFlow 1.3 actions and instructions.
 *
 * Actions are a growable array of small tagged structs.  Instructions are a
 * struct with one slot per instruction type, since the spec allows each type
 * at most once (OFPBIC_DUP_INST does not exist in 1.3, OVS answers
 * OFPBIC_UNSUP_INST); they are encoded in execution order: meter,
 * apply_actions, clear_actions, write_actions, write_metadata, goto_table. */
#ifndef OFP_ACTIONS_H
#define OFP_ACTIONS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofp/match.h"

struct ofp_buf;

struct ofp_action {
    uint16_t
        type; /* OFPAT_OUTPUT, _GROUP, _PUSH_VLAN, _POP_VLAN, _SET_FIELD. */
    union {
        struct {
            uint32_t port;    /* Port number or OFPP_*. */
            uint16_t max_len; /* For OFPP_CONTROLLER. */
        } output;
        uint32_t group_id;  /* OFPAT_GROUP. */
        uint16_t ethertype; /* OFPAT_PUSH_VLAN: 0x8100 or 0x88a8. */
        struct {
            enum ofp_field_id field;
            uint8_t value[16]; /* Network byte order, field's width. */
        } set_field;
    };
};

struct ofp_actions {
    struct ofp_action *acts; /* Array of 'n' actions. */
    size_t n;
    size_t allocated;
};

void ofp_actions_init(struct ofp_actions *);
void ofp_actions_uninit(struct ofp_actions *);
void ofp_actions_clone(struct ofp_actions *dst, const struct ofp_actions *);
bool ofp_actions_equal(const struct ofp_actions *, const struct ofp_actions *);
struct ofp_action *ofp_actions_add(struct ofp_actions *, uint16_t type);
void ofp_actions_add_output(struct ofp_actions *, uint32_t port,
                            uint16_t max_len);
void ofp_actions_add_group(struct ofp_actions *, uint32_t group_id);
void ofp_actions_add_push_vlan(struct ofp_actions *, uint16_t ethertype);
void ofp_actions_add_pop_vlan(struct ofp_actions *);
void ofp_actions_add_set_field(struct ofp_actions *, enum ofp_field_id,
                               const void *value);

/* Appends the actions to 'b'.  Returns 0 or an ofperr (e.g.
 * OFPBAC_BAD_SET_TYPE for a set_field on a field that cannot be set). */
int ofp_actions_encode(const struct ofp_actions *, struct ofp_buf *b);

/* Pulls exactly 'len' bytes of actions from the front of view 'b' and
 * appends them to 'acts'.  Returns 0 or an ofperr (OFPBAC_BAD_LEN,
 * OFPBAC_BAD_TYPE, OFPBAC_BAD_SET_LEN, ...). */
int ofp_actions_decode(struct ofp_buf *b, size_t len, struct ofp_actions *);

struct ofp_instructions {
    uint32_t present;   /* 1 << OFPIT_* for each instruction present. */
    uint8_t goto_table; /* OFPIT_GOTO_TABLE. */
    uint64_t metadata;  /* OFPIT_WRITE_METADATA. */
    uint64_t metadata_mask;
    uint32_t meter_id;        /* OFPIT_METER. */
    struct ofp_actions apply; /* OFPIT_APPLY_ACTIONS. */
    struct ofp_actions write; /* OFPIT_WRITE_ACTIONS. */
};

void ofp_instructions_init(struct ofp_instructions *);
void ofp_instructions_uninit(struct ofp_instructions *);
void ofp_instructions_clone(struct ofp_instructions *dst,
                            const struct ofp_instructions *);
bool ofp_instructions_equal(const struct ofp_instructions *,
                            const struct ofp_instructions *);
/* Shorthands that mark the instruction present. */
struct ofp_actions *ofp_instructions_apply(struct ofp_instructions *);
void ofp_instructions_goto(struct ofp_instructions *, uint8_t table_id);
void ofp_instructions_write_metadata(struct ofp_instructions *,
                                     uint64_t metadata, uint64_t mask);

int ofp_instructions_encode(const struct ofp_instructions *, struct ofp_buf *);
/* Pulls all remaining bytes of view 'b' as instructions into 'insts', which
 * it initializes (it must not hold actions).  Returns 0 or an
 * ofperr (OFPBIC_BAD_LEN, OFPBIC_UNKNOWN_INST, OFPBIC_UNSUP_INST for a
 * duplicate, OFPBIC_BAD_TABLE_ID, ...). */
int ofp_instructions_decode(struct ofp_buf *b, struct ofp_instructions *);

#endif /* ofp/actions.h */
