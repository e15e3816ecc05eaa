#!/usr/bin/env bash
# Installs whatever pier needs and is missing, then builds: Debian packages (apt), node
# modules, the TypeScript build and the sandbox image. Safe to run again: each step is
# skipped when its result is already there. Run as root on Debian 12 or Ubuntu 24.04.
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
)
[ "${PIER_SETUP_PREBUILT:-}" != 1 ] || unset 'NEED[chromium]'
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
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# A prebuilt checkout (the VM suite's guest) brings its node modules; there is no npm there.
if [ "${PIER_SETUP_PREBUILT:-}" = 1 ]; then
  [ -d node_modules ] || { echo "pier setup: PIER_SETUP_PREBUILT=1 but no node_modules/" >&2; exit 1; }
elif [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing node modules"
  # `npm install` against the committed lock, not `npm ci`: npm 11 refuses `ci` when the
  # lock lacks optional packages of other platforms (@next/swc-*, @tailwindcss/oxide-*).
  npm install --no-audit --no-fund --loglevel=error
fi

if [ "${PIER_SETUP_PREBUILT:-}" = 1 ]; then
  [ -f dist/cli/main.js ] || { echo "pier setup: PIER_SETUP_PREBUILT=1 but no dist/ build" >&2; exit 1; }
  say "build shipped with the checkout (PIER_SETUP_PREBUILT=1)"
else
  say "building (server and UI)"
  export NEXT_TELEMETRY_DISABLED=1
  npm run --silent build
fi

# pier-idmap: idmapped image views and per-sandbox user namespaces (sandbox/native/).
idmap=sandbox/native/build/pier-idmap
if [ ! -x "$idmap" ] || [ sandbox/native/pier-idmap.c -nt "$idmap" ]; then
  say "building $idmap"
  mkdir -p sandbox/native/build
  cc -O2 -Wall -Wextra -Werror -o "$idmap.tmp" sandbox/native/pier-idmap.c && mv "$idmap.tmp" "$idmap"
fi

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
