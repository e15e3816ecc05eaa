// Chooses where mmdebstrap downloads from: the configured mirror, else the Debian entries
// of this host's own apt sources (a near or caching mirror), else deb.debian.org.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Where Debian's own CDN is; mmdebstrap's default when it is given no MIRROR. */
export const DEFAULT_MIRROR = 'http://deb.debian.org/debian';

/** What to pass to mmdebstrap and how to describe it in image.json. */
export interface MirrorChoice {
  /** MIRROR arguments; empty = mmdebstrap's default (DEFAULT_MIRROR plus, for a stable suite, its updates and security). */
  args: string[];
  /** One line for people: the URIs used and where they came from. */
  description: string;
}

/** One apt source entry, whichever format it was written in. */
export interface AptSource {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  /** Keyring path from `signed-by`, when it names a file. */
  signedBy?: string;
  enabled: boolean;
}

/** The host's apt configuration files: `{ name, text }` of sources.list and sources.list.d/*. */
export interface HostAptFiles {
  osReleaseId: string;
  files: Array<{ name: string; text: string }>;
}

/** Parses a one-line-style sources.list (`deb [opts] uri suite comp…`). */
export function parseSourcesList(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const signedBy = /(?:^|\s)signed-by=(\S+)/.exec(m[2] ?? '')?.[1];
    out.push({
      types: [m[1] ?? 'deb'],
      uris: [m[3] ?? ''],
      suites: [m[4] ?? ''],
      components: (m[5] ?? '').split(/\s+/).filter(Boolean),
      ...(signedBy ? { signedBy } : {}),
      enabled: true,
    });
  }
  return out;
}

/** Parses a deb822-style `.sources` file (paragraphs of `Field: value`). */
export function parseDeb822(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last: string | null = null;
    for (const line of paragraph.split('\n')) {
      if (line.startsWith('#')) continue;
      if (/^\s/.test(line) && last !== null) {
        fields.set(last, `${fields.get(last) ?? ''}\n${line.trim()}`); // continuation (an inline key)
        continue;
      }
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (!m) continue;
      last = (m[1] ?? '').toLowerCase();
      fields.set(last, m[2] ?? '');
    }
    const list = (key: string): string[] => (fields.get(key) ?? '').split(/\s+/).filter(Boolean);
    if (!fields.has('uris')) continue;
    const signedBy = fields.get('signed-by')?.trim();
    out.push({
      types: list('types'),
      uris: list('uris'),
      suites: list('suites'),
      components: list('components'),
      ...(signedBy && signedBy.startsWith('/') && !signedBy.includes('\n') ? { signedBy } : {}),
      enabled: !/^(no|false)$/i.test(fields.get('enabled') ?? 'yes'),
    });
  }
  return out;
}

/** A Debian archive (or a mirror of one) rather than a third-party repository. */
function isDebianArchive(uri: string): boolean {
  const m = /^https?:\/\/([^/]+)(\/.*)?$/.exec(uri);
  if (!m) return false; // file:, cdrom:, mirror+file: do not work inside the chroot
  const host = m[1] ?? '';
  return host === 'debian.org' || host.endsWith('.debian.org') || /\/debian(-security)?\/?$/.test(m[2] ?? '');
}

/**
 * The host's Debian sources for `suite` as one-line entries (mmdebstrap pastes each into
 * the image's sources.list), keeping the suite's `-updates` and `-security` companions.
 * Empty unless the host is Debian and names a Debian mirror for `suite` itself.
 */
export function hostDebianSources(host: HostAptFiles, suite: string): string[] {
  if (host.osReleaseId !== 'debian') return [];
  const wanted = new Set([suite, `${suite}-updates`, `${suite}-security`]);
  const sources = host.files.flatMap((f) => (f.name.endsWith('.sources') ? parseDeb822(f.text) : parseSourcesList(f.text)));
  const lines: string[] = [];
  let hasSuite = false;
  for (const s of sources) {
    if (!s.enabled || !s.types.includes('deb')) continue;
    for (const uri of s.uris.filter(isDebianArchive)) {
      for (const sourceSuite of s.suites.filter((x) => wanted.has(x))) {
        hasSuite ||= sourceSuite === suite;
        const options = s.signedBy ? `[signed-by=${s.signedBy}] ` : '';
        lines.push(`deb ${options}${uri} ${sourceSuite} ${(s.components.length ? s.components : ['main']).join(' ')}`);
      }
    }
  }
  return hasSuite ? [...new Set(lines)] : [];
}

/** Reads /etc/os-release and the apt source files that apt itself would read. */
export function readHostApt(etc = '/etc'): HostAptFiles {
  const read = (file: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return ''; // absent is normal (no sources.list on a deb822-only host)
    }
  };
  const osReleaseId = /^ID="?([^"\n]*)"?$/m.exec(read(path.join(etc, 'os-release')))?.[1] ?? '';
  const files = [{ name: 'sources.list', text: read(path.join(etc, 'apt/sources.list')) }];
  const dir = path.join(etc, 'apt/sources.list.d');
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.list') || n.endsWith('.sources')).sort();
  } catch {
    names = [];
  }
  for (const name of names) files.push({ name, text: read(path.join(dir, name)) });
  return { osReleaseId, files };
}

/**
 * Decides the MIRROR arguments of mmdebstrap.
 * @param suite Debian suite of the recipe
 * @param configured config `imageMirror`: a URI, a `deb …` line or a sources file; empty for none
 * @param host the host's apt files (read from /etc when omitted)
 */
export function chooseMirror(suite: string, configured: string, host: HostAptFiles = readHostApt()): MirrorChoice {
  if (configured.trim() !== '') return { args: [configured], description: `${configured} (configured)` };
  const lines = hostDebianSources(host, suite);
  if (lines.length > 0) {
    const uris = [...new Set(lines.map((l) => l.replace(/^deb (\[[^\]]*\] )?/, '').split(' ')[0]))];
    return { args: lines, description: `${uris.join(', ')} (host apt sources)` };
  }
  return { args: [], description: `${DEFAULT_MIRROR} (default)` };
}
