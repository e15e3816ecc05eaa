#!/usr/bin/env bash
# The VM suite: boots a Debian guest with systemd and pure cgroup v2 under QEMU (KVM where it
# works, TCG otherwise), runs pier's setup and test/vm/*.test.ts inside, and prints the
# guest's results and timings; the last line is "N passed, N failed" like scripts/test.sh.
# Usage: scripts/vm/run.sh [--suite bookworm|trixie] [--bench] [--keep]   (PIER_VM_NICE=10 to be
# polite; PIER_VM_ONLY=regex runs only matching test files; PIER_RUNTIME=runc|crun forces one)
set -uo pipefail
# The whole run is one function, read before it starts: editing this file meanwhile is safe.
main() {
cd "$(dirname "$0")/../.."
root=$PWD

suite=bookworm; keep=0; bench=0
while [ $# -gt 0 ]; do
  case "$1" in
    --suite) suite=$2; shift 2 ;;
    --trixie) suite=trixie; shift ;;
    --keep) keep=1; shift ;;
    --bench) bench=1; shift ;;
    *) echo "usage: scripts/vm/run.sh [--suite bookworm|trixie] [--bench] [--keep]" >&2; exit 2 ;;
  esac
done

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
say() { printf '== vm: %s\n' "$*"; }
# A failure before the guest reports is one failed test, never a skip.
fail() { say "FAILED: $*"; echo "0 passed, 1 failed"; exit 1; }
t0=$(now)
nice_cmd=(nice -n "${PIER_VM_NICE:-0}")

[ "$(id -u)" = 0 ] || fail "run as root (the guest image is built with mmdebstrap --mode=root)"
if ! command -v qemu-system-x86_64 >/dev/null; then
  say "installing qemu-system-x86"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-system-x86 >/dev/null || fail "cannot install qemu-system-x86"
fi

t=$(now)
guest=$("${nice_cmd[@]}" bash scripts/vm/guest-image.sh "$suite" | tail -1) || fail "the guest image did not build"
t_guest=$(since "$t")

# The server build (dist/) the guest runs; the UI build is not needed there.
t=$(now)
if [ ! -f dist/cli/main.js ] || [ -n "$(find cli sandbox server protocol test -name '*.ts' -newer dist/cli/main.js -print -quit)" ]; then
  say "building dist/ (tsc)"
  "${nice_cmd[@]}" npx tsc -p tsconfig.server.json || fail "tsc failed"
  touch dist/cli/main.js
fi
# The sandbox image, built on the host (cached), shipped as a read-only ext4 disk.
image_json=$(node bin/pier image build --json 2>/dev/null) || fail "pier image build failed on the host"
read -r image_id set_id < <(node -e 'const j = JSON.parse(process.argv[1]); console.log(j.id, j.imageSet.id)' "$image_json") || fail "no image ids in: $image_json"
# One ext4 disk per directory, cached by id: made once per image (a few seconds).
disk_of() { # label source-dir disk [files…]: only the named files when given
  local label=$1 src=$2 disk=$3; shift 3
  [ -f "$disk" ] && return 0
  say "making the $label disk from $src"
  mkdir -p "$(dirname "$disk")"
  local from=$src
  if [ $# -gt 0 ]; then
    from=$disk.stage; rm -rf "$from"; mkdir -p "$from"
    for f in "$@"; do cp -al "$src/$f" "$from/" 2>/dev/null || cp -a "$src/$f" "$from/"; done
  fi
  local size_mb=$(( $(du -sm "$from" | cut -f1) * 3 / 2 + 256 ))
  mkfs.ext4 -q -L "$label" -d "$from" "$disk.tmp" "${size_mb}M" && mv "$disk.tmp" "$disk"
  local rc=$?
  [ "$from" = "$src" ] || rm -rf "$from"
  return $rc
}
image_disk=/var/lib/pier/vm/images/$image_id.img
set_disk=/var/lib/pier/vm/images/set-$set_id.img
disk_of pierimg "/var/lib/pier/images/$image_id" "$image_disk" || fail "mkfs.ext4 of the sandbox image failed"
# The docker image set holds store.img (mounted at mnt/ on the host: not copied through it).
disk_of pierset "/var/lib/pier/container-images/$set_id" "$set_disk" image-set.json store.img || fail "mkfs.ext4 of the docker image set failed"
t_image=$(since "$t")

# The checkout: hard links into a staging tree (no copy), then one ext4 image of it.
t=$(now)
work=$(mktemp -d /var/lib/pier/vm/run.XXXXXX)
cleanup() { [ "$keep" = 1 ] && say "kept $work" || rm -rf "$work"; }
trap cleanup EXIT
stage=$work/checkout
mkdir -p "$stage/.vm/bin"
for d in bin cli dist lessons node_modules protocol sandbox scripts server test package.json package-lock.json tsconfig.json tsconfig.server.json; do
  [ -e "$d" ] && { cp -al "$d" "$stage/" 2>/dev/null || cp -a "$d" "$stage/"; }
done
cp -L "$(command -v node)" "$stage/.vm/bin/node"
printf 'PIER_VM_IMAGE=%s\nPIER_VM_IMAGE_SET=%s\nCI=%s\nPIER_VM_ONLY=%q\nPIER_RUNTIME=%q\nPIER_VM_BENCH=%s\n' "$image_id" "$set_id" "${CI:-}" "${PIER_VM_ONLY:-}" "${PIER_RUNTIME:-}" "$bench" > "$stage/.vm/env"
size_mb=$(( $(du -sm "$stage" | cut -f1) * 3 / 2 + 512 ))
mkfs.ext4 -q -L piersrc -d "$stage" "$work/checkout.img" "${size_mb}M" || fail "mkfs.ext4 of the checkout failed"
rm -rf "$stage"
mkfs.ext4 -q -L pierout "$work/out.img" 64M || fail "mkfs.ext4 of the results disk failed"
t_disks=$(since "$t")

# KVM where it really runs a guest (a nested machine may open /dev/kvm and hang), else TCG.
accel_file=/var/lib/pier/vm/accel-$(uname -r)-$(qemu-system-x86_64 --version | awk 'NR==1 {print $4}')
if [ ! -f "$accel_file" ]; then
  accel=tcg
  if [ -w /dev/kvm ]; then
    say "trying KVM"
    if timeout 20 qemu-system-x86_64 -accel kvm -cpu host -m 256 -nodefaults -display none -serial stdio -no-reboot \
        -kernel "$guest/vmlinuz" -append "console=ttyS0 panic=-1 init=/nonexistent" 2>/dev/null | grep -q -m1 'Linux version'; then
      accel=kvm
    fi
  fi
  echo "$accel" > "$accel_file"
fi
accel=$(cat "$accel_file")
case "$accel" in
  kvm) accel_args=(-accel kvm -cpu host) ;;
  *) accel_args=(-accel tcg,thread=multi -cpu max) ;;
