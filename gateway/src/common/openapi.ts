// OpenAPI 3 generated from the controllers and DTOs: Swagger UI at /api/docs, the spec at /api/docs/json
// (and /api/docs/yaml). EXPOSE_DOCS=false leaves these paths unregistered, so they answer 404.
// The spec is not secret; every call it describes still needs auth.
import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { productVersion } from '@pi-forge/runtime';
import { documentValidatedDtos } from './validation-docs.js';

export const PUBLIC_EXTENSION = 'x-forge-public';

type Operation = Record<string, unknown> & { tags?: string[]; security?: unknown[] };

/** Path segments the contract files under another tag (§2.1). */
const FEATURE_TAGS: Record<string, string> = { 'ui-config': 'health', metrics: 'health', search: 'sessions' };

/**
 * Public routes (marked by `@Public()`) need no credentials: `security: []` overrides the global bearer
 * requirement unless the route declares its own (change-password). Operations without a tag of their own
 * get their feature's, the first path segment after /api/v1.
 */
function finish(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    const feature = /^\/api\/v1\/([^/]+)/.exec(path)?.[1];
    for (const op of Object.values(item as Record<string, Operation>)) {
      if (typeof op !== 'object' || op === null || !('responses' in op)) continue;
      if (op[PUBLIC_EXTENSION]) {
        op.security ??= [];
        delete op[PUBLIC_EXTENSION];
      }
      // Swagger names a tag after the controller class unless told otherwise; the contract's tags are features.
      const autoTag = /^(.+)Controller_/.exec(String(op.operationId ?? ''))?.[1];
      const untagged = !op.tags || op.tags.length === 0 || (op.tags.length === 1 && op.tags[0] === autoTag);
      if (untagged && feature) op.tags = [FEATURE_TAGS[feature] ?? feature];
    }
  }
  return document;
}

/**
 * Swagger UI's "Try it out" with the browser's own login (docs/compatibility.md#auth-and-security): a token from `?token=`
 * (kept in sessionStorage, then removed from the address bar), else the web app's stored token, goes
 * on every /api/v1 fetch that has no Authorization header yet. A separate file, so the CSP needs no inline script.
 */
const AUTH_BOOTSTRAP = `(() => {
  const DOCS_KEY = 'pi-forge/docs-token';
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(DOCS_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(null, '', url);
  }
  const token = () => sessionStorage.getItem(DOCS_KEY) || localStorage.getItem('pi-forge/auth-token');
  const fetch = window.fetch.bind(window);
  window.fetch = (input, init = {}) => {
    const target = new URL(typeof input === 'string' ? input : input.url, location.href);
    const headers = new Headers(init.headers || (typeof input === 'string' ? undefined : input.headers));
    if (target.origin === location.origin && target.pathname.startsWith('/api/v1/') && token() && !headers.has('authorization')) {
      headers.set('authorization', 'Bearer ' + token());
      return fetch(input, { ...init, headers });
    }
    return fetch(input, init);
  };
})();
`;
export const DOCS_AUTH_SCRIPT_PATH = '/api/docs/pi-forge-auth.js';

export function setupOpenApi(app: INestApplication, logger: Logger): void {
  try {
    documentValidatedDtos();
  } catch (err) {
    // Thinner docs, never a gateway that does not start.
    logger.warn({ err }, 'could not derive OpenAPI schemas from the DTOs; the docs show only @ApiProperty fields');
  }
  app.getHttpAdapter().get(DOCS_AUTH_SCRIPT_PATH, (_req: unknown, reply: { type(t: string): { send(b: string): void } }) => {
    reply.type('application/javascript; charset=utf-8').send(AUTH_BOOTSTRAP);
  });
  const config = new DocumentBuilder()
    .setTitle('pi-forge API')
    .setVersion(productVersion())
    .setDescription('The pi-forge gateway. Authenticate with `Authorization: Bearer <JWT from /auth/login or API_KEY>`.')
    .addBearerAuth({ type: 'http', scheme: 'bearer' }, 'bearerAuth')
    .addSecurityRequirements('bearerAuth')
    .build();
  SwaggerModule.setup('api/docs', app, () => finish(SwaggerModule.createDocument(app, config)), {
    jsonDocumentUrl: 'api/docs/json',
    yamlDocumentUrl: 'api/docs/yaml',
    customSiteTitle: 'pi-forge API',
    customJs: DOCS_AUTH_SCRIPT_PATH,
    swaggerOptions: { docExpansion: 'list', persistAuthorization: true },
  });
}
