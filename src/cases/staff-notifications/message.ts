/**
 * The staff notice as it is stored and sent: headline, ticket, category, SLA due date in the
 * dinas's time zone, a short description (not for confidential or anonymous cases, whose
 * reporter's own words may give them away), and the console link. Built only from the case's own
 * fields, never from the citizen's: no name, NIK, phone or address can reach it, and contact
 * details typed into the description are masked.
 */
import { showTicket } from '../../../flows/format.js';
import { truncate } from '../../../flows/text.js';
import { toTemplateParameter } from '../../channels/whatsapp-cloud/window.js';
import { staffCopy } from './copy.js';
import type { StaffNoticeKind } from './targets.js';

export interface StaffMessage {
  /** E-mail subject. */
  subject: string;
  /** The message body for e-mail and Telegram. */
  text: string;
  /** WhatsApp staff template body variables: headline, ticket, category, due date, link. */
  templateParameters: string[];
}

export interface StaffMessageFacts {
  kind: StaffNoticeKind;
  ticket: string;
  categoryName: string | null;
  slaDueAt: Date | null;
  timeZone: string;
  description: string;
  confidential: boolean;
  anonymous: boolean;
  /** Base of the console's address, e.g. `https://aduan.bandung.go.id`. */
  publicUrl: string;
}

/** Long enough to tell cases apart in a group chat, short enough not to be the case file. */
export const DESCRIPTION_EXCERPT = 140;

/** "4 Desember 2026 pukul 09.00 WIB": the due moment as the dinas's staff read their clocks. */
export function formatDue(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('id-ID', {
    timeZone,
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(at);
}

/** A phone number has at least 9 digits (NIK and KK 16); dates and rupiah amounts have fewer. */
const CONTACT_DIGITS = 9;

/** Phone numbers, NIKs and e-mail addresses a citizen typed into the description, masked. */
export function maskContacts(text: string): string {
  return text
    .replace(/\S+@\S+\.\S+/g, '[email]')
    .replace(/\+?\d[\d\s.()-]{6,}\d/g, (run) => ((run.match(/\d/g)?.length ?? 0) >= CONTACT_DIGITS ? run.replace(/\d/g, '•') : run));
}

/** The console's page for a case (the console itself serves it). */
export function caseLink(publicUrl: string, ticket: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/console/cases/${encodeURIComponent(ticket)}`;
}

export function staffMessage(facts: StaffMessageFacts): StaffMessage {
  const headline = staffCopy.headline[facts.kind];
  const ticket = showTicket(facts.ticket);
  const category = facts.categoryName ?? staffCopy.otherCategory;
  const due = facts.slaDueAt ? formatDue(facts.slaDueAt, facts.timeZone) : staffCopy.noDue;
  const link = caseLink(facts.publicUrl, facts.ticket);
  const description = facts.confidential
    ? staffCopy.confidential
    : facts.anonymous
      ? staffCopy.anonymous
      : `${staffCopy.description}: ${truncate(maskContacts(facts.description.replace(/\s+/g, ' ').trim()), DESCRIPTION_EXCERPT)}`;
  const text = [
    `${headline} — ${staffCopy.ticket} ${ticket}`,
    `${staffCopy.category}: ${category}`,
    `${staffCopy.due}: ${due}`,
    description,
    `${staffCopy.open}: ${link}`,
  ].join('\n');
  return {
    subject: staffCopy.subject(headline, ticket),
    text,
    templateParameters: [headline, ticket, category, due, link].map((p) => toTemplateParameter(p)),
  };
}
