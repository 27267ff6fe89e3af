/**
 * Logging in and out, who am I, my password, my language and my TOTP. A login answers the same
 * for an unknown e-mail and a wrong password; five wrong ones lock the account for 15 minutes
 * (423), and each client address has its own rate limit before that.
 */
import { asc, eq } from 'drizzle-orm';
import QRCode from 'qrcode';
import { z } from 'zod';
import * as t from '../../db/schema.js';
import { attemptLogin, checkPassword, disableTotp, enableTotp, newTotpSecret, passwordSchema, setPassword } from '../accounts.js';
import type { ConsoleRouteModule } from '../api.js';
import { recordAudit } from '../audit.js';
import { permissionsOf, PERMISSIONS } from '../permissions.js';
import { PostgresSessionStore } from '../session-store.js';
import { loadStaffUser, type StaffUser } from '../staff-user.js';

const me = z.object({
  id: z.number(),
  name: z.string(),
  email: z.string(),
  role: z.enum(['admin', 'verifikator', 'petugas', 'pimpinan']),
  dinasId: z.number().nullable(),
  unitId: z.number().nullable(),
  regionPrefix: z.string().nullable(),
  lang: z.enum(['id', 'en']),
  mustChangePassword: z.boolean(),
  totpEnabled: z.boolean(),
  permissions: z.array(z.enum(PERMISSIONS)),
});
const meWithToken = z.object({ staff: me, csrfToken: z.string() });
const error = z.object({ error: z.string(), message: z.string().optional(), retryAfterSeconds: z.number().optional() });

function describe(staff: StaffUser): z.infer<typeof me> {
  const { actor: _actor, ...rest } = staff;
  return { ...rest, permissions: [...permissionsOf(staff.role)] };
}

/** Routes a person who must change their password may still use. */
export const BEFORE_PASSWORD_CHANGE = new Set(['/api/v1/me', '/api/v1/me/password', '/api/v1/auth/logout']);

