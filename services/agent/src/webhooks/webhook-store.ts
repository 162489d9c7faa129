// webhooks.json and webhook-deliveries.json in FORGE_DATA_DIR (§7.2, both 0600: they hold secrets
// and receiver answers). Writes are atomic and one at a time, so concurrent requests and delivery
// attempts never lose each other's changes.
import { Inject, Injectable } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONFIG, writeJsonAtomic, type ForgeConfig } from '@pi-forge/runtime';
import type { DeliveryRecord, WebhookConfig } from './webhook-types.js';

/** Attempts kept per webhook (oldest dropped first). */
export const DELIVERIES_PER_WEBHOOK = 100;

async function readArray<T>(path: string): Promise<T[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const parsed: unknown = text.trim() ? JSON.parse(text) : [];
  return Array.isArray(parsed) ? (parsed as T[]) : [];
}

@Injectable()
export class WebhookStore {
  readonly webhooksPath: string;
  readonly deliveriesPath: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(@Inject(CONFIG) config: ForgeConfig) {
    this.webhooksPath = join(config.FORGE_DATA_DIR, 'webhooks.json');
    this.deliveriesPath = join(config.FORGE_DATA_DIR, 'webhook-deliveries.json');
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  list(): Promise<WebhookConfig[]> {
    return readArray<WebhookConfig>(this.webhooksPath);
  }

  async get(id: string): Promise<WebhookConfig | undefined> {
    return (await this.list()).find((w) => w.id === id);
  }

  /** Replaces (or appends) one webhook after `change` has seen the stored one; returns what was stored. */
  upsert(id: string, change: (existing: WebhookConfig | undefined) => WebhookConfig): Promise<WebhookConfig> {
    return this.locked(async () => {
      const all = await this.list();
      const at = all.findIndex((w) => w.id === id);
      const next = change(at >= 0 ? all[at] : undefined);
      if (at >= 0) all[at] = next;
      else all.push(next);
      await writeJsonAtomic(this.webhooksPath, all, { mode: 0o600 });
      return next;
    });
  }

  /** Removes a webhook and its history; false when there was none. */
  remove(id: string): Promise<boolean> {
    return this.locked(async () => {
      const all = await this.list();
      const kept = all.filter((w) => w.id !== id);
      if (kept.length === all.length) return false;
      await writeJsonAtomic(this.webhooksPath, kept, { mode: 0o600 });
      const deliveries = await readArray<DeliveryRecord>(this.deliveriesPath);
      await writeJsonAtomic(
        this.deliveriesPath,
        deliveries.filter((d) => d.webhookId !== id),
        { mode: 0o600 },
      );
      return true;
    });
  }

  /** Records one attempt, keeping the newest DELIVERIES_PER_WEBHOOK of its webhook (stored oldest first). */
  record(attempt: DeliveryRecord): Promise<void> {
    return this.locked(async () => {
      const all = await readArray<DeliveryRecord>(this.deliveriesPath);
      all.push(attempt);
      let excess = all.filter((d) => d.webhookId === attempt.webhookId).length - DELIVERIES_PER_WEBHOOK;
      const kept = excess > 0 ? all.filter((d) => d.webhookId !== attempt.webhookId || excess-- <= 0) : all;
      await writeJsonAtomic(this.deliveriesPath, kept, { mode: 0o600 });
    });
  }

  /** A webhook's attempts, newest first. */
  async deliveries(webhookId: string): Promise<DeliveryRecord[]> {
    return (await readArray<DeliveryRecord>(this.deliveriesPath)).filter((d) => d.webhookId === webhookId).reverse();
  }
}
