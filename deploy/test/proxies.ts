// Runs Debian's nginx and Caddy as child processes (foreground, own temp config, pid and log
// paths) with the reverse-proxy snippets taken verbatim from docs/deployment.md. Only the listen
// address and the upstream port are changed, each by an exact, asserted substitution.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@pi-forge/test-fixtures';
import { repoFile } from './manifests.js';

/** The fenced block that follows `<!-- proxy-test: name -->` in docs/deployment.md. */
export function docSnippet(name: string): string {
  const doc = repoFile('docs/deployment.md');
  const marker = doc.indexOf(`<!-- proxy-test: ${name} -->`);
  if (marker < 0) throw new Error(`docs/deployment.md has no <!-- proxy-test: ${name} --> block`);
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(doc.slice(marker));
  if (!m) throw new Error(`no code block after the ${name} marker`);
  return m[1];
}

function replaceOnce(text: string, from: string, to: string, what: string): string {
  const n = text.split(from).length - 1;
  if (n !== 1) throw new Error(`the ${what} snippet must contain "${from}" exactly once (found ${n})`);
  return text.replace(from, to);
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Debian's binaries by their full path: root's PATH may lack /usr/sbin in a non-login shell. */
const binary = (name: string, debianPath: string) => (existsSync(debianPath) ? debianPath : name);

export class ProxyProcess {
  readonly log: string[] = [];
  private readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly port: number,
    readonly dir: string,
  ) {
    child.stdout!.on('data', (d) => this.log.push(String(d)));
    child.stderr!.on('data', (d) => this.log.push(String(d)));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async ready(): Promise<void> {
    await waitFor(
      `${this.name} listening on ${this.port}`,
      async () => {
        if (this.child.exitCode !== null) throw new Error(`${this.name} exited ${this.child.exitCode}: ${this.log.join('').slice(-2000)}`);
        return portOpen(this.port);
      },
      15_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${this.log.join('').slice(-2000)}`);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function startNginx(listenPort: number, upstreamPort: number): ProxyProcess {
  const dir = mkdtempSync(join(tmpdir(), 'pi-forge-nginx-'));
  // nginx's workers drop to an unprivileged user when started as root: let them use the temp paths.
  chmodSync(dir, 0o755);
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    mkdirSync(join(dir, sub));
    chmodSync(join(dir, sub), 0o777);
  }
  let site = docSnippet('nginx');
  site = replaceOnce(site, 'listen 80;', `listen 127.0.0.1:${listenPort};`, 'nginx');
  site = replaceOnce(site, 'proxy_pass http://127.0.0.1:3000;', `proxy_pass http://127.0.0.1:${upstreamPort};`, 'nginx');
  const conf = `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  # --- docs/deployment.md, nginx snippet ---
${site}
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child = spawn(binary('nginx', '/usr/sbin/nginx'), ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new ProxyProcess('nginx', child, listenPort, dir);
}

export function startCaddy(listenPort: number, upstreamPort: number): ProxyProcess {
  const dir = mkdtempSync(join(tmpdir(), 'pi-forge-caddy-'));
  let site = docSnippet('caddy');
  site = replaceOnce(site, 'http://pi-forge.local {', `http://127.0.0.1:${listenPort} {`, 'caddy');
  site = replaceOnce(site, 'reverse_proxy 127.0.0.1:3000 {', `reverse_proxy 127.0.0.1:${upstreamPort} {`, 'caddy');
  // Global options for the test only: no admin endpoint (it would share port 2019 across runs),
  // listen on loopback only.
  const caddyfile = `{\n\tadmin off\n\tdefault_bind 127.0.0.1\n}\n\n${site}`;
  writeFileSync(join(dir, 'Caddyfile'), caddyfile);
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_CONFIG_HOME: join(dir, 'config'),
  };
  const child = spawn(binary('caddy', '/usr/bin/caddy'), ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  return new ProxyProcess('caddy', child, listenPort, dir);
}

export const readProxyFile = (p: ProxyProcess, file: string) => readFileSync(join(p.dir, file), 'utf8');
