import { afterEach, describe, expect, it, vi } from 'vitest';
import { sessionsApi } from './sessions.api';

afterEach(() => vi.unstubAllGlobals());

describe('sessionsApi.prompt', () => {
  it('sends JSON without attachments and multipart with them', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ accepted: true }), { status: 202 }));
    vi.stubGlobal('fetch', fetchMock);
    await sessionsApi.prompt('s1', 'hello');
    let init = (fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect(init.body).toBe('{"text":"hello"}');
    expect((init.headers as Record<string, string>)['content-type']).toBe('application/json');

    await sessionsApi.prompt('s1', 'look', 'followUp', [new File(['a,b\n1,2\n'], 'data.csv', { type: 'text/csv' })]);
    init = (fetchMock.mock.calls[1] as unknown as [string, RequestInit])[1];
    const form = init.body as FormData;
    expect(form).toBeInstanceOf(FormData);
    expect(form.get('text')).toBe('look');
    expect(form.get('streamingBehavior')).toBe('followUp');
    expect((form.get('attachments') as File).name).toBe('data.csv');
    // the browser sets the multipart boundary itself
    expect((init.headers as Record<string, string>)['content-type']).toBeUndefined();
  });
});
