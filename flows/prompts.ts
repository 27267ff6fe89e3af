/**
 * Rendering replies from the conversation's context. Pure: context in, `reply` effect out, in the
 * citizen's language. The machine decides what to ask; this module decides how it reads.
 */
import type { CaseSummary, Category, ConversationEvent, Effect, HeldData, Region, ServiceDetail, ServiceSummary, Topic } from '../src/conversation/contract.js';
import { copy, type Copy } from './copy/index.js';
import type { ConversationContext, Question } from './context.js';
import { formatDate, showTicket } from './format.js';
import { limits } from './limits.js';
import { choiceReply, prefixed, textReply, withButtons, type Reply } from './reply.js';
import { normalise, truncate } from './text.js';

/** A button whose key is the word the text asks the citizen to type ("Lewati" → "lewati"). */
function wordButton(label: string) {
  return { key: normalise(label), label };
}

/**
 * What the catalogue listed, as the result event that brought it: names the prompt shows but the
 * snapshot does not keep.
 */
export interface Listed {
  categories?: readonly Category[];
  services?: readonly ServiceSummary[];
}

export function listedIn(event: ConversationEvent): Listed {
  if (event.type === 'result.categories') return { categories: event.categories };
  if (event.type === 'result.services') return { services: event.services };
  return {};
}

/**
 * What the current question shows from the catalogue beyond the context, asked for each time it is
 * asked (the effect), unless `listed` brought it already; null when the context is enough.
 */
export function listingFor(context: ConversationContext, listed: Listed): Exclude<Effect, { type: 'reply' }> | null {
  switch (context.question) {
    case 'stated':
    case 'confirm':
      return context.draft.categoryCode === undefined || listed.categories ? null : { type: 'listCategories' };
    case 'service':
      return listed.services ? null : { type: 'searchServices', query: context.services?.query ?? '' };
    default:
      return null;
  }
}

/**
 * The current question (`context.question`), as it is asked the first time and after every re-prompt;
 * `listed`: the names the question shows that the context does not hold (see `listingFor`).
 */
