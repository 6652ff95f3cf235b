// A request whose body arrives in two parts, under the test's control: the server has taken it (headers
// read, handler running) but cannot answer before `finish()`. This is how the shutdown tests hold requests
// in flight deterministically.
import { request } from 'node:http';

export interface SlowUpload {
  finish(): void;
  response: Promise<{ status: number; body: string }>;
}

export function slowUpload(url: string, path: string, contentType: string, body: Uint8Array): SlowUpload {
  const req = request(new URL(path, url), { method: 'POST', agent: false, headers: { 'content-type': contentType, 'content-length': body.length } });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  const half = Math.floor(body.length / 2);
  req.write(body.subarray(0, half));
  return { finish: () => req.end(body.subarray(half)), response };
}
