// The import graph checked against docs/ARCHITECTURE.md: packages depend one way only (the order is read from
// the document itself, so the two cannot drift), a package is entered only through the entry points its
// package.json declares, relative imports stay inside their package (tests reach the unnamed application by path), product code never imports test helpers,
// and no files import each other in a circle.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SKIP = new Set(['node_modules', 'dist', '.git', 'runs', 'test-artifacts', 'results', 'generated']);
/** Folders of the application package (the repository root's own code). */
const APP_FOLDERS = ['src', 'bin', 'scripts'];

/** `Package order, lowest first: a → b, c → d` in ARCHITECTURE.md; names on one step may not import each other. */
function packageOrder(): Map<string, number> {
  const doc = readFileSync(join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
  const line = /^Package order, lowest first: (.+)$/m.exec(doc)?.[1];
  assert.ok(line, 'docs/ARCHITECTURE.md states the package order on a line "Package order, lowest first: …"');
  const rank = new Map<string, number>();
  line.split('→').forEach((step, i) => step.split(',').map((s) => s.replace(/[`.]/g, '').trim()).forEach((name) => rank.set(name, i)));
  return rank;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (SKIP.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (/\.(ts|mjs|js)$/.test(entry) && !entry.endsWith('.d.ts')) out.push(relative(ROOT, path));
  }
  return out;
}

function packageOf(file: string): string {
  const top = file.split('/')[0]!;
  return APP_FOLDERS.includes(top) ? 'app' : top;
}

function isTestCode(file: string): boolean {
  return file.endsWith('.test.ts') || file.split('/').includes('testing') || packageOf(file) === 'test';
}

/** Every module specifier a file imports or re-exports (static, dynamic with a literal, type-only included). */
function specifiers(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found = [
    ...text.matchAll(/^\s*(?:import|export)\s[^'";]*?\sfrom\s+'([^']+)'/gms),
    ...text.matchAll(/^\s*import\s+'([^']+)'/gm),
    ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ];
  return found.map((m) => m[1]!);
}

interface Workspace { folder: string; exports: Record<string, string> }

function workspaces(): Map<string, Workspace> {
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
  const byName = new Map<string, Workspace>();
  for (const folder of root.workspaces) {
    const pkg = JSON.parse(readFileSync(join(ROOT, folder, 'package.json'), 'utf8')) as { name: string; exports?: Record<string, string> };
    byName.set(pkg.name, { folder, exports: pkg.exports ?? {} });
  }
  return byName;
}

test('imports follow the package order, enter packages through declared entries and keep test helpers out of products', () => {
  const rank = packageOrder();
  const packages = workspaces();
  const problems: string[] = [];
  const folders = [...[...packages.values()].map((w) => w.folder), ...APP_FOLDERS].filter((f) => existsSync(join(ROOT, f)));
  for (const folder of folders) assert.ok(rank.has(folder === 'src' || APP_FOLDERS.includes(folder) ? 'app' : folder), `${folder} has a place in the documented order`);
  for (const file of folders.flatMap((f) => sourceFiles(join(ROOT, f)))) {
    const from = packageOf(file);
    for (const spec of specifiers(file)) {
      if (spec.startsWith('.')) {
        const target = normalize(join(dirname(file), spec));
        // The application (src/, bin/, scripts/) has no package name to import by: tests reach it by path.
        const reachesApp = from === 'test' && packageOf(target) === 'app';
        if (packageOf(target) !== from && !reachesApp) problems.push(`${file}: relative import '${spec}' leaves ${from}`);
        else if (!isTestCode(file) && isTestCode(target) && !target.endsWith('.test.ts')) problems.push(`${file}: product code imports test helper ${target}`);
        continue;
      }
      const match = /^(@onnx-edge\/[^/]+)(\/.*)?$/.exec(spec);
      if (!match) continue;
      const workspace = packages.get(match[1]!);
      if (!workspace) {
        problems.push(`${file}: '${spec}' is not a workspace of this repository`);
        continue;
      }
      const entry = `.${match[2] ?? ''}`;
      if (!(entry in workspace.exports)) problems.push(`${file}: '${spec}' is not an entry point ${match[1]} declares (${Object.keys(workspace.exports).join(', ')})`);
      if (entry === './testing' && !isTestCode(file) && from !== 'bench') problems.push(`${file}: product code imports ${spec}`);
      const to = workspace.folder;
      if (to !== from && !(rank.get(from)! > rank.get(to)!)) problems.push(`${file}: ${from} imports ${spec}, which is not below it in the package order`);
    }
  }
  assert.deepEqual(problems, []);
});

test('no files import each other in a circle (type-only imports included)', () => {
  const files = [...workspaces().values()].map((w) => w.folder).concat(APP_FOLDERS).filter((f) => existsSync(join(ROOT, f))).flatMap((f) => sourceFiles(join(ROOT, f)));
  const known = new Set(files);
  const edges = new Map<string, string[]>(files.map((file) => [file, specifiers(file)
    .filter((s) => s.startsWith('.'))
    .map((s) => normalize(join(dirname(file), s)))
    .filter((target) => known.has(target))]));
  // Tarjan's strongly connected components: any component of more than one file is a circle.
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (file: string) => {
    order.set(file, index);
    low.set(file, index++);
    stack.push(file);
    onStack.add(file);
    for (const next of edges.get(file) ?? []) {
      if (!order.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, order.get(next)!));
      }
    }
    if (low.get(file) === order.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1) circles.push(component.sort());
    }
  };
  for (const file of files) if (!order.has(file)) visit(file);
  assert.deepEqual(circles, []);
});