export function renderQuestion(context: ConversationContext, listed: Listed = {}): Reply {
  const c = copy[context.lang];
  const { footer } = c;
  switch (context.question) {
    case 'menu':
      return choiceReply(c.menu.prompt, c.menu.options, footer.menu);
    case 'kind':
      return choiceReply(c.kind.prompt, c.kind.options, footer.back);
    case 'category':
      return choiceReply(c.category.prompt, context.categories.map((category) => category.name[context.lang]), footer.back);
    case 'description':
      return textReply(c.description[context.draft.kind ?? 'pengaduan'], footer.back);
    case 'location':
      return withButtons(textReply(c.location.prompt, footer.back), [wordButton(c.location.skip)]);
    case 'photos':
      return withButtons(textReply(c.photos.prompt, footer.back), [wordButton(c.photos.done), wordButton(c.photos.skip)]);
    case 'identity':
      return choiceReply(c.identity.prompt, c.identity.options, footer.back);
    case 'name':
      return textReply(c.name.prompt, footer.back);
    case 'nik':
      return withButtons(textReply(c.nik.prompt, footer.back), [wordButton(c.nik.skip)]);
    case 'confirm':
      return choiceReply(summary(context, c, listed), c.confirm.options, footer.back);
    case 'edit':
      return choiceReply(c.edit.prompt, c.edit.options, footer.back);
    case 'ticket':
      return choiceReply(
        c.status.listTitle,
        context.cases.map((item) => `${showTicket(item.ticket)} · ${c.status.words[item.status]} · ${formatDate(item.createdAt, c)}`),
        `${c.status.typeTicket}\n${footer.back}`,
      );
    case 'noCases':
      return choiceReply(c.status.none, [c.status.startReport], footer.back);
    case 'service':
      return choiceReply(
        c.services.prompt,
        (listed.services ?? []).map((service) => service.name[context.lang]),
        `${c.services.hint}\n${footer.back}`,
      );
    case 'serviceNext':
      return choiceReply(c.services.next.prompt, c.services.next.options, footer.back);
    case 'ratingScore':
      return withButtons(textReply(c.rating.prompt(showTicket(context.rating?.ticket ?? '')), footer.back), [
        wordButton(c.rating.satisfied),
        wordButton(c.rating.unsatisfied),
        wordButton(c.rating.notFinished),
      ]);
    case 'ratingComment': {
      const low = (context.rating?.score ?? 5) <= LOW_RATING;
      return withButtons(textReply(low ? c.rating.lowComment : c.rating.comment, footer.back), [wordButton(c.rating.skip)]);
    }
    case 'reopenReason':
      return withButtons(textReply(c.rating.reopenReason, footer.back), [wordButton(c.rating.skip)]);
    case 'addInfo':
      return textReply(c.addInfo.prompt(showTicket(context.info?.ticket ?? '')), footer.back);
    case 'addition':
      return choiceReply(c.addition.prompt(truncate(context.addition ?? '', limits.summaryText)), c.addition.options, footer.back);
    case 'duplicate': {
      const similar = context.similar;
      const ticket = showTicket(similar?.ticket ?? '');
      return choiceReply(c.duplicate.prompt(ticket, similar ? formatDate(similar.createdAt, c) : '-'), c.duplicate.options(ticket), footer.back);
    }
    case 'stated': {
      const { draft } = context;
      const category = listed.categories?.find((item) => item.code === draft.categoryCode)?.name[context.lang] ?? null;
      const kind = c.kinds[draft.kind ?? 'pengaduan'];
      return choiceReply(
        c.stated.prompt(truncate(draft.description ?? '', limits.summaryText), kind, category),
        c.stated.options(draft.categoryCode !== undefined),
        footer.back,
      );
    }
    case 'resume': {
      const description = context.parked?.draft.description;
      return choiceReply(c.resume.prompt(description ? truncate(description, limits.summaryText) : c.resume.none), c.resume.options, footer.back);
    }
    case 'myData':
      return choiceReply(c.privacy.again, [c.privacy.eraseOption], footer.backToMenu);
    case 'erase':
      return choiceReply(c.privacy.erase.prompt, c.privacy.erase.options, footer.back);
    case 'topics':
      return choiceReply(c.subscribe.topics, context.topics.map((topic) => topic.name[context.lang]), `${c.subscribe.consent}\n${footer.back}`);
    case 'region':
      return withButtons(textReply(c.subscribe.region, footer.back), [wordButton(c.subscribe.skip)]);
    case 'regionChoice':
      return choiceReply(c.subscribe.regionChoice, context.regions.map((region) => regionLabel(c, region)), footer.back);
    case 'petugas': {
      const human = context.human;
      const availability = !human || human.availableNow ? c.petugas.online : offlineNotice(c, human.hours[context.lang], human.answerFrom ?? null);
      return textReply(c.petugas.recorded, availability, footer.backToMenu);
    }
  }
}

/** Outside staff hours: when someone will answer, read from the local ISO moment as written. */
function offlineNotice(c: Copy, hours: string, answerFrom: string | null): string {
  const match = answerFrom && /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(answerFrom);
  if (!match) return c.petugas.offline(hours);
  const [year, month, day, hour, minute] = match.slice(1).map(Number);
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return c.petugas.answerFrom(`${c.weekdays[weekday]}, ${c.date(day, month, year)}`, c.time(hour, minute), hours);
}

const hintFor: Partial<Record<Question, keyof Copy['hints']>> = { photos: 'photos', ticket: 'ticket', ratingScore: 'rating', topics: 'topics' };
const exampleFor: Partial<Record<Question, keyof Copy['examples']>> = { menu: 'menu', photos: 'photos', ticket: 'ticket', ratingScore: 'rating' };

/** Ratings at or below this ask what was missing, and a reason given reopens the case. */
export const LOW_RATING = 2;

