/* OpenFlow 1.3 actions and instructions: encode and decode.
 *
 * libofp knows the five actions vifguard uses (output, group, push_vlan,
 * pop_vlan, set_field) and the six OpenFlow 1.3 instructions.  Decoding
 * follows Open vSwitch 3.1 (lib/ofp-actions.c) for the order of checks and
 * the error codes, with these choices:
 *   - An action list or instruction must have exactly the length of its
 *     type (set_field: 4 + OXM TLV rounded up to 8); OVS accepts set_field
 *     with extra zero padding, libofp answers OFPBAC_BAD_SET_LEN.
 *   - Padding in fixed-size actions and instructions is not inspected (as in
 *     OVS); bytes after the set_field TLV must be zero.
 *   - set_field may not set in_port (spec and OVS), metadata (spec; use
 *     write_metadata), eth_type or ip_proto (read-only in OVS).  The
 *     encoder answers OFPBAC_BAD_SET_TYPE, the decoder OFPBAC_BAD_SET_ARGUMENT
 *     as OVS does.  A set_field of vlan_vid must have OFPVID_PRESENT set.
 *   - A duplicate instruction is OFPBIC_UNSUP_INST: OFPBIC_DUP_INST does not
 *     exist in OpenFlow 1.3 (OVS sends it as an ONF experimenter error).
 *   - goto_table to OFPTT_ALL (255) is OFPBIC_BAD_TABLE_ID; checking that
 *     the table is after the current one needs context and is left to the
 *     caller. */
#include <config.h>

#include "ofp/actions.h"

#include <stdlib.h>
#include <string.h>

#include "ofp/buf.h"
#include "ofp/errors.h"
#include "openflow/of13.h"

/* Returns 'n' rounded up to a multiple of 8. */
static size_t
round_up8__(size_t n)
{
    return (n + 7) / 8 * 8;
}

/* Initializes 'acts' as an empty list. */
void
ofp_actions_init(struct ofp_actions *acts)
{
    acts->acts = NULL;
    acts->n = 0;
    acts->allocated = 0;
}

/* Frees the memory owned by 'acts' (which may be NULL) and leaves it
 * empty. */
void
ofp_actions_uninit(struct ofp_actions *acts)
{
    if (acts) {
        free(acts->acts);
        ofp_actions_init(acts);
    }
}

/* Initializes 'dst' as a copy of 'src'.  Whatever 'dst' held before is not
 * freed. */
void
ofp_actions_clone(struct ofp_actions *dst, const struct ofp_actions *src)
{
    ofp_actions_init(dst);
    if (src->n) {
        dst->acts = ofp_xmalloc(src->n * sizeof *dst->acts);
        memcpy(dst->acts, src->acts, src->n * sizeof *dst->acts);
        dst->n = dst->allocated = src->n;
    }
}

/* Returns true if 'a' and 'b' are the same action. */
static bool
action_equal__(const struct ofp_action *a, const struct ofp_action *b)
{
    if (a->type != b->type) {
        return false;
    }
    switch (a->type) {
    case OFPAT_OUTPUT:
        return a->output.port == b->output.port &&
               a->output.max_len == b->output.max_len;
    case OFPAT_GROUP:
        return a->group_id == b->group_id;
    case OFPAT_PUSH_VLAN:
        return a->ethertype == b->ethertype;
    case OFPAT_POP_VLAN:
        return true;
    case OFPAT_SET_FIELD: {
        const struct ofp_field_info *f = ofp_field_info(a->set_field.field);
        return a->set_field.field == b->set_field.field &&
               (!f || !memcmp(a->set_field.value, b->set_field.value, f->len));
    }
    default:
        return false;
    }
}

/* Returns true if 'a' and 'b' hold the same actions in the same order. */
bool
ofp_actions_equal(const struct ofp_actions *a, const struct ofp_actions *b)
{
    if (a->n != b->n) {
        return false;
    }
    for (size_t i = 0; i < a->n; i++) {
        if (!action_equal__(&a->acts[i], &b->acts[i])) {
            return false;
        }
    }
    return true;
}

/* Appends a zeroed action of 'type' (an OFPAT_*) to 'acts' and returns it.
 * The pointer is valid until the next append. */
