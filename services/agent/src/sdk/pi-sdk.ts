// The one import of the pi SDK. Importing this module reads PI_CODING_AGENT_DIR, so only main.ts's
// dynamic import chain may reach it (main sets the variable first).
export {
  createAgentSession, createBashToolDefinition, createLocalBashOperations, DefaultResourceLoader, ModelRuntime, SessionManager, SettingsManager,
  createEditToolDefinition, createFindToolDefinition, createGrepToolDefinition, createLsToolDefinition, createReadToolDefinition,
  createWriteToolDefinition, detectSupportedImageMimeTypeFromFile,
  type BashOperations, type EditOperations, type ReadOperations, type WriteOperations, type LoadExtensionsResult,
  type AgentSession, type AgentSessionEvent, type SessionEntry, type SessionInfo, type ToolDefinition,
} from '@earendil-works/pi-coding-agent';
