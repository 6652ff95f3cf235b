// Runs every command of README.md, in order, the way a newcomer would type them — in a scratch folder with
// `npx onnx-edge` being this clone's CLI. Long-running commands get a small configuration appended (flags
// given later win), servers listen on a free port and are stopped once they print their URL, the `curl`
// lines go to the server `npm start` started, and bench commands are checked through --help. Lines marked
// `# needs a GPU` / `# needs the internet` are the only ones skipped, and lines that would need either must
// carry the mark.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import sharp from 'sharp';
import { cleanEnv, REPO_ROOT, SHARED_DATA, URL_LINE } from '../pipeline/cli-process.ts';
import { inlineCommands, shellCommands, splitEnvPrefix, type ReadmeCommand } from './readme-commands.ts';

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const commands = shellCommands(README);
const scratch = mkdtempSync(join(tmpdir(), 'onnx-edge-readme-'));
const CLI = `node '${join(REPO_ROOT, 'bin', 'onnx-edge.js')}'`;
/** Real CIFAR-10 training records, what a README line's "$CIFAR10_DIR" stands for here. */
const CIFAR10_TRAIN = join(SHARED_DATA, 'cifar10-train');
/** Appended to every training command: small and quick, on whatever data the line chose. */
const SHORT = '--limit 64 --val-limit 16 --epochs 1';
/** The README's server address, replaced by the test server's. */
const README_URL = 'http://127.0.0.1:8080';
/** What needs a GPU or the internet, so must be marked. */
const NEEDS_MARK = /tfjs-node-gpu|--ep cuda|cuda12|docker |tritonserver|:8000\/|data download|cache\/onnx-edge/;

type Stop = () => Promise<void>;
const running: Stop[] = [];
after(async () => {
  for (const stop of running.reverse()) await stop();
  rmSync(scratch, { recursive: true, force: true });
});

interface Shell {
  output(): string;
  exited: Promise<number | null>;
  stop: Stop;
}

function startShell(command: string, cwd: string, env: NodeJS.ProcessEnv): Shell {
  // Its own process group, so stopping it reaches npm's child too.
  const child = spawn('bash', ['-c', `exec ${command}`], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGINT');
      } catch {
        // already gone
      }
    }
    await exited;
  };
  return { output: () => text, exited, stop };
}

async function waitFor(shell: Shell, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void shell.exited.then(() => (exited = true));
  for (;;) {
    const match = shell.output().match(pattern);
    if (match) return match;
    if (exited) throw new Error(`exited before printing ${pattern}:\n${shell.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${shell.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function runToEnd(command: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 150_000): Promise<string> {
  const shell = startShell(command, cwd, env);
  running.push(shell.stop);
  const timer = setTimeout(() => void shell.stop(), timeoutMs);
  const code = await shell.exited;
  clearTimeout(timer);
  assert.equal(code, 0, `\`${command}\` exited with ${code}:\n${shell.output()}`);
  return shell.output();
}

async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return `http://127.0.0.1:${port}/cifar-10-binary.tar.gz`;
}

/** npm start's arguments: the line's own (after `--`), then the small configuration. */
function npmStart(rest: string, extra: string): string {
  const own = rest.replace(/^npm start\s*/, '').replace(/^--\s*/, '');
  return `npm start -- ${own} ${SHORT} ${extra}`.replace(/\s+/g, ' ').trim();
}

