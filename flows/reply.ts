/**
 * Building `reply` effects. The text always carries its own numbered list, so a channel without
 * buttons shows it as is; the same numbers are the buttons' keys, so a typed "2" and a pressed
 * button "2" come back as the same `citizen.text`.
 */
import type { ReplyOption } from '../src/domain/messages.js';
import type { ReplyEffect } from '../src/conversation/step.js';

export type Reply = ReplyEffect;

/** Paragraphs separated by a blank line; empty parts are left out. */
export function textReply(...paragraphs: (string | null | undefined)[]): Reply {
  return { type: 'reply', text: paragraphs.filter((p): p is string => !!p).join('\n\n') };
}

/**
 * A question with numbered choices: prompt, "1. …" lines, then the footer that says how to go
 * back or cancel. Example: `choiceReply('Apa jenis laporan Anda?', ['Pengaduan', 'Aspirasi'], footer)`.
 */
export function choiceReply(prompt: string, labels: readonly string[], footer?: string): Reply {
  const options: ReplyOption[] = labels.map((label, index) => ({ key: String(index + 1), label }));
  const list = options.map((option) => `${option.key}. ${option.label}`).join('\n');
  return { ...textReply(prompt, list, footer), options };
}

/** Adds buttons whose key is a word the text already tells the citizen to type (e.g. "lewati"). */
export function withButtons(reply: Reply, buttons: ReplyOption[]): Reply {
  return { ...reply, options: [...(reply.options ?? []), ...buttons] };
}

/** Puts short notes ("Baik, dibatalkan.") in front of a reply, as one message. */
export function prefixed(notes: readonly string[], reply: Reply): Reply {
  return notes.length === 0 ? reply : { ...reply, text: textReply(...notes, reply.text).text };
}
