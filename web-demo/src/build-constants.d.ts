// Constants Vite substitutes at build time (see `define` in vite.config.ts).

/** Cache API name of the offline app shell; carries the onnxruntime-web version. */
declare const SHELL_CACHE: string;
/** Prefix of every shell cache name, to drop those of older versions. */
declare const SHELL_CACHE_PREFIX: string;
