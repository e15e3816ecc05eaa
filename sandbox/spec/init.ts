// PID 1 of a sandbox: pier's own init (sandbox/native/pier-init.c: catatonit's reaping plus
// Docker's socket held until first use) where it is built, else catatonit in pause mode.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The init's path relative to the repository root (built by scripts/setup.sh). */
export const PIER_INIT_RELATIVE = 'sandbox/native/build/pier-init';

/** Where the init appears in every sandbox: beside pier's shell, in the read-only /.pier. */
export const PIER_INIT = '/.pier/init';

/**
 * The fallback: catatonit in pause mode (-P) reaps zombies and runs no child. Without pier's
 * init nothing holds Docker's socket; the `docker` command then starts the daemon itself.
 */
export const CATATONIT_INIT = ['/usr/bin/catatonit', '-P'] as const;

/**
 * The built init's absolute host path, found from this module upwards (source tree:
 * sandbox/spec/, build: dist/sandbox/spec/); null when not built.
 */
export function pierInitBinary(): string | null {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, PIER_INIT_RELATIVE);
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return null;
}

/**
 * argv of PID 1 for a sandbox whose /.pier folder is the host folder `pierDir` (null: none
 * bound): pier's init when that folder holds it.
 */
export function initArgs(pierDir: string | null): string[] {
  return pierDir !== null && existsSync(path.join(pierDir, path.basename(PIER_INIT))) ? [PIER_INIT] : [...CATATONIT_INIT];
}
