/**
 * Cloud API webhook bodies exactly as Meta sends them (field names, string timestamps, wamids,
 * the contacts block beside the messages) and what the pipeline receives from each: the table of
 * inbound.test.ts and the seeds of the fuzz test (tests/pipeline/fuzz-payloads.test.ts).
 */
import type { CloudInbound, CloudWebhookBatch } from '../../../src/channels/whatsapp-cloud/inbound.js';
import type { InboundContent } from '../../../src/domain/messages.js';

const WABA_ID = '102290129340398';
const PHONE_NUMBER_ID = '106540352242922';
const CITIZEN = '6281234567890';
const WAMID = 'wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDNzQ2RjQ4QjU1QjA0NTRDMEEA';
const OUR_WAMID = 'wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjQ2QTFGRkE0QjVGNzZCNTNBQwA=';
const TS = '1718000000';
const AT = new Date(1718000000 * 1000);

/** The envelope every Cloud API webhook POST has: one entry per business account, one change per batch. */
function webhook(value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: WABA_ID,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '6281100001111', phone_number_id: PHONE_NUMBER_ID },
              ...value,
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

/** A citizen's message with the `contacts` block Meta puts beside it. */
function fromCitizen(message: Record<string, unknown>) {
  return webhook({
    contacts: [{ profile: { name: 'Siti Aminah' }, wa_id: CITIZEN }],
    messages: [{ from: CITIZEN, id: WAMID, timestamp: TS, ...message }],
  });
}

/** What a citizen message becomes, given its content. */
function inbound(content: InboundContent): CloudInbound {
  return {
    channel: 'whatsapp-cloud',
    chatId: CITIZEN,
    externalId: WAMID,
    phone: CITIZEN,
    displayName: 'Siti Aminah',
    content,
    sentAt: AT,
    phoneNumberId: PHONE_NUMBER_ID,
  };
}

const nothing: CloudWebhookBatch = { messages: [], statuses: [], ignored: [] };

