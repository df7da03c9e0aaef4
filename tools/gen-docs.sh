#!/usr/bin/env bash
# Regenerates the parameter table in docs/PARAMETERS.md (`fohd --list-params`) and the OSC address table in
# docs/OSC.md (`fohd --list-osc`) from the registry.
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
osc=$("$fohd" --list-osc)
awk -v table="$osc" '
  /<!-- osc:begin -->/ { print; print table; skip = 1; next }
  /<!-- osc:end -->/ { skip = 0 }
  !skip { print }' docs/OSC.md > docs/OSC.md.tmp
mv docs/OSC.md.tmp docs/OSC.md
echo "docs/OSC.md: $(printf '%s\n' "$osc" | wc -l) lines from the registry"
