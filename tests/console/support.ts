/**
 * The console as tests use it: the product started with the console mounted, staff accounts made
 * by catalogue codes, and a client that logs in over real HTTP and carries the session cookie and
 * the CSRF token like the console's own pages do.
 */
import { randomBytes } from 'node:crypto';
import type { App } from '../../src/app.js';
import { createStaffAccount, type StaffRole } from '../../src/console/accounts.js';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import { createTestEnv, startTestApp, type TestEnv } from '../support/env.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { telegramConfig } from '../support/telegram.js';

export function startConsoleApp(env: TestEnv, options: { config?: Record<string, string | undefined>; now?: () => Date } = {}): Promise<App> {
  return startTestApp(env, { role: 'all', config: { CONSOLE_LOGIN_PER_MINUTE: '1000', ...options.config }, now: options.now });
}

let nextStaff = 1;

export interface TestStaff {
  id: number;
  email: string;
  password: string;
}

/** An account by catalogue codes: `dinsos-bandung` (units verifikator, linjamsos, rehsos, dayasos), `disdik-bandung` (sekretariat, pembinaan-sd, pembinaan-smp). */
export async function createStaff(
  app: App,
  options: { role: StaffRole; dinasCode?: string | null; unitCode?: string | null; regionPrefix?: string | null; email?: string; password?: string; supervisor?: boolean; mustChangePassword?: boolean },
): Promise<TestStaff> {
  const email = options.email ?? `${options.role}.${nextStaff++}.${randomBytes(3).toString('hex')}@test.kanal-aduan.test`;
  const password = options.password ?? `pw-${randomBytes(8).toString('hex')}`;
  const { id } = await createStaffAccount(app.ctx.db.db, {
    name: `Test ${options.role}`,
    email,
    role: options.role,
    dinasCode: options.dinasCode === undefined ? (options.role === 'admin' ? null : 'dinsos-bandung') : options.dinasCode,
    unitCode: options.unitCode === undefined ? (options.role === 'petugas' ? 'linjamsos' : null) : options.unitCode,
    regionPrefix: options.regionPrefix ?? null,
    supervisor: options.supervisor ?? false,
    password,
    mustChangePassword: options.mustChangePassword ?? false,
  });
  return { id, email, password };
}

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A browser-like API client: one cookie jar, the CSRF token from login or /me sent with every change. */
export class ConsoleClient {
  private cookie: string | null = null;
  csrfToken: string | null = null;

  constructor(readonly baseUrl: string) {}

  async login(email: string, password: string, totp?: string): Promise<ApiAnswer> {
    const answer = await this.raw('POST', '/auth/login', { body: { email, password, ...(totp ? { totp } : {}) }, csrf: false });
    if (answer.status === 200) this.csrfToken = answer.body.csrfToken;
    return answer;
  }

  /** Logs in and fails the test unless it worked. */
  async loginAs(staff: TestStaff): Promise<this> {
    const answer = await this.login(staff.email, staff.password);
    if (answer.status !== 200) throw new Error(`login as ${staff.email} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return this;
  }

  get<T = any>(path: string) {
    return this.raw<T>('GET', path);
  }
  post<T = any>(path: string, body: unknown = {}) {
    return this.raw<T>('POST', path, { body });
  }
  put<T = any>(path: string, body: unknown = {}) {
    return this.raw<T>('PUT', path, { body });
  }
  patch<T = any>(path: string, body: unknown = {}) {
    return this.raw<T>('PATCH', path, { body });
  }
  del<T = any>(path: string) {
    return this.raw<T>('DELETE', path);
  }

  /** Any request under /api/v1; `csrf: false` leaves the token out. */
  async raw<T = any>(method: string, path: string, options: { body?: unknown; csrf?: false } = {}): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookie) headers.cookie = this.cookie;
    if (options.csrf !== false && this.csrfToken && method !== 'GET') headers['x-csrf-token'] = this.csrfToken;
    const response = await fetch(`${this.baseUrl}/api/v1${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('kanal_console='));
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await response.text();
    let body: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
    return { status: response.status, body: body as T, headers: response.headers };
  }
}

/** `GET /api/v1/events` as the logged-in `client` hears it: the events so far, and a way to hang up. */
export async function openEventStream(client: ConsoleClient): Promise<{ events: any[]; stop(): Promise<void> }> {
  const controller = new AbortController();
  const response = await fetch(`${client.baseUrl}/api/v1/events`, { headers: { cookie: client['cookie'] ?? '' }, signal: controller.signal });
  if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) throw new Error(`events answered ${response.status}`);
  const events: any[] = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as any) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const data = buffer.slice(0, end).split('\n').find((line) => line.startsWith('data: '));
          buffer = buffer.slice(end + 2);
          if (data) events.push(JSON.parse(data.slice(6)));
        }
      }
    } catch {
      // hung up
    }
  })();
  return {
    events,
    async stop() {
      controller.abort();
      await reading;
    },
  };
}

export interface BrowserConsole {
  app: App;
  telegram: FakeTelegram;
  browser: Browser;
}

/**
 * For a browser test file: the console app with the fake Telegram Bot API configured, and Debian's
 * Chromium, started before the file's tests and stopped after them. Read the fields inside tests.
 */
export function useBrowserConsole(): BrowserConsole {
  const fixture = {} as BrowserConsole;
  let env: TestEnv | undefined;
  beforeAll(async () => {
    env = await createTestEnv();
    fixture.telegram = await startFakeTelegram();
    fixture.app = await startConsoleApp(env, { config: telegramConfig(fixture.telegram) });
    fixture.browser = await launchBrowser();
  });
  afterAll(async () => {
    await fixture.browser?.close();
    await fixture.app?.close();
    await fixture.telegram?.close();
    await env?.dispose();
  });
  return fixture;
}
