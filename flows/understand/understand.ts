/**
 * The understanding step: what one citizen message asks for (an intent) and what it names
 * (tickets, services, a NIK, a complaint category, the language), from informal Indonesian or
 * English, before the conversation machine sees it. Deterministic rules over normalised words,
 * with the catalogue's service and category words (`Vocabulary`); no model, no I/O, well under a
 * millisecond per message. Example:
 *
 *   understand('sy mau lapor bntuan pkh ibu sy gk cair2 udh 3 bln', vocabulary)
 *   → { intent: 'lapor', services: ['pkh'], categoryCode: 'bantuan-sosial', lang: 'id', … }
 *
 * The result can hold a NIK when the text does; the runtime only ever hands it texts masked at
 * the door (src/pii/inbound.ts), where a NIK reads as "3273••••••••0001". Never log it.
 */
import { normaliseTicket } from '../../src/cases/ticket.js';
import type { CaseKind, Lang } from '../../src/conversation/contract.js';
import { validateNik } from '../../src/pii/nik-rules.js';
import { charCount, normalise, typoDistance, visible } from '../text.js';
import {
  ABOUT_ME,
  ACKNOWLEDGEMENTS,
  CANCEL,
  CONTACTS,
  DATA_ERASE_VERBS,
  DATA_OBJECTS,
  DATA_VERBS,
  ENGLISH,
  FILLERS,
  GOODBYES,
  GREETINGS,
  HANDLED,
  HELP,
  HUMAN_VERBS,
  HUMAN_WORDS,
  INDONESIAN,
  KIND_HINTS,
  LAPOR,
  MISTYPED,
  NAMES,
  PARTICULAR_PROBLEMS,
  PERSYARATAN,
  PROBLEMS,
  QUESTION_WORDS,
  REPORT_NOUNS,
  REQUIREMENT_HEADS,
  STATUS,
  STOP,
  STOP_ALONE,
  THANKS,
  TIMING,
  type Phrase,
} from './lexicon.js';
import { splitJoined, standardForm, wordsOf } from './normalise.js';
import type { Vocabulary } from './vocabulary.js';

export const INTENTS = [
  'lapor',
  'status',
  'persyaratan',
  'petugas',
  'greeting',
  'thanks',
  'goodbye',
  'help',
  'stop',
  'dataRequest',
  'cancel',
  'other',
] as const;
export type Intent = (typeof INTENTS)[number];
export type Greeting = (typeof GREETINGS)[number]['kind'];

export interface Understanding {
  intent: Intent;
  /** Ticket numbers in stored form ("ABCD2345"), in the order written. */
  tickets: string[];
  /** Service codes named, in the order first named. */
  services: string[];
  /** The complaint category the words point to, when one stands out. */
  categoryCode: string | null;
  /** A 16-digit number typed as a NIK, and whether its structure is valid. Personal data: never log it. */
  nik: { digits: string; valid: boolean } | null;
  /** `en` only for a message clearly in English; null when the words say neither. */
  lang: Lang | null;
  /** The greeting the message opens with, to answer in kind. */
  greeting: Greeting | null;
  /** The kind of report the words suggest, for a stated complaint. */
  kind: CaseKind;
  /** Words of substance (not greetings, fillers or the intent's own words): how much was actually said. */
  substance: number;
  /**
   * Words that name a particular thing gone wrong ("belum cair", "rusak", "mati", "belum dicetak"),
   * not those that say little on their own ("masalah", "hilang"). The lexicon's are not counted in
   * `substance`; "belum/tidak di…" is counted in both.
   */
  problems: number;
  /** Those words, normalised: what is left to search for ("syarat pkj" → "pkj"). */
  leftover: string;
  /** With `dataRequest`: the words ask to delete the data ("hapus data saya"), not only to see it. */
  erase: boolean;
}

/** Longer than this, a message is read from its start only: nobody states their need on page two. */
const READ_CHARS = 1_000;

