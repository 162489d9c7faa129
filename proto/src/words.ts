// The public words of the proto enums (see enums.ts), shared by the gateway's DTOs and the services.
import {
  AskAnswerKind,
  ExportFormat,
  ProcessLogStream,
  ProcessStatus,
  McpServerState,
  SessionSearchMatchKind,
  StreamingBehavior,
  ThinkingLevel,
  TurnDiffTool,
  WebhookDeliveryStatus,
} from '../gen/forge/agent/v1/agent_service.js';
import { GitFileKind, GitHunkMode, SearchEngine, TreeNodeType } from '../gen/forge/workspace/v1/workspace_service.js';
import { enumWords } from './enums.js';

/** off, minimal, low, medium, high, xhigh. */
export const THINKING_LEVEL = enumWords(ThinkingLevel, 'THINKING_LEVEL_');
/** steer, followUp. */
export const STREAMING_BEHAVIOR = enumWords(StreamingBehavior, 'STREAMING_BEHAVIOR_');
/** modified, added, deleted, renamed, copied, untracked, ignored, conflicted, unknown. */
export const GIT_FILE_KIND = enumWords(GitFileKind, 'GIT_FILE_KIND_');
/** jsonl, markdown. */
export const EXPORT_FORMAT = enumWords(ExportFormat, 'EXPORT_FORMAT_');
/** user, assistant, tool_call (snake_case, as the public search results spell it). */
export const SESSION_SEARCH_MATCH_KIND = enumWords(SessionSearchMatchKind, 'SESSION_SEARCH_MATCH_KIND_', 'snake_case');
/** file, directory. */
export const TREE_NODE_TYPE = enumWords(TreeNodeType, 'TREE_NODE_TYPE_');
/** ripgrep, node. */
export const SEARCH_ENGINE = enumWords(SearchEngine, 'SEARCH_ENGINE_');
/** stage, unstage. */
export const GIT_HUNK_MODE = enumWords(GitHunkMode, 'GIT_HUNK_MODE_');
/** write, edit. */
export const TURN_DIFF_TOOL = enumWords(TurnDiffTool, 'TURN_DIFF_TOOL_');
/** running, terminating, terminate_timeout, exited, killed (snake_case, as ProcessInfo spells it). */
export const PROCESS_STATUS = enumWords(ProcessStatus, 'PROCESS_STATUS_', 'snake_case');
/** stdout, stderr. */
export const PROCESS_LOG_STREAM = enumWords(ProcessLogStream, 'PROCESS_LOG_STREAM_');

// Skills, prompt templates and tool toggles.
import { ResourceDiagnosticType, ResourceSource, ToggleOverride, ToggleScope, ToolFamily } from '../gen/forge/agent/v1/agent_service.js';
/** global, project. */
export const TOGGLE_SCOPE = enumWords(ToggleScope, 'TOGGLE_SCOPE_');
/** enabled, disabled (no word: no override). */
export const TOGGLE_OVERRIDE = enumWords(ToggleOverride, 'TOGGLE_OVERRIDE_');
/** builtin, mcp, extension. */
export const TOOL_FAMILY = enumWords(ToolFamily, 'TOOL_FAMILY_');
/** global, project, extension. */
export const RESOURCE_SOURCE = enumWords(ResourceSource, 'RESOURCE_SOURCE_');
/** warning, error, collision. */
export const RESOURCE_DIAGNOSTIC_TYPE = enumWords(ResourceDiagnosticType, 'RESOURCE_DIAGNOSTIC_TYPE_');
/** idle, connecting, connected, error, disabled, trust_required (snake_case, as the MCP status entries spell it). */
export const MCP_SERVER_STATE = enumWords(McpServerState, 'MCP_SERVER_STATE_', 'snake_case');
/** option, custom, chat, multi (ask_user_question answers). */
export const ASK_ANSWER_KIND = enumWords(AskAnswerKind, 'ASK_ANSWER_KIND_');
/** delivered, failed, error. */
export const WEBHOOK_DELIVERY_STATUS = enumWords(WebhookDeliveryStatus, 'WEBHOOK_DELIVERY_STATUS_');
