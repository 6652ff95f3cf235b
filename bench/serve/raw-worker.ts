// The raw onnxruntime baseline of `bench serve`, in its own thread: started before any server, it keeps the
// normal scheduling priority (the server lowers its HTTP thread's, and threads inherit their creator's), so
// raw and the server's inference threads compete for the cores on equal terms when foreign load appears.
import { parentPort } from 'node:worker_threads';
import { measureRaw, type RawJob } from './measure.ts';

parentPort!.on('message', (job: RawJob & { id: number }) => {
  measureRaw(job.modelPath, job.batch, job.seconds, job.threads, job.allowSpinning).then(
    (result) => parentPort!.postMessage({ id: job.id, result }),
    (err: Error) => parentPort!.postMessage({ id: job.id, error: err.message }),
  );
});
