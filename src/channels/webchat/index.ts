/** The web chat as the app plugs it in: always on, its page and endpoints on the web face. */
import type { ChannelModule } from '../registry.js';
import { registerWebChat } from './routes.js';
import { createWebChatSender } from './sender.js';

export const webChatChannel: ChannelModule = {
  name: 'web',
  configured: () => true,
  setUp({ config, role, ctx, intake }) {
    const web = role === 'all' || role === 'web';
    return {
      sender: createWebChatSender(),
      ...(web
        ? {
            routes: (http) =>
              registerWebChat(http, ctx, intake, {
                maxPerMinute: config.WEBCHAT_MAX_PER_MINUTE,
                addressMaxPerMinute: config.WEBCHAT_ADDRESS_MAX_PER_MINUTE,
                pollsPerMinute: config.WEBCHAT_POLLS_PER_MINUTE,
                sessionsPerHour: config.WEBCHAT_SESSIONS_PER_HOUR,
                sessionHours: config.WEBCHAT_SESSION_HOURS,
              }),
          }
        : {}),
    };
  },
};
