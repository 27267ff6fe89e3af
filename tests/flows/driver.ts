/**
 * Drives the conversation machine the way the runtime does (`step` with a `perform`), against an
 * in-memory world built from the real seed catalogue. A flow test is then a script: messages in,
 * reply texts out. Snapshots go through JSON between steps, as they do through Postgres.
 */
import { readFileSync } from 'node:fs';
import { TICKET_ALPHABET } from '../../src/cases/ticket.js';
import { catalogueFile } from '../../src/catalogue/schema.js';
import type {
  CaseDraft,
  CaseSummary,
  ConversationEvent,
  ConversationInput,
  Effect,
  ResultEvent,
} from '../../src/conversation/contract.js';
import { step, type PersistedSnapshot, type Perform, type ReplyEffect } from '../../src/conversation/step.js';
import { maskNik } from '../../src/pii/nik-rules.js';
import { conversationMachine } from '../../flows/conversation.js';
import { normalise, typoDistance } from '../../flows/text.js';

export const catalogue = catalogueFile.parse(
  JSON.parse(readFileSync(new URL('../../flows/catalogue/catalogue.json', import.meta.url), 'utf8')),
);

type Performed = Exclude<Effect, { type: 'reply' }>;

export interface StoredCase {
  citizen: string;
  draft: CaseDraft;
  summary: CaseSummary;
}

/** The runtime's side of the world: catalogue, cases, NIK sealing, staff desk. */
export class World {
  readonly cases: StoredCase[] = [];
  /** Every effect performed, with who asked, so tests can check what reached the runtime. */
  readonly performed: { citizen: string; effect: Performed }[] = [];
  staffOnline = true;
  private sealedCount = 0;
  private clock = Date.parse('2026-12-01T02:00:00.000Z');

  perform(citizen: string): Perform {
    return async (effect) => {
      this.performed.push({ citizen, effect });
      return this.answer(citizen, effect);
    };
  }

  /** Moves a case along its lifecycle, as staff would in the console. */
  update(ticket: string, change: Partial<Pick<CaseSummary, 'status' | 'note' | 'dueAt' | 'updatedAt'>>) {
    const found = this.cases.find((item) => item.summary.ticket === ticket);
    if (!found) throw new Error(`no case ${ticket}`);
    Object.assign(found.summary, change);
  }

  /** Adds a case as if the citizen had reported it earlier. */
  seedCase(citizen: string, summary: Partial<CaseSummary> = {}): CaseSummary {
    const createdAt = this.tick();
    const stored: CaseSummary = {
      ticket: ticketNumber(this.cases.length + 1),
      kind: 'pengaduan',
      status: 'baru',
      categoryName: catalogue.categories[0].name,
      createdAt,
      updatedAt: createdAt,
      dueAt: '2026-12-04T09:00:00.000Z',
      note: null,
      ...summary,
    };
    const draft: CaseDraft = {
      kind: stored.kind,
      categoryCode: catalogue.categories[0].code,
      description: 'Laporan lama untuk pengujian',
      photos: [],
      anonymous: false,
      confidential: false,
    };
    this.cases.push({ citizen, draft, summary: stored });
    return stored;
  }

  effects<T extends Performed['type']>(type: T): Extract<Performed, { type: T }>[] {
    return this.performed.map((p) => p.effect).filter((e): e is Extract<Performed, { type: T }> => e.type === type);
  }

