/**
 * What a citizen sends is cleaned once, at the front door, before anything stores it: Postgres
 * `text` refuses U+0000 and `jsonb` refuses `\u0000` and lone surrogates, and the console cannot
 * show other control characters. Any client or script can send them, and one refused insert must
 * not stop a channel.
 */

/** C0 controls except tab, newline and carriage return, and the noncharacters U+FFFE/U+FFFF. */
const UNSTORABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Removes control characters and noncharacters; a lone surrogate becomes U+FFFD, as a UTF-8
 * encoder would write it.
 *
 * @example
 *   cleanText('halo\u0000dunia'); // 'halodunia'
 */
export function cleanText(text: string): string {
  return text.replace(UNSTORABLE, '').replace(LONE_SURROGATE, '\uFFFD');
}

/** `change` applied to every string inside a plain value, leaving numbers, dates and the shape as they are. */
export function mapStrings<T>(value: T, change: (text: string) => string): T {
  if (typeof value === 'string') return change(value) as T;
  if (Array.isArray(value)) return value.map((inner) => mapStrings(inner, change)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, mapStrings(inner, change)])) as T;
  }
  return value;
}

/**
 * `cleanText` applied to every string inside a value (an `InboundMessage`: text, caption, contact
 * name, address, display name, ids).
 */
export function cleanStrings<T>(value: T): T {
  return mapStrings(value, cleanText);
}
