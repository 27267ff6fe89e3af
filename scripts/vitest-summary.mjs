// One line about a finished test run, from its log: pass/fail, test counts, duration and the
// names of the tests that failed. Used by clock-runs.sh and repeat-ci.sh. Plain Node, no deps.
//   node scripts/vitest-summary.mjs <log file> <exit code> <seconds>
import { readFileSync } from 'node:fs';

const [logFile, exitCode, seconds] = process.argv.slice(2);
// Vitest colours its output even into a file; the counts are read from the plain text.
const log = readFileSync(logFile, 'utf8').replace(/\x1b\[[0-9;]*m/g, '');

const tests = /^\s*Tests\s+(.+?)\s*\((\d+)\)\s*$/m.exec(log);
const count = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(tests?.[1] ?? '')?.[1] ?? 0);
const failed = [...new Set([...log.matchAll(/^\s*FAIL\s+(.+?)\s*$/gm)].map((m) => m[1]))];
const ok = exitCode === '0' && failed.length === 0 && tests !== null;

const parts = [ok ? 'pass' : 'FAIL', `exit ${exitCode}`];
if (tests) parts.push(`${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped of ${tests[2]}`);
else parts.push('no test summary (failed before or outside vitest)');
parts.push(`${seconds} s`);
let line = parts.join(' | ');
if (failed.length > 0) line += `\n    failed: ${failed.join('\n            ')}`;
else if (!ok) line += `\n    last lines: ${log.trim().split('\n').slice(-5).join('\n                ')}`;
console.log(line);