struct ofp_action *
ofp_actions_add(struct ofp_actions *acts, uint16_t type)
{
    if (acts->n >= acts->allocated) {
        acts->allocated = acts->allocated ? 2 * acts->allocated : 4;
        acts->acts =
            ofp_xrealloc(acts->acts, acts->allocated * sizeof *acts->acts);
    }
    struct ofp_action *a = &acts->acts[acts->n++];
    memset(a, 0, sizeof *a);
    a->type = type;
    return a;
}

void
ofp_actions_add_output(struct ofp_actions *acts, uint32_t port,
                       uint16_t max_len)
{
    struct ofp_action *a = ofp_actions_add(acts, OFPAT_OUTPUT);
    a->output.port = port;
    a->output.max_len = max_len;
}

void
ofp_actions_add_group(struct ofp_actions *acts, uint32_t group_id)
{
    ofp_actions_add(acts, OFPAT_GROUP)->group_id = group_id;
}

void
ofp_actions_add_push_vlan(struct ofp_actions *acts, uint16_t ethertype)
{
    ofp_actions_add(acts, OFPAT_PUSH_VLAN)->ethertype = ethertype;
}

void
ofp_actions_add_pop_vlan(struct ofp_actions *acts)
{
    ofp_actions_add(acts, OFPAT_POP_VLAN);
}

/* Appends a set_field of 'field' to 'value' (network byte order, the
 * field's width). */
void
ofp_actions_add_set_field(struct ofp_actions *acts, enum ofp_field_id field,
                          const void *value)
{
    const struct ofp_field_info *f = ofp_field_info(field);
    struct ofp_action *a = ofp_actions_add(acts, OFPAT_SET_FIELD);
    a->set_field.field = field;
    if (f) {
        memcpy(a->set_field.value, value, f->len);
    }
}

/* Returns true if a set_field action may write field 'id'. */
static bool
field_settable__(enum ofp_field_id id)
{
    switch (id) {
    case OFPF_IN_PORT:
    case OFPF_METADATA:
    case OFPF_ETH_TYPE:
    case OFPF_IP_PROTO:
    case OFPF_IP_FRAG:
        return false;
    default:
        return ofp_field_info(id) != NULL;
    }
}

/* Returns true if a set_field action may write 'value' (the field's width)
 * to field 'id', a field ofp_oxm_pull() accepted the value for. */
static bool
set_value_ok__(enum ofp_field_id id, const uint8_t *value)
{
    return id != OFPF_VLAN_VID || (ofp_get_be16(value) & OFPVID_PRESENT);
}

/* Pads the action that starts at offset 'start' of 'b' to 8 bytes and
 * stores its length. */
static void
finish_action__(struct ofp_buf *b, size_t start)
{
    ofp_buf_pad_to(b, start, 8);
    ofp_set_be16(b->data + start + 2, (uint16_t)(b->size - start));
}

/* Appends action 'a' to 'b'.  Returns 0 or an ofperr, in which case some
 * bytes may have been appended. */
static int
encode_action__(const struct ofp_action *a, struct ofp_buf *b)
{
    size_t start = b->size;

    switch (a->type) {
    case OFPAT_OUTPUT:
        if (a->output.port == 0 || a->output.port == OFPP_ANY ||
            (a->output.port > OFPP_MAX && a->output.port < OFPP_IN_PORT)) {
            return OFPERR_OFPBAC_BAD_OUT_PORT;
        }
        ofp_buf_put_be16(b, OFPAT_OUTPUT);
        ofp_buf_put_be16(b, sizeof(struct ofp13_action_output));
        ofp_buf_put_be32(b, a->output.port);
        ofp_buf_put_be16(b, a->output.max_len);
        ofp_buf_put_zeros(b, 6);
        return 0;

    case OFPAT_GROUP:
        ofp_buf_put_be16(b, OFPAT_GROUP);
        ofp_buf_put_be16(b, sizeof(struct ofp13_action_group));
        ofp_buf_put_be32(b, a->group_id);
        return 0;

    case OFPAT_PUSH_VLAN:
        if (a->ethertype != 0x8100 && a->ethertype != 0x88a8) {
            return OFPERR_OFPBAC_BAD_ARGUMENT;
        }
        ofp_buf_put_be16(b, OFPAT_PUSH_VLAN);
        ofp_buf_put_be16(b, sizeof(struct ofp13_action_push));
        ofp_buf_put_be16(b, a->ethertype);
        ofp_buf_put_zeros(b, 2);
        return 0;

    case OFPAT_POP_VLAN:
        ofp_buf_put_be16(b, OFPAT_POP_VLAN);
        ofp_buf_put_be16(b, sizeof(struct ofp13_action_generic));
        ofp_buf_put_zeros(b, 4);
        return 0;

    case OFPAT_SET_FIELD: {
        enum ofp_field_id id = a->set_field.field;
        if (!field_settable__(id)) {
            return OFPERR_OFPBAC_BAD_SET_TYPE;
        }
        ofp_buf_put_be16(b, OFPAT_SET_FIELD);
        ofp_buf_put_be16(b, 0);
        ofp_oxm_put(b, id, a->set_field.value, NULL);

        /* Check the value exactly as a decoder will. */
        struct ofp_buf tlv;
        enum ofp_field_id pulled;
        uint8_t value[16];
        ofp_buf_use_const(&tlv, b->data + start + 4, b->size - start - 4);
        if (ofp_oxm_pull(&tlv, &pulled, value, NULL, NULL) ||
            !set_value_ok__(id, value)) {
            return OFPERR_OFPBAC_BAD_SET_ARGUMENT;
        }
        finish_action__(b, start);
        return 0;
    }

    default:
        return OFPERR_OFPBAC_BAD_TYPE;
    }
}

