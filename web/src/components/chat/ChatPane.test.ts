import { beforeEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import ChatPane from './ChatPane.vue';
import { useChatStore } from '../../stores/chat';
import { useProjectsStore } from '../../stores/projects';

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
});

describe('ChatPane', () => {
  it('renders the newest 200 entries of a long session and pages back on demand', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    useProjectsStore().projects = [{ id: 'p', name: 'p', path: '/w/p', createdAt: '' }];
    useProjectsStore().activeId = 'p';
    const chat = useChatStore();
    chat.sessionId = 's';
    chat.state.messages = Array.from({ length: 450 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `message ${i}` }));
    const w = mount(ChatPane, { global: { plugins: [pinia], stubs: { MessageComposer: true } } });
    expect(w.findAll('article')).toHaveLength(200);
    expect(w.text()).toContain('message 449');
    expect(w.text()).not.toContain('message 249');
    await w.find('button.more').trigger('click');
    expect(w.findAll('article')).toHaveLength(400);
    await w.find('button.more').trigger('click');
    expect(w.findAll('article')).toHaveLength(450);
    expect(w.find('button.more').exists()).toBe(false);
  });

  it('shows tool results inside their call, not as entries of their own', () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    useProjectsStore().projects = [{ id: 'p', name: 'p', path: '/w/p', createdAt: '' }];
    useProjectsStore().activeId = 'p';
    const chat = useChatStore();
    chat.sessionId = 's';
    chat.state.messages = [
      { role: 'user', content: 'list' },
      { role: 'assistant', content: [{ type: 'toolCall', id: 't1', name: 'bash', arguments: { command: 'ls' } }] },
      { role: 'toolResult', toolCallId: 't1', toolName: 'bash', content: [{ type: 'text', text: 'a.txt' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'There is **a.txt**.' }] },
    ];
    const w = mount(ChatPane, { global: { plugins: [pinia], stubs: { MessageComposer: true } } });
    expect(w.findAll('article')).toHaveLength(3);
    expect(w.find('.tool-card[data-tool="bash"] .tool-output').text()).toBe('a.txt');
    expect(w.find('.markdown strong').text()).toBe('a.txt');
  });
});
