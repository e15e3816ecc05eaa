#!/usr/bin/env bash
# Builds pier's native helpers (sandbox/native/ → sandbox/native/build/), each only when it is
# missing or older than its source. Run from scripts/setup.sh, and by the upgrade test on an
# earlier release's tree. Needs cc (gcc), libc6-dev (static pier-init) and Node's headers.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1mpier setup:\033[0m %s\n' "$*"; }

# pier-idmap: idmapped image views and per-sandbox user namespaces (sandbox/native/).
idmap=sandbox/native/build/pier-idmap
if [ ! -x "$idmap" ] || [ sandbox/native/pier-idmap.c -nt "$idmap" ]; then
  say "building $idmap"
  mkdir -p sandbox/native/build
  cc -O2 -Wall -Wextra -Werror -o "$idmap.tmp" sandbox/native/pier-idmap.c && mv "$idmap.tmp" "$idmap"
fi
# pier-init: PID 1 of every sandbox; holds Docker's socket until first use (static: it runs
# inside the sandbox image, whatever its libc).
init=sandbox/native/build/pier-init
if [ ! -x "$init" ] || [ sandbox/native/pier-init.c -nt "$init" ]; then
  say "building $init"
  mkdir -p sandbox/native/build
  cc -static -Os -Wall -Wextra -Werror -o "$init.tmp" sandbox/native/pier-init.c && mv "$init.tmp" "$init"
fi

# pier-pty (Node addon) and pier-ptywait: terminals hold runc's pty master (sandbox/native/).
ptyaddon=sandbox/native/build/pier-pty.node ptywait=sandbox/native/build/pier-ptywait
if [ ! -f "$ptyaddon" ] || [ sandbox/native/pier-pty.c -nt "$ptyaddon" ] || [ ! -x "$ptywait" ] || [ sandbox/native/pier-ptywait.c -nt "$ptywait" ]; then
  say "building $ptyaddon and $ptywait"
  mkdir -p sandbox/native/build
  node_include=$(node -p "require('path').join(process.execPath, '..', '..', 'include', 'node')")
  [ -f "$node_include/node_api.h" ] || node_include=/usr/include/node
  cc -O2 -Wall -Wextra -Werror -shared -fPIC -I"$node_include" -DNODE_GYP_MODULE_NAME=pier_pty -o "$ptyaddon.tmp" sandbox/native/pier-pty.c && mv "$ptyaddon.tmp" "$ptyaddon"
  cc -O2 -Wall -Wextra -Werror -o "$ptywait.tmp" sandbox/native/pier-ptywait.c && mv "$ptywait.tmp" "$ptywait"
fi

