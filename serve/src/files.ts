// Files the server sends (model.onnx, the web demo), opened with core's regular-file checks (a regular file
// inside its root, within its cap), sent as a stream pulled chunk by chunk as the client takes it, never
// read whole per request.
import type { OpenedFile } from '@onnx-edge/core/node';

/** Bytes per read of a streamed file: what the socket takes in one write, then the next is read. */
const STREAM_CHUNK_BYTES = 64 * 1024;

/**
 * The opened file as a stream that reads one chunk each time its consumer asks for one (highWaterMark 0):
 * a client that reads slowly holds one chunk of the server's memory, not the file. The handle is closed
 * when the stream ends, is cancelled (the response was abandoned) or `signal` aborts (the client left; an
 * answer queued behind another on a connection that closed is never cancelled otherwise). A stream whose
 * client left ends quietly: there is nobody to tell, and its response is never completed anyway.
 */
export function fileStream(file: OpenedFile, signal?: AbortSignal): ReadableStream<Uint8Array> {
  let position = 0;
  let done = false;
  let reading: Promise<unknown> | undefined;
  const finish = async () => {
    if (done) return;
    done = true;
    // A read in flight finishes first (pull reports its outcome); then the descriptor is closed.
    await reading?.then(() => undefined, () => undefined);
    await file.handle.close();
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // Nobody waits for this stream any more; should closing fail, the stream carries the error.
        signal?.addEventListener('abort', () => finish().catch((err: Error) => controller.error(err)), { once: true });
      },
      async pull(controller) {
        const length = Math.min(STREAM_CHUNK_BYTES, file.size - position);
        if (done || length <= 0) {
          await finish();
          controller.close();
          return;
        }
        const chunk = Buffer.allocUnsafe(length);
        const read = file.handle.read(chunk, 0, length, position);
        reading = read;
        const { bytesRead } = await read;
        reading = undefined;
        if (done) {
          controller.close();
          return;
        }
        if (bytesRead === 0) {
          await finish();
          controller.error(new Error(`the file shrank to ${position} bytes while it was being sent`));
          return;
        }
        position += bytesRead;
        controller.enqueue(chunk.subarray(0, bytesRead));
      },
      cancel: finish,
    },
    { highWaterMark: 0 },
  );
}
