// The real AgentSdk: builds sessions the way the original does (contract §10.2): settings from
// PI_CONFIG_DIR and the project, the user's extensions and packages loaded, the addenda appended
// to the system prompt, our scrubbed `bash`, and the built-in tools plus every extension tool.
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { CONFIG, LOGGER, readToolEnv, sandboxEnv, sandboxIdentity, type ForgeConfig } from '@pi-forge/runtime';
import {
  PI_SDK_LOADER,
  type AgentSession,
  type BashOperations,
  type ModelRuntime,
  type PiSdkLoader,
  type SessionInfo,
  type SessionManager,
  type ToolDefinition,
} from './pi-sdk.js';
import type { AgentSdk, BuildSessionOptions } from './agent-sdk.port.js';
import { ModelCatalog } from '../provider-config/model-catalog.js';
import { scrubToolEnv } from '../tools/tool-env.js';
import { userExecOperations } from '../tools/user-exec.js';
import { sandboxedShellOperations } from '../tools/sandboxed-shell.js';
import { scopedFileTools } from '../tools/scoped-file-tools.js';
import { sandboxPathPolicy } from '../tools/tool-path-policy.js';
import { dropPiSubagentsExtensions, withoutPiSubagents } from './sandbox-packages.js';
import { SessionToggleSource, toolAllowlist } from '../resource-toggles/session-toggles.js';
import { withoutNameTogglePatterns } from '../resource-toggles/sdk-settings.js';

/** The SDK built-ins pi-forge enables (an explicit list enables all seven, not only four). */
export const BUILTIN_TOOLS = ['read', 'bash', 'edit', 'write', 'grep', 'find', 'ls'];

@Injectable()
export class PiSdkAdapter implements AgentSdk {
  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly catalog: ModelCatalog,
    @Inject(PI_SDK_LOADER) private readonly loadSdk: PiSdkLoader,
    private readonly toggles: SessionToggleSource,
  ) {}

  async newSessionManager(cwd: string, dir: string): Promise<SessionManager> {
    return (await this.loadSdk()).SessionManager.create(cwd, dir);
  }

  async openSessionManager(file: string, dir: string): Promise<SessionManager> {
    return (await this.loadSdk()).SessionManager.open(file, dir);
  }

  async listSessions(dir: string): Promise<SessionInfo[]> {
    return (await this.loadSdk()).SessionManager.listAll(dir);
  }

  async buildSession({ sessionManager, projectId, appendSystemPrompt, forgeTools }: BuildSessionOptions): Promise<AgentSession> {
    const sdk = await this.loadSdk();
    const { createAgentSession, createBashToolDefinition, DefaultResourceLoader, SettingsManager } = sdk;
    const cwd = sessionManager.getCwd();
    const agentDir = this.config.PI_CONFIG_DIR;
    // Skills and prompt templates are filtered by name with the project's toggles (V1, V3, V5):
    // the SDK sees the settings without pi-forge's name patterns and loads everything, then the
    // overrides below keep the effective ones.
    const toggles = await this.toggles.forProject(projectId);
    const settingsManager = withoutNameTogglePatterns(SettingsManager.create(cwd, agentDir));
    // In sandbox mode the tool runs as the tool identity with the operator's tool env (§5.15, C7).
    const identity = sandboxIdentity(this.config);
    // Extensions and packages load as in the original (global ones from PI_CONFIG_DIR, project
    // ones from <project>/.pi): they run in this process with its rights, see docs/agent-service.md.
    // In sandbox mode pi-subagents is left out: its children would run unsandboxed tools.
    if (identity) withoutPiSubagents(settingsManager);
    const resourceLoader = new DefaultResourceLoader({
      cwd,
      agentDir,
      settingsManager,
      noThemes: true,
      appendSystemPrompt,
      skillsOverride: (base) => ({ ...base, skills: base.skills.filter((s) => toggles.skillEnabled(s.name)) }),
      promptsOverride: (base) => ({ ...base, prompts: base.prompts.filter((p) => toggles.promptEnabled(p.name)) }),
      ...(identity ? { extensionsOverride: dropPiSubagentsExtensions } : {}),
    });
    await resourceLoader.reload();
    const loaded = resourceLoader.getExtensions();
    for (const e of loaded.errors) this.logger.warn({ path: e.path, error: e.error }, 'extension failed to load');
    // The allowlist also filters extension tools, so their names join the built-ins.
    const extensionTools = loaded.extensions.flatMap((e) => [...e.tools.keys()]);
    const passthrough = this.config.TERMINAL_PASSTHROUGH_ENV ?? [];
    const bash = createBashToolDefinition(
      cwd,
      identity
        ? {
            operations: sandboxedShellOperations(identity),
            spawnHook: (c) => ({
              ...c,
              env: { ...scrubToolEnv(c.env, passthrough), ...readToolEnv(this.config.FORGE_DATA_DIR), ...sandboxEnv(identity) },
            }),
          }
        : { spawnHook: (c) => ({ ...c, env: scrubToolEnv(c.env, passthrough) }) },
    );
    // ...and the file tools are the SDK's own behind the sandbox's path policy.
    const fileTools = identity ? scopedFileTools(sdk, cwd, await sandboxPathPolicy(this.config)!, identity) : [];
    const { session } = await createAgentSession({
      cwd,
      agentDir,
      modelRuntime: await this.catalog.runtime(),
      settingsManager,
      resourceLoader,
      sessionManager,
      customTools: [bash as unknown as ToolDefinition, ...fileTools, ...forgeTools],
      // The allowlist less the tools toggled off for this project (V2): a disabled tool is not offered.
      tools: toolAllowlist(toggles, { builtin: BUILTIN_TOOLS, forge: forgeTools.map((t) => t.name), extension: extensionTools }),
    });
    return session;
  }

  ensureAuth(runtime: ModelRuntime, provider: string): Promise<boolean> {
    return this.catalog.ensureAuth(runtime, provider);
  }

  async userBashOperations(): Promise<BashOperations> {
    const { createLocalBashOperations } = await this.loadSdk();
    return userExecOperations(
      createLocalBashOperations,
      this.config.inheritedEnv,
      this.config.TERMINAL_PASSTHROUGH_ENV ?? [],
      undefined,
      sandboxIdentity(this.config),
    );
  }
}
