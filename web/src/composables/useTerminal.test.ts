import { describe, expect, it } from 'vitest';
import { escapeThenTab } from './useTerminal';

const key = (k: string, type = 'keydown') => ({ key: k, type }) as KeyboardEvent;

describe('escapeThenTab', () => {
  it('lets Tab reach the shell, except right after Escape, when it leaves the terminal', () => {
    const handle = escapeThenTab();
    expect(handle(key('Tab'))).toBe(true); // completion in the shell
    expect(handle(key('Escape'))).toBe(true);
    expect(handle(key('Tab'))).toBe(false); // the browser moves focus on
    expect(handle(key('Tab'))).toBe(true); // only once
    handle(key('Escape'));
    handle(key('a'));
    expect(handle(key('Tab'))).toBe(true); // another key in between cancels it
    expect(handle(key('Escape', 'keyup'))).toBe(true);
  });
});
