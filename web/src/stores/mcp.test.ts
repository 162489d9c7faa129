import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useMcpStore } from './mcp';

const settings = { enabled: true, connected: 1, total: 2, truncation: { enabled: true, maxChars: 30000 } };
const status = [
  { scope: 'global', name: 'a', kind: 'remote', enabled: true, state: 'connected', toolCount: 2 },
  { scope: 'global', name: 'b', kind: 'remote', enabled: true, state: 'error', toolCount: 0, lastError: 'refused' },
  { scope: 'global', name: 'c', kind: 'remote', enabled: false, state: 'disabled', toolCount: 0 },
  { scope: 'project', projectId: 'p1', name: 'local', kind: 'stdio', enabled: true, state: 'trust_required', toolCount: 0 },
];

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => vi.unstubAllGlobals());

function stubFetch() {
  const calls: { url: string; method: string; body?: string }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      calls.push({ url, method: init?.method ?? 'GET', body: init?.body as string | undefined });
      const body = url.includes('/mcp/settings')
        ? settings
        : url.includes('/trust/')
          ? { trusted: true, status }
          : { servers: {}, status, stdioTrust: { trusted: false } };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    }),
  );
  return calls;
}

describe('mcp store', () => {
  it('loads a project view: the badge counts connected of the servers that can connect, the trust prompt lists gated stdio servers', async () => {
    const calls = stubFetch();
    const mcp = useMcpStore();
    await mcp.load('p1');
    expect(calls.some((c) => c.url.includes('/mcp/servers?projectId=p1'))).toBe(true);
    expect(mcp.badge).toEqual({ connected: 1, total: 2 });
    expect(mcp.awaitingTrust.map((s) => s.name)).toEqual(['local']);
    expect(mcp.trusted).toBe(false);
  });

  it('trusting posts for the loaded project and reloads', async () => {
    const calls = stubFetch();
    const mcp = useMcpStore();
    await mcp.load('p1');
    await mcp.setTrust(true);
    expect(calls.some((c) => c.method === 'POST' && c.url.endsWith('/mcp/trust/p1'))).toBe(true);
    expect(calls.filter((c) => c.url.includes('/mcp/servers')).length).toBe(2);
  });
});
