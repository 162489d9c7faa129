// Poll throttling (docs/compatibility.md#processes): a model that keeps calling `output` or `list`
// and gets the same answer within 15 s is told so briefly instead of being handed the same text
// again, which would only fill its context. A changed answer always goes through.
import { createHash } from 'node:crypto';

export const POLL_WINDOW_MS = 15_000;

export class PollThrottle {
  private readonly last = new Map<string, { digest: string; at: number }>();

  constructor(
    private readonly windowMs = POLL_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when this exact answer to this poll was given less than the window ago. */
  suppress(key: string, answer: string): boolean {
    const digest = createHash('sha256').update(answer).digest('hex');
    const at = this.now();
    const prev = this.last.get(key);
    if (prev && prev.digest === digest && at - prev.at < this.windowMs) return true;
    this.last.set(key, { digest, at });
    return false;
  }
}