/** The notes waiting in context, as text, in front of `reply`. */
export function withNotes(context: ConversationContext, reply: Reply): Reply {
  const c = copy[context.lang];
  const notes = context.notes.map((key) =>
    key === 'hint' ? c.hints[hintFor[context.question] ?? 'choice'] : key === 'example' ? c.examples[exampleFor[context.question] ?? 'choice'] : c.notes[key],
  );
  return prefixed(notes, reply);
}

/** The short privacy notice under a chat's first reply, while `context.privacyNotice` says it is owed. */
export function withPrivacyNotice(context: ConversationContext, reply: Reply): Reply {
  if (context.privacyNotice === null) return reply;
  return { ...reply, text: textReply(reply.text, copy[context.lang].privacy.notice(context.privacyNotice)).text };
}

/** *data saya*: everything held, the phone and NIK masked, and how to erase it. */
export function heldData(context: ConversationContext, held: HeldData): Reply {
  const c = copy[context.lang];
  const words = c.privacy.held;
  const chats = held.chats.map((chat) => {
    const name = words.channels[chat.channel] ?? chat.channel;
    return chat.phoneMasked ? `${name} (${words.phone(chat.phoneMasked)})` : name;
  });
  const cases = held.cases.map((item) => `${showTicket(item.ticket)} (${c.status.words[item.status]})`);
  if (held.moreCases > 0) cases.push(words.moreCases(held.moreCases));
  const lines = [
    `• ${words.chats}: ${[...new Set(chats)].join(', ')}`,
    `• ${words.name}: ${held.name ?? words.none}`,
    `• ${words.nik}: ${held.nikMasked ?? words.none}`,
    `• ${words.cases}: ${cases.length > 0 ? cases.join(', ') : words.none}`,
    `• ${words.messages}: ${held.messages}`,
    `• ${words.photos}: ${held.photos}`,
  ];
  return choiceReply(textReply(words.title, lines.join('\n'), words.howToErase).text, [c.privacy.eraseOption], c.footer.backToMenu);
}

export function dataErased(context: ConversationContext): Reply {
  return textReply(copy[context.lang].privacy.erase.done);
}

function summary(context: ConversationContext, c: Copy, listed: Listed): string {
  const { draft, lang } = context;
  const { labels } = c.confirm;
  const category = listed.categories?.find((item) => item.code === draft.categoryCode);
  const location = draft.location?.address
    ? truncate(draft.location.address, limits.summaryText)
    : draft.location?.latitude !== undefined && draft.location.longitude !== undefined
      ? c.confirm.pin(draft.location.latitude.toFixed(5), draft.location.longitude.toFixed(5))
      : c.confirm.none;
  const who = draft.anonymous ? c.confirm.anonymous : (draft.reporterName ?? c.confirm.none);
  const lines = [
    `${labels.kind}: ${draft.kind ? c.kinds[draft.kind] : c.confirm.none}`,
    `${labels.category}: ${category?.name[lang] ?? draft.categoryCode ?? c.confirm.none}`,
    draft.service ? `${labels.service}: ${draft.service.name[lang]}` : null,
    `${labels.description}: ${truncate(draft.description ?? '', limits.summaryText)}`,
    `${labels.location}: ${location}`,
    `${labels.photos}: ${draft.photos.length > 0 ? c.confirm.photoCount(draft.photos.length) : c.confirm.none}`,
    `${labels.identity}: ${who}${draft.confidential ? ` ${c.confirm.confidential}` : ''}`,
    draft.nik ? `${labels.nik}: ${draft.nik.masked}` : null,
  ];
  return [c.confirm.title, lines.filter((line) => line !== null).join('\n')].join('\n\n');
}

export function photoReceived(context: ConversationContext): Reply {
  const c = copy[context.lang];
  const count = context.draft.photos.length;
  const next = count < limits.photos ? c.photos.more : c.photos.full;
  return withButtons(textReply(`${c.photos.received(count, limits.photos)} ${next}`), [wordButton(c.photos.done)]);
}

