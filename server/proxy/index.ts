// The port proxy's public face: the server mounts `createPortProxy` on its request and
// upgrade handlers. (Open ports are the driver's: SandboxDriver.listeningPorts.)
export {
  createPortProxy,
  CONNECT_TIMEOUT_MS,
  RESPONSE_TIMEOUT_MS,
  UPSTREAM_RETRY_DELAYS_MS,
  MAX_CONNECTIONS_PER_SESSION,
  PIER_COOKIE_PREFIX,
  PATH_FORM_SANDBOX_CSP,
  type PortProxy,
  type PortProxyOptions,
  type ProxyTarget,
  type ProxyRefusal,
  type ProxySignIn,
  type ProxyLogger,
} from './proxy.js';
export { parseProxyPath, parseProxyHost, parsePort, takeQueryParam, PROXY_PATH_ROOT, type ProxyAddress, type ProxyMatch, type ProxyHostOptions } from './address.js';
export { createTargetGuard, type TargetGuard, type TargetGuardOptions } from './target.js';
export { ProxyError, isProxyError, PROXY_STATUS, type ProxyErrorCode } from './errors.js';
