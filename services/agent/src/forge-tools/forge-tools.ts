// The seam for pi-forge's own agent tools (todo, ask_user_question, process, MCP bridges, …): each
// feature registers a provider in its module's onModuleInit; the session registry asks them for
// tool definitions while it builds a session and tells them when the session goes away. A
// provider reaches its session through the context, never through the registry directly.
import { Injectable } from '@nestjs/common';
import type { ToolDefinition } from '../sdk/pi-sdk.js';
import type { LiveSession } from '../sessions/live-session.js';

/** What a tool family knows about the session it serves. */
export interface ForgeToolContext {
  readonly sessionId: string;
  readonly projectId: string;
  /** The project folder (the session's cwd). */
  readonly cwd: string;
  /**
   * Appends a forge-native event (`{type, sessionId, …}`, one of docs/compatibility.md#sse-streams)
   * to the session's stream and the session event bus. Does nothing once the session is gone.
   */
  emit(event: ForgeEvent): void;
  /** The live session (undefined while it is being built or after it is disposed). */
  live(): LiveSession | undefined;
}

export interface ForgeEvent {
  type: string;
  [key: string]: unknown;
}

export interface ForgeToolProvider {
  /** The family's name (logs, the tools settings). */
  readonly name: string;
  /** The tools this family gives a session being built (new, resumed or forked). */
  toolsFor(ctx: ForgeToolContext): ToolDefinition[] | Promise<ToolDefinition[]>;
  /** The session is going away (deleted, evicted, the service stopping): free its state, stop its children. */
  disposeSession?(sessionId: string): void | Promise<void>;
  /** True while the family holds state only the live session can serve (a running process, a pending question): no idle eviction. */
  holdsSession?(sessionId: string): boolean;
}

@Injectable()
export class ForgeTools {
  private readonly providers: ForgeToolProvider[] = [];

  /** Registers a family; a second one with the same name replaces the first. */
  register(provider: ForgeToolProvider): void {
    const at = this.providers.findIndex((p) => p.name === provider.name);
    if (at >= 0) this.providers[at] = provider;
    else this.providers.push(provider);
  }

  get names(): string[] {
    return this.providers.map((p) => p.name);
  }

  /** Every family's tools for one session, in registration order. */
  async toolsFor(ctx: ForgeToolContext): Promise<ToolDefinition[]> {
    const out: ToolDefinition[] = [];
    for (const p of this.providers) out.push(...(await p.toolsFor(ctx)));
    return out;
  }

  /** True when any family still needs the session loaded. */
  holdsSession(sessionId: string): boolean {
    return this.providers.some((p) => p.holdsSession?.(sessionId) ?? false);
  }

  /** Tells every family the session is gone; one family's failure does not stop the others. */
  async disposeSession(sessionId: string, onError: (name: string, err: unknown) => void = () => {}): Promise<void> {
    await Promise.all(
      this.providers.map(async (p) => {
        try {
          await p.disposeSession?.(sessionId);
        } catch (err) {
          onError(p.name, err);
        }
      }),
    );
  }
}
