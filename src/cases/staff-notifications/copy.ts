/**
 * Everything dinas staff read in a notification, in one place. Staff-facing, so it lives here
 * rather than in flows/copy (which is what citizens read). Indonesian: the working language of
 * every dinas. Short: it is read on a phone in a group chat.
 */
import type { StaffNoticeKind } from './targets.js';

export const staffCopy = {
  headline: {
    created: 'Laporan baru',
    forwarded: 'Laporan diteruskan ke unit Anda',
    reminder: 'Pengingat: tenggat segera tiba',
    escalation: 'Eskalasi: tenggat terlewati',
    'citizen-info': 'Pelapor menambah informasi',
    reopened: 'Laporan dibuka kembali oleh pelapor',
  } satisfies Record<StaffNoticeKind, string>,
  subject: (headline: string, ticket: string) => `[Kanal Aduan] ${headline}: ${ticket}`,
  ticket: 'Tiket',
  category: 'Kategori',
  due: 'Tenggat',
  noDue: 'tidak ada',
  description: 'Uraian',
  /** Shown instead of the description of a case marked rahasia. */
  confidential: 'Laporan rahasia: uraian hanya dapat dibaca di konsol.',
  /** Shown instead of the description of an anonymous case: its words may name the reporter. */
  anonymous: 'Laporan anonim: uraian hanya dapat dibaca di konsol.',
  open: 'Buka',
  otherCategory: 'Lainnya',
} as const;
