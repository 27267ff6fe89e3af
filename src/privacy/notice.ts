/**
 * The full privacy notice (UU 27/2022), a plain page the chat's short notice links to: `/privasi`
 * in Indonesian, `/privacy` in English. Who the controller is (the dinas that runs the desk: the
 * catch-all routing rule's), who receives reports (every dinas in the catalogue), what is held and
 * why, how long it is kept, the citizen's rights and how to use them in the chat, and whom to ask.
 * The words are the citizen-facing copy (`flows/copy/`); the facts are read per request, so a
 * renamed dinas shows at once.
 *
 * @example
 *   registerPrivacyNotice(app, ctx, { contact: 'ppid@bandung.go.id', retention: retentionSettings(config).periods });
 */
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { copy } from '../../flows/copy/index.js';
import type { Lang } from '../conversation/contract.js';
import type { PipelineContext } from '../conversation/context.js';
import type { Db } from '../db/client.js';
import { DEFAULT_DINAS_ID } from '../livechat/requests.js';
import type { RetentionPeriods } from '../retention/purge.js';

/** How long each kind of personal data is kept, in days: the retention purge's own settings (RETENTION_*). */
export type RetentionDays = Pick<RetentionPeriods, 'messageDays' | 'draftDays' | 'mediaDays' | 'closedCaseDays'>;

export interface NoticeFacts {
  controller: { name: string; hours: { id: string; en: string } };
  recipients: string[];
  /** Where to ask about personal data (`PRIVACY_CONTACT`); null: the chat only. */
  contact: string | null;
  retention: RetentionDays;
}

export async function noticeFacts(db: Db, options: { contact: string | null; retention: RetentionDays }): Promise<NoticeFacts> {
  const [controller] = (await db.execute(sql`select name, hours from dinas where id = ${DEFAULT_DINAS_ID}`)) as unknown as NoticeFacts['controller'][];
  const recipients = (await db.execute(sql`select name from dinas order by name`)) as unknown as { name: string }[];
  return {
    controller: controller ?? { name: '-', hours: { id: '-', en: '-' } },
    recipients: recipients.map((row) => row.name),
    contact: options.contact,
    retention: options.retention,
  };
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Copy text as HTML: escaped, with the chat's `*bold*` as bold. */
function rich(text: string): string {
  return escapeHtml(text).replace(/\*([^*\n]+)\*/g, '<strong>$1</strong>');
}

const list = (items: readonly string[]) => `<ul>${items.map((item) => `<li>${rich(item)}</li>`).join('')}</ul>`;

export function noticePage(lang: Lang, facts: NoticeFacts, styleNonce: string): string {
  const page = copy[lang].privacy.page;
  const days = (count: number) => page.days(count);
  const { retention } = facts;
  const sections = [
    `<h2>${rich(page.controllerTitle)}</h2><p>${rich(page.controller(facts.controller.name))}</p><p>${rich(page.recipients(facts.recipients.join(', ')))}</p>`,
    `<h2>${rich(page.purposesTitle)}</h2>${list(page.purposes)}`,
    `<h2>${rich(page.heldTitle)}</h2>${list(page.held)}`,
    `<h2>${rich(page.retentionTitle)}</h2>${list(
      page.retention({
        messageDays: days(retention.messageDays),
        draftDays: days(retention.draftDays),
        mediaDays: days(retention.mediaDays),
        closedCaseDays: days(retention.closedCaseDays),
      }),
    )}`,
    `<h2>${rich(page.rightsTitle)}</h2>${list(page.rights)}`,
    `<h2>${rich(page.contactTitle)}</h2>${facts.contact ? `<p>${rich(page.contact(facts.contact))}</p>` : ''}<p>${rich(page.inChat(facts.controller.hours[lang]))}</p>`,
  ];
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${rich(page.title)} · Kanal Aduan</title>
<style nonce="${styleNonce}">body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1f2933}main{max-width:42rem;margin:0 auto;padding:1rem 1.25rem 3rem}h1{font-size:1.6rem}h2{font-size:1.15rem;margin-top:1.75rem}a{color:#0b5cad}.lang{text-align:right}</style>
</head>
<body>
<main>
<p class="lang"><a href="${page.otherLanguage.path}" hreflang="${lang === 'id' ? 'en' : 'id'}">${rich(page.otherLanguage.label)}</a></p>
<h1>${rich(page.title)}</h1>
<p>${rich(page.intro)}</p>
${sections.join('\n')}
</main>
</body>
</html>
`;
}

/** GET `/privasi` (Indonesian) and `/privacy` (English): the page the short notice in the chat links to. */
export function registerPrivacyNotice(app: FastifyInstance, ctx: PipelineContext, options: { contact: string | null; retention: RetentionDays }) {
  for (const lang of ['id', 'en'] as const) {
    app.get(copy[lang].privacy.page.path, async (_req, reply) => {
      const facts = await noticeFacts(ctx.db.db, options);
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(noticePage(lang, facts, reply.cspNonce.style));
    });
  }
}
