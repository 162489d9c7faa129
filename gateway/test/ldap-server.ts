// A real OpenLDAP server for the LDAP login tests: Debian's slapd on a free loopback port with a
// throwaway slapd.conf and mdb database (memberof overlay, so group membership shows up as memberOf,
// as in Active Directory), seeded over LDAP with ldapts. Runs as whoever runs the tests.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { freePort, waitFor } from '@pi-forge/test-fixtures';

export const SLAPD = ['/usr/sbin/slapd', '/usr/lib/slapd'].find((p) => existsSync(p));
export const BASE_DN = 'dc=forge,dc=test';
const ROOT_DN = `cn=root,${BASE_DN}`;

export interface LdapUser {
  uid: string;
  password: string;
  groups?: string[];
  mail?: string;
}

export interface LdapServer {
  url: string;
  /** ldaps:// on a second port when started with `tls`; its certificate (self-signed, IP 127.0.0.1) is `certFile`. */
  ldapsUrl?: string;
  certFile?: string;
  serviceDn: string;
  servicePassword: string;
  groupDn(name: string): string;
  log: string[];
  stop(): Promise<void>;
}

export async function startLdapServer(users: LdapUser[], groups: string[], options: { tls?: boolean } = {}): Promise<LdapServer> {
  if (!SLAPD) throw new Error('slapd is not installed (apt-get install slapd ldap-utils; .ci/run does)');
  const dir = mkdtempSync(join(tmpdir(), 'pi-forge-slapd-'));
  mkdirSync(join(dir, 'db'));
  const rootPassword = `root-${Math.random().toString(36).slice(2)}`;
  const servicePassword = `svc-${Math.random().toString(36).slice(2)}`;
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  if (options.tls) {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
  }
  writeFileSync(
    join(dir, 'slapd.conf'),
    [
      ...(options.tls ? [`TLSCertificateFile ${certFile}`, `TLSCertificateKeyFile ${keyFile}`] : []),
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'moduleload memberof',
      `pidfile ${join(dir, 'slapd.pid')}`,
      'database mdb',
      'maxsize 16777216',
      `suffix "${BASE_DN}"`,
      `rootdn "${ROOT_DN}"`,
      `rootpw ${rootPassword}`,
      `directory ${join(dir, 'db')}`,
      'overlay memberof',
      // Users may bind with their password; the service account and root may read; nobody else sees anything.
      'access to attrs=userPassword by anonymous auth by * none',
      `access to * by dn.exact="cn=forge-service,ou=services,${BASE_DN}" read by anonymous auth by * none`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = options.tls ? `ldaps://127.0.0.1:${await freePort()}` : undefined;
  const log: string[] = [];
  // -d 0: stay in the foreground (so the test owns the process) without debug output.
  const child: ChildProcess = spawn(
    SLAPD,
    [
      '-f',
      join(dir, 'slapd.conf'),
      '-h',
      [url, ldapsUrl]
        .filter(Boolean)
        .map((u) => `${u}/`)
        .join(' '),
      '-d',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (d) => log.push(String(d)));
  child.stderr!.on('data', (d) => log.push(String(d)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const root = new Client({ url, timeout: 5_000, connectTimeout: 5_000 });
  try {
    await waitFor(
      'slapd accepting binds',
      async () => {
        if (child.exitCode !== null) throw new Error(`slapd exited ${child.exitCode}: ${log.join('')}`);
        try {
          await root.bind(ROOT_DN, rootPassword);
          return true;
        } catch {
          return false;
        }
      },
      15_000,
    );
    await root.add(BASE_DN, { objectClass: ['top', 'dcObject', 'organization'], o: 'forge', dc: 'forge' });
    for (const ou of ['people', 'groups', 'services'])
      await root.add(`ou=${ou},${BASE_DN}`, { objectClass: ['top', 'organizationalUnit'], ou });
    await root.add(`cn=forge-service,ou=services,${BASE_DN}`, {
      objectClass: ['top', 'person'],
      cn: 'forge-service',
      sn: 'service',
      userPassword: servicePassword,
    });
    for (const u of users) {
      await root.add(`uid=${u.uid},ou=people,${BASE_DN}`, {
        objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
        uid: u.uid,
        cn: u.uid,
        sn: u.uid,
        userPassword: u.password,
        ...(u.mail ? { mail: u.mail } : {}),
      });
    }
    for (const g of groups) {
      const members = users.filter((u) => u.groups?.includes(g)).map((u) => `uid=${u.uid},ou=people,${BASE_DN}`);
      // groupOfNames needs at least one member; the service account stands in for an empty group.
      await root.add(`cn=${g},ou=groups,${BASE_DN}`, {
        objectClass: ['top', 'groupOfNames'],
        cn: g,
        member: members.length ? members : [`cn=forge-service,ou=services,${BASE_DN}`],
      });
    }
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
    throw err;
  } finally {
    await root.unbind().catch(() => undefined);
  }
  return {
    url,
    ...(ldapsUrl ? { ldapsUrl, certFile } : {}),
    serviceDn: `cn=forge-service,ou=services,${BASE_DN}`,
    servicePassword,
    groupDn: (name) => `cn=${name},ou=groups,${BASE_DN}`,
    log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
