#!/usr/bin/env bash
# Runs inside the VM suite's guest (from pier-vm-boot, as root): pier's setup as on a fresh
# host, `pier doctor`, then test/vm/*.test.ts with node's test runner. Writes `summary`
# ("N passed, N failed"), `host` (what the guest is) and `timings` to the results dir $1.
set -uo pipefail
out=$1
cd /opt/pier
mount -o remount,rw /opt/pier
# shellcheck source=/dev/null
set -a; . .vm/env; set +a
export PATH=/opt/pier/.vm/bin:$PATH HOME=/root CI=${CI:-} NO_COLOR=1
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
t0=$(now)

. /etc/os-release
cgroupfs=$(stat -fc %T /sys/fs/cgroup)
echo "$PRETTY_NAME, kernel $(uname -r), systemd $(systemctl --version | awk 'NR==1 {print $2}'), /sys/fs/cgroup: $cgroupfs, $(nproc) CPUs, booted in $(awk '{print $1}' /proc/uptime) s" | tee "$out/host"
echo "== pier-vm: $(cat "$out/host")"

# The sandbox image the host built, shipped as an ext4 disk (a snapshot: the guest's writes,
# such as the idmapped views pier mounts beside the rootfs, never reach the host's file).
mkdir -p "/var/lib/pier/images/$PIER_VM_IMAGE"
mount -L pierimg "/var/lib/pier/images/$PIER_VM_IMAGE" || echo "== pier-vm: no sandbox image disk"
# The docker image set (its store.img is loop-mounted by pier as on any host).
mkdir -p "/var/lib/pier/container-images/$PIER_VM_IMAGE_SET"
mount -L pierset "/var/lib/pier/container-images/$PIER_VM_IMAGE_SET" || echo "== pier-vm: no docker image set disk"

t=$(now)
echo "== pier-vm: setup (scripts/setup.sh, the build shipped from the host)"
PIER_SETUP_PREBUILT=1 bash scripts/setup.sh
setup_rc=$?
echo "setup $(since "$t") s rc=$setup_rc" >> "$out/timings"

echo "== pier-vm: pier doctor"
node bin/pier doctor || true

t=$(now)
log=$(mktemp)
# From the host's dist/ build: plain node, no transpiling at run time (tsx costs ~45 s here).
# PIER_VM_ONLY=regex picks test files (while developing); the suite runs them all.
mapfile -t files < <(find test/vm -name '*.test.ts' | sort | grep -E "${PIER_VM_ONLY:-.}" | sed 's|^|dist/|; s|\.ts$|.js|')
# A heartbeat on the console each minute: a slow test shows where it is, not silence.
( while sleep 60; do
    ended=$(journalctl -q --no-pager -o cat _PID=1 2>/dev/null | grep -c 'pier-[0-9a-f]*\.scope: Deactivated')
    echo "== pier-vm: heartbeat load $(cut -d' ' -f1-3 /proc/loadavg), $(ls /var/lib/pier/sandboxes 2>/dev/null | wc -l) sandboxes now, $ended sandbox scopes ended so far"
  done ) &
beat=$!
echo "== pier-vm: test/vm (${#files[@]} files)"
# A file may take 20 minutes: under TCG on a loaded 2-core host the 50 teardown cycles took 603 s
# (the 10-minute limit cancelled them; each file's own tests carry their real limits).
node --enable-source-maps --test --test-concurrency=1 --test-timeout=1200000 --test-reporter=spec "${files[@]}" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
kill "$beat" 2>/dev/null
echo "tests $(since "$t") s rc=$rc" >> "$out/timings"
count() { grep -E "^ℹ $1 [0-9]+" "$log" | tail -1 | awk '{print $3}'; }
p=$(count pass); f=$(count fail); s=$(count skipped); c=$(count cancelled)
p=${p:-0}; f=${f:-0}; s=${s:-0}; c=${c:-0}
# No skip counts as a pass here: every test of this suite exists to run on this host kind.
f=$((f + s + c))
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "== pier-vm: the test runner exited $rc"; fi
if [ "$setup_rc" -ne 0 ]; then f=$((f + 1)); echo "== pier-vm: setup failed (counted as a failure)"; fi
# --bench: cold start with runc and with crun side by side, same guest, same run.
if [ "${PIER_VM_BENCH:-}" = 1 ]; then
  for rt in runc crun; do
    echo "== pier-vm: pier bench sandbox with $rt"
    t=$(now)
    PIER_RUNTIME=$rt node bin/pier bench sandbox --runs "${PIER_VM_BENCH_RUNS:-20}" --json > "$out/bench-$rt.json" || echo "== pier-vm: bench with $rt failed"
    echo "bench-$rt $(since "$t") s" >> "$out/timings"
  done
fi
echo "$p passed, $f failed" > "$out/summary"
echo "guest $(since "$t0") s" >> "$out/timings"
echo "== pier-vm: $(cat "$out/summary")"
