import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';

/** What a request needs from the kubeconfig: where, whom to trust, who we are. */
export interface Connection {
  context: string;
  server: string;
  ca?: Buffer;
  insecure: boolean;
  token?: string;
  cert?: Buffer;
  key?: Buffer;
  /** -n, else the context's namespace, else `default`. */
  namespace: string;
}

interface Named<T> {
  name: string;
  [k: string]: unknown;
  value: T;
}

type Entry = Record<string, any>;

const named = (list: unknown, field: string, file: string): Named<Entry>[] =>
  (Array.isArray(list) ? list : []).map((x: Entry) => ({ name: String(x?.name ?? ''), value: { ...(x?.[field] ?? {}), __dir: dirname(file) } }));

/** KUBECONFIG (a path list, merged: first file wins per name) or ~/.kube/config; `--kubeconfig` alone when given. */
export const kubeconfigFiles = (flag: string | undefined, env: NodeJS.ProcessEnv): string[] => {
  if (flag) return [flag];
  const list = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  return list.length ? list : [join(env.HOME ?? homedir(), '.kube', 'config')];
};

const bytes = (entry: Entry, dataKey: string, fileKey: string): Buffer | undefined => {
  if (typeof entry[dataKey] === 'string') return Buffer.from(entry[dataKey], 'base64');
  if (typeof entry[fileKey] === 'string') return readFileSync(isAbsolute(entry[fileKey]) ? entry[fileKey] : join(entry.__dir, entry[fileKey]));
  return undefined;
};

export const loadConnection = (o: { kubeconfig?: string; context?: string; namespace?: string; env?: NodeJS.ProcessEnv }): Connection => {
  const files = kubeconfigFiles(o.kubeconfig, o.env ?? process.env);
  const clusters = new Map<string, Entry>();
  const users = new Map<string, Entry>();
  const contexts = new Map<string, Entry>();
  let current: string | undefined;
  let read = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if (o.kubeconfig) throw new Error(`stat ${file}: no such file or directory`);
      continue;
    }
    read++;
    const doc = (parse(text) ?? {}) as Entry;
    for (const c of named(doc.clusters, 'cluster', file)) if (!clusters.has(c.name)) clusters.set(c.name, c.value);
    for (const u of named(doc.users, 'user', file)) if (!users.has(u.name)) users.set(u.name, u.value);
    for (const c of named(doc.contexts, 'context', file)) if (!contexts.has(c.name)) contexts.set(c.name, c.value);
    current ??= doc['current-context'] || undefined;
  }
  if (read === 0) throw new Error(`no kubeconfig found (looked at ${files.join(', ')}); set KUBECONFIG or pass --kubeconfig`);
  const contextName = o.context ?? current;
  if (!contextName) throw new Error('no context: the kubeconfig has no current-context; pass --context');
  const ctx = contexts.get(contextName);
  if (!ctx) throw new Error(`context "${contextName}" does not exist`);
  const cluster = clusters.get(ctx.cluster);
  if (!cluster?.server) throw new Error(`cluster "${ctx.cluster}" of context "${contextName}" has no server`);
  const user = users.get(ctx.user) ?? {};
  if (user.exec || user['auth-provider']) throw new Error(`user "${ctx.user}": exec and auth-provider credentials are not supported by kubectl-ledger; use a token or a client certificate`);
  const tokenFile = typeof user.tokenFile === 'string' ? readFileSync(isAbsolute(user.tokenFile) ? user.tokenFile : join(user.__dir, user.tokenFile), 'utf8').trim() : undefined;
  return {
    context: contextName,
    server: String(cluster.server).replace(/\/+$/, ''),
    ca: bytes(cluster, 'certificate-authority-data', 'certificate-authority'),
    insecure: cluster['insecure-skip-tls-verify'] === true,
    token: typeof user.token === 'string' ? user.token : tokenFile,
    cert: bytes(user, 'client-certificate-data', 'client-certificate'),
    key: bytes(user, 'client-key-data', 'client-key'),
    namespace: o.namespace ?? (ctx.namespace || 'default'),
  };
};
