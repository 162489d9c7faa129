// /config/sandbox (docs/compatibility.md#config): the sandbox identity comes from the config table, the tool
// environment from the agent service (sandbox-settings.json). Values are returned as stored: the
// tool environment is operator configuration for shells, not a secret store (secrets are refused).
import { Body, Controller, Get, Inject, Put } from '@nestjs/common';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';
import { AgentClient } from '../clients/agent.client.js';
import { BodyLimit } from '../common/route-options.js';
import { PutSandboxDto } from './sandbox-config.dto.js';

interface SandboxView {
  enabled: boolean;
  uid?: number;
  gid?: number;
  home: string;
  toolEnv: Record<string, string>;
}

@Controller('config/sandbox')
export class SandboxConfigController {
  constructor(
    private readonly agent: AgentClient,
    @Inject(CONFIG) private readonly config: ForgeConfig,
  ) {}

  private view(toolEnv: Record<string, string> | undefined): SandboxView {
    const c = this.config;
    return {
      enabled: !!c.AGENT_TOOL_SANDBOX_ENABLED,
      ...(c.AGENT_TOOL_UID !== undefined ? { uid: c.AGENT_TOOL_UID } : {}),
      ...(c.AGENT_TOOL_GID !== undefined ? { gid: c.AGENT_TOOL_GID } : {}),
      home: c.AGENT_TOOL_HOME ?? '/home/pi-tools',
      toolEnv: toolEnv ?? {},
    };
  }

  @Get()
  async get(): Promise<SandboxView> {
    return this.view((await this.agent.getSandboxToolEnv({})).toolEnv);
  }

  /** Room for the largest valid tool env: 100 names of 16 KiB values, JSON-escaped. */
  @Put()
  @BodyLimit(4 * 1024 * 1024)
  async put(@Body() body: PutSandboxDto): Promise<SandboxView> {
    return this.view((await this.agent.putSandboxToolEnv({ toolEnv: body.toolEnv })).toolEnv);
  }
}
