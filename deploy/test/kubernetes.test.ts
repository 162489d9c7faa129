// The Kubernetes and OpenShift manifests, offline: every object validates against the Kubernetes
// schemas (kubernetes-models; the OpenShift Route against its API shape), and the workload is what
// DEPLOY.md promises: one pod of four containers, restricted securityContext, probes, limits,
// and volume mounts that line up with the claims and the configured paths.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { CONFIG_OPTIONS } from '@pi-forge/runtime';
import { REPO_ROOT } from '@pi-forge/test-fixtures';
import { loadManifests, repoFile } from './manifests.js';

const MODELS: Record<string, () => Promise<new (o: unknown) => { validate(): void }>> = {
  'v1/Namespace': () => import('kubernetes-models/v1/Namespace').then((m) => m.Namespace as never),
  'v1/PersistentVolumeClaim': () => import('kubernetes-models/v1/PersistentVolumeClaim').then((m) => m.PersistentVolumeClaim as never),
  'v1/Service': () => import('kubernetes-models/v1/Service').then((m) => m.Service as never),
  'apps/v1/Deployment': () => import('kubernetes-models/apps/v1/Deployment').then((m) => m.Deployment as never),
  'networking.k8s.io/v1/Ingress': () => import('kubernetes-models/networking.k8s.io/v1/Ingress').then((m) => m.Ingress as never),
  'networking.k8s.io/v1/NetworkPolicy': () =>
    import('kubernetes-models/networking.k8s.io/v1/NetworkPolicy').then((m) => m.NetworkPolicy as never),
};

// route.openshift.io/v1 Route (no offline OpenShift models on npm): the fields we use, per the OpenShift API reference.
const ROUTE_SCHEMA = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'route.openshift.io/v1' },
    kind: { const: 'Route' },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: { annotations: { type: 'object', additionalProperties: { type: 'string' } } },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['to'],
      properties: {
        host: { type: 'string' },
        path: { type: 'string' },
        to: {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'name'],
          properties: { kind: { const: 'Service' }, name: { type: 'string' }, weight: { type: 'integer', minimum: 0, maximum: 256 } },
        },
        port: {
          type: 'object',
          additionalProperties: false,
          required: ['targetPort'],
          properties: { targetPort: { type: ['string', 'integer'] } },
        },
        tls: {
          type: 'object',
          additionalProperties: false,
          required: ['termination'],
          properties: {
            termination: { enum: ['edge', 'passthrough', 'reencrypt'] },
            insecureEdgeTerminationPolicy: { enum: ['Allow', 'None', 'Redirect', ''] },
            certificate: { type: 'string' },
            key: { type: 'string' },
          },
        },
        wildcardPolicy: { enum: ['None', 'Subdomain'] },
      },
    },
  },
};

// kubernetes-models does not flag unknown fields, so a typo would pass: check the keys we use.
const CONTAINER_KEYS = new Set([
  'name',
  'image',
  'imagePullPolicy',
  'command',
  'args',
  'workingDir',
  'ports',
  'env',
  'envFrom',
  'resources',
  'volumeMounts',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'securityContext',
  'stdin',
  'tty',
  'terminationMessagePath',
  'terminationMessagePolicy',
]);
const PROBE_KEYS = new Set([
  'exec',
  'httpGet',
  'tcpSocket',
  'grpc',
  'initialDelaySeconds',
  'periodSeconds',
  'timeoutSeconds',
  'successThreshold',
  'failureThreshold',
  'terminationGracePeriodSeconds',
]);
const SECURITY_KEYS = new Set([
  'allowPrivilegeEscalation',
  'readOnlyRootFilesystem',
  'runAsNonRoot',
  'runAsUser',
  'runAsGroup',
  'capabilities',
  'seccompProfile',
  'privileged',
  'procMount',
  'seLinuxOptions',
  'appArmorProfile',
]);

