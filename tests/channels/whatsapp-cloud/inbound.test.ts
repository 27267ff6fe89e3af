/**
 * Cloud API webhook bodies exactly as Meta sends them (field names, string timestamps, wamids,
 * the contacts block beside the messages; payload-table.ts) → what the pipeline receives.
 */
import { describe, expect, it } from 'vitest';
import { parseCloudWebhook } from '../../../src/channels/whatsapp-cloud/inbound.js';
import { CLOUD_PAYLOADS as table } from './payload-table.js';

describe('parseCloudWebhook', () => {
  it.each(table)('$name', ({ body, expected }) => {
    expect(parseCloudWebhook(body)).toEqual(expected);
  });

  it.each([null, undefined, 'lapor', 42, [], { entry: 'x' }, { entry: [null, 1, { changes: [null, { value: 7 }] }] }])(
    'never throws on %j',
    (body) => {
      const result = parseCloudWebhook(body);
      expect(result.messages).toEqual([]);
      expect(result.statuses).toEqual([]);
    },
  );
});
