/**
 * Masking at the door: a NIK-shaped number in anything a citizen sends — a text, a photo's caption,
 * a contact's name, a place's name, the profile's display name — is masked before the message is
 * stored, wherever in the conversation it was typed. Only a text can answer the NIK question, so
 * only a text's NIK is sealed (encrypted, with its masked form) for the conversation step, which
 * keeps it when the flow asked for it and drops it otherwise.
 */
import type { InboundContent, InboundMessage } from '../domain/messages.js';
import type { TypedNik } from '../conversation/contract.js';
import { encryptNik, type NikKeys } from './nik.js';
import { maskNik, maskNikShaped, nikShapedNumbers, validateNik } from './nik-rules.js';

export interface MaskedInbound {
  message: InboundMessage;
  /** The first valid NIK of a text, sealed; or what is wrong with its first NIK-shaped number. */
  typedNik: TypedNik | null;
}

function maskOptional(text: string | undefined): string | undefined {
  return text === undefined ? undefined : maskNikShaped(text);
}

function maskContent(content: InboundContent): InboundContent {
  switch (content.kind) {
    case 'text':
      return { ...content, text: maskNikShaped(content.text) };
    case 'photo':
      return content.caption === undefined ? content : { ...content, caption: maskNikShaped(content.caption) };
    case 'location':
      return content.address === undefined ? content : { ...content, address: maskNikShaped(content.address) };
    case 'contact':
      return content.name === undefined ? content : { ...content, name: maskNikShaped(content.name) };
    case 'unsupported':
      return content;
  }
}

function typedNikIn(content: InboundContent, keys: NikKeys): TypedNik | null {
  if (content.kind !== 'text') return null;
  const found = nikShapedNumbers(content.text);
  if (found.length === 0) return null;
  const valid = found.find((number) => validateNik(number.digits).ok);
  if (valid) return { ok: true, nik: { sealed: encryptNik(valid.digits, keys), masked: maskNik(valid.digits) } };
  const check = validateNik(found[0].digits);
  return check.ok ? null : check;
}

/** The message as it may be stored, and the sealed NIK its text held. */
export function maskInbound(message: InboundMessage, keys: NikKeys): MaskedInbound {
  const displayName = maskOptional(message.displayName);
  return {
    message: { ...message, content: maskContent(message.content), ...(displayName === undefined ? {} : { displayName }) },
    typedNik: typedNikIn(message.content, keys),
  };
}