const LEXICON_WORDS = new Set(
  [STOP, CANCEL, CONTACTS, MISTYPED, NAMES, DATA_OBJECTS, ABOUT_ME, STATUS, PERSYARATAN, LAPOR, PROBLEMS, HELP, THANKS, GOODBYES, ...GREETINGS.map((g) => g.phrases), ...KIND_HINTS.map((k) => k.phrases)]
    .flat(2)
    .concat([...FILLERS, ...REPORT_NOUNS, ...HANDLED, ...HUMAN_WORDS, ...HUMAN_VERBS, ...DATA_VERBS, ...STOP_ALONE, ...QUESTION_WORDS, ...ACKNOWLEDGEMENTS]),
);

/** Thanks, goodbyes and greetings, longest first, so "terima kasih atas bantuan" is read whole. */
const SOCIAL = [...THANKS, ...GOODBYES, ...GREETINGS.flatMap((g) => g.phrases)].sort((a, b) => b.length - a.length);

interface Known {
  words: Set<string>;
  /** Typo targets by length, so a word is only compared with words it could be a typo of. */
  byLength: Map<number, string[]>;
  corrected: Map<string, string>;
}
const knownFor = new WeakMap<Vocabulary, Known>();

function knownOf(vocabulary: Vocabulary): Known {
  let known = knownFor.get(vocabulary);
  if (!known) {
    const words = new Set([...LEXICON_WORDS, ...vocabulary.words, ...INDONESIAN, ...ENGLISH]);
    const byLength = new Map<number, string[]>();
    // Commands are never guessed from a typo ("Batam" is a place, not "batal"): the machine's own tolerant words handle those.
    const unguessable = new Set([...CANCEL, ...STOP].flat().concat([...STOP_ALONE]));
    for (const word of [...words].sort()) {
      if (word.length < 5 || /\d/.test(word) || unguessable.has(word)) continue;
      byLength.set(word.length, [...(byLength.get(word.length) ?? []), word]);
    }
    known = { words, byLength, corrected: new Map() };
    knownFor.set(vocabulary, known);
  }
  return known;
}

/**
 * A word of five letters or more with one typo (two from nine, in a word of about the same length)
 * reads as the known word: "lapoor", "persyaratn". Everyday words are known (see `INDONESIAN`), so
 * they are not guessed into another ("berat" is not "beras").
 */
function correct(word: string, known: Known): string {
  if (word.length < 5 || known.words.has(word) || /\d/.test(word)) return word;
  const cached = known.corrected.get(word);
  if (cached !== undefined) return cached;
  const allowed = word.length >= 9 ? 2 : 1;
  // A slip is rarely on the last letter: of two near words, the one ending alike wins ("harapn" is "harapan", not "harap").
  let best = word;
  // Two slips that both drop (or both add) a letter make another word too often ("kelurahan" is not "keluhan").
  for (let length = word.length - Math.min(allowed, 1); length <= word.length + Math.min(allowed, 1); length++) {
    const near = (known.byLength.get(length) ?? []).filter((candidate) => typoDistance(word, candidate, allowed) <= allowed);
    const alike = near.find((candidate) => candidate.at(-1) === word.at(-1));
    if (alike) {
      best = alike;
      break;
    }
    if (best === word && near.length > 0) best = near[0];
  }
  // Bounded so a flood of distinct garbage words cannot grow it without end.
  if (known.corrected.size < 10_000) known.corrected.set(word, best);
  return best;
}

/** Where each word stands in a message, so finding a phrase costs a look-up of its first word, not a pass over the message. */
type Positions = Map<string, number[]>;

function positionsOf(words: readonly string[]): Positions {
  return grouped(words, (word) => word, (_, i) => i);
}

/** `items` grouped by `key`, each group in the items' order. */
function grouped<T, V>(items: readonly T[], key: (item: T) => string, value: (item: T, i: number) => V): Map<string, V[]> {
  const groups = new Map<string, V[]>();
  items.forEach((item, i) => {
    const group = groups.get(key(item));
    if (group) group.push(value(item, i));
    else groups.set(key(item), [value(item, i)]);
  });
  return groups;
}

/** Shared by every look-up that finds nothing, so a miss makes no array. */
const NOWHERE: readonly never[] = Object.freeze([]);

