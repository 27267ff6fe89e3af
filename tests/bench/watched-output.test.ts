/**
 * The bench counts a bot's known faults by a line of its output (the reference's colliding tickets,
 * bench/reference.ts): lines on stdout and stderr, whole even when a line reaches the bench in
 * pieces, and only the lines that match.
 */
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { startNode, type ProductProcess } from '../../bench/processes.js';

describe('startNode watch', () => {
  let running: ProductProcess | null = null;
  afterEach(async () => {
    await running?.stop();
    running = null;
  });

  it('counts matching lines on both streams, a line split across writes counted once', async () => {
    const script = `
      const wait = () => new Promise((resolve) => setTimeout(resolve, 20));
      (async () => {
        console.error('update failed Error in middleware: duplicate key value violates unique constraint "peer_cases_ticket_key"');
        console.log('listening');
        process.stdout.write('update failed: duplicate key value violates unique constraint "peer_ca');
        await wait();
        // A line on the other stream in between: each stream's pieces are joined apart.
        process.stderr.write('peer_ca\\n');
        await wait();
        process.stdout.write('ses_ticket_key"\\nanother line\\n');
        console.error('update failed: duplicate key value violates unique constraint "peer_sessions_pkey"');
        // The last line, without its newline, counts too.
        process.stderr.write('peer_cases_ticket_key');
      })();`;
    running = startNode('watch', ['-e', script], tmpdir(), {}, /peer_cases_ticket_key/);
    expect(await running.exited).toBe(0);
    expect(running.watched()).toBe(3);
  });

  it('counts nothing without a pattern', async () => {
    running = startNode('watch', ['-e', 'console.log("peer_cases_ticket_key")'], tmpdir(), {});
    expect(await running.exited).toBe(0);
    expect(running.watched()).toBe(0);
  });
});
