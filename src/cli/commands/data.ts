// `onnx-edge data check|download`: inspect a CIFAR-10 dataset, or fetch the official one.
import { relative } from 'node:path';
import { dispatcherCommand, formatOptions, parseOptions, UsageError, type Command } from '@onnx-edge/core/cli';

const checkHelp = `Usage: onnx-edge data check <folder|file.bin|cifar-10-binary.tar.gz>

Reads a CIFAR-10 dataset in the official binary format (records of 1 label byte + 3072 pixel bytes) and
prints the records per file and per class. Bad data (a size that is not a whole number of records, a label
outside 0-9, a missing folder) is reported naming the file and record, with a non-zero exit code.

Options:
${formatOptions({})}`;

const DOWNLOAD_OPTIONS = {
  dir: { flag: 'dir', placeholder: 'D', kind: { type: 'string' }, help: 'target folder (default $XDG_CACHE_HOME/onnx-edge/cifar10, else ~/.cache/onnx-edge/cifar10)' },
  url: { flag: 'url', placeholder: 'U', kind: { type: 'string' }, help: 'where to download from (default $CIFAR10_URL, else https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz)' },
  md5: { flag: 'md5', placeholder: 'M', kind: { type: 'string' }, help: 'expected md5 of the archive (default the official c32a1d4ab5d03f1284b67883e8d87530)' },
} as const;

const downloadHelp = `Usage: onnx-edge data download [--dir D] [--url U] [--md5 M]

Downloads the official cifar-10-binary.tar.gz (with a progress bar; an interrupted download resumes),
verifies its md5, and extracts it into D/cifar-10-batches-bin (nothing half-extracted is ever left).

Options:
${formatOptions(DOWNLOAD_OPTIONS)}`;

async function check(argv: string[]): Promise<number> {
  const { positionals } = parseOptions({}, argv, { positionals: true });
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
  const { values } = parseOptions(DOWNLOAD_OPTIONS, argv);
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

export const dataCommand: Command = dispatcherCommand({
  prefix: 'onnx-edge data',
  placeholder: 'subcommand',
  heading: 'Subcommands',
  table: {
    check: { summary: 'print records per file and per class of a CIFAR-10 dataset; fail on bad data', load: async () => ({ help: checkHelp, run: check }) },
    download: { summary: 'download, verify and extract the official CIFAR-10 binary archive', load: async () => ({ help: downloadHelp, options: DOWNLOAD_OPTIONS, run: download }) },
  },
});
