// Next.js inside pier's own HTTP server: prepares the app (or fails clearly when the
// production build is missing) and gives its request handler and its upgrade handler.
import { existsSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { ServerError } from './errors.js';

/** The part of Next's custom-server API pier uses (next/dist/server/next.d.ts). */
interface NextWrapper {
  prepare(): Promise<void>;
  getRequestHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  close(): Promise<void>;
}
type NextFactory = (options: { dev: boolean; dir: string; hostname: string; port: number; httpServer: http.Server }) => NextWrapper;

/**
 * HACK: Next is loaded through a non-literal specifier so that its type declarations stay
 * out of the server's program: they augment NodeJS.ProcessEnv with a required NODE_ENV,
 * which breaks every `env: {…}` literal in sandbox/. The shape used is typed above.
 */
const NEXT_MODULE = 'next';

async function loadNext(): Promise<NextFactory> {
  const mod = (await import(NEXT_MODULE)) as { default: NextFactory };
  return mod.default;
}

/** Next, ready to serve. */
export interface NextApp {
  handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Next's upgrade handling (the dev server's hot reload); false when it has none yet. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): Promise<void>;
}

/**
 * Prepares the Next app in `dir`.
 * @throws ServerError NEXT_NOT_BUILT when not in dev mode and `.next` has no build
 */
export async function prepareNext(options: { dir: string; dev: boolean; hostname: string; port: number }): Promise<NextApp> {
  if (!options.dev && !existsSync(path.join(options.dir, '.next', 'BUILD_ID'))) {
    throw new ServerError('NEXT_NOT_BUILT', `no Next.js build in ${path.join(options.dir, '.next')}`, {
      userMessage: 'The web interface is not built: run `npm run build` (or start with --dev).',
    });
  }
  // Next's custom-server wrapper attaches its own 'upgrade' listener to `httpServer` on the
  // first request. Given the real server, it would answer pier's /ws/ and /p/ upgrades too;
  // given this never-listening one, it answers only what the upgrade router forwards here.
  const upgradeSink = http.createServer();
  const next = await loadNext();
  const app = next({ dev: options.dev, dir: options.dir, hostname: options.hostname, port: options.port, httpServer: upgradeSink });
  await app.prepare();
  const handler = app.getRequestHandler();
  return {
    handleRequest: (req, res) => handler(req, res),
    handleUpgrade(req, socket, head) {
      if (upgradeSink.listenerCount('upgrade') === 0) return false;
      upgradeSink.emit('upgrade', req, socket, head);
      return true;
    },
    close: () => app.close(),
  };
}
