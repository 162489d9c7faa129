// gRPC handlers for /config/auth|providers|models|settings. Keys are written, never read back out.
import { Controller, Inject } from '@nestjs/common';
import type { Logger } from 'pino';
import { CONFIG, GrpcStatus, LOGGER, forgeError, type ForgeConfig } from '@pi-forge/runtime';
import { AgentRpc, THINKING_LEVEL, type Handles } from '@pi-forge/proto';
import type * as agent from '@pi-forge/proto/agent';
import { CredentialKind } from '@pi-forge/proto/agent';
import { ConfigFiles, mergeProviderSecrets, redactProviders, stripDangerousKeys, type Json, type JsonObject } from './config-files.js';
import { ModelCatalog, supportedThinkingLevels } from './model-catalog.js';

function parseObject(json: string, field: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_body', `${field} must be a JSON object`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_body', `${field} must be an object`);
  return stripDangerousKeys(value as Json) as JsonObject;
}

@Controller()
export class ProviderConfigGrpcHandler implements Handles<agent.AgentServiceController, ProviderConfigGrpcHandler> {
  constructor(
    private readonly files: ConfigFiles,
    private readonly catalog: ModelCatalog,
    @Inject(CONFIG) private readonly config: ForgeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @AgentRpc.method
  async getAuthConfig(): Promise<agent.GetAuthConfigResponse> {
    const auth = await this.files.readAuth();
    return {
      providers: Object.entries(auth).map(([provider, c]) => ({
        provider,
        kind: c?.type === 'oauth' ? CredentialKind.CREDENTIAL_KIND_OAUTH : CredentialKind.CREDENTIAL_KIND_API_KEY,
      })),
    };
  }

  @AgentRpc.method
  async putAuthKey(req: agent.PutAuthKeyRequest): Promise<agent.PutAuthKeyResponse> {
    if (!req.provider || !req.apiKey) throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_body', 'provider and apiKey are required');
    await this.files.locked(async () => {
      const auth = await this.files.readAuth();
      auth[req.provider] = { type: 'api_key', key: req.apiKey };
      await this.files.writeAuth(auth);
    });
    this.catalog.invalidate();
    this.logger.info({ provider: req.provider }, 'provider key stored');
    return {};
  }

  @AgentRpc.method
  async deleteAuthKey(req: agent.DeleteAuthKeyRequest): Promise<agent.DeleteAuthKeyResponse> {
    await this.files.locked(async () => {
      const auth = await this.files.readAuth();
      if (!Object.hasOwn(auth, req.provider))
        throw forgeError(GrpcStatus.NOT_FOUND, 'auth_provider_not_found', `no stored credential for ${req.provider}`);
      delete auth[req.provider];
      await this.files.writeAuth(auth);
    });
    // Sessions built on the old runtime hold the key in memory: drop it there too.
    const runtime = await this.catalog.runtime().catch(() => undefined);
    await runtime?.removeRuntimeApiKey(req.provider).catch(() => undefined);
    this.catalog.invalidate();
    this.logger.info({ provider: req.provider }, 'provider key removed');
    return {};
  }

  @AgentRpc.method
  async listProviders(): Promise<agent.ListProvidersResponse> {
    const runtime = await this.catalog.fresh();
    const custom = this.config.HIDE_BUILTIN_PROVIDERS
      ? new Set(Object.keys(((await this.files.readObject(this.files.modelsPath)).providers ?? {}) as object))
      : undefined;
    const providers = runtime
      .getProviders()
      .filter((p) => !custom || custom.has(p.id))
      .map((p) => {
        const hasAuth = runtime.hasConfiguredAuth(p.id);
        return {
          provider: p.id,
          models: runtime.getModels(p.id).map((m) => ({
            id: m.id,
            name: m.name,
            contextWindow: m.contextWindow,
            maxTokens: m.maxTokens,
            reasoning: !!m.reasoning,
            input: m.input,
            hasAuth,
            supportedThinkingLevels: supportedThinkingLevels(m as never).map((l) => THINKING_LEVEL.toProto(l)),
          })),
        };
      });
    return { providers };
  }

  @AgentRpc.method
  async getModelsConfig(): Promise<agent.GetModelsConfigResponse> {
    const doc = await this.files.readObject(this.files.modelsPath);
    const providers =
      doc.providers && typeof doc.providers === 'object' && !Array.isArray(doc.providers) ? (doc.providers as JsonObject) : {};
    return { providersJson: JSON.stringify(redactProviders(providers)) };
  }

  @AgentRpc.method
  async putModelsConfig(req: agent.PutModelsConfigRequest): Promise<agent.PutModelsConfigResponse> {
    const incoming = parseObject(req.providersJson, 'providers');
    for (const [name, p] of Object.entries(incoming)) {
      if (!p || typeof p !== 'object' || Array.isArray(p))
        throw forgeError(GrpcStatus.INVALID_ARGUMENT, 'invalid_body', `providers.${name} must be an object`);
    }
    const stored = await this.files.locked(async () => {
      const doc = await this.files.readObject(this.files.modelsPath);
      const previous =
        doc.providers && typeof doc.providers === 'object' && !Array.isArray(doc.providers) ? (doc.providers as JsonObject) : {};
      const providers = mergeProviderSecrets(incoming, previous);
      await this.files.writeObject(this.files.modelsPath, { ...doc, providers });
      return providers;
    });
    this.catalog.invalidate();
    this.logger.info({ providers: Object.keys(stored) }, 'models.json replaced');
    return { providersJson: JSON.stringify(redactProviders(stored)) };
  }

  @AgentRpc.method
  async getSettings(): Promise<agent.GetSettingsResponse> {
    return { settingsJson: JSON.stringify(await this.files.readObject(this.files.settingsPath)) };
  }

  @AgentRpc.method
  async putSettings(req: agent.PutSettingsRequest): Promise<agent.PutSettingsResponse> {
    const patch = parseObject(req.patchJson, 'settings');
    const merged = await this.files.locked(async () => {
      const current = await this.files.readObject(this.files.settingsPath);
      for (const [k, v] of Object.entries(patch)) {
        if (v === null) delete current[k];
        else current[k] = v;
      }
      await this.files.writeObject(this.files.settingsPath, current);
      return current;
    });
    return { settingsJson: JSON.stringify(merged) };
  }
}
