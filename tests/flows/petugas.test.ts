/**
 * The petugas flow as a pure machine (no database): which live-chat effects it asks the runtime
 * for. Asking queues the chat once, asking again keeps the place, leaving withdraws the request,
 * and the officer's hand back brings the citizen to the menu with a word that the bot is back.
 */
import { describe, expect, it } from 'vitest';
import { id } from '../../flows/copy/id.js';
import { conversationMachine } from '../../flows/conversation.js';
import type { ConversationEvent, Effect, ResultEvent } from '../../src/conversation/contract.js';
import { step, type PersistedSnapshot } from '../../src/conversation/step.js';

const text = (t: string): ConversationEvent => ({ type: 'citizen.text', text: t });
const handedBack: ConversationEvent = { type: 'staff.handedBack' };

const onDuty: ResultEvent = { type: 'result.humanRequested', staffAvailableNow: true, hours: { id: '-', en: '-' }, answerFrom: null };

/** Steps the events in order; returns the live-chat effects asked for, the last replies and the state. */
async function run(events: ConversationEvent[], desk: ResultEvent = onDuty) {
  let snapshot: PersistedSnapshot | null = null;
  const asked: Effect['type'][] = [];
  let replies: string[] = [];
  for (const event of events) {
    const outcome = await step(conversationMachine, snapshot, {}, event, async (effect): Promise<ResultEvent | null> => {
      if (effect.type === 'requestHuman' || effect.type === 'withdrawHuman') asked.push(effect.type);
      if (effect.type === 'requestHuman') return desk;
      return null;
    });
    snapshot = outcome.snapshot;
    replies = outcome.replies.map((r) => r.text);
  }
  return { asked, replies, state: snapshot?.value };
}

describe('petugas', () => {
  it('queues the chat once, however often the citizen asks', async () => {
    const { asked, replies, state } = await run([text('halo'), text('petugas'), text('petugas'), text('PETUGAS')]);
    expect(asked).toEqual(['requestHuman']);
    expect(replies[0]).toContain(id.petugas.recorded);
    expect(state).toBe('petugas');
  });

  it.each(['menu', '0', 'batal'])('withdraws the request when the citizen leaves with "%s"', async (word) => {
    const { asked, state } = await run([text('halo'), text('4'), text(word)]);
    expect(asked).toEqual(['requestHuman', 'withdrawHuman']);
    expect(state).toBe('menu');
  });

  it('goes back to the menu on the hand back, saying the bot is back', async () => {
    const { replies, state } = await run([text('halo'), text('petugas'), handedBack]);
    expect(replies).toHaveLength(1);
    expect(replies[0].startsWith(id.notes.handedBack)).toBe(true);
    expect(replies[0]).toContain(id.menu.prompt);
    expect(state).toBe('menu');
  });

  it('tells the citizen when staff will answer outside their hours', async () => {
    const hours = 'Senin–Jumat, 08.00–15.00 WIB';
    const closed: ResultEvent = { type: 'result.humanRequested', staffAvailableNow: false, hours: { id: hours, en: '-' }, answerFrom: '2026-12-07T08:00:00+07:00' };
    const { replies } = await run([text('halo'), text('petugas')], closed);
    expect(replies[0]).toContain(id.petugas.answerFrom('Senin, 7 Desember 2026', '08.00', hours));
  });
});
