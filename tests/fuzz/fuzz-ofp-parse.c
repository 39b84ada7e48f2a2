/* libFuzzer target: the ovs-ofctl-syntax flow parser (ofp/parse.c).
 *
 * The input is flow text.  It goes through ofp_flow_mod_parse() for add,
 * modify-strict and delete, and through ofp_match_parse() and
 * ofp_actions_parse() alone.  A flow_mod that parses must encode; its
 * encoding must decode, and the decoding is formatted.  Parsed matches and
 * actions are formatted too.  Nothing may crash or leak. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/buf.h"
#include "ofp/errors.h"
#include "ofp/msgs.h"
#include "ofp/print.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reports 'what' about flow text 's' and aborts. */
static void
die__(const char *s, const char *what, int error)
{
    fprintf(stderr, "fuzz-ofp-parse: \"%s\": %s: %s\n", s, what,
            ofp_strerror(error));
    abort();
}

/* Parses 's' as a flow_mod with 'command' and checks the round trip. */
static void
fuzz_flow_mod__(const char *s, uint8_t command)
{
    struct ofp_flow_mod fm;
    ofp_flow_mod_init(&fm);
    char *err = ofp_flow_mod_parse(s, command, &fm);
    if (err) {
        free(err);
        ofp_flow_mod_uninit(&fm);
        return;
    }

    struct ofp_buf b, text;
    ofp_buf_init(&b);
    ofp_buf_init(&text);
    ofp_flow_mod_format(&fm, &text);

    int error = ofp_flow_mod_encode(&fm, 1, &b);
    if (error) {
        die__(s, "parsed flow does not encode", error);
    }
    struct ofp_msg m;
    memset(&m, 0, sizeof m);
    error = ofp_msg_decode(b.data, b.size, &m);
    if (error) {
        die__(s, "encoded flow does not decode", error);
    }
    ofp_buf_clear(&text);
    ofp_msg_format(&m, &text);
    (void)ofp_buf_cstr(&text);

    ofp_msg_uninit(&m);
    ofp_buf_uninit(&text);
    ofp_buf_uninit(&b);
    ofp_flow_mod_uninit(&fm);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) {
        return 0;
    }
    memcpy(s, data, size);
    s[size] = '\0';

    fuzz_flow_mod__(s, OFPFC_ADD);
    fuzz_flow_mod__(s, OFPFC_MODIFY_STRICT);
    fuzz_flow_mod__(s, OFPFC_DELETE);

    struct ofp_buf text;
    ofp_buf_init(&text);

    struct ofp_match match;
    ofp_match_init(&match);
    char *err = ofp_match_parse(s, &match);
    if (!err) {
        ofp_match_format(&match, &text);
    }
    free(err);

    struct ofp_actions acts;
    ofp_actions_init(&acts);
    err = ofp_actions_parse(s, &acts);
    if (!err) {
        ofp_actions_format(&acts, &text);
    }
    free(err);
    ofp_actions_uninit(&acts);

    ofp_buf_uninit(&text);
    free(s);
    return 0;
}
