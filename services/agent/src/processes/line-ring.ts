// The in-memory tail of one output stream (docs/compatibility.md#processes): the last lines, bounded
// both by count and by bytes, so `output` answers without touching the log files and a process
// printing one endless line cannot grow the service. Chunks are split on newlines; the unfinished
// last line is kept apart and shown as the newest line until its newline arrives.
import { StringDecoder } from 'node:string_decoder';

export const RING_MAX_LINES = 1000;
export const RING_MAX_BYTES = 64 * 1024;

export class LineRing {
  private readonly lines: string[] = [];
  private bytes = 0;
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly maxLines = RING_MAX_LINES,
    private readonly maxBytes = RING_MAX_BYTES,
  ) {}

  /** Adds a chunk of raw output; returns the lines it completed (for log watches). */
  push(chunk: Buffer | string): string[] {
    const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const parts = text.split('\n');
    this.partial = this.bounded(parts.pop() ?? '');
    const done = parts.map((l) => this.bounded(l.endsWith('\r') ? l.slice(0, -1) : l));
    for (const line of done) this.add(line);
    return done;
  }

  /** The last `n` lines, oldest first, the unfinished line included. */
  tail(n: number): string[] {
    const all = this.partial ? [...this.lines, this.partial] : this.lines;
    return n >= all.length ? [...all] : all.slice(all.length - n);
  }

  get size(): number {
    return this.lines.length + (this.partial ? 1 : 0);
  }

  /** A single line longer than the byte budget keeps only its end (the newest output). */
  private bounded(line: string): string {
    return line.length > this.maxBytes ? line.slice(line.length - this.maxBytes) : line;
  }

  private add(line: string): void {
    this.lines.push(line);
    this.bytes += Buffer.byteLength(line) + 1;
    while (this.lines.length > this.maxLines || (this.bytes > this.maxBytes && this.lines.length > 1)) {
      this.bytes -= Buffer.byteLength(this.lines.shift()!) + 1;
    }
  }
}
