import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Client, Message } from 'whatsapp-web.js';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import {
  clearStaleChromiumLocks,
  createWebJsClient,
  type WebJsClient,
  type WebJsMessageLike,
} from '../../../src/channels/whatsapp-web/client.js';

describe('the narrow client interface', () => {
  it('is satisfied by the real library types', () => {
    expectTypeOf<Client>().toExtend<WebJsClient>();
    expectTypeOf<Message>().toExtend<WebJsMessageLike>();
  });
});

describe('createWebJsClient', () => {
  let sessionDir: string;
  const profile = () => join(sessionDir, 'session-kanal-aduan');

  beforeEach(() => {
    sessionDir = mkdtempSync(join(tmpdir(), 'wwebjs-session-'));
  });
  afterEach(() => rmSync(sessionDir, { recursive: true, force: true }));

  interface BuiltOptions {
    puppeteer: { executablePath: string; headless: boolean; args: string[] };
    authStrategy: { dataPath: string; clientId: string };
  }
  const optionsOf = (client: WebJsClient) => (client as unknown as { options: BuiltOptions }).options;

  it('runs the system Chromium headless with LocalAuth in the session folder', () => {
    const client = createWebJsClient({ sessionDir, chromiumPath: '/usr/bin/chromium', clientId: 'kanal-aduan', runningAsRoot: false });
    const options = optionsOf(client);
    expect(options.puppeteer.executablePath).toBe('/usr/bin/chromium');
    expect(options.puppeteer.headless).toBe(true);
    expect(options.puppeteer.args).toContain('--disable-dev-shm-usage');
    expect(options.puppeteer.args).not.toContain('--no-sandbox');
    expect(options.authStrategy).toMatchObject({ dataPath: resolve(sessionDir), clientId: 'kanal-aduan' });
  });

  it('adds --no-sandbox only when running as root', () => {
    const client = createWebJsClient({ sessionDir, chromiumPath: '/usr/bin/chromium', runningAsRoot: true });
    expect(optionsOf(client).puppeteer.args).toContain('--no-sandbox');
  });

  it('removes the singleton files a crashed Chromium left behind', () => {
    mkdirSync(profile(), { recursive: true });
    symlinkSync('old-container-4242', join(profile(), 'SingletonLock'));
    symlinkSync('/tmp/org.chromium.Chromium.abc/SingletonSocket', join(profile(), 'SingletonSocket'));
    symlinkSync('8141553926571925413', join(profile(), 'SingletonCookie'));
    writeFileSync(join(profile(), 'Local State'), '{}');

    createWebJsClient({ sessionDir, chromiumPath: '/usr/bin/chromium' });

    for (const name of ['SingletonLock', 'SingletonSocket', 'SingletonCookie']) {
      expect(() => lstatSync(join(profile(), name))).toThrow();
    }
    expect(existsSync(join(profile(), 'Local State'))).toBe(true);
  });

  it('removes a lock whose process on this host has exited', () => {
    const exited = spawnSync(process.execPath, ['-e', '']).pid;
    mkdirSync(profile(), { recursive: true });
    symlinkSync(`${hostname()}-${exited}`, join(profile(), 'SingletonLock'));
    clearStaleChromiumLocks(profile());
    expect(() => lstatSync(join(profile(), 'SingletonLock'))).toThrow();
  });

  it('refuses to touch the lock of a Chromium still running on this host', () => {
    mkdirSync(profile(), { recursive: true });
    symlinkSync(`${hostname()}-${process.pid}`, join(profile(), 'SingletonLock'));
    expect(() => createWebJsClient({ sessionDir, chromiumPath: '/usr/bin/chromium' })).toThrow(/in use by Chromium pid/);
    expect(lstatSync(join(profile(), 'SingletonLock')).isSymbolicLink()).toBe(true);
  });

  it('accepts a profile folder that does not exist yet', () => {
    expect(() => clearStaleChromiumLocks(join(sessionDir, 'session-new'))).not.toThrow();
  });
});
