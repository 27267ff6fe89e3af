/**
 * Platforms cap a message's length (Telegram 4096, WhatsApp 4096 UTF-16 units), and a long answer
 * (a service's requirements, a citizen's description echoed back) must still arrive whole, in order.
 * Splits on line boundaries where possible; a longer line is cut at its last space before the
 * limit, or hard when it has none, never inside a surrogate pair (an emoji stays whole).
 */
export function splitText(text: string, limit: number): string[] {
  if (text.length <= limit) return text.length ? [text] : [];
  const parts: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const candidate = current ? `${current}\n${line}` : line;
    if (candidate.length <= limit) {
      current = candidate;
      continue;
    }
    if (current) parts.push(current);
    current = line;
    while (current.length > limit) {
      const space = current.lastIndexOf(' ', limit);
      const hard = isHighSurrogate(current.charCodeAt(limit - 1)) ? limit - 1 : limit;
      const cut = space > 0 ? space : hard;
      parts.push(current.slice(0, cut));
      current = current.slice(cut).trimStart();
    }
  }
  if (current) parts.push(current);
  return parts;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
