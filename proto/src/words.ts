// The public words of the proto enums (see enums.ts), shared by the gateway's DTOs and the services.
import { StreamingBehavior, ThinkingLevel } from '../gen/forge/agent/v1/agent_service.js';
import { GitFileKind } from '../gen/forge/workspace/v1/workspace_service.js';
import { enumWords } from './enums.js';

/** off, minimal, low, medium, high, xhigh. */
export const THINKING_LEVEL = enumWords(ThinkingLevel, 'THINKING_LEVEL_');
/** steer, followUp. */
export const STREAMING_BEHAVIOR = enumWords(StreamingBehavior, 'STREAMING_BEHAVIOR_');
/** modified, added, deleted, renamed, copied, untracked, ignored, conflicted, unknown. */
export const GIT_FILE_KIND = enumWords(GitFileKind, 'GIT_FILE_KIND_');
