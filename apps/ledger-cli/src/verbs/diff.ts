import { stringify } from 'yaml';
import { UsageError } from '../args';
import { unifiedDiff } from '../diff';
import { daemonSetArg, positiveInt, type Verb } from '../verb';

interface Revision {
  metadata: { name: string; ownerReferences?: { uid: string; controller?: boolean }[] };
  revision: number;
  data?: { spec?: { template?: Record<string, unknown> } };
}

/** The pod template a DaemonSet revision records (its data is `{spec: {template: {…, $patch: replace}}}`). */
export const revisionTemplate = (r: Revision): string => {
  const { $patch: _patch, ...template } = (r.data?.spec?.template ?? {}) as Record<string, unknown>;
  return stringify({ template }, { sortMapEntries: false });
};

export const diffVerb: Verb = {
  summary: 'Show the pod template change between two revisions of a DaemonSet',
  usage: 'kubectl ledger diff ds/<name> <revA> <revB> [-n namespace]',
  help: [
    'Prints the change of the pod template between two ControllerRevisions of a DaemonSet, by revision',
    'number (as `kubectl rollout history` lists them), as a unified diff of YAML. Nothing is printed when',
    'the templates are equal (e.g. a revision and the one an undo brought back).',
  ].join('\n'),
  examples: ['kubectl ledger diff ds/nginx-ds 1 2', 'kubectl ledger diff ds/fluentd-elasticsearch 3 5 -n kube-system'],
  flags: {},
  async run(ctx) {
    const [target, a, b, ...rest] = ctx.args.positionals;
    const name = daemonSetArg(target, 'diff');
    if (rest.length) throw new UsageError(`diff takes ds/<name> and two revision numbers, got extra "${rest.join(' ')}"`);
    const [revA, revB] = [positiveInt(a, 'revA'), positiveInt(b, 'revB')];
    const client = ctx.client();
    const ns = ctx.namespace();
    const ds = await client.get<{ metadata: { uid: string } }>(`/apis/apps/v1/namespaces/${ns}/daemonsets/${name}`);
    const list = await client.get<{ items: Revision[] }>(`/apis/apps/v1/namespaces/${ns}/controllerrevisions`);
    const own = list.items.filter((r) => r.metadata.ownerReferences?.some((o) => o.controller && o.uid === ds.metadata.uid));
    const pick = (n: number) => {
      const r = own.find((x) => x.revision === n);
      if (!r) {
        const have = own.map((x) => x.revision).sort((x, y) => x - y).join(', ') || 'none';
        throw new Error(`error: daemonset ${ns}/${name} has no revision ${n} (revisions: ${have})`);
      }
      return r;
    };
    const [ra, rb] = [pick(revA), pick(revB)];
    const diff = unifiedDiff(revisionTemplate(ra), revisionTemplate(rb), `daemonset/${name} revision ${revA} (${ra.metadata.name})`, `daemonset/${name} revision ${revB} (${rb.metadata.name})`);
    if (diff) ctx.io.out(diff);
    else ctx.io.err(`revisions ${revA} and ${revB} of daemonset ${ns}/${name} have the same template\n`);
    return 0;
  },
};
