import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import ToolCard from './ToolCard.vue';

describe('ToolCard', () => {
  it('shows a bash command with its output', () => {
    const w = mount(ToolCard, {
      props: { name: 'bash', args: { command: 'echo hi' }, result: { content: [{ type: 'text', text: 'hi\n' }] }, running: false },
    });
    expect(w.find('.tool-head').text()).toContain('$ echo hi');
    expect(w.find('.tool-output').text()).toBe('hi');
    expect(w.find('[aria-label="done"]').exists()).toBe(true);
  });

  it('shows partial output while running, and marks failures', () => {
    const running = mount(ToolCard, {
      props: { name: 'bash', args: { command: 'sleep 1' }, partial: { content: [{ type: 'text', text: 'so far' }] }, running: true },
    });
    expect(running.find('[aria-label="running"]').exists()).toBe(true);
    expect(running.find('.tool-output').text()).toBe('so far');
    const failed = mount(ToolCard, {
      props: { name: 'bash', args: { command: 'false' }, result: { content: 'exit 1' }, isError: true, running: false },
    });
    expect(failed.classes()).toContain('error');
  });

  it('shows an edit as a diff and a write as additions', () => {
    const edit = mount(ToolCard, { props: { name: 'edit', args: { path: 'a.ts', oldText: 'x = 1', newText: 'x = 2' }, running: false } });
    expect(edit.findAll('.line.del').map((l) => l.text())).toEqual(['-x = 1']);
    expect(edit.findAll('.line.add').map((l) => l.text())).toEqual(['+x = 2']);
    const write = mount(ToolCard, { props: { name: 'write', args: { path: 'b.txt', content: 'one\ntwo' }, running: false } });
    expect(write.findAll('.line.add')).toHaveLength(2);
  });

  it('collapses and expands from the keyboard-reachable header', async () => {
    const w = mount(ToolCard, { props: { name: 'read', args: { path: 'x' }, result: { content: 'body' }, running: false } });
    expect(w.find('.tool-body').exists()).toBe(false);
    await w.find('button.tool-head').trigger('click');
    expect(w.find('.tool-output').text()).toBe('body');
    expect(w.find('button.tool-head').attributes('aria-expanded')).toBe('true');
  });
});
