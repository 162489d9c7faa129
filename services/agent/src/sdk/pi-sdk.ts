// The one import of the pi SDK. Importing the SDK takes seconds and reads PI_CODING_AGENT_DIR, so
// it is loaded only through `loadPiSdk()` (main.ts sets the variable first and starts the load right
// after the gRPC server listens); everything else imports types only from here.
export type {
  AgentSession,
  AgentSessionEvent,
  BashOperations,
  LoadExtensionsResult,
  ModelRuntime,
  SessionEntry,
  SessionInfo,
  SessionManager,
  SettingsManager,
  ToolDefinition,
  EditOperations,
  ReadOperations,
  WriteOperations,
} from '@earendil-works/pi-coding-agent';

export type PiSdk = typeof import('@earendil-works/pi-coding-agent');
export type PiSdkLoader = () => Promise<PiSdk>;

/** Injection token of the loader (a fake in unit specs). */
export const PI_SDK_LOADER = Symbol('PI_SDK_LOADER');

// Node evaluates an imported module graph in one synchronous run: importing the SDK at once kept the
// process from answering anything, health checks included, for 1.6-2.7 s (quiet) and more under
// load, which the gateway's readiness wait saw as "unreachable". Importing its heaviest parts first,
// one per turn of the event loop, cuts that into blocks of at most ~0.35 s quiet (~0.8 s at load 15).
// Warm-up only: these are the modules the SDK itself loads (it has no own copies of the packages), and
// a part a later SDK version moved fails to import and is skipped; the final import loads the rest.
const WARM_UP_PACKAGES = ['@earendil-works/pi-ai', 'typebox', 'undici', 'highlight.js', '@earendil-works/pi-tui'];
const WARM_UP_SDK_FILES = [
  'config.js',
  'core/tools/index.js',
  'core/model-runtime.js',
  'core/extensions/index.js',
  'core/resource-loader.js',
  'core/sdk.js',
  'modes/index.js',
  'main.js',
];

async function importInSteps(): Promise<PiSdk> {
  const entry = import.meta.resolve('@earendil-works/pi-coding-agent');
  for (const part of [...WARM_UP_PACKAGES, ...WARM_UP_SDK_FILES.map((f) => new URL(f, entry).href)]) {
    await import(part).catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return import('@earendil-works/pi-coding-agent');
}

let loading: Promise<PiSdk> | undefined;

/** The SDK module, imported once; callers that arrive while it loads wait for the same import. */
export function loadPiSdk(): Promise<PiSdk> {
  loading ??= importInSteps().catch((err: unknown) => {
    loading = undefined; // a failed import is retried by the next caller
    throw err;
  });
  return loading;
}
