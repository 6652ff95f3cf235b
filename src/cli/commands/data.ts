// `onnx-edge data check|download`: inspect a CIFAR-10 dataset, or fetch the official one.
import { relative } from 'node:path';
import { parseFlags, UsageError, wantsHelp, type Command } from '../kit.ts';

const checkHelp = `Usage: onnx-edge data check <folder|file.bin|cifar-10-binary.tar.gz>

Reads a CIFAR-10 dataset in the official binary format (records of 1 label byte + 3072 pixel bytes) and
prints the records per file and per class. Bad data (a size that is not a whole number of records, a label
outside 0-9, a missing folder) is reported naming the file and record, with a non-zero exit code.`;

const downloadHelp = `Usage: onnx-edge data download [--dir D] [--url U] [--md5 M]

Downloads the official cifar-10-binary.tar.gz (with a progress bar; an interrupted download resumes),
verifies its md5, and extracts it into D/cifar-10-batches-bin (nothing half-extracted is ever left).

Options:
  --dir <D>     target folder (default $XDG_CACHE_HOME/onnx-edge/cifar10, else ~/.cache/onnx-edge/cifar10)
  --url <U>     where to download from (default $CIFAR10_URL, else
                https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz)
  --md5 <M>     expected md5 of the archive (default the official c32a1d4ab5d03f1284b67883e8d87530)
  -h, --help    show this help`;

const help = `Usage: onnx-edge data <check|download> [options]

Subcommands:
  check <source>   print records per file and per class of a CIFAR-10 dataset; fail on bad data
  download         download, verify and extract the official CIFAR-10 binary archive

Run 'onnx-edge data <subcommand> --help' for its options.`;

async function check(argv: string[]): Promise<number> {
  const { positionals } = parseFlags(argv, {}, true);
  if (positionals.length !== 1) throw new UsageError('data check takes exactly one folder or archive');
  const source = positionals[0]!;
  const { loadCifar, classCounts, formatCount } = await import('@onnx-edge/train');
  const dataset = await loadCifar(source);
  const shown = dataset.files.map((f) => ({ name: f.name.startsWith(`${source}:`) ? f.name.slice(source.length + 1) : relative(source, f.name) || f.name, records: f.records }));
  const width = Math.max(5, ...shown.map((f) => f.name.length), ...dataset.classNames.map((n) => n.length + 3));
  const row = (name: string, n: number) => `  ${name.padEnd(width)}  ${formatCount(n).padStart(7)}`;
  console.log(`CIFAR-10 data in ${source}`);
  console.log('Records per file:');
  for (const f of shown) console.log(row(f.name, f.records));
  console.log(row('total', dataset.count));
  console.log('Records per class:');
  classCounts(dataset).forEach((n, label) => console.log(row(`${label} ${dataset.classNames[label]}`, n)));
  console.log(`OK: ${formatCount(dataset.count)} records in ${shown.length} file${shown.length === 1 ? '' : 's'}`);
  return 0;
}

async function download(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { dir: { type: 'string' }, url: { type: 'string' }, md5: { type: 'string' } });
  if (values.md5 !== undefined && !/^[0-9a-f]{32}$/i.test(values.md5)) throw new UsageError(`--md5 must be 32 hex digits, got '${values.md5}'`);
  if (values.url !== undefined && !/^https?:\/\//.test(values.url)) throw new UsageError(`--url must be an http(s) URL, got '${values.url}'`);
  const { downloadCifar, progressPrinter, formatCount } = await import('@onnx-edge/train');
  const progress = progressPrinter();
  const result = await downloadCifar({
    dir: values.dir,
    url: values.url,
    expectedMd5: values.md5,
    onProgress: (p) => progress.update(p),
    log: (line) => {
      progress.done();
      console.log(line);
    },
  });
  progress.done();
  console.log(`${result.downloaded ? 'extracted' : 'already present:'} ${formatCount(result.records)} records in ${result.dataDir}`);
  return 0;
}

export const dataCommand: Command = {
  name: 'data',
  summary: 'check or download a CIFAR-10 dataset',
  help,
  hasSubcommands: true,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h') {
      console.log(help);
      return sub === undefined ? 2 : 0;
    }
    const subcommands: Record<string, [string, (a: string[]) => Promise<number>]> = { check: [checkHelp, check], download: [downloadHelp, download] };
    const entry = subcommands[sub];
    if (!entry) throw new UsageError(`unknown subcommand '${sub}'`);
    if (wantsHelp(rest)) {
      console.log(entry[0]);
      return 0;
    }
    return entry[1](rest);
  },
};
