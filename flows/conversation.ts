/**
 * The citizen conversation: main menu, lapor (report, with the duplicate hint), cek status (with
 * "tambah info" and the rating or reopening of a finished case), persyaratan (service requirements),
 * petugas (ask for a human), *langganan* (broadcast topics and region; *berhenti* stops them, *mulai* resumes), and the citizen's rights over their data: the short privacy notice under
 * a chat's first reply, *data saya* (what is held) and *hapus data saya* (erase it, confirmed). A pure XState machine: it never does I/O, it emits `Effect`s
 * (replies, "create this case", "find that ticket") and the runtime answers with result events. Run it with `step` from src/conversation/step.ts.
 *
 * Every question the citizen is asked is a state; global words (menu/0, batal, bantuan, petugas,
 * english/bahasa) and the catch-all for unusable input live on the root, so a state only lists the
 * answers it accepts. Replies are rendered by `prompts.ts` from the copy in the citizen's language.
 */
import { and, assign, emit, enqueueActions, not, or, setup } from 'xstate';
import type {
  CaseDraft,
  CaseStatus,
  ConversationEvent,
  ConversationInput,
  Effect,
  Lang,
  RatingOutcome,
  Region,
  ServiceSummary,
  TypedNik,
} from '../src/conversation/contract.js';
import { validateNik, type NikProblem } from '../src/pii/nik-rules.js';
import { emptyDraft, type ConversationContext, type Draft, type NoteKey, type Question } from './context.js';
import { readTicket } from './format.js';
import { choiceWords, globalWords } from './keywords.js';
import { copy } from './copy/index.js';
import { limits } from './limits.js';
import {
  caseCreated,
  caseDetail,
  dataErased,
  heldData,
  infoAdded,
  listedIn,
  listingFor,
  LOW_RATING,
  photoReceived,
  photoRefused,
  renderQuestion,
  serviceDetail,
  staffAcknowledgement,
  subscribed,
  subscriptionOffer,
  withNotes,
  withPrivacyNotice,
} from './prompts.js';
import type { Reply } from './reply.js';
import { charCount, matchesWord, normalise, visible } from './text.js';
import { understand, withoutOpening, type Greeting, type Intent, type Understanding } from './understand/understand.js';
import { EMPTY_VOCABULARY } from './understand/vocabulary.js';

/** Stored beside each snapshot; bump whenever states or context change shape, so old snapshots restart politely. */
export const CONVERSATION_VERSION = 7;

const everyGlobalWord: readonly string[] = Object.values(globalWords).flat();
const finishedPhotos = [...choiceWords.done, ...choiceWords.skip];

function textOf(event: ConversationEvent): string | null {
  return event.type === 'citizen.text' ? event.text : null;
}

/** Guards read the same message many times in one step; a long message is normalised once. */
const normalised = new WeakMap<ConversationEvent, string>();

function saidOf(event: ConversationEvent): string {
  let said = normalised.get(event);
  if (said === undefined) {
    said = normalise(textOf(event) ?? '');
    normalised.set(event, said);
  }
  return said;
}

const readings = new WeakMap<ConversationEvent, Understanding>();

/**
 * What the understanding step read in a text: the runtime's reading with the catalogue's words,
 * or, for an event without one, a reading of the intents alone.
 */
function understood(event: ConversationEvent): Understanding | null {
  if (event.type !== 'citizen.text') return null;
  let reading = event.understood ?? readings.get(event);
  if (!reading) {
    reading = understand(event.text, EMPTY_VOCABULARY);
    readings.set(event, reading);
  }
  return reading;
}

function intentIs(event: ConversationEvent, intent: Intent): boolean {
  return understood(event)?.intent === intent;
}

/**
 * A short message that clearly asks for something else ("status ABCD-2345", "syarat pkh",
 * "petugas", "berhenti", "gak jadi", "bingung") is not taken as the answer to a free-text
 * question. The cancel and help intents need every word to be theirs, so "bantuan tidak jadi
 * cair" stays a description.
 */
function isCommand(event: ConversationEvent): boolean {
  const reading = understood(event);
  if (!reading || saidOf(event).split(' ').length > 6) return false;
  if (asksForElsewhere(reading, saidOf(event))) return true;
  switch (reading.intent) {
    case 'cancel':
    case 'help':
    // Only greeting or thanking is not an address or a description.
    case 'greeting':
    case 'thanks':
    case 'goodbye':
      return true;
    default:
      return false;
  }
}

/** A reading that clearly asks for another part of the service: a named ticket's status, requirements, staff, stop, the citizen's data. */
function asksForElsewhere(reading: Understanding, said: string): boolean {
  switch (reading.intent) {
    case 'status':
      return reading.tickets.length > 0 || /\b(status|tiket|ticket)\b/.test(said);
    case 'persyaratan':
      return /(syarat|requirement)/.test(said);
    case 'petugas':
    case 'stop':
    case 'dataRequest':
      return true;
    default:
      return false;
  }
}

/** Words about the summary itself (send it, it is right, it is wrong, change it): no detail of the report. */
const ABOUT_THE_SUMMARY = /\b(kirim|send|benar|betul|correct|salah|harusnya|seharusnya|wrong|ubah|ganti|change|edit|cancel|never mind)\b/;

/** A question typed at the summary ("berapa lama prosesnya?", "kapan ditindaklanjuti?"), not a command. */
const QUESTION = /\?|(?<!-)\b(berapa|kapan|apakah|apa|bagaimana|gimana|gmn|kenapa|mengapa|knp|siapa|how|what|when|why|who|will)\b(?!-)/;

/**
 * Words about keeping the reporter's name from others ("apa nama saya dirahasiakan?", "tolong
 * rahasiakan nama saya"), or about who sees it ("siapa yang bisa lihat identitas saya"). The name
 * alone is not enough: "bantuan atas nama saya belum cair" and "nama saya tidak terdaftar" are
 * about the report.
 */
const SECRECY = /\b(rahasia|rahasiakan|dirahasiakan|merahasiakan|kerahasiaan|anonim|anonymous|anonymously|ketahuan|disembunyikan|sembunyikan|privasi|privacy|confidential|confidentiality)\b/;
const OWN_NAME = /(?<!\batas )\b(nama saya|nama sy|identitas saya|my name|my identity)\b/;
const SEEN = /\b(lihat|melihat|dilihat|tahu|mengetahui|diketahui|tampil|ditampilkan|terlihat|siapa|see|sees|seen|know|knows|known|shown|who)\b/;

/** Words at the summary about who will see the reporter's name: answered by the identity chosen, not taken for a detail. */
function isIdentityQuestion(event: ConversationEvent): boolean {
  const said = saidOf(event);
  return (SECRECY.test(said) || (OWN_NAME.test(said) && SEEN.test(said))) && answeredAtTheSummary(event);
}

/** Words about changing the summary rather than asking about sending it. */
const CHANGE_WORDS = /\b(ubah|ganti|salah|keliru|change|edit|wrong)\b/;

/** normalise() drops a trailing "?", so a question mark is looked for in the text as typed. */
function asksSomething(event: ConversationEvent): boolean {
  return QUESTION.test(saidOf(event)) || /\?/.test(textOf(event) ?? '');
}

function isSummaryQuestion(event: ConversationEvent): boolean {
  return asksSomething(event) && answeredAtTheSummary(event);
}

/** The citizen's own words that the summary itself answers, not the hint's numbers or another part of the service. */
function answeredAtTheSummary(event: ConversationEvent): boolean {
  const said = saidOf(event);
  if (!isOwnWords(event) || matchesWord(said, everyGlobalWord, true)) return false;
  // "kategorinya salah, bagaimana?" asks to change the summary: the hint's numbers answer it.
  if (CHANGE_WORDS.test(said)) return false;
  // What the root honours from any question still wins: a request for staff, stop, data, a named
  // ticket or requirements. A status reading without a ticket ("kapan ditindaklanjuti") is about this report.
  const reading = understood(event);
  return !reading || !asksForElsewhere(reading, said);
}

/**
 * Words typed at the summary instead of a choice that may say more about the report ("oh iya,
 * ibu saya sudah lapor ke kelurahan"), as a citizen adds a detail at the counter before signing:
 * long enough to be a detail, no command, greeting or thanks, no question and nothing about the
 * summary itself, and room left in the description. The citizen is asked before they are added.
 */
function isAddition(draft: Draft, event: ConversationEvent): boolean {
  const said = saidOf(event);
  if (!isOwnWords(event) || visibleLength(event) < limits.descriptionMin) return false;
  if (matchesWord(said, everyGlobalWord, true) || asksSomething(event) || ABOUT_THE_SUMMARY.test(said)) return false;
  const intent = understood(event)?.intent;
  if (intent !== undefined && intent !== 'lapor' && intent !== 'other') return false;
  return charCount(visible(draft.description ?? '')) + 1 + visibleLength(event) <= limits.descriptionMax;
}

/**
 * A complaint stated in the citizen's own words, long enough to stand as the description: it says
 * enough (two words beyond the intent's own), or it names a particular thing gone wrong and the
 * service or category it is about ("pkh ibu sy blm cair": PKH, and *belum cair*), as a citizen at
 * the counter would. "mau lapor masalah bansos" names nothing gone wrong: a blank report.
 */
