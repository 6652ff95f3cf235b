// Per-epoch metrics of a run, kept in Keras' History shape (one array per metric) plus the details.
export interface EpochRecord {
  /** 1-based epoch number. */
  epoch: number;
  loss: number;
  accuracy: number;
  val_loss: number;
  val_accuracy: number;
  /** Training images per second over the epoch (validation excluded). */
  images_per_second: number;
  seconds: number;
  /** Training images the BatchNorm statistics were re-estimated on before validation (0: Keras' moving averages). */
  precise_bn_images?: number;
  precise_bn_seconds?: number;
}

export interface HistoryFile {
  /** Keras' history.history: metric name → one value per epoch. */
  history: { loss: number[]; accuracy: number[]; val_loss: number[]; val_accuracy: number[] };
  epochs: EpochRecord[];
  best_epoch: number | null;
}

export function bestEpoch(epochs: EpochRecord[]): EpochRecord | undefined {
  return epochs.reduce<EpochRecord | undefined>((best, e) => (best === undefined || e.val_loss < best.val_loss ? e : best), undefined);
}

export function toHistoryFile(epochs: EpochRecord[]): HistoryFile {
  return {
    history: {
      loss: epochs.map((e) => e.loss),
      accuracy: epochs.map((e) => e.accuracy),
      val_loss: epochs.map((e) => e.val_loss),
      val_accuracy: epochs.map((e) => e.val_accuracy),
    },
    epochs,
    best_epoch: bestEpoch(epochs)?.epoch ?? null,
  };
}
