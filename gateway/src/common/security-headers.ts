// Security headers and CSP on every response, errors and 404s included (docs/compatibility.md#auth-and-security), through Nest's
// built-in `app.useSecurityHeaders()` (helmet's defaults plus our directives). Where we are stricter
// than the contract: docs/security.md.
import type { SecurityHeadersOptions } from '@nestjs/common';
import type { ForgeConfig } from '@pi-forge/runtime';

/** img-src gains the logo origins and LOGO_IMG_SRC_ALLOWLIST only in direct mode, where the browser fetches them. */
function imageSources(config: ForgeConfig): string[] {
  const sources = ["'self'", 'data:', 'blob:'];
  if (config.LOGO_URL_MODE !== 'direct') return sources;
  // AUTH_LOGO_URL is only the legacy fallback of AUTH_URL_LOGO: its origin is allowed only when it is used.
  for (const url of [config.AUTH_URL_LOGO ?? config.AUTH_LOGO_URL, config.APP_LOGO_DARK_URL, config.APP_LOGO_LIGHT_URL]) {
    if (url) sources.push(new URL(url).origin);
  }
  for (const entry of config.LOGO_IMG_SRC_ALLOWLIST) sources.push(entry);
  return [...new Set(sources)];
}

export function securityHeaders(config: ForgeConfig): SecurityHeadersOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        styleSrcAttr: ["'unsafe-inline'"],
        imgSrc: imageSources(config),
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        // Stricter than docs/compatibility.md#auth-and-security (base-uri 'self', no form-action): model output rendered as HTML
        // must not be able to re-base relative URLs or post a fake login form anywhere but here.
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: { maxAge: 15_552_000, includeSubDomains: true },
    xContentTypeOptions: true,
  };
}
