// The pool of host uid/gid ranges: one 65536-id range per sandbox, claimed with an atomic
// mkdir (like session subnets) so two processes never hand out the same range, recorded in
// sandbox.json, kept when a sandbox is adopted and released when it is torn down.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SandboxError } from '../errors.js';
import { ID_PATTERN, idRangeClaimsDir, SANDBOX_ID_BASE, SANDBOX_ID_COUNT, type RuntimePaths } from '../layout.js';
import { claimLowest, listClaims, releaseClaim } from '../net/subnet.js';
import type { IdRange } from '../types.js';

/**
 * First host id of range 0. Far above the image's on-disk owners (SANDBOX_ID_BASE..+65535)
 * and above the ranges `useradd` hands out in /etc/subuid (SUB_UID_MAX 600100000), so no
 * host user or subordinate range shares an id with a sandbox.
 */
export const ID_POOL_BASE = 1_000_000_000;
/** The largest id the kernel accepts is 2^32 - 2; ranges must end below it. */
export const ID_POOL_MAX_RANGES = Math.floor((2 ** 32 - 1 - ID_POOL_BASE) / SANDBOX_ID_COUNT);
/** Default number of ranges (the most sandboxes a host runs at once). */
export const DEFAULT_ID_RANGES = 512;
/** File in a range claim naming the sandbox that holds it. */
export const ID_RANGE_CLAIM_FILE = 'sandbox';

/** The range every sandbox maps in the `shared` mode (and sandboxes saved before ranges). */
export const SHARED_ID_RANGE: IdRange = { index: null, hostId: SANDBOX_ID_BASE, size: SANDBOX_ID_COUNT };

/**
 * The host ids of range `index`.
 * @throws SandboxError INVALID_ARGUMENT outside 0..ID_POOL_MAX_RANGES-1
 */
export function nthIdRange(index: number): IdRange {
  if (!Number.isInteger(index) || index < 0 || index >= ID_POOL_MAX_RANGES) {
    throw new SandboxError('INVALID_ARGUMENT', `id range ${index} outside 0..${ID_POOL_MAX_RANGES - 1}`);
  }
  return { index, hostId: ID_POOL_BASE + index * SANDBOX_ID_COUNT, size: SANDBOX_ID_COUNT };
}

/**
 * Checks a configured pool size.
 * @throws SandboxError INVALID_ARGUMENT unless 1..ID_POOL_MAX_RANGES
 */
export function checkRangeCount(count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > ID_POOL_MAX_RANGES) {
    throw new SandboxError('INVALID_ARGUMENT', `uidRanges must be an integer in 1..${ID_POOL_MAX_RANGES}, got ${count}`);
  }
}

/**
 * Claims the lowest free range for sandbox `sandboxId`.
 * @param count how many ranges the pool holds (config `uidRanges`)
 * @throws SandboxError ID_RANGES_EXHAUSTED when all are taken
 */
export async function claimIdRange(paths: RuntimePaths, sandboxId: string, count: number): Promise<IdRange> {
  checkRangeCount(count);
  const index = await claimLowest(idRangeClaimsDir(paths), { first: 0, last: count - 1 }, { [ID_RANGE_CLAIM_FILE]: sandboxId });
  if (index === null) throw new SandboxError('ID_RANGES_EXHAUSTED', `all ${count} host uid ranges are in use (config uidRanges)`);
  return nthIdRange(index);
}

/** The sandbox id written in claim `index`, or null when unreadable (absent or not yet written). */
export async function idRangeOwner(paths: RuntimePaths, index: number): Promise<string | null> {
  try {
    const owner = (await readFile(path.join(idRangeClaimsDir(paths), String(index), ID_RANGE_CLAIM_FILE), 'utf8')).trim();
    return ID_PATTERN.test(owner) ? owner : null;
  } catch {
    return null;
  }
}

/**
 * Releases the range claims held by `sandboxId`: the recorded one when known (only if it
 * is still that sandbox's), otherwise every claim naming it. Idempotent.
 */
export async function releaseIdRangesOf(paths: RuntimePaths, sandboxId: string, index: number | null | undefined): Promise<void> {
  const dir = idRangeClaimsDir(paths);
  const candidates = typeof index === 'number' ? [index] : await listClaims(dir);
  for (const n of candidates) {
    if ((await idRangeOwner(paths, n)) === sandboxId) await releaseClaim(dir, n);
  }
}

/** Every claimed range index (claims still being written included), ascending. */
export const listIdRangeClaims = (paths: RuntimePaths): Promise<number[]> => listClaims(idRangeClaimsDir(paths));
