// @vitest-environment jsdom
// DOMPurify needs a faithful DOM to sanitise; happy-dom is not one, jsdom is (and so is the browser).
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './useMarkdown';

describe('renderMarkdown', () => {
  it('renders GFM and highlights fenced code', () => {
    const html = renderMarkdown('# Title\n\n- a\n- b\n\n```ts\nconst x: number = 1;\n```');
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<li>a</li>');
    expect(html).toMatch(/<pre class="code"><code class="hljs language-ts"><span class="hljs-keyword">const<\/span>/);
  });

  it('strips scripts and event handlers from model output', () => {
    const html = renderMarkdown('hi <script>alert(1)</script><img src=x onerror="alert(2)"> [x](javascript:alert(3))');
    expect(html).not.toMatch(/<script|onerror|javascript:/i);
  });

  it('escapes code in unknown languages and opens links in a new tab', () => {
    expect(renderMarkdown('```nope\n<b>x</b>\n```')).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(renderMarkdown('[pi](https://example.com)')).toContain('rel="noopener noreferrer"');
  });

  it('shows an unclosed fence (mid-stream) as code', () => {
    expect(renderMarkdown('Here:\n```bash\necho hi')).toContain('<pre class="code">');
  });
});