/** Positions where `phrase` starts in `words`. */
function occurrences(words: readonly string[], positions: Positions, phrase: Phrase): readonly number[] {
  const starts = positions.get(phrase[0]);
  if (!starts) return NOWHERE;
  return starts.filter((i) => i + phrase.length <= words.length && phrase.every((word, j) => words[i + j] === word));
}

/**
 * A catalogue's phrases (a vocabulary's services or categories) by their first word, each with
 * its place in the list. A message's phrases are then looked up by its own words and taken in
 * the list's order, longest first, as a pass over the whole list would take them; a catalogue of
 * hundreds of services costs a message a few look-ups, not hundreds of tries, nor an array each.
 */
const entryIndexes = new WeakMap<readonly { phrase: Phrase }[], Map<string, number[]>>();

function entriesNamed<T extends { phrase: Phrase }>(entries: readonly T[], positions: Positions): T[] {
  let index = entryIndexes.get(entries);
  if (!index) {
    index = grouped(entries, ({ phrase }) => phrase[0], (_, i) => i);
    entryIndexes.set(entries, index);
  }
  const found: number[] = [];
  for (const word of positions.keys()) {
    const at = index.get(word);
    if (at) found.push(...at);
  }
  return found.sort((a, b) => a - b).map((i) => entries[i]);
}

/** Phrases by their first word, so matching costs one look-up per word, not one pass per phrase. */
const indexes = new WeakMap<readonly Phrase[], Map<string, Phrase[]>>();

function indexOf(phrases: readonly Phrase[]): Map<string, Phrase[]> {
  let index = indexes.get(phrases);
  if (!index) {
    // Longest first, so "terima kasih atas bantuan" is read whole before "terima kasih".
    index = grouped([...phrases].sort((a, b) => b.length - a.length), (phrase) => phrase[0], (phrase) => phrase);
    indexes.set(phrases, index);
  }
  return index;
}

/**
 * Marks the words covered by any of `phrases`, skipping words an earlier reading took (and words
 * `reserved` for something else); returns how many phrases matched.
 */
function mark(words: readonly string[], phrases: readonly Phrase[], covered: boolean[], reserved: readonly boolean[] = []): number {
  const index = indexOf(phrases);
  let count = 0;
  for (let at = 0; at < words.length; at++) {
    for (const phrase of index.get(words[at]) ?? NOWHERE) {
      if (at + phrase.length > words.length || phrase.some((word, j) => words[at + j] !== word || covered[at + j] || reserved[at + j])) continue;
      count++;
      for (let j = 0; j < phrase.length; j++) covered[at + j] = true;
      break;
    }
  }
  return count;
}

function count(words: readonly string[], phrases: readonly Phrase[]): number {
  return mark(words, phrases, []);
}

/** Ticket shapes, most telling first: "ABCD-2345", "ABCD2345", "ABCD 2345". */
const TICKET_SHAPES = [
  /(?<![\p{L}\p{N}])#?([\p{L}\p{N}]{4}-[\p{L}\p{N}]{4})(?![\p{L}\p{N}])/gu,
  /(?<![\p{L}\p{N}])#?([\p{L}\p{N}]{8})(?![\p{L}\p{N}])/gu,
  /(?<![\p{L}\p{N}])#?([\p{L}\p{N}]{4} [\p{L}\p{N}]{4})(?![\p{L}\p{N}])/gu,
];

/** Tickets as citizens type them; without a dash, a run of plain letters ("sekarang", "cara urus") is words, not a ticket. */
function ticketsIn(said: string): string[] {
  const found: { ticket: string; at: number; end: number }[] = [];
  TICKET_SHAPES.forEach((shape, index) => {
    for (const match of said.matchAll(shape)) {
      const ticket = normaliseTicket(match[1]);
      const at = match.index ?? 0;
      const end = at + match[0].length;
      if (!ticket || found.some((f) => f.ticket === ticket || (at < f.end && f.at < end))) continue;
      if (index > 0 && !(/\d/.test(ticket) && /[A-Z]/.test(ticket))) continue;
      if (index === 2 && !(/\d/.test(match[1].slice(0, 4)) || /\d/.test(match[1].slice(5)))) continue;
      found.push({ ticket, at, end });
    }
  });
  return found.sort((a, b) => a.at - b.at).map((f) => f.ticket);
}

