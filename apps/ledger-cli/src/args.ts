/**
 * kubectl-style flags for the plugin: `--name=value`, `--name value`,
 * `-n value`, `-nvalue`, `-n=value`; booleans `-A`, `--help`. Flags and
 * positionals may be mixed, as kubectl allows; `--` ends the flags.
 */
export interface FlagSpec {
  /** Long name → short letter (or '' for none), and whether it takes a value. */
  [long: string]: { short?: string; value: boolean; help?: string };
}

export interface Parsed {
  positionals: string[];
  flags: Record<string, string | true>;
}

export class UsageError extends Error {}

export const GLOBAL_FLAGS: FlagSpec = {
  kubeconfig: { value: true, help: 'the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)' },
  context: { value: true, help: 'the kubeconfig context (default: its current-context)' },
  namespace: { short: 'n', value: true, help: 'the namespace (default: the context\'s, else "default")' },
  help: { short: 'h', value: false, help: 'help for kubectl ledger or one of its verbs' },
};

export const parseArgs = (argv: readonly string[], spec: FlagSpec): Parsed => {
  const all = { ...GLOBAL_FLAGS, ...spec };
  const byShort = new Map(Object.entries(all).filter(([, s]) => s.short).map(([long, s]) => [s.short!, long]));
  const out: Parsed = { positionals: [], flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      if (!all[name]) throw new UsageError(`unknown flag: --${name}`);
    } else if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      const long = byShort.get(arg[1]);
      if (!long) throw new UsageError(`unknown shorthand flag: '${arg[1]}' in ${arg}`);
      name = long;
      const rest = arg.slice(2);
      inline = rest === '' ? undefined : rest.startsWith('=') ? rest.slice(1) : rest;
    } else {
      out.positionals.push(arg);
      continue;
    }
    if (!all[name].value) {
      if (inline !== undefined && inline !== 'true') throw new UsageError(`flag --${name} takes no value`);
      out.flags[name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`flag needs an argument: --${name}`);
    out.flags[name] = value;
  }
  return out;
};

export const stringFlag = (p: Parsed, name: string): string | undefined => {
  const v = p.flags[name];
  return typeof v === 'string' ? v : undefined;
};