function isStatedReport(event: ConversationEvent): boolean {
  const reading = understood(event);
  if (reading?.intent !== 'lapor' || visibleLength(event) < limits.descriptionMin) return false;
  const about = reading.services.length > 0 || reading.categoryCode !== null;
  return reading.substance >= 2 || (reading.problems > 0 && about);
}

const greetingNote: Record<Greeting, NoteKey> = {
  salam: 'greetSalam',
  pagi: 'greetPagi',
  siang: 'greetSiang',
  sore: 'greetSore',
  malam: 'greetMalam',
  halo: 'greetHalo',
};

/** A report being written has something of the citizen's in it, worth keeping. */
function hasContent(draft: Draft): boolean {
  return draft.kind !== undefined || draft.description !== undefined || draft.photos.length > 0;
}

const DAY_MS = 24 * 60 * 60_000;

function eventAt(event: ConversationEvent): string | null {
  return event.type === 'citizen.text' ? (event.at ?? null) : null;
}

/**
 * The report a stored conversation was writing or had set aside, for a session that starts over
 * after being idle: `at` is when the chat was last active, so the offer still ends 24 hours later.
 */
export function unfinishedReport(snapshot: { context: unknown }, lastActive: string): ConversationContext['parked'] {
  const context = snapshot.context as Partial<ConversationContext> | undefined;
  // Read from a snapshot that may be an older version's: only a draft of the known shape is kept.
  if (context?.draft && Array.isArray(context.draft.photos) && hasContent(context.draft)) {
    return { draft: context.draft, question: context.question ?? 'menu', at: lastActive };
  }
  return context?.parked && Array.isArray(context.parked.draft?.photos) ? context.parked : null;
}

/** Characters a person would count, ignoring invisible ones and the spaces around the text. */
function visibleLength(event: ConversationEvent): number {
  return charCount(visible(textOf(event) ?? ''));
}

/** The option a citizen picked by number (1-based) from a list of `count`, or null. */
function pickedNumber(event: ConversationEvent, count: number): number | null {
  const said = saidOf(event);
  if (!/^\d{1,3}$/.test(said)) return null;
  const n = Number(said);
  return n >= 1 && n <= count ? n : null;
}

function kindChoice(event: ConversationEvent): CaseDraft['kind'] | null {
  const said = saidOf(event);
  const kinds = [
    ['pengaduan', choiceWords.pengaduan],
    ['aspirasi', choiceWords.aspirasi],
    ['informasi', choiceWords.informasi],
  ] as const;
  const index = kinds.findIndex(([, words], i) => said === String(i + 1) || matchesWord(said, words, true));
  return index === -1 ? null : kinds[index][0];
}

/** A category by number or by its name in either language ("pendidikan", "education"). */
function categoryChoice(context: ConversationContext, event: ConversationEvent): string | null {
  const number = pickedNumber(event, context.categories.length);
  if (number !== null) return context.categories[number - 1].code;
  const said = saidOf(event);
  if (said === '') return null;
  const named = context.categories.find((category) =>
    matchesWord(said, [category.code, normalise(category.name.id), normalise(category.name.en)], true),
  );
  return named?.code ?? null;
}

/** A rating 1–5, by number or as *puas* (5) / *tidak puas* (1). */
function scoreOf(event: ConversationEvent): number | null {
  const number = pickedNumber(event, 5);
  if (number !== null) return number;
  const said = saidOf(event);
  if (matchesWord(said, choiceWords.unsatisfied, true)) return 1;
  return matchesWord(said, choiceWords.satisfied, true) ? 5 : null;
}

/** Topics by number ("1 3", "1, 3 dan 4") or by name ("kesehatan"); null unless every part names one. */
function topicChoice(context: ConversationContext, event: ConversationEvent): string[] | null {
  const said = saidOf(event);
  if (said === '') return null;
  const named = context.topics.find((topic) => matchesWord(said, [topic.code, normalise(topic.name.id), normalise(topic.name.en)], true));
  if (named) return [named.code];
  const parts = said.split(/[\s,;&+]+|\bdan\b|\band\b/).filter(Boolean);
  if (parts.length === 0 || parts.length > context.topics.length) return null;
  const numbers = parts.map(Number);
  if (numbers.some((n) => !Number.isInteger(n) || n < 1 || n > context.topics.length)) return null;
  return [...new Set(numbers)].map((n) => context.topics[n - 1].code);
}

/** Questions where the citizen is not in the middle of something, so news of a finished case may take over. */
const restingQuestions: readonly Question[] = ['menu', 'ticket', 'noCases', 'service', 'serviceNext', 'petugas', 'myData'];
const closedStatuses: readonly CaseStatus[] = ['ditutup', 'ditolak', 'duplikat'];

const ratingNote: Record<RatingOutcome, NoteKey> = {
  rated: 'ratingThanks',
  reopened: 'reopened',
  tooLate: 'reopenTooLate',
  notRateable: 'notRateable',
  notFound: 'caseNotFound',
};

/** Text that is the citizen's own words: not empty, not one of the global words, not a short command. */
function isOwnWords(event: ConversationEvent): boolean {
  const said = saidOf(event);
  return said !== '' && !everyGlobalWord.includes(said) && !isCommand(event);
}

/**
 * The NIK in the citizen's answer. The runtime masks every NIK-shaped number before storing a
 * message and hands the machine only its sealed form ("NIK saya 3273 0141 0190 0001" arrives as
 * "NIK saya 3273••••••••0001" with the sealed NIK beside it). Without one, the answer held no
 * 16-digit number: what was typed says what is wrong (too short, not digits). A NIK in clear
 * that nobody sealed (a machine stepped without the runtime) cannot be kept, so it is not valid.
 */
function nikCheck(event: ConversationEvent): TypedNik {
  if (event.type !== 'citizen.text') return { ok: false, reason: 'digits' };
  if (event.nik) return event.nik;
  const check = validateNik(visible(event.text));
  return check.ok ? { ok: false, reason: 'digits' } : check;
}

const nikNote: Record<NikProblem, NoteKey> = {
  length: 'nikLength',
  digits: 'nikDigits',
  region: 'nikRegion',
  birthdate: 'nikBirthdate',
  serial: 'nikSerial',
};

/** The draft as the runtime stores it. Only called from `confirm`, which is reached with kind, category and description set. */
function toCaseDraft(draft: Draft): CaseDraft {
  if (!draft.kind || !draft.categoryCode || draft.description === undefined) {
    throw new Error('conversation reached confirm with an incomplete draft');
  }
  return {
    kind: draft.kind,
    categoryCode: draft.categoryCode,
    ...(draft.service ? { serviceCode: draft.service.code } : {}),
    description: draft.description,
    ...(draft.location ? { location: draft.location } : {}),
    photos: draft.photos,
    ...(draft.reporterName ? { reporterName: draft.reporterName } : {}),
    ...(draft.nik ? { nik: draft.nik } : {}),
    anonymous: draft.anonymous,
    confidential: draft.confidential,
    ...(draft.possibleDuplicateOf ? { possibleDuplicateOf: draft.possibleDuplicateOf } : {}),
  };
}

/** The queue operations a reply-emitting action needs: say the waiting notes with the reply, then forget them. */
interface Speaker {
  emit(effect: Effect): void;
  assign(values: Partial<ConversationContext>): void;
}

/**
 * Asks the current question. What it shows from the catalogue and the context does not hold (a
 * category's name, the services found) is asked for first; its result event asks the question.
 */
function ask(enqueue: Speaker, context: ConversationContext, event: ConversationEvent) {
  const listed = listedIn(event);
  const listing = listingFor(context, listed);
  if (listing) enqueue.emit(listing);
  else speak(enqueue, context, renderQuestion(context, listed));
}

/** The questions each catalogue list is read at; entering any other question forgets it (see `enter`). */
const listsKeptAt: Record<'categories' | 'services' | 'service' | 'topics' | 'regions', readonly Question[]> = {
  categories: ['category'],
  services: ['service'],
  service: ['serviceNext'],
  topics: ['topics', 'region', 'regionChoice'],
  regions: ['regionChoice'],
};

/** The lists a question does not read, emptied, so the snapshot does not carry them past their question. */
function listsLeftAt(question: Question): Partial<ConversationContext> {
  const kept = (list: keyof typeof listsKeptAt) => listsKeptAt[list].includes(question);
  return {
    ...(kept('categories') ? {} : { categories: [] }),
    ...(kept('services') ? {} : { services: null }),
    ...(kept('service') ? {} : { service: null }),
    ...(kept('topics') ? {} : { topics: [] }),
    ...(kept('regions') ? {} : { regions: [] }),
  };
}

/** Says `reply` with the waiting notes in front, and, under a chat's first reply, the privacy notice (recorded, so once). */
function speak(enqueue: Speaker, context: ConversationContext, reply: Reply) {
  enqueue.emit(withPrivacyNotice(context, withNotes(context, reply)));
  enqueue.assign({ notes: [] });
  if (context.privacyNotice !== null) {
    enqueue.emit({ type: 'privacyNoticeShown' });
    enqueue.assign({ privacyNotice: null });
  }
}

