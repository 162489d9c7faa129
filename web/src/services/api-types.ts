// Shapes of the public API (docs/compatibility.md#routes), as the browser sees them.
export interface UiConfig {
  minimal: boolean;
  workspaceRoot: string;
  version: string;
  passwordAuthEnabled: boolean;
  ldapEnabled: boolean;
  orchestrationEnabled: boolean;
  authBannerHtml?: boolean;
  authBannerText?: string;
  logoUrlMode?: 'cache' | 'direct';
  /** Same-origin /cache/logos/… in cache mode (absent when the fetch failed), the raw URL in direct mode. */
  authLogoUrl?: string;
  appLogoDarkUrl?: string;
  appLogoLightUrl?: string;
  authColorScheme?: AuthColorScheme;
}

export interface AuthColorScheme {
  pageBackground: string;
  cardBackground: string;
  border: string;
  text: string;
  mutedText: string;
  buttonBackground: string;
  buttonText: string;
  buttonHoverBackground: string;
}

export interface AuthStatus {
  authEnabled: boolean;
  ldapEnabled: boolean;
}
export interface LoginResult {
  token: string;
  expiresAt: string;
  mustChangePassword: boolean;
}

export interface Project {
  id: string;
  name: string;
  path: string;
  createdAt: string;
}
export interface BrowseResult {
  path: string;
  parentPath: string | null;
  entries: { name: string; path: string; isGitRepo: boolean }[];
}

export interface SessionSummary {
  sessionId: string;
  projectId: string;
  name?: string;
  isLive: boolean;
  isStreaming?: boolean;
  lastActivityAt: string;
  createdAt: string;
  messageCount: number;
  firstMessage?: string;
  modelProvider?: string;
  modelId?: string;
  thinkingLevel?: string;
  parentSessionId?: string;
  /** ask_user_question requests waiting on the user. */
  pendingQuestions?: number;
}

export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string }
  | { type: 'toolCall'; id: string; name: string; arguments: Record<string, unknown> }
  | { type: 'image'; data?: string; mimeType?: string };

export interface AgentMessage {
  role: 'user' | 'assistant' | 'toolResult' | 'bashExecution' | 'custom' | 'compactionSummary' | 'branchSummary' | string;
  content?: string | ContentBlock[];
  toolCallId?: string;
  toolName?: string;
  isError?: boolean;
  details?: unknown;
  stopReason?: string;
  errorMessage?: string;
  timestamp?: number;
  command?: string;
  output?: string;
  summary?: string;
  display?: boolean;
  [k: string]: unknown;
}

export interface TreeNode {
  name: string;
  path: string;
  type: 'file' | 'directory';
  children?: TreeNode[];
  truncated?: boolean;
}
export interface FileContent {
  path: string;
  content: string;
  size: number;
  language: string;
  binary: boolean;
}
export interface SearchMatch {
  path: string;
  line: number;
  column: number;
  length: number;
  lineSnippet: string;
}
export interface SearchResult {
  engine: string;
  truncated: boolean;
  matches: SearchMatch[];
}

export interface GitFile {
  path: string;
  staged: boolean;
  unstaged: boolean;
  kind: string;
  code: string;
  originalPath?: string;
}
export interface GitStatus {
  isGitRepo: boolean;
  branch?: string;
  files: GitFile[];
}
export interface GitCommit {
  hash: string;
  message: string;
  author: string;
  date: string;
  parents: string[];
  refs: string[];
}
export interface GitBranch {
  name: string;
  current: boolean;
  remote: boolean;
}

export interface TurnDiffEntry {
  file: string;
  tool: 'write' | 'edit';
  diff: string;
  additions: number;
  deletions: number;
  isPureAddition: boolean;
}

export interface ProviderModel {
  id: string;
  name: string;
  contextWindow?: number;
  reasoning?: boolean;
  hasAuth: boolean;
  supportedThinkingLevels?: string[];
}
export interface ProviderInfo {
  provider: string;
  models: ProviderModel[];
}
export interface AgentSettings {
  defaultProvider?: string;
  defaultModel?: string;
  defaultThinkingLevel?: string;
  [k: string]: unknown;
}

export const THINKING_LEVELS = ['off', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;

/** One question of an ask_user_question request (docs/api.md, section 7). */
export interface AskQuestion {
  question: string;
  header: string;
  multiSelect: boolean;
  options: { label: string; description: string; preview?: string }[];
}

export interface PendingQuestionRequest {
  requestId: string;
  questions: AskQuestion[];
}

export interface AskAnswer {
  questionIndex: number;
  question: string;
  kind: 'option' | 'custom' | 'chat' | 'multi';
  answer?: string | null;
  selected?: string[];
  notes?: string;
}
