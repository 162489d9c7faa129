// Renders docs/configuration.md from the config table (runtime/src/config/config-options.ts), so
// the reference cannot drift from what the processes parse. `npm run docs:config -w deploy`
// rewrites the file; deploy/test/configuration-doc.test.ts fails when they differ.
import { CONFIG_OPTIONS, PROCESS_NAMES, type OptionSpec, type RawLookup } from '@pi-forge/runtime';

/** Function defaults are shown as formulas over other settings, not as this machine's values. */
const PLACEHOLDER: RawLookup = (name) => (name === 'HOME' ? '~' : `$${name}`);

export function describeDefault(spec: OptionSpec): string {
  if (spec.default === undefined) return spec.type === 'list' ? 'empty' : 'unset';
  if (typeof spec.default === 'string') return spec.default === '' ? '""' : spec.default;
  const value = spec.default(PLACEHOLDER) ?? 'unset';
  // The runtime folder is keyed by user id and a hash of FORGE_DATA_DIR under the OS temp dir.
  return value.replace(/^.*\/pi-forge-\d+-[0-9a-f]{12}$/, '$TMPDIR/pi-forge-<uid>-<hash of FORGE_DATA_DIR>');
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeText(spec: OptionSpec): string {
  if (spec.choices) return spec.choices.join(' \\| ');
  if (spec.type === 'int' && (spec.min !== undefined || spec.max !== undefined)) {
    return `int ${spec.min ?? 0}..${spec.max ?? '∞'}${spec.outOfRange === 'fallback' ? ' (out of range → default)' : ''}`;
  }
  return spec.type;
}

function flagText(spec: OptionSpec): string {
  if (spec.type === 'bool') return `\`--${spec.flag}\` / \`--no-${spec.flag}\``;
  return spec.sensitive ? `\`--${spec.flag} <value\\|@file>\`` : `\`--${spec.flag}\``;
}

export function renderConfigurationDoc(options: readonly OptionSpec[] = CONFIG_OPTIONS): string {
  const out: string[] = [];
  out.push(HEADER.trim(), '');
  const categories = [...new Set(options.map((o) => o.category))];
  for (const category of categories) {
    out.push(`## ${category}`, '');
    out.push('| Env var | Flag | Type | Default | Read by | Meaning |', '|---|---|---|---|---|---|');
    for (const spec of options.filter((o) => o.category === category)) {
      const procs = spec.processes ?? PROCESS_NAMES;
      const readBy = procs.length === PROCESS_NAMES.length ? 'all' : procs.join(', ');
      const secret = spec.sensitive ? ' Secret: never logged.' : '';
      out.push(
        `| \`${spec.env}\` | ${flagText(spec)} | ${cell(typeText(spec))} | \`${cell(describeDefault(spec))}\` | ${readBy} | ${cell(spec.help)}${secret} |`,
      );
    }
    out.push('');
  }
  out.push(TRAILER.trim(), '');
  return out.join('\n');
}

const HEADER = `
# Configuration reference

<!-- Generated from runtime/src/config/config-options.ts by \`npm run docs:config -w deploy\`. Do not edit by hand: a test fails when this file and the table differ. -->

Every pi-forge process (the launcher, the gateway and the agent, pty and workspace services) reads
the same settings from one table, once at start-up. Deployment guide: [deployment.md](deployment.md).

Rules:

- Every setting is an environment variable and a kebab-case flag (\`PORT\` ↔ \`--port 3000\` or
  \`--port=3000\`). **Flags win over env.** \`pi-forge --help\` prints this table.
- Empty env values count as unset.
- Booleans: \`1|true|yes|on\` and \`0|false|no|off\` (any case); a bare \`--flag\` means true,
  \`--no-flag\` false. Anything else stops start-up with exit code 2 and a message naming the variable.
- Integers are non-negative decimals. A bounded integer marked "out of range → default" silently
  keeps its default; other out-of-range or malformed values stop start-up.
- Lists are comma- and/or space-separated; empty items are dropped.
- Sensitive flags (marked "Secret") accept \`@/path/to/file\` (contents, trimmed, must be non-empty).
  Env vars are never \`@\`-expanded; use \`UI_PASSWORD_FILE\` / \`LDAP_BIND_PASSWORD_FILE\`, which win
  over their plain twin. Secrets are never logged.
- "Read by" is which processes the launcher hands the value to. Under compose or Kubernetes give each
  container the variables of its process; only the gateway needs the secrets.
- Defaults written \`$NAME\` derive from another setting; \`~\` is \`HOME\`.
`;

const TRAILER = `
## Other environment variables

Not settings of the table above, but read by the image, the tools or the platform:

| Variable | Where | Meaning |
|---|---|---|
| \`NODE_ENV\` | every process | \`production\` in the image; \`test\` in the test suite. |
| \`HOME\` | every process | Base of the default paths; the shells' home. The image sets \`/home/pi\`. |
| \`SHELL\`, \`TERM\` | pty, agent | Terminal shell (image: \`/bin/bash\`) and terminal type (\`xterm-256color\`). |
| \`PROBE_TIMEOUT_MS\` | \`deploy/probe.mjs\` | Health probe deadline (default 3000). |
| \`COMPOSE_PROJECT_NAME\`, \`PI_FORGE_IMAGE\`, \`HOST_PORT\`, \`PUID\`, \`PGID\`, \`WORKSPACE_HOST_PATH\`, \`PI_CONFIG_HOST_PATH\`, \`FORGE_DATA_HOST_PATH\` | \`.env\` for docker compose | Project name (one per deploy), image, host port (bound to 127.0.0.1), container user, and the three host folders to mount. See \`.env.example\`. |
| \`PUID\`, \`PGID\`, \`VERSION\` | Docker build args | User and group ids of \`pi\` (1000), image version label. |

## Where we differ from the original pi-forge

- **Process split.** \`FORGE_RUNTIME_DIR\`, \`AGENT_GRPC_URL\`, \`PTY_GRPC_URL\`, \`WORKSPACE_GRPC_URL\` and
  \`SHUTDOWN_TIMEOUT_MS\` are new: the gateway and the three services are separate processes that talk
  gRPC over unix sockets (default) or \`host:port\`. In Kubernetes the services listen on
  \`0.0.0.0:<port>\` and the gateway dials \`127.0.0.1:<port>\` (see kubernetes/DEPLOY.md).
- **Metrics.** \`METRICS_TOKEN\` is new: \`GET /metrics\` (Prometheus text) did not exist in the original.
- **The image** runs as the non-root user \`pi\` with no root entrypoint; the original's agent-tool
  sandbox settings (\`AGENT_TOOL_*\`) are not part of this release.
`;
