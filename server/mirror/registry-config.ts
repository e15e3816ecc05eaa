// The config.yml of the host registry (Debian's docker-registry, i.e. distribution 2.8) that
// the mirror runs. Pure: plain data in, YAML text out.

/** How the registry runs. */
export type RegistryMode =
  /** Pull-through cache of `upstream` (the deployment has internet): each image pulled once. */
  | 'proxy'
  /** Serves only what is stored (the offline set); storage is read-only. */
  | 'offline'
  /** Writable, for `pier image build` to push the offline set in (loopback, never exposed). */
  | 'preload';

/** What the rendered config says. */
export interface RegistryConfigOptions {
  mode: RegistryMode;
  /** Storage root (the registry's `filesystem.rootdirectory`). */
  storageDir: string;
  /** Loopback port the registry listens on. */
  port: number;
  /** Remote registry of proxy mode, e.g. `https://registry-1.docker.io`. */
  upstream: string;
}

/** JSON-quotes a string (YAML accepts JSON strings), so no path can break the file. */
const q = (s: string): string => JSON.stringify(s);

/**
 * Renders config.yml. The registry listens on 127.0.0.1 only: nodes reach it solely through
 * pier's pull-only front proxy (server/mirror/proxy.ts). Deletes are off in every mode; the
 * offline mode also sets the storage read-only (maintenance.readonly), so even a request
 * that got past the proxy could not write.
 */
export function renderRegistryConfig(o: RegistryConfigOptions): string {
  const lines = [
    '# pier: the host image mirror\'s registry (server/mirror/). Rewritten at every start.',
    'version: 0.1',
    'log:',
    '  level: info',
    '  formatter: json',
    '  accesslog:',
    '    disabled: false',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${q(o.storageDir)}`,
    '  delete:',
    '    enabled: false',
    '  maintenance:',
    // Upload purging (with its defaults) only where uploads happen.
    ...(o.mode === 'preload' ? [] : ['    uploadpurging:', '      enabled: false']),
    '    readonly:',
    `      enabled: ${o.mode === 'offline' ? 'true' : 'false'}`,
    'http:',
    `  addr: ${q(`127.0.0.1:${o.port}`)}`,
    '  headers:',
    '    X-Content-Type-Options: [nosniff]',
  ];
  if (o.mode === 'proxy') lines.push('proxy:', `  remoteurl: ${q(o.upstream)}`);
  return `${lines.join('\n')}\n`;
}
