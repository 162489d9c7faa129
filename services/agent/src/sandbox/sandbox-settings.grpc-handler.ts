// sandbox-settings.json (docs/compatibility.md#config /config/sandbox, §7.2): the agent service is its one writer;
// the pty service and the agent's own tools read it at every spawn.
import { Controller, Inject } from '@nestjs/common';
import { AgentRpc, type Handles } from '@pi-forge/proto';
import { CONFIG, forgeError, GrpcStatus, readToolEnv, toolEnvProblem, writeToolEnv, type ForgeConfig } from '@pi-forge/runtime';
import type {
  AgentServiceController,
  GetSandboxToolEnvResponse,
  PutSandboxToolEnvRequest,
  PutSandboxToolEnvResponse,
} from '@pi-forge/proto/agent';

@Controller()
export class SandboxSettingsGrpcHandler implements Handles<AgentServiceController, SandboxSettingsGrpcHandler> {
  private lock: Promise<unknown> = Promise.resolve();

  constructor(@Inject(CONFIG) private readonly config: ForgeConfig) {}

  @AgentRpc.method
  getSandboxToolEnv(): GetSandboxToolEnvResponse {
    return { toolEnv: readToolEnv(this.config.FORGE_DATA_DIR) };
  }

  @AgentRpc.method
  async putSandboxToolEnv(req: PutSandboxToolEnvRequest): Promise<PutSandboxToolEnvResponse> {
    const toolEnv = { ...(req.toolEnv ?? {}) };
    const problem = toolEnvProblem(toolEnv);
    if (problem) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_sandbox_settings', problem);
    const run = this.lock.then(() => writeToolEnv(this.config.FORGE_DATA_DIR, toolEnv));
    this.lock = run.catch(() => undefined);
    await run;
    return { toolEnv: readToolEnv(this.config.FORGE_DATA_DIR) };
  }
}
