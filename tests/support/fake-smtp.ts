/**
 * A local SMTP server for tests (smtp-server + mailparser): real SMTP on 127.0.0.1, every
 * accepted mail parsed and recorded with its envelope, refusals scripted per stage with the reply
 * code a real server would give. Point nodemailer at `url` (SMTP_URL).
 *
 * @example
 *   const smtp = await startFakeSmtp();
 *   smtp.refuseNext('rcpt', 451, '4.3.0 Mailbox temporarily unavailable');
 *   ... run the staff notification worker with SMTP_URL=smtp.url ...
 *   const [mail] = await smtp.waitForMails(1);   // no sleeps: resolves on arrival, rejects on timeout
 *   expect(mail.subject).toContain('Laporan baru');
 *   await smtp.close();
 */
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface FakeMail {
  /** Envelope recipients (RCPT TO). */
  to: string[];
  from: string;
  subject: string;
  text: string;
  /** The display name in the From header. */
  fromName: string;
}

export type SmtpStage = 'rcpt' | 'data';

export interface FakeSmtp {
  /** `smtp://127.0.0.1:<port>`, or with the accepted credentials when `auth` was given. */
  readonly url: string;
  readonly mails: readonly FakeMail[];
  /** Mails accepted for one recipient. */
  mailsTo(address: string): FakeMail[];
  /** The next `times` commands at `stage` are refused with `code` (4xx: try later, 5xx: never). */
  refuseNext(stage: SmtpStage, code: number, text: string, times?: number): void;
  /** How many times `stage` was reached, refused or not. */
  attempts(stage: SmtpStage): number;
  waitForMails(count: number, options?: { timeoutMs?: number; to?: string }): Promise<FakeMail[]>;
  close(): Promise<void>;
}

class SmtpReply extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startFakeSmtp(options: { auth?: { user: string; pass: string } } = {}): Promise<FakeSmtp> {
  const mails: FakeMail[] = [];
  const scripted: Record<SmtpStage, { code: number; text: string }[]> = { rcpt: [], data: [] };
  const reached: Record<SmtpStage, number> = { rcpt: 0, data: 0 };
  const events = new EventEmitter();
  events.setMaxListeners(0);

  const refusal = (stage: SmtpStage) => {
    reached[stage]++;
    const next = scripted[stage].shift();
    return next ? new SmtpReply(next.code, next.text) : null;
  };

  const server = new SMTPServer({
    // The built-in certificate of smtp-server has expired: plain SMTP on loopback.
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.auth?.user && auth.password === options.auth?.pass) return callback(null, { user: auth.username });
      callback(new SmtpReply(535, '5.7.8 Authentication credentials invalid'));
    },
    onRcptTo(_address, _session, callback) {
      callback(refusal('rcpt'));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const refused = refusal('data');
          if (refused) return callback(refused);
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            fromName: parsed.from?.value[0]?.name ?? '',
          });
          callback();
          events.emit('mail');
        })
        .catch((err: Error) => callback(err));
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  const credentials = options.auth ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@` : '';

  const matching = (to?: string) => (to === undefined ? [...mails] : mails.filter((m) => m.to.includes(to)));
  let closed = false;

  return {
    url: `smtp://${credentials}127.0.0.1:${port}`,
    mails,
    mailsTo: (address) => matching(address),
    refuseNext(stage, code, text, times = 1) {
      for (let i = 0; i < times; i++) scripted[stage].push({ code, text });
    },
    attempts: (stage) => reached[stage],
    waitForMails(count, { timeoutMs = 10_000, to } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = matching(to);
          if (found.length < count) return false;
          clearTimeout(timer);
          events.off('mail', check);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          events.off('mail', check);
          reject(new Error(`fake SMTP: waited ${timeoutMs} ms for ${count} mails${to ? ` to ${to}` : ''}, got ${matching(to).length}`));
        }, timeoutMs);
        if (!check()) events.on('mail', check);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
