// Every public error code a service may put in a forge error (forgeError). The gateway's status
// table (gateway/src/common/error-status.ts) is a Record over this union, so a new code does not
// compile until the gateway has chosen its HTTP status. Codes are public API (docs/compatibility.md).
export type ServiceErrorCode =
  // shared
  | 'internal_error'
  | 'invalid_body'
  | 'validation_failed'
  | 'not_found'
  | 'permission_denied'
  // agent: sessions, runs, tree, compaction, exec
  | 'session_not_found'
  | 'session_tombstoned'
  | 'session_busy'
  | 'session_delete_failed'
  | 'resume_failed'
  | 'no_model_configured'
  | 'no_api_key'
  | 'unknown_model'
  | 'unknown_provider'
  | 'set_model_failed'
  | 'set_thinking_level_failed'
  | 'entry_not_found'
  | 'fork_failed'
  | 'already_compacted'
  | 'nothing_to_compact'
  | 'compaction_cancelled'
  | 'invalid_format'
  | 'export_failed'
  | 'exec_failed'
  | 'abort_timeout'
  | 'set_model_timeout'
  | 'navigate_timeout'
  | 'compact_timeout'
  // agent: provider config
  | 'auth_provider_not_found'
  | 'config_unreadable'
  // agent: sandbox tool environment
  | 'invalid_sandbox_settings'
  // agent: ask_user_question tool
  | 'request_not_found'
  | 'invalid_answer'
  // agent: todo tool
  // agent: quick actions
  // agent: process tool
  | 'process_not_found'
  | 'too_many_processes'
  | 'process_exited'
  | 'minimal_ui_disabled'
  // agent: skills, prompt templates and tool toggles
  | 'skill_not_found'
  | 'prompt_not_found'
  | 'missing_project_id'
  // agent: MCP servers
  | 'mcp_invalid_config'
  | 'mcp_server_not_found'
  // agent: webhooks
  | 'no_events'
  | 'invalid_secret'
  | 'invalid_header'
  | 'webhook_not_found'
  // agent: config backup and restore
  | 'invalid_archive'
  | 'archive_too_large'
  | 'skills_directory_empty'
  | 'skills_directory_too_large'
  // pty
  | 'invalid_open'
  | 'cwd_not_allowed'
  | 'spawn_failed'
  // workspace: projects, folders, paths, files
  | 'project_not_found'
  | 'duplicate_path'
  | 'invalid_project_order'
  | 'addendum_too_large'
  | 'invalid_name'
  | 'invalid_directory_name'
  | 'already_exists'
  | 'path_not_allowed'
  | 'not_a_directory'
  | 'not_a_file'
  | 'target_exists'
  | 'target_not_a_directory'
  | 'target_not_empty'
  | 'directory_not_empty'
  | 'file_too_large'
  | 'workspace_missing'
  // workspace: uploads
  | 'invalid_upload'
  | 'missing_field'
  | 'missing_filename'
  | 'no_files'
  | 'invalid_checksum'
  | 'checksum_mismatch'
  | 'too_many_files'
  | 'aggregate_too_large'
  // workspace: search
  | 'invalid_query'
  | 'engine_unavailable'
  | 'search_failed'
  // workspace: git and clone
  | 'git_failed'
  | 'git_not_installed'
  | 'empty_message'
  | 'git_auth_required'
  | 'invalid_branch_name'
  | 'invalid_remote_name'
  | 'invalid_url'
  | 'unsupported_protocol'
  | 'invalid_worktree_path';
