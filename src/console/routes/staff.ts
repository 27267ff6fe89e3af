/**
 * `/api/v1/staff`: accounts managed by admins (`staff.manage`). New accounts and password resets
 * take a one-time password the admin hands over; the person must choose their own at the next
 * login. An admin of one dinas manages that dinas's accounts only (others answer 404).
 */
import { z } from 'zod';
import { STAFF_ROLES } from '../accounts.js';
import type { ConsoleRouteModule } from '../api.js';
import { refusals } from '../editing.js';
import { requirePermission } from '../permissions.js';
import * as accounts from '../staff-admin.js';

const account = z.object({
  id: z.number(),
  name: z.string(),
  email: z.string(),
  role: z.enum(STAFF_ROLES),
  dinasId: z.number().nullable(),
  unitId: z.number().nullable(),
  regionPrefix: z.string().nullable(),
  supervisor: z.boolean(),
  active: z.boolean(),
  lang: z.enum(['id', 'en']),
  mustChangePassword: z.boolean(),
  totpEnabled: z.boolean(),
  lockedUntil: z.date().nullable(),
  lastLoginAt: z.date().nullable(),
  createdAt: z.date(),
});
const idParams = z.object({ id: z.coerce.number().int().positive() });

export const staffRoutes: ConsoleRouteModule = (api, { ctx }) => {
  const scope = api;
  const preHandler = requirePermission('staff.manage');
  const tags = ['staff'];
  const manager = (request: { staff: import('../staff-user.js').StaffUser; ip: string }) => ({ staff: request.staff, ip: request.ip });

  scope.get(
    '/staff',
    {
      preHandler,
      schema: {
        tags,
        summary: 'Accounts the admin manages (own dinas only for a dinas admin), with the dinas and units they may be given',
        response: {
          200: z.object({
            /** Null: manages every account; a dinas id: that dinas's accounts only. */
            managedDinasId: z.number().nullable(),
            accounts: z.array(account),
            dinas: z.array(z.object({ id: z.number(), name: z.string() })),
            units: z.array(z.object({ id: z.number(), dinasId: z.number(), name: z.string() })),
          }),
        },
      },
    },
    async (request) => ({
      managedDinasId: request.staff.dinasId,
      accounts: await accounts.listAccounts(ctx, manager(request)),
      ...(await accounts.scopeChoices(ctx, manager(request))),
    }),
  );
  scope.post(
    '/staff',
    {
      preHandler,
      schema: { tags, summary: 'Create an account with a one-time password (changed at the first login)', body: accounts.staffCreate, response: { 201: account, ...refusals } },
    },
    async (request, reply) => reply.code(201).send(await accounts.createAccount(ctx, manager(request), request.body)),
  );
  scope.patch(
    '/staff/:id',
    { preHandler, schema: { tags, summary: 'Change role, scope, name, language or switch an account off/on', params: idParams, body: accounts.staffUpdate, response: { 200: account, ...refusals } } },
    async (request) => accounts.updateAccount(ctx, manager(request), request.params.id, request.body),
  );
  scope.post(
    '/staff/:id/password',
    {
      preHandler,
      schema: { tags, summary: "Reset a password: a one-time password, the person's sessions end", params: idParams, body: accounts.passwordReset, response: { 200: account, ...refusals } },
    },
    async (request) => accounts.resetPassword(ctx, manager(request), request.params.id, request.body),
  );
  scope.post(
    '/staff/:id/unlock',
    { preHandler, schema: { tags, summary: 'Lift a lockout after repeated bad passwords', params: idParams, response: { 200: account, ...refusals } } },
    async (request) => accounts.unlockAccount(ctx, manager(request), request.params.id),
  );
  scope.post(
    '/staff/:id/totp/remove',
    { preHandler, schema: { tags, summary: 'Remove two-step login (a lost phone)', params: idParams, response: { 200: account, ...refusals } } },
    async (request) => accounts.removeTotp(ctx, manager(request), request.params.id),
  );
};
