// multipart/form-data bodies (RFC 7578), parsed here rather than by undici's Response.formData(), which
// holds the event loop for the whole body — 200,000 empty parts in 16 MiB took seconds — and accepts any
// number of parts. Here the delimiters are found with Buffer.indexOf (native code), parsing stops at the
// part limit, and each part's content is a view into the body, not a copy.
import { badRequest, payloadTooLarge } from './errors.ts';

export interface FormPart {
  name: string;
  /** Present for a file field (Content-Disposition has a filename), absent for a text field. */
  filename?: string;
  /** The part's Content-Type, '' when it has none. */
  type: string;
  data: Uint8Array;
}

const malformed = (why: string) => badRequest(`the multipart body is malformed: ${why}`);

/** The boundary of a multipart/form-data Content-Type (1 to 70 characters, quoted or not). */
export function multipartBoundary(contentType: string): string {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))(?:\s*;|\s*$)/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw malformed("the Content-Type has no boundary=… (let the client library build the body)");
  return boundary;
}

/** A header parameter (name="…" with backslash escapes, or a bare token). */
function parameter(header: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]+))`, 'i').exec(header);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2];
}

function parsePart(head: string, data: Uint8Array): FormPart {
  let disposition: string | undefined;
  let type = '';
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const field = line.slice(0, colon).trim().toLowerCase();
    if (field === 'content-disposition') disposition = line.slice(colon + 1).trim();
    else if (field === 'content-type') type = line.slice(colon + 1).trim();
  }
  if (!disposition || !/^form-data\s*(;|$)/i.test(disposition)) throw malformed('a part has no Content-Disposition: form-data');
  const name = parameter(disposition, 'name');
  if (name === undefined) throw malformed('a part has no field name');
  const filename = parameter(disposition, 'filename');
  return { name, ...(filename !== undefined ? { filename } : {}), type, data };
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
const utf8 = new TextDecoder();

/**
 * The parts of a multipart body, at most `maxParts` of them (a 413 naming `limitNote` beyond); a 400 saying
 * what is wrong when the body does not follow the format.
 */
export function parseMultipart(body: Buffer, boundary: string, maxParts: number, limitNote: string): FormPart[] {
  const dashBoundary = Buffer.from(`--${boundary}`, 'latin1');
  const delimiter = Buffer.concat([CRLF, dashBoundary]);
  // The first delimiter opens the body or follows a preamble and a line break.
  let at = body.subarray(0, dashBoundary.length).equals(dashBoundary) ? 0 : body.indexOf(delimiter);
  if (at < 0) throw malformed(`the boundary '${boundary}' never occurs in it`);
  if (at > 0) at += CRLF.length;
  const parts: FormPart[] = [];
  for (;;) {
    at += dashBoundary.length;
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return parts; // the closing delimiter: "--boundary--"
    const lineEnd = body.indexOf(CRLF, at);
    if (lineEnd < 0 || body.subarray(at, lineEnd).some((b) => b !== 0x20 && b !== 0x09)) throw malformed('a delimiter line is not followed by a line break');
    const headStart = lineEnd + CRLF.length;
    // A part without headers starts with the blank line at once.
    const headEnd = body[headStart] === 0x0d && body[headStart + 1] === 0x0a ? headStart - 2 : body.indexOf(HEAD_END, headStart);
    if (headEnd < 0) throw malformed('a part\'s headers do not end with a blank line');
    const dataStart = headEnd + HEAD_END.length;
    const next = body.indexOf(delimiter, dataStart);
    if (next < 0) throw malformed(`the last part is not closed by --${boundary}--`);
    if (parts.length === maxParts) throw payloadTooLarge(`the multipart body has more than ${maxParts} parts; ${limitNote}`);
    parts.push(parsePart(utf8.decode(body.subarray(headStart, Math.max(headStart, headEnd))), body.subarray(dataStart, next)));
    at = next + CRLF.length;
  }
}
