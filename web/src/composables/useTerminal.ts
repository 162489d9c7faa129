// Binds one xterm.js instance to one terminal socket: output in, keystrokes out, fit to the pane,
// and a plain line in the terminal itself when the connection drops, comes back or ends.
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { onBeforeUnmount, ref, watch, type Ref } from 'vue';
import { TerminalSocket, type TerminalStatus } from '../services/terminal-socket';

export interface TerminalHandle {
  term: Terminal;
  socket: TerminalSocket;
}

const THEMES = {
  dark: { background: '#0a0a0a', foreground: '#e5e7eb', cursor: '#e5e7eb', selectionBackground: '#1e3a8a' },
  light: { background: '#ffffff', foreground: '#1f2328', cursor: '#1f2328', selectionBackground: '#b6d4fe' },
};

/** Esc then Tab leaves the terminal: a shell needs Tab, but keyboard users must never be trapped. */
export function escapeThenTab(): (e: KeyboardEvent) => boolean {
  let escapedAt = 0;
  return (e) => {
    if (e.type !== 'keydown') return true;
    if (e.key === 'Escape') {
      escapedAt = Date.now();
      return true;
    }
    if (e.key === 'Tab' && Date.now() - escapedAt < 2000) {
      escapedAt = 0;
      return false; // xterm ignores it, so the browser moves focus
    }
    escapedAt = 0;
    return true;
  };
}

export function useTerminal(el: Ref<HTMLElement | null | undefined>, projectId: string, tabId: string, theme: () => 'dark' | 'light') {
  const status = ref<TerminalStatus>('connecting');
  const note = ref('');
  let term: Terminal | undefined;
  let socket: TerminalSocket | undefined;
  let fit: FitAddon | undefined;
  let observer: ResizeObserver | undefined;

  function refit(): void {
    if (!term || !fit || !el.value?.offsetParent) return;
    try {
      fit.fit();
    } catch {
      return;
    }
    socket?.resize(term.cols, term.rows);
  }

  function start(): TerminalHandle | undefined {
    if (!el.value) return undefined;
    term = new Terminal({
      cursorBlink: true,
      fontSize: 13,
      fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
      theme: THEMES[theme()],
      scrollback: 5000,
    });
    term.attachCustomKeyEventHandler(escapeThenTab());
    fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el.value);
    const t = term;
    let wasOpen = false;
    socket = new TerminalSocket({
      projectId,
      tabId,
      onData: (d) => t.write(d),
      onStatus: (s, d) => {
        status.value = s;
        if (s === 'open') {
          if (wasOpen) t.write('\r\n\x1b[2m[reconnected]\x1b[0m\r\n');
          wasOpen = true;
          note.value = '';
          refit();
        } else if (s === 'reconnecting') {
          note.value = `Connection lost; retrying in ${Math.round((d?.retryInMs ?? 0) / 1000)} s. Typing is kept.`;
        } else if (s === 'closed' && d?.reason) {
          note.value = d.reason;
          t.write(`\r\n\x1b[2m[${d.reason}]\x1b[0m\r\n`);
        }
      },
    });
    term.onData((data) => socket?.input(data));
    observer = new ResizeObserver(() => refit());
    observer.observe(el.value);
    refit();
    void socket.connect();
    // Registered by tab id so the browser test can read what the terminal shows (xterm draws it
    // on a canvas-like DOM that is awkward to scrape).
    (window as unknown as { __forgeTerminals?: Record<string, Terminal> }).__forgeTerminals ??= {};
    (window as unknown as { __forgeTerminals: Record<string, Terminal> }).__forgeTerminals[tabId] = term;
    return { term, socket };
  }

  function stop(killShell = false): void {
    observer?.disconnect();
    socket?.close(killShell);
    term?.dispose();
    const reg = (window as unknown as { __forgeTerminals?: Record<string, Terminal> }).__forgeTerminals;
    if (reg) delete reg[tabId];
    term = undefined;
    socket = undefined;
  }

  watch(theme, (t) => {
    if (term) term.options.theme = THEMES[t];
  });
  onBeforeUnmount(() => stop(false));

  return { status, note, start, stop, refit, focus: () => term?.focus() };
}
