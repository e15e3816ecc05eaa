// What a derived tree adds to its base: the paths to put in the derived image's one layer.
// Both trees come from mmdebstrap runs of the same suite, so files unpacked from the same
// package are byte-identical and keep the package's mtime; generated files differ.
import { lstatSync, readdirSync, readFileSync, readlinkSync, type Stats } from 'node:fs';
import path from 'node:path';

/** Result of diffTrees. */
export interface TreeDiff {
  /** Paths relative to the derived tree, `./`-prefixed, parents before children. */
  changed: string[];
  /** Paths of the base that the derived tree lacks (a layer without whiteouts keeps them). */
  removed: string[];
}

function lstatOrNull(file: string): Stats | null {
  try {
    return lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw err;
  }
}

const TYPE_MASK = 0o170000;

/** Whether two entries of the same relative path hold the same thing. */
function same(a: Stats, aPath: string, b: Stats, bPath: string): boolean {
  if ((a.mode & TYPE_MASK) !== (b.mode & TYPE_MASK)) return false;
  if (a.mode !== b.mode || a.uid !== b.uid || a.gid !== b.gid) return false;
  if (a.isDirectory()) return true;
  if (a.isSymbolicLink()) return readlinkSync(aPath) === readlinkSync(bPath);
  if (a.isFile()) {
    if (a.size !== b.size) return false;
    // Unpacked from the same package: same mtime and size (rsync's quick check).
    if (a.mtimeMs === b.mtimeMs) return true;
    return readFileSync(aPath).equals(readFileSync(bPath));
  }
  return a.rdev === b.rdev; // device nodes, fifos, sockets
}

/**
 * Compares `derived` with `base`, never following symlinks.
 * @returns the entries of `derived` that are new or differ (type, mode, owner, content or
 *   link target), and the entries of `base` missing from `derived`
 */
export function diffTrees(base: string, derived: string): TreeDiff {
  const changed: string[] = [];
  const removed: string[] = [];
  const walk = (rel: string): void => {
    const dPath = path.join(derived, rel);
    const bPath = path.join(base, rel);
    const d = lstatSync(dPath);
    const b = lstatOrNull(bPath);
    if (b === null || !same(d, dPath, b, bPath)) changed.push(`./${rel}`);
    if (!d.isDirectory()) return;
    const names = readdirSync(dPath).sort();
    for (const name of names) walk(rel === '' ? name : `${rel}/${name}`);
    if (b?.isDirectory()) {
      const kept = new Set(names);
      for (const name of readdirSync(bPath).sort()) if (!kept.has(name)) removed.push(`./${rel === '' ? name : `${rel}/${name}`}`);
    }
  };
  walk('');
  // The root itself is `./` and never part of a layer.
  return { changed: changed.filter((p) => p !== './'), removed };
}
