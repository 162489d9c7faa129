// The browser's messages on the terminal socket (docs/compatibility.md#terminal-protocol): JSON text (or binary) frames with
// `input` or `resize`. Anything else — not JSON, unknown type, bad numbers, over 1 MiB — is ignored.
export const MAX_INPUT_FRAME_BYTES = 1024 * 1024;
const MAX_DIM = 1000;

export type ClientMessage = { type: 'input'; data: string } | { type: 'resize'; cols: number; rows: number };

export function parseClientMessage(frame: Buffer | ArrayBuffer | Buffer[]): ClientMessage | undefined {
  const buf = Array.isArray(frame) ? Buffer.concat(frame) : Buffer.isBuffer(frame) ? frame : Buffer.from(frame);
  if (buf.length === 0 || buf.length > MAX_INPUT_FRAME_BYTES) return undefined;
  let msg: unknown;
  try {
    msg = JSON.parse(buf.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof msg !== 'object' || msg === null) return undefined;
  const m = msg as Record<string, unknown>;
  if (m.type === 'input' && typeof m.data === 'string') return { type: 'input', data: m.data };
  if (m.type === 'resize' && isDim(m.cols) && isDim(m.rows)) return { type: 'resize', cols: m.cols, rows: m.rows };
  return undefined;
}

function isDim(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_DIM;
}
