#!/usr/bin/env bash
# Installs whatever pier needs and is missing, then builds: Debian packages (apt), node
# modules, the TypeScript build and the sandbox image. Safe to run again: each step is
# skipped when its result is already there. Run as root on Debian 12/13 or Ubuntu 24.04.
# PIER_SETUP_PREBUILT=1: the checkout comes built (dist/) from another machine, as in the VM
# suite's guest: no build and no browser (only the e2e suite needs chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1mpier setup:\033[0m %s\n' "$*"; }

if [ "$(id -u)" != 0 ]; then
  echo "pier setup: run as root (pier creates namespaces, cgroups, mounts and bridges)." >&2
  exit 1
fi

# Host tools, by the command each package provides.
declare -A NEED=(
  [runc]=runc [mmdebstrap]=mmdebstrap [newuidmap]=uidmap [nft]=nftables [ip]=iproute2
  [mkfs.ext4]=e2fsprogs [losetup]=mount [catatonit]=catatonit [chromium]=chromium
  [unshare]=util-linux [nsenter]=util-linux [cc]=gcc [sysctl]=procps
  # The host image mirror (server/mirror/): the registry itself, and the copy tool that
  # preloads it with the offline image set.
  [docker-registry]=docker-registry [skopeo]=skopeo
  # Tests: the proxy-trust suite runs a real nginx on loopback; the service unit is checked
  # with systemd-analyze (Debian's systemd package; safe without systemd as PID 1: only
  # systemd-sysv makes it the init).
  [nginx]=nginx [systemd-analyze]=systemd
)
[ "${PIER_SETUP_PREBUILT:-}" != 1 ] || unset 'NEED[chromium]' 'NEED[nginx]' 'NEED[systemd-analyze]'
missing=()
for cmd in "${!NEED[@]}"; do command -v "$cmd" >/dev/null 2>&1 || missing+=("${NEED[$cmd]}"); done
# The seccomp profile pier translates for every sandbox.
[ -f /usr/share/containers/seccomp.json ] || missing+=(golang-github-containers-common)
# A static busybox for the spec test's minimal root filesystem.
dpkg-query -W -f="\${Status}" busybox-static 2>/dev/null | grep -q "ok installed" || missing+=(busybox-static)
# The static bash every lesson script runs under, bound read-only into each sandbox (/.pier).
dpkg-query -W -f="\${Status}" bash-static 2>/dev/null | grep -q "ok installed" || missing+=(bash-static)
# Korean glyphs for the browser suite and `npm run screenshots` (Chromium shows boxes without).
[ "${PIER_SETUP_PREBUILT:-}" = 1 ] || dpkg-query -W -f="\${Status}" fonts-noto-cjk 2>/dev/null | grep -q "ok installed" || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # No package may start a daemon (nginx's postinst would take port 80): policy-rc.d says no.
  policy=/usr/sbin/policy-rc.d; own_policy=
  [ -e "$policy" ] || { printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod 755 "$policy"; own_policy=1; }
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || { [ -z "$own_policy" ] || rm -f "$policy"; exit 1; }
  [ -z "$own_policy" ] || rm -f "$policy"
fi

# A stamp records what produced a step's result (a hash of its inputs); a step whose stamp
# matches is current and skipped, so a second `npm start` goes straight to serving.
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }
# What the build reads (tsc compiles test/ and e2e/ too), by content. Edits count before
# they are committed.
BUILD_INPUTS=(app server protocol cli sandbox e2e test next.config.mjs postcss.config.mjs tsconfig.json tsconfig.server.json package.json package-lock.json)
source_hash() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # Content of committed files by their blob ids, then files changed or new since.
    { git ls-files -s -- "${BUILD_INPUTS[@]}"
      git ls-files -m -o --exclude-standard -z -- "${BUILD_INPUTS[@]}" | xargs -0r sha256sum 2>/dev/null || true
    } | sha256sum | cut -c1-64
  else
    find "${BUILD_INPUTS[@]}" -type f -not -path '*/node_modules/*' -print0 2>/dev/null | sort -z | xargs -0r sha256sum | sha256sum | cut -c1-64
  fi
}

# A prebuilt checkout (the VM suite's guest) brings its node modules; there is no npm there.
if [ "${PIER_SETUP_PREBUILT:-}" = 1 ]; then
  [ -d node_modules ] || { echo "pier setup: PIER_SETUP_PREBUILT=1 but no node_modules/" >&2; exit 1; }
else
  # `npm ci` against the committed lock (complete: it lists every platform's optional
  # packages), so an install never rewrites package-lock.json.
  lock_hash=$(sha256sum package-lock.json | cut -c1-64)
  if stamp_ok node_modules/.pier-lock-hash "$lock_hash"; then
    say "node modules current (lock $(cut -c1-12 <<<"$lock_hash"))"
  else
    say "installing node modules (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$lock_hash" > node_modules/.pier-lock-hash
  fi
fi

if [ "${PIER_SETUP_PREBUILT:-}" = 1 ]; then
  [ -f dist/cli/main.js ] || { echo "pier setup: PIER_SETUP_PREBUILT=1 but no dist/ build" >&2; exit 1; }
  say "build shipped with the checkout (PIER_SETUP_PREBUILT=1)"
else
  src_hash=$(source_hash)
  if [ -f dist/cli/main.js ] && [ -f .next/BUILD_ID ] && stamp_ok dist/.pier-source-hash "$src_hash"; then
    say "build current (sources $(cut -c1-12 <<<"$src_hash"))"
  else
    say "building (server and UI)"
    export NEXT_TELEMETRY_DISABLED=1
    rm -f dist/.pier-source-hash
    npm run --silent build
    echo "$src_hash" > dist/.pier-source-hash
  fi
fi

# The native helpers (sandbox/native/), each rebuilt when its source is newer.
bash scripts/build-native.sh

# Host totals of the per-user kernel counters, sized for the configured uidRanges (no
# systemd here to read /etc/sysctl.d at boot: applied now, and again by every setup run).
node bin/pier doctor --sysctl > /etc/sysctl.d/60-pier.conf.tmp
if ! cmp -s /etc/sysctl.d/60-pier.conf.tmp /etc/sysctl.d/60-pier.conf; then
  say "sysctl drop-in /etc/sysctl.d/60-pier.conf"
  mv /etc/sysctl.d/60-pier.conf.tmp /etc/sysctl.d/60-pier.conf
else
  rm -f /etc/sysctl.d/60-pier.conf.tmp
fi
# user.* totals need CAP_SYS_RESOURCE, which some container hosts withhold: pier doctor
# then says which limit is short.
sysctl -q -p /etc/sysctl.d/60-pier.conf 2>/dev/null || say "some sysctls could not be set; see pier doctor"

say "sandbox image"
node bin/pier image build
