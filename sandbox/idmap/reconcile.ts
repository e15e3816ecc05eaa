// Start-up reconciliation of host id ranges: claims of sandboxes that are gone are released,
// an adopted sandbox keeps (or gets back) the claim of the range it runs with, and idmapped
// image views left by an interrupted create are unmounted.
import { mkdir, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { idRangeClaimsDir, imagesDir, type RuntimePaths } from '../layout.js';
import { mountsUnder, unmount } from '../host/mounts.js';
import type { SandboxInfo } from '../types.js';
import { ID_RANGE_CLAIM_FILE, idRangeOwner, listIdRangeClaims } from './ranges.js';
import { releaseClaim } from '../net/subnet.js';
import { IDMAPPED_DIR } from './prepare.js';

/** How old a claim without its owner file must be before it counts as abandoned. */
export const ID_CLAIM_GRACE_MS = 60_000;

/**
 * Reconciles range claims with the sandboxes that still have a directory (`known`) and the
 * adopted ones (`adopted`, whose saved range must stay theirs).
 * @returns one line per orphan removed or claim restored
 */
export async function reconcileIdRanges(paths: RuntimePaths, known: ReadonlySet<string>, adopted: readonly SandboxInfo[]): Promise<string[]> {
  const report: string[] = [];
  const dir = idRangeClaimsDir(paths);
  for (const n of await listIdRangeClaims(paths)) {
    const owner = await idRangeOwner(paths, n);
    const age = owner === null ? Date.now() - ((await stat(path.join(dir, String(n))).catch(() => null))?.mtimeMs ?? 0) : 0;
    if (owner === null ? age > ID_CLAIM_GRACE_MS : !known.has(owner)) {
      await releaseClaim(dir, n);
      report.push(`uid range claim ${n}${owner ? ` of sandbox ${owner}` : ''}`);
    }
  }
  for (const s of adopted) {
    const index = s.idRange?.index;
    if (typeof index !== 'number' || (await idRangeOwner(paths, index)) === s.id) continue;
    // The claim was lost (a hand-cleaned state dir): take it back unless another holds it.
    try {
      await mkdir(path.join(dir, String(index)), { recursive: false, mode: 0o755 });
      await writeFile(path.join(dir, String(index), ID_RANGE_CLAIM_FILE), s.id, { mode: 0o644 });
      report.push(`uid range claim ${index} restored for sandbox ${s.id}`);
    } catch {
      report.push(`uid range ${index} of sandbox ${s.id} is claimed by another sandbox`);
    }
  }
  for (const m of mountsUnder(imagesDir(paths))) {
    const parts = m.mountPoint.split(path.sep);
    const id = parts.at(-1) ?? '';
    if (parts.at(-2) !== IDMAPPED_DIR || known.has(id)) continue;
    await unmount(m.mountPoint);
    await rmdir(m.mountPoint).catch(() => undefined);
    report.push(`idmapped image view ${m.mountPoint}`);
  }
  return report;
}