/* Appends the actions in 'acts' to 'b'.  Returns 0, or an ofperr with
 * nothing appended. */
int
ofp_actions_encode(const struct ofp_actions *acts, struct ofp_buf *b)
{
    size_t start = b->size;
    for (size_t i = 0; i < acts->n; i++) {
        int error = encode_action__(&acts->acts[i], b);
        if (error) {
            b->size = start;
            return error;
        }
    }
    return 0;
}

/* Decodes the set_field action whose 'len' bytes (header included) are at
 * 'p' into 'a'. */
static int
decode_set_field__(const uint8_t *p, size_t len, struct ofp_action *a)
{
    struct ofp_buf tlv;
    enum ofp_field_id id;
    bool has_mask;
    uint8_t mask[16];

    ofp_buf_use_const(&tlv, p + 4, len - 4);
    int error = ofp_oxm_pull(&tlv, &id, a->set_field.value, mask, &has_mask);
    switch (error) {
    case 0:
        break;
    case OFPERR_OFPBMC_BAD_LEN:
        return OFPERR_OFPBAC_BAD_SET_LEN;
    case OFPERR_OFPBMC_BAD_FIELD:
        return OFPERR_OFPBAC_BAD_SET_TYPE;
    default:
        return OFPERR_OFPBAC_BAD_SET_ARGUMENT;
    }
    if (has_mask) {
        return OFPERR_OFPBAC_BAD_SET_ARGUMENT;
    }

    const struct ofp_field_info *f = ofp_field_info(id);
    if (len != round_up8__(4 + 4 + f->len)) {
        return OFPERR_OFPBAC_BAD_SET_LEN;
    }
    for (size_t i = 0; i < tlv.size; i++) {
        if (tlv.data[i]) {
            return OFPERR_OFPBAC_BAD_SET_ARGUMENT;
        }
    }
    if (!field_settable__(id) || !set_value_ok__(id, a->set_field.value)) {
        return OFPERR_OFPBAC_BAD_SET_ARGUMENT;
    }
    a->set_field.field = id;
    return 0;
}

/* Pulls one action from the front of view 'b' and appends it to 'acts'.
 * Returns 0 or an ofperr. */
