// The SDK's ModelRuntime (built-in providers + models.json + auth.json) for this process. Sessions
// share one instance; it is rebuilt after pi-forge changes models.json or auth.json, so new
// sessions see the change, and prompt-time preflight copies stored keys into older instances.
import { Inject, Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';
import { PI_SDK_LOADER, type ModelRuntime, type PiSdkLoader } from '../sdk/pi-sdk.js';
import { ConfigFiles } from './config-files.js';

const ALL_LEVELS = ['off', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;

@Injectable()
export class ModelCatalog {
  private current?: Promise<ModelRuntime>;
  private readonly storePath: string;

  constructor(
    private readonly files: ConfigFiles,
    @Inject(CONFIG) config: ForgeConfig,
    @Inject(PI_SDK_LOADER) private readonly loadSdk: PiSdkLoader,
  ) {
    this.storePath = join(config.PI_CONFIG_DIR, 'models-store.json');
  }

  /** The shared runtime (created on first use). */
  runtime(): Promise<ModelRuntime> {
    this.current ??= this.fresh().catch((err: unknown) => {
      this.current = undefined;
      throw err;
    });
    return this.current;
  }

  /** A runtime built from the files as they are now; never touches the network. */
  async fresh(): Promise<ModelRuntime> {
    const { ModelRuntime } = await this.loadSdk();
    return ModelRuntime.create({
      authPath: this.files.authPath,
      modelsPath: this.files.modelsPath,
      modelsStorePath: this.storePath,
      allowModelNetwork: false,
    });
  }

  invalidate(): void {
    this.current = undefined;
  }

  /**
   * Makes a stored auth.json key visible to a runtime created before it was saved; true when the
   * provider has usable auth afterwards.
   */
  async ensureAuth(runtime: ModelRuntime, provider: string): Promise<boolean> {
    if (runtime.hasConfiguredAuth(provider)) return true;
    const stored = (await this.files.readAuth())[provider];
    if (stored?.type === 'api_key' && typeof stored.key === 'string' && stored.key) {
      await runtime.setRuntimeApiKey(provider, stored.key);
      return runtime.hasConfiguredAuth(provider);
    }
    return false;
  }
}

/** Thinking levels a model accepts (the SDK clamps anything else). */
export function supportedThinkingLevels(model: { reasoning?: boolean; thinkingLevelMap?: Record<string, unknown> }): string[] {
  if (!model.reasoning) return ['off'];
  const map = model.thinkingLevelMap;
  if (map) return ALL_LEVELS.filter((l) => l === 'off' || (map[l] !== undefined && map[l] !== null));
  return ALL_LEVELS.filter((l) => l !== 'xhigh');
}