const NIK = /(?<!\d)(\d{4}[\s.\-]?\d{4}[\s.\-]?\d{4}[\s.\-]?\d{4})(?!\d)/;
/** A number with masked digits, as src/pii/nik-rules.ts `maskNikShaped` leaves a NIK. */
const MASKED_NUMBER = /(?<!\d)\d*•[\d•]*/g;

function nikIn(said: string): Understanding['nik'] {
  const match = NIK.exec(said);
  if (!match) return null;
  const check = validateNik(match[1]);
  return { digits: match[1].replace(/\D/g, ''), valid: check.ok };
}

function language(words: readonly string[]): Lang | null {
  let en = 0;
  let id = 0;
  for (const word of words) {
    if (ENGLISH.has(word)) en++;
    if (INDONESIAN.has(word)) id++;
  }
  if (en >= 2 && en > id * 2) return 'en';
  if (en >= 1 && id === 0 && en * 2 >= words.length) return 'en';
  return id > 0 ? 'id' : null;
}

function serviceCodes(words: readonly string[], positions: Positions, vocabulary: Vocabulary, covered: boolean[]): string[] {
  const codes: { code: string; at: number }[] = [];
  for (const { phrase, code } of entriesNamed(vocabulary.services, positions)) {
    for (const at of occurrences(words, positions, phrase)) {
      if (phrase.some((_, j) => covered[at + j])) continue;
      for (let j = 0; j < phrase.length; j++) covered[at + j] = true;
      if (!codes.some((c) => c.code === code)) codes.push({ code, at });
    }
  }
  return codes.sort((a, b) => a.at - b.at).map((c) => c.code);
}

/**
 * The category most of the words point to: its own words count twice, a service's category once.
 * A noun is named before what qualifies it, so a category word right after another category's
 * ("posyandu lansia", a health post for the elderly) qualifies it and does not count.
 */
function categoryOf(words: readonly string[], positions: Positions, vocabulary: Vocabulary, services: readonly string[]): string | null {
  const scores = new Map<string, number>();
  const covered: boolean[] = [];
  const found: { at: number; end: number; code: string }[] = [];
  for (const { phrase, code } of entriesNamed(vocabulary.categories, positions)) {
    for (const at of occurrences(words, positions, phrase)) {
      if (phrase.some((_, j) => covered[at + j])) continue;
      for (let j = 0; j < phrase.length; j++) covered[at + j] = true;
      found.push({ at, end: at + phrase.length, code });
    }
  }
  found.sort((a, b) => a.at - b.at);
  found.forEach(({ at, code }, i) => {
    const head = found[i - 1];
    if (head && head.end === at && head.code !== code) return;
    scores.set(code, (scores.get(code) ?? 0) + 2);
  });
  for (const service of services) {
    const code = vocabulary.serviceCategory.get(service);
    if (code) scores.set(code, (scores.get(code) ?? 0) + 1);
  }
  // On a tie, what is named first is what the message is about ("bansos saya berhenti padahal masih miskin").
  const firstAt = (code: string) => found.find((f) => f.code === code)?.at ?? Infinity;
  const ranked = [...scores].sort((a, b) => b[1] - a[1] || firstAt(a[0]) - firstAt(b[0]));
  if (ranked.length === 0 || (ranked.length > 1 && ranked[0][1] === ranked[1][1] && firstAt(ranked[0][0]) === firstAt(ranked[1][0]))) return null;
  return ranked[0][0];
}

function greetingOf(words: readonly string[]): Greeting | null {
  const opening = words.slice(0, 4);
  const positions = positionsOf(opening);
  for (const { kind, phrases } of GREETINGS) {
    for (const phrase of phrases) if (occurrences(opening, positions, phrase).length > 0) return kind;
  }
  return null;
}

function kindOf(words: readonly string[]): CaseKind {
  for (const { kind, phrases } of KIND_HINTS) if (count(words, phrases) > 0) return kind;
  return 'pengaduan';
}

