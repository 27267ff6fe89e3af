/**
 * The contract between a conversation machine (pure, in `flows/`) and the runtime that runs it.
 * The machine never does I/O: it emits `Effect`s; the runtime performs them inside the same
 * Postgres transaction and answers the ones that have a result with a `ResultEvent`.
 * A flow test is therefore a list of events in and `reply` effects out.
 */
import type { ReplyOption } from '../domain/messages.js';
import type { ConversationContext } from '../../flows/context.js';
import type { Understanding } from '../../flows/understand/understand.js';
import type { NikProblem } from '../pii/nik-rules.js';

export type Lang = 'id' | 'en';
export type CaseKind = 'pengaduan' | 'aspirasi' | 'informasi';
/** Where a case stands; the allowed moves between them are `TRANSITIONS` in src/cases/lifecycle.ts. */
export const CASE_STATUSES = ['baru', 'diverifikasi', 'diteruskan', 'diproses', 'selesai', 'ditutup', 'ditolak', 'duplikat'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
/** Statuses where the work on a case is over: no due date, shown as closed. */
export const FINISHED_STATUSES: readonly CaseStatus[] = ['selesai', 'ditutup', 'ditolak', 'duplikat'];

/** Events that come from the citizen. */
export type CitizenEvent =
  /**
   * `understood`: what the understanding step read in the text with the catalogue's words (the
   * machine reads it without them when absent); `at`: when it arrived (ISO), for the draft's 24 hours;
   * `nik`: the NIK-shaped number the text held, sealed at the door (the text has it masked).
   */
  | { type: 'citizen.text'; text: string; understood?: Understanding; at?: string; nik?: TypedNik }
  | { type: 'citizen.photo'; mediaRef: string; caption?: string }
  | { type: 'citizen.location'; latitude: number; longitude: number; address?: string }
  | { type: 'citizen.contact'; phone: string; name?: string }
  | { type: 'citizen.unsupported'; what: 'sticker' | 'voice' | 'video' | 'document' | 'edited' | 'other' };

export interface Category {
  code: string;
  name: { id: string; en: string };
}

export interface ServiceSummary {
  code: string;
  name: { id: string; en: string };
}

export interface ServiceDetail extends ServiceSummary {
  /** Documents to bring, one per line, in each language. */
  requirements: { id: string[]; en: string[] };
  procedure: { id: string[]; en: string[] };
  /** Where and when to go: office, address and opening hours. */
  where: { id: string; en: string };
  /** Complaint category to pre-select when the citizen reports a problem about this service. */
  categoryCode: string;
}

export interface CaseSummary {
  ticket: string;
  kind: CaseKind;
  status: CaseStatus;
  categoryName: { id: string; en: string };
  /** ISO in the dinas's local time with its offset, so the date part is the local date. */
  createdAt: string;
  /** Last status change (ISO, local time like `createdAt`). */
  updatedAt: string;
  /** When the next step is due (ISO, local time like `createdAt`), or null once finished. */
  dueAt: string | null;
  /** Reason given when `ditolak`, or the last public note from staff. */
  note: string | null;
}

/** A NIK after the runtime sealed it: never the digits themselves. */
export interface SealedNik {
  sealed: string;
  masked: string;
}

/**
 * A NIK-shaped number the citizen typed, as the front door leaves it (src/pii/inbound.ts): sealed
 * when its structure is valid, else only what is wrong with it. Used by the NIK question, dropped
 * everywhere else.
 */
export type TypedNik = { ok: true; nik: SealedNik } | { ok: false; reason: NikProblem };

export interface CaseDraft {
  kind: CaseKind;
  categoryCode: string;
  serviceCode?: string;
  description: string;
  location?: { address?: string; latitude?: number; longitude?: number };
  photos: string[];
  reporterName?: string;
  nik?: SealedNik;
  anonymous: boolean;
  confidential: boolean;
  /** The citizen's earlier ticket of the same category they were shown, when they said this report is new. */
  possibleDuplicateOf?: string;
}

/**
 * What is held about a chat and the person behind it (*data saya*), as the citizen is shown it:
 * the phone and NIK already masked to their last four digits. Rendered at once, never kept in the
 * conversation's context.
 */
export interface HeldData {
  /** This chat and any other chat of the same person (e.g. the WhatsApp number status news go to). */
  chats: { channel: string; phoneMasked: string | null }[];
  /** The name as given in a report. */
  name: string | null;
  nikMasked: string | null;
  /** Newest first, the first few (`HELD_CASES_SHOWN` in src/privacy/held.ts); `moreCases` counts the rest. */
  cases: { ticket: string; status: CaseStatus }[];
  moreCases: number;
  /** Stored messages with text in them, and photos kept. */
  messages: number;
  photos: number;
}

/** A broadcast topic a citizen may subscribe to (src/broadcasts/). */
export interface Topic {
  code: string;
  name: { id: string; en: string };
}

/** A Kemendagri region found by name: `code` is what a subscription stores. */
export interface Region {
  code: string;
  name: string;
  /** kecamatan | kelurahan | desa | kota | kabupaten | provinsi */
  level: string;
}

/** What became of a rating or a reopen request; `notRateable`: the case is not finished (any more). */
export type RatingOutcome = 'rated' | 'reopened' | 'tooLate' | 'notRateable' | 'notFound';

/** Results the runtime feeds back after performing an effect. */
export type ResultEvent =
  | { type: 'result.categories'; categories: Category[] }
  | { type: 'result.services'; query: string; services: ServiceSummary[] }
  | { type: 'result.service'; service: ServiceDetail | null }
  /** `offer`: the broadcast topic of the report's category, offered with one tap, unless the chat has it already. */
  | { type: 'result.caseCreated'; ticket: string; dueAt: string; offer?: Topic | null }
  | { type: 'result.topics'; topics: Topic[] }
  | { type: 'result.regions'; query: string; regions: Region[] }
  /** *mulai*: `resumed` is true when the chat had opted out of broadcasts (and no longer has). */
  | { type: 'result.broadcastsResumed'; resumed: boolean }
  | { type: 'result.ownCases'; cases: CaseSummary[] }
  /** `case` is null both when the ticket does not exist and when it is someone else's. */
  | { type: 'result.case'; ticket: string; case: CaseSummary | null }
  /** `answerFrom`: when staff are next at their desks (ISO, the dinas's local time), if they are not now. */
  | { type: 'result.humanRequested'; staffAvailableNow: boolean; hours: { id: string; en: string }; answerFrom: string | null }
  /** The citizen's own recent case about the same category, if any (the duplicate hint). */
  | { type: 'result.similarCase'; similar: { ticket: string; createdAt: string } | null }
  | { type: 'result.rated'; ticket: string; outcome: RatingOutcome }
  /** `added` is false when the case is not the citizen's or no longer open. */
  | { type: 'result.infoAdded'; ticket: string; added: boolean }
  | { type: 'result.heldData'; held: HeldData }
  /** The person behind the chat was erased; the chat starts afresh. */
  | { type: 'result.dataErased' };

/**
 * Told by the runtime before the citizen's message: one of their cases became `selesai` since the
 * chat's last step, and the status push asked them to rate it, so this message may be the answer.
 */
export type CaseNewsEvent = { type: 'case.awaitingRating'; ticket: string };

/** Told by the runtime when an officer hands a live chat back to the bot (src/livechat/). */
export type StaffNewsEvent = { type: 'staff.handedBack' };

export type ConversationEvent = CitizenEvent | ResultEvent | CaseNewsEvent | StaffNewsEvent;

/**
 * What a machine asks the runtime to do. Every effect but `reply`, `redactMessage`, `keepMedia`,
 * `withdrawHuman`, `optOutOfBroadcasts`, `subscribe` and `privacyNoticeShown` is answered with a `ResultEvent`.
 */
export type Effect =
  | { type: 'reply'; text: string; options?: ReplyOption[] }
  | { type: 'listCategories' }
  /** Fuzzy search of the service catalogue; empty query lists all services. */
  | { type: 'searchServices'; query: string }
  | { type: 'getService'; code: string }
  | { type: 'createCase'; draft: CaseDraft }
  | { type: 'listOwnCases' }
  | { type: 'findCase'; ticket: string }
  /** Mask the digits in the stored copy of the message being answered (a mistyped NIK is still personal data). */
  | { type: 'redactMessage' }
  /** Fetch and keep the photo the flow just accepted (photos it did not ask for are never kept). */
  | { type: 'keepMedia'; mediaRef: string }
  /** Put the chat in its dinas's live-chat queue (once: an open request is kept). */
  | { type: 'requestHuman' }
  /** The citizen left the petugas flow: a request no officer has taken leaves the queue. */
  | { type: 'withdrawHuman' }
  /** The citizen opted out of broadcasts (*berhenti*, *stop*); `wording`: the confirmation they were shown. Answered with nothing. */
  | { type: 'optOutOfBroadcasts'; wording: string }
  /** *mulai*: broadcasts again, if the chat had opted out (answered with `result.broadcastsResumed`). */
  | { type: 'resumeBroadcasts'; wording: string }
  /** Broadcast topics to choose from. */
  | { type: 'listTopics' }
  /** Regions whose name matches what the citizen typed (kelurahan, kecamatan…). */
  | { type: 'findRegion'; query: string }
  /**
   * Subscribe the chat to `topics` (codes), for `regionCode` if given, and record the consent with
   * the exact `wording` shown; clears an opt-out. Answered with nothing.
   */
  | { type: 'subscribe'; topics: string[]; regionCode: string | null; wording: string }
  /** The citizen's (or their NIK's) case about the same category in the last 7 days. */
  | { type: 'findSimilarCase'; categoryCode: string; nik?: SealedNik }
  /** Rate a finished case (`score` 1–5) and/or reopen it (`reopen`: the citizen says it is not finished). */
  | { type: 'rateCase'; ticket: string; score: number | null; comment: string | null; reopen: boolean }
  /**
   * Add the citizen's text and/or photos (already kept with `keepMedia`) to their open case; with the
   * report's `nik`, a case of the same NIK from another chat counts as theirs (the duplicate hint's "same").
   */
  | { type: 'addCaseInfo'; ticket: string; text: string | null; photos: string[]; nik?: SealedNik }
  /** The short privacy notice went out with a reply: record it, so the chat is not shown it again. */
  | { type: 'privacyNoticeShown' }
  /** *data saya*: what is held about this chat and the person behind it (an audit-log row). */
  | { type: 'describeHeldData' }
  /** *hapus data saya*, confirmed: erase the person behind this chat (src/privacy/erase.ts; an audit-log row). */
  | { type: 'eraseHeldData' };

/** Input a machine starts with. `restartReason` lets the first reply explain why we start over. */
export interface ConversationInput {
  lang?: Lang;
  restartReason?: 'idle' | 'upgrade';
  /** A report the previous session left unfinished (see `unfinishedReport`), offered back when the citizen returns to lapor. */
  parked?: ConversationContext['parked'];
  /** The chat has not been shown the privacy notice yet: the base URL its full page is under (`PUBLIC_URL`). */
  privacyNotice?: string;
}