test('README.md: every command runs, or is marked as needing a GPU or the internet', async (t) => {
  assert.ok(commands.length > 20, `found only ${commands.length} commands in README.md's sh blocks`);
  const env = cleanEnv({ XDG_CACHE_HOME: join(scratch, 'cache'), CIFAR10_URL: await refusedUrl() });
  mkdirSync(join(scratch, 'work'));
  const cwd = join(scratch, 'work');
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 180, g: 120, b: 60 } } }).png().toBuffer();
  writeFileSync(join(cwd, 'cat.png'), png);
  let serverUrl: string | undefined;

  const runOne = async (c: ReadmeCommand, command: string): Promise<void> => {
    const { env: prefix, rest } = splitEnvPrefix(command);
    // A line naming "$CIFAR10_DIR" is typed by a user who set it to their CIFAR-10 folder: here, the real
    // training images the tests read.
    const needsCifar = Object.values(prefix).concat(rest).some((v) => v.includes('$CIFAR10_DIR'));
    if (needsCifar && !existsSync(CIFAR10_TRAIN)) {
      assert.notEqual(process.env.CI, 'true', `line ${c.line} needs CIFAR-10 in $CIFAR10_DIR, which CI must have`);
      t.diagnostic(`line ${c.line}: skipped, no CIFAR-10 for $CIFAR10_DIR`);
      return;
    }
    const lineEnv = { ...env, ...(needsCifar ? { CIFAR10_DIR: CIFAR10_TRAIN } : {}), ...prefix };
    if (rest === 'npm test') {
      const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
      assert.equal(scripts.test, 'node scripts/run-tests.mjs', 'npm test is the test runner that runs this very test (not started again here)');
      return;
    }
    if (rest === 'npm install') {
      await runToEnd('npm install --dry-run --offline --no-audit --no-fund', REPO_ROOT, lineEnv);
      return;
    }
    if (rest.startsWith('npm run bench')) {
      // Minutes of measurement, not a test: check the script is `onnx-edge bench all` and that it parses.
      const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
      assert.equal(scripts.bench, 'node bin/onnx-edge.js bench all');
      assert.match(await runToEnd(`${CLI} bench all --help`, cwd, lineEnv), /Usage: onnx-edge bench/);
      return;
    }
    if (rest.startsWith('npm start')) {
      if (/--no-serve\b/.test(rest)) {
        const output = await runToEnd(npmStart(rest, `--out ${join(scratch, `runs-${c.line}`)}`), REPO_ROOT, lineEnv);
        assert.match(output, /accuracy +\d+\.\d%/);
        return;
      }
      const shell = startShell(npmStart(rest, `--out ${join(cwd, 'runs')} --port 0`), REPO_ROOT, lineEnv);
      running.push(shell.stop);
      serverUrl = (await waitFor(shell, URL_LINE, 150_000))[1];
      return;
    }
    if (rest.startsWith('npx onnx-edge')) {
      const cli = rest.replace(/^npx onnx-edge/, CLI);
      const sub = rest.split(/\s+/)[2];
      if (/\s(--help|-h)(\s|$)/.test(rest) || rest === 'npx onnx-edge --help') {
        assert.match(await runToEnd(cli, cwd, lineEnv), /Usage: onnx-edge/);
      } else if (sub === 'bench') {
        assert.match(await runToEnd(`${cli} --help`, cwd, lineEnv), /Usage: onnx-edge bench/);
      } else if (sub === 'train') {
        await runToEnd(`${cli} ${SHORT}`, cwd, lineEnv);
      } else if (sub === 'pipeline' || sub === 'serve') {
        const shell = startShell(`${cli} ${sub === 'pipeline' ? SHORT : ''} --port 0`, cwd, lineEnv);
        running.push(shell.stop);
        await waitFor(shell, sub === 'pipeline' ? URL_LINE : /"msg":"listening"/, 150_000);
        await shell.stop();
      } else {
        await runToEnd(cli, cwd, lineEnv);
      }
      return;
    }
    if (rest.startsWith('curl ')) {
      assert.ok(serverUrl, 'a curl line comes before the README started a server (npm start)');
      assert.ok(rest.includes(README_URL), `curl lines talk to ${README_URL}, the server's default address`);
      const output = await runToEnd(rest.replace(/^curl /, 'curl -sS --fail-with-body ').replaceAll(README_URL, serverUrl), cwd, lineEnv, 30_000);
      if (rest.includes('/classify')) assert.match(output, /"predictions":\[\{"label"/);
      return;
    }
    if (rest.startsWith('node -e ')) {
      await runToEnd(rest, cwd, lineEnv, 30_000);
      return;
    }
    assert.fail(`line ${c.line}: no rule runs \`${command}\`; give it one in test/readme/readme.test.ts or mark it`);
  };

  for (const c of commands) {
    await t.test(`line ${c.line}: ${c.command}`, async (st) => {
      if (c.marker) {
        st.skip(c.marker);
        return;
      }
      assert.doesNotMatch(c.command, NEEDS_MARK, `line ${c.line} needs a GPU or the internet: mark it "# needs a GPU" / "# needs the internet"`);
      for (const part of c.command.split(/\s+&&\s+/)) await runOne(c, part);
    });
  }
});

test('README.md: marks are used only where a GPU or the internet is needed', () => {
  const marked = commands.filter((c) => c.marker);
  assert.ok(marked.length > 0);
  for (const c of marked) assert.match(c.command, NEEDS_MARK, `line ${c.line} is marked "${c.marker}" but names nothing that needs a GPU or the internet`);
});

test('README.md: the quick start is exactly two commands, the main job and the tests', () => {
  const quick = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(README);
  assert.ok(quick, 'a "Quick start" section with an sh block');
  assert.deepEqual(quick[1]!.trim().split('\n'), ['npm install && npm start', 'npm test']);
});

test('README.md: every command named in the prose is a README line (run or marked), and every CLI subcommand is documented', async () => {
  const run = commands.map((c) => c.command);
  for (const inline of inlineCommands(README)) {
    const sub = /^(?:npx )?onnx-edge (\w+)/.exec(inline)?.[1];
    const head = sub ? `onnx-edge ${sub}` : /onnx-edge/.test(inline) ? 'onnx-edge' : /^(npm \S+|curl)/.exec(inline)![1]!;
    assert.ok(run.some((c) => c.includes(head)), `\`${inline}\` is mentioned, but no README command line runs ${head}`);
  }
  const help = await runToEnd(`${CLI} --help`, REPO_ROOT, process.env);
  const subcommands = [...help.matchAll(/^ {2}(\w+) {2,}/gm)].map((m) => m[1]!);
  assert.ok(subcommands.includes('pipeline'));
  for (const sub of subcommands) assert.match(README, new RegExp(`\\| \`onnx-edge ${sub}\` \\|`), `the CLI table lacks onnx-edge ${sub}`);
});
