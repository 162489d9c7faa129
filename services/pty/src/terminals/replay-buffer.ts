// The rolling tail of a terminal's output (256 KB by default), kept whether or not a socket is
// attached, so a reattach can repaint the screen. A fixed ring: memory never grows with output.
export const REPLAY_BYTES = 256 * 1024;

export class ReplayBuffer {
  private ring: Buffer | undefined;
  private end = 0;
  private wrapped = false;

  constructor(readonly capacity = REPLAY_BYTES) {}

  /** Bytes currently held (≤ capacity). */
  get size(): number {
    return this.wrapped ? this.capacity : this.end;
  }

  append(data: Uint8Array): void {
    const cap = this.capacity;
    if (data.length === 0) return;
    // Allocated on first output: a terminal nobody types into costs nothing.
    const ring = (this.ring ??= Buffer.allocUnsafe(cap));
    if (data.length >= cap) {
      ring.set(data.subarray(data.length - cap));
      this.end = 0;
      this.wrapped = true;
      return;
    }
    const first = Math.min(data.length, cap - this.end);
    ring.set(data.subarray(0, first), this.end);
    if (first < data.length) {
      ring.set(data.subarray(first), 0);
      this.end = data.length - first;
      this.wrapped = true;
    } else {
      this.end += first;
      if (this.end === cap) {
        this.end = 0;
        this.wrapped = true;
      }
    }
  }

  /** A copy of the held bytes, oldest first. */
  snapshot(): Buffer {
    if (!this.ring) return Buffer.alloc(0);
    if (!this.wrapped) return Buffer.from(this.ring.subarray(0, this.end));
    return Buffer.concat([this.ring.subarray(this.end), this.ring.subarray(0, this.end)]);
  }
}
