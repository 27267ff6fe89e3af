/**
 * Holding a chat's conversation row the way a worker busy stepping it does, so a test can let
 * messages pile up behind it and know they were all stored before any of them is stepped.
 *
 * @example
 *   const release = await holdConversation(app.ctx.db.sql, 'telegram', '5100001');
 *   ... post messages, wait until they are stored ...
 *   await release();   // the worker steps them now, in order
 */
import type { Sql } from 'postgres';

export async function holdConversation(sql: Sql, channel: string, chatId: string): Promise<() => Promise<void>> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const held = sql.begin(async (tx) => {
    await tx`select 1 from conversations c join channel_identities i on i.id = c.identity_id
      where i.channel = ${channel} and i.chat_id = ${chatId} for update of c`;
    locked();
    await released;
  });
  // A failure before the lock was taken must surface here, not hang the test.
  await Promise.race([isLocked, held]);
  return async () => {
    release();
    await held;
  };
}
