// Errors of the graph-model front end, each one line naming the node (or every op) and what is supported.

/** A TF op with no handler, or a setting of a known op that the exporter does not translate. */
export class UnsupportedOpError extends Error {
  override name = 'UnsupportedOpError';
  constructor(readonly nodeName: string, readonly op: string, detail: string) {
    super(`node '${nodeName}' of op '${op}': ${detail}`);
  }
}

/** Every op of a model that has no handler, with its count, in one line. */
export class UnsupportedOpsError extends Error {
  override name = 'UnsupportedOpsError';
  constructor(readonly model: string, readonly counts: ReadonlyMap<string, number>, supportedCount: number) {
    const list = [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([op, n]) => `${op} ×${n}`).join(', ');
    super(`${model} uses ${counts.size} TF op${counts.size === 1 ? '' : 's'} the exporter does not translate: ${list} — the ${supportedCount} supported ops are listed in docs/OPS.md`);
  }
}

/** The graph itself is malformed: a cycle outside a loop frame, an output that names no node. */
export class GraphStructureError extends Error {
  override name = 'GraphStructureError';
}