  private answer(citizen: string, effect: Performed): ResultEvent {
    switch (effect.type) {
      case 'listCategories':
        return { type: 'result.categories', categories: catalogue.categories };
      case 'searchServices':
        return {
          type: 'result.services',
          query: effect.query,
          services: searchServices(effect.query).map(({ code, name }) => ({ code, name })),
        };
      case 'getService': {
        const found = catalogue.services.find((service) => service.code === effect.code);
        if (!found) return { type: 'result.service', service: null };
        const { code, name, requirements, procedure, where, categoryCode } = found;
        return { type: 'result.service', service: { code, name, requirements, procedure, where, categoryCode } };
      }
      case 'createCase': {
        const ticket = ticketNumber(this.cases.length + 1);
        const createdAt = this.tick();
        const category = catalogue.categories.find((item) => item.code === effect.draft.categoryCode)!;
        const summary: CaseSummary = {
          ticket,
          kind: effect.draft.kind,
          status: 'baru',
          categoryName: category.name,
          createdAt,
          updatedAt: createdAt,
          dueAt: '2026-12-04T09:00:00.000Z',
          note: null,
        };
        this.cases.push({ citizen, draft: effect.draft, summary });
        return { type: 'result.caseCreated', ticket, dueAt: summary.dueAt! };
      }
      case 'listOwnCases':
        return { type: 'result.ownCases', cases: this.cases.filter((c) => c.citizen === citizen).map((c) => ({ ...c.summary })) };
      case 'findCase': {
        const found = this.cases.find((c) => c.citizen === citizen && c.summary.ticket === effect.ticket);
        return { type: 'result.case', ticket: effect.ticket, case: found ? { ...found.summary } : null };
      }
      case 'sealNik':
        return { type: 'result.nikSealed', nik: { sealed: `sealed:v1.${++this.sealedCount}`, masked: maskNik(effect.nik) } };
      case 'requestHuman':
        return { type: 'result.humanRequested', staffAvailableNow: this.staffOnline, hours: catalogue.dinas[0].hours };
    }
  }

  private tick(): string {
    this.clock += 3_600_000;
    return new Date(this.clock).toISOString();
  }
}

/** Distinct, valid-looking tickets, deterministic so failures are reproducible. */
function ticketNumber(n: number): string {
  let value = n * 104_729 + 7_777_777;
  let ticket = '';
  for (let i = 0; i < 8; i++) {
    ticket += TICKET_ALPHABET[value % TICKET_ALPHABET.length];
    value = Math.floor(value / TICKET_ALPHABET.length) + i * 13;
  }
  return ticket;
}

/**
 * Stand-in for the runtime's fuse.js search: all services for an empty query, else exact code or
 * keyword, else words contained in names/keywords, else keywords one typo away ("pkj" → PKH).
 */
function searchServices(query: string) {
  const q = normalise(query);
  const services = catalogue.services;
  if (q === '') return services;
  const exact = services.filter((s) => s.code === q || s.keywords.includes(q));
  if (exact.length > 0) return exact;
  const contained = services.filter(
    (s) => normalise(s.name.id).includes(q) || normalise(s.name.en).includes(q) || s.keywords.some((k) => k.includes(q)),
  );
  if (contained.length > 0) return contained;
  return services.filter((s) => s.keywords.some((k) => typoDistance(q, k, 1) <= 1));
}

/** One citizen's chat. `send` returns the reply texts of that step. */
export class Chat {
  snapshot: PersistedSnapshot | null = null;
  replies: ReplyEffect[] = [];

  constructor(
    private readonly world: World,
    readonly citizen = 'citizen-a',
    private readonly input: ConversationInput = {},
  ) {}

  async send(message: string | ConversationEvent): Promise<string[]> {
    const event: ConversationEvent = typeof message === 'string' ? { type: 'citizen.text', text: message } : message;
    const outcome = await step(conversationMachine, this.snapshot, this.input, event, this.world.perform(this.citizen));
    this.snapshot = JSON.parse(JSON.stringify(outcome.snapshot)) as PersistedSnapshot;
    this.replies = outcome.replies;
    return outcome.replies.map((reply) => reply.text);
  }

  /** Sends messages in order and returns the replies to the last one. */
  async say(...messages: (string | ConversationEvent)[]): Promise<string[]> {
    let last: string[] = [];
    for (const message of messages) last = await this.send(message);
    return last;
  }

  /** The state the machine rests in, e.g. "askKind" or "status.askTicket". */
  get state(): string {
    const flatten = (value: unknown): string =>
      typeof value === 'string'
        ? value
        : Object.entries(value as Record<string, unknown>)
            .map(([key, inner]) => `${key}.${flatten(inner)}`)
            .join(',');
    return flatten(this.snapshot?.value);
  }
}

export const photo = (mediaRef: string): ConversationEvent => ({ type: 'citizen.photo', mediaRef });
export const pin = (latitude: number, longitude: number): ConversationEvent => ({ type: 'citizen.location', latitude, longitude });
export const unsupported = (what: Extract<ConversationEvent, { type: 'citizen.unsupported' }>['what']): ConversationEvent => ({
  type: 'citizen.unsupported',
  what,
});
