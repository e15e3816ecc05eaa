// Session starts through the queue: while the host is full a start is answered with the
// browser's place in line ("you are 3rd in line", 503 with a short Retry-After the page
// retries on) instead of a bare refusal, and places are kept first come, first served.
import { ServerError, isServerError } from '../errors.js';
import { ordinal, type SessionQueue } from './queue.js';

/** Seconds a waiting page is told to wait before asking again (it keeps its place by asking). */
export const QUEUE_RETRY_S = 5;

/** The refusal that carries a place in line. */
export function queuedError(position: number, waiting: number): ServerError {
  return new ServerError('SERVER_FULL', `queued: ${position} of ${waiting}`, {
    userMessage: `The server is full: you are ${ordinal(position)} in line (${waiting} waiting). Keep this page open; your playground starts when a place frees up. / 서버가 가득 찼습니다: 대기 ${position}번째입니다. 이 페이지를 열어 두면 자리가 나는 대로 시작합니다.`,
    retryAfterSeconds: QUEUE_RETRY_S,
  });
}

/**
 * Runs `start` for `owner` when it is its turn; otherwise throws its place. A start refused
 * for capacity (SERVER_FULL, HOST_BUSY) puts the owner in line too.
 */
export async function throughQueue<T>(queue: SessionQueue | null | undefined, owner: string, start: () => Promise<T>): Promise<T> {
  if (!queue) return start();
  const turn = queue.ask(owner);
  if (!turn.go) throw queuedError(turn.position, turn.waiting);
  try {
    const started = await start();
    queue.leave(owner);
    return started;
  } catch (err) {
    if (isServerError(err) && (err.code === 'SERVER_FULL' || err.code === 'HOST_BUSY')) {
      const again = queue.ask(owner);
      if (!again.go) throw queuedError(again.position, again.waiting);
    } else {
      queue.leave(owner);
    }
    throw err;
  }
}
