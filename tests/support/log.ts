/**
 * What the product logs, read back by a test: the product's own logger (its level aside, the same
 * redaction as production) writing JSON lines into memory instead of stdout.
 *
 * @example
 *   const captured = captureLog();
 *   const app = await startTestApp(env, { log: captured.log });
 *   expect(captured.said('update set aside; the channel moves on')).toHaveLength(1);
 *   expect(captured.text()).not.toContain('6281234567890');
 */
import { createLogger, type Logger } from '../../src/logger.js';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface CapturedLog {
  log: Logger;
  /** Every line so far, parsed. */
  lines: LogLine[];
  /** The lines whose message is `msg`. */
  said(msg: string): LogLine[];
  /** Everything written so far, as written: what a log shipper would receive. */
  text(): string;
}

export function captureLog(level = 'info'): CapturedLog {
  const written: string[] = [];
  const lines: LogLine[] = [];
  const log = createLogger(level, 'kanal-aduan', false, {
    write(chunk: string) {
      written.push(chunk);
      for (const line of chunk.split('\n').filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
    },
  });
  return { log, lines, said: (msg) => lines.filter((l) => l.msg === msg), text: () => written.join('') };
}
