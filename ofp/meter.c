/* METER_MOD and meter bands.
 *
 * A METER_MOD is the 8-byte ofp13_meter_mod followed by bands, each 16
 * bytes: OFPMBT_DROP or OFPMBT_DSCP_REMARK (whose byte 12 is prec_level).
 * Encoder and decoder apply the same checks: command ADD/MODIFY/DELETE else
 * OFPMMFC_BAD_COMMAND; flags within KBPS|PKTPS|BURST|STATS and not both
 * KBPS and PKTPS (as OVS) else OFPMMFC_BAD_FLAGS; a band whose length field
 * is not 16 or whose type is not DROP or DSCP_REMARK is OFPMMFC_BAD_BAND
 * (OVS 3.1 answers OFPBRC_BAD_LEN for the former); a band cut short by the
 * end of the message is OFPBRC_BAD_LEN.  Rates, burst sizes and meter ids
 * are left for the switch to judge. */
#include <config.h>

#include <stdlib.h>

#include "ofp/group-private.h"
#include "ofp/msgs.h"

#define OFPMF13_ALL (OFPMF_KBPS | OFPMF_PKTPS | OFPMF_BURST | OFPMF_STATS)

/* Frees the bands of 'mm' and zeroes it.  Accepts NULL. */
void
ofp_meter_mod_uninit(struct ofp_meter_mod *mm)
{
    if (mm) {
        free(mm->bands);
        memset(mm, 0, sizeof *mm);
    }
}

/* Checks a METER_MOD's 'command' and 'flags'.  Returns 0 or an ofperr. */
static int
check_command_and_flags__(uint16_t command, uint16_t flags)
{
    if (command > OFPMC_DELETE) {
        return OFPERR_OFPMMFC_BAD_COMMAND;
    }
    if (flags & ~OFPMF13_ALL || (flags & OFPMF_KBPS && flags & OFPMF_PKTPS)) {
        return OFPERR_OFPMMFC_BAD_FLAGS;
    }
    return 0;
}

static bool
band_type_is_valid__(uint16_t type)
{
    return type == OFPMBT_DROP || type == OFPMBT_DSCP_REMARK;
}

/* Appends 'mm' as a METER_MOD with 'xid' to 'b'.  Returns 0 or an ofperr
 * (see the top of the file; OFPBRC_BAD_LEN if the message would exceed 65535
 * bytes), in which case nothing is appended. */
int
ofp_meter_mod_encode(const struct ofp_meter_mod *mm, uint32_t xid,
                     struct ofp_buf *b)
{
    int error = check_command_and_flags__(mm->command, mm->flags);
    if (error) {
        return error;
    }
    if (mm->n_bands >
        (OFP_MAX_MSG_LEN - OFP_HEADER_LEN - sizeof(struct ofp13_meter_mod)) /
            sizeof(struct ofp13_meter_band)) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    for (size_t i = 0; i < mm->n_bands; i++) {
        if (!band_type_is_valid__(mm->bands[i].type)) {
            return OFPERR_OFPMMFC_BAD_BAND;
        }
    }

    size_t start = ofp_msg_start(b, OFP13_VERSION, OFPT_METER_MOD, xid);
    ofp_buf_put_be16(b, mm->command);
    ofp_buf_put_be16(b, mm->flags);
    ofp_buf_put_be32(b, mm->meter_id);
    for (size_t i = 0; i < mm->n_bands; i++) {
        const struct ofp_meter_band *band = &mm->bands[i];

        ofp_buf_put_be16(b, band->type);
        ofp_buf_put_be16(b, sizeof(struct ofp13_meter_band));
        ofp_buf_put_be32(b, band->rate);
        ofp_buf_put_be32(b, band->burst_size);
        ofp_buf_put_u8(
            b, (band->type == OFPMBT_DSCP_REMARK ? band->prec_level : 0));
        ofp_buf_put_zeros(b, 3);
    }
    ofp_msg_finish(b, start);
    return 0;
}

/* Decodes METER_MOD 'msg' ('len' bytes) into 'mm', which it initializes.
 * Returns 0 or an ofperr (see the top of the file), in which case 'mm' is
 * left zeroed. */
int
ofp_meter_mod_decode(const void *msg, size_t len, struct ofp_meter_mod *mm)
{
    struct ofp_buf body;
    const uint8_t *p;

    memset(mm, 0, sizeof *mm);
    int error = ofp_msg_body__(msg, len, OFPK_METER_MOD, &body);
    if (error) {
        return error;
    }
    p = ofp_buf_try_pull(&body, sizeof(struct ofp13_meter_mod));
    if (!p) {
        return OFPERR_OFPBRC_BAD_LEN;
    }
    mm->command = ofp_get_be16(p);
    mm->flags = ofp_get_be16(p + 2);
    mm->meter_id = ofp_get_be32(p + 4);
    error = check_command_and_flags__(mm->command, mm->flags);
    if (error) {
        return error;
    }

    size_t max_bands = body.size / sizeof(struct ofp13_meter_band) + 1;
    mm->bands = ofp_xcalloc(max_bands, sizeof *mm->bands);
    while (body.size) {
        /* Judge the band's own length before the message's. */
        p = ofp_buf_at(&body, 0, 4);
        if (p && ofp_get_be16(p + 2) != sizeof(struct ofp13_meter_band)) {
            error = OFPERR_OFPMMFC_BAD_BAND;
            break;
        }
        p = ofp_buf_try_pull(&body, sizeof(struct ofp13_meter_band));
        if (!p) {
            error = OFPERR_OFPBRC_BAD_LEN;
            break;
        }

        struct ofp_meter_band *band = &mm->bands[mm->n_bands++];
        band->type = ofp_get_be16(p);
        if (!band_type_is_valid__(band->type)) {
            error = OFPERR_OFPMMFC_BAD_BAND;
            break;
        }
        band->rate = ofp_get_be32(p + 4);
        band->burst_size = ofp_get_be32(p + 8);
        band->prec_level = band->type == OFPMBT_DSCP_REMARK ? p[12] : 0;
    }
    if (error) {
        ofp_meter_mod_uninit(mm);
    }
    return error;
}
