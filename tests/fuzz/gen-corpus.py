#!/usr/bin/env python3
"""Regenerates the fuzzers' seed corpora in tests/fuzz/corpus/ from the
golden vectors.

Usage: tests/fuzz/gen-corpus.py BUILD_DIR

BUILD_DIR is a build tree holding tests/golden/vectors.  Writes:
  fuzz-ofp-decode/     every vector (one message each), plus a few message
                       sequences: a connection start, a multipart reply in
                       two parts, parts of two different replies, and a
                       batch of flow_mods followed by a barrier
  fuzz-ofp-roundtrip/  every vector
  fuzz-ofp-parse/      the flow_mod vectors as flow text (vectors --flows)
                       and the hand-written flows of tests/fuzz/flows.txt
Existing files in those directories are removed first.  Run it after
changing the vectors and commit the result.
"""

import pathlib
import shutil
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
SKIP = {"act_output_flood", "act_output_all", "act_output_in_port",
        "act_output_local"}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    vectors_bin = pathlib.Path(sys.argv[1]) / "tests" / "golden" / "vectors"
    # Exit status 1 only means that some vector failed its round trip; the
    # vectors printed are still good seeds.
    out = subprocess.run([str(vectors_bin)], capture_output=True,
                         text=True).stdout
    vectors = {}
    for line in out.splitlines():
        name, _, hexstr = line.partition(" ")
        vectors[name] = bytes.fromhex(hexstr)
    flows = subprocess.run([str(vectors_bin), "--flows"], capture_output=True,
                           text=True).stdout.splitlines()
    if not out or not flows:
        sys.exit(f"{vectors_bin} printed nothing")

    dirs = {t: CORPUS / t for t in ("fuzz-ofp-decode", "fuzz-ofp-roundtrip",
                                    "fuzz-ofp-parse")}
    for d in dirs.values():
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)

    for name, data in vectors.items():
        if name in SKIP or any(name.startswith(f"oxm_reg{r}") for r in
                               range(1, 15)):
            continue            # Repetitive: keeps each corpus ~200 files.
        (dirs["fuzz-ofp-decode"] / name).write_bytes(data)
        (dirs["fuzz-ofp-roundtrip"] / name).write_bytes(data)

    sequences = {
        "seq_connection_start": ["hello_of13", "features_reply",
                                 "echo_request", "port_status_add",
                                 "mp_reply_port_desc", "barrier_reply"],
        "seq_mp_reply_two_parts": ["mp_reply_flow_more",
                                   "mp_reply_flow_last"],
        "seq_mp_reply_mismatch": ["mp_reply_flow_more", "mp_reply_meter",
                                  "mp_reply_flow_more", "mp_reply_aggregate"],
        "seq_flow_mods_barrier": ["xs_dhcp", "xs_arp", "xs_ipv4",
                                  "xs_nd_ns", "xs_nd_na", "xs_drop_rest",
                                  "barrier_request"],
        "seq_bundle": ["bundle13_open_request", "bundle13_add_flow_mod",
                       "bundle13_commit_request", "bundle13_commit_reply",
                       "error_bundle_msg_failed"],
    }
    for name, parts in sequences.items():
        data = b"".join(vectors[p] for p in parts if p in vectors)
        (dirs["fuzz-ofp-decode"] / name).write_bytes(data)

    texts = list(dict.fromkeys(
        flows + (HERE / "flows.txt").read_text().splitlines()))
    for i, text in enumerate(texts):
        (dirs["fuzz-ofp-parse"] / f"flow-{i:03d}").write_text(text)

    for t, d in dirs.items():
        print(f"{t}: {len(list(d.iterdir()))} files")


if __name__ == "__main__":
    main()
