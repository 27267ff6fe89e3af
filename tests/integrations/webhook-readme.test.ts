/**
 * The README's signed webhook example, read out of README.md as printed: its body, secret,
 * timestamp and header must verify with the product's own signature code, with the README's Node
 * recipe and with its openssl recipe. A receiver copying the example must get a match.
 */
import { execFileSync } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignature } from '../../src/integrations/webhooks/signature.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('### Webhooks'), readme.indexOf('### Open311'));

/** The fenced blocks of the section, with their language tag. */
const blocks = [...section.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map(([, lang, text]) => ({ lang, text }));
const only = (found: { text: string }[], what: string) => {
  expect(found, what).toHaveLength(1);
  return found[0].text;
};

const laidOut = only(blocks.filter((b) => b.lang === 'json'), 'the laid-out body');
const body = only(blocks.filter((b) => b.lang === 'text'), 'the signed body').replace(/\n$/, '');
const headers = only(blocks.filter((b) => b.text.includes('X-Kanal-Signature:')), 'the headers');
const nodeRecipe = only(blocks.filter((b) => b.lang === 'js'), 'the Node recipe');
const shellRecipe = only(blocks.filter((b) => b.lang === 'sh' && b.text.includes('openssl')), 'the openssl recipe');

const header = /^X-Kanal-Signature: (.+)$/m.exec(headers)![1];
const secret = /secret\s+`([^`]+)`/.exec(section)![1];
const timestamp = Number(/at\s+`t=(\d+)`/.exec(section)![1]);

describe('the README webhook example', () => {
  it('prints a one-line body, the same object as the laid-out one', () => {
    expect(body).not.toContain('\n');
    expect(JSON.parse(body)).toEqual(JSON.parse(laidOut));
    expect(header.startsWith(`t=${timestamp},v1=`)).toBe(true);
  });

  it("is what the product's signature function makes of the printed body, secret and time", () => {
    expect(signatureHeader(secret, body, new Date(timestamp * 1000))).toBe(header);
    expect(verifySignature(secret, header, body, { now: new Date(timestamp * 1000), toleranceSeconds: 300 })).toBe(true);
    // The laid-out body is not what was signed: a receiver re-serialising would fail, as the README says.
    expect(verifySignature(secret, header, laidOut, { now: new Date(timestamp * 1000), toleranceSeconds: 300 })).toBe(false);
  });

  it("verifies with the README's Node recipe, and a changed byte does not", () => {
    const source = nodeRecipe.replace(/^import .*$/m, '');
    const verify = new Function('createHmac', 'timingSafeEqual', `${source}; return verify;`)(createHmac, timingSafeEqual) as (
      secret: string,
      header: string,
      rawBody: string,
      toleranceSeconds?: number,
    ) => boolean;
    // The recipe checks the age against the wall clock; the example is old, so the tolerance is unbounded here.
    expect(verify(secret, header, body, Number.POSITIVE_INFINITY)).toBe(true);
    expect(verify(secret, header, body.replace('tiga', 'dua'), Number.POSITIVE_INFINITY)).toBe(false);
  });

  it("verifies with the README's openssl recipe on the printed body", () => {
    expect(shellRecipe).toContain(`t=${timestamp}`);
    expect(shellRecipe).toContain(`'${secret}'`);
    const dir = mkdtempSync(join(tmpdir(), 'kanal-readme-'));
    try {
      writeFileSync(join(dir, 'body.json'), `${body}\n`);
      const printed = execFileSync('sh', ['-c', shellRecipe], { cwd: dir, encoding: 'utf8' }).trim();
      expect(`t=${timestamp},v1=${printed}`).toBe(header);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
