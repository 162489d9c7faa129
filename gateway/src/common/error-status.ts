// The one table that chooses the HTTP status of a service error. Services answer with a gRPC status
// and a stable code (runtime forgeError); the status the browser sees is decided here by the code.
// `Record` over ServiceErrorCode: a code a service may send cannot be left out.
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ServiceErrorCode } from '@pi-forge/runtime';

export const SERVICE_ERROR_STATUS: Record<ServiceErrorCode, number> = {
  // 400: the request cannot be carried out as asked
  invalid_body: 400,
  validation_failed: 400,
  empty_message: 400,
  no_model_configured: 400,
  no_api_key: 400,
  unknown_model: 400,
  unknown_provider: 400,
  set_model_failed: 400,
  set_thinking_level_failed: 400,
  entry_not_found: 400,
  fork_failed: 400,
  already_compacted: 400,
  nothing_to_compact: 400,
  invalid_format: 400,
  invalid_open: 400,
  cwd_not_allowed: 400,
  invalid_project_order: 400,
  addendum_too_large: 400,
  invalid_name: 400,
  invalid_directory_name: 400,
  not_a_directory: 400,
  not_a_file: 400,
  target_not_a_directory: 400,
  missing_field: 400,
  invalid_upload: 400,
  missing_filename: 400,
  no_files: 400,
  invalid_checksum: 400,
  invalid_query: 400,
  git_failed: 400,
  git_auth_required: 400,
  invalid_branch_name: 400,
  invalid_remote_name: 400,
  invalid_url: 400,
  unsupported_protocol: 400,
  invalid_worktree_path: 400,
  invalid_sandbox_settings: 400,
  // skills, prompt templates and tool toggles
  skill_not_found: 404,
  prompt_not_found: 404,
  missing_project_id: 400,
  mcp_invalid_config: 400,
  invalid_answer: 400,
  invalid_archive: 400,
  // webhooks
  no_events: 400,
  invalid_secret: 400,
  invalid_header: 400,
  webhook_not_found: 404,
  // 403, 404, 410
  path_not_allowed: 403,
  permission_denied: 403,
  not_found: 404,
  session_not_found: 404,
  auth_provider_not_found: 404,
  project_not_found: 404,
  mcp_server_not_found: 404,
  request_not_found: 404,
  session_tombstoned: 410,
  // 409: conflicts with the current state
  session_busy: 409,
  compaction_cancelled: 409,
  already_exists: 409,
  duplicate_path: 409,
  target_exists: 409,
  target_not_empty: 409,
  directory_not_empty: 409,
  skills_directory_empty: 409,
  skills_directory_too_large: 409,
  // 413, 422: too large, or well-formed but wrong
  file_too_large: 413,
  too_many_files: 413,
  aggregate_too_large: 413,
  archive_too_large: 413,
  checksum_mismatch: 422,
  // 5xx: the server could not do it
  internal_error: 500,
  session_delete_failed: 500,
  resume_failed: 500,
  export_failed: 500,
  exec_failed: 500,
  config_unreadable: 500,
  spawn_failed: 500,
  search_failed: 500,
  git_not_installed: 500,
  workspace_missing: 500,
  engine_unavailable: 503,
  abort_timeout: 504,
  set_model_timeout: 504,
  navigate_timeout: 504,
  compact_timeout: 504,
  // agent: process tool
  process_not_found: 404,
  too_many_processes: 429,
  process_exited: 409,
  minimal_ui_disabled: 403,
};

/** For a code this gateway does not know (a service of a newer version): the gRPC status decides. */
const GRPC_STATUS_HTTP: Partial<Record<GrpcStatus, number>> = {
  [GrpcStatus.INVALID_ARGUMENT]: 400,
  [GrpcStatus.FAILED_PRECONDITION]: 400,
  [GrpcStatus.OUT_OF_RANGE]: 400,
  [GrpcStatus.UNAUTHENTICATED]: 401,
  [GrpcStatus.PERMISSION_DENIED]: 403,
  [GrpcStatus.NOT_FOUND]: 404,
  [GrpcStatus.ALREADY_EXISTS]: 409,
  [GrpcStatus.ABORTED]: 409,
  [GrpcStatus.RESOURCE_EXHAUSTED]: 413,
  [GrpcStatus.UNIMPLEMENTED]: 501,
  [GrpcStatus.UNAVAILABLE]: 503,
  [GrpcStatus.DEADLINE_EXCEEDED]: 504,
};

/** The HTTP status of a service error: by its code, else by its gRPC status, else 500. */
export function httpStatusOf(code: string | undefined, grpcStatus: number): number {
  if (code !== undefined && Object.hasOwn(SERVICE_ERROR_STATUS, code)) return SERVICE_ERROR_STATUS[code as ServiceErrorCode];
  return GRPC_STATUS_HTTP[grpcStatus as GrpcStatus] ?? 500;
}
