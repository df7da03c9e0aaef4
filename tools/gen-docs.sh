#!/usr/bin/env bash
# Regenerates the parameter table in docs/PARAMETERS.md from the registry (`fohd --list-params`).
# Usage: tools/gen-docs.sh [path/to/fohd]   (default: build/control/fohd)
set -euo pipefail
cd "$(dirname "$0")/.."
fohd=${1:-build/control/fohd}
table=$("$fohd" --list-params)
python_free_replace() {
  awk -v table="$table" '
    /<!-- registry:begin -->/ { print; print table; skip = 1; next }
    /<!-- registry:end -->/ { skip = 0 }
    !skip { print }' docs/PARAMETERS.md > docs/PARAMETERS.md.tmp
  mv docs/PARAMETERS.md.tmp docs/PARAMETERS.md
}
python_free_replace
echo "docs/PARAMETERS.md: $(printf '%s\n' "$table" | wc -l) lines from the registry"
