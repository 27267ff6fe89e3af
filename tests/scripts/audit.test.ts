/**
 * CI's dependency audit (`scripts/audit.mjs`) against an `npm` that answers as the registry would:
 * a high or critical advisory in a production dependency fails the run and is named with its fix;
 * moderate ones do not; an audit service that does not answer is said to have checked nothing, and
 * fails only where AUDIT_REQUIRED=true says it must answer.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Runs the script with an `npm` on PATH that prints `answer` and exits with `code`, as `npm audit --json` does. */
function audit(answer: unknown, code: number, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kanal-audit-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'answer.json'), JSON.stringify(answer));
  writeFileSync(join(dir, 'npm'), `#!/bin/sh\ncat "${join(dir, 'answer.json')}"\nexit ${code}\n`);
  chmodSync(join(dir, 'npm'), 0o755);
  const run = spawnSync(process.execPath, ['scripts/audit.mjs'], { encoding: 'utf8', env: { PATH: `${dir}:${process.env.PATH}`, ...env } });
  return { code: run.status, out: run.stdout };
}

const metadata = (v: Record<string, number>) => ({
  vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, ...v },
  dependencies: { prod: 412, dev: 0, optional: 0, peer: 0, peerOptional: 0, total: 412 },
});

const advisory = {
  source: 1103617,
  name: 'example-xml',
  dependency: 'example-xml',
  title: 'ReDoS in example-xml',
  url: 'https://github.com/advisories/GHSA-0000-0000-0000',
  severity: 'high',
  range: '<4.4.1',
};

describe('scripts/audit.mjs', () => {
  it('fails on a high advisory, naming the package, the advisory and the fix', () => {
    const { code, out } = audit(
      {
        auditReportVersion: 2,
        vulnerabilities: {
          'example-xml': { name: 'example-xml', severity: 'high', isDirect: false, via: [advisory], range: '<4.4.1', fixAvailable: true },
          'example-storage': { name: 'example-storage', severity: 'high', isDirect: true, via: ['example-xml'], range: '7.0.0 - 7.1.3', fixAvailable: { name: 'example-storage', version: '9.0.0', isSemVerMajor: true } },
        },
        metadata: metadata({ high: 2 }),
      },
      1,
    );
    expect(code).toBe(1);
    expect(out).toContain('0 critical, 2 high, 0 moderate, 0 low, of 412 packages');
    expect(out).toContain('high: example-xml <4.4.1; fix: npm audit fix');
    expect(out).toContain('ReDoS in example-xml (https://github.com/advisories/GHSA-0000-0000-0000)');
    expect(out).toContain('high: example-storage 7.0.0 - 7.1.3 via example-xml; fix: example-storage@9.0.0 (major)');
  });

  it('passes with moderate advisories only, counting them', () => {
    const { code, out } = audit(
      {
        auditReportVersion: 2,
        vulnerabilities: { 'left-pad': { name: 'left-pad', severity: 'moderate', isDirect: true, via: [{ ...advisory, severity: 'moderate' }], range: '*', fixAvailable: false } },
        metadata: metadata({ moderate: 1 }),
      },
      1,
    );
    expect(code).toBe(0);
    expect(out).toContain('0 critical, 0 high, 1 moderate');
    expect(out).not.toContain('left-pad');
  });

  it('says nothing was audited when the service does not answer, failing only when the audit is required', () => {
    const refused = { message: '405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk', statusCode: 405 };
    const lenient = audit(refused, 1);
    expect(lenient.code).toBe(0);
    expect(lenient.out).toContain('the dependencies were NOT audited (405 Method Not Allowed');
    const strict = audit(refused, 1, { AUDIT_REQUIRED: 'true' });
    expect(strict.code).toBe(1);
    expect(strict.out).toContain('AUDIT_REQUIRED=true: failing.');
  });
});