static int
decode_action__(struct ofp_buf *b, struct ofp_actions *acts)
{
    const uint8_t *p = ofp_buf_at(b, 0, sizeof(struct ofp13_action_header));
    if (!p) {
        return OFPERR_OFPBAC_BAD_LEN;
    }

    uint16_t type = ofp_get_be16(p);
    size_t len = ofp_get_be16(p + 2);
    size_t want;
    switch (type) {
    case OFPAT_OUTPUT:
        want = sizeof(struct ofp13_action_output);
        break;
    case OFPAT_GROUP:
        want = sizeof(struct ofp13_action_group);
        break;
    case OFPAT_PUSH_VLAN:
        want = sizeof(struct ofp13_action_push);
        break;
    case OFPAT_POP_VLAN:
        want = sizeof(struct ofp13_action_generic);
        break;
    case OFPAT_SET_FIELD:
        want = 0;
        break;
    case OFPAT_EXPERIMENTER:
        return OFPERR_OFPBAC_BAD_EXPERIMENTER;
    default:
        return OFPERR_OFPBAC_BAD_TYPE;
    }
    if (len < 8 || len % 8 || len > b->size || (want && len != want)) {
        return OFPERR_OFPBAC_BAD_LEN;
    }
    p = ofp_buf_try_pull(b, len);

    struct ofp_action a;
    memset(&a, 0, sizeof a);
    a.type = type;
    switch (type) {
    case OFPAT_OUTPUT:
        a.output.port = ofp_get_be32(p + 4);
        a.output.max_len = ofp_get_be16(p + 8);
        if (a.output.port == 0 || a.output.port == OFPP_ANY ||
            (a.output.port > OFPP_MAX && a.output.port < OFPP_IN_PORT)) {
            return OFPERR_OFPBAC_BAD_OUT_PORT;
        }
        break;
    case OFPAT_GROUP:
        a.group_id = ofp_get_be32(p + 4);
        break;
    case OFPAT_PUSH_VLAN:
        a.ethertype = ofp_get_be16(p + 4);
        if (a.ethertype != 0x8100 && a.ethertype != 0x88a8) {
            return OFPERR_OFPBAC_BAD_ARGUMENT;
        }
        break;
    case OFPAT_POP_VLAN:
        break;
    case OFPAT_SET_FIELD: {
        int error = decode_set_field__(p, len, &a);
        if (error) {
            return error;
        }
        break;
    }
    }
    *ofp_actions_add(acts, type) = a;
    return 0;
}

/* Pulls 'len' bytes of actions from the front of view 'b' and appends them
 * to 'acts' (initialized by the caller).  Returns 0, or an ofperr with 'b'
 * and 'acts' as they were. */
int
ofp_actions_decode(struct ofp_buf *b, size_t len, struct ofp_actions *acts)
{
    size_t n0 = acts->n;
    struct ofp_buf v = *b;

    if (len % 8) {
        return OFPERR_OFPBAC_BAD_LEN;
    } else if (!len) {
        return 0;
    }
    const void *p = ofp_buf_try_pull(&v, len);
    if (!p) {
        return OFPERR_OFPBAC_BAD_LEN;
    }

    struct ofp_buf list;
    ofp_buf_use_const(&list, p, len);
    while (list.size) {
        int error = decode_action__(&list, acts);
        if (error) {
            acts->n = n0;
            return error;
        }
    }
    *b = v;
    return 0;
}

/* Instructions. */

static uint32_t
inst_bit__(unsigned int type)
{
    return UINT32_C(1) << type;
}

/* Initializes 'insts' with no instruction. */
void
ofp_instructions_init(struct ofp_instructions *insts)
{
    memset(insts, 0, sizeof *insts);
    ofp_actions_init(&insts->apply);
    ofp_actions_init(&insts->write);
}

/* Frees the memory owned by 'insts' (which may be NULL) and leaves it with
 * no instruction. */
void
ofp_instructions_uninit(struct ofp_instructions *insts)
{
    if (insts) {
        ofp_actions_uninit(&insts->apply);
        ofp_actions_uninit(&insts->write);
        ofp_instructions_init(insts);
    }
}

/* Initializes 'dst' as a copy of 'src'.  Whatever 'dst' held before is not
 * freed. */
void
ofp_instructions_clone(struct ofp_instructions *dst,
                       const struct ofp_instructions *src)
{
    *dst = *src;
    ofp_actions_clone(&dst->apply, &src->apply);
    ofp_actions_clone(&dst->write, &src->write);
}

/* Returns true if 'a' and 'b' hold the same instructions.  Only the members
 * of present instructions are compared. */
bool
ofp_instructions_equal(const struct ofp_instructions *a,
                       const struct ofp_instructions *b)
{
    uint32_t p = a->present;
    return p == b->present &&
           (!(p & inst_bit__(OFPIT_GOTO_TABLE)) ||
            a->goto_table == b->goto_table) &&
           (!(p & inst_bit__(OFPIT_WRITE_METADATA)) ||
            (a->metadata == b->metadata &&
             a->metadata_mask == b->metadata_mask)) &&
           (!(p & inst_bit__(OFPIT_METER)) || a->meter_id == b->meter_id) &&
           (!(p & inst_bit__(OFPIT_APPLY_ACTIONS)) ||
            ofp_actions_equal(&a->apply, &b->apply)) &&
           (!(p & inst_bit__(OFPIT_WRITE_ACTIONS)) ||
            ofp_actions_equal(&a->write, &b->write));
}

