// Session starts through the queue: while the host is full a start is answered with the
// browser's place in line ("you are 3rd in line", 503 with a short Retry-After the page
// retries on) instead of a bare refusal, and places are kept first come, first served.
import { ServerError, isServerError } from '../errors.js';
import { ordinal, type SessionQueue } from './queue.js';

/** Seconds a waiting page is told to wait before asking again (it keeps its place by asking). */
export const QUEUE_RETRY_S = 5;

/** Why the host cannot take a start: the session cap, or memory/disk at the reserve. */
export type BusyCode = 'SERVER_FULL' | 'HOST_BUSY';

/** The refusal (its code's usual sentence) that also carries the place in line. */
export function queuedError(code: BusyCode, position: number, waiting: number): ServerError {
  const usual = new ServerError(code, '').userMessage;
  return new ServerError(code, `queued: ${position} of ${waiting}`, {
    userMessage: `${usual} You are ${ordinal(position)} in line (${waiting} waiting): keep this page open, it starts when a place frees up. / 대기 ${position}번째입니다. 이 페이지를 열어 두면 자리가 나는 대로 시작합니다.`,
    retryAfterSeconds: QUEUE_RETRY_S,
    queue: { position, waiting },
  });
}

/**
 * Runs `start` for `owner` when it is its turn; otherwise throws its place, with the code
 * `busy` names. A start refused for capacity (SERVER_FULL, HOST_BUSY) puts the owner in line too.
 */
export async function throughQueue<T>(queue: SessionQueue | null | undefined, owner: string, start: () => Promise<T>, busy: () => BusyCode = () => 'SERVER_FULL'): Promise<T> {
  if (!queue) return start();
  const turn = queue.ask(owner);
  if (!turn.go) throw queuedError(busy(), turn.position, turn.waiting);
  try {
    const started = await start();
    queue.leave(owner);
    return started;
  } catch (err) {
    if (isServerError(err) && (err.code === 'SERVER_FULL' || err.code === 'HOST_BUSY')) {
      const again = queue.ask(owner);
      if (!again.go) throw queuedError(err.code, again.position, again.waiting);
    } else {
      queue.leave(owner);
    }
    throw err;
  }
}
