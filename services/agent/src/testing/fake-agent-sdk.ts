// Fakes of the AgentSdk port and of an SDK AgentSession for unit specs: just enough behaviour to
// drive the session code, with every call recorded.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AgentSdk, BuildSessionOptions } from '../sdk/agent-sdk.port.js';
import type { AgentSession, SessionInfo, SessionManager } from '../sdk/pi-sdk.js';

export class FakeSession {
  readonly sessionId: string;
  messages: { role: string; content?: unknown }[] = [];
  isStreaming = false;
  sessionName: string | undefined;
  thinkingLevel = 'off';
  sessionFile: string | undefined;
  model: { provider: string; id: string } | undefined = { provider: 'fake', id: 'fake-model' };
  readonly calls: { method: string; args: unknown[] }[] = [];
  readonly listeners = new Set<(e: object) => void>();
  promptResult: Promise<void> = Promise.resolve();
  setModelError: Error | undefined;
  readonly modelRuntime = {
    getModels: (p: string) => (p === 'fake' ? [{ id: 'fake-model' }, { id: 'other' }] : []),
    getModel: (p: string, id: string) => (p === 'fake' && (id === 'fake-model' || id === 'other') ? { provider: p, id } : undefined),
  };

  constructor(readonly sessionManager: FakeSessionManager) {
    this.sessionId = sessionManager.getSessionId();
  }

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }
  setSessionName(name: string): void {
    this.record('setSessionName', name);
    this.sessionName = name;
  }
  subscribe(fn: (e: object) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  emit(event: object): void {
    for (const fn of this.listeners) fn(event);
  }
  prompt(text: string, options: unknown): Promise<void> {
    this.record('prompt', text, options);
    return this.promptResult;
  }
  async setModel(model: { provider: string; id: string }): Promise<void> {
    this.record('setModel', model);
    if (this.setModelError) throw this.setModelError;
    this.model = model;
  }
  async abort(): Promise<void> {
    this.record('abort');
  }
  dispose(): void {
    this.record('dispose');
  }
}

export class FakeSessionManager {
  /** The id the SDK would read from the file's header; here the file name's trailing UUID, else a new one. */
  readonly sessionId: string;
  constructor(
    readonly cwd: string,
    readonly file?: string,
  ) {
    this.sessionId = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/.exec(file ?? '')?.[1] ?? randomUUID();
  }
  getSessionId(): string {
    return this.sessionId;
  }
  getCwd(): string {
    return this.cwd;
  }
  getHeader(): { timestamp: string } {
    return { timestamp: '2026-01-01T00:00:00.000Z' };
  }
  getEntry(): undefined {
    return undefined;
  }
  getBranch(): [] {
    return [];
  }
  getEntries(): [] {
    return [];
  }
}

export class FakeAgentSdk implements AgentSdk {
  readonly built: { session: FakeSession; options: BuildSessionOptions }[] = [];
  infos = new Map<string, SessionInfo[]>();
  authorized = true;
  buildGate: Promise<void> = Promise.resolve();

  async newSessionManager(cwd: string): Promise<SessionManager> {
    return new FakeSessionManager(cwd) as unknown as SessionManager;
  }
  async openSessionManager(file: string): Promise<SessionManager> {
    return new FakeSessionManager('/project', file) as unknown as SessionManager;
  }
  async listSessions(dir: string): Promise<SessionInfo[]> {
    return this.infos.get(dir) ?? [];
  }
  async buildSession(options: BuildSessionOptions): Promise<AgentSession> {
    await this.buildGate;
    const session = new FakeSession(options.sessionManager as unknown as FakeSessionManager);
    this.built.push({ session, options });
    return session as unknown as AgentSession;
  }
  async ensureAuth(): Promise<boolean> {
    return this.authorized;
  }
  async userBashOperations(): Promise<never> {
    throw new Error('not used by these specs');
  }
}

/** A pino-shaped logger that keeps what was logged. */
export function recordingLogger(): Logger & { lines: { level: string; obj: unknown; msg: string }[] } {
  const lines: { level: string; obj: unknown; msg: string }[] = [];
  const at = (level: string) => (obj: unknown, msg?: string) => void lines.push({ level, obj, msg: msg ?? String(obj) });
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') } as unknown as Logger & {
    lines: typeof lines;
  };
}
