/**
 * Web chat has no platform to call: a reply is "delivered" once it is marked sent, and the page
 * fetches sent replies. Going through the outbox anyway keeps web chat on the same pipeline
 * (order, retries, relay) as every other channel, which is what makes it a faithful trial.
 */
import { randomUUID } from 'node:crypto';
import type { ChannelSender } from '../types.js';

export function createWebChatSender(): ChannelSender {
  return {
    channel: 'web',
    async send() {
      return { ok: true, externalId: `web-${randomUUID()}` };
    },
  };
}
