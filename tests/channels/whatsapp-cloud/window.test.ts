/**
 * The 24-hour customer-service window and the pacing rules, with explicit clocks.
 */
import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../../src/domain/messages.js';
import {
  CloudPacer,
  isWithinServiceWindow,
  SERVICE_WINDOW_MS,
  TEMPLATE_PARAMETER_MAX,
  toCloudOutbound,
  toTemplateParameter,
} from '../../../src/channels/whatsapp-cloud/window.js';

const lastInboundAt = new Date('2026-03-02T08:00:00+07:00');
const later = (ms: number) => new Date(lastInboundAt.getTime() + ms);
const statusTemplate = { name: 'status_laporan', language: 'id' };

describe('isWithinServiceWindow', () => {
  it.each([
    ['no message from the citizen yet', null, later(0), false],
    ['just now', lastInboundAt, later(0), true],
    ['one millisecond before 24 hours', lastInboundAt, later(SERVICE_WINDOW_MS - 1), true],
    ['exactly 24 hours (closed)', lastInboundAt, later(SERVICE_WINDOW_MS), false],
    ['two days later', lastInboundAt, later(2 * SERVICE_WINDOW_MS), false],
  ])('%s → %s', (_name, last, now, expected) => {
    expect(isWithinServiceWindow(last, now)).toBe(expected);
  });
});

describe('toCloudOutbound', () => {
  const reply: OutboundMessage = {
    kind: 'text',
    chatId: '6281234567890',
    text: 'Laporan KA-7F3Q kini *diproses*.\n\n1. Cek status\n2. Menu utama',
    options: [
      { key: '1', label: 'Cek status' },
      { key: '2', label: 'Menu utama' },
    ],
  };

  it('inside the window: the message unchanged', () => {
    expect(toCloudOutbound(reply, { lastInboundAt, now: later(60_000), statusTemplate })).toBe(reply);
  });

  it('outside the window: the template, the text flattened into its one parameter', () => {
    expect(toCloudOutbound(reply, { lastInboundAt, now: later(SERVICE_WINDOW_MS), statusTemplate })).toEqual({
      kind: 'template',
      chatId: '6281234567890',
      name: 'status_laporan',
      language: 'id',
      parameters: ['Laporan KA-7F3Q kini *diproses*. 1. Cek status 2. Menu utama'],
    });
  });

  it('a citizen who never wrote gets the template too', () => {
    expect(toCloudOutbound(reply, { lastInboundAt: null, now: later(0), statusTemplate })).toMatchObject({ kind: 'template' });
  });

  it('templates and callback answers pass through unchanged', () => {
    const template: OutboundMessage = { kind: 'template', chatId: '1', name: 'x', language: 'id', parameters: [] };
    const callback: OutboundMessage = { kind: 'callback-answer', chatId: '1', callbackQueryId: 'q' };
    const context = { lastInboundAt: null, now: later(0), statusTemplate };
    expect(toCloudOutbound(template, context)).toBe(template);
    expect(toCloudOutbound(callback, context)).toBe(callback);
  });

  it('truncates to the configured parameter limit', () => {
    const long: OutboundMessage = { kind: 'text', chatId: '1', text: 'kata '.repeat(50) };
    const out = toCloudOutbound(long, { lastInboundAt: null, now: later(0), statusTemplate: { ...statusTemplate, maxParameterLength: 20 } });
    expect(out).toMatchObject({ parameters: ['kata kata kata kata…'] });
  });
});

describe('toTemplateParameter', () => {
  it('removes newlines, tabs and runs of spaces Meta rejects', () => {
    expect(toTemplateParameter('  Baris satu\r\n\tBaris     dua\n\n')).toBe('Baris satu Baris dua');
  });

  it(`cuts at ${TEMPLATE_PARAMETER_MAX} characters with an ellipsis`, () => {
    const out = toTemplateParameter('a'.repeat(5000));
    expect(out).toHaveLength(TEMPLATE_PARAMETER_MAX);
    expect(out.endsWith('…')).toBe(true);
    expect(toTemplateParameter('a'.repeat(TEMPLATE_PARAMETER_MAX))).toBe('a'.repeat(TEMPLATE_PARAMETER_MAX));
  });
});

describe('CloudPacer', () => {
  it('spaces sends to the same user by 6 s, booking only what may go now, and leaves others alone', () => {
    const pacer = new CloudPacer();
    expect(pacer.reserve('a', 0)).toBe(0);
    expect(pacer.reserve('a', 0)).toBe(6_000);
    // Asking again books nothing: the wait only shrinks as time passes.
    expect(pacer.reserve('a', 1_000)).toBe(5_000);
    expect(pacer.reserve('b', 1_000)).toBe(0);
    expect(pacer.reserve('a', 6_000)).toBe(0);
    expect(pacer.reserve('a', 11_999)).toBe(1);
  });

  it('keeps the number under its messages per second', () => {
    const pacer = new CloudPacer({ messagesPerSecond: 2 });
    const delays = ['a', 'b', 'c', 'd', 'e'].map((chat) => pacer.reserve(chat, 500));
    expect(delays).toEqual([0, 0, 500, 500, 500]);
    expect(pacer.reserve('c', 1_000)).toBe(0);
  });

  it('a user waiting for their 6 s does not hold up other users', () => {
    const pacer = new CloudPacer({ messagesPerSecond: 1 });
    expect(pacer.reserve('a', 0)).toBe(0);
    expect(pacer.reserve('a', 0)).toBe(6_000);
    expect(pacer.reserve('b', 0)).toBe(1_000);
    expect(pacer.reserve('b', 1_000)).toBe(0);
  });

  it('defaults to 80 a second', () => {
    const pacer = new CloudPacer();
    const delays = Array.from({ length: 81 }, (_, i) => pacer.reserve(`chat-${i}`, 0));
    expect(delays.slice(0, 80).every((d) => d === 0)).toBe(true);
    expect(delays[80]).toBe(1_000);
  });

  it('reads the injected clock when no time is passed, and forgets old users', () => {
    let now = 0;
    const pacer = new CloudPacer({ perUserIntervalMs: 2_000, clock: () => now });
    expect(pacer.reserve('a')).toBe(0);
    expect(pacer.reserve('a')).toBe(2_000);
    now = 1_000_000;
    expect(pacer.reserve('a')).toBe(0);
    expect(pacer.reserve('a', new Date(1_000_500))).toBe(1_500);
  });
});
