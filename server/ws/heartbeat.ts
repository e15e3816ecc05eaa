// WebSocket heartbeats ([ws] README "How to detect and close broken connections"): ping
// every socket on an interval and terminate one that did not answer the previous ping.
import type { WebSocket, WebSocketServer } from 'ws';

/** Interval between pings (ms). A socket is dropped after missing one pong. */
export const HEARTBEAT_INTERVAL_MS = 25_000;

/**
 * Starts pinging the clients of `wss`. Half-open connections (a laptop closed, a dropped
 * NAT mapping) are terminated within two intervals.
 * @returns stops the heartbeat
 */
export function startHeartbeat(wss: WebSocketServer, intervalMs = HEARTBEAT_INTERVAL_MS): () => void {
  const alive = new WeakMap<WebSocket, boolean>();
  const onConnection = (ws: WebSocket) => {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
  };
  wss.on('connection', onConnection);
  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    wss.off('connection', onConnection);
  };
}
