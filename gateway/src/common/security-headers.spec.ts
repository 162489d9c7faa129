// The CSP's img-src follows the logo settings: only in direct mode does the browser fetch logos itself.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '@pi-forge/runtime';
import { securityHeaders } from './security-headers.js';

const imgSrc = (env: Record<string, string>) => {
  const csp = securityHeaders(loadConfig({ env: { HOME: '/nonexistent', ...env } }))?.contentSecurityPolicy as {
    directives: { imgSrc: string[] };
  };
  return csp.directives.imgSrc;
};

describe('securityHeaders', () => {
  it('keeps img-src same-origin in cache mode, whatever logos are configured', () => {
    assert.deepEqual(imgSrc({ AUTH_URL_LOGO: 'https://cdn.example.test/logo.png' }), ["'self'", 'data:', 'blob:']);
  });

  it('adds the logo origins and LOGO_IMG_SRC_ALLOWLIST in direct mode', () => {
    assert.deepEqual(
      imgSrc({
        LOGO_URL_MODE: 'direct',
        AUTH_URL_LOGO: 'https://cdn.example.test/a/logo.png',
        APP_LOGO_DARK_URL: 'https://cdn.example.test/dark.svg',
        APP_LOGO_LIGHT_URL: 'https://img.example.test:8443/light.svg',
        LOGO_IMG_SRC_ALLOWLIST: 'https://extra.example.test',
      }),
      ["'self'", 'data:', 'blob:', 'https://cdn.example.test', 'https://img.example.test:8443', 'https://extra.example.test'],
    );
  });
});

describe('securityHeaders: injected content', () => {
  it('forbids <base> and off-site form posts, and framing (issue 12.8)', () => {
    const csp = securityHeaders(loadConfig({ env: { HOME: '/nonexistent' } }))?.contentSecurityPolicy as {
      directives: Record<string, string[]>;
    };
    assert.deepEqual(csp.directives.baseUri, ["'none'"]);
    assert.deepEqual(csp.directives.formAction, ["'self'"]);
    assert.deepEqual(csp.directives.frameAncestors, ["'none'"]);
  });
});