/* Marks apply_actions present and returns its action list. */
struct ofp_actions *
ofp_instructions_apply(struct ofp_instructions *insts)
{
    insts->present |= inst_bit__(OFPIT_APPLY_ACTIONS);
    return &insts->apply;
}

void
ofp_instructions_goto(struct ofp_instructions *insts, uint8_t table_id)
{
    insts->present |= inst_bit__(OFPIT_GOTO_TABLE);
    insts->goto_table = table_id;
}

void
ofp_instructions_write_metadata(struct ofp_instructions *insts,
                                uint64_t metadata, uint64_t mask)
{
    insts->present |= inst_bit__(OFPIT_WRITE_METADATA);
    insts->metadata = metadata;
    insts->metadata_mask = mask;
}

/* Appends an apply_actions or write_actions instruction ('type') holding
 * 'acts' to 'b'.  Returns 0 or an ofperr. */
static int
encode_inst_actions__(uint16_t type, const struct ofp_actions *acts,
                      struct ofp_buf *b)
{
    size_t start = b->size;
    ofp_buf_put_be16(b, type);
    ofp_buf_put_be16(b, 0);
    ofp_buf_put_zeros(b, 4);
    int error = ofp_actions_encode(acts, b);
    if (error) {
        return error;
    }
    if (b->size - start > UINT16_MAX) {
        return OFPERR_OFPBIC_BAD_LEN;
    }
    ofp_set_be16(b->data + start + 2, (uint16_t)(b->size - start));
    return 0;
}

/* Appends the instructions in 'insts' to 'b' in execution order.  Returns 0,
 * or an ofperr with nothing appended. */
int
ofp_instructions_encode(const struct ofp_instructions *insts,
                        struct ofp_buf *b)
{
    const uint32_t known =
        (inst_bit__(OFPIT_GOTO_TABLE) | inst_bit__(OFPIT_WRITE_METADATA) |
         inst_bit__(OFPIT_WRITE_ACTIONS) | inst_bit__(OFPIT_APPLY_ACTIONS) |
         inst_bit__(OFPIT_CLEAR_ACTIONS) | inst_bit__(OFPIT_METER));
    uint32_t p = insts->present;
    size_t start = b->size;
    int error = 0;

    if (p & ~known) {
        return OFPERR_OFPBIC_UNKNOWN_INST;
    }
    if (p & inst_bit__(OFPIT_GOTO_TABLE) && insts->goto_table == OFPTT_ALL) {
        return OFPERR_OFPBIC_BAD_TABLE_ID;
    }

    if (p & inst_bit__(OFPIT_METER)) {
        ofp_buf_put_be16(b, OFPIT_METER);
        ofp_buf_put_be16(b, sizeof(struct ofp13_instruction_meter));
        ofp_buf_put_be32(b, insts->meter_id);
    }
    if (p & inst_bit__(OFPIT_APPLY_ACTIONS)) {
        error = encode_inst_actions__(OFPIT_APPLY_ACTIONS, &insts->apply, b);
    }
    if (!error && p & inst_bit__(OFPIT_CLEAR_ACTIONS)) {
        ofp_buf_put_be16(b, OFPIT_CLEAR_ACTIONS);
        ofp_buf_put_be16(b, sizeof(struct ofp13_instruction_actions));
        ofp_buf_put_zeros(b, 4);
    }
    if (!error && p & inst_bit__(OFPIT_WRITE_ACTIONS)) {
        error = encode_inst_actions__(OFPIT_WRITE_ACTIONS, &insts->write, b);
    }
    if (!error && p & inst_bit__(OFPIT_WRITE_METADATA)) {
        ofp_buf_put_be16(b, OFPIT_WRITE_METADATA);
        ofp_buf_put_be16(b, sizeof(struct ofp13_instruction_write_metadata));
        ofp_buf_put_zeros(b, 4);
        ofp_buf_put_be64(b, insts->metadata);
        ofp_buf_put_be64(b, insts->metadata_mask);
    }
    if (!error && p & inst_bit__(OFPIT_GOTO_TABLE)) {
        ofp_buf_put_be16(b, OFPIT_GOTO_TABLE);
        ofp_buf_put_be16(b, sizeof(struct ofp13_instruction_goto_table));
        ofp_buf_put_u8(b, insts->goto_table);
        ofp_buf_put_zeros(b, 3);
    }
    if (error) {
        b->size = start;
    }
    return error;
}