const EXPECTED_ARGS: Record<string, string[]> = {
  gateway: ['node', 'gateway/dist/src/main.js'],
  agent: ['node', 'services/agent/dist/src/main.js'],
  pty: ['node', 'services/pty/dist/src/main.js'],
  workspace: ['node', 'services/workspace/dist/src/main.js'],
};
const GRPC_PORTS: Record<string, number> = { agent: 50051, pty: 50052, workspace: 50053 };

const env = (c: any, name: string): string | undefined => c.env?.find((e: any) => e.name === name)?.value;

for (const flavour of ['kube', 'openshift'] as const) {
  describe(`kubernetes/${flavour}`, () => {
    const all = loadManifests(`kubernetes/${flavour}`);
    const find = (kind: string) => all.filter((m) => m.obj.kind === kind).map((m) => m.obj);
    const deployment = find('Deployment')[0];
    const pod = deployment?.spec.template.spec;

    it('every object validates against its API schema', async () => {
      assert.ok(all.length >= 6, 'manifests found');
      for (const { file, obj } of all) {
        const key = `${obj.apiVersion}/${obj.kind}`;
        if (key === 'route.openshift.io/v1/Route') {
          const validate = new Ajv({ allErrors: true, strict: false }).compile(ROUTE_SCHEMA);
          assert.ok(validate(obj), `${file} Route: ${JSON.stringify(validate.errors)}`);
          continue;
        }
        const Model = await MODELS[key]?.();
        assert.ok(Model, `${file}: no schema for ${key}`);
        assert.doesNotThrow(
          () => new Model(obj).validate(),
          (e: any) => `${file} ${key} ${obj.metadata?.name}: ${JSON.stringify(e?.errors ?? e?.message)}`,
        );
        if (obj.kind !== 'Namespace') assert.equal(obj.metadata.namespace, 'pi-forge', `${file} ${key} namespace`);
      }
    });

    it('catches a broken manifest (the validation can fail)', async () => {
      const Model = await MODELS['apps/v1/Deployment']();
      const broken = structuredClone(deployment);
      broken.spec.replicas = 'one';
      delete broken.spec.template.spec.containers[0].name;
      assert.throws(() => new Model(broken).validate());
    });

    it('runs one replica of one pod with the four processes from one image', () => {
      assert.equal(find('Deployment').length, 1);
      assert.equal(deployment.spec.replicas, 1);
      assert.equal(deployment.spec.strategy.type, 'Recreate');
      assert.deepEqual(pod.containers.map((c: any) => c.name).sort(), ['agent', 'gateway', 'pty', 'workspace']);
      assert.equal(new Set(pod.containers.map((c: any) => c.image)).size, 1);
      for (const c of pod.containers) {
        assert.deepEqual(c.args, EXPECTED_ARGS[c.name], `${c.name} args`);
        assert.equal(c.command, undefined, `${c.name} keeps the image's tini entrypoint`);
        for (const k of Object.keys(c)) assert.ok(CONTAINER_KEYS.has(k), `${c.name}: unknown container field ${k}`);
      }
      assert.equal(pod.automountServiceAccountToken, false);
    });

    it('meets the restricted Pod Security Standard', () => {
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
      if (flavour === 'kube') assert.equal(pod.securityContext.runAsUser, 1000);
      // OpenShift's restricted-v2 SCC assigns the UID; a fixed one would be rejected.
      else assert.equal(pod.securityContext.runAsUser, undefined);
      assert.ok(!pod.hostNetwork && !pod.hostPID && !pod.hostIPC);
      for (const v of pod.volumes)
        assert.ok(
          v.persistentVolumeClaim || v.emptyDir || v.secret,
          `volume ${v.name} is a PVC, emptyDir or Secret (types the restricted standard allows; no hostPath)`,
        );
      for (const c of pod.containers) {
        const sc = c.securityContext;
        for (const k of Object.keys(sc)) assert.ok(SECURITY_KEYS.has(k), `${c.name}: unknown securityContext field ${k}`);
        assert.equal(sc.allowPrivilegeEscalation, false, `${c.name} allowPrivilegeEscalation`);
        assert.equal(sc.readOnlyRootFilesystem, true, `${c.name} readOnlyRootFilesystem`);
        assert.equal(sc.runAsNonRoot, true, `${c.name} runAsNonRoot`);
        assert.notEqual(sc.privileged, true);
        assert.deepEqual(sc.capabilities, { drop: ['ALL'] }, `${c.name} drops ALL and adds nothing`);
        assert.equal(sc.seccompProfile.type, 'RuntimeDefault');
      }
    });

    it("probes the gateway over HTTP and each service over loopback with the image's gRPC health probe", () => {
      for (const c of pod.containers) {
        for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
          const p = c[kind];
          assert.ok(p, `${c.name} ${kind}`);
          for (const k of Object.keys(p)) assert.ok(PROBE_KEYS.has(k), `${c.name} ${kind}: unknown field ${k}`);
          assert.ok(p.timeoutSeconds >= 1 && p.periodSeconds >= 1 && p.failureThreshold >= 1);
          if (c.name === 'gateway') {
            assert.deepEqual(p.httpGet, { path: '/api/v1/health', port: 'http' });
          } else {
            // The kubelet's own gRPC probe dials the pod IP, where the services no longer listen.
            assert.equal(p.grpc, undefined, `${c.name} ${kind} is not a kubelet gRPC probe`);
            assert.deepEqual(
              p.exec,
              { command: ['node', '/app/deploy/probe.mjs', `127.0.0.1:${GRPC_PORTS[c.name]}`] },
              `${c.name} ${kind} probe`,
            );
            assert.equal(c.ports, undefined, `${c.name} declares no container port`);
          }
        }
      }
    });

    it('wires the gateway to the services over loopback and each service to its own port', () => {
      const gw = pod.containers.find((c: any) => c.name === 'gateway');
      for (const [svc, port] of Object.entries(GRPC_PORTS)) {
        assert.equal(env(gw, `${svc.toUpperCase()}_GRPC_URL`), `127.0.0.1:${port}`);
        const c = pod.containers.find((x: any) => x.name === svc);
        // loopback only: other pods cannot reach the service (the pod shares one network namespace)
        assert.equal(env(c, `${svc.toUpperCase()}_GRPC_URL`), `127.0.0.1:${port}`);
      }
      // only the gateway gets secrets in its environment; every container reads the gRPC secret from a file
      for (const c of pod.containers) {
        const fromSecret = (c.env ?? [])
          .filter((e: any) => e.valueFrom?.secretKeyRef)
          .map((e: any) => e.name)
          .sort();
        if (c.name === 'gateway') assert.deepEqual(fromSecret, ['API_KEY', 'JWT_SECRET', 'METRICS_TOKEN', 'UI_PASSWORD']);
        else assert.deepEqual(fromSecret, [], `${c.name} gets no secrets in its environment`);
        assert.equal(env(c, 'GRPC_SECRET_FILE'), '/etc/pi-forge/grpc/grpc-secret', `${c.name} reads the gRPC secret`);
        assert.deepEqual(
          c.volumeMounts.find((m: any) => m.name === 'grpc-secret'),
          { name: 'grpc-secret', mountPath: '/etc/pi-forge/grpc', readOnly: true },
          `${c.name} mounts it read-only`,
        );
      }
      const grpcVolume = pod.volumes.find((v: any) => v.name === 'grpc-secret');
      assert.deepEqual(
        grpcVolume.secret,
        { secretName: 'pi-forge-secret', items: [{ key: 'GRPC_SECRET', path: 'grpc-secret' }], defaultMode: 0o440 },
        'required (not optional), group-readable only',
      );
      // a misspelled variable would be silently ignored by the processes
      const known = new Set<string>([...CONFIG_OPTIONS.map((o) => o.env), 'HOME']);
      for (const c of pod.containers) for (const e of c.env) assert.ok(known.has(e.name), `${c.name}: ${e.name} is not a pi-forge setting`);
      const netpol = find('NetworkPolicy')[0];
      assert.deepEqual(
        netpol.spec.ingress,
        [{ ports: [{ port: 3000, protocol: 'TCP' }] }],
        'only the gateway port is reachable from outside the pod',
      );
    });

    it('sets requests and limits on every container', () => {
      for (const c of pod.containers) {
        for (const r of ['cpu', 'memory']) {
          assert.ok(c.resources.requests?.[r], `${c.name} requests.${r}`);
          assert.ok(c.resources.limits?.[r], `${c.name} limits.${r}`);
        }
      }
    });

    it('mounts volumes consistently with the claims and the configured paths', () => {
      const claims = new Set(find('PersistentVolumeClaim').map((p) => p.metadata.name));
      assert.deepEqual([...claims].sort(), ['pi-forge-data', 'pi-forge-pi-config', 'pi-forge-workspace']);
      const volumes = new Map<string, any>(pod.volumes.map((v: any) => [v.name, v]));
      for (const v of volumes.values())
        if (v.persistentVolumeClaim)
          assert.ok(claims.has(v.persistentVolumeClaim.claimName), `claim ${v.persistentVolumeClaim.claimName} defined`);
      const used = new Set<string>();
      for (const c of pod.containers) {
        const mounts = new Map<string, string>(c.volumeMounts.map((m: any) => [m.mountPath, m.name]));
        for (const m of c.volumeMounts) {
          assert.ok(volumes.has(m.name), `${c.name} mounts undefined volume ${m.name}`);
          used.add(m.name);
        }
        // read-only root: /tmp and HOME must be writable volumes
        assert.ok(mounts.has('/tmp'), `${c.name} /tmp`);
        assert.ok(mounts.has(env(c, 'HOME')!), `${c.name} HOME`);
        // every configured path the process uses is a mounted volume
        for (const [name, vol] of [
          ['WORKSPACE_PATH', 'workspace'],
          ['PI_CONFIG_DIR', 'pi-config'],
          ['FORGE_DATA_DIR', 'data'],
        ] as const) {
          const path = env(c, name);
          assert.ok(path, `${c.name} sets ${name}`);
          if (mounts.has(path!)) assert.equal(mounts.get(path!), vol, `${c.name} ${name} is the ${vol} volume`);
        }
      }
      const mountsOf = (name: string) => new Set(pod.containers.find((c: any) => c.name === name).volumeMounts.map((m: any) => m.name));
      assert.ok(mountsOf('gateway').has('data'), 'gateway keeps jwt-secret and password-hash in the data volume');
      assert.ok(!mountsOf('gateway').has('workspace'), 'the gateway holds no workspace state');
      for (const svc of ['agent', 'pty', 'workspace']) assert.ok(mountsOf(svc).has('workspace'), `${svc} mounts the workspace`);
      assert.ok(mountsOf('agent').has('pi-config'), 'agent mounts the pi config');
      for (const v of volumes.keys()) assert.ok(used.has(v), `volume ${v} is mounted somewhere`);
    });

    it('exposes the gateway with SSE- and WebSocket-friendly timeouts', () => {
      const svc = find('Service')[0];
      assert.deepEqual(svc.spec.selector, deployment.spec.template.metadata.labels);
      assert.equal(svc.spec.ports[0].targetPort, 'http');
      if (flavour === 'kube') {
        const ing = find('Ingress')[0];
        const a = ing.metadata.annotations!;
        assert.equal(a['nginx.ingress.kubernetes.io/proxy-buffering'], 'off');
        assert.ok(Number(a['nginx.ingress.kubernetes.io/proxy-read-timeout']) >= 1800);
        assert.ok(Number(a['nginx.ingress.kubernetes.io/proxy-send-timeout']) >= 1800);
        assert.equal(ing.spec.rules[0].http.paths[0].backend.service.name, svc.metadata.name);
        const ns = find('Namespace')[0];
        assert.equal(ns.metadata.labels!['pod-security.kubernetes.io/enforce'], 'restricted');
      } else {
        const route = find('Route')[0];
        assert.equal(route.spec.to.name, svc.metadata.name);
        assert.equal(route.metadata.annotations!['haproxy.router.openshift.io/timeout'], '3600s');
        assert.equal(route.metadata.annotations!['haproxy.router.openshift.io/timeout-tunnel'], '3600s');
      }
    });
  });
}

