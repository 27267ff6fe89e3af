/**
 * Which photos the conversation asks the runtime to keep: the machine stepped directly (no
 * database), its `keepMedia` effects collected. Only photos the lapor flow (or "tambah info", see
 * back-to-citizen.test.ts) asked for and took are kept; a photo anywhere else, or beyond the
 * limit, is answered but never fetched.
 */
import { describe, expect, it } from 'vitest';
import { conversationMachine } from '../../flows/conversation.js';
import { limits } from '../../flows/limits.js';
import { readCatalogue } from '../../src/catalogue/seed.js';
import type { CitizenEvent, ConversationEvent, Effect } from '../../src/conversation/contract.js';
import { step, type PersistedSnapshot } from '../../src/conversation/step.js';

const catalogue = await readCatalogue();
const categories = catalogue.categories.map(({ code, name }) => ({ code, name }));

const text = (t: string): CitizenEvent => ({ type: 'citizen.text', text: t });
const photo = (mediaRef: string): CitizenEvent => ({ type: 'citizen.photo', mediaRef });
const TO_PHOTOS = ['halo', '1', '1', '1', 'Jalan berlubang di depan sekolah dasar sejak bulan lalu.', 'lewati'].map(text);

/** The media references the machine asked to keep while going through `events`. */
async function keptWhile(events: ConversationEvent[]): Promise<string[]> {
  let snapshot: PersistedSnapshot | null = null;
  const kept: string[] = [];
  for (const event of events) {
    const outcome = await step(conversationMachine, snapshot, {}, event, async (effect: Effect) => {
      if (effect.type === 'keepMedia') kept.push(effect.mediaRef);
      if (effect.type === 'listCategories') return { type: 'result.categories', categories };
      if (effect.type === 'requestHuman') return { type: 'result.humanRequested', staffAvailableNow: true, hours: { id: '-', en: '-' }, answerFrom: null };
      return null;
    });
    snapshot = outcome.snapshot;
  }
  return kept;
}

describe('photos the conversation keeps', () => {
  it('keeps each photo the photo question accepts, up to the limit', async () => {
    const photos = Array.from({ length: limits.photos + 1 }, (_, i) => photo(`telegram:file:p${i + 1}`));
    const expected = photos.slice(0, limits.photos).map((p) => (p as { mediaRef: string }).mediaRef);
    expect(await keptWhile([...TO_PHOTOS, ...photos])).toEqual(expected);
  });

  it('keeps the new photos after the citizen chose to change them', async () => {
    const events = [...TO_PHOTOS, photo('a'), text('selesai'), text('2'), text('2'), text('5'), photo('b')];
    expect(await keptWhile(events)).toEqual(['a', 'b']);
  });

  it.each([
    { where: 'as the first message', events: [photo('x')] },
    { where: 'at the main menu', events: [text('halo'), photo('x')] },
    { where: 'at the description question', events: [...TO_PHOTOS.slice(0, 4), photo('x')] },
    { where: 'at the location question', events: [...TO_PHOTOS.slice(0, 5), photo('x')] },
    { where: 'to a human (petugas)', events: [text('halo'), text('4'), photo('x')] },
    { where: 'at the requirements question', events: [text('halo'), text('3'), photo('x')] },
    { where: 'at the rating question', events: [text('halo'), { type: 'case.awaitingRating', ticket: 'ABCD2345' } as const, photo('x')] },
  ])('keeps nothing sent $where', async ({ events }) => {
    expect(await keptWhile(events)).toEqual([]);
  });
});
