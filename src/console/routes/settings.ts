/**
 * `/api/v1/settings`: SLA policies, holidays and *cuti bersama*, staff notification targets and
 * webhook endpoints, edited by staff with `settings.edit`. A dinas's own admin edits its own SLA
 * rows, targets and webhooks; default SLAs and holidays decide for every dinas and are edited by
 * the installation's admins. Every change is audited (never a secret or a staff address) and
 * reaches every process at once. A webhook's signing secret is shown once, when it is made.
 */
import { z } from 'zod';
import * as edit from '../../catalogue/edit/settings.js';
import type { ConsoleRouteModule } from '../api.js';
import { editableList } from '../editing.js';
import { requirePermission } from '../permissions.js';

const slaPolicyRow = z.object({
  id: z.number(),
  dinasId: z.number().nullable(),
  categoryCode: z.string().nullable(),
  verifyDays: z.number(),
  followUpDays: z.number(),
  closeAfterDays: z.number(),
});
const holidayRow = z.object({ day: z.string(), name: z.string(), kind: z.string() });
const notificationTargetRow = z.object({
  id: z.number(),
  dinasId: z.number(),
  unitId: z.number().nullable(),
  kind: z.string(),
  address: z.string(),
  eventTypes: z.array(z.string()),
  audience: z.string(),
  active: z.boolean(),
  createdAt: z.date(),
});
/** Never the secret. */
const webhookRow = z.object({
  id: z.number(),
  dinasId: z.number(),
  url: z.string(),
  active: z.boolean(),
  eventTypes: z.array(z.string()),
  disabledReason: z.string().nullable(),
  createdAt: z.date(),
});

export const settingsRoutes: ConsoleRouteModule = (api, { ctx }) => {
  const scope = api;
  scope.get(
    '/settings',
    {
      preHandler: requirePermission('settings.edit'),
      schema: {
        tags: ['settings'],
        summary: 'SLA policies, holidays (from last year on), notification targets and webhooks the editor may see',
        response: {
          200: z.object({
            editableDinasId: z.number().nullable(),
            dinas: z.array(z.object({ id: z.number(), name: z.string() })),
            units: z.array(z.object({ id: z.number(), dinasId: z.number(), name: z.string() })),
            categories: z.array(z.object({ code: z.string(), name: z.object({ id: z.string(), en: z.string() }) })),
            slaPolicies: z.array(slaPolicyRow),
            holidays: z.array(holidayRow),
            notificationTargets: z.array(notificationTargetRow),
            webhooks: z.array(webhookRow),
          }),
        },
      },
    },
    async (request) => ({ editableDinasId: request.staff.dinasId, ...(await edit.readSettings(ctx, request.staff)) }),
  );

  const list = <Key extends string | number>(path: string, what: string, spec: Omit<Parameters<typeof editableList<Key>>[2], 'path' | 'what' | 'tag' | 'permission'>) =>
    editableList<Key>(scope, ctx, { path: `/settings/${path}`, what, tag: 'settings', permission: 'settings.edit', ...spec });
  list('sla-policies', 'SLA policy', {
    row: slaPolicyRow,
    create: edit.slaPolicyInput,
    update: edit.slaPolicyUpdate,
    handlers: { create: edit.createSlaPolicy, update: edit.updateSlaPolicy, remove: edit.deleteSlaPolicy },
  });
  list<string>('holidays', 'holiday or cuti bersama day', {
    row: holidayRow,
    create: edit.holidayInput,
    update: edit.holidayUpdate,
    key: z.iso.date(),
    handlers: { create: edit.createHoliday, update: edit.updateHoliday, remove: edit.deleteHoliday },
  });
  list('notification-targets', 'staff notification target', {
    row: notificationTargetRow,
    create: edit.notificationTargetCreate,
    update: edit.notificationTargetUpdate,
    handlers: { create: edit.createNotificationTarget, update: edit.updateNotificationTarget, remove: edit.deleteNotificationTarget },
  });
  list('webhooks', 'webhook endpoint', {
    row: webhookRow,
    create: edit.webhookCreate,
    update: edit.webhookUpdate,
    created: z.object({ id: z.number(), secret: z.string().describe('The signing secret: shown this once') }),
    handlers: { create: edit.createWebhook, update: edit.updateWebhook, remove: edit.deleteWebhook },
  });
};
