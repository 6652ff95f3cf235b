// The HTTP thread yields the cores to inference under saturation. onnxruntime's intra-op threads meet at a
// barrier after every parallel section, so when the HTTP thread preempts one of them the others wait for
// it: measured here, a raw ResNet18 session on both cores lost 25 % of its throughput to a thread that
// was busy 20 % of the time. Running the HTTP thread at a lower priority (a higher nice value) than the
// inference threads lets it work in the gaps instead — the server went from 73 % to 80 % of raw
// onnxruntime throughput (bench/NOTES.md, server finding 5). Linux keeps a nice value per thread, and a
// thread inherits its creator's: the inference workers, started before this is called, keep theirs.
import { getPriority, setPriority } from 'node:os';
import type { Logger } from './logging.ts';

/** Raises the calling thread's nice value to `nice` (never lowers it); Linux only, where nice is per thread. */
export function yieldCoresToInference(nice: number, logger: Logger): void {
  if (nice <= 0) return;
  if (process.platform !== 'linux') {
    logger.info({ httpNice: nice }, 'HTTP thread priority left as is: only Linux sets it per thread, elsewhere it would slow inference too');
    return;
  }
  const current = getPriority();
  if (current >= nice) return;
  try {
    setPriority(nice);
    logger.info({ httpNice: nice, was: current }, 'HTTP thread runs at a lower priority than the inference threads');
  } catch (err) {
    logger.warn({ httpNice: nice, err: (err as Error).message }, 'could not lower the HTTP thread priority; serving at the same priority as inference');
  }
}
