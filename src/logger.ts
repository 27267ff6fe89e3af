/**
 * The one logger. Logs carry ids, never NIK, phone numbers or message text: the redaction
 * list is a safety net for a field that slips in, not the main defence.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export const REDACTED_PATHS = [
  'text', '*.text', 'body', '*.body', 'nik', '*.nik', 'phone', '*.phone', 'description', '*.description',
  'req.headers.authorization', 'req.headers["x-telegram-bot-api-secret-token"]', 'req.headers["x-hub-signature-256"]',
];

/**
 * `pretty` is for a person at a terminal (the quick start); production logs stay JSON lines, on
 * stdout unless given a `destination` (tests read what would be logged from one).
 */
export function createLogger(level: string, name = 'kanal-aduan', pretty = false, destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname', translateTime: 'HH:MM:ss' } } } : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}
