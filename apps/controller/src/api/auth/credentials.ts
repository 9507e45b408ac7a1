import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { selfSignedCertificate } from './self-signed';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiUser } from '../http/respond';

/** The two bearer tokens: generated at first start, kept in DATA_DIR (mode 0600, as everything there) across restarts. */
export interface Tokens {
  admin: string;
  viewer: string;
}

export const TOKENS_FILE = 'tokens.json';
export const TLS_CERT_FILE = 'apiserver.crt';
export const TLS_KEY_FILE = 'apiserver.key';
export const ADMIN_KUBECONFIG = 'kubeconfig';
export const VIEWER_KUBECONFIG = 'kubeconfig-viewer';

const newToken = () => randomBytes(32).toString('base64url');

const writePrivate = (file: string, text: string) => {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
};

export const loadOrCreateTokens = (dataDir: string): Tokens => {
  const file = join(dataDir, TOKENS_FILE);
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Tokens>;
    if (typeof parsed.admin === 'string' && typeof parsed.viewer === 'string' && parsed.admin && parsed.viewer) return { admin: parsed.admin, viewer: parsed.viewer };
    throw new Error(`${file} is not a valid token file (expected {"admin": "...", "viewer": "..."}); remove it to generate new tokens`);
  }
  const tokens = { admin: newToken(), viewer: newToken() };
  writePrivate(file, JSON.stringify(tokens, null, 2) + '\n');
  return tokens;
};

export interface TlsMaterial {
  key: string;
  cert: string;
}

/** The hosts the certificate must name: loopback always, plus HOST when it is a specific address or name. */
export const certificateHosts = (host: string): string[] => {
  const hosts = ['localhost', '127.0.0.1', '::1'];
  if (host !== '0.0.0.0' && host !== '::' && !hosts.includes(host)) hosts.push(host);
  return hosts;
};

const covers = (cert: X509Certificate, hosts: string[], now: Date) =>
  new Date(cert.validTo) > new Date(now.getTime() + 24 * 3600_000) && hosts.every((h) => (isIP(h) ? cert.checkIP(h) : cert.checkHost(h)) !== undefined);

/**
 * The API's TLS key and self-signed certificate, made at first start and kept
 * in DATA_DIR (the key with mode 0600); made anew only when HOST is not
 * covered any more or the certificate is about to expire.
 */
export const loadOrCreateTls = (dataDir: string, host: string, now = new Date()): TlsMaterial => {
  const certFile = join(dataDir, TLS_CERT_FILE);
  const keyFile = join(dataDir, TLS_KEY_FILE);
  const hosts = certificateHosts(host);
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = readFileSync(certFile, 'utf8');
    for (const f of [certFile, keyFile]) chmodSync(f, 0o600);
    if (covers(new X509Certificate(cert), hosts, now)) return { key: readFileSync(keyFile, 'utf8'), cert };
  }
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const cert = selfSignedCertificate({
    commonName: 'daemonledger',
    hosts,
    publicKey,
    privateKey,
    notBefore: new Date(now.getTime() - 3600_000),
    notAfter: new Date(now.getTime() + 10 * 365 * 24 * 3600_000),
    serial: randomBytes(16),
  });
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  writePrivate(keyFile, key);
  writePrivate(certFile, cert);
  return { key, cert };
};

export const kubeconfigText = (server: string, user: string, token: string, caCert: string): string =>
  [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${Buffer.from(caCert).toString('base64')}`,
    `    server: ${server}`,
    '  name: daemonledger',
    'contexts:',
    '- context:',
    '    cluster: daemonledger',
    '    namespace: default',
    `    user: ${user}`,
    '  name: daemonledger',
    'current-context: daemonledger',
    'preferences: {}',
    'users:',
    `- name: ${user}`,
    '  user:',
    `    token: ${token}`,
    '',
  ].join('\n');

/**
 * Writes `kubeconfig` (admin) and `kubeconfig-viewer` (read-only) for the
 * server's current address. Rewritten at every start (the port may change);
 * the tokens in them do not.
 */
export const writeKubeconfigs = (dataDir: string, server: string, tokens: Tokens, caCert: string): { admin: string; viewer: string } => {
  const admin = join(dataDir, ADMIN_KUBECONFIG);
  const viewer = join(dataDir, VIEWER_KUBECONFIG);
  writePrivate(admin, kubeconfigText(server, 'admin', tokens.admin, caCert));
  writePrivate(viewer, kubeconfigText(server, 'viewer', tokens.viewer, caCert));
  return { admin, viewer };
};

export const USERS = { admin: { name: 'admin', role: 'admin' }, viewer: { name: 'viewer', role: 'viewer' } } as const satisfies Record<string, ApiUser>;