export const authRoutes: ConsoleRouteModule = (api, { ctx, config }) => {
  const sessions = new PostgresSessionStore(ctx.db.sql);

  api.post(
    '/auth/login',
    {
      config: { public: true, rateLimit: { max: config.CONSOLE_LOGIN_PER_MINUTE, timeWindow: 60_000 } },
      schema: {
        tags: ['auth'],
        summary: 'Log in: sets the session cookie and returns the CSRF token',
        security: [],
        body: z.object({ email: z.string().trim().min(3).max(200), password: z.string().min(1).max(200), totp: z.string().trim().max(10).optional() }),
        response: { 200: meWithToken, 401: error, 423: error },
      },
    },
    async (request, reply) => {
      const now = ctx.now();
      const result = await attemptLogin(ctx.db.db, ctx.nikKeys, request.body, now);
      if (!result.ok) {
        await recordAudit(ctx.db.db, { staff: null, action: 'auth.login.failed', details: { reason: result.reason }, ip: request.ip, at: now });
        if (result.reason === 'locked') return reply.code(423).send({ error: 'locked', retryAfterSeconds: result.retryAfterSeconds });
        return reply.code(401).send({ error: result.reason === 'totp-required' ? 'totp_required' : 'invalid' });
      }
      // A new session id at login: a session fixed before cannot be carried over.
      await request.session.regenerate();
      request.session.staffId = result.staffId;
      await sessions.sweep();
      const staff = (await loadStaffUser(ctx.db.db, result.staffId))!;
      await recordAudit(ctx.db.db, { staff, action: 'auth.login', ip: request.ip, at: now });
      return { staff: describe(staff), csrfToken: reply.generateCsrf() };
    },
  );

  api.post(
    '/auth/logout',
    { schema: { tags: ['auth'], summary: 'Log out: ends the session on the server', response: { 204: z.null() } } },
    async (request, reply) => {
      await request.session.destroy();
      return reply.code(204).send(null);
    },
  );

  api.get(
    '/me',
    { schema: { tags: ['auth'], summary: 'The logged-in person, their permissions and the CSRF token', response: { 200: meWithToken } } },
    async (request, reply) => ({ staff: describe(request.staff), csrfToken: reply.generateCsrf() }),
  );

  api.patch(
    '/me',
    { schema: { tags: ['auth'], summary: 'Change my console language', body: z.object({ lang: z.enum(['id', 'en']) }), response: { 200: me } } },
    async (request) => {
      await ctx.db.db.update(t.staff).set({ lang: request.body.lang }).where(eq(t.staff.id, request.staff.id));
      return describe({ ...request.staff, lang: request.body.lang });
    },
  );

  api.post(
    '/me/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change my password (needs the current one)',
        body: z.object({ current: z.string().min(1).max(200), next: passwordSchema }),
        response: { 204: z.null(), 403: error },
      },
    },
    async (request, reply) => {
      if (!(await checkPassword(ctx.db.db, request.staff.id, request.body.current))) return reply.code(403).send({ error: 'wrong_password' });
      await setPassword(ctx.db.db, request.staff.id, request.body.next, false);
      await recordAudit(ctx.db.db, { staff: request.staff, action: 'auth.password.change', ip: request.ip, at: ctx.now() });
      return reply.code(204).send(null);
    },
  );

  api.post(
    '/me/totp/setup',
    {
      schema: {
        tags: ['auth'],
        summary: 'Start TOTP setup: a secret and its QR code for an authenticator app',
        response: { 200: z.object({ secret: z.string(), uri: z.string(), qrSvg: z.string() }) },
      },
    },
    async (request) => {
      const { secret, uri } = newTotpSecret(request.staff.email);
      request.session.pendingTotpSecret = secret;
      return { secret, uri, qrSvg: await QRCode.toString(uri, { type: 'svg', margin: 1 }) };
    },
  );

  api.post(
    '/me/totp/enable',
    { schema: { tags: ['auth'], summary: 'Confirm TOTP with a code from the app', body: z.object({ code: z.string().trim() }), response: { 204: z.null(), 400: error } } },
    async (request, reply) => {
      const secret = request.session.pendingTotpSecret;
      if (!secret || !(await enableTotp(ctx.db.db, ctx.nikKeys, request.staff.id, secret, request.body.code))) return reply.code(400).send({ error: 'wrong_code' });
      request.session.pendingTotpSecret = undefined;
      await recordAudit(ctx.db.db, { staff: request.staff, action: 'auth.totp.enable', ip: request.ip, at: ctx.now() });
      return reply.code(204).send(null);
    },
  );

  api.post(
    '/me/totp/disable',
    { schema: { tags: ['auth'], summary: 'Turn TOTP off (needs the password)', body: z.object({ password: z.string().min(1).max(200) }), response: { 204: z.null(), 403: error } } },
    async (request, reply) => {
      if (!(await checkPassword(ctx.db.db, request.staff.id, request.body.password))) return reply.code(403).send({ error: 'wrong_password' });
      await disableTotp(ctx.db.db, request.staff.id);
      await recordAudit(ctx.db.db, { staff: request.staff, action: 'auth.totp.disable', ip: request.ip, at: ctx.now() });
      return reply.code(204).send(null);
    },
  );

  api.get(
    '/reference',
    {
      schema: {
        tags: ['reference'],
        summary: 'Dinas with their units, the categories and the broadcast topics: for filters and forms',
        response: {
          200: z.object({
            dinas: z.array(z.object({ id: z.number(), code: z.string(), name: z.string(), units: z.array(z.object({ id: z.number(), code: z.string(), name: z.string() })) })),
            categories: z.array(z.object({ code: z.string(), name: z.object({ id: z.string(), en: z.string() }) })),
            topics: z
              .array(z.object({ code: z.string(), name: z.object({ id: z.string(), en: z.string() }), dinasId: z.number().nullable() }))
              .describe("Active broadcast topics citizens subscribe to; a dinas's own (dinasId) or everyone's (null)"),
          }),
        },
      },
    },
    async () => {
      const [dinasRows, unitRows, categoryRows, topicRows] = await Promise.all([
        ctx.db.db.select({ id: t.dinas.id, code: t.dinas.code, name: t.dinas.name }).from(t.dinas).orderBy(asc(t.dinas.id)),
        ctx.db.db.select({ id: t.units.id, code: t.units.code, name: t.units.name, dinasId: t.units.dinasId }).from(t.units).orderBy(asc(t.units.id)),
        ctx.db.db.select({ code: t.categories.code, name: t.categories.name }).from(t.categories).orderBy(asc(t.categories.position)),
        ctx.db.db.select({ code: t.topics.code, name: t.topics.name, dinasId: t.topics.dinasId }).from(t.topics).where(eq(t.topics.active, true)).orderBy(asc(t.topics.position)),
      ]);
      return {
        dinas: dinasRows.map((d) => ({ ...d, units: unitRows.filter((u) => u.dinasId === d.id).map(({ dinasId: _d, ...u }) => u) })),
        categories: categoryRows,
        topics: topicRows,
      };
    },
  );
};
