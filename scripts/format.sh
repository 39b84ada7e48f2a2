#!/bin/bash
# Reformats vifguard's C sources in place with clang-format and .clang-format:
# every *.c and *.h under ofp/ src/ tests/ bench/ include/ (the files that
# scripts/run-tests.sh checks), or only the files given as arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
    mapfile -t files < <(find ofp src tests bench include \
        \( -name '*.c' -o -name '*.h' \) -type f 2>/dev/null | sort)
else
    files=("$@")
fi
changed=0
for f in "${files[@]}"; do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        clang-format -i "$f"
        echo "formatted $f"
        changed=$((changed + 1))
    fi
done
echo "format.sh: $changed of ${#files[@]} files changed"