/** Understands one message. `vocabulary` comes from the catalogue; the same text and vocabulary always give the same result. */
export function understand(text: string, vocabulary: Vocabulary): Understanding {
  const said = normalise(text.length > READ_CHARS ? text.slice(0, READ_CHARS) : text);
  const known = knownOf(vocabulary);
  const standard = wordsOf(said).map((word) => standardForm(word, known.words));
  const words = splitJoined(standard, known.words).map((word) => correct(word, known));
  const nik = nikIn(said);
  // The digits of a NIK are not a ticket ("nik saya 3273 0141…" is not ticket SAYA3273), nor
  // those of one the runtime masked before storing the message ("nik saya 3273••••••••0001").
  const tickets = ticketsIn((nik ? said.replace(NIK, ' ') : said).replace(MASKED_NUMBER, ' '));

  const covered: boolean[] = [];
  const positions = positionsOf(words);
  const services = serviceCodes(words, positions, vocabulary, covered);
  const stop = mark(words, STOP, covered);
  const cancel = mark(words, CANCEL, covered);
  const status = mark(words, STATUS, covered);
  const persyaratan = mark(words, PERSYARATAN, covered);
  const lapor = mark(words, LAPOR, covered);
  // Words that only look like a problem: "salah ketik" says nothing; "rumah sakit" is still said, but is no problem.
  mark(words, MISTYPED, covered);
  const names: boolean[] = [];
  mark(words, NAMES, names);
  // Not done to it yet, said of anything ("belum dicetak", "tidak diangkut"): a problem too.
  const notDone = words.filter((word, i) => i > 0 && !covered[i] && /^di\p{L}{3,}/u.test(word) && (words[i - 1] === 'tidak' || words[i - 1] === 'belum')).length;
  const beforeProblems = [...covered];
  const problems = mark(words, PROBLEMS, covered, names) + notDone;
  const particularProblems = mark(words, PARTICULAR_PROBLEMS, beforeProblems, names) + notDone;
  const social = mark(words, SOCIAL, covered);
  const dataCovered: boolean[] = [];
  const dataObject = mark(words, DATA_OBJECTS, dataCovered) > 0 || (words.includes('data') && count(words, ABOUT_ME) > 0);
  const humans = words.filter((word) => HUMAN_WORDS.has(word)).length + count(words, CONTACTS);
  const humanVerbs = words.some((word) => HUMAN_VERBS.has(word));
  const question = words.some((word) => QUESTION_WORDS.has(word));
  const askedIfHandled = words.some((word) => REPORT_NOUNS.has(word)) && words.some((word) => HANDLED.has(word));
  words.forEach((word, i) => {
    if (HUMAN_WORDS.has(word) || REPORT_NOUNS.has(word) || STOP_ALONE.has(word) || /^\d+$/.test(word)) covered[i] = true;
  });
  // What is left once greetings, fillers and every intent's own words are set aside.
  const substantial = words.filter((word, i) => !covered[i] && !FILLERS.has(word) && !ACKNOWLEDGEMENTS.has(word));
  const substance = substantial.length;
  const plain = substance === 0;
  // Help words ("bantuan", "tolong") also name what is asked for, so they only count when nothing else is said.
  const helpCovered: boolean[] = [];
  const help = mark(words, HELP, helpCovered);
  const onlyHelp = words.every((word, i) => helpCovered[i] || FILLERS.has(word) || ACKNOWLEDGEMENTS.has(word));

  const categoryCode = categoryOf(words, positions, vocabulary, services);
  const greeting = greetingOf(words);
  const result = (intent: Intent): Understanding => ({
    intent,
    tickets,
    services,
    categoryCode,
    nik,
    lang: language(words),
    greeting,
    kind: kindOf(words),
    substance,
    problems: particularProblems,
    leftover: substantial.join(' '),
    erase: words.some((word) => DATA_ERASE_VERBS.has(word)),
  });

  if (words.length === 0) return result('other');
  const onlyStop = words.some((word) => STOP_ALONE.has(word)) && words.every((word) => STOP_ALONE.has(word) || FILLERS.has(word));
  if (onlyStop || (stop > 0 && problems === 0)) return result('stop');
  // "tidak jadi" in "pkh tidak jadi cair" is the complaint, not a cancel.
  if (cancel > 0 && plain && status + persyaratan + problems === 0 && services.length === 0) return result('cancel');
  // "data saya" alone asks as plainly as "lihat data saya".
  const onlyData = words.every((word, i) => dataCovered[i] || FILLERS.has(word) || ACKNOWLEDGEMENTS.has(word));
  if (dataObject && (onlyData || words.some((word) => DATA_VERBS.has(word))) && services.length === 0 && lapor === 0) return result('dataRequest');
  if (tickets.length > 0) return result('status');
  if (status > 0 && status >= lapor && problems <= status) return result('status');
  // "laporan saya soal jalan rusak sudah ditangani belum": the problem is the report's, the question its status.
  if (askedIfHandled && (problems === 0 || words.includes('sudah') || words.includes('belum'))) return result('status');
  if (humans > 0 && (humanVerbs || (plain && !greeting)) && problems === 0 && lapor === 0 && persyaratan === 0 && status === 0) {
    return result('petugas');
  }
  if (help > 0 && onlyHelp && services.length === 0 && categoryCode === null && social === 0) return result('help');
  const opening = words.find((word) => !FILLERS.has(word) && !ACKNOWLEDGEMENTS.has(word));
  const asksFirst = opening !== undefined && REQUIREMENT_HEADS.has(opening);
  if (count(words, TIMING) > 0 && !asksFirst && lapor === 0 && (services.length > 0 || categoryCode !== null)) return result('lapor');
  if (persyaratan > 0 && lapor === 0 && (problems === 0 || persyaratan > problems || asksFirst)) return result('persyaratan');
  if (lapor > 0) return result('lapor');
  if (problems > 0 && (substance + problems >= 2 || services.length > 0)) return result('lapor');
  if (question && (services.length > 0 || categoryCode !== null)) return result('lapor');
  if (services.length > 0 && substance <= 2) return result('persyaratan');
  // Several words about a service that neither ask its requirements nor its status: something to report.
  if (services.length > 0 && substance >= 3) return result('lapor');
  if (social > 0 && plain) {
    if (count(words, THANKS) > 0) return result('thanks');
    if (count(words, GOODBYES) > 0) return result('goodbye');
    return result('greeting');
  }
  if (humans > 0 && plain) return result('petugas');
  return result('other');
}