/** A conversation as it starts: the chat's language, why it starts over, a report it left unfinished. */
function initialContext(input: ConversationInput): ConversationContext {
  return {
    lang: input.lang ?? 'id',
    question: 'menu',
    notes: [
      ...(input.restartReason === 'idle' ? (['restartIdle'] as const) : input.restartReason === 'upgrade' ? (['restartUpgrade'] as const) : []),
      ...(input.parked ? (['draftKept'] as const) : []),
    ],
    misses: 0,
    editing: false,
    draft: emptyDraft(),
    categories: [],
    services: null,
    service: null,
    cases: [],
    human: null,
    staffAcknowledged: false,
    shownCase: null,
    rating: null,
    info: null,
    addition: null,
    similar: null,
    pendingTicket: null,
    pendingQuery: null,
    parked: input.parked ?? null,
    topics: [],
    chosenTopics: [],
    regions: [],
    offer: null,
    privacyNotice: input.privacyNotice ?? null,
  };
}

const note = (key: NoteKey) => ({ type: 'note', params: { key } }) as const;
const setLang = (lang: Lang) => ({ type: 'setLang', params: { lang } }) as const;
const enter = (question: Question) => ({ type: 'enter', params: { question } }) as const;
const askQuestion = (question: Question) => [enter(question), 'prompt'] as const;
const pick = (n: number, words: readonly string[] = []) => ({ type: 'picked', params: { n, words } }) as const;
const said = (words: readonly string[]) => ({ type: 'said', params: { words, tolerant: true } }) as const;
/** In free-text states only an exact word counts, so an address like "Batam" is not read as "batal". */
const saidExactly = (words: readonly string[]) => ({ type: 'said', params: { words, tolerant: false } }) as const;

/**
 * The answers to a free-text question: a bare number is pointed out as an old button, each failed
 * check re-asks with its note, and accepted text is stored and leads to `next`, or back to the
 * summary when only this field is being changed.
 */
function freeTextAnswer<const Check extends string, const Store extends string, const Next extends string>(
  checks: readonly (readonly [Check, NoteKey])[],
  store: Store,
  next: Next,
) {
  return [
    { guard: 'isStaleChoice', actions: [note('staleChoice'), 'prompt'] },
    ...checks.map(([check, key]) => ({ guard: check, actions: [note(key), 'prompt'] }) as const),
    { guard: and(['isOwnWords', 'isEditing']), target: 'confirm', actions: store },
    { guard: 'isOwnWords', target: next, actions: store },
  ] as const;
}

/**
 * What a message clearly asks for, honoured from any question (`atStart`: it is the first message,
 * welcomed and answered in its language and greeting). The report being written is kept.
 */
function honourIntents(atStart: boolean) {
  const opening = ['adoptLanguage', { type: 'noteGreeting', params: { atStart } }] as const;
  return [
    { guard: 'wantsStop', target: '#conversation.menu', actions: [...opening, 'optOut', note('stopped'), 'noteDraftKept'] },
    { guard: and([said(choiceWords.subscribe), 'hasOffer']), target: '#conversation.subscribe.askRegion', actions: [...opening, 'subscribeToOffer'] },
    { guard: said(choiceWords.subscribe), target: '#conversation.subscribe', actions: [...opening] },
    { guard: and(['wantsDataRequest', 'wantsErasure']), target: '#conversation.eraseData', actions: [...opening] },
    { guard: 'wantsDataRequest', target: '#conversation.myData', actions: [...opening] },
    { guard: 'wantsStatus', target: '#conversation.status', actions: [...opening, 'storePendingTicket'] },
    { guard: 'wantsPersyaratan', target: '#conversation.persyaratan', actions: [...opening, 'storePendingQuery'] },
    { guard: 'wantsPetugas', target: '#conversation.petugas', actions: [...opening] },
    { guard: atStart ? 'isStatedReport' : and(['isStatedReport', 'isResting']), target: '#conversation.askStated', actions: [...opening, 'startStatedDraft'] },
    // A wish to report too short to be the report itself starts one: at the start, and at the menu,
    // where "lapor ..." with a few words is no menu choice but plainly what the citizen wants.
    { guard: atStart ? 'wantsLapor' : and(['wantsLapor', 'isAtMenu']), target: '#conversation.startingReport', actions: opening },
  ] as const;
}

