// Bridged tool names (contract §1.10 M5): `<server>__<tool>`. Provider APIs accept tool names of
// letters, digits, `_` and `-` only, so any other character of an MCP tool's name becomes `_`.
export const BRIDGE_SEPARATOR = '__';

export function bridgedToolName(server: string, tool: string): string {
  return `${server}${BRIDGE_SEPARATOR}${tool.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