esac

say "booting Debian $suite ($accel, 2 CPUs, 3 GiB)"
t=$(now)
serial=$work/serial.log
# -nic user: the guest may reach Debian's mirror (setup's apt-get), nothing else is addressed.
timeout "${PIER_VM_TIMEOUT:-1500}" "${nice_cmd[@]}" qemu-system-x86_64 "${accel_args[@]}" -smp 2 -m 3072 \
  -nodefaults -display none -serial stdio -no-reboot \
  -kernel "$guest/vmlinuz" -initrd "$guest/initrd.img" \
  -append "console=ttyS0 root=LABEL=pierroot rw panic=-1 mitigations=off quiet systemd.show_status=0" \
  -drive "file=$guest/root.img,if=virtio,format=raw,cache=unsafe,snapshot=on" \
  -drive "file=$work/checkout.img,if=virtio,format=raw,cache=unsafe" \
  -drive "file=$image_disk,if=virtio,format=raw,cache=unsafe,snapshot=on" \
  -drive "file=$set_disk,if=virtio,format=raw,cache=unsafe,snapshot=on" \
  -drive "file=$work/out.img,if=virtio,format=raw,cache=writeback" \
  -nic user,model=virtio-net-pci -device virtio-rng-pci </dev/null 2>&1 | tee "$serial" | sed -u 's/\r$//'
qemu_rc=${PIPESTATUS[0]}
t_vm=$(since "$t")
[ "$qemu_rc" = 124 ] && say "the guest ran past PIER_VM_TIMEOUT=${PIER_VM_TIMEOUT:-1500} s and was stopped"

result() { debugfs -R "cat /$1" "$work/out.img" 2>/dev/null; }
summary=$(result summary | tail -1)
say "guest: $(result host)"
say "timings: guest image ${t_guest} s, sandbox image ${t_image} s, disks ${t_disks} s, VM ${t_vm} s (in the guest: $(result timings | tr '\n' ' ')), total $(since "$t0") s"
if [ "$bench" = 1 ]; then
  for rt in runc crun; do result "bench-$rt.json" > "$work/bench-$rt.json"; done
  node -e '
    const fs = require("fs");
    const r = Object.fromEntries(["runc", "crun"].map((n) => { try { return [n, JSON.parse(fs.readFileSync(process.argv[1] + "/bench-" + n + ".json", "utf8"))]; } catch { return [n, null]; } }));
    const ms = (x) => x.toFixed(0).padStart(6) + " ms";
    console.log("== vm: cold start in the guest (create → first byte; p50 / p95 of " + (r.runc?.runs ?? "?") + " runs each)");
    for (const k of ["coldStart", "create", "exec", "teardown"]) {
      if (!r.runc || !r.crun) break;
      console.log("   " + k.padEnd(10) + "  runc " + ms(r.runc[k].p50) + " / " + ms(r.runc[k].p95) + "   crun " + ms(r.crun[k].p50) + " / " + ms(r.crun[k].p95) + "   runc/crun p50 " + (r.runc[k].p50 / r.crun[k].p50).toFixed(2) + "×");
    }
    if (!r.runc || !r.crun) console.log("== vm: bench results missing (runc " + !!r.runc + ", crun " + !!r.crun + ")");
  ' "$work"
fi
if ! [[ "$summary" =~ ^[0-9]+\ passed,\ [0-9]+\ failed$ ]]; then
  fail "the guest reported no results (qemu exit $qemu_rc; serial log above)"
fi
grep -q cgroup2fs <<<"$(result host)" || fail "the guest did not run on cgroup v2: $(result host)"
say "ran on cgroup v2 (Debian $suite, systemd): $summary"
echo "$summary"
[[ "$summary" =~ \ 0\ failed$ ]]
}

main "$@"
