import { ApiClient } from './client';
import { type FlagSpec, type Parsed, stringFlag, UsageError } from './args';
import { type Connection, loadConnection } from './kubeconfig';

/** Where a verb writes, and the environment it reads (KUBECONFIG, HOME): tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

export interface Context {
  io: Io;
  args: Parsed;
  /** The kubeconfig's connection, with -n/--context/--kubeconfig applied (read on first use). */
  connection(): Connection;
  client(): ApiClient;
  namespace(): string;
}

/** One `kubectl ledger <verb>`: its help and what it does; the exit code is the promise's value. */
export interface Verb {
  summary: string;
  usage: string;
  help: string;
  examples: string[];
  flags: FlagSpec;
  run(ctx: Context): Promise<number>;
}

export const contextFor = (io: Io, args: Parsed): Context => {
  let conn: Connection | undefined;
  let client: ApiClient | undefined;
  const connection = () =>
    (conn ??= loadConnection({ kubeconfig: stringFlag(args, 'kubeconfig'), context: stringFlag(args, 'context'), namespace: stringFlag(args, 'namespace'), env: io.env }));
  return { io, args, connection, client: () => (client ??= new ApiClient(connection())), namespace: () => connection().namespace };
};

/** `ds/<name>` (or daemonset/, daemonsets/, daemonsets.apps/, daemonset.apps/) → the name. */
export const daemonSetArg = (arg: string | undefined, verb: string): string => {
  const m = /^(ds|daemonsets?|daemonsets?\.apps|ds\.apps)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(arg ?? '');
  if (!m) throw new UsageError(`${verb} needs a DaemonSet as ds/<name>${arg ? `, not "${arg}"` : ''}`);
  return m[2];
};

export const positiveInt = (arg: string | undefined, what: string): number => {
  if (!arg || !/^\d+$/.test(arg)) throw new UsageError(`${what} must be a positive integer${arg ? `, not "${arg}"` : ''}`);
  return Number(arg);
};
