// The one error type of model files on disk, and the rule for quoting what a model file says: a hostile
// model.json can hold megabytes in one name, so nothing taken from it reaches a message unclipped.

/** A model file that cannot be used: corrupt JSON, a path leaving the model's folder, missing or short weights. */
export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

/** The most characters of one model-file string that a message quotes. */
const QUOTE_MAX = 120;

/** A string from a model file, quoted, on one line and clipped, for an error message. */
export function quoted(text: unknown, max = QUOTE_MAX): string {
  const flat = String(text).replace(/[\u0000-\u001f\u007f]/g, ' ');
  return `'${flat.length > max ? `${flat.slice(0, max)}…` : flat}'`;
}

/** The first line of an error raised while reading a model (tfjs quotes whole configs), clipped. */
export function firstLine(err: unknown, max = 300): string {
  const line = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
  return line.length > max ? `${line.slice(0, max)}… (${line.length} characters)` : line;
}
