// Who may use the port proxy, for the server (the proxy itself knows nothing of owners):
//
//   path form       /p/<session>/<node>/<port>/…   the `pier_owner` cookie must own the
//                                                  session (else 404: existence is not revealed)
//   subdomain form  <session>-<node>-<port>.<host>  the host-only `pier_port` cookie of that
//                                                  exact port, traded for a link's 60-second
//                                                  `pier_port_token` (else the 403 page)
//
// Both re-check on every request that the owner still owns the live session.
import type { IncomingMessage } from 'node:http';
import type { SessionManager } from '../sessions/manager.js';
import { parseProxyHost, type ProxyAddress, type ProxyRefusal, type ProxySignIn, type ProxyTarget } from '../proxy/index.js';
import { ownerOf } from './owner-cookie.js';
import { clientOf } from './proxy-trust.js';
import { PORT_COOKIE, PORT_TOKEN_PARAM, cookieValues, newPortGrant, portSetCookie, signPortGrant, verifyPortGrant, type PortGrantRefusal } from './port-token.js';

/** The session queries port access needs. */
export type PortAccessSessions = Pick<SessionManager<unknown>, 'ownership' | 'proxyTarget'>;

/** What port access needs. */
export interface PortAccessOptions {
  sessions: PortAccessSessions;
  /** The cookie signing secret. */
  secret: Buffer;
  /** Milliseconds since the epoch (tests move it). */
  now?: () => number;
  /** Refused sign-ins and cookies, for the log. */
  onRefused?: (fields: { session: string; node: string; port: number; reason: PortGrantRefusal | 'missing' | 'not-owner' | 'origin' }) => void;
}

/** The server's side of the proxy: its `resolve` and its subdomain sign-in. */
export interface PortAccess {
  resolve(req: IncomingMessage, address: ProxyAddress): Promise<ProxyTarget | ProxyRefusal>;
  signIn: ProxySignIn;
}

const NOT_YOURS_PATH: ProxyRefusal = { status: 404, message: 'No such playground node, or it is not yours.' };
const LINK_INVALID: ProxyRefusal = {
  status: 403,
  code: 'PROXY_LINK_INVALID',
  message: 'This address needs a fresh link: open the port again from your playground page.',
};
const ENDED: ProxyRefusal = { status: 404, message: 'This playground has ended.' };
const NO_NODE: ProxyRefusal = { status: 404, message: 'No such node in this playground, or it is not running.' };
const CROSS_ORIGIN: ProxyRefusal = { status: 403, message: 'A WebSocket from another site or another playground is refused.' };

/** Whether the client's connection to pier is TLS. */
function isSecure(req: IncomingMessage): boolean {
  return clientOf(req).secure;
}

/**
 * Whether an upgrade's Origin may use the subdomain's cookie: absent (not a browser page),
 * the subdomain itself, or another port/node of the same session. A page of another
 * playground (same site under `*.localhost`, so the Lax cookie would go along) may not.
 */
function upgradeOriginAllowed(req: IncomingMessage, address: ProxyAddress): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let host: string;
  try {
    host = new URL(origin).host.toLowerCase();
  } catch {
    return false;
  }
  if (host === (req.headers.host ?? '').trim().toLowerCase()) return true;
  const other = parseProxyHost(host);
  return other !== null && other.kind === 'proxy' && other.address.session === address.session;
}

/** Creates the server's port access. */
export function createPortAccess(o: PortAccessOptions): PortAccess {
  const now = o.now ?? Date.now;
  const refused = (address: ProxyAddress, reason: Parameters<NonNullable<PortAccessOptions['onRefused']>>[0]['reason']) =>
    o.onRefused?.({ session: address.session, node: address.node, port: address.port, reason });

  /** The live target of `owner` on `address`, or why not. */
  const target = (address: ProxyAddress, owner: string): ProxyTarget | ProxyRefusal => {
    const state = o.sessions.ownership(address.session, owner);
    if (state === null) {
      refused(address, 'not-owner');
      return LINK_INVALID;
    }
    if (state === 'ended') return ENDED;
    const node = o.sessions.proxyTarget(address.session, owner, address.node);
    return node === null ? NO_NODE : { host: node.host, port: address.port };
  };

  return {
    async resolve(req, address) {
      if (address.form === 'path') {
        const owner = ownerOf(req, o.secret);
        const node = owner === null ? null : o.sessions.proxyTarget(address.session, owner, address.node);
        // Not the owner and no such node look the same (docs/SECURITY.md, 33).
        return node === null ? NOT_YOURS_PATH : { host: node.host, port: address.port };
      }
      const values = cookieValues(req.headers.cookie, PORT_COOKIE);
      if (values.length === 0) {
        refused(address, 'missing');
        return LINK_INVALID;
      }
      // Every value is tried: a page may have set a look-alike (at another path or domain).
      let reason: PortGrantRefusal = 'malformed';
      for (const value of values) {
        const check = verifyPortGrant('cookie', value, o.secret, address, now());
        if (!check.ok) {
          reason = check.reason;
          continue;
        }
        if (req.headers.upgrade !== undefined && !upgradeOriginAllowed(req, address)) {
          refused(address, 'origin');
          return CROSS_ORIGIN;
        }
        return target(address, check.grant.owner);
      }
      refused(address, reason);
      return LINK_INVALID;
    },

    signIn: {
      param: PORT_TOKEN_PARAM,
      async exchange(token, address, req) {
        const check = verifyPortGrant('token', token, o.secret, address, now());
        if (!check.ok) {
          refused(address, check.reason);
          return LINK_INVALID;
        }
        const owner = check.grant.owner;
        const reached = target(address, owner);
        // A stopped node still gets the cookie: the proxy's own page explains what is missing.
        if ('status' in reached && reached !== NO_NODE) return reached;
        const cookie = signPortGrant('cookie', newPortGrant('cookie', address, owner, now()), o.secret);
        return { setCookie: portSetCookie(cookie, { secure: isSecure(req) }) };
      },
    },
  };
}
