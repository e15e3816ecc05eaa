// The server's logger: pino, human-readable (pino-pretty, synchronous, in-process) when
// stdout is a terminal, one JSON object per line otherwise (journald, a log shipper).
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

/** Creates the server's logger at `level`; `tty` defaults to whether stdout is a terminal. */
export function createLogger(level: string, tty: boolean = process.stdout.isTTY === true): Logger {
  const options = { level, base: { app: 'pier' } };
  if (!tty) return pino(options);
  return pino(options, pretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,app' }));
}
