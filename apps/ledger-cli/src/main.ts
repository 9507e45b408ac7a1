import { type FlagSpec, GLOBAL_FLAGS, parseArgs, UsageError } from './args';
import { type Io, contextFor, type Verb } from './verb';
import { atVerb } from './verbs/at';
import { auditVerb } from './verbs/audit';
import { diffVerb } from './verbs/diff';
import { pauseVerb, resumeVerb } from './verbs/pause';
import { verifyVerb } from './verbs/verify';

/**
 * `kubectl ledger <verb>`: the kubectl plugin (bin/kubectl-ledger) for
 * DaemonLedger's history and its rollout controls. Each verb is one entry here.
 */
export const VERBS: Record<string, Verb> = {
  audit: auditVerb,
  at: atVerb,
  diff: diffVerb,
  pause: pauseVerb,
  resume: resumeVerb,
  verify: verifyVerb,
};

const flagLines = (flags: FlagSpec): string[] =>
  Object.entries(flags).map(([long, f]) => `  ${`${f.short ? `-${f.short}, ` : '    '}--${long}${f.value ? '=<value>' : ''}`.padEnd(26)}${f.help ?? ''}`);

const GLOBAL_HELP = ['Options (every verb):', ...flagLines(GLOBAL_FLAGS)].join('\n');

export const topHelp = (): string =>
  [
    'DaemonLedger history: audit rollouts, read the cluster as it was, diff revisions, verify the log.',
    '',
    'Verbs:',
    ...Object.entries(VERBS).map(([name, v]) => `  ${name.padEnd(8)}${v.summary}`),
    '',
    'Usage:',
    '  kubectl ledger <verb> [arguments] [options]',
    '',
    GLOBAL_HELP,
    '',
    'Use "kubectl ledger <verb> --help" for more about a verb.',
    '',
  ].join('\n');

export const verbHelp = (v: Verb): string =>
  [
    v.help,
    '',
    'Examples:',
    ...v.examples.map((e) => `  ${e}`),
    '',
    'Usage:',
    `  ${v.usage}`,
    '',
    ...flagLines(v.flags),
    ...(Object.keys(v.flags).length ? [''] : []),
    GLOBAL_HELP,
    '',
  ].join('\n');

/** The verb: the first argument that is neither a global flag nor its value. */
const findVerb = (argv: readonly string[]): number => {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-')) return i;
    const long = a.startsWith('--') ? a.slice(2).split('=')[0] : Object.entries(GLOBAL_FLAGS).find(([, f]) => f.short === a[1])?.[0];
    if (long && GLOBAL_FLAGS[long]?.value && !a.includes('=') && (a.startsWith('--') || a.length === 2)) i++;
  }
  return -1;
};

export const main = async (argv: readonly string[], io: Io): Promise<number> => {
  const at = findVerb(argv);
  const name = at < 0 ? undefined : argv[at];
  const rest = at < 0 ? [...argv] : [...argv.slice(0, at), ...argv.slice(at + 1)];
  try {
    if (name === 'help') {
      const v = VERBS[rest.find((a) => !a.startsWith('-')) ?? ''];
      io.out(v ? verbHelp(v) : topHelp());
      return 0;
    }
    if (name === undefined) {
      const top = parseArgs(rest, {});
      io.out(topHelp());
      return top.flags.help ? 0 : 1;
    }
    const verb = VERBS[name];
    if (!verb) throw new UsageError(`unknown verb "${name}" for "kubectl ledger"; verbs: ${Object.keys(VERBS).join(', ')}`);
    const args = parseArgs(rest, verb.flags);
    if (args.flags.help) {
      io.out(verbHelp(verb));
      return 0;
    }
    return await verb.run(contextFor(io, args));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    io.err(`${/^(error|Error from server|Unable to connect)/.test(message) ? message : `error: ${message}`}\n`);
    if (e instanceof UsageError) io.err(`See 'kubectl ledger ${name && VERBS[name] ? `${name} ` : ''}--help' for usage.\n`);
    return 1;
  }
};
