// Told after an import has replaced config files, for features that keep a file's content in
// memory (MCP servers, webhooks, quick actions…): subscribe and re-read the names you own.
import { Injectable } from '@nestjs/common';

export type RestoredListener = (names: readonly string[]) => void;

@Injectable()
export class RestoredFiles {
  private readonly listeners = new Set<RestoredListener>();

  subscribe(listener: RestoredListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(names: readonly string[]): void {
    for (const listener of this.listeners) {
      try {
        listener(names);
      } catch {
        // One feature's reload failing must not fail the import that already landed.
      }
    }
  }
}
