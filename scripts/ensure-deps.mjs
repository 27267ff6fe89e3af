// Lets `npm start` and `npm test` be the only commands a new machine needs: installs from the
// lockfile when node_modules is missing or older than package-lock.json. Plain Node, no deps.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const installed = 'node_modules/.package-lock.json';
const stale = !existsSync(installed) || statSync('package-lock.json').mtimeMs > statSync(installed).mtimeMs;
if (stale) {
  console.log('Installing dependencies from package-lock.json (npm ci)…');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}
