// MCP servers: the global configs (secrets redacted by the server), every server's status (global and the
// active project's), the project's stdio trust and the master switch / truncation settings.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { mcpApi, type McpServerConfig, type McpSettings, type McpStatusEntry } from '../services/mcp.api';

export type { McpServerConfig, McpStatusEntry } from '../services/mcp.api';

export const useMcpStore = defineStore('mcp', () => {
  const settings = ref<McpSettings | null>(null);
  const servers = ref<Record<string, McpServerConfig>>({});
  const status = ref<McpStatusEntry[]>([]);
  const trusted = ref<boolean | null>(null);
  const projectId = ref<string | undefined>(undefined);

  /** The project's stdio servers waiting for trust (the trust prompt shows them). */
  const awaitingTrust = computed(() => status.value.filter((s) => s.scope === 'project' && s.state === 'trust_required'));
  /** `MCP X/Y` of the header badge: connected of all servers shown. */
  const badge = computed(() => {
    const counted = status.value.filter((s) => s.state !== 'disabled' && s.state !== 'trust_required');
    return { connected: counted.filter((s) => s.state === 'connected').length, total: counted.length };
  });

  async function load(forProject?: string): Promise<void> {
    projectId.value = forProject;
    const [s, view] = await Promise.all([mcpApi.settings(), mcpApi.servers(forProject)]);
    settings.value = s;
    servers.value = view.servers;
    status.value = view.status;
    trusted.value = view.stdioTrust ? view.stdioTrust.trusted : null;
  }

  const reload = () => load(projectId.value);

  async function save(name: string, config: McpServerConfig): Promise<void> {
    await mcpApi.saveServer(name, config);
    await reload();
  }

  async function remove(name: string): Promise<void> {
    await mcpApi.removeServer(name);
    await reload();
  }

  async function probe(entry: McpStatusEntry): Promise<McpStatusEntry> {
    const { status: next } = await mcpApi.probe(entry.name, entry.scope === 'project' ? entry.projectId : undefined);
    status.value = status.value.map((s) => (s.name === next.name && s.scope === next.scope ? next : s));
    return next;
  }

  async function setTrust(trust: boolean): Promise<void> {
    if (!projectId.value) return;
    if (trust) await mcpApi.trust(projectId.value);
    else await mcpApi.untrust(projectId.value);
    await reload();
  }

  async function saveSettings(patch: Parameters<typeof mcpApi.saveSettings>[0]): Promise<void> {
    settings.value = await mcpApi.saveSettings(patch);
    await reload();
  }

  return { settings, servers, status, trusted, projectId, awaitingTrust, badge, load, reload, save, remove, probe, setTrust, saveSettings };
});
