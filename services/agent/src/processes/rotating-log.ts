// One append-only log file that moves itself to `<file>.1` when it reaches its size cap, so a
// chatty process keeps at most about twice the cap on disk per stream (docs/compatibility.md#processes).
// Writes are synchronous: chunks are small, the file is local, and ordering stays trivial.
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';

export const LOG_ROTATE_BYTES = 10 * 1024 * 1024;

export class RotatingLog {
  private fd: number | undefined;
  private size = 0;

  constructor(
    readonly path: string,
    private readonly maxBytes = LOG_ROTATE_BYTES,
  ) {
    this.fd = openSync(path, 'a', 0o600);
  }

  append(chunk: Buffer): void {
    if (this.fd === undefined) return;
    let rest = chunk;
    while (rest.length > 0) {
      const room = this.maxBytes - this.size;
      const piece = rest.length <= room ? rest : rest.subarray(0, room);
      if (piece.length > 0) {
        writeSync(this.fd, piece);
        this.size += piece.length;
        rest = rest.subarray(piece.length);
      }
      if (this.size >= this.maxBytes) this.rotate();
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private rotate(): void {
    this.close();
    renameSync(this.path, `${this.path}.1`);
    this.fd = openSync(this.path, 'w', 0o600);
    this.size = 0;
  }
}
