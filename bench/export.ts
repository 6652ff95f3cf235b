// `onnx-edge bench export`: what compiling each seed network costs — time (first run and the median of the
// runs after it) and peak memory, each network in a fresh child process — and the ONNX file's size against
// the tfjs weights it came from.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { formatOptions, parseOptions, type Command } from '@onnx-edge/core/cli';
import { BENCH_NETWORKS, BENCH_OPTIONS } from './options.ts';
import { machineFacts } from './machine.ts';
import { formatExportTable, type ExportRow } from './report.ts';
import { resultsFile } from './results-file.ts';
import { median } from './stats.ts';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const MiB = 2 ** 20;

interface ChildResult { network: string; timesMs: number[]; onnxBytes: number; tfjsWeightBytes: number; tfjsModelJsonBytes: number; rssBeforeBytes: number; maxRssBytes: number }

/** Exports `network` `runs` times in a child process and summarises what it reports. */
export async function measureExport(network: string, runs: number): Promise<ExportRow> {
  const child = fileURLToPath(new URL('./export-child.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child, network, String(runs)], { cwd: REPO_ROOT, maxBuffer: 1 << 20 });
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult;
  return {
    network,
    coldMs: result.timesMs[0]!,
    medianMs: median(result.timesMs.length > 1 ? result.timesMs.slice(1) : result.timesMs),
    maxRssMiB: result.maxRssBytes / MiB,
    rssBeforeMiB: result.rssBeforeBytes / MiB,
    onnxBytes: result.onnxBytes,
    tfjsWeightBytes: result.tfjsWeightBytes,
    tfjsModelJsonBytes: result.tfjsModelJsonBytes,
  };
}

const OPTIONS = {
  networks: BENCH_OPTIONS.networks,
  runs: { flag: 'runs', kind: { type: 'int', min: 1, max: 100 }, help: 'exports per network (default 5; --quick: 2)' },
  quick: { ...BENCH_OPTIONS.quick, help: 'fewer runs' },
  out: BENCH_OPTIONS.out,
} as const;

const help = `Usage: onnx-edge bench export [options]

Compiles each seed network (seed weights) to ONNX in a fresh child process: export time (first run, then
the median of the others), peak resident memory of that process (and its memory before exporting), and
the ONNX file's bytes against the tfjs weights + model.json it came from.

Options:
${formatOptions(OPTIONS)}`;

export const benchExportCommand: Command = {
  help,
  options: OPTIONS,
  async run(argv) {
    const { values } = parseOptions(OPTIONS, argv);
    const networks = values.networks ?? [...BENCH_NETWORKS];
    const runs = values.runs ?? (values.quick ? 2 : 5);
    const rows: ExportRow[] = [];
    for (const network of networks) {
      console.error(`export: ${network}, ${runs} exports in a child process…`);
      rows.push(await measureExport(network, runs));
    }
    const report = { benchmark: 'export', date: new Date().toISOString(), machine: machineFacts(), runs, rows };
    const file = values.out ?? resultsFile('export', report.date, report.machine.host, 'json');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`${formatExportTable(rows)}\n\nwrote ${file}`);
    return 0;
  },
};
