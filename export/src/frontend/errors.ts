// Errors of the front end, each naming the layer (its path in the model) and what to do about it.

export class UnsupportedLayerError extends Error {
  override name = 'UnsupportedLayerError';
  constructor(
    readonly layerPath: string,
    readonly className: string,
    supported: readonly string[],
    /** Set when the class is known but one of its settings is not. */
    readonly detail?: string,
  ) {
    super(detail
      ? `layer '${layerPath}' of class '${className}': ${detail}`
      : `layer '${layerPath}' of class '${className}' is not supported — supported: ${supported.join(', ')}`);
  }
}