/**
 * Nouns of reporting, which end an opening only as its object or its heading ("mau buat laporan
 * …", "Laporan: …", "pengaduan tentang …"); at the start of a noun phrase they are what the
 * complaint is about ("laporan keuangan dana desa…", "pengaduan warga tentang…", "saran saya…").
 */
const REPORT_NOUN = new Set([...[...REPORT_NOUNS].filter((word) => word !== 'report' && word !== 'komplain'), 'saran', 'usul', 'usulan', 'aspirasi', 'protes']);
/** The verbs of "lapor", "mengadu", "report", "komplain"… on their own: where a stated complaint's opening ends. */
const REPORTING = new Set(LAPOR.filter((phrase) => phrase.length === 1 && !REPORT_NOUN.has(phrase[0])).map(([word]) => word));
/**
 * What may come before them in an opening: the one who writes, wanting or asking, a greeting
 * ("selamat pagi, saya mau buat laporan"). Not the words a complaint is about ("ibu saya mengadu",
 * "sudah lapor 3 kali", "dinas sosial mau saya laporkan" are kept whole). As `wordsOf` reads them:
 * "sy mw" is "saya mau", "make" is "pakai", "I'd" is "i d", "Assalamu'alaikum" is "assalamualaikum alaikum".
 */
const BEFORE_REPORTING = new Set(
  ('saya kami kita mau ingin mohon tolong bisa boleh izin ijin minta hendak buat bikin membuat pakai selamat pagi siang sore malam ' +
    'halo hallo hai helo hi hello hey assalamualaikum alaikum salam warahmatullahi wabarakatuh permisi punten maaf sebelumnya i d we want would like to file a an').split(' '),
);
/** What a noun of reporting is the object of, in an opening: "buat laporan", "a complaint". */
const MAKING = new Set('buat bikin membuat pakai mau ingin file a an'.split(' '));
/** What may follow the reporting and still belong to the opening: "laporan tentang …", "lapor dong, …", "report about a …". */
const AFTER_REPORTING = new Set('tentang ttg soal mengenai terkait perihal bahwa yaitu dong nih ya deh lagi about that a an the'.split(' '));
/** Forms of address, part of an opening only when spoken to ("lapor pak, …"), never when they are who it is about ("lapor ibu saya …"). */
const ADDRESSED = new Set(['bapak', 'ibu', 'kakak', 'admin']);
/** How people address the account itself, as typed: never who a complaint is about ("lapor min jalan …"). */
const THE_ACCOUNT = new Set(['min', 'mimin', 'admin', 'gan', 'sis', 'bro']);
/** After a form of address, what shows it was spoken to: punctuation, an emoji, the end. */
const SPOKEN_TO = /^(?:\s*[,.!:?;]|\s+[-–—]|\s*\p{Extended_Pictographic}|\s*$)/u;
/** The most words an opening is read for. */
const OPENING_WORDS = 30;
/** Words a description does not start with: what follows them needs what came before ("lapor dan minta tolong …"). */
const NOT_FIRST = new Set('dan atau tapi yang karena sama juga oleh ke kepada'.split(' '));

