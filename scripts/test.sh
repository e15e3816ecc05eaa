#!/usr/bin/env bash
# Runs pier's test suites with node's test runner and prints, as its last line, the total
# over all of them: "N passed, N failed". Usage: scripts/test.sh [unit|integration|security|e2e|vm]…
# `vm` boots a Debian guest with systemd and cgroup v2 (scripts/vm/run.sh) and counts its tests.
set -uo pipefail
cd "$(dirname "$0")/.."

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(unit integration security e2e vm)

files_of() {
  case "$1" in
    unit) find sandbox server protocol cli app -name '*.test.ts' -not -path '*/node_modules/*' 2>/dev/null | sort ;;
    e2e) find e2e -name '*.test.ts' 2>/dev/null | sort ;;
    *) find "test/$1" -name '*.test.ts' 2>/dev/null | sort ;;
  esac
}

pass=0; fail=0; status=0
summary_file=${PIER_TEST_SUMMARY:-/tmp/pier-test-summary}
# The VM suite runs inside a guest; its runner prints the guest's "N passed, N failed" last.
# A guest that does not boot or report is a failure (the runner says 1 failed), never a skip.
run_vm() {
  echo "== vm (Debian guest, systemd, cgroup v2)"
  log=$(mktemp)
  bash scripts/vm/run.sh 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]} line p f
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
  p=$(awk '{print $1}' <<<"${line:-0 passed, 1 failed}"); f=$(awk '{print $3}' <<<"${line:-0 passed, 1 failed}")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "== vm: the runner exited $rc"; fi
  pass=$((pass + p)); fail=$((fail + f))
  [ "$f" -eq 0 ] || status=1
  rm -f "$log"
}

# The layering check (scripts/check-layers.sh) opens the unit suite and counts as one test.
run_layers() {
  echo "== layers (dependency-cruiser)"
  if bash scripts/check-layers.sh; then pass=$((pass + 1)); else fail=$((fail + 1)); status=1; echo "== layers: a layer boundary is crossed (see above)"; fi
}

for suite in "${suites[@]}"; do
  if [ "$suite" = vm ]; then run_vm; continue; fi
  if [ "$suite" = unit ]; then run_layers; fi
  mapfile -t files < <(files_of "$suite")
  if [ ${#files[@]} -eq 0 ]; then echo "== $suite: no test files"; continue; fi
  echo "== $suite (${#files[@]} files)"
  log=$(mktemp)
  # One file at a time for suites that start real sandboxes: a 2-core machine.
  node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  p=$(grep -E '^ℹ pass [0-9]+' "$log" | tail -1 | awk '{print $3}')
  f=$(grep -E '^ℹ fail [0-9]+' "$log" | tail -1 | awk '{print $3}')
  s=$(grep -E '^ℹ skipped [0-9]+' "$log" | tail -1 | awk '{print $3}')
  c=$(grep -E '^ℹ cancelled [0-9]+' "$log" | tail -1 | awk '{print $3}')
  p=${p:-0}; f=${f:-0}; s=${s:-0}; c=${c:-0}
  # A skip in CI hides an untested defense: count it as a failure there.
  if [ "${CI:-}" = true ] && [ "$s" -gt 0 ]; then echo "== $suite: $s skipped test(s) count as failed in CI"; f=$((f + s)); fi
  f=$((f + c))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "== $suite: the test runner exited $rc"; fi
  pass=$((pass + p)); fail=$((fail + f))
  [ "$f" -eq 0 ] || status=1
  rm -f "$log"
done
line="$pass passed, $fail failed"
echo "$line" > "$summary_file"
echo "$line"
exit $status
