// Ctrl-C / SIGTERM during training: the first one asks the loop to stop after the current batch (and save a
// resumable checkpoint); a second one exits at once with 130, as a shell expects of an interrupted program.
export const INTERRUPTED_EXIT_CODE = 130;

export class TrainingInterrupted extends Error {
  override name = 'TrainingInterrupted';
  constructor(readonly signal: string, readonly runDir: string, readonly checkpointDir: string) {
    super(`training interrupted by ${signal}: resumable checkpoint saved in ${checkpointDir}; run the same command again to resume`);
  }
}

export interface InterruptWatch {
  /** The signal received, once one has been. */
  readonly requested: string | null;
  stop(): void;
}

export function watchInterrupts(log: (line: string) => void): InterruptWatch {
  let requested: string | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (requested !== null) {
      log(`\n${signal} again: exiting now without saving`);
      process.exit(INTERRUPTED_EXIT_CODE);
    }
    requested = signal;
    log(`\n${signal}: finishing the current batch, then saving a resumable checkpoint (press Ctrl-C again to quit at once)`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    get requested() {
      return requested;
    },
    stop() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
