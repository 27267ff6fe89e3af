/**
 * The agent console: its JSON API at `/api/v1` (api.ts) and its pages at `/console` — Preact and
 * htm as ES modules with an import map, no build step, every file served from this server (no
 * CDN), under the server's strict Content-Security-Policy (src/http/headers.ts; a nonce for the one
 * inline import map).
 *
 * @example
 *   await registerConsole(http, { ctx, config, cases, mediaStorage, live }, { sessionSecret });
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { registerConsoleApi, type ConsoleDeps } from './api.js';
import { routeModules } from './routes/index.js';

export const CONSOLE_PATH = '/console';
const WEB_ROOT = fileURLToPath(new URL('./web/', import.meta.url));

/**
 * A file inside an installed package, found along Node's own node_modules lookup from this module,
 * so from src/ (tsx) and dist/src/ (the built image) alike; the packages' `exports` do not all
 * name these files, so resolving them as modules would not.
 */
function packageFile(path: string): string {
  const lookup = createRequire(import.meta.url).resolve.paths(path) ?? [];
  const found = lookup.map((nodeModules) => join(nodeModules, path)).find((file) => existsSync(file));
  if (!found) throw new Error(`the console needs ${path}, not found in node_modules (${lookup.join(', ')})`);
  return found;
}

/** Libraries the pages import, by the names the import map gives them. */
const VENDOR: Record<string, { file: string; type: string }> = {
  'preact.js': { file: 'preact/dist/preact.module.js', type: 'text/javascript' },
  'hooks.js': { file: 'preact/hooks/dist/hooks.module.js', type: 'text/javascript' },
  'htm.js': { file: 'htm/dist/htm.module.js', type: 'text/javascript' },
  'htm-preact.js': { file: 'htm/preact/index.module.js', type: 'text/javascript' },
  'uplot.js': { file: 'uplot/dist/uPlot.esm.js', type: 'text/javascript' },
  'uplot.css': { file: 'uplot/dist/uPlot.min.css', type: 'text/css' },
};

export interface ConsoleOptions {
  sessionSecret: string;
}

export async function registerConsole(http: FastifyInstance, deps: ConsoleDeps, options: ConsoleOptions): Promise<void> {
  await registerConsoleApi(http, deps, { sessionSecret: options.sessionSecret, routes: routeModules, loginPerMinute: deps.config.CONSOLE_LOGIN_PER_MINUTE });

  const vendor = new Map<string, Promise<Buffer>>();
  // Found at start, so an install that lacks one stops here rather than at a page's first load.
  const vendorFiles = new Map(Object.entries(VENDOR).map(([name, entry]) => [name, packageFile(entry.file)]));
  const shell = readFile(new URL('./web/index.html', import.meta.url), 'utf8');

  await http.register(
    async (pages) => {
      await pages.register(fastifyStatic, { root: WEB_ROOT, prefix: `${CONSOLE_PATH}/`, index: false, wildcard: true, cacheControl: true, maxAge: 0 });

      const page = async (_request: unknown, reply: import('fastify').FastifyReply) => {
        const nonce = reply.cspNonce.script;
        const html = (await shell).replaceAll('{{nonce}}', nonce);
        return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
      };
      pages.get(CONSOLE_PATH, page);
      pages.get(`${CONSOLE_PATH}/`, page);
      // The link staff notifications carry (PUBLIC_URL/console/cases/<ticket>) opens the case page.
      pages.get<{ Params: { ticket: string } }>(`${CONSOLE_PATH}/cases/:ticket`, async (request, reply) =>
        reply.redirect(`${CONSOLE_PATH}#/cases/${encodeURIComponent(request.params.ticket)}`),
      );

      pages.get<{ Params: { name: string } }>(`${CONSOLE_PATH}/vendor/:name`, async (request, reply) => {
        const entry = VENDOR[request.params.name];
        if (!entry) return reply.code(404).send({ error: 'not_found' });
        if (!vendor.has(request.params.name)) vendor.set(request.params.name, readFile(vendorFiles.get(request.params.name)!));
        return reply.type(entry.type).header('cache-control', 'public, max-age=86400').send(await vendor.get(request.params.name)!);
      });
    },
  );
}
