/**
 * Lets an operator link the number on a server without a screen: the current QR as a PNG,
 * behind the admin token. Without a configured token the routes do not exist (404), so a
 * fresh install never exposes the QR: whoever scans it attaches their own WhatsApp account.
 */
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyTypeProvider,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import QRCode from 'qrcode';
import { adminCheck } from '../../http/admin-token.js';
import type { WhatsAppWebConnection } from './connection.js';

export interface WhatsAppQrRouteOptions {
  /** Default `/admin/whatsapp/qr`. */
  path?: string;
  /** Default `/admin/whatsapp/status`. */
  statusPath?: string;
  adminToken: string | undefined;
  connection: Pick<WhatsAppWebConnection, 'state' | 'qr'>;
}

/** Generic over the logger and type provider so the server's own app instance fits as it is. */
export function registerWhatsAppQrRoute<Logger extends FastifyBaseLogger, TypeProvider extends FastifyTypeProvider>(
  app: FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, Logger, TypeProvider>,
  options: WhatsAppQrRouteOptions,
): void {
  const { adminToken, connection } = options;
  if (!adminToken) return;
  const isAdmin = adminCheck(adminToken);
  const UNAUTHORIZED = { error: 'unauthorized' };

  app.get(options.path ?? '/admin/whatsapp/qr', async (request, reply) => {
    if (!isAdmin(request.headers.authorization)) {
      return reply.code(401).header('WWW-Authenticate', 'Bearer').send(UNAUTHORIZED);
    }
    reply.header('Cache-Control', 'no-store');
    const { state, qr } = connection;
    if (state === 'qr' && qr) {
      const png = await QRCode.toBuffer(qr, { type: 'png', margin: 2, width: 320 });
      return reply.type('image/png').send(png);
    }
    if (state === 'ready') return reply.send({ state });
    return reply.code(503).send({ state });
  });

  app.get(options.statusPath ?? '/admin/whatsapp/status', async (request, reply) => {
    if (!isAdmin(request.headers.authorization)) {
      return reply.code(401).header('WWW-Authenticate', 'Bearer').send(UNAUTHORIZED);
    }
    return reply.header('Cache-Control', 'no-store').send({ state: connection.state });
  });
}
