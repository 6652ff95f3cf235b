// Constants Vite substitutes at build time (see `define` in vite.config.ts).

/** Cache API name of the offline app shell; carries the onnxruntime-web version. */
declare const SHELL_CACHE: string;
/** Prefix of every shell cache name, to drop those of older versions. */
declare const SHELL_CACHE_PREFIX: string;
/** The onnxruntime-web binary each execution provider's build loads, served under ort/. */
declare const ORT_BINARIES: { webgpu: string; wasm: string };
/** Folder of the example images; EXAMPLES_DIR/index.json lists them by dataset. */
declare const EXAMPLES_DIR: string;
