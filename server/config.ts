// pier's configuration: read once from the environment and an optional JSON file, validated
// with zod. The only module that reads process.env.
import { readFileSync, existsSync } from 'node:fs';
import { z } from 'zod';
import { parseProxyTrust } from './http/proxy-trust.js';

const sizeRe = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b?|b)?$/i;
const UNIT: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Parses `512m`, `2G`, `1.5GiB` or a plain byte count; null when it is not a size. */
export function parseSize(text: string): number | null {
  const m = sizeRe.exec(text.trim());
  if (!m) return null;
  const unit = (m[2] ?? '').toLowerCase().replace(/i?b$/, '').replace(/^$/, '');
  const factor = UNIT[unit === '' && /b$/i.test(m[2] ?? '') ? 'b' : unit];
  if (factor === undefined) return null;
  return Math.round(Number(m[1]) * factor);
}

const size = z.union([z.number().int().positive(), z.string().transform((s, ctx) => {
  const n = parseSize(s);
  if (n === null || n <= 0) {
    ctx.addIssue({ code: 'custom', message: `not a size: "${s}" (try 512m or 2g)` });
    return z.NEVER;
  }
  return n;
})]);

const durationRe = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/i;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `90s`, `30m`, `2h`, `1d`, `500ms` or a plain number of seconds into ms; null otherwise. */
export function parseDuration(text: string): number | null {
  const m = durationRe.exec(text.trim());
  if (!m) return null;
  const factor = DURATION_MS[(m[2] ?? 's').toLowerCase()];
  if (factor === undefined) return null;
  return Math.round(Number(m[1]) * factor);
}

/** A duration in the config: a number of seconds or text such as `30m`; parsed to ms. */
const duration = z.union([
  z.number().positive().transform((s) => Math.round(s * 1000)),
  z.string().transform((s, ctx) => {
    const n = parseDuration(s);
    if (n === null || n <= 0) {
      ctx.addIssue({ code: 'custom', message: `not a duration: "${s}" (try 90s, 30m or 2h)` });
      return z.NEVER;
    }
    return n;
  }),
]);

