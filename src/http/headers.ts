/**
 * Security headers on every answer (@fastify/helmet), with one Content-Security-Policy for every
 * page: scripts and styles only from this server or inline with the answer's nonce
 * (`reply.cspNonce.script` / `.style`), nothing loaded from elsewhere, never framed. Pages that
 * carry their script inline (the web chat: one round trip on a poor network) put the nonce on it.
 * HSTS only where the product is served over HTTPS (production or an https PUBLIC_URL).
 *
 * @example
 *   await registerHeaders(app, { https: config.NODE_ENV === 'production' });
 *   app.get('/page', (req, reply) => reply.type('text/html').send(`<script nonce="${reply.cspNonce.script}">…</script>`));
 */
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export async function registerHeaders(app: FastifyInstance, options: { https: boolean }): Promise<void> {
  await app.register(helmet, {
    global: true,
    enableCSPNonces: true,
    strictTransportSecurity: options.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        // Links to OpenStreetMap and the privacy notice open as pages; nothing is embedded from elsewhere.
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        // Over plain HTTP (a quick start reached by its LAN address) upgrading would break every asset.
        upgradeInsecureRequests: options.https ? [] : null,
      },
    },
  });
}
