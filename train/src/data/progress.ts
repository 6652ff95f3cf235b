// Progress display for long transfers: a redrawn bar on a terminal, plain lines (every 10%) otherwise,
// so logs and CI output stay readable.
import type { DownloadProgress } from './download.ts';

const MB = 1024 * 1024;

export function progressPrinter(stream: NodeJS.WriteStream = process.stdout): { update(p: DownloadProgress): void; done(): void } {
  const started = Date.now();
  let firstReceived: number | null = null;
  let lastDraw = 0;
  let lastDecile = -1;
  let barShown = false;
  const describe = ({ received, total }: DownloadProgress) => {
    firstReceived ??= received;
    const seconds = Math.max((Date.now() - started) / 1000, 1e-3);
    const rate = (received - firstReceived) / MB / seconds;
    const size = total ? `${(received / MB).toFixed(1)}/${(total / MB).toFixed(1)} MB` : `${(received / MB).toFixed(1)} MB`;
    return `${size} ${rate.toFixed(1)} MB/s`;
  };
  return {
    update(p) {
      const fraction = p.total ? p.received / p.total : null;
      if (stream.isTTY) {
        const now = Date.now();
        if (now - lastDraw < 100 && fraction !== 1) return;
        lastDraw = now;
        const width = 30;
        const filled = fraction === null ? 0 : Math.round(fraction * width);
        const bar = fraction === null ? '' : `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% `;
        stream.write(`\r${bar}${describe(p)}\x1b[K`);
        barShown = true;
        return;
      }
      const decile = fraction === null ? Math.floor(p.received / (10 * MB)) : Math.floor(fraction * 10);
      if (decile === lastDecile) return;
      lastDecile = decile;
      stream.write(`${fraction === null ? '' : `${(fraction * 100).toFixed(0)}% `}${describe(p)}\n`);
    },
    /** Ends the bar's line so that other output starts on a fresh one. */
    done() {
      if (barShown) stream.write('\n');
      barShown = false;
    },
  };
}
