import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';

// The one table of every setting pi-forge reads: env var, CLI flag, type, default, help and
// which processes need it. The parser, `--help` and docs/configuration.md all come from here.

export type ProcessName = 'gateway' | 'agent' | 'pty' | 'workspace';
export const PROCESS_NAMES: readonly ProcessName[] = ['gateway', 'agent', 'pty', 'workspace'];

export type OptionType = 'string' | 'int' | 'bool' | 'list' | 'path' | 'url';

export interface OptionSpec {
  /** Environment variable name (the canonical name). */
  env: string;
  /** Kebab-case CLI flag without the leading dashes. */
  flag: string;
  type: OptionType;
  category: 'Network' | 'Paths' | 'Auth' | 'Features' | 'Rate limits' | 'Terminal' | 'Services' | 'Agent';
  help: string;
  /** Default as a raw string (parsed like user input); a function derives it from other values. */
  default?: string | ((raw: RawLookup) => string | undefined);
  /** Accepts `@path` on the command line (file contents, trimmed). Never logged. */
  sensitive?: boolean;
  /** Processes that receive this value from the launcher. Omitted = every process. */
  processes?: readonly ProcessName[];
  /** Shortest accepted string (a start-up error below it). */
  minLength?: number;
  /** Accepted values for an enum-like string. */
  choices?: readonly string[];
  /** Inclusive bounds for ints; `fallback` keeps the default when out of range (docs/compatibility.md#configuration). */
  min?: number;
  max?: number;
  outOfRange?: 'error' | 'fallback';
  /** Extra check of the converted value: a problem description makes start-up fail (`config: X <problem>`). */
  validate?: (value: never) => string | undefined;
}

export type RawLookup = (env: string) => string | undefined;

const GW: readonly ProcessName[] = ['gateway'];
const home = (rel: string) => (raw: RawLookup) => `${raw('HOME') ?? ''}/${rel}`;

