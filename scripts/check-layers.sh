#!/usr/bin/env bash
# Checks pier's layering with dependency-cruiser (.dependency-cruiser.cjs): app → protocol
# only; server and cli → sandbox only through sandbox/index.ts; sandbox and protocol import
# nothing of the others. Prints each violation (rule: from → to) and exits non-zero on any.
set -uo pipefail
cd "$(dirname "$0")/.."
exec node node_modules/dependency-cruiser/bin/dependency-cruise.mjs --config .dependency-cruiser.cjs --output-type err app server sandbox cli protocol
