/**
 * `npm run whatsapp:link`: links the agency's phone once, from a terminal. Prints the QR,
 * waits until WhatsApp Web is ready, and leaves the session in the session folder so the
 * server starts already linked. Run it while the server is stopped: both would open the same
 * Chromium profile.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseConfig } from '../../config.js';
import { createLogger } from '../../logger.js';
import { createWebJsClient, DEFAULT_CLIENT_ID } from './client.js';
import { WhatsAppWebConnection } from './connection.js';

if (existsSync('.env')) process.loadEnvFile('.env');
const config = parseConfig();
const sessionDir = resolve(config.WHATSAPP_WEB_SESSION_DIR);
const chromiumPath = config.CHROMIUM_PATH;
const logger = createLogger(config.LOG_LEVEL, 'whatsapp-link');

const connection = new WhatsAppWebConnection({
  clientFactory: () => createWebJsClient({ sessionDir, chromiumPath, clientId: DEFAULT_CLIENT_ID }),
  // Linking only: a citizen's message arriving in these seconds is not processed here.
  onMessage: async () => {},
  saveMedia: async () => {},
  logger,
});

async function finish(code: number, text: string): Promise<never> {
  await connection.stop();
  process.stdout.write(`${text}\n`);
  process.exit(code);
}

connection.onStateChange((state) => {
  if (state === 'ready') void finish(0, `Linked. Session saved in ${sessionDir}.`);
  else if (state === 'auth_failure') void finish(1, 'Linking failed: WhatsApp refused the session. Run it again.');
  else if (state === 'disconnected') void finish(1, 'WhatsApp Web could not start or dropped: see the log above.');
});

process.once('SIGINT', () => void finish(130, 'Cancelled.'));

await connection.start();
