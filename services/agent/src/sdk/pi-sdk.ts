// The one import of the pi SDK. Importing the SDK takes seconds and reads PI_CODING_AGENT_DIR, so
// it is loaded only through `loadPiSdk()` (main.ts sets the variable first and starts the load right
// after the gRPC server listens); everything else imports types only from here.
export type {
  AgentSession, AgentSessionEvent, BashOperations, ModelRuntime, SessionEntry, SessionInfo, SessionManager, ToolDefinition,
} from '@earendil-works/pi-coding-agent';

export type PiSdk = typeof import('@earendil-works/pi-coding-agent');
export type PiSdkLoader = () => Promise<PiSdk>;

/** Injection token of the loader (a fake in unit specs). */
export const PI_SDK_LOADER = Symbol('PI_SDK_LOADER');

let loading: Promise<PiSdk> | undefined;

/** The SDK module, imported once; callers that arrive while it loads wait for the same import. */
export function loadPiSdk(): Promise<PiSdk> {
  loading ??= import('@earendil-works/pi-coding-agent').catch((err: unknown) => {
    loading = undefined; // a failed import is retried by the next caller
    throw err;
  });
  return loading;
}