const boolish = z.union([z.boolean(), z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off']).transform((s) => ['1', 'true', 'yes', 'on'].includes(s))]);

export const ConfigSchema = z.object({
  /** Persistent state: images, sandboxes, networks, the database. */
  stateDir: z.string().startsWith('/').default('/var/lib/pier'),
  /** runc's state directory (tmpfs). */
  runcRoot: z.string().startsWith('/').default('/run/pier/runc'),
  /** OCI runtime of sandboxes: auto = crun on a pure cgroup v2 host where installed, else runc. */
  runtime: z.enum(['auto', 'runc', 'crun']).default('auto'),
  /** Refuse to start when the runtime has known container escapes (runc 1.1.5 on a v1 host). */
  requireFixedRuntime: boolish.default(false),
  /** HTTP port of the playground. */
  port: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Address the playground listens on. */
  host: z.string().default('0.0.0.0'),
  /** IPv4 pool that session subnets are cut from, and the prefix length of each. */
  subnetPool: z.string().regex(/^\d+\.\d+\.\d+\.\d+\/\d+$/).default('10.87.0.0/16'),
  subnetPrefix: z.coerce.number().int().min(16).max(29).default(27),
  /** Whether sandboxes may reach the internet (NAT). Off by default. */
  outbound: boolish.default(false),
  /**
   * Host ids: `per-sandbox` gives each sandbox a 65536-id range of its own (idmapped image,
   * own kernel accounting); `shared` maps every sandbox to the image's range (100000..).
   */
  uidMode: z.enum(['per-sandbox', 'shared']).default('per-sandbox'),
  /** How many per-sandbox id ranges the pool holds: the most sandboxes at once. */
  uidRanges: z.coerce.number().int().min(1).max(50_000).default(512),
  /** Debian suite and mirror of the sandbox image (mirror empty: the host's apt sources). */
  imageSuite: z.string().regex(/^[a-z]+$/).default('trixie'),
  imageMirror: z.string().default(''),
  /** Default limits of a sandbox. */
  limits: z
    .object({
      memory: size.default(512 * 1024 ** 2),
      pids: z.coerce.number().int().min(16).default(512),
      cpus: z.coerce.number().positive().max(64).default(1),
      disk: size.default(2 * 1024 ** 3),
      inodes: z.coerce.number().int().min(1024).default(131072),
      nofile: z.coerce.number().int().min(64).default(4096),
      shm: size.default(64 * 1024 ** 2),
    })
    .prefault({}),
  /**
   * What the parent cgroup of all sandboxes (`/pier`) leaves to the server and the host: its
   * limits are the host's memory, CPUs and pids minus these.
   */
  hostReserve: z
    .object({
      memory: size.default(1024 ** 3),
      cpus: z.coerce.number().min(0).max(64).default(0.5),
      pids: z.coerce.number().int().min(0).default(2048),
    })
    .prefault({}),
  /**
   * A new session or node is refused (503 HOST_BUSY) when the host's free memory
   * (MemAvailable) or the state dir's free disk would drop below these.
   */
  admissionReserve: z
    .object({
      memory: size.default(1024 ** 3),
      disk: size.default(5 * 1024 ** 3),
    })
    .prefault({}),
  /** Server log level (pino): fatal, error, warn, info, debug, trace or silent. */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** SQLite file of sessions, nodes and terminals ('' = `<stateDir>/pier.db`). */
  database: z.string().default(''),
  /** How long a new session lives unless extended (ms after parsing). */
  sessionLifetime: duration.default(2 * 3_600_000),
  /** What one "extend" adds to a session's end time (ms). */
  sessionExtension: duration.default(30 * 60_000),
  /** Cap on a session's total lifetime, counted from its creation, extensions included (ms). */
  sessionMaxLifetime: duration.default(4 * 3_600_000),
  /** A session with no terminal input, attach or API call for this long ends (ms). */
  sessionIdle: duration.default(30 * 60_000),
  /** How long before the end the page is warned (`expiring` event) (ms). */
  sessionWarnBefore: duration.default(5 * 60_000),
  /** Live sessions on this server at most; more answer 503. */
  maxSessions: z.coerce.number().int().min(1).default(200),
  /** Live sessions one owner (browser) may hold at once; more answer 429. */
  maxSessionsPerOwner: z.coerce.number().int().min(1).default(3),
  /**
   * Free playgrounds (not class sessions) live at once from one client address, whatever
   * its cookies; more answer 429. Sized for a classroom behind one NAT address.
   */
  maxSessionsPerAddress: z.coerce.number().int().min(1).default(40),
  /** Terminal and event WebSockets one owner may hold open at once; more are refused with 429. */
  maxSocketsPerOwner: z.coerce.number().int().min(1).default(64),
  /**
   * Warm pool (server/sessions/pool.ts): ready sandboxes kept per image and limits so a Start
   * claims one instead of creating it; 0 turns the pool off. Each costs an idle sandbox's
   * memory and disk until claimed.
   */
  warmPool: z.coerce.number().int().min(0).max(64).default(2),
  /** Whether each warm sandbox also holds a started terminal shell (the prompt is ready at claim). */
  warmPoolShell: boolish.default(true),
  /** Whether anonymous visitors may start a free playground; off, only class sessions start (a class-only school). */
  openPlayground: boolish.default(true),
  /**
   * Token buckets limiting session creation: per owner cookie, and per client address (a
   * classroom behind one NAT address shares the latter, so it is larger).
   */
  createRate: z
    .object({
      ownerPerMinute: z.coerce.number().positive().default(5),
      ownerBurst: z.coerce.number().int().min(1).default(3),
      addressPerMinute: z.coerce.number().positive().default(60),
      addressBurst: z.coerce.number().int().min(1).default(30),
    })
    .prefault({}),
  /** Cap on one terminal recording (asciicast file) in bytes; the recording stops there, marked truncated. */
  recordingMaxBytes: size.default(4 * 1024 ** 2),
  /** How long terminal recordings are kept (ms); older ones are removed at start and daily. */
  recordingRetention: duration.default(14 * 86_400_000),
  /**
   * Extra folders of lessons besides the built-in `lessons/`: an array in the JSON file, or
   * colon-separated absolute paths in `PIER_LESSON_DIRS`. Each holds one folder per lesson.
   */
  lessonDirs: z
    .union([
      z.array(z.string().startsWith('/')),
      z.string().transform((s) => s.split(':').filter((d) => d !== '')).pipe(z.array(z.string().startsWith('/', 'must be an absolute path'))),
    ])
    .default([]),
  /**
   * The host image mirror (server/mirror/): a registry every node pulls docker.io images
   * through, on this port of its gateway (0 = any free port; `mirror: false` turns it off).
   * `auto` mode: a pull-through cache of `mirrorUpstream` when `outbound` is on, otherwise
   * offline (only the preloaded image set).
   */
  mirror: boolish.default(true),
  mirrorPort: z.coerce.number().int().min(0).max(65535).default(5001),
  mirrorMode: z.enum(['auto', 'proxy', 'offline']).default('auto'),
  mirrorUpstream: z.string().url().default('https://registry-1.docker.io'),
  /**
   * Reverse proxies (addresses or CIDRs) whose X-Forwarded-For/-Proto/-Host pier believes: an
   * array in the JSON file, or comma-separated in `PIER_TRUST_PROXY`. Empty: none.
   */
  trustProxy: z
    .union([z.array(z.string()), z.string().transform((s) => s.split(',').map((e) => e.trim()).filter((e) => e !== ''))])
    .default([])
    .superRefine((entries, ctx) => {
      try {
        parseProxyTrust(entries);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
  /** Bearer token for GET /metrics; empty: /metrics answers only to loopback clients (not through a proxy). */
  metricsToken: z.string().refine((t) => t === '' || t.length >= 16, 'must be empty or at least 16 characters').default(''),
});

export type Config = z.infer<typeof ConfigSchema>;

/** Thrown when the configuration is invalid; the message names each bad field. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const ENV_KEYS: Record<string, keyof Config> = {
  PIER_STATE_DIR: 'stateDir',
  PIER_RUNC_ROOT: 'runcRoot',
  PIER_RUNTIME: 'runtime',
  PIER_REQUIRE_FIXED_RUNTIME: 'requireFixedRuntime',
  PIER_PORT: 'port',
  PORT: 'port',
  PIER_HOST: 'host',
  PIER_SUBNET_POOL: 'subnetPool',
  PIER_SUBNET_PREFIX: 'subnetPrefix',
  PIER_OUTBOUND: 'outbound',
  PIER_UID_MODE: 'uidMode',
  PIER_UID_RANGES: 'uidRanges',
  PIER_IMAGE_SUITE: 'imageSuite',
  PIER_IMAGE_MIRROR: 'imageMirror',
  PIER_DATABASE: 'database',
  PIER_LOG_LEVEL: 'logLevel',
  PIER_SESSION_LIFETIME: 'sessionLifetime',
  PIER_SESSION_EXTENSION: 'sessionExtension',
  PIER_SESSION_MAX_LIFETIME: 'sessionMaxLifetime',
  PIER_SESSION_IDLE: 'sessionIdle',
  PIER_SESSION_WARN_BEFORE: 'sessionWarnBefore',
  PIER_MAX_SESSIONS: 'maxSessions',
  PIER_MAX_SESSIONS_PER_OWNER: 'maxSessionsPerOwner',
  PIER_MAX_SOCKETS_PER_OWNER: 'maxSocketsPerOwner',
  PIER_MAX_SESSIONS_PER_ADDRESS: 'maxSessionsPerAddress',
  PIER_OPEN_PLAYGROUND: 'openPlayground',
  PIER_LESSON_DIRS: 'lessonDirs',
  PIER_RECORDING_MAX_BYTES: 'recordingMaxBytes',
  PIER_RECORDING_RETENTION: 'recordingRetention',
  PIER_WARM_POOL: 'warmPool',
  PIER_WARM_POOL_SHELL: 'warmPoolShell',
  PIER_MIRROR: 'mirror',
  PIER_MIRROR_PORT: 'mirrorPort',
  PIER_MIRROR_MODE: 'mirrorMode',
  PIER_MIRROR_UPSTREAM: 'mirrorUpstream',
  PIER_TRUST_PROXY: 'trustProxy',
  PIER_METRICS_TOKEN: 'metricsToken',
};

/**
 * Builds the configuration from a JSON file (`PIER_CONFIG`, default `/etc/pier/config.json`
 * when it exists) overlaid with `PIER_*` environment variables.
 * @throws ConfigError with every problem listed
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const file = env.PIER_CONFIG ?? '/etc/pier/config.json';
  let fromFile: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`${file}: not valid JSON (${(err as Error).message})`);
    }
  } else if (env.PIER_CONFIG !== undefined) {
    throw new ConfigError(`${file}: no such file (named by PIER_CONFIG)`);
  }
  const merged: Record<string, unknown> = { ...fromFile };
  for (const [key, field] of Object.entries(ENV_KEYS)) {
    const value = env[key];
    if (value !== undefined && value !== '') merged[field] = value;
  }
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration (${file} and PIER_* variables):\n${lines.join('\n')}`);
  }
  return parsed.data;
}
