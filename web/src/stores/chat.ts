// The open session's conversation: fed by the agent stream, with send / steer / abort and the
// per-session model and thinking level.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { openSessionStream, type StreamStatus } from '../services/session-stream';
import { sessionsApi } from '../services/sessions.api';
import { ApiError } from '../services/http';
import { KEYS } from '../services/storage-keys';
import { applyStreamEvent, emptyChat, type ChatState } from './chat-events';
import { useSessionsStore } from './sessions';
import { useAskUserQuestionStore } from './ask-user-question';

export const useChatStore = defineStore('chat', () => {
  const sessionId = ref<string | null>(null);
  const state = ref<ChatState>(emptyChat());
  const connection = ref<StreamStatus>('closed');
  const connectionNote = ref('');
  /** What the user picked in this browser; otherwise what the server says the session uses. */
  const chosenModel = ref<{ provider: string; modelId: string } | null>(null);
  const chosenThinking = ref('');
  let stream: { close: () => void } | undefined;

  const messages = computed(() => state.value.messages);
  const summary = computed(() => useSessionsStore().all.find((s) => s.sessionId === sessionId.value));
  const model = computed(
    () =>
      chosenModel.value ??
      (summary.value?.modelProvider && summary.value.modelId
        ? { provider: summary.value.modelProvider, modelId: summary.value.modelId }
        : null),
  );
  const thinkingLevel = computed(() => chosenThinking.value || summary.value?.thinkingLevel || '');
  const isStreaming = computed(() => state.value.isStreaming);

  function open(id: string | null): void {
    if (id === sessionId.value && stream) return;
    stream?.close();
    stream = undefined;
    sessionId.value = id;
    state.value = emptyChat();
    connectionNote.value = '';
    chosenModel.value = null;
    chosenThinking.value = '';
    if (!id) return;
    const stored = localStorage.getItem(KEYS.model(id));
    if (stored) chosenModel.value = JSON.parse(stored) as { provider: string; modelId: string };
    const sessions = useSessionsStore();
    const asks = useAskUserQuestionStore();
    stream = openSessionStream(id, {
      onEvent: (e) => {
        if (sessionId.value !== id) return;
        state.value = applyStreamEvent(state.value, e);
        asks.apply(id, e);
        sessions.setStreaming(id, state.value.isStreaming);
        if (e.type === 'session_renamed' && typeof e.name === 'string') sessions.patch(id, { name: e.name });
      },
      onStatus: (s, d) => {
        if (sessionId.value !== id) return;
        connection.value = s;
        connectionNote.value =
          s === 'reconnecting'
            ? `Connection lost; retrying in ${Math.round((d?.retryInMs ?? 0) / 1000)} s.`
            : s === 'closed' && d?.code === 'session_not_found'
              ? 'This session no longer exists.'
              : s === 'closed' && d?.code
                ? `Stream closed (${d.code}).`
                : '';
      },
    });
  }

  function close(): void {
    open(null);
  }

  /** Sends a prompt; while the agent runs, the text is queued as steer or follow-up instead. */
  async function send(text: string, mode: 'prompt' | 'steer' | 'followUp' = 'prompt', attachments: File[] = []): Promise<void> {
    const id = sessionId.value;
    if (!id) throw new Error('no session is open');
    if (mode === 'prompt' || !state.value.isStreaming) {
      const res = await sessionsApi.prompt(id, text, state.value.isStreaming ? 'followUp' : undefined, attachments);
      if (res?.sessionName) useSessionsStore().patch(id, { name: res.sessionName });
    } else {
      await sessionsApi.steer(id, text, mode);
    }
  }

  async function abort(): Promise<void> {
    if (sessionId.value) await sessionsApi.abort(sessionId.value);
  }

  async function setModel(provider: string, modelId: string): Promise<void> {
    if (!sessionId.value) return;
    await sessionsApi.setModel(sessionId.value, provider, modelId);
    chosenModel.value = { provider, modelId };
    localStorage.setItem(KEYS.model(sessionId.value), JSON.stringify(chosenModel.value));
  }

  async function setThinkingLevel(level: string): Promise<void> {
    if (!sessionId.value) return;
    const res = await sessionsApi.setThinkingLevel(sessionId.value, level);
    chosenThinking.value = res.level;
  }

  /** The open session's tree (every branch), for the tree dialog. */
  async function tree() {
    if (!sessionId.value) throw new Error('no session is open');
    return sessionsApi.tree(sessionId.value);
  }

  /** Forks the open session at entryId; the new session is listed and selected. */
  async function fork(entryId: string): Promise<void> {
    const sessions = useSessionsStore();
    const source = sessions.active;
    if (!sessionId.value || !source) return;
    const created = await sessionsApi.fork(sessionId.value, entryId);
    await sessions.load(source.projectId);
    sessions.select(created.sessionId);
  }

  /** What the last turn changed, file by file. */
  async function turnDiff() {
    return sessionId.value ? sessionsApi.turnDiff(sessionId.value) : [];
  }

  async function compact(): Promise<void> {
    if (sessionId.value) await sessionsApi.compact(sessionId.value);
  }

  function describeError(err: unknown): string {
    return err instanceof ApiError ? `${err.message} (${err.code})` : (err as Error).message;
  }

  return {
    sessionId,
    state,
    messages,
    isStreaming,
    connection,
    connectionNote,
    model,
    thinkingLevel,
    open,
    close,
    send,
    abort,
    setModel,
    setThinkingLevel,
    tree,
    fork,
    turnDiff,
    compact,
    describeError,
  };
});