/**
 * A complaint stated in the first message without its opening: "saya mau lapor, jalan di depan SD
 * rusak" is stored as "Jalan di depan SD rusak", the way staff would write it down at the counter.
 * Only an opening that says *lapor* (or *mengadu*, *report*, "buat laporan", "Laporan:"…) is taken
 * off, with a greeting or "saya mau" before it and a "tentang" or "pak," after it; the rest is kept
 * as typed, its first word capitalised when it is all small letters. The text is kept whole when
 * the rest would hold fewer than `min` visible characters or start with a word that needs what came
 * before.
 */
export function withoutOpening(text: string, min: number): string {
  // An opening is a few words: a long paste is not read past them.
  const tokens: { raw: string; words: string[]; end: number; next: string }[] = [];
  for (const token of text.matchAll(/[\p{L}\p{N}'’]+/gu)) {
    if (tokens.length === OPENING_WORDS) break;
    const end = (token.index ?? 0) + token[0].length;
    tokens.push({ raw: token[0].toLowerCase(), words: wordsOf(token[0]), end, next: text.slice(end) });
  }
  const is = (token: (typeof tokens)[number] | undefined, set: ReadonlySet<string>) => !!token && token.words.length > 0 && token.words.every((word) => set.has(word));
  let reported = false;
  let end = 0;
  for (const [i, token] of tokens.entries()) {
    const spokenTo = THE_ACCOUNT.has(token.raw) || (is(token, ADDRESSED) && SPOKEN_TO.test(token.next));
    const reporting =
      is(token, REPORTING) ||
      (is(token, REPORT_NOUN) && (is(tokens[i - 1], MAKING) || /^\s*[:,.\-–—]/u.test(token.next) || is(tokens[i + 1], AFTER_REPORTING)));
    if (reporting) {
      reported = true;
      end = token.end;
    } else if (!reported) {
      if (!is(token, BEFORE_REPORTING) && !spokenTo) break;
    } else if (is(token, AFTER_REPORTING) || spokenTo) end = token.end;
    else break;
  }
  if (end === 0) return text;
  const rest = text.slice(end).replace(/^[\s,.:;!?\-–—]+/u, '');
  const first = /^[\p{L}\p{N}'’]+/u.exec(rest)?.[0] ?? '';
  if (charCount(visible(rest)) < min || wordsOf(first).some((word) => NOT_FIRST.has(word))) return text;
  return /^\p{Ll}+$/u.test(first) ? rest.charAt(0).toLocaleUpperCase('id') + rest.slice(1) : rest;
}
