// The built-in tool family of the tools settings (contract §2.7): the seven SDK tools and pi-forge's
// three own ones, in the contract's order, each with the fixed operator-facing description the
// settings show. ask_user_question, todo and process are ForgeToolProviders of their own features;
// they are listed by name whether or not their provider is registered in this build.
export const BUILTIN_TOOL_NAMES = ['read', 'bash', 'edit', 'write', 'grep', 'find', 'ls', 'ask_user_question', 'todo', 'process'] as const;

export const BUILTIN_TOOL_DESCRIPTIONS: Record<(typeof BUILTIN_TOOL_NAMES)[number], string> = {
  read: 'Read file contents (text and images) from the project.',
  bash: 'Run shell commands in the project folder.',
  edit: 'Edit files by exact text replacement.',
  write: 'Create or overwrite files.',
  grep: 'Search file contents for a pattern.',
  find: 'Find files by glob pattern.',
  ls: 'List directory contents.',
  ask_user_question: 'Ask the user a multiple-choice question and wait for the answer.',
  todo: "Keep a task list for the session's work.",
  process: 'Start, watch and stop long-running background processes.',
};

export function isBuiltinTool(name: string): boolean {
  return (BUILTIN_TOOL_NAMES as readonly string[]).includes(name);
}