export const conversationMachine = setup({
  types: {
    context: {} as ConversationContext,
    events: {} as ConversationEvent,
    input: {} as ConversationInput,
    emitted: {} as Effect,
  },
  guards: {
    // Only nothing at all is empty: "??" or an emoji is something said, answered as a slip.
    isEmpty: ({ event }) => event.type === 'citizen.text' && visibleLength(event) === 0,
    wantsStatus: ({ event }) => intentIs(event, 'status'),
    wantsPersyaratan: ({ event }) => intentIs(event, 'persyaratan'),
    wantsPetugas: ({ event }) => intentIs(event, 'petugas'),
    wantsDataRequest: ({ event }) => intentIs(event, 'dataRequest'),
    wantsErasure: ({ event }) => understood(event)?.erase === true,
    wantsStop: ({ event }) => intentIs(event, 'stop'),
    wantsHelp: ({ event }) => intentIs(event, 'help'),
    wantsCancel: ({ event }) => intentIs(event, 'cancel'),
    wantsLapor: ({ event }) => intentIs(event, 'lapor'),
    isStatedReport: ({ event }) => isStatedReport(event),
    isGreeting: ({ event }) => intentIs(event, 'greeting'),
    isThanks: ({ event }) => intentIs(event, 'thanks'),
    isGoodbye: ({ event }) => intentIs(event, 'goodbye'),
    /** An unfinished report from the last 24 hours is waiting. */
    hasRecentParked: ({ context, event }) => {
      const parked = context.parked;
      if (!parked) return false;
      const now = eventAt(event);
      return parked.at === null || now === null || Date.parse(now) - Date.parse(parked.at) < DAY_MS;
    },
    parkedAt: ({ context }, params: { questions: readonly Question[] }) =>
      context.parked !== null && params.questions.includes(context.parked.question),
    hasDescription: ({ context }) => context.draft.description !== undefined,
    isAskingKindOrCategory: ({ context }) => (context.question === 'kind' || context.question === 'category') && !context.editing,
    hasKind: ({ context }) => context.draft.kind !== undefined,
    said: ({ event }, params: { words: readonly string[]; tolerant: boolean }) =>
      event.type === 'citizen.text' && matchesWord(saidOf(event), params.words, params.tolerant),
    picked: ({ event }, params: { n: number; words: readonly string[] }) => {
      const text = saidOf(event);
      return event.type === 'citizen.text' && (text === String(params.n) || matchesWord(text, params.words, true));
    },
    isOwnWords: ({ event }) => isOwnWords(event),
    /** A bare number where free text is expected: most likely a button pressed on an older message. */
    isStaleChoice: ({ event }) => /^[1-9]\d?$/.test(saidOf(event)),
    isEditing: ({ context }) => context.editing,
    hasCategory: ({ context }) => context.draft.categoryCode !== undefined,
    hasPendingTicket: ({ context }) => context.pendingTicket !== null,
    isThirdMiss: ({ context }) => context.misses >= 2,
    isSecondMiss: ({ context }) => context.misses === 1,
    isKindChoice: ({ event }) => kindChoice(event) !== null,
    isCategoryChoice: ({ context, event }) => categoryChoice(context, event) !== null,
    // Length checks apply to the citizen's own words only: "batal" is not a too-short description.
    isDescriptionTooShort: ({ event }) => isOwnWords(event) && visibleLength(event) < limits.descriptionMin,
    isDescriptionTooLong: ({ event }) => isOwnWords(event) && visibleLength(event) > limits.descriptionMax,
    isAddition: ({ context, event }) => isAddition(context.draft, event),
    isSummaryQuestion: ({ event }) => isSummaryQuestion(event),
    isIdentityQuestion: ({ event }) => isIdentityQuestion(event),
    isAnonymousDraft: ({ context }) => context.draft.anonymous,
    isConfidentialDraft: ({ context }) => context.draft.confidential,
    isAddressTooLong: ({ event }) => isOwnWords(event) && visibleLength(event) > limits.addressMax,
    isNameTooLong: ({ event }) => isOwnWords(event) && visibleLength(event) > limits.nameMax,
    isValidNik: ({ event }) => nikCheck(event).ok,
    hasRoomForPhoto: ({ context }) => context.draft.photos.length < limits.photos,
    contactHasName: ({ event }) => event.type === 'citizen.contact' && !!event.name?.trim(),
    hasCases: ({ event }) => event.type === 'result.ownCases' && event.cases.length > 0,
    isCaseChoice: ({ context, event }) => pickedNumber(event, context.cases.length) !== null,
    isTicket: ({ event }) => readTicket(textOf(event) ?? '') !== null,
    caseFound: ({ event }) => event.type === 'result.case' && event.case !== null,
    isFullList: ({ event }) => event.type === 'result.services' && event.query === '',
    hasNoServices: ({ event }) => event.type === 'result.services' && event.services.length === 0,
    hasOneService: ({ event }) => event.type === 'result.services' && event.services.length === 1,
    /** The services shown are listed again, for the question asked again (a new search forgets them first). */
    isListedAgain: ({ context, event }) => event.type === 'result.services' && context.services !== null,
    isServiceChoice: ({ context, event }) => pickedNumber(event, context.services?.codes.length ?? 0) !== null,
    isServiceQuery: ({ event }) =>
      isOwnWords(event) && !/^\d+$/.test(saidOf(event)) && visibleLength(event) <= limits.serviceQueryMax,
    serviceFound: ({ event }) => event.type === 'result.service' && event.service !== null,
    isResting: ({ context }) => restingQuestions.includes(context.question),
    isAtMenu: ({ context }) => context.question === 'menu',
    isScore: ({ event }) => scoreOf(event) !== null,
    canAddInfo: ({ context }) => context.shownCase !== null && !closedStatuses.includes(context.shownCase.status),
    canRate: ({ context }) => context.shownCase?.status === 'selesai' || context.shownCase?.status === 'ditutup',
    canReopen: ({ context }) => context.shownCase?.status === 'selesai',
    hasRoomForInfoPhoto: ({ context }) => (context.info?.photos ?? 0) < limits.photos,
    infoAdded: ({ event }) => event.type === 'result.infoAdded' && event.added,
    similarFound: ({ event }) => event.type === 'result.similarCase' && event.similar !== null,
    /** A topic was offered under the ticket just announced, and the citizen is still at the menu after it. */
    hasOffer: ({ context }) => context.offer !== null && context.question === 'menu',
    isTopicChoice: ({ context, event }) => topicChoice(context, event) !== null,
    isRegionQuery: ({ event }) => isOwnWords(event) && !/^\d+$/.test(saidOf(event)) && visibleLength(event) <= limits.serviceQueryMax,
    noRegions: ({ event }) => event.type === 'result.regions' && event.regions.length === 0,
    oneRegion: ({ event }) => event.type === 'result.regions' && event.regions.length === 1,
    isRegionChoice: ({ context, event }) => pickedNumber(event, context.regions.length) !== null,
    resumed: ({ event }) => event.type === 'result.broadcastsResumed' && event.resumed,
    /** The citizen already said this report is new: the hint is not shown twice. */
    similarAnswered: ({ context }) => context.draft.possibleDuplicateOf !== undefined,
  },
  actions: {
    /** A new question; the one-tap offer under a ticket lasts only while the menu after it is, a list only while its question is. */
    enter: assign((_, params: { question: Question }) => ({
      question: params.question,
      misses: 0,
      ...(params.question === 'menu' ? {} : { offer: null }),
      ...listsLeftAt(params.question),
    })),
    prompt: enqueueActions(({ context, event, enqueue }) => ask(enqueue, context, event)),
    note: assign({ notes: ({ context }, params: { key: NoteKey }) => [...context.notes, params.key] }),
    countMiss: assign({ misses: ({ context }) => context.misses + 1 }),
    resetMisses: assign({ misses: 0 }),
    setLang: assign((_, params: { lang: Lang }) => ({ lang: params.lang })),
    noteNikProblem: assign({
      notes: ({ context, event }) => {
        const check = nikCheck(event);
        return check.ok ? context.notes : [...context.notes, nikNote[check.reason]];
      },
    }),

    /** Leaving a report unfinished keeps it, to offer when the citizen comes back to lapor; never a silent loss. */
    parkDraft: assign(({ context, event }) =>
      hasContent(context.draft)
        ? { parked: { draft: context.draft, question: context.question, at: eventAt(event) }, draft: emptyDraft(), editing: false }
        : { draft: emptyDraft(), editing: false },
    ),
    /** The report was sent, or added to an earlier one: nothing left to keep. */
    discardDraft: assign({ draft: () => emptyDraft(), editing: false }),
    startDraft: assign(({ context, event }) =>
      hasContent(context.draft)
        ? { parked: { draft: context.draft, question: context.question, at: eventAt(event) }, draft: emptyDraft() }
        : { draft: emptyDraft() },
    ),
    dropParked: assign({ parked: null }),
    resumeParked: assign(({ context }) => (context.parked ? { draft: context.parked.draft } : {})),
    /** A complaint stated in the first words: they are the description, the category the words point to is pre-selected. */
    startStatedDraft: assign(({ context, event }) => {
      const reading = understood(event);
      const parked = hasContent(context.draft) ? { parked: { draft: context.draft, question: context.question, at: eventAt(event) } } : {};
      return {
        ...parked,
        draft: {
          ...emptyDraft(),
          kind: reading?.kind ?? 'pengaduan',
          description: withoutOpening(textOf(event) ?? '', limits.descriptionMin),
          ...(reading?.categoryCode ? { categoryCode: reading.categoryCode } : {}),
        },
      };
    }),
    takeStatedIntoDraft: assign({
      draft: ({ context, event }) => {
        const reading = understood(event);
        const categoryCode = context.draft.categoryCode ?? reading?.categoryCode ?? undefined;
        return {
          ...context.draft,
          kind: context.draft.kind ?? reading?.kind ?? 'pengaduan',
          description: withoutOpening(textOf(event) ?? '', limits.descriptionMin),
          ...(categoryCode ? { categoryCode } : {}),
        };
      },
    }),
    /** An English message is answered in English; a word or two ("hi", "ok") is not enough to tell. */
    adoptLanguage: assign({
      lang: ({ context, event }) => (understood(event)?.lang === 'en' && saidOf(event).includes(' ') ? 'en' : context.lang),
    }),
    /** The greeting answered first, before the welcome or the question ("Halo" is in the welcome already). */
    noteGreeting: assign({
      notes: ({ context, event }, params: { atStart: boolean }) => {
        const greeting = understood(event)?.greeting;
        if (!greeting || (params.atStart && greeting === 'halo')) return context.notes;
        return [greetingNote[greeting], ...context.notes];
      },
    }),
    optOut: emit(({ context }) => ({ type: 'optOutOfBroadcasts', wording: copy[context.lang].notes.stopped }) as const),
    resumeBroadcasts: emit(({ context }) => ({ type: 'resumeBroadcasts', wording: copy[context.lang].notes.resumed }) as const),
    requestTopics: emit({ type: 'listTopics' }),
    storeTopics: assign({ topics: ({ context, event }) => (event.type === 'result.topics' ? event.topics : context.topics) }),
    /** Subscribed at once, with the question's words as the consent; the region question that follows is optional. */
    subscribeToChosen: enqueueActions(({ context, event, enqueue }) => {
      const topics = topicChoice(context, event) ?? [];
      enqueue.emit({ type: 'subscribe', topics, regionCode: null, wording: renderQuestion(context).text });
      enqueue.assign({ chosenTopics: topics });
    }),
    /** One tap under a new ticket: the offer's words are the consent. */
    subscribeToOffer: enqueueActions(({ context, enqueue }) => {
      const offer = context.offer;
      if (!offer) return;
      enqueue.emit({ type: 'subscribe', topics: [offer.code], regionCode: null, wording: subscriptionOffer(context, offer) });
      enqueue.assign({ topics: [offer], chosenTopics: [offer.code], offer: null });
    }),
    findRegion: emit(({ event }) => ({ type: 'findRegion', query: textOf(event) ?? '' }) as const),
    storeRegions: assign({ regions: ({ context, event }) => (event.type === 'result.regions' ? event.regions : context.regions) }),
    /** The region found (the only one, or the one picked) applies to the topics just chosen; then the confirmation. */
    subscribeInRegion: enqueueActions(({ context, event, enqueue }, params: { picked: boolean }) => {
      const region: Region | undefined = params.picked
        ? context.regions[(pickedNumber(event, context.regions.length) ?? 1) - 1]
        : event.type === 'result.regions'
          ? event.regions[0]
          : undefined;
      if (!region) return;
      enqueue.emit({ type: 'subscribe', topics: context.chosenTopics, regionCode: region.code, wording: `${renderQuestion(context).text}\n\n> ${textOf(event) ?? region.name}` });
      speak(enqueue, context, subscribed(context, region));
      enqueue.assign({ regions: [] });
    }),
    confirmSubscription: enqueueActions(({ context, enqueue }) => speak(enqueue, context, subscribed(context, null))),
    storePendingTicket: assign({ pendingTicket: ({ event }) => understood(event)?.tickets[0] ?? null }),
    /** The service named, or else the words left once "syarat" and the like are set aside (a typo such as "pkj" is the search's to forgive). */
    storePendingQuery: assign({
      pendingQuery: ({ event }) => {
        const reading = understood(event);
        return reading?.services[0] ?? (reading?.leftover ? reading.leftover.slice(0, limits.serviceQueryMax) : null);
      },
    }),
    noteDraftKept: assign({ notes: ({ context }) => (hasContent(context.draft) ? [...context.notes, 'draftKept'] : context.notes) }),
    /** Thanks and goodbyes get a short answer; in the middle of something the question follows, and the report waits. */
    answerBriefly: enqueueActions(({ context, event, enqueue }, params: { key: NoteKey }) => {
      if (restingQuestions.includes(context.question)) {
        speak(enqueue, { ...context, notes: [...context.notes, params.key] }, { type: 'reply', text: '' });
        return;
      }
      const notes: NoteKey[] = [...context.notes, params.key, ...(hasContent(context.draft) ? (['draftWaits'] as const) : [])];
      // Kept in context: a question that lists the catalogue is asked once the list comes.
      enqueue.assign({ notes });
      ask(enqueue, { ...context, notes }, event);
    }),
    /** Reporting from a service page: its category is known, so the category question is skipped. */
    startDraftForService: enqueueActions(({ context, enqueue }) => {
      const service = context.service;
      if (!service) return;
      const summary: ServiceSummary = { code: service.code, name: service.name };
      enqueue.assign({ draft: { ...emptyDraft(), categoryCode: service.categoryCode, service: summary } });
    }),
    startEditing: assign({ editing: true }),
    stopEditing: assign({ editing: false }),

    requestCategories: emit({ type: 'listCategories' }),
    storeCategories: assign({
      categories: ({ context, event }) => (event.type === 'result.categories' ? event.categories : context.categories),
    }),
    storeKind: assign({ draft: ({ context, event }) => ({ ...context.draft, kind: kindChoice(event) ?? context.draft.kind }) }),
    storeCategory: assign({
      draft: ({ context, event }) => ({ ...context.draft, categoryCode: categoryChoice(context, event) ?? context.draft.categoryCode }),
    }),
    /** Kept exactly as typed: staff read what the citizen wrote, invisible characters and all. */
    storeDescription: assign({ draft: ({ context, event }) => ({ ...context.draft, description: textOf(event) ?? '' }) }),
    holdAddition: assign({ addition: ({ event }) => textOf(event) }),
    addToDescription: assign({
      draft: ({ context }) => ({ ...context.draft, description: [context.draft.description, context.addition].filter(Boolean).join('\n') }),
    }),
    dropAddition: assign({ addition: null }),
    storeAddress: assign({
      draft: ({ context, event }) => ({ ...context.draft, location: { address: (textOf(event) ?? '').trim() } }),
    }),
    storePin: assign({
      draft: ({ context, event }) =>
        event.type === 'citizen.location'
          ? {
              ...context.draft,
              location: {
                latitude: event.latitude,
                longitude: event.longitude,
                ...(event.address ? { address: event.address } : {}),
              },
            }
          : context.draft,
    }),
    clearLocation: assign({ draft: ({ context }) => ({ ...context.draft, location: undefined }) }),
    /** The photo goes in the draft, and the runtime is asked to fetch it now: platform links expire. */
    addPhoto: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'citizen.photo') return;
      enqueue.assign({ draft: { ...context.draft, photos: [...context.draft.photos, event.mediaRef] } });
      enqueue.emit({ type: 'keepMedia', mediaRef: event.mediaRef });
    }),
    clearPhotos: assign({ draft: ({ context }) => ({ ...context.draft, photos: [] }) }),
    acknowledgePhoto: enqueueActions(({ context, enqueue }) => speak(enqueue, context, photoReceived(context))),
    refusePhoto: enqueueActions(({ context, enqueue }) => speak(enqueue, context, photoRefused(context))),
    chooseIdentity: assign({
      draft: ({ context }, params: { anonymous: boolean; confidential: boolean }) => ({
        ...context.draft,
        anonymous: params.anonymous,
        confidential: params.confidential,
        reporterName: undefined,
        nik: undefined,
      }),
    }),
    storeName: assign({ draft: ({ context, event }) => ({ ...context.draft, reporterName: (textOf(event) ?? '').trim() }) }),
    storeContactName: assign({
      draft: ({ context, event }) =>
        event.type === 'citizen.contact' && event.name
          ? { ...context.draft, reporterName: event.name.trim().slice(0, limits.nameMax) }
          : context.draft,
    }),
    /** Only the sealed form: the digits never reach the machine. */
    storeNik: assign({
      draft: ({ context, event }) => {
        const check = nikCheck(event);
        return check.ok ? { ...context.draft, nik: check.nik } : context.draft;
      },
    }),
    redactMessage: emit({ type: 'redactMessage' }),
    submitCase: emit(({ context }) => ({ type: 'createCase', draft: toCaseDraft(context.draft) }) as const),
    announceTicket: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'result.caseCreated') return;
      speak(enqueue, context, caseCreated(context, event.ticket, event.dueAt, event.offer ?? null));
      enqueue.assign({ offer: event.offer ?? null });
    }),

    requestOwnCases: emit({ type: 'listOwnCases' }),
    storeCases: assign({
      cases: ({ context, event }) =>
        event.type === 'result.ownCases'
          ? [...event.cases]
              .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
              .slice(0, limits.casesListed)
              .map(({ ticket, status, createdAt }) => ({ ticket, status, createdAt }))
          : context.cases,
    }),
    findChosenCase: emit(({ context, event }) => ({
      type: 'findCase',
      ticket: context.cases[(pickedNumber(event, context.cases.length) ?? 1) - 1].ticket,
    }) as const),
    findTypedTicket: emit(({ event }) => ({ type: 'findCase', ticket: readTicket(textOf(event) ?? '') ?? '' }) as const),
    showCase: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'result.case' || !event.case) return;
      speak(enqueue, context, caseDetail(context, event.case));
      enqueue.assign({ shownCase: { ticket: event.case.ticket, status: event.case.status } });
    }),
    forgetShownCase: assign({ shownCase: null }),

    /** The status push asked already; the citizen's message that follows is the answer. */
    awaitRating: assign({
      rating: ({ context, event }) => (event.type === 'case.awaitingRating' ? { ticket: event.ticket, score: null, pushed: true } : context.rating),
    }),
    rateShownCase: assign({ rating: ({ context }) => (context.shownCase ? { ticket: context.shownCase.ticket, score: null, pushed: false } : null) }),
    promptRating: enqueueActions(({ context, enqueue }) => {
      if (!context.rating?.pushed) speak(enqueue, context, renderQuestion(context));
    }),
    storeScore: assign({ rating: ({ context, event }) => (context.rating ? { ...context.rating, score: scoreOf(event) } : null) }),
    submitRating: emit(({ context, event }, params: { withComment: boolean }) => {
      const score = context.rating?.score ?? null;
      const comment = params.withComment ? (textOf(event) ?? '').trim() : null;
      // A low rating with a reason says it is not finished: the case is reopened (within the window).
      const reopen = comment !== null && score !== null && score <= LOW_RATING;
      return { type: 'rateCase', ticket: context.rating?.ticket ?? '', score, comment, reopen } as const;
    }),
    submitReopen: emit(({ context, event }, params: { withReason: boolean }) => ({
      type: 'rateCase',
      ticket: context.rating?.ticket ?? '',
      score: null,
      comment: params.withReason ? (textOf(event) ?? '').trim() : null,
      reopen: true,
    }) as const),
    noteRatingOutcome: assign({
      notes: ({ context, event }) => (event.type === 'result.rated' ? [...context.notes, ratingNote[event.outcome]] : context.notes),
      rating: null,
    }),

    chooseInfoCase: assign({ info: ({ context }) => (context.shownCase ? { ticket: context.shownCase.ticket, photos: 0 } : null) }),
    sendInfoText: emit(({ context, event }) => ({ type: 'addCaseInfo', ticket: context.info?.ticket ?? '', text: textOf(event) ?? '', photos: [] }) as const),
    /** Kept like a report's photo (fetched into storage now), then added to the case. */
    sendInfoPhoto: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'citizen.photo' || !context.info) return;
      enqueue.emit({ type: 'keepMedia', mediaRef: event.mediaRef });
      enqueue.emit({ type: 'addCaseInfo', ticket: context.info.ticket, text: event.caption?.trim() || null, photos: [event.mediaRef] });
      enqueue.assign({ info: { ...context.info, photos: context.info.photos + 1 } });
    }),
    acknowledgeInfo: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'result.infoAdded') speak(enqueue, context, infoAdded(context, event.ticket));
    }),

    findSimilarCase: emit(({ context }) => ({
      type: 'findSimilarCase',
      categoryCode: context.draft.categoryCode ?? '',
      ...(context.draft.nik ? { nik: context.draft.nik } : {}),
    }) as const),
    storeSimilar: assign({ similar: ({ context, event }) => (event.type === 'result.similarCase' ? event.similar : context.similar) }),
    markPossibleDuplicate: assign({ draft: ({ context }) => ({ ...context.draft, possibleDuplicateOf: context.similar?.ticket }) }),
    addDraftToSimilar: emit(({ context }) => ({
      type: 'addCaseInfo',
      ticket: context.similar?.ticket ?? '',
      text: context.draft.description ?? null,
      photos: context.draft.photos,
      ...(context.draft.nik ? { nik: context.draft.nik } : {}),
    }) as const),

    requestAllServices: emit({ type: 'searchServices', query: '' }),
    /** The service the citizen named on the way in, or every service. */
    requestServices: enqueueActions(({ context, enqueue }) => {
      enqueue.emit({ type: 'searchServices', query: context.pendingQuery ?? '' });
      enqueue.assign({ pendingQuery: null });
    }),
    findPendingTicket: emit(({ context }) => ({ type: 'findCase', ticket: context.pendingTicket ?? '' }) as const),
    /** The list is not shown when a ticket named on the way in is being looked up: its answer follows. */
    promptUnlessLookingUp: enqueueActions(({ context, enqueue }) => {
      if (context.pendingTicket !== null) {
        enqueue.assign({ pendingTicket: null });
        return;
      }
      speak(enqueue, context, renderQuestion(context));
    }),
    /** A new search: the list shown is forgotten, so its result is not taken for that list asked again. */
    searchServices: enqueueActions(({ event, enqueue }) => {
      enqueue.emit({ type: 'searchServices', query: saidOf(event) });
      enqueue.assign({ services: null });
    }),
    /** Codes only, and the search they came from: asking again lists them again (`listingFor`). */
    storeServices: assign(({ event }) =>
      event.type === 'result.services' ? { services: { query: event.query, codes: event.services.map((service) => service.code) } } : {},
    ),
    requestFoundService: emit(({ event }) => ({
      type: 'getService',
      code: event.type === 'result.services' ? event.services[0].code : '',
    }) as const),
    requestChosenService: emit(({ context, event }) => ({
      type: 'getService',
      code: context.services?.codes[(pickedNumber(event, context.services.codes.length) ?? 1) - 1] ?? '',
    }) as const),
    showService: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'result.service' || !event.service) return;
      const { code, name, categoryCode } = event.service;
      speak(enqueue, context, serviceDetail(context, event.service));
      enqueue.assign({ service: { code, name, categoryCode } });
    }),

    requestHuman: enqueueActions(({ enqueue }) => {
      enqueue.emit({ type: 'requestHuman' });
      enqueue.assign({ staffAcknowledged: false });
    }),
    withdrawHuman: emit({ type: 'withdrawHuman' }),
    storeHumanAvailability: assign({
      human: ({ context, event }) =>
        event.type === 'result.humanRequested'
          ? { availableNow: event.staffAvailableNow, hours: event.hours, answerFrom: event.answerFrom }
          : context.human,
    }),
    requestHeldData: emit({ type: 'describeHeldData' }),
    /** Shown at once and not kept: the context holds no personal data it does not need. */
    showHeldData: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'result.heldData') speak(enqueue, context, heldData(context, event.held));
    }),
    eraseHeldData: emit({ type: 'eraseHeldData' }),
    /** Erased: nothing of the conversation is kept either (draft, parked report, lists); only the language stays. */
    forgetEverything: enqueueActions(({ context, enqueue }) => {
      const fresh = initialContext({ lang: context.lang });
      enqueue.assign(fresh);
      speak(enqueue, fresh, dataErased(fresh));
    }),

    /** Messages meant for staff are kept by the runtime; one acknowledgement tells the citizen so without chattering. */
    acknowledgeForStaff: enqueueActions(({ context, enqueue }) => {
      if (context.staffAcknowledged) return;
      speak(enqueue, context, staffAcknowledgement(context));
      enqueue.assign({ staffAcknowledged: true });
    }),
  },
}).createMachine({
  id: 'conversation',
  context: ({ input }) => initialContext(input),
  initial: 'start',
  on: {
    'citizen.text': [
      { guard: 'isEmpty', actions: [note('empty'), 'prompt'] },
      // *mulai* after *berhenti* resumes broadcasts; for everyone else it is the menu word it always was.
      { guard: said(choiceWords.resume), actions: 'resumeBroadcasts' },
      { guard: said(globalWords.menu), target: '#conversation.menu' },
      // "batal", or a cancel in other words ("gak jadi"): out to the menu, the report parked there like any other interruption.
      { guard: or([said(globalWords.cancel), 'wantsCancel']), target: '#conversation.menu', actions: [note('cancelled'), 'noteDraftKept'] },
      { guard: said(globalWords.help), actions: ['resetMisses', note('help'), 'prompt'] },
      { guard: said(globalWords.human), target: '#conversation.petugas' },
      { guard: said(globalWords.english), actions: [setLang('en'), 'resetMisses', note('langSwitched'), 'prompt'] },
      { guard: said(globalWords.indonesian), actions: [setLang('id'), 'resetMisses', note('langSwitched'), 'prompt'] },
      // What the message clearly asks for is honoured wherever the citizen is; a report being written is kept.
      ...honourIntents(false),
      // A complaint written where its kind or category is asked is the report itself: taken, then
      // confirmed; never in place of a description the report already has ("salah kategori mas").
      { guard: and(['isStatedReport', 'isAskingKindOrCategory', not('hasDescription')]), target: '#conversation.askStated', actions: 'takeStatedIntoDraft' },
      { guard: 'isGreeting', actions: ['resetMisses', { type: 'noteGreeting', params: { atStart: false } }, 'prompt'] },
      { guard: 'isThanks', actions: ['resetMisses', { type: 'answerBriefly', params: { key: 'thanks' } }] },
      { guard: 'isGoodbye', actions: ['resetMisses', { type: 'answerBriefly', params: { key: 'goodbye' } }] },
      { guard: 'wantsHelp', actions: ['resetMisses', note('help'), 'prompt'] },
      // Slips: the hint, then the hint with an example, then an offer of a human; the question stays, and so does the report.
      { guard: 'isThirdMiss', actions: ['countMiss', note('stuck'), 'prompt'] },
      { guard: 'isSecondMiss', actions: ['countMiss', note('hint'), note('example'), 'prompt'] },
      { actions: ['countMiss', note('hint'), 'prompt'] },
    ],
    'citizen.photo': { actions: [note('strayPhoto'), 'prompt'] },
    'citizen.location': { actions: [note('strayLocation'), 'prompt'] },
    'citizen.contact': { actions: [note('strayContact'), 'prompt'] },
    'citizen.unsupported': { actions: [note('unsupported'), 'prompt'] },
    // Asked for by a question that names the report's category (the stated report, the summary).
    'result.categories': { actions: 'prompt' },
    'result.broadcastsResumed': [{ guard: 'resumed', target: '#conversation.menu', actions: note('resumed') }, { target: '#conversation.menu' }],
    // Mid-report the news waits: the citizen can still rate from cek status.
    'case.awaitingRating': { guard: 'isResting', target: '#conversation.rating', actions: 'awaitRating' },
    // The bot was quiet while an officer talked in this chat; it says it is back, at the menu.
    'staff.handedBack': { target: '#conversation.menu', actions: note('handedBack') },
  },
  states: {
    /** Before the first message. Whatever it is, the citizen is welcomed; a menu choice is acted on at once. */
    start: {
      exit: note('welcome'),
      on: {
        'citizen.text': [
          { guard: said(choiceWords.resume), actions: 'resumeBroadcasts' },
          { guard: pick(1, choiceWords.lapor), target: 'startingReport' },
          { guard: pick(2, choiceWords.status), target: 'status' },
          { guard: pick(3, choiceWords.persyaratan), target: 'persyaratan' },
          { guard: pick(4, globalWords.human), target: 'petugas' },
          { guard: pick(5, globalWords.help), target: 'menu', actions: note('help') },
          { guard: said(globalWords.english), target: 'menu', actions: setLang('en') },
          { guard: said(globalWords.indonesian), target: 'menu', actions: setLang('id') },
          // People open by stating their need, the way they would at the counter.
          ...honourIntents(true),
          { guard: 'wantsHelp', target: 'menu', actions: ['adoptLanguage', note('help')] },
          { target: 'menu', actions: ['adoptLanguage', { type: 'noteGreeting', params: { atStart: true } }] },
        ],
        'citizen.photo': 'menu',
        'citizen.location': 'menu',
        'citizen.contact': 'menu',
        'citizen.unsupported': 'menu',
      },
    },

    menu: {
      entry: ['parkDraft', ...askQuestion('menu')],
      on: {
        'citizen.text': [
          { guard: pick(1, choiceWords.lapor), target: 'startingReport' },
          { guard: pick(2, choiceWords.status), target: 'status' },
          { guard: pick(3, choiceWords.persyaratan), target: 'persyaratan' },
          { guard: pick(4, globalWords.human), target: 'petugas' },
          { guard: pick(5, globalWords.help), actions: ['resetMisses', note('help'), 'prompt'] },
        ],
      },
    },

    askKind: {
      entry: askQuestion('kind'),
      on: {
        'citizen.text': [
          { guard: and(['isKindChoice', 'isEditing']), target: 'confirm', actions: 'storeKind' },
          { guard: and(['isKindChoice', 'hasCategory']), target: 'askDescription', actions: 'storeKind' },
          { guard: 'isKindChoice', target: 'askCategory', actions: 'storeKind' },
        ],
      },
    },

    askCategory: {
      entry: [enter('category'), 'requestCategories'],
      on: {
        'result.categories': { actions: ['storeCategories', 'prompt'] },
        'citizen.text': [
          { guard: and(['isCategoryChoice', 'isEditing']), target: 'confirm', actions: 'storeCategory' },
          // A report stated up front has its description already: it is not asked again.
          { guard: and(['isCategoryChoice', 'hasDescription']), target: 'askLocation', actions: 'storeCategory' },
          { guard: 'isCategoryChoice', target: 'askDescription', actions: 'storeCategory' },
        ],
      },
    },

    askDescription: {
      entry: askQuestion('description'),
      on: {
        'citizen.text': [
          { guard: and(['isOwnWords', not('isEditing'), not('hasCategory'), not('isDescriptionTooShort'), not('isDescriptionTooLong'), not('isStaleChoice')]), target: 'askCategory', actions: 'storeDescription' },
          ...freeTextAnswer(
            [
              ['isDescriptionTooShort', 'descriptionTooShort'],
              ['isDescriptionTooLong', 'descriptionTooLong'],
            ],
            'storeDescription',
            'askLocation',
          ),
        ],
      },
    },

    askLocation: {
      entry: askQuestion('location'),
      on: {
        'citizen.location': [
          { guard: 'isEditing', target: 'confirm', actions: 'storePin' },
          { target: 'askPhotos', actions: 'storePin' },
        ],
        'citizen.text': [
          { guard: and([saidExactly(choiceWords.skip), 'isEditing']), target: 'confirm', actions: 'clearLocation' },
          { guard: saidExactly(choiceWords.skip), target: 'askPhotos', actions: 'clearLocation' },
          ...freeTextAnswer([['isAddressTooLong', 'addressTooLong']], 'storeAddress', 'askPhotos'),
        ],
      },
    },

    askPhotos: {
      entry: askQuestion('photos'),
      on: {
        'citizen.photo': [
          { guard: 'hasRoomForPhoto', actions: ['addPhoto', 'resetMisses', 'acknowledgePhoto'] },
          { actions: 'refusePhoto' },
        ],
        'citizen.text': [
          { guard: and([said(finishedPhotos), 'isEditing']), target: 'confirm' },
          { guard: said(finishedPhotos), target: 'askIdentity' },
        ],
      },
    },

    askIdentity: {
      entry: askQuestion('identity'),
      on: {
        'citizen.text': [
          {
            guard: pick(1, choiceWords.named),
            target: 'askName',
            actions: { type: 'chooseIdentity', params: { anonymous: false, confidential: false } },
          },
          {
            guard: pick(2, choiceWords.anonymous),
            target: 'confirm',
            actions: { type: 'chooseIdentity', params: { anonymous: true, confidential: false } },
          },
          {
            guard: pick(3, choiceWords.confidential),
            target: 'askName',
            actions: { type: 'chooseIdentity', params: { anonymous: false, confidential: true } },
          },
        ],
      },
    },

    askName: {
      entry: askQuestion('name'),
      on: {
        'citizen.contact': { guard: 'contactHasName', target: 'askNik', actions: 'storeContactName' },
        'citizen.text': [
          { guard: 'isStaleChoice', actions: [note('staleChoice'), 'prompt'] },
          { guard: 'isNameTooLong', actions: [note('nameTooLong'), 'prompt'] },
          { guard: 'isOwnWords', target: 'askNik', actions: 'storeName' },
        ],
      },
    },

    askNik: {
      entry: askQuestion('nik'),
      on: {
        'citizen.text': [
          { guard: saidExactly(choiceWords.skip), target: 'confirm' },
          { guard: and(['isOwnWords', 'isValidNik']), target: 'confirm', actions: 'storeNik' },
          { guard: 'isOwnWords', actions: ['redactMessage', 'noteNikProblem', 'prompt'] },
        ],
      },
    },

    confirm: {
      entry: ['stopEditing', 'dropAddition', ...askQuestion('confirm')],
      on: {
        'citizen.text': [
          { guard: and([pick(1, choiceWords.send), 'similarAnswered']), actions: 'submitCase' },
          { guard: pick(1, choiceWords.send), actions: 'findSimilarCase' },
          { guard: pick(2, choiceWords.change), target: 'editChoice' },
          // "Batal" on the summary means what "batal" means anywhere: the report is parked, offered back within 24 hours.
          { guard: pick(3), target: 'menu', actions: [note('cancelled'), 'noteDraftKept'] },
          // Who will see the name (asked, or "tolong rahasiakan nama saya"): what the identity chosen means, and how to change it.
          { guard: and(['isIdentityQuestion', 'isAnonymousDraft']), actions: ['resetMisses', note('identityAnonymous'), 'prompt'] },
          { guard: and(['isIdentityQuestion', 'isConfidentialDraft']), actions: ['resetMisses', note('identityConfidential'), 'prompt'] },
          { guard: 'isIdentityQuestion', actions: ['resetMisses', note('identityNamed'), 'prompt'] },
          // More about the report, typed instead of a choice: offered for its description.
          { guard: 'isAddition', target: 'askAddition', actions: 'holdAddition' },
          // A question before sending ("berapa lama prosesnya?"): what sending brings, and the summary again.
          { guard: 'isSummaryQuestion', actions: ['resetMisses', note('summaryQuestion'), 'prompt'] },
        ],
        'result.similarCase': [{ guard: 'similarFound', target: 'askDuplicate', actions: 'storeSimilar' }, { actions: 'submitCase' }],
        'result.caseCreated': { target: 'menu', actions: ['announceTicket', 'discardDraft'] },
      },
    },

    /** Words typed at the summary: into the description on a yes, and the summary again either way (its entry forgets them). */
    askAddition: {
      entry: askQuestion('addition'),
      on: {
        'citizen.text': [
          { guard: pick(1, choiceWords.addYes), target: 'confirm', actions: ['addToDescription', note('addedToDescription')] },
          { guard: pick(2, choiceWords.addNo), target: 'confirm' },
        ],
      },
    },

    /** The duplicate hint: the citizen reported about this category in the last 7 days. */
    askDuplicate: {
      entry: askQuestion('duplicate'),
      on: {
        'citizen.text': [
          { guard: pick(1, choiceWords.newReport), actions: ['markPossibleDuplicate', 'submitCase'] },
          { guard: pick(2, choiceWords.sameReport), actions: 'addDraftToSimilar' },
        ],
        'result.caseCreated': { target: 'menu', actions: ['announceTicket', 'discardDraft'] },
        'result.infoAdded': [
          { guard: 'infoAdded', target: 'menu', actions: ['discardDraft', note('addedToEarlier')] },
          { target: 'menu', actions: note('infoNotAdded') },
        ],
      },
    },

    editChoice: {
      entry: askQuestion('edit'),
      on: {
        'citizen.text': [
          { guard: pick(1), target: 'askKind', actions: 'startEditing' },
          { guard: pick(2), target: 'askCategory', actions: 'startEditing' },
          { guard: pick(3), target: 'askDescription', actions: 'startEditing' },
          { guard: pick(4), target: 'askLocation', actions: 'startEditing' },
          { guard: pick(5), target: 'askPhotos', actions: ['startEditing', 'clearPhotos', note('photosReset')] },
          { guard: pick(6), target: 'askIdentity', actions: 'startEditing' },
          { guard: pick(7), target: 'confirm' },
        ],
      },
    },

    /** A complaint stated in the first words: confirmed with one tap, category pre-selected when the words say so. */
    askStated: {
      entry: askQuestion('stated'),
      on: {
        'citizen.text': [
          { guard: and([pick(1, [...choiceWords.send, 'benar', 'lanjut', 'lanjutkan', 'continue']), 'hasCategory']), target: 'askLocation' },
          { guard: pick(1, [...choiceWords.send, 'benar', 'lanjut', 'lanjutkan', 'continue']), target: 'askCategory' },
          { guard: pick(2, choiceWords.change), target: 'askDescription' },
          { guard: and([pick(3), 'hasCategory']), target: 'askCategory' },
        ],
      },
    },

    /** Starting a report: an unfinished one from the last 24 hours is offered first. */
    startingReport: {
      always: [{ guard: 'hasRecentParked', target: 'askResume' }, { target: 'askKind', actions: ['dropParked', 'startDraft'] }],
    },

    /** Back to lapor with a report left unfinished in the last 24 hours: carry on with it, or start anew. */
    askResume: {
      entry: askQuestion('resume'),
      on: {
        'citizen.text': [
          { guard: pick(1, ['lanjutkan', 'lanjut', 'continue', 'ya', 'yes']), target: 'resuming', actions: 'resumeParked' },
          { guard: pick(2, ['baru', 'mulai baru', 'new']), target: 'askKind', actions: ['dropParked', 'startDraft'] },
        ],
      },
    },

    /** Back to the question the unfinished report was left at. */
    resuming: {
      always: [
        { guard: { type: 'parkedAt', params: { questions: ['stated'] } }, target: 'askStated', actions: 'dropParked' },
        { guard: { type: 'parkedAt', params: { questions: ['confirm', 'addition', 'edit', 'duplicate', 'name', 'nik'] } }, target: 'confirm', actions: 'dropParked' },
        { guard: { type: 'parkedAt', params: { questions: ['identity'] } }, target: 'askIdentity', actions: 'dropParked' },
        { guard: { type: 'parkedAt', params: { questions: ['photos'] } }, target: 'askPhotos', actions: 'dropParked' },
        { guard: { type: 'parkedAt', params: { questions: ['location'] } }, target: 'askLocation', actions: 'dropParked' },
        { guard: { type: 'parkedAt', params: { questions: ['description'] } }, target: 'askDescription', actions: 'dropParked' },
        { guard: { type: 'parkedAt', params: { questions: ['category'] } }, target: 'askCategory', actions: 'dropParked' },
        // Left from elsewhere (it went to cek status first): the first question its answers leave open.
        { guard: not('hasKind'), target: 'askKind', actions: 'dropParked' },
        { guard: not('hasCategory'), target: 'askCategory', actions: 'dropParked' },
        { guard: not('hasDescription'), target: 'askDescription', actions: 'dropParked' },
        { target: 'askLocation', actions: 'dropParked' },
      ],
    },

    status: {
      initial: 'loading',
      on: {
        'result.case': [
          { guard: 'caseFound', actions: 'showCase' },
          { actions: ['forgetShownCase', note('caseNotFound'), 'prompt'] },
        ],
      },
      states: {
        loading: {
          entry: 'requestOwnCases',
          on: {
            'result.ownCases': [
              { guard: and(['hasCases', 'hasPendingTicket']), target: 'askTicket', actions: ['storeCases', 'findPendingTicket'] },
              { guard: 'hasCases', target: 'askTicket', actions: 'storeCases' },
              { guard: 'hasPendingTicket', target: 'noCases', actions: 'findPendingTicket' },
              { target: 'noCases' },
            ],
          },
        },
        askTicket: {
          entry: ['forgetShownCase', enter('ticket'), 'promptUnlessLookingUp'],
          on: {
            'citizen.text': [
              { guard: and([said(choiceWords.addInfo), 'canAddInfo']), target: '#conversation.addInfo', actions: 'chooseInfoCase' },
              { guard: and([said(choiceWords.rate), 'canRate']), target: '#conversation.rating', actions: 'rateShownCase' },
              { guard: and([said(choiceWords.notFinished), 'canReopen']), target: '#conversation.rating.askReopenReason', actions: 'rateShownCase' },
              { guard: 'isCaseChoice', actions: ['resetMisses', 'findChosenCase'] },
              { guard: 'isTicket', actions: ['resetMisses', 'findTypedTicket'] },
            ],
          },
        },
        noCases: {
          entry: [enter('noCases'), 'promptUnlessLookingUp'],
          on: {
            'citizen.text': [
              { guard: pick(1, choiceWords.lapor), target: '#conversation.startingReport' },
              { guard: 'isTicket', actions: ['resetMisses', 'findTypedTicket'] },
            ],
          },
        },
      },
    },

    persyaratan: {
      initial: 'askService',
      states: {
        askService: {
          entry: [enter('service'), 'requestServices'],
          on: {
            'result.services': [
              { guard: 'isListedAgain', actions: ['storeServices', 'prompt'] },
              { guard: 'isFullList', actions: ['storeServices', 'prompt'] },
              { guard: 'hasNoServices', actions: [note('serviceNotFound'), 'requestAllServices'] },
              { guard: 'hasOneService', actions: 'requestFoundService' },
              { actions: ['storeServices', note('serviceMatches'), 'prompt'] },
            ],
            'result.service': [
              { guard: 'serviceFound', target: 'askNext', actions: 'showService' },
              { actions: [note('serviceNotFound'), 'requestAllServices'] },
            ],
            'citizen.text': [
              { guard: 'isServiceChoice', actions: ['resetMisses', 'requestChosenService'] },
              { guard: 'isServiceQuery', actions: ['resetMisses', 'searchServices'] },
            ],
          },
        },
        askNext: {
          entry: askQuestion('serviceNext'),
          on: {
            'citizen.text': [
              { guard: pick(1, choiceWords.lapor), target: '#conversation.askKind', actions: 'startDraftForService' },
              { guard: pick(2, choiceWords.otherService), target: 'askService' },
            ],
          },
        },
      },
    },

    /** "tambah info": text and photos for an open case of the citizen's, each added as it comes. */
    addInfo: {
      entry: askQuestion('addInfo'),
      on: {
        'citizen.photo': [
          { guard: 'hasRoomForInfoPhoto', actions: ['resetMisses', 'sendInfoPhoto'] },
          { actions: [note('infoPhotoLimit'), 'prompt'] },
        ],
        'citizen.text': [
          { guard: saidExactly(choiceWords.done), target: 'menu' },
          { guard: 'isStaleChoice', actions: [note('staleChoice'), 'prompt'] },
          { guard: 'isDescriptionTooLong', actions: [note('descriptionTooLong'), 'prompt'] },
          { guard: 'isOwnWords', actions: ['resetMisses', 'sendInfoText'] },
        ],
        'result.infoAdded': [{ guard: 'infoAdded', actions: 'acknowledgeInfo' }, { target: 'menu', actions: note('infoNotAdded') }],
      },
    },

    /** After `selesai`: a rating with an optional comment, or "belum selesai" to reopen. */
    rating: {
      initial: 'askScore',
      on: {
        'result.rated': { target: '#conversation.menu', actions: 'noteRatingOutcome' },
      },
      states: {
        askScore: {
          entry: [enter('ratingScore'), 'promptRating'],
          on: {
            'citizen.text': [
              { guard: said(choiceWords.notFinished), target: 'askReopenReason' },
              { guard: 'isScore', target: 'askComment', actions: 'storeScore' },
            ],
          },
        },
        askComment: {
          entry: askQuestion('ratingComment'),
          on: {
            'citizen.text': [
              { guard: saidExactly(choiceWords.skip), actions: { type: 'submitRating', params: { withComment: false } } },
              { guard: 'isDescriptionTooLong', actions: [note('descriptionTooLong'), 'prompt'] },
              { guard: 'isOwnWords', actions: { type: 'submitRating', params: { withComment: true } } },
            ],
          },
        },
        askReopenReason: {
          entry: askQuestion('reopenReason'),
          on: {
            'citizen.text': [
              { guard: saidExactly(choiceWords.skip), actions: { type: 'submitReopen', params: { withReason: false } } },
              { guard: 'isDescriptionTooLong', actions: [note('descriptionTooLong'), 'prompt'] },
              { guard: 'isOwnWords', actions: { type: 'submitReopen', params: { withReason: true } } },
            ],
          },
        },
      },
    },

    /**
     * *langganan*: topics (subscribed as soon as chosen, the question's words kept as the consent),
     * then optionally the citizen's kelurahan or kecamatan by name, stored as its Kemendagri code.
     */
    subscribe: {
      initial: 'loading',
      states: {
        loading: {
          entry: [enter('topics'), 'requestTopics'],
          on: { 'result.topics': { target: 'askTopics', actions: 'storeTopics' } },
        },
        askTopics: {
          entry: askQuestion('topics'),
          on: { 'citizen.text': [{ guard: 'isTopicChoice', target: 'askRegion', actions: 'subscribeToChosen' }] },
        },
        askRegion: {
          entry: askQuestion('region'),
          on: {
            'citizen.text': [
              { guard: saidExactly(choiceWords.skip), target: '#conversation.menu', actions: 'confirmSubscription' },
              { guard: 'isRegionQuery', actions: ['resetMisses', 'findRegion'] },
            ],
            'result.regions': [
              { guard: 'noRegions', actions: [note('regionNotFound'), 'prompt'] },
              { guard: 'oneRegion', target: '#conversation.menu', actions: { type: 'subscribeInRegion', params: { picked: false } } },
              { target: 'askRegionChoice', actions: 'storeRegions' },
            ],
          },
        },
        askRegionChoice: {
          entry: askQuestion('regionChoice'),
          on: {
            'citizen.text': [{ guard: 'isRegionChoice', target: '#conversation.menu', actions: { type: 'subscribeInRegion', params: { picked: true } } }],
          },
        },
      },
    },

    /** *data saya*: what is held about this chat, listed once; erasing it is one choice away. */
    myData: {
      entry: [enter('myData'), 'requestHeldData'],
      on: {
        'result.heldData': { actions: 'showHeldData' },
        'citizen.text': [{ guard: pick(1, choiceWords.erase), target: 'eraseData' }],
      },
    },

    /**
     * *hapus data saya*: erasing is for good, so it is asked first; no (or *batal*) keeps everything,
     * the report being written too. Once erased the chat starts afresh, as if it were new.
     */
    eraseData: {
      entry: askQuestion('erase'),
      on: {
        'citizen.text': [
          { guard: pick(1, choiceWords.eraseYes), actions: 'eraseHeldData' },
          { guard: pick(2, choiceWords.eraseNo), target: 'menu', actions: [note('eraseCancelled'), 'noteDraftKept'] },
        ],
        'result.dataErased': { target: 'start', actions: 'forgetEverything' },
      },
    },

    /**
     * Waiting for a human: staff take the chat from the console's live-chat queue (the runtime then
     * keeps the bot quiet until they hand it back). Global words still work; leaving withdraws the
     * request, and asking again only repeats the answer, so the place in the queue is kept.
     */
    petugas: {
      entry: [enter('petugas'), 'requestHuman'],
      exit: 'withdrawHuman',
      on: {
        'result.humanRequested': { actions: ['storeHumanAvailability', 'prompt'] },
        'citizen.text': [
          { guard: said(globalWords.human), actions: 'prompt' },
          { guard: 'isOwnWords', actions: 'acknowledgeForStaff' },
        ],
        'citizen.photo': { actions: 'acknowledgeForStaff' },
        'citizen.location': { actions: 'acknowledgeForStaff' },
        'citizen.contact': { actions: 'acknowledgeForStaff' },
      },
    },
  },
});
