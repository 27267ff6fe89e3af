/**
 * `/api/v1/catalogue`: what the bot answers from, edited by staff with `catalogue.edit`: dinas
 * profiles, units, categories, services and routing rules. A dinas's own admin sees and edits its
 * own dinas, units and services; categories and routing rules decide for every dinas and are edited
 * by the installation's admins (see src/catalogue/edit/change.ts). Every change is audited and
 * reaches the bot in every process at once.
 */
import { z } from 'zod';
import * as edit from '../../catalogue/edit/catalogue.js';
import type { ConsoleRouteModule } from '../api.js';
import { editableList } from '../editing.js';
import { requirePermission } from '../permissions.js';

const bilingual = z.object({ id: z.string(), en: z.string() });
const bilingualList = z.object({ id: z.array(z.string()), en: z.array(z.string()) });

export const dinasRow = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  regionCode: z.string(),
  hours: bilingual,
  staffAvailability: z.object({ timeZone: z.string(), days: z.array(z.number()), from: z.string(), to: z.string() }),
});
export const unitRow = z.object({ id: z.number(), dinasId: z.number(), code: z.string(), name: z.string() });
const categoryRow = z.object({ id: z.number(), code: z.string(), name: bilingual, keywords: z.array(z.string()), position: z.number() });
const serviceRow = z.object({
  id: z.number(),
  code: z.string(),
  name: bilingual,
  keywords: z.array(z.string()),
  requirements: bilingualList,
  procedure: bilingualList,
  where: bilingual,
  categoryCode: z.string(),
  dinasId: z.number(),
  unitId: z.number().nullable(),
  position: z.number(),
});
const routingRuleRow = z.object({
  id: z.number(),
  priority: z.number(),
  categoryCode: z.string().nullable(),
  serviceCode: z.string().nullable(),
  regionPrefix: z.string().nullable(),
  dinasId: z.number(),
  unitId: z.number().nullable(),
});


export const catalogueRoutes: ConsoleRouteModule = (api, { ctx }) => {
  const scope = api;
  scope.get(
    '/catalogue',
    {
      preHandler: requirePermission('catalogue.edit'),
      schema: {
        tags: ['catalogue'],
        summary: 'The catalogue as the editor may see it (own dinas only for a dinas admin)',
        response: {
          200: z.object({
            /** Null: edits everything; a dinas id: that dinas's entries only. */
            editableDinasId: z.number().nullable(),
            dinas: z.array(dinasRow),
            units: z.array(unitRow),
            categories: z.array(categoryRow),
            services: z.array(serviceRow),
            routingRules: z.array(routingRuleRow),
          }),
        },
      },
    },
    async (request) => ({ editableDinasId: request.staff.dinasId, ...(await edit.readCatalogue(ctx, request.staff)) }),
  );

  const list = (path: string, what: string, spec: Pick<Parameters<typeof editableList>[2], 'row' | 'create' | 'update' | 'handlers'>) =>
    editableList(scope, ctx, { path: `/catalogue/${path}`, what, tag: 'catalogue', permission: 'catalogue.edit', ...spec });
  list('dinas', 'dinas', { row: dinasRow, create: edit.dinasInput, update: edit.dinasUpdate, handlers: { create: edit.createDinas, update: edit.updateDinas, remove: edit.deleteDinas } });
  list('units', 'unit', { row: unitRow, create: edit.unitInput, update: edit.unitUpdate, handlers: { create: edit.createUnit, update: edit.updateUnit, remove: edit.deleteUnit } });
  list('categories', 'category', {
    row: categoryRow,
    create: edit.categoryInput,
    update: edit.categoryUpdate,
    handlers: { create: edit.createCategory, update: edit.updateCategory, remove: edit.deleteCategory },
  });
  list('services', 'service', {
    row: serviceRow,
    create: edit.serviceInput,
    update: edit.serviceUpdate,
    handlers: { create: edit.createService, update: edit.updateService, remove: edit.deleteService },
  });
  list('routing-rules', 'routing rule', {
    row: routingRuleRow,
    create: edit.routingRuleInput,
    update: edit.routingRuleUpdate,
    handlers: { create: edit.createRoutingRule, update: edit.updateRoutingRule, remove: edit.deleteRoutingRule },
  });
};
