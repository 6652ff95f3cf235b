// The one error type of plugins: loading, registering and lowering failures, each one line naming the
// plugin file and, where there is one, the class.

export class PluginError extends Error {
  override name = 'PluginError';
}

/** The first line of an error's message, at most 300 characters (plugin code may throw anything). */
export function firstLine(err: unknown): string {
  const text = err instanceof Error ? `${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message}` : String(err);
  const line = text.split('\n')[0]!.trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
