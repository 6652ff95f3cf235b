// Reads a response body while reporting the bytes received, for the two big downloads of a first visit (the
// model and onnxruntime-web's WebAssembly binary), so the page never sits silent for seconds.

export interface Progress {
  received: number;
  /** The body's size when the server says and the bytes are not compressed on the way. */
  total?: number;
}

/** The body's bytes; `onProgress` after every chunk. Throws the stream's error when the download breaks off. */
export async function readWithProgress(response: Response, onProgress: (progress: Progress) => void): Promise<Uint8Array<ArrayBuffer>> {
  // With a content-encoding the length counts compressed bytes, not the ones the stream yields.
  const total = response.headers.has('content-encoding') ? undefined : Number(response.headers.get('content-length')) || undefined;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    onProgress({ received, ...(total ? { total } : {}) });
  }
  if (total !== undefined && received !== total) throw new Error(`incomplete: ${received} of ${total} bytes`);
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/** "3.2 of 14.1 MB", or "3.2 MB" when the size is unknown. */
export function formatProgress({ received, total }: Progress): string {
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  return total ? `${mb(received)} of ${mb(total)} MB` : `${mb(received)} MB`;
}