export function photoRefused(context: ConversationContext): Reply {
  const c = copy[context.lang];
  return withButtons(textReply(c.photos.limit(limits.photos)), [wordButton(c.photos.done)]);
}

export function caseCreated(context: ConversationContext, ticket: string, dueAt: string, offer: Topic | null = null): Reply {
  const c = copy[context.lang];
  const created = c.created(showTicket(ticket), formatDate(dueAt, c));
  if (!offer) return textReply(created);
  return withButtons(textReply(created, subscriptionOffer(context, offer)), [wordButton(c.subscribe.offerButton)]);
}

/** The one-tap offer under a new ticket: these words are the consent recorded when the citizen taps. */
export function subscriptionOffer(context: ConversationContext, offer: Topic): string {
  return copy[context.lang].subscribe.offer(offer.name[context.lang]);
}

/** "Kelurahan Cihapit" */
function regionLabel(c: Copy, region: Region): string {
  return `${c.subscribe.levels[region.level] ?? region.level} ${region.name}`;
}

/** Said once the chat is subscribed: which topics, and for which region. */
export function subscribed(context: ConversationContext, region: Region | null): Reply {
  const c = copy[context.lang];
  const names = context.chosenTopics.map((code) => context.topics.find((topic) => topic.code === code)?.name[context.lang] ?? code);
  return textReply(c.subscribe.done(names.join(', '), region ? regionLabel(c, region) : null));
}

export function caseDetail(context: ConversationContext, found: CaseSummary): Reply {
  const c = copy[context.lang];
  const { labels } = c.status;
  const nextStep = found.status in c.status.nextStep ? c.status.nextStep[found.status as keyof Copy['status']['nextStep']] : null;
  const lines = [
    `${labels.ticket}: *${showTicket(found.ticket)}*`,
    `${labels.kind}: ${c.kinds[found.kind]} · ${labels.category}: ${found.categoryName[context.lang]}`,
    `${labels.status}: ${c.status.words[found.status]}`,
    found.note ? `${found.status === 'ditolak' ? labels.reason : labels.note}: ${found.note}` : null,
    `${labels.updated}: ${formatDate(found.updatedAt, c)}`,
    nextStep && found.dueAt ? `${labels.next}: ${c.status.dueBy(nextStep, formatDate(found.dueAt, c))}` : null,
  ];
  return textReply(lines.filter((line) => line !== null).join('\n'), caseActions(found, c), c.status.another);
}

/** What the citizen can do with the case shown: add to it while open, rate it once finished. */
function caseActions(found: CaseSummary, c: Copy): string | null {
  switch (found.status) {
    case 'selesai':
      return `${c.status.rateHint}\n${c.status.addInfoHint}`;
    case 'ditutup':
      return c.status.rateOnlyHint;
    case 'ditolak':
    case 'duplikat':
      return null;
    default:
      return c.status.addInfoHint;
  }
}

export function infoAdded(context: ConversationContext, ticket: string): Reply {
  const c = copy[context.lang];
  return withButtons(textReply(c.addInfo.added(showTicket(ticket))), [wordButton(c.photos.done)]);
}

export function serviceDetail(context: ConversationContext, service: ServiceDetail): Reply {
  const c = copy[context.lang];
  const lang = context.lang;
  const numbered = (items: string[]) => items.map((item, index) => `${index + 1}. ${item}`).join('\n');
  return textReply(
    `*${service.name[lang]}*`,
    `${c.services.requirements}:\n${numbered(service.requirements[lang])}`,
    `${c.services.procedure}:\n${numbered(service.procedure[lang])}`,
    `${c.services.where}:\n${service.where[lang]}`,
  );
}

export function staffAcknowledgement(context: ConversationContext): Reply {
  const c = copy[context.lang];
  return textReply(c.petugas.forwarded, c.footer.backToMenu);
}