export const CONFIG_OPTIONS = [
  // Network
  { env: 'PORT', flag: 'port', type: 'int', category: 'Network', default: '3000', min: 0, max: 65535, processes: GW, help: 'Public listen port of the gateway.' },
  { env: 'HOST', flag: 'host', type: 'string', category: 'Network', default: '127.0.0.1', processes: GW, help: 'Bind address (0.0.0.0 in containers). Keep loopback unless auth is on.' },
  { env: 'CORS_ORIGIN', flag: 'cors-origin', type: 'list', category: 'Network', processes: GW, help: 'Allowed CORS origins (exact match, comma-separated). Unset reflects the request origin.' },
  { env: 'TRUST_PROXY', flag: 'trust-proxy', type: 'bool', category: 'Network', default: 'false', processes: GW, help: 'Take the client IP from X-Forwarded-For (only behind a reverse proxy).' },
  { env: 'TRUST_PROXY_HOPS', flag: 'trust-proxy-hops', type: 'int', category: 'Network', default: '1', min: 1, max: 16, processes: GW, help: 'With TRUST_PROXY: how many proxies in front of the gateway append to X-Forwarded-For; the client IP is that many entries from its right end.' },
  { env: 'ALLOWED_HOSTS', flag: 'allowed-hosts', type: 'list', category: 'Network', processes: GW, help: 'With auth off: Host names (besides loopback and HOST) the gateway answers; other Host headers get 421 (DNS-rebinding defence).' },
  { env: 'HTTP_HEADERS_TIMEOUT_MS', flag: 'http-headers-timeout-ms', type: 'int', category: 'Network', default: '20000', min: 100, max: 600_000, processes: GW, help: 'Time a client has to send the request headers; slower connections are closed (slowloris defence).' },
  { env: 'HTTP_REQUEST_TIMEOUT_MS', flag: 'http-request-timeout-ms', type: 'int', category: 'Network', default: '3600000', min: 1000, max: 86_400_000, processes: GW, help: 'Time a client has to send a whole request, body included (large uploads need it long).' },
  { env: 'SSE_HEARTBEAT_MS', flag: 'sse-heartbeat-ms', type: 'int', category: 'Network', default: '20000', min: 1000, max: 300_000, processes: GW, help: 'Cadence of the 2 KB heartbeat comment on SSE streams; keep it under your proxy\'s idle timeout.' },

  // Paths
  { env: 'WORKSPACE_PATH', flag: 'workspace-path', type: 'path', category: 'Paths', default: home('.pi-forge/workspace'), help: 'Root for project code; projects must be inside it.' },
  { env: 'PI_CONFIG_DIR', flag: 'pi-config-dir', type: 'path', category: 'Paths', default: home('.pi/agent'), help: 'pi SDK config dir (auth.json, models.json, settings.json).' },
  { env: 'FORGE_DATA_DIR', flag: 'forge-data-dir', type: 'path', category: 'Paths', default: home('.pi-forge'), help: 'pi-forge state dir (projects.json, jwt-secret, password-hash, …).' },
  { env: 'SESSION_DIR', flag: 'session-dir', type: 'path', category: 'Paths', default: (raw) => `${raw('WORKSPACE_PATH') ?? `${raw('HOME') ?? ''}/.pi-forge/workspace`}/.pi/sessions`, help: 'Session JSONL root (one folder per project).' },
  { env: 'CLIENT_DIST_PATH', flag: 'client-dist-path', type: 'path', category: 'Paths', processes: GW, help: 'Built web app to serve (default: the bundled web/dist).' },

  // Auth
  { env: 'UI_PASSWORD', flag: 'ui-password', type: 'string', category: 'Auth', sensitive: true, processes: GW, help: 'Browser password; enables auth. Ignored once password-hash exists.' },
  { env: 'UI_PASSWORD_FILE', flag: 'ui-password-file', type: 'path', category: 'Auth', processes: GW, help: 'File holding the password; wins over UI_PASSWORD.' },
  { env: 'FORGE_LOCAL_ADMIN_USERNAME', flag: 'local-admin-username', type: 'string', category: 'Auth', default: 'admin', processes: GW, help: 'Username that selects the local password when LDAP is on; 1..256 of A-Z a-z 0-9 . _ @ -.',
    validate: (v: string) => (/^[A-Za-z0-9._@-]{1,256}$/.test(v) ? undefined : 'must be 1..256 characters of A-Z a-z 0-9 . _ @ -') },
  { env: 'API_KEY', flag: 'api-key', type: 'string', category: 'Auth', sensitive: true, processes: GW, help: 'Static bearer token for scripts; enables auth.' },
  { env: 'JWT_SECRET', flag: 'jwt-secret', type: 'string', category: 'Auth', sensitive: true, processes: GW, minLength: 32, help: 'HS256 signing key, at least 32 characters (default: generated into FORGE_DATA_DIR/jwt-secret).' },
  { env: 'JWT_EXPIRES_IN_SECONDS', flag: 'jwt-expires-in-seconds', type: 'int', category: 'Auth', default: '604800', min: 1, processes: GW, help: 'Absolute JWT lifetime.' },
  { env: 'LOGIN_INACTIVITY_TIMEOUT_SECONDS', flag: 'login-inactivity-timeout-seconds', type: 'int', category: 'Auth', default: '0', processes: GW, help: 'Idle expiry for JWTs (0 = off).' },
  { env: 'LOGIN_ATTEMPT_LIMIT_MAX', flag: 'login-attempt-limit-max', type: 'int', category: 'Auth', default: '10', min: 1, max: 1000, outOfRange: 'fallback', processes: GW, help: 'Failed logins before lock-out.' },
  { env: 'LOGIN_LOCKOUT_MS', flag: 'login-lockout-ms', type: 'int', category: 'Auth', default: '300000', min: 1000, max: 86_400_000, outOfRange: 'fallback', processes: GW, help: 'Lock-out duration.' },
  { env: 'REQUIRE_PASSWORD_CHANGE', flag: 'require-password-change', type: 'bool', category: 'Auth', default: 'false', processes: GW, help: 'Force a password change after logging in with the env password.' },
  { env: 'LDAP_ENABLED', flag: 'ldap-enabled', type: 'bool', category: 'Auth', default: 'false', processes: GW, help: 'Enable LDAP login (docs/compatibility.md#auth-and-security): other usernames than the local admin are checked against the directory.' },
  { env: 'LDAP_URL', flag: 'ldap-url', type: 'string', category: 'Auth', processes: GW, help: 'ldap:// or ldaps:// URL.' },
  { env: 'LDAP_BIND_DN', flag: 'ldap-bind-dn', type: 'string', category: 'Auth', processes: GW, help: 'Service-account DN.' },
  { env: 'LDAP_BIND_PASSWORD', flag: 'ldap-bind-password', type: 'string', category: 'Auth', sensitive: true, processes: GW, help: 'Service-account password.' },
  { env: 'LDAP_BIND_PASSWORD_FILE', flag: 'ldap-bind-password-file', type: 'path', category: 'Auth', processes: GW, help: 'File with the bind password; wins.' },
  { env: 'LDAP_BASE_DN', flag: 'ldap-base-dn', type: 'string', category: 'Auth', processes: GW, help: 'Search base.' },
  { env: 'LDAP_USER_FILTER', flag: 'ldap-user-filter', type: 'string', category: 'Auth', default: '(|(uid={{username}})(sAMAccountName={{username}})(mail={{username}}))', processes: GW, help: 'Search filter template.' },
  { env: 'LDAP_REQUIRED_GROUP_DN', flag: 'ldap-required-group-dn', type: 'string', category: 'Auth', processes: GW, help: 'Required group DN.' },
  { env: 'LDAP_GROUP_ATTRIBUTE', flag: 'ldap-group-attribute', type: 'string', category: 'Auth', default: 'memberOf', processes: GW, help: 'Group attribute.' },
  { env: 'LDAP_TIMEOUT_MS', flag: 'ldap-timeout-ms', type: 'int', category: 'Auth', default: '5000', processes: GW, help: 'Connect/operation timeout.' },
  { env: 'LDAP_TLS_REJECT_UNAUTHORIZED', flag: 'ldap-tls-reject-unauthorized', type: 'bool', category: 'Auth', default: 'true', processes: GW, help: 'Verify LDAPS certificates.' },
  { env: 'AUTH_TICKET_TTL_MS', flag: 'auth-ticket-ttl-ms', type: 'int', category: 'Auth', default: '30000', min: 1000, max: 300_000, processes: GW, help: 'Lifetime of a one-time ?ticket= (POST /api/v1/auth/ticket) for the terminal WebSocket and SSE.' },
  { env: 'METRICS_TOKEN', flag: 'metrics-token', type: 'string', category: 'Auth', sensitive: true, processes: GW, help: 'Bearer token that may read /metrics without logging in.' },

  // Features
  { env: 'LOG_LEVEL', flag: 'log-level', type: 'string', category: 'Features', default: 'info', choices: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], help: 'pino log level.' },
  { env: 'SERVE_CLIENT', flag: 'serve-client', type: 'bool', category: 'Features', default: 'true', processes: GW, help: 'Serve the web app (skipped when its dist is missing).' },
  { env: 'MINIMAL_UI', flag: 'minimal-ui', type: 'bool', category: 'Features', default: 'false', help: 'Locked-down UI and server gates.' },
  { env: 'AUTH_BANNER_TEXT', flag: 'auth-banner-text', type: 'string', category: 'Features', processes: GW, help: 'Public login banner (no secrets).' },
  { env: 'AUTH_BANNER_HTML', flag: 'auth-banner-html', type: 'bool', category: 'Features', default: 'false', processes: GW, help: 'Render the banner as sanitized HTML.' },
  { env: 'LOGO_URL_MODE', flag: 'logo-url-mode', type: 'string', category: 'Features', default: 'cache', choices: ['cache', 'direct'], processes: GW, help: 'How logo URLs reach the browser.' },
  { env: 'LOGO_IMG_SRC_ALLOWLIST', flag: 'logo-img-src-allowlist', type: 'list', category: 'Features', processes: GW, help: 'Extra CSP img-src entries (direct mode).' },
  { env: 'AUTH_URL_LOGO', flag: 'auth-url-logo', type: 'url', category: 'Features', processes: GW, help: 'Login-page logo URL.' },
  { env: 'AUTH_LOGO_URL', flag: 'auth-logo-url', type: 'url', category: 'Features', processes: GW, help: 'Legacy alias of AUTH_URL_LOGO.' },
  { env: 'APP_LOGO_DARK_URL', flag: 'app-logo-dark-url', type: 'url', category: 'Features', processes: GW, help: 'Header logo for dark themes.' },
  { env: 'APP_LOGO_LIGHT_URL', flag: 'app-logo-light-url', type: 'url', category: 'Features', processes: GW, help: 'Header logo for light themes.' },
  { env: 'AUTH_COLOR_SCHEME', flag: 'auth-color-scheme', type: 'list', category: 'Features', processes: GW, help: '8 comma-separated #rgb/#rrggbb colours for the login page: page bg, card bg, border, text, muted text, button bg, button text, button hover bg.',
    validate: (v: string[]) => (v.length === 8 && v.every((c) => /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(c)) ? undefined : 'must be exactly 8 comma-separated #rgb or #rrggbb colours') },
  { env: 'HIDE_BUILTIN_PROVIDERS', flag: 'hide-builtin-providers', type: 'bool', category: 'Features', default: 'false', processes: ['gateway', 'agent'], help: 'List only providers from models.json.' },
  { env: 'EXPOSE_DOCS', flag: 'expose-docs', type: 'bool', category: 'Features', default: 'true', processes: GW, help: 'Serve /api/docs (Swagger UI and OpenAPI JSON).' },
  { env: 'ORCHESTRATION_DISABLED', flag: 'disable-orchestration', type: 'bool', category: 'Features', default: 'false', help: 'Disable orchestration.' },
  { env: 'ORCHESTRATION_ENABLED', flag: 'orchestration-enabled', type: 'bool', category: 'Features', default: 'true', help: 'Legacy: only false disables.' },
  { env: 'ORCHESTRATION_MAX_WORKERS_PER_SUPERVISOR', flag: 'orchestration-max-workers-per-supervisor', type: 'int', category: 'Features', default: '8', min: 1, max: 100, outOfRange: 'fallback', help: 'Live-worker cap per supervisor.' },
  { env: 'AGENT_SECRET_HYGIENE_RULE', flag: 'agent-secret-hygiene', type: 'bool', category: 'Features', default: 'false', processes: ['agent'], help: 'Ask the model not to echo env-var values.' },

  // Rate limits
  { env: 'RATE_LIMIT_LOGIN_MAX', flag: 'rate-limit-login-max', type: 'int', category: 'Rate limits', default: '10', processes: GW, help: 'Max login requests per window per client IP.' },
  { env: 'RATE_LIMIT_LOGIN_WINDOW_MS', flag: 'rate-limit-login-window-ms', type: 'int', category: 'Rate limits', default: '60000', min: 1, processes: GW, help: 'Window of the login rate limit.' },
  { env: 'RATE_LIMIT_AUTH_FAILURE_MAX', flag: 'rate-limit-auth-failure-max', type: 'int', category: 'Rate limits', default: '20', min: 1, processes: GW, help: 'Failed bearer/API-key/ticket/METRICS_TOKEN checks per window per client IP before every credentialed request from it gets 429.' },
  { env: 'RATE_LIMIT_AUTH_FAILURE_WINDOW_MS', flag: 'rate-limit-auth-failure-window-ms', type: 'int', category: 'Rate limits', default: '60000', min: 1, processes: GW, help: 'Window of the failed-authentication limit.' },
  { env: 'RATE_LIMIT_PROMPT_MAX', flag: 'rate-limit-prompt-max', type: 'int', category: 'Rate limits', default: '60', processes: GW, help: 'Max prompt requests per window per client IP.' },
  { env: 'RATE_LIMIT_PROMPT_WINDOW_MS', flag: 'rate-limit-prompt-window-ms', type: 'int', category: 'Rate limits', default: '60000', min: 1, processes: GW, help: 'Window of the prompt rate limit.' },
  { env: 'RATE_LIMIT_UPLOAD_MAX', flag: 'rate-limit-upload-max', type: 'int', category: 'Rate limits', default: '30', processes: GW, help: 'Max upload requests per window per client IP.' },
  { env: 'RATE_LIMIT_UPLOAD_WINDOW_MS', flag: 'rate-limit-upload-window-ms', type: 'int', category: 'Rate limits', default: '60000', min: 1, processes: GW, help: 'Window of the upload rate limit.' },
  { env: 'RATE_LIMIT_SEARCH_MAX', flag: 'rate-limit-search-max', type: 'int', category: 'Rate limits', default: '60', processes: GW, help: 'Max search requests per window per client IP.' },
  { env: 'RATE_LIMIT_SEARCH_WINDOW_MS', flag: 'rate-limit-search-window-ms', type: 'int', category: 'Rate limits', default: '60000', min: 1, processes: GW, help: 'Window of the search rate limit.' },
  { env: 'RATE_LIMIT_PUSH_MAX', flag: 'rate-limit-push-max', type: 'int', category: 'Rate limits', default: '10', processes: GW, help: 'Max push requests per window per client IP.' },
  { env: 'RATE_LIMIT_PUSH_WINDOW_MS', flag: 'rate-limit-push-window-ms', type: 'int', category: 'Rate limits', default: '60000', min: 1, processes: GW, help: 'Window of the push rate limit.' },

  // Terminal
  { env: 'PTY_IDLE_REAP_MS', flag: 'pty-idle-reap-ms', type: 'int', category: 'Terminal', default: '600000', processes: ['pty'], help: 'Lifetime of a detached terminal (0 = kill on disconnect).' },
  { env: 'TERMINAL_WS_KEEPALIVE_MS', flag: 'terminal-ws-keepalive-ms', type: 'int', category: 'Terminal', default: '30000', processes: GW, help: 'WebSocket ping cadence (0 = off).' },
  { env: 'TERMINAL_PASSTHROUGH_ENV', flag: 'terminal-passthrough-env', type: 'list', category: 'Terminal', processes: ['pty', 'agent', 'workspace'], help: 'Extra env var names inherited by terminals and `!` exec.' },

  // Sandbox (docs/compatibility.md#auth-and-security): the identity the agent's tools and the terminals run as
  { env: 'AGENT_TOOL_SANDBOX_ENABLED', flag: 'agent-tool-sandbox-enabled', type: 'bool', category: 'Agent', default: 'false', processes: ['gateway', 'agent', 'pty', 'workspace'], help: 'Run agent tools, `!` exec and terminals as AGENT_TOOL_UID/GID (the server must run as root). Refuses @file secrets and *_FILE variables.' },
  { env: 'AGENT_TOOL_UID', flag: 'agent-tool-uid', type: 'int', category: 'Agent', processes: ['gateway', 'agent', 'pty', 'workspace'], help: 'Numeric uid of the tool identity (required when the sandbox is on).' },
  { env: 'AGENT_TOOL_GID', flag: 'agent-tool-gid', type: 'int', category: 'Agent', processes: ['gateway', 'agent', 'pty', 'workspace'], help: 'Numeric gid of the tool identity (required when the sandbox is on).' },
  { env: 'AGENT_TOOL_HOME', flag: 'agent-tool-home', type: 'path', category: 'Agent', default: '/home/pi-tools', processes: ['gateway', 'agent', 'pty', 'workspace'], help: 'HOME of sandboxed shells and tools.' },
  { env: 'AGENT_TOOL_SANDBOX_CHOWN_PATHS', flag: 'agent-tool-sandbox-chown-paths', type: 'list', category: 'Agent', processes: ['workspace'], help: 'With the sandbox on: trees handed to the tool uid (recursively, group rwX) at start. Only the workspace, AGENT_TOOL_HOME and PI_CONFIG_DIR/{skills,npm,git,extensions,prompts,themes}; anything else is a start-up error.' },

  // Services (ours, beyond the original)
  { env: 'FORGE_RUNTIME_DIR', flag: 'runtime-dir', type: 'path', category: 'Services', default: (raw) => defaultRuntimeDir(raw), help: 'Folder for the services\' unix sockets (default: a per-data-dir folder under the OS temp dir).' },
  { env: 'AGENT_GRPC_URL', flag: 'agent-grpc-url', type: 'string', category: 'Services', processes: ['gateway', 'agent'], default: (raw) => socketUrl(raw, 'agent'), help: 'Address of the agent service: unix:///path.sock or host:port.' },
  { env: 'PTY_GRPC_URL', flag: 'pty-grpc-url', type: 'string', category: 'Services', processes: ['gateway', 'pty'], default: (raw) => socketUrl(raw, 'pty'), help: 'Address of the pty service: unix:///path.sock or host:port.' },
  { env: 'WORKSPACE_GRPC_URL', flag: 'workspace-grpc-url', type: 'string', category: 'Services', processes: ['gateway', 'workspace', 'agent'], default: (raw) => socketUrl(raw, 'workspace'), help: 'Address of the workspace service: unix:///path.sock or host:port.' },
  { env: 'GRPC_SECRET', flag: 'grpc-secret', type: 'string', category: 'Services', sensitive: true, help: 'Shared secret every gRPC call between the gateway and the services carries; all four processes need the same value (default: generated into FORGE_DATA_DIR/grpc-secret, 0600).' },
  { env: 'GRPC_SECRET_FILE', flag: 'grpc-secret-file', type: 'path', category: 'Services', help: 'File holding GRPC_SECRET; wins over it.' },
  { env: 'UPLOAD_MAX_FILE_BYTES', flag: 'upload-max-file-bytes', type: 'int', category: 'Services', default: String(500 * 1024 * 1024), min: 1, processes: ['workspace'], help: 'Largest file one upload may carry (413 file_too_large above).' },
  { env: 'UPLOAD_MAX_TOTAL_BYTES', flag: 'upload-max-total-bytes', type: 'int', category: 'Services', default: String(2 * 1024 * 1024 * 1024), min: 1, processes: ['workspace'], help: 'Largest total of one upload request (413 aggregate_too_large above).' },
  { env: 'UPLOAD_MAX_FILES', flag: 'upload-max-files', type: 'int', category: 'Services', default: '512', min: 1, processes: ['workspace'], help: 'Most files one upload request may carry.' },
  { env: 'SERVICES_READY_TIMEOUT_MS', flag: 'services-ready-timeout-ms', type: 'int', category: 'Services', default: '15000', min: 0, max: 300_000, processes: GW, help: 'How long the gateway waits for the agent, pty and workspace services to report SERVING before it listens anyway (health then says degraded).' },
  { env: 'SHUTDOWN_TIMEOUT_MS', flag: 'shutdown-timeout-ms', type: 'int', category: 'Services', default: '1000', min: 100, max: 60_000, help: 'How long a process may drain on SIGTERM before it is forced down.' },
] as const satisfies readonly OptionSpec[];

/**
 * Unix socket paths are limited to ~107 bytes, so the sockets live in a short per-install folder
 * under the OS temp dir, keyed by FORGE_DATA_DIR: two installs on one machine never collide, and
 * every process of one install derives the same folder without talking to the others.
 */
function defaultRuntimeDir(raw: RawLookup): string {
  const dataDir = raw('FORGE_DATA_DIR') ?? `${raw('HOME') ?? ''}/.pi-forge`;
  const key = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return `${tmpdir()}/pi-forge-${uid}-${key}`;
}

function socketUrl(raw: RawLookup, service: string): string {
  return `unix://${raw('FORGE_RUNTIME_DIR') ?? defaultRuntimeDir(raw)}/${service}.sock`;
}
