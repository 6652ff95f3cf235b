// `onnx-edge bench all` (= `npm run bench`): every benchmark, each in its own child process (one process
// tree; a benchmark's threads, memory and tfjs backend cannot leak into the next), then one results JSON
// and one Markdown table: bench/results/<date>-<host>.json and .md (…-quick.* for --quick).
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatOptions, parseOptions, type Command } from '@onnx-edge/core/cli';
import { BENCH_OPTIONS } from './options.ts';
import { machineFacts } from './machine.ts';
import { formatAllReport, type AllReport, type BenchName } from './report-all.ts';
import { resultsFile } from './results-file.ts';

const BIN = fileURLToPath(new URL('../bin/onnx-edge.js', import.meta.url));
const ORDER: BenchName[] = ['inference', 'quantized', 'graph-models', 'export', 'real-models', 'train', 'serve', 'browser'];

/** Each benchmark's flags for a full and a quick run; `out` is where its JSON goes. */
function argumentsFor(name: BenchName, quick: boolean, out: string): string[] {
  switch (name) {
    case 'inference': return [...(quick ? ['--quick'] : []), '--out', join(out, 'inference.json')];
    case 'quantized': return [...(quick ? ['--quick'] : []), '--out', join(out, 'quantized.json')];
    case 'export': return [...(quick ? ['--quick'] : []), '--out', join(out, 'export.json')];
    case 'graph-models': return [...(quick ? ['--quick'] : []), '--out', join(out, 'graph-models.json')];
    case 'real-models': return [...(quick ? ['--quick'] : []), '--out', join(out, 'real-models.json')];
    // Training steps take seconds each: the quick run takes one warm-up and one timed step, all cores.
    // PyTorch trains beside ours where /usr/bin/python3 has torch; otherwise one line says how to install it.
    case 'train': return [...(quick ? ['--warmup', '1', '--repeats', '1', '--workers', String(Math.min(availableParallelism(), 4))] : []), '--peer', 'auto', '--out', join(out, 'train.json')];
    case 'serve': return [...(quick ? ['--seconds', '1', '--rounds', '1'] : []), '--out', join(out, 'serve.json')];
    case 'browser': return [...(quick ? ['--quick'] : []), '--out', join(out, 'browser.json')];
  }
}

/** Runs `onnx-edge bench <name>` as a child; its output goes to our stderr as progress. */
function runChild(name: BenchName, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'bench', name, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function readResult(name: BenchName, out: string): Promise<unknown> {
  return JSON.parse(await readFile(join(out, `${name}.json`), 'utf8'));
}

const OPTIONS = {
  quick: { ...BENCH_OPTIONS.quick, help: 'a short run (about 3 minutes here): fewer rounds, shorter load phases, WASM only in the browser; writes <date>-<host>-quick.json/.md' },
  only: { flag: 'only', placeholder: 'LIST', kind: { type: 'list', choices: ORDER }, help: `comma-separated subset of ${ORDER.join(', ')}` },
  out: { ...BENCH_OPTIONS.out, placeholder: 'DIR', help: 'results folder (default bench/results)' },
} as const;

const help = `Usage: onnx-edge bench all [options]    (npm run bench)

Runs every benchmark — ${ORDER.join(', ')} — each in a child process, then writes
bench/results/<date>-<host>.json (all figures and the machine's facts) and the Markdown table printed at
the end to bench/results/<date>-<host>.md. Method: warm-up first, medians of repeated runs, peers
interleaved in the same run, headline figures are ratios (see bench/NOTES.md).

Options:
${formatOptions(OPTIONS)}`;

export const benchAllCommand: Command = {
  help,
  options: OPTIONS,
  async run(argv) {
    const { values } = parseOptions(OPTIONS, argv);
    const quick = values.quick ?? false;
    const only = values.only;
    const names = ORDER.filter((n) => !only || only.includes(n));
    const started = new Date();
    const machineBefore = machineFacts();
    const work = await mkdtemp(join(tmpdir(), 'onnx-edge-bench-all-'));
    const report: AllReport = { benchmark: 'all', date: started.toISOString(), quick, machine: machineBefore, loadAverageAfter: [], seconds: {}, results: {}, failures: {} };
    try {
      for (const name of names) {
        console.error(`\n== bench ${name}${quick ? ' (quick)' : ''} ==`);
        const t0 = performance.now();
        const code = await runChild(name, argumentsFor(name, quick, work));
        report.seconds[name] = Math.round((performance.now() - t0) / 100) / 10;
        if (code !== 0) {
          report.failures[name] = `onnx-edge bench ${name} exited with code ${code} (its output is above)`;
          continue;
        }
        report.results[name] = await readResult(name, work);
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    report.loadAverageAfter = machineFacts().loadAverage;
    const markdown = formatAllReport(report);
    const base = resultsFile('', report.date, machineBefore.host, 'json').replace(/\.json$/, quick ? '-quick' : '');
    const outBase = values.out ? join(values.out, base.split('/').at(-1)!) : base;
    await mkdir(dirname(outBase), { recursive: true });
    await writeFile(`${outBase}.json`, `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(`${outBase}.md`, `${markdown}\n`);
    console.log(`\n${markdown}\n\nwrote ${outBase}.json and ${outBase}.md`);
    return Object.keys(report.failures).length === 0 ? 0 : 1;
  },
};
