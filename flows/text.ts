/**
 * Reading what citizens type on a phone: case, stray spaces, invisible characters pasted from
 * other apps, trailing punctuation, WhatsApp *bold*, Telegram /commands, and small typos.
 */

/** Zero-width and other invisible characters that keyboards and copy-paste leave behind. */
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u2060-\u2064\uFEFF]/g;
/** Emoji presentation selector and keycap mark, so "1️⃣" reads as "1". */
const EMOJI_MARKS = /[\uFE0E\uFE0F\u20E3]/g;
/** Stripped from both ends: "1.", "batal!!", WhatsApp "*menu*", "(2)". */
const EDGE_PUNCTUATION = new Set(' .,!?;:*_~"\'`()[]{}<>-');

/** Removes invisible characters only; used for length checks of free text that is stored verbatim. */
export function visible(text: string): string {
  return text.replace(INVISIBLE, '').trim();
}

/** Counts what a person would count: code points, so an emoji is one character, not two. */
export function charCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Cuts to at most `max` characters without splitting an emoji, marking the cut with "…". */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max).join('').trimEnd()}…`;
}

/**
 * The comparable form of a message: NFKC (full-width digits, ①), lower case, no invisible
 * characters, single spaces, no punctuation at either end, and "/menu@KanalBot" read as "menu".
 * Written without backtracking regular expressions, so a 100,000-character message stays linear.
 */
export function normalise(text: string): string {
  const spaced = text
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(EMOJI_MARKS, '')
    .toLowerCase()
    .replace(/\s+/g, ' ');
  let start = 0;
  let end = spaced.length;
  while (start < end && EDGE_PUNCTUATION.has(spaced[start])) start++;
  while (end > start && EDGE_PUNCTUATION.has(spaced[end - 1])) end--;
  const said = spaced.slice(start, end);
  // Telegram commands, possibly addressed to the bot: "/menu", "/menu@KanalAduanBot".
  return /^\/[^\s/]+$/.test(said) ? said.slice(1).split('@')[0] : said;
}

/**
 * Optimal string alignment distance (Levenshtein plus swapped neighbours, the commonest typo on a
 * phone keyboard), giving up early once it exceeds `limit` so a 100,000-character message costs nothing.
 */
export function typoDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, beforePrevious[j - 2] + 1);
      }
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length];
}

/**
 * Whether a normalised message is one of `words`. Tolerant matching forgives one typo in words of
 * four letters or more ("mneu", "btal") and two in words of nine or more; shorter words ("ya",
 * "en") must match exactly, since a single changed letter makes them other words.
 */
export function matchesWord(said: string, words: readonly string[], tolerant: boolean): boolean {
  return words.some((word) => {
    if (said === word) return true;
    if (!tolerant || word.length < 4) return false;
    const allowed = word.length >= 9 ? 2 : 1;
    return typoDistance(said, word, allowed) <= allowed;
  });
}
