// A minimal ustar writer: turns a list of files and directories into a tar stream that a
// `tar -x` inside the node unpacks. Only relative names without `..` go in, owner root,
// no links of any kind — so unpacking can only create plain files and folders.

/** One entry of the archive. */
export interface TarEntry {
  /** Relative path, `/`-separated, no `..`, no leading `/`. */
  name: string;
  type: 'file' | 'dir';
  /** Permission bits, e.g. 0o644. */
  mode: number;
  /** File content (files only). */
  data?: Buffer;
}

const BLOCK = 512;

/** Whether `name` is a safe archive name: relative, no `..`, no empty or `.` segments, no NUL. */
export function isSafeTarName(name: string): boolean {
  if (name === '' || name.startsWith('/') || name.includes('\0') || name.includes('\\')) return false;
  return name.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

/** Splits a long name into ustar's prefix (≤155 bytes) and name (≤100 bytes). */
function splitName(name: string): { prefix: string; base: string } {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', base: name };
  for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const base = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(base) <= 100) return { prefix, base };
  }
  throw new Error(`path too long for the archive: ${name}`);
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(e: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  const name = e.type === 'dir' ? `${e.name}/` : e.name;
  const { prefix, base } = splitName(name);
  h.write(base, 0, 100, 'utf8');
  h.write(octal(e.mode & 0o7777, 8), 100, 8, 'ascii');
  h.write(octal(0, 8), 108, 8, 'ascii'); // uid
  h.write(octal(0, 8), 116, 8, 'ascii'); // gid
  h.write(octal(size, 12), 124, 12, 'ascii');
  h.write(octal(0, 12), 136, 12, 'ascii'); // mtime: fixed, the content decides
  h.fill(' ', 148, 156); // checksum field counts as spaces while summing
  h.write(e.type === 'dir' ? '5' : '0', 156, 1, 'ascii');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  h.write('root', 265, 32, 'ascii');
  h.write('root', 297, 32, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 8, 'ascii');
  return h;
}

/**
 * The tar archive of `entries` (two zero blocks at the end).
 * @throws Error when a name is not safe or too long
 */
export function writeTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    if (!isSafeTarName(e.name)) throw new Error(`unsafe archive name: ${JSON.stringify(e.name)}`);
    const data = e.type === 'file' ? (e.data ?? Buffer.alloc(0)) : Buffer.alloc(0);
    parts.push(header(e, data.length));
    if (data.length > 0) {
      parts.push(data);
      const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
      if (pad > 0) parts.push(Buffer.alloc(pad, 0));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  return Buffer.concat(parts);
}
