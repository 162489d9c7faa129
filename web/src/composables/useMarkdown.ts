// Markdown for chat messages: GFM via marked, code highlighted by highlight.js, and the HTML
// sanitised by DOMPurify (the model's output is untrusted). Streaming text renders the same way on
// every update, so an unclosed code fence simply shows as code until it closes.
import { Marked } from 'marked';
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import go from 'highlight.js/lib/languages/go';
import rust from 'highlight.js/lib/languages/rust';

for (const [name, lang] of Object.entries({ bash, css, diff, javascript, json, markdown, python, typescript, xml, yaml, go, rust }))
  hljs.registerLanguage(name, lang);
hljs.registerAliases(['sh', 'shell', 'zsh'], { languageName: 'bash' });
hljs.registerAliases(['js', 'mjs', 'cjs', 'jsx'], { languageName: 'javascript' });
hljs.registerAliases(['ts', 'tsx'], { languageName: 'typescript' });
hljs.registerAliases(['html', 'vue', 'svg'], { languageName: 'xml' });
hljs.registerAliases(['py'], { languageName: 'python' });
hljs.registerAliases(['yml'], { languageName: 'yaml' });
hljs.registerAliases(['md'], { languageName: 'markdown' });

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function highlight(code: string, lang?: string): string {
  const l = lang?.trim().split(/\s+/)[0]?.toLowerCase();
  if (l && hljs.getLanguage(l)) return hljs.highlight(code, { language: l, ignoreIllegals: true }).value;
  return escapeHtml(code);
}

const marked = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    code({ text, lang }) {
      const l = lang?.trim().split(/\s+/)[0] ?? '';
      return `<pre class="code"><code class="hljs${l ? ` language-${escapeHtml(l)}` : ''}">${highlight(text, l)}</code></pre>`;
    },
  },
});

/**
 * Model output must not be able to draw a convincing fake login (issue 12.8): no forms or controls
 * to type a password into, no <style> or style= to restyle the page, no <base>, frames or links.
 * GFM task-list checkboxes are inputs too; they go with the rest.
 */
const FORBID_TAGS = [
  'form',
  'input',
  'button',
  'select',
  'option',
  'optgroup',
  'textarea',
  'label',
  'fieldset',
  'output',
  'datalist',
  'style',
  'link',
  'meta',
  'base',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'dialog',
  'template',
  'slot',
];
const FORBID_ATTR = [
  'style',
  'action',
  'formaction',
  'form',
  'method',
  'enctype',
  'target',
  'srcset',
  'ping',
  'autofocus',
  'tabindex',
  'contenteditable',
  'popover',
];
/** Only the classes our own renderer emits (highlight.js and code blocks), so output cannot borrow the app's styles. */
const ALLOWED_CLASS = /^(hljs(-[\w-]+)?|[a-z]+_+|language-[\w+#.-]+|code)$/;

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  const cls = node.getAttribute('class');
  if (cls !== null) {
    const kept = cls.split(/\s+/).filter((c) => ALLOWED_CLASS.test(c));
    if (kept.length) node.setAttribute('class', kept.join(' '));
    else node.removeAttribute('class');
  }
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

export function renderMarkdown(text: string): string {
  const html = marked.parse(text, { async: false });
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS, FORBID_ATTR });
}

/** Operator-supplied HTML (AUTH_BANNER_HTML): the same rules as model output. */
export function sanitizeHtml(html: string): string {
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS, FORBID_ATTR });
}

export function useMarkdown() {
  return { renderMarkdown, highlight };
}
