/**
 * What the conversation remembers between messages. It is persisted as JSON after every step, so
 * it holds plain data only, and never personal data it does not need: no raw NIK, no phone number.
 */
import type { CaseDraft, CaseStatus, Category, Lang, Region, ServiceSummary, Topic } from '../src/conversation/contract.js';
import type { Copy } from './copy/index.js';

/** The question the citizen is currently answering; a re-prompt asks it again. */
export type Question =
  | 'menu'
  | 'kind'
  | 'category'
  | 'description'
  | 'location'
  | 'photos'
  | 'identity'
  | 'name'
  | 'nik'
  | 'confirm'
  | 'edit'
  | 'ticket'
  | 'noCases'
  | 'service'
  | 'serviceNext'
  | 'petugas'
  | 'ratingScore'
  | 'ratingComment'
  | 'reopenReason'
  | 'addInfo'
  | 'duplicate'
  | 'addition'
  | 'stated'
  | 'resume'
  | 'myData'
  | 'erase'
  | 'topics'
  | 'region'
  | 'regionChoice';

/** A note said before the next question; `hint` is the hint for the current question. */
export type NoteKey = keyof Copy['notes'] | 'hint' | 'example';

/**
 * A report being written: a `CaseDraft` whose answers arrive one by one, and which names its
 * service (for the summary) instead of only coding it. `toCaseDraft` turns it into the real thing.
 */
export type Draft = Omit<CaseDraft, 'kind' | 'categoryCode' | 'serviceCode' | 'description'> &
  Partial<Pick<CaseDraft, 'kind' | 'categoryCode' | 'description'>> & {
    /** Set when the report starts from a service's requirements page. */
    service?: ServiceSummary;
  };

export interface ConversationContext {
  lang: Lang;
  question: Question;
  /** Notes waiting to be said in front of the next reply. Keys, so a language switch translates them. */
  notes: NoteKey[];
  /** Consecutive unusable answers to the current question. */
  misses: number;
  /** True while changing one field from the summary: answering it returns to the summary. */
  editing: boolean;
  draft: Draft;
  /**
   * The categories as listed, while the category question is open: an answer may name one in either
   * language. Like every list from the catalogue, it is kept only while its question is (see `enter`).
   */
  categories: Category[];
  /**
   * The services listed: the codes in the order shown, so a number can be resolved, and the search they
   * were found by ('' for all), to list them again when the question is asked again. The names are not kept.
   */
  services: { query: string; codes: string[] } | null;
  /** The service whose requirements were shown last, with its complaint category, while "lapor" from it is offered. */
  service: (ServiceSummary & { categoryCode: string }) | null;
  /** The citizen's most recent cases as listed, so a number can be resolved. */
  cases: { ticket: string; status: CaseStatus; createdAt: string }[];
  /** Answer to the last request for a human. */
  human: { availableNow: boolean; hours: { id: string; en: string }; answerFrom?: string | null } | null;
  /** Whether a message written to staff has been acknowledged already (once is enough). */
  staffAcknowledged: boolean;
  /** The case last shown in cek status, so "tambah info" or "nilai" know which one. */
  shownCase: { ticket: string; status: CaseStatus } | null;
  /** The finished case being rated; `pushed`: the status push already asked, so the question is not repeated. */
  rating: { ticket: string; score: number | null; pushed: boolean } | null;
  /** The case "tambah info" adds to, and how many photos were added in this visit. */
  info: { ticket: string; photos: number } | null;
  /** Words typed at the summary, while the citizen is asked whether they go into the description. */
  addition: string | null;
  /** The citizen's own recent case of the same category, found before sending a report (the duplicate hint). */
  similar: { ticket: string; createdAt: string } | null;
  /** A ticket named in the message that led to cek status, looked up at once instead of listing. */
  pendingTicket: string | null;
  /** A service named in the message that led to persyaratan, searched at once instead of listing all. */
  pendingQuery: string | null;
  /**
   * A report left unfinished (the citizen went elsewhere), kept to offer when they come back to lapor:
   * `question` is where they were, `at` when they left (ISO, from the message), for the 24-hour offer.
   */
  parked: { draft: Draft; question: Question; at: string | null } | null;
  /** Broadcast topics as listed, so numbers and names can be resolved, until the subscription is confirmed. */
  topics: Topic[];
  /** Topics just subscribed to (codes), which the region question applies to. */
  chosenTopics: string[];
  /** Regions found for the name the citizen typed, in the order shown, while one is to be picked. */
  regions: Region[];
  /** The topic offered under the ticket just announced: *langganan* at the menu takes it with one tap. */
  offer: Topic | null;
  /** While the chat still has to be shown the short privacy notice (under its next reply): the base URL of the full notice page. */
  privacyNotice: string | null;
}

export function emptyDraft(): Draft {
  return { photos: [], anonymous: false, confidential: false };
}
