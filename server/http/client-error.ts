// What the HTTP server answers when Node reports a client error (the server's
// 'clientError' event). Node also reports a connection that never sent a byte within
// headersTimeout this way (ERR_HTTP_REQUEST_TIMEOUT): answering that one with a bare
// "400 Bad Request" writes an unsolicited response onto a connection a browser may be just
// about to send its request on (a preconnected socket), and the browser then shows
// "HTTP ERROR 400" for a page that was fine. Such a connection is closed without a word,
// so the browser retries on a fresh one; real errors get their right status and a body.

/** What to do with the connection. */
export type ClientErrorAnswer = { kind: 'close' } | { kind: 'answer'; response: string };

function response(status: number, reason: string, text: string): string {
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`;
}

/**
 * The answer to a client error.
 * @param err the error Node gave (its `code`)
 * @param bytesRead how many bytes the connection has sent so far
 */
export function clientErrorAnswer(err: NodeJS.ErrnoException, bytesRead: number): ClientErrorAnswer {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    // Idle, never used: nobody waits for an answer.
    if (bytesRead === 0) return { kind: 'close' };
    return { kind: 'answer', response: response(408, 'Request Timeout', 'The request took too long to arrive.\n') };
  }
  if (err.code === 'HPE_HEADER_OVERFLOW') return { kind: 'answer', response: response(431, 'Request Header Fields Too Large', 'The request headers are too large (too many cookies?).\n') };
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE') return { kind: 'close' };
  return { kind: 'answer', response: response(400, 'Bad Request', 'The request could not be understood.\n') };
}
