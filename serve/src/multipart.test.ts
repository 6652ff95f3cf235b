import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpError } from './errors.ts';
import { multipartBoundary, parseMultipart } from './multipart.ts';

const body = (text: string) => Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1');
const status = (fn: () => unknown) => {
  try {
    fn();
    return 200;
  } catch (err) {
    return err instanceof HttpError ? err.status : 500;
  }
};

test('parts come back as undici reads them: names, filenames, types and bytes', async () => {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array([1, 2, 3, 0x0d, 0x0a, 4])], { type: 'image/png' }), 'a "quoted" name.png');
  form.append('note', 'text value');
  form.append('image', new Blob([new Uint8Array(1000).fill(9)], { type: 'image/jpeg' }), 'b.jpg');
  const request = new Request('http://x/', { method: 'POST', body: form });
  const contentType = request.headers.get('content-type')!;
  const parts = parseMultipart(Buffer.from(await request.arrayBuffer()), multipartBoundary(contentType), 10, '');
  assert.deepEqual(parts.map((p) => [p.name, p.filename, p.type, p.data.length]), [
    ['image', 'a %22quoted%22 name.png', 'image/png', 6],
    ['note', undefined, '', 10],
    ['image', 'b.jpg', 'image/jpeg', 1000],
  ]);
  assert.deepEqual([...parts[0]!.data], [1, 2, 3, 0x0d, 0x0a, 4], 'a CRLF inside the data is data');
});

test('a quoted boundary, a preamble, an epilogue and backslash escapes are understood', () => {
  const text = body('preamble\n--b"q\n'.replace('"', '') + 'Content-Disposition: form-data; name="image"; filename="x\\"y.png"\nContent-Type: image/png\n\nPNG\n--bq--\nepilogue');
  assert.equal(multipartBoundary('multipart/form-data; boundary="bq"'), 'bq');
  const [part] = parseMultipart(text, 'bq', 10, '');
  assert.deepEqual([part!.filename, Buffer.from(part!.data).toString()], ['x"y.png', 'PNG']);
});

test('malformed bodies are a 400, and parsing stops at the part limit with a 413', () => {
  assert.equal(status(() => multipartBoundary('multipart/form-data')), 400, 'no boundary');
  assert.equal(status(() => parseMultipart(body('--other\n\nx\n--other--'), 'b', 10, '')), 400, 'boundary never occurs');
  assert.equal(status(() => parseMultipart(body('--b\nContent-Disposition: form-data; name="a"\n\nx'), 'b', 10, '')), 400, 'not closed');
  assert.equal(status(() => parseMultipart(body('--b\nContent-Type: text/plain\n\nx\n--b--'), 'b', 10, '')), 400, 'no Content-Disposition');
  const many = body(`${'--b\nContent-Disposition: form-data; name="a"\n\n\n'.repeat(200_000)}--b--`);
  assert.throws(() => parseMultipart(many, 'b', 80, 'at most 64 images'), (err: unknown) => err instanceof HttpError && err.status === 413 && /more than 80 parts; at most 64 images/.test(err.message));
});
