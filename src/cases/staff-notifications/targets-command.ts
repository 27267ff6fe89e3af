/**
 * The operator's way to set notification targets until the console has a page for them:
 * `npm run staff:targets -- list`, `add --dinas <code> [--unit <code>] --kind <kind> --address <a>
 * [--audience supervisor] [--events created,forwarded]`, `disable <id>`, `enable <id>`.
 */
import { parseArgs } from 'node:util';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import * as t from '../../db/schema.js';
import { addNotificationTarget, NotificationTargetError, type NotificationTargetInput } from './targets.js';

export const TARGETS_USAGE = [
  'usage: npm run staff:targets -- <command>',
  '  list',
  '  add --dinas <code> [--unit <code>] --kind email|telegram|whatsapp-cloud --address <address>',
  '      [--audience unit|supervisor] [--events created,forwarded,reminder,escalation,citizen-info,reopened]',
  '      (an address starting with "-", as Telegram group ids do, is written --address=-100…)',
  '  disable <id>',
  '  enable <id>',
].join('\n');

/** Runs one command and returns what to print; a mistake throws `NotificationTargetError` with the reason. */
export async function targetsCommand(db: Db, argv: string[]): Promise<string> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'list':
      return list(db);
    case 'add':
      return add(db, rest);
    case 'disable':
    case 'enable':
      return setActive(db, rest, command === 'enable');
    default:
      throw new NotificationTargetError(TARGETS_USAGE);
  }
}

async function list(db: Db): Promise<string> {
  const rows = await db
    .select({ target: t.notificationTargets, dinas: t.dinas.code, unit: t.units.code })
    .from(t.notificationTargets)
    .innerJoin(t.dinas, eq(t.dinas.id, t.notificationTargets.dinasId))
    .leftJoin(t.units, eq(t.units.id, t.notificationTargets.unitId))
    .orderBy(asc(t.dinas.code), asc(t.notificationTargets.id));
  if (rows.length === 0) return 'no notification targets';
  return rows
    .map(({ target, dinas, unit }) =>
      [
        `#${target.id}`,
        unit ? `${dinas}/${unit}` : `${dinas} (whole dinas)`,
        target.kind,
        target.address,
        target.audience,
        target.eventTypes.join(','),
        target.active ? '' : '(disabled)',
      ]
        .filter(Boolean)
        .join('  '),
    )
    .join('\n');
}

async function add(db: Db, args: string[]): Promise<string> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        dinas: { type: 'string' },
        unit: { type: 'string' },
        kind: { type: 'string' },
        address: { type: 'string' },
        audience: { type: 'string' },
        events: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new NotificationTargetError(`${(err as Error).message}\n${TARGETS_USAGE}`);
  }
  if (!values.dinas) throw new NotificationTargetError(`--dinas is required\n${TARGETS_USAGE}`);
  const [dinas] = await db.select().from(t.dinas).where(eq(t.dinas.code, values.dinas));
  if (!dinas) throw new NotificationTargetError(`no dinas with code "${values.dinas}"`);
  let unitId: number | null = null;
  if (values.unit) {
    const [unit] = await db.select().from(t.units).where(and(eq(t.units.dinasId, dinas.id), eq(t.units.code, values.unit)));
    if (!unit) throw new NotificationTargetError(`dinas "${values.dinas}" has no unit "${values.unit}"`);
    unitId = unit.id;
  }
  // Shapes are checked by the target schema; these casts only hand the strings over.
  const target = await addNotificationTarget(db, {
    dinasId: dinas.id,
    unitId,
    kind: values.kind as NotificationTargetInput['kind'],
    address: values.address ?? '',
    audience: values.audience as NotificationTargetInput['audience'],
    eventTypes: values.events?.split(',').map((e) => e.trim()) as NotificationTargetInput['eventTypes'],
  });
  return `added #${target.id}: ${target.kind} ${target.address}, ${target.audience}, ${target.eventTypes.join(',')}`;
}

async function setActive(db: Db, args: string[], active: boolean): Promise<string> {
  const id = Number(args[0]);
  if (!Number.isInteger(id) || id <= 0) throw new NotificationTargetError(`a target id is required\n${TARGETS_USAGE}`);
  const updated = await db.update(t.notificationTargets).set({ active }).where(eq(t.notificationTargets.id, id)).returning({ id: t.notificationTargets.id });
  if (updated.length === 0) throw new NotificationTargetError(`no notification target #${id}`);
  return `${active ? 'enabled' : 'disabled'} #${id}`;
}
