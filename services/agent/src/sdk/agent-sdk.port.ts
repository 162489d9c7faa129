// The pi SDK as the session code sees it: an injectable port, so the session logic can be unit
// tested with fakes and only the adapter (pi-sdk-adapter.ts) uses the SDK's values. Methods that
// need the SDK are async: they wait for the lazily loaded module (sdk/pi-sdk.ts `loadPiSdk`).
import type { AgentSession, BashOperations, ModelRuntime, SessionInfo, SessionManager, ToolDefinition } from './pi-sdk.js';

export const AGENT_SDK = Symbol('AGENT_SDK');

export interface BuildSessionOptions {
  sessionManager: SessionManager;
  /** The project the session belongs to: its skill, prompt-template and tool toggles apply. */
  projectId: string;
  /** Text appended (never replacing) to the SDK's system prompt, in order (contract §10.2 step 4). */
  appendSystemPrompt: string[];
  /** pi-forge's own tools for this session (forge-tools/), enabled beside the built-ins. */
  forgeTools: ToolDefinition[];
}

export interface AgentSdk {
  /** A manager for a new session file under `dir` (written on the first entry). */
  newSessionManager(cwd: string, dir: string): Promise<SessionManager>;
  /** A manager over an existing session file. */
  openSessionManager(file: string, dir: string): Promise<SessionManager>;
  /** Header-level metadata of every session file directly in `dir`. */
  listSessions(dir: string): Promise<SessionInfo[]>;
  /** The one recipe for a live SDK session (new, resumed or forked). */
  buildSession(options: BuildSessionOptions): Promise<AgentSession>;
  /** Makes a key stored after the runtime was built usable; true when the provider has auth. */
  ensureAuth(runtime: ModelRuntime, provider: string): Promise<boolean>;
  /** How `!` / `!!` commands run: bash in the project folder, scrubbed env, 30 s cap. */
  userBashOperations(): Promise<BashOperations>;
}
