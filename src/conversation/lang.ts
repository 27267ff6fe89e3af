/**
 * The citizen's language as their stored conversation records it. On its own so that case code
 * (which writes pushes in it) need not import the conversation runtime, which imports case code.
 */
import type { Lang } from './contract.js';
import type { PersistedSnapshot } from './step.js';

/** The language the citizen chose in this conversation, if any. */
export function langOf(snapshot: PersistedSnapshot | null): Lang | undefined {
  const lang = (snapshot?.context as { lang?: unknown } | undefined)?.lang;
  return lang === 'en' || lang === 'id' ? lang : undefined;
}