/** Real webhook bodies and what each becomes; the fuzz test mutates the same bodies. */
export const CLOUD_PAYLOADS: Array<{ name: string; body: unknown; expected: CloudWebhookBatch }> = [
  {
    name: 'text (the full body, verbatim)',
    body: {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '6281100001111', phone_number_id: '106540352242922' },
                contacts: [{ profile: { name: 'Siti Aminah' }, wa_id: '6281234567890' }],
                messages: [
                  {
                    from: '6281234567890',
                    id: 'wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDNzQ2RjQ4QjU1QjA0NTRDMEEA',
                    timestamp: '1718000000',
                    text: { body: 'lapor' },
                    type: 'text',
                  },
                ],
              },
              field: 'messages',
            },
          ],
        },
      ],
    },
    expected: { ...nothing, messages: [inbound({ kind: 'text', text: 'lapor' })] },
  },
  {
    name: 'interactive button_reply → the option key',
    body: fromCitizen({
      context: { from: '6281100001111', id: OUR_WAMID },
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id: 'pengaduan', title: 'Pengaduan' } },
    }),
    expected: { ...nothing, messages: [inbound({ kind: 'text', text: 'pengaduan' })] },
  },
  {
    name: 'interactive list_reply → the option key',
    body: fromCitizen({
      context: { from: '6281100001111', id: OUR_WAMID },
      type: 'interactive',
      interactive: {
        type: 'list_reply',
        list_reply: { id: 'bansos', title: 'Bantuan sosial', description: 'PKH, BPNT, KIS' },
      },
    }),
    expected: { ...nothing, messages: [inbound({ kind: 'text', text: 'bansos' })] },
  },
  {
    name: 'template quick-reply button → its payload',
    body: fromCitizen({
      context: { from: '6281100001111', id: OUR_WAMID },
      type: 'button',
      button: { payload: 'cek-status', text: 'Cek status' },
    }),
    expected: { ...nothing, messages: [inbound({ kind: 'text', text: 'cek-status' })] },
  },
  {
    name: 'image with caption',
    body: fromCitizen({
      type: 'image',
      image: {
        caption: 'Jalan berlubang depan SDN 3',
        mime_type: 'image/jpeg',
        sha256: 'Xq8mS0xYvKQ4PEk1TtjJpjyOTU7o1CVXqy9RV0CbP3I=',
        id: '1479537139650973',
      },
    }),
    expected: {
      ...nothing,
      messages: [inbound({ kind: 'photo', mediaRef: 'whatsapp-cloud:media:1479537139650973', caption: 'Jalan berlubang depan SDN 3' })],
    },
  },
  {
    name: 'image without caption',
    body: fromCitizen({
      type: 'image',
      image: { mime_type: 'image/jpeg', sha256: 'Xq8mS0xYvKQ4PEk1TtjJpjyOTU7o1CVXqy9RV0CbP3I=', id: '1479537139650974' },
    }),
    expected: { ...nothing, messages: [inbound({ kind: 'photo', mediaRef: 'whatsapp-cloud:media:1479537139650974' })] },
  },
  {
    name: 'location with name and address',
    body: fromCitizen({
      type: 'location',
      location: {
        address: 'Jl. Merdeka No. 1, Bandung',
        latitude: -6.9175,
        longitude: 107.6191,
        name: 'Kantor Kelurahan Braga',
        url: 'https://foursquare.com/v/4b0588c6f964a5207bd622e3',
      },
    }),
    expected: {
      ...nothing,
      messages: [
        inbound({ kind: 'location', latitude: -6.9175, longitude: 107.6191, address: 'Kantor Kelurahan Braga, Jl. Merdeka No. 1, Bandung' }),
      ],
    },
  },
  {
    name: 'location pin without a name',
    body: fromCitizen({ type: 'location', location: { latitude: -6.2, longitude: 106.816666 } }),
    expected: { ...nothing, messages: [inbound({ kind: 'location', latitude: -6.2, longitude: 106.816666 })] },
  },
  {
    name: 'contacts → the first phone of the first card that has one',
    body: fromCitizen({
      type: 'contacts',
      contacts: [
        {
          name: { first_name: 'Budi', last_name: 'Santoso', formatted_name: 'Budi Santoso' },
          phones: [{ phone: '+62 812-9876-5432', wa_id: '6281298765432', type: 'CELL' }],
          emails: [{ email: 'budi@example.com', type: 'WORK' }],
        },
      ],
    }),
    expected: { ...nothing, messages: [inbound({ kind: 'contact', phone: '+62 812-9876-5432', name: 'Budi Santoso' })] },
  },
  {
    name: 'sticker',
    body: fromCitizen({
      type: 'sticker',
      sticker: { mime_type: 'image/webp', sha256: 'hGkXq1/0fmnQmV3WUpg4pfPfWMcBBBUMpy6bE31AiZk=', id: '1229468221617510', animated: false },
    }),
    expected: { ...nothing, messages: [inbound({ kind: 'unsupported', what: 'sticker' })] },
  },
  {
    name: 'audio (voice note)',
    body: fromCitizen({
      type: 'audio',
      audio: { mime_type: 'audio/ogg; codecs=opus', sha256: 'dB3X7e7JmVtFZ8yY5/FDZ6pJrZ0vUIJ/yqXNhCBHhWk=', id: '1157894638799611', voice: true },
    }),
    expected: { ...nothing, messages: [inbound({ kind: 'unsupported', what: 'voice' })] },
  },
  {
    name: 'video',
    body: fromCitizen({ type: 'video', video: { mime_type: 'video/mp4', sha256: 'a2V5', id: '994407195606301' } }),
    expected: { ...nothing, messages: [inbound({ kind: 'unsupported', what: 'video' })] },
  },
  {
    name: 'document',
    body: fromCitizen({
      type: 'document',
      document: { filename: 'KK.pdf', mime_type: 'application/pdf', sha256: 'a2V5', id: '748310593835264' },
    }),
    expected: { ...nothing, messages: [inbound({ kind: 'unsupported', what: 'document' })] },
  },
  {
    name: 'reaction is ignored',
    body: fromCitizen({ type: 'reaction', reaction: { message_id: OUR_WAMID, emoji: '👍' } }),
    expected: { ...nothing, ignored: [{ reason: 'reaction' }] },
  },
  {
    name: 'unknown "unsupported" type → unsupported other',
    body: fromCitizen({
      type: 'unsupported',
      errors: [
        {
          code: 131051,
          title: 'Message type unknown',
          message: 'Message type unknown',
          error_data: { details: 'Message type is currently not supported.' },
        },
      ],
    }),
    expected: { ...nothing, messages: [inbound({ kind: 'unsupported', what: 'other' })] },
  },
  {
    name: 'status sent (with conversation and pricing)',
    body: webhook({
      statuses: [
        {
          id: OUR_WAMID,
          status: 'sent',
          timestamp: TS,
          recipient_id: CITIZEN,
          conversation: { id: 'c2a3e7d9b1f04e5a8c6d2b7f9e1a3c5d', expiration_timestamp: '1718086400', origin: { type: 'service' } },
          pricing: { billable: true, pricing_model: 'CBP', category: 'service' },
        },
      ],
    }),
    expected: { ...nothing, statuses: [{ channel: 'whatsapp-cloud', externalId: OUR_WAMID, status: 'sent', at: AT }] },
  },
  {
    name: 'status delivered',
    body: webhook({
      statuses: [
        {
          id: OUR_WAMID,
          status: 'delivered',
          timestamp: TS,
          recipient_id: CITIZEN,
          conversation: { id: 'c2a3e7d9b1f04e5a8c6d2b7f9e1a3c5d', origin: { type: 'service' } },
          pricing: { billable: true, pricing_model: 'CBP', category: 'service' },
        },
      ],
    }),
    expected: { ...nothing, statuses: [{ channel: 'whatsapp-cloud', externalId: OUR_WAMID, status: 'delivered', at: AT }] },
  },
  {
    name: 'status read',
    body: webhook({ statuses: [{ id: OUR_WAMID, status: 'read', timestamp: TS, recipient_id: CITIZEN }] }),
    expected: { ...nothing, statuses: [{ channel: 'whatsapp-cloud', externalId: OUR_WAMID, status: 'read', at: AT }] },
  },
  {
    name: 'status failed with errors → code and title kept',
    body: webhook({
      statuses: [
        {
          id: OUR_WAMID,
          status: 'failed',
          timestamp: TS,
          recipient_id: CITIZEN,
          errors: [
            {
              code: 131047,
              title: 'Re-engagement message',
              message: 'Re-engagement message',
              error_data: {
                details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
              },
              href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
            },
          ],
        },
      ],
    }),
    expected: {
      ...nothing,
      statuses: [
        { channel: 'whatsapp-cloud', externalId: OUR_WAMID, status: 'failed', at: AT, error: { code: 131047, title: 'Re-engagement message' } },
      ],
    },
  },
  {
    name: 'messages and statuses in one body (two changes)',
    body: {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA_ID,
          changes: [
            fromCitizen({ type: 'text', text: { body: '1' } }).entry[0].changes[0],
            webhook({ statuses: [{ id: OUR_WAMID, status: 'read', timestamp: TS, recipient_id: CITIZEN }] }).entry[0].changes[0],
          ],
        },
      ],
    },
    expected: {
      messages: [inbound({ kind: 'text', text: '1' })],
      statuses: [{ channel: 'whatsapp-cloud', externalId: OUR_WAMID, status: 'read', at: AT }],
      ignored: [],
    },
  },
  {
    name: 'message without a contacts block → no display name',
    body: webhook({ messages: [{ from: CITIZEN, id: WAMID, timestamp: TS, type: 'text', text: { body: 'halo' } }] }),
    expected: {
      ...nothing,
      messages: [
        {
          channel: 'whatsapp-cloud',
          chatId: CITIZEN,
          externalId: WAMID,
          phone: CITIZEN,
          content: { kind: 'text', text: 'halo' },
          sentAt: AT,
          phoneNumberId: PHONE_NUMBER_ID,
        },
      ],
    },
  },
  { name: 'empty entry', body: { object: 'whatsapp_business_account', entry: [] }, expected: nothing },
  {
    name: 'another webhook field (template review) is ignored',
    body: {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA_ID,
          time: 1718000000,
          changes: [
            {
              value: { event: 'APPROVED', message_template_id: 1234567890, message_template_name: 'status_laporan', message_template_language: 'id', reason: 'NONE' },
              field: 'message_template_status_update',
            },
          ],
        },
      ],
    },
    expected: { ...nothing, ignored: [{ reason: 'field message_template_status_update' }] },
  },
  {
    name: 'a malformed message does not hide the good one beside it',
    body: webhook({
      messages: [
        { id: 'wamid.no-from', timestamp: TS, type: 'text', text: { body: 'x' } },
        { from: CITIZEN, id: 'wamid.no-body', timestamp: TS, type: 'text', text: {} },
        { from: CITIZEN, id: WAMID, timestamp: TS, type: 'text', text: { body: 'ok' } },
      ],
    }),
    expected: {
      ...nothing,
      messages: [
        { channel: 'whatsapp-cloud', chatId: CITIZEN, externalId: WAMID, phone: CITIZEN, content: { kind: 'text', text: 'ok' }, sentAt: AT, phoneNumberId: PHONE_NUMBER_ID },
      ],
      ignored: [{ reason: 'message without from, id, timestamp or type' }, { reason: 'malformed text message' }],
    },
  },
  {
    name: 'unknown status and webhook-level error',
    body: webhook({
      statuses: [{ id: OUR_WAMID, status: 'deleted', timestamp: TS, recipient_id: CITIZEN }],
      errors: [{ code: 131000, title: 'Something went wrong', message: 'Something went wrong' }],
    }),
    expected: { ...nothing, ignored: [{ reason: 'status deleted' }, { reason: 'webhook error 131000' }] },
  },
];