describe('kubernetes secret bootstrap', () => {
  it('applies the Secret idempotently, keeps the gRPC secret across runs, and never prints secret values', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pi-forge-kubectl-'));
    const log = join(dir, 'calls.log');
    const existing = join(dir, 'existing-grpc-secret');
    // A stand-in kubectl: `create … --dry-run=client -o yaml` prints its arguments, `apply -f -` stores stdin,
    // `get secret` answers with the stored GRPC_SECRET (base64, as jsonpath on .data does) or NotFound.
    const fake = join(dir, 'kubectl');
    writeFileSync(
      fake,
      `#!/usr/bin/env bash\necho "$1" >> "${log}"\nif [ "$1" = apply ]; then cat > "${dir}/applied"; echo "secret/pi-forge-secret configured"; elif [ "$1" = get ]; then [ -f "${existing}" ] || { echo 'Error from server (NotFound)' >&2; exit 1; }; base64 -w0 < "${existing}"; else printf '%s\\n' "$@" ; fi\n`,
    );
    chmodSync(fake, 0o755);
    const run = (script: string, extra: Record<string, string> = {}) => {
      const r = spawnSync('bash', [join(REPO_ROOT, script)], {
        env: {
          PATH: process.env.PATH,
          KUBECTL: fake,
          UI_PASSWORD: 'ui-secret-value',
          GENERATE_API_KEY: '1',
          GENERATE_METRICS_TOKEN: '1',
          ...extra,
        },
        encoding: 'utf8',
        timeout: 10_000,
      });
      assert.equal(r.status, 0, r.stderr);
      return { stdout: r.stdout, applied: readFileSync(join(dir, 'applied'), 'utf8') };
    };
    for (const script of ['kubernetes/kube/secret.sh', 'kubernetes/openshift/secret.sh']) {
      rmSync(existing, { force: true });
      const { stdout, applied } = run(script);
      assert.match(applied, /--from-literal=UI_PASSWORD=ui-secret-value/);
      assert.match(applied, /--from-literal=API_KEY=[0-9a-f]{64}\n/);
      assert.match(applied, /--from-literal=METRICS_TOKEN=[0-9a-f]{64}\n/);
      assert.match(applied, /--from-literal=GRPC_SECRET=[0-9a-f]{64}\n/, 'the first run generates the gRPC secret');
      assert.match(applied, /--dry-run=client/);
      assert.doesNotMatch(applied, /JWT_SECRET/, 'JWT_SECRET is left to the gateway');
      const apiKey = /API_KEY=([0-9a-f]{64})/.exec(applied)![1];
      const grpcSecret = /GRPC_SECRET=([0-9a-f]{64})/.exec(applied)![1];
      for (const secret of ['ui-secret-value', apiKey, grpcSecret]) assert.ok(!stdout.includes(secret), 'no secret in the output');
      // A later run keeps the cluster's gRPC secret (a pod restarted later must not get another one).
      writeFileSync(existing, grpcSecret);
      assert.match(run(script).applied, new RegExp(`--from-literal=GRPC_SECRET=${grpcSecret}\n`));
      assert.doesNotMatch(run(script, { ROTATE_GRPC_SECRET: '1' }).applied, new RegExp(grpcSecret), 'ROTATE_GRPC_SECRET=1 makes a new one');
    }
    // per run: get (except when rotating) + create + apply
    assert.equal(readFileSync(log, 'utf8').trim().split('\n').length, 2 * (3 + 3 + 2));
    rmSync(dir, { recursive: true, force: true });
  });

  it('DEPLOY.md walks through both flavours', () => {
    const doc = repoFile('kubernetes/DEPLOY.md');
    for (const needle of ['kubernetes/kube/secret.sh', 'kubernetes/openshift/secret.sh', 'restricted', 'one pod', 'grpc'])
      assert.ok(doc.toLowerCase().includes(needle.toLowerCase()), `DEPLOY.md mentions ${needle}`);
  });
});
