import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SOURCE_NAMES } from '../../sources/registry';

const ROOT = join(__dirname, '..', '..');

/** Where a source's own code lives: its connector, its mappings and its simulator. */
const ownFolders = (source: string) => [`sources/${source}/`, `mappings/${source}/`, `simulator/${source}/`];

/**
 * Code outside the pipeline proper that may name sources: the registry (the one list), the demo (it starts a
 * simulator per source), the simulator package's entry files (its index and the ConnectWise simulator's old
 * module paths), benchmarks and tests.
 */
const ALLOWED = ['sources/registry.ts', 'local/demo.ts', 'bench/', 'test/'];
const isSimulatorEntry = (file: string) => /^simulator\/[^/]+\.ts$/.test(file);

function codeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.')) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return codeFiles(path);
    return /\.(ts|js)$/.test(name) ? [relative(ROOT, path)] : [];
  });
}

const IMPORT = /(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g;

/** Every (file, source) pair where a file outside that source's folders imports one of its modules. */
function importsOfSources(): string[] {
  const found: string[] = [];
  const folders = ['services', 'shared', 'sources', 'mappings', 'local', 'simulator', 'deploy', 'bin'];
  for (const file of folders.flatMap((folder) => codeFiles(join(ROOT, folder)))) {
    if (ALLOWED.some((allowed) => file.startsWith(allowed)) || isSimulatorEntry(file)) continue;
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1]!;
      if (!specifier.startsWith('.')) continue;
      const target = relative(ROOT, join(ROOT, file, '..', specifier));
      for (const source of SOURCE_NAMES) {
        const inSource = ownFolders(source).some((folder) => `${target}/`.startsWith(folder));
        const fromOwn = ownFolders(source).some((folder) => file.startsWith(folder));
        if (inSource && !fromOwn) found.push(`${file} imports ${specifier} (source ${source})`);
      }
    }
  }
  return found;
}

describe('source boundaries', () => {
  it('given the registered sources, when every module of the pipeline is read, then only the registry imports a source by name', () => {
    expect(SOURCE_NAMES.length).toBeGreaterThanOrEqual(2);

    expect(importsOfSources()).toEqual([]);
  });

  it('given the services, events and state, when read, then none of them names a source in code', () => {
    const named: string[] = [];
    for (const file of ['services', 'shared'].flatMap((folder) => codeFiles(join(ROOT, folder)))) {
      const code = readFileSync(join(ROOT, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      for (const source of SOURCE_NAMES)
        if (new RegExp(`['"\`]${source}['"\`]`).test(code)) named.push(`${file} names '${source}'`);
    }
    expect(named).toEqual([]);
  });
});
