// An MCP tool result as the agent tool result the model sees (contract §1.10 M5/M6, §10.3): text blocks as
// text, images as images, anything else (resources, links, audio) as its JSON, `isError` as a tool error whose
// text starts with `[error]`, and the text capped (head 60 % / tail 40 % with an `MCP_RESULT_TRUNCATED` warning)
// so one chatty server cannot flood the context window.
import type { McpTruncation } from './mcp-config.js';

export type BridgedContent = { type: 'text'; text: string } | { type: 'image'; data: string; mimeType: string };

export interface BridgedResult {
  content: BridgedContent[];
  details: { server: string; tool: string; isError: boolean; truncated?: { originalChars: number; maxChars: number } };
  isError?: boolean;
}

/** The part of an MCP CallToolResult the bridge reads (the SDK's type is a wide union). */
export interface McpCallResult {
  content?: unknown[];
  isError?: boolean;
  structuredContent?: unknown;
  toolResult?: unknown;
}

export const ERROR_PREFIX = '[error]';

/** The warning line that replaces the middle of a text longer than the cap. */
export function truncationWarning(originalChars: number, head: number, tail: number): string {
  return `\n\n[MCP_RESULT_TRUNCATED: the tool returned ${originalChars} characters; showing the first ${head} and the last ${tail}]\n\n`;
}

/** `text` when it fits, else its head (60 % of the cap) + warning + tail (40 %). */
export function capText(text: string, maxChars: number): { text: string; truncated: boolean } {
  if (text.length <= maxChars) return { text, truncated: false };
  const head = Math.floor(maxChars * 0.6);
  const tail = maxChars - head;
  return { text: text.slice(0, head) + truncationWarning(text.length, head, tail) + (tail > 0 ? text.slice(-tail) : ''), truncated: true };
}

function blockToContent(block: unknown): BridgedContent {
  const b = block as { type?: unknown; text?: unknown; data?: unknown; mimeType?: unknown };
  if (b?.type === 'text' && typeof b.text === 'string') return { type: 'text', text: b.text };
  if (b?.type === 'image' && typeof b.data === 'string' && typeof b.mimeType === 'string')
    return { type: 'image', data: b.data, mimeType: b.mimeType };
  return { type: 'text', text: JSON.stringify(block) };
}

export function mcpResultToAgentResult(server: string, tool: string, result: McpCallResult, truncation: McpTruncation): BridgedResult {
  const isError = result.isError === true;
  let blocks: unknown[] = Array.isArray(result.content) ? result.content : [];
  // Old servers answer `{toolResult}`; structured-only answers still say something.
  if (!blocks.length && result.toolResult !== undefined) blocks = [{ type: 'text', text: JSON.stringify(result.toolResult) }];
  if (!blocks.length && result.structuredContent !== undefined) blocks = [{ type: 'text', text: JSON.stringify(result.structuredContent) }];
  const mapped = blocks.map(blockToContent);
  const images = mapped.filter((c) => c.type === 'image');
  // Text blocks flatten into one, so the cap applies to everything the model reads, not per block.
  let text = mapped
    .filter((c): c is { type: 'text'; text: string } => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
  if (isError) text = text ? `${ERROR_PREFIX} ${text}` : `${ERROR_PREFIX} the tool reported an error`;
  const details: BridgedResult['details'] = { server, tool, isError };
  if (truncation.enabled) {
    const capped = capText(text, truncation.maxChars);
    if (capped.truncated) details.truncated = { originalChars: text.length, maxChars: truncation.maxChars };
    text = capped.text;
  }
  const content: BridgedContent[] = [];
  if (text || !images.length) content.push({ type: 'text', text: text || '(no output)' });
  content.push(...images);
  return { content, details, ...(isError ? { isError: true } : {}) };
}
