// /config/auth, /config/providers, /config/models, /config/settings (docs/compatibility.md#config).
// The files live in PI_CONFIG_DIR and are owned by the agent service; secrets never come back.
import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Param, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { THINKING_LEVEL } from '@pi-forge/proto';
import { CredentialKind } from '@pi-forge/proto/agent';
import { AgentClient } from '../clients/agent.client.js';
import { PutAuthKeyDto, PutModelsDto } from './provider-config.dto.js';

const PROVIDER_ID = /^[A-Za-z0-9._-]{1,128}$/;

function checkProvider(provider: string): string {
  if (!PROVIDER_ID.test(provider))
    throw new BadRequestException({ error: 'invalid_provider', message: 'provider ids are letters, digits, ".", "_" and "-"' });
  return provider;
}

/** The public label of each credential kind (display text of GET /config/auth). */
const CREDENTIAL_LABEL: Partial<Record<CredentialKind, string>> = {
  [CredentialKind.CREDENTIAL_KIND_API_KEY]: 'Stored API key',
  [CredentialKind.CREDENTIAL_KIND_OAUTH]: 'OAuth',
};

@Controller('config')
export class ProviderConfigController {
  constructor(private readonly agent: AgentClient) {}

  @Get('auth')
  async auth(): Promise<{ providers: Record<string, { configured: true; source: 'stored'; label: string }> }> {
    const { providers } = await this.agent.getAuthConfig();
    return {
      providers: Object.fromEntries(
        (providers ?? []).map((p) => [
          p.provider,
          { configured: true as const, source: 'stored' as const, label: CREDENTIAL_LABEL[p.kind] ?? 'Stored API key' },
        ]),
      ),
    };
  }

  @Put('auth/:provider')
  async putAuth(@Param('provider') provider: string, @Body() body: PutAuthKeyDto): Promise<{ provider: string; configured: true }> {
    await this.agent.putAuthKey({ provider: checkProvider(provider), apiKey: body.apiKey });
    return { provider, configured: true };
  }

  @Delete('auth/:provider')
  @HttpCode(204)
  async deleteAuth(@Param('provider') provider: string): Promise<void> {
    await this.agent.deleteAuthKey({ provider: checkProvider(provider) });
  }

  @Get('providers')
  async providers(): Promise<{ providers: unknown[] }> {
    const { providers } = await this.agent.listProviders();
    return {
      providers: (providers ?? []).map((p) => ({
        provider: p.provider,
        models: (p.models ?? []).map((m) => ({
          ...m,
          supportedThinkingLevels: (m.supportedThinkingLevels ?? []).map((l) => THINKING_LEVEL.toWord(l)).filter((w) => w !== undefined),
        })),
      })),
    };
  }

  @Get('models')
  async models(): Promise<{ providers: Record<string, unknown> }> {
    return { providers: JSON.parse((await this.agent.getModelsConfig()).providersJson) as Record<string, unknown> };
  }

  @Put('models')
  async putModels(@Body() body: PutModelsDto): Promise<{ providers: Record<string, unknown> }> {
    return {
      providers: JSON.parse((await this.agent.putModelsConfig({ providersJson: JSON.stringify(body.providers) })).providersJson) as Record<
        string,
        unknown
      >,
    };
  }

  @Get('settings')
  async settings(): Promise<Record<string, unknown>> {
    return JSON.parse((await this.agent.getSettings()).settingsJson) as Record<string, unknown>;
  }

  /** Shallow merge; `null` deletes a key. The body is a free-form object, so it is read raw. */
  @Put('settings')
  async putSettings(@Req() req: FastifyRequest): Promise<Record<string, unknown>> {
    const body = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw new BadRequestException({ error: 'invalid_body', message: 'the body must be a JSON object' });
    return JSON.parse((await this.agent.putSettings({ patchJson: JSON.stringify(body) })).settingsJson) as Record<string, unknown>;
  }
}
