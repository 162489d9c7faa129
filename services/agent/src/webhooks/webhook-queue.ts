// The durable delivery queue: one 0600 JSON file per pending logical delivery under
// FORGE_DATA_DIR/webhook-queue/, written (atomic, fsync'd) before the first attempt, rewritten after
// each retryable attempt and removed only after the final outcome. Whatever is in the folder when
// the agent service starts is resumed, so a kill -9 loses no delivery (at-least-once).
import { Inject, Injectable } from '@nestjs/common';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CONFIG, writeJsonAtomic, type ForgeConfig } from '@pi-forge/runtime';
import type { QueuedDelivery } from './webhook-types.js';

const ENTRY = /^[0-9a-f-]{36}\.json$/;

@Injectable()
export class WebhookQueue {
  readonly dir: string;

  constructor(@Inject(CONFIG) config: ForgeConfig) {
    this.dir = join(config.FORGE_DATA_DIR, 'webhook-queue');
  }

  private path(deliveryId: string): string {
    return join(this.dir, `${deliveryId}.json`);
  }

  async put(entry: QueuedDelivery): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeJsonAtomic(this.path(entry.deliveryId), entry, { mode: 0o600 });
  }

  async remove(deliveryId: string): Promise<void> {
    await rm(this.path(deliveryId), { force: true });
  }

  /** Every queued delivery, oldest first; leftover temp files and unreadable entries are removed. */
  async all(onUnreadable: (file: string, err: unknown) => void = () => {}): Promise<QueuedDelivery[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: QueuedDelivery[] = [];
    for (const name of names) {
      const file = join(this.dir, name);
      if (!ENTRY.test(name)) {
        // A temp file of a write that a kill interrupted: its rename never happened, so it holds nothing queued.
        if (name.endsWith('.tmp')) await rm(file, { force: true });
        continue;
      }
      try {
        out.push(JSON.parse(await readFile(file, 'utf8')) as QueuedDelivery);
      } catch (err) {
        onUnreadable(name, err);
        await rm(file, { force: true });
      }
    }
    return out.sort((a, b) => a.notBefore - b.notBefore);
  }
}
