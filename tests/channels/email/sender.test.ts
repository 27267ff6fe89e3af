/**
 * The e-mail sender against a local SMTP server: what the server answers, as a real one words it,
 * and the `SendResult` the queue acts on. 4xx and lost connections are retried; 5xx stops; bad
 * credentials are retried (an operator fixes them, and the mail must still be owed then).
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailSender } from '../../../src/channels/email/sender.js';
import { startFakeSmtp, type FakeSmtp, type SmtpStage } from '../../support/fake-smtp.js';

let smtp: FakeSmtp;

beforeAll(async () => {
  smtp = await startFakeSmtp();
});

afterAll(async () => {
  await smtp?.close();
});

const mail = (to: string) => ({ to, subject: '[Kanal Aduan] Laporan baru: ABCD-2345', text: 'Laporan baru — Tiket ABCD-2345' });

it('delivers a mail with the From, subject and text given', async () => {
  const sender = createEmailSender({ url: smtp.url, from: 'Kanal Aduan <noreply@aduan.example.go.id>' });
  const result = await sender.send(mail('ok@dinsos.example.go.id'));
  expect(result).toMatchObject({ ok: true, externalId: expect.stringMatching(/^<.+>$/) });
  const [received] = smtp.mailsTo('ok@dinsos.example.go.id');
  expect(received).toMatchObject({
    from: 'noreply@aduan.example.go.id',
    fromName: 'Kanal Aduan',
    subject: '[Kanal Aduan] Laporan baru: ABCD-2345',
    text: 'Laporan baru — Tiket ABCD-2345\n',
  });
});

describe('SMTP refusals are classified once', () => {
  const table: { stage: SmtpStage; code: number; text: string; failure: 'retryable' | 'permanent' }[] = [
    { stage: 'rcpt', code: 451, text: '4.3.0 Mailbox temporarily unavailable', failure: 'retryable' },
    { stage: 'rcpt', code: 452, text: '4.2.2 Mailbox full', failure: 'retryable' },
    { stage: 'rcpt', code: 550, text: '5.1.1 Recipient address rejected: User unknown', failure: 'permanent' },
    { stage: 'data', code: 421, text: '4.7.0 Try again later, closing connection', failure: 'retryable' },
    { stage: 'data', code: 554, text: '5.7.1 Message rejected as spam', failure: 'permanent' },
  ];
  for (const row of table) {
    it(`${row.code} at ${row.stage.toUpperCase()} → ${row.failure}`, async () => {
      const sender = createEmailSender({ url: smtp.url, from: 'noreply@aduan.example.go.id' });
      const to = `refused-${row.code}-${row.stage}@dinsos.example.go.id`;
      smtp.refuseNext(row.stage, row.code, row.text);
      const result = await sender.send(mail(to));
      expect(result).toMatchObject({ ok: false, failure: row.failure, reason: expect.stringContaining(String(row.code)) });
      expect(smtp.mailsTo(to)).toEqual([]);
    });
  }
});

it('a server that is not there is retried', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const sender = createEmailSender({ url: `smtp://127.0.0.1:${port}`, from: 'noreply@aduan.example.go.id' });
  expect(await sender.send(mail('down@dinsos.example.go.id'))).toMatchObject({ ok: false, failure: 'retryable', reason: expect.stringContaining('ECONNREFUSED') });
});

it('wrong credentials are retried, right ones deliver', async () => {
  const guarded = await startFakeSmtp({ auth: { user: 'kanal', pass: 'rahasia' } });
  try {
    const wrong = createEmailSender({ url: guarded.url.replace('rahasia', 'salah'), from: 'noreply@aduan.example.go.id' });
    expect(await wrong.send(mail('auth@dinsos.example.go.id'))).toMatchObject({ ok: false, failure: 'retryable', reason: expect.stringContaining('EAUTH') });
    const right = createEmailSender({ url: guarded.url, from: 'noreply@aduan.example.go.id' });
    expect(await right.send(mail('auth@dinsos.example.go.id'))).toMatchObject({ ok: true });
    expect(guarded.mailsTo('auth@dinsos.example.go.id')).toHaveLength(1);
  } finally {
    await guarded.close();
  }
});
