/**
 * The arrows between the rooms, checked on the source text so they stay pointing down: the domain
 * vocabulary (`src/domain/`) imports nothing, the parts that speak it never reach into the channel
 * adapters, and whoever holds a sender takes only the adapters' contract from `src/channels/types`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url)).replace(/[\\/]$/, '');
const channelsDir = join(root, 'src/channels');
const domainDir = join(root, 'src/domain');

/** Parts that speak the domain's words and have no business with a platform. */
const DOMAIN_PARTS = [
  'flows',
  'src/domain',
  'src/db',
  'src/cases',
  'src/conversation',
  'src/catalogue',
  'src/livechat',
  'src/pii',
  'src/privacy',
  'src/retention',
  'src/media',
  'src/http',
  'src/integrations',
];

/** Known, named exceptions inside those parts, each with its reason. */
const ALLOWED: Record<string, string> = {
  'src/cases/staff-notifications/channels.ts': 'wiring: builds the staff senders (e-mail, Telegram, Cloud) from config',
  'src/cases/staff-notifications/message.ts': "WhatsApp Cloud's rule for template parameters (toTemplateParameter)",
};

/** What a wiring file may take from `src/channels/types`: the adapters' contract, not the messages. */
const ADAPTER_CONTRACT = new Set(['ChannelSender', 'Recipient']);

function sourceFiles(part: string): string[] {
  const dir = join(root, part);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(dir, name));
}

/** Relative import specifiers of a file (static, re-export, dynamic), resolved to paths without extension. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => resolve(dirname(file), spec).replace(/\.(js|ts)$/, ''));
}

function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir + sep);
}

const show = (file: string) => relative(root, file);

describe('imports between the parts', () => {
  it('the domain vocabulary imports nothing outside src/domain', () => {
    const outward = sourceFiles('src/domain').flatMap((file) =>
      importsOf(file)
        .filter((target) => !isInside(target, domainDir))
        .map((target) => `${show(file)} → ${show(target)}`),
    );
    expect(outward).toEqual([]);
  });

  it('flows, cases, the schema and the other domain parts do not import src/channels', () => {
    const files = DOMAIN_PARTS.flatMap(sourceFiles).filter((file) => !(show(file) in ALLOWED));
    const intoChannels = files.flatMap((file) =>
      importsOf(file)
        .filter((target) => isInside(target, channelsDir))
        .map((target) => `${show(file)} → ${show(target)}`),
    );
    expect(intoChannels).toEqual([]);
  });

  it('channels get the runtime from the app (their intake): src/channels imports nothing from src/queues, nor from src/conversation but its context type', () => {
    const context = join(root, 'src/conversation/context');
    const intoRuntime = sourceFiles('src/channels').flatMap((file) =>
      importsOf(file)
        .filter((target) => isInside(target, join(root, 'src/queues')) || (isInside(target, join(root, 'src/conversation')) && target !== context))
        .map((target) => `${show(file)} → ${show(target)}`),
    );
    expect(intoRuntime).toEqual([]);
  });

  it('outside src/channels, src/channels/types gives only the adapter contract', () => {
    const typesModule = join(channelsDir, 'types');
    const files = ['src', 'flows', 'tests', 'bench']
      .flatMap(sourceFiles)
      .filter((file) => !isInside(file, channelsDir));
    const messageTypes = files.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      // Only a file naming a `…types` module can import this one; parsing the rest is wasted time.
      if (!text.includes('types')) return [];
      const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest);
      return source.statements.flatMap((statement) => {
        if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) return [];
        const spec = statement.moduleSpecifier;
        if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) return [];
        if (resolve(dirname(file), spec.text).replace(/\.(js|ts)$/, '') !== typesModule) return [];
        const names = ts.isImportDeclaration(statement)
          ? statement.importClause?.namedBindings && ts.isNamedImports(statement.importClause.namedBindings)
            ? statement.importClause.namedBindings.elements.map((e) => (e.propertyName ?? e.name).text)
            : ['*']
          : statement.exportClause && ts.isNamedExports(statement.exportClause)
            ? statement.exportClause.elements.map((e) => (e.propertyName ?? e.name).text)
            : ['*'];
        return names.filter((name) => !ADAPTER_CONTRACT.has(name)).map((name) => `${show(file)}: ${name}`);
      });
    });
    expect(messageTypes).toEqual([]);
  });

  it('every listed part and exception exists, so the check cannot pass by looking nowhere', () => {
    for (const part of DOMAIN_PARTS) expect(sourceFiles(part).length, part).toBeGreaterThan(0);
    for (const file of Object.keys(ALLOWED)) expect(importsOf(join(root, file)).some((t) => isInside(t, channelsDir)), file).toBe(true);
  });
});
