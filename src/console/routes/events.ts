/**
 * `GET /api/v1/events`: a Server-Sent Events stream of what changed in the person's scope (ids and
 * the kind of change only; the page fetches the rest through the API). A comment every 25 s keeps
 * proxies from closing an idle stream; the browser's EventSource reconnects by itself.
 */
import { z } from 'zod';
import type { ConsoleRouteModule } from '../api.js';
import { heardAs, mayHear } from '../live.js';

const KEEPALIVE_MS = 25_000;

export const eventRoutes: ConsoleRouteModule = (api, { live }) => {
  const open = new Set<() => void>();
  // A stream never ends by itself: end them all before the server closes, or closing would wait for them.
  api.addHook('preClose', async () => {
    for (const close of open) close();
  });
  api.get(
    '/events',
    {
      schema: {
        tags: ['live'],
        summary: 'Live changes in my scope as Server-Sent Events (`data: {"type":"case","ticket":"…","change":"created"}`)',
        produces: ['text/event-stream'],
        response: { 200: z.string().describe('text/event-stream') },
      },
    },
    async (request, reply) => {
      const staff = request.staff;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // nginx and similar proxies would otherwise buffer the stream.
        'x-accel-buffering': 'no',
      });
      res.write('retry: 3000\n: connected\n\n');
      const unsubscribe = live.subscribe((event) => {
        if (mayHear(staff, event)) res.write(`data: ${JSON.stringify(heardAs(event))}\n\n`);
      });
      const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
      const end = () => {
        clearInterval(keepalive);
        unsubscribe();
        open.delete(close);
      };
      const close = () => {
        end();
        res.end();
      };
      open.add(close);
      request.raw.on('close', end);
      res.on('error', end);
    },
  );
};
