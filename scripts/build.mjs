// `npm run build`: the production build. tsc compiles src/ and flows/ into dist/ (tsconfig.build.json),
// then every file the code reads by path beside itself (the web chat page, the console's pages,
// the demo catalogue, the migrations) is copied to the same place under dist/, so the
// `new URL('./x', import.meta.url)` paths in the code hold from dist/ as they do from src/ under tsx.
// Plain Node, no deps. `node scripts/build.mjs [outDir] [tsc flags…]` builds elsewhere (the build's
// test does, with --noCheck: `npm test` type-checks already).
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const [out, ...tscFlags] = process.argv.slice(2);
const outDir = resolve(out ?? join(root, 'dist'));

/** Folders whose non-TypeScript files are copied as they are; `migrations` is copied whole. */
const SOURCE_FOLDERS = ['src', 'flows'];

// The output folder is emptied first; never the project or a folder that holds it.
if (root.startsWith(join(outDir, '/'))) throw new Error(`refusing to build into ${outDir}: it holds the project`);
rmSync(outDir, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir, ...tscFlags], { stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

for (const folder of SOURCE_FOLDERS) {
  for (const entry of readdirSync(join(root, folder), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.endsWith('.ts')) continue;
    const from = join(entry.parentPath, entry.name);
    cpSync(from, join(outDir, from.slice(root.length)));
  }
}
cpSync(join(root, 'migrations'), join(outDir, 'migrations'), { recursive: true });
console.log(`built into ${outDir}`);
