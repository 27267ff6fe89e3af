/**
 * A dinas's webhook receiver for tests: real HTTP on 127.0.0.1, every request recorded with its
 * raw body and whether its signature verifies with the receiver's secret. Answers are scripted:
 * a queue of statuses to answer first (then 200), or `down` — the connection is dropped unanswered,
 * as when the dinas's server is off.
 *
 * @example
 *   const receiver = await startWebhookReceiver(secret);
 *   receiver.answerNext(500);
 *   await receiver.waitFor((requests) => requests.length === 2);
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../src/integrations/webhooks/signature.js';

export interface ReceivedWebhook {
  delivery: string;
  event: string;
  signature: string | undefined;
  rawBody: string;
  body: Record<string, unknown> & { event: { id: number; toStatus: string }; case: Record<string, unknown> & { ticket: string } };
  verified: boolean;
  status: number;
}

export interface WebhookReceiver {
  readonly url: string;
  /** Requests answered (dropped ones are not recorded), in arrival order. */
  readonly received: ReceivedWebhook[];
  /** Connections dropped while down. */
  readonly dropped: number;
  answerNext(...statuses: number[]): void;
  /** Answers 500 to every request `failing` picks, from now on. */
  failWhen(failing: (body: ReceivedWebhook['body']) => boolean): void;
  setDown(down: boolean): void;
  /** Holds requests unanswered from now on; `releaseHeld(status)` answers them and stops holding. */
  hold(): void;
  readonly held: number;
  releaseHeld(status: number): void;
  waitFor(done: (received: ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const script: number[] = [];
  let down = false;
  let holding = false;
  let dropped = 0;
  const heldAnswers: ((status: number) => void)[] = [];
  let failing: (body: ReceivedWebhook['body']) => boolean = () => false;
  const server = createServer(async (req, res) => {
    if (down) {
      dropped++;
      req.socket.destroy();
      return;
    }
    const rawBody = await readBody(req);
    const body = JSON.parse(rawBody);
    const status = holding ? await new Promise<number>((resolve) => heldAnswers.push(resolve)) : failing(body) ? 500 : (script.shift() ?? 200);
    const signature = req.headers['x-kanal-signature'] as string | undefined;
    received.push({
      delivery: String(req.headers['x-kanal-delivery']),
      event: String(req.headers['x-kanal-event']),
      signature,
      rawBody,
      body,
      verified: verifySignature(secret, signature, rawBody, { now: new Date(), toleranceSeconds: 300 }),
      status,
    });
    res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'receiver failed');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/kanal-webhook`,
    received,
    get dropped() {
      return dropped;
    },
    answerNext: (...statuses) => script.push(...statuses),
    failWhen: (predicate) => {
      failing = predicate;
    },
    setDown: (value) => {
      down = value;
    },
    hold: () => {
      holding = true;
    },
    get held() {
      return heldAnswers.length;
    },
    releaseHeld: (status) => {
      holding = false;
      for (const answer of heldAnswers.splice(0)) answer(status);
    },
    async waitFor(done, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!done(received)) {
        if (Date.now() > deadline) throw new Error(`webhook receiver: condition not met after ${timeoutMs} ms (${received.length} received)`);
        // Polls a condition; the interval only limits load.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
