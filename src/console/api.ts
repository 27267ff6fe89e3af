/**
 * The console's JSON API under `/api/v1`: the console's own pages use it, and so can a dinas's
 * tools. Schemas are zod (fastify-type-provider-zod), and the same schemas describe the API at
 * `/api/v1/openapi.json` (@fastify/swagger). Every route but login and the description needs a
 * logged-in person (401 otherwise; `request.staff` is set), and every request that changes
 * something carries the session's CSRF token in `x-csrf-token` (403 otherwise).
 *
 * Areas add routes as `ConsoleRouteModule`s listed in routes/index.ts.
 */
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import session from '@fastify/session';
import swagger from '@fastify/swagger';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { BroadcastService } from '../broadcasts/broadcasts.js';
import { SettingsRefused } from '../catalogue/edit/change.js';
import { CaseForbidden, CaseNotFound, TransitionRefused, type CaseService } from '../cases/service.js';
import type { WhatsAppWebConnection } from '../channels/whatsapp-web/connection.js';
import type { Config } from '../config.js';
import type { PipelineContext } from '../conversation/context.js';
import type { MediaStorage } from '../media/storage.js';
import { AccountError } from './accounts.js';
import type { ConsoleLive } from './live.js';
import { PostgresSessionStore, SESSION_COOKIE, SESSION_HOURS } from './session-store.js';
import { loadStaffUser } from './staff-user.js';
import { BEFORE_PASSWORD_CHANGE } from './routes/auth.js';
import { servedOverHttps } from '../http/server.js';

export interface ConsoleDeps {
  ctx: PipelineContext;
  config: Config;
  cases: CaseService;
  broadcasts: BroadcastService;
  mediaStorage: MediaStorage;
  live: ConsoleLive;
  /** The WhatsApp Web link of this process, when it runs one (its state and QR for the operations page). */
  whatsappWeb?: Pick<WhatsAppWebConnection, 'state' | 'qr'> | null;
}

/** The `/api/v1` scope, typed by its zod schemas. */
export type ConsoleApi = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** One area's routes (inbox, case page, live chat…), registered on the `/api/v1` scope. */
export type ConsoleRouteModule = (api: ConsoleApi, deps: ConsoleDeps) => void;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without a login (login itself, the OpenAPI description). */
    public?: boolean;
  }
  interface Session {
    staffId?: number;
    /** A TOTP secret shown for setup, kept until the person confirms a code. */
    pendingTotpSecret?: string;
  }
}

export const API_PREFIX = '/api/v1';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface ApiOptions {
  sessionSecret: string;
  routes: ConsoleRouteModule[];
  /** Login attempts one client address may make per minute, before the per-account lockout. */
  loginPerMinute: number;
}

export async function registerConsoleApi(http: FastifyInstance, deps: ConsoleDeps, options: ApiOptions): Promise<void> {
  await http.register(
    async (scope) => {
      const api = scope.withTypeProvider<ZodTypeProvider>();
      api.setValidatorCompiler(validatorCompiler);
      api.setSerializerCompiler(serializerCompiler);
      await api.register(swagger, {
        openapi: {
          info: {
            title: 'Kanal Aduan console API',
            version: '1',
            description:
              'The API the agent console uses. Log in with POST /api/v1/auth/login (a session cookie); send the `csrfToken` of GET /api/v1/me as `x-csrf-token` with every request that changes something. A case outside your scope answers 404.',
          },
          components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
          security: [{ session: [] }],
        },
        transform: jsonSchemaTransform,
      });
      await api.register(cookie);
      await api.register(session, {
        secret: options.sessionSecret,
        cookieName: SESSION_COOKIE,
        store: new PostgresSessionStore(deps.ctx.db.sql),
        saveUninitialized: false,
        // In production, Secure whenever the request came over HTTPS ('auto': the request's
        // protocol, which behind a TLS proxy is its X-Forwarded-Proto once the proxy is trusted;
        // over plain HTTP @fastify/session then makes it SameSite=Lax, the CSRF header still
        // required). A fixed `true` made @fastify/session drop every session reached over plain
        // HTTP: behind a proxy that was not trusted, login answered 200 and the next call 401.
        // The quick start on http://localhost keeps a plain Strict cookie.
        cookie: {
          path: '/',
          httpOnly: true,
          sameSite: 'strict',
          secure: servedOverHttps(deps.config) ? 'auto' : false,
          maxAge: SESSION_HOURS * 3_600_000,
        },
      });
      await api.register(csrf, { sessionPlugin: '@fastify/session', getToken: (req) => req.headers['x-csrf-token'] as string | undefined });

      api.addHook('onRequest', async (request, reply) => {
        if (request.routeOptions.config.public) return;
        const staffId = request.session.staffId;
        const staff = staffId === undefined ? null : await loadStaffUser(deps.ctx.db.db, staffId);
        if (!staff) {
          if (staffId !== undefined) await request.session.destroy();
          return reply.code(401).send({ error: 'unauthenticated' });
        }
        request.staff = staff;
        // After an admin's reset, nothing but choosing a new password (and logging out).
        if (staff.mustChangePassword && !BEFORE_PASSWORD_CHANGE.has(request.routeOptions.url ?? '')) {
          return reply.code(403).send({ error: 'password_change_required' });
        }
      });
      api.addHook('onRequest', (request, reply, done) => {
        if (request.routeOptions.config.public || SAFE_METHODS.has(request.method)) return done();
        api.csrfProtection(request, reply, done);
      });

      api.setErrorHandler((error, request, reply) => {
        if (hasZodFastifySchemaValidationErrors(error)) {
          return reply.code(400).send({ error: 'invalid', issues: error.validation.map((v) => ({ path: v.instancePath, message: v.message })) });
        }
        if (error instanceof CaseNotFound) return reply.code(404).send({ error: 'not_found' });
        if (error instanceof CaseForbidden) return reply.code(403).send({ error: 'forbidden' });
        if (error instanceof TransitionRefused) return reply.code(409).send({ error: 'refused', message: error.message });
        if (error instanceof AccountError) return reply.code(409).send({ error: 'refused', message: error.message });
        // A refused catalogue, settings or account edit carries its own status and reason.
        if (error instanceof SettingsRefused) return reply.code(error.status).send({ error: error.reason, message: error.message });
        const status = (error as { statusCode?: number }).statusCode ?? 500;
        if ((error as { code?: string }).code?.startsWith('FST_CSRF')) return reply.code(403).send({ error: 'csrf' });
        if (status === 429) return reply.code(429).send({ error: 'rate_limited' });
        if (status < 500) return reply.code(status).send({ error: 'bad_request', message: (error as Error).message });
        request.log.error({ err: { type: (error as Error).name, code: (error as { code?: string }).code } }, 'console API error');
        return reply.code(500).send({ error: 'internal' });
      });

      api.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => api.swagger());
      for (const routes of options.routes) routes(api, deps);
    },
    { prefix: API_PREFIX },
  );
}
