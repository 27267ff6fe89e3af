/**
 * E-mail send side, for staff notifications: nodemailer over SMTP, and every failure classified
 * here, once, into a `SendResult`, so queues never read SMTP reply text. E-mail is not a citizen
 * channel, so it speaks `Email` rather than `OutboundMessage`.
 */
import nodemailer from 'nodemailer';
import type { SendResult } from '../../domain/messages.js';

export interface EmailSenderOptions {
  /** `smtp://user:pass@host:587` or `smtps://…:465`. */
  url: string;
  /** The From header, e.g. `Kanal Aduan <noreply@aduan.example.go.id>`. */
  from: string;
  /** Connecting, the greeting and an idle socket each give up after this long (default 10 s). */
  timeoutMs?: number;
}

export interface Email {
  to: string;
  subject: string;
  text: string;
}

export interface EmailSender {
  send(mail: Email): Promise<SendResult>;
}

/**
 * @example
 *   const email = createEmailSender({ url: config.SMTP_URL, from: config.SMTP_FROM });
 *   const result = await email.send({ to: 'linjamsos@dinsos.example.go.id', subject, text });
 */
export function createEmailSender(options: EmailSenderOptions): EmailSender {
  const timeoutMs = options.timeoutMs ?? 10_000;
  // Not pooled: a connection per mail, nothing held open between the few notifications a dinas gets.
  const transport = nodemailer.createTransport({
    url: options.url,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({ from: options.from, to: mail.to, subject: mail.subject, text: mail.text });
        return { ok: true, externalId: info.messageId };
      } catch (error) {
        return classifySmtpError(error);
      }
    },
  };
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  permanent?: boolean;
  response?: string;
  message?: string;
}

/**
 * A 5xx reply (nodemailer marks it `permanent`) will be refused again: stop. Everything else —
 * 4xx "try later", a connection refused or cut, a timeout, and bad credentials (an operator fixes
 * those, and the mail must still be owed then) — is retried.
 */
export function classifySmtpError(error: unknown): SendResult {
  const e = (error ?? {}) as SmtpError;
  const reason = [e.code, e.response ?? e.message].filter(Boolean).join(': ') || String(error);
  // 535 is a 5xx reply, but it is about our credentials, not the mail.
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH') return { ok: false, failure: 'retryable', reason };
  if (e.permanent === true) return { ok: false, failure: 'permanent', reason, unreachable: false };
  // An address nodemailer refuses before talking to the server cannot get better.
  if (e.code === 'EENVELOPE' && e.responseCode === undefined) return { ok: false, failure: 'permanent', reason, unreachable: false };
  return { ok: false, failure: 'retryable', reason };
}