/* Returns the length an instruction of 'type' must have (for the action
 * instructions, the minimum), or 0 if 'type' is not an OpenFlow 1.3
 * instruction. */
static size_t
inst_len__(uint16_t type)
{
    switch (type) {
    case OFPIT_GOTO_TABLE:
        return sizeof(struct ofp13_instruction_goto_table);
    case OFPIT_WRITE_METADATA:
        return sizeof(struct ofp13_instruction_write_metadata);
    case OFPIT_WRITE_ACTIONS:
    case OFPIT_APPLY_ACTIONS:
    case OFPIT_CLEAR_ACTIONS:
        return sizeof(struct ofp13_instruction_actions);
    case OFPIT_METER:
        return sizeof(struct ofp13_instruction_meter);
    default:
        return 0;
    }
}

/* Decodes the contents of the instruction of 'type' whose 'len' bytes are
 * at 'p' into 'insts'. */
static int
decode_inst__(uint16_t type, const uint8_t *p, size_t len,
              struct ofp_instructions *insts)
{
    struct ofp_buf v;

    switch (type) {
    case OFPIT_GOTO_TABLE:
        insts->goto_table = p[4];
        if (insts->goto_table == OFPTT_ALL) {
            return OFPERR_OFPBIC_BAD_TABLE_ID;
        }
        return 0;
    case OFPIT_WRITE_METADATA:
        insts->metadata = ofp_get_be64(p + 8);
        insts->metadata_mask = ofp_get_be64(p + 16);
        return 0;
    case OFPIT_WRITE_ACTIONS:
    case OFPIT_APPLY_ACTIONS:
        ofp_buf_use_const(&v, p + 8, len - 8);
        return ofp_actions_decode(&v, len - 8,
                                  type == OFPIT_APPLY_ACTIONS ? &insts->apply
                                                              : &insts->write);
    case OFPIT_METER:
        insts->meter_id = ofp_get_be32(p + 4);
        return 0;
    default:
        return 0;
    }
}

/* Pulls all remaining bytes of view 'b' as instructions into 'insts', which
 * it initializes (so it must not hold allocated actions).  Like OVS, checks
 * every instruction's type, length and uniqueness before decoding any
 * contents.  Returns 0, or an ofperr with 'insts' empty and 'b'
 * as it was. */
int
ofp_instructions_decode(struct ofp_buf *b, struct ofp_instructions *insts)
{
    struct ofp_buf v = *b;
    uint32_t seen = 0;

    ofp_instructions_init(insts);
    if (v.size % 8) {
        return OFPERR_OFPBIC_BAD_LEN;
    }
    while (v.size) {
        const uint8_t *p = ofp_buf_at(&v, 0, 4);
        if (!p) {
            return OFPERR_OFPBIC_BAD_LEN;
        }
        uint16_t type = ofp_get_be16(p);
        size_t len = ofp_get_be16(p + 2);
        if (len < 8 || len % 8 || len > v.size) {
            return OFPERR_OFPBIC_BAD_LEN;
        }
        if (type == OFPIT_EXPERIMENTER) {
            return OFPERR_OFPBIC_BAD_EXPERIMENTER;
        }
        size_t want = inst_len__(type);
        if (!want) {
            return OFPERR_OFPBIC_UNKNOWN_INST;
        }
        bool has_actions =
            (type == OFPIT_WRITE_ACTIONS || type == OFPIT_APPLY_ACTIONS);
        if (has_actions ? len < want : len != want) {
            return OFPERR_OFPBIC_BAD_LEN;
        }
        if (seen & inst_bit__(type)) {
            return OFPERR_OFPBIC_UNSUP_INST;
        }
        seen |= inst_bit__(type);
        ofp_buf_try_pull(&v, len);
    }

    v = *b;
    while (v.size) {
        const uint8_t *p = v.data;
        uint16_t type = ofp_get_be16(p);
        size_t len = ofp_get_be16(p + 2);
        int error = decode_inst__(type, p, len, insts);
        if (error) {
            ofp_instructions_uninit(insts);
            return error;
        }
        ofp_buf_try_pull(&v, len);
    }
    insts->present = seen;
    *b = v;
    return 0;
}
