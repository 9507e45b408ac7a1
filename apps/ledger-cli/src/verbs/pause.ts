import { UsageError } from '../args';
import { daemonSetArg, type Context, type Verb } from '../verb';

/** The annotation the controller reads (README "Rollout controls"). */
const PAUSED = 'rollout.daemonledger.io/paused';

interface Annotated {
  metadata: { annotations?: Record<string, string> };
}

/**
 * `kubectl ledger pause|resume ds/<name>`: sets or clears the paused control
 * with one merge patch, as `kubectl rollout pause` does for a Deployment's
 * `spec.paused`; a DaemonSet already in that state is an error, as there.
 */
const setPaused = async (ctx: Context, paused: boolean): Promise<number> => {
  const verb = paused ? 'pause' : 'resume';
  const [target, ...rest] = ctx.args.positionals;
  const name = daemonSetArg(target, verb);
  if (rest.length) throw new UsageError(`${verb} takes one ds/<name>, got extra "${rest.join(' ')}"`);
  const client = ctx.client();
  const path = `/apis/apps/v1/namespaces/${ctx.namespace()}/daemonsets/${name}`;
  const ds = await client.get<Annotated>(path);
  if ((ds.metadata.annotations?.[PAUSED] === 'true') === paused) {
    ctx.io.err(`error: daemonsets.apps "${name}" is ${paused ? 'already paused' : 'not paused'}\n`);
    return 1;
  }
  await client.mergePatch(path, { metadata: { annotations: { [PAUSED]: paused ? 'true' : null } } });
  ctx.io.out(`daemonset.apps/${name} ${paused ? 'paused' : 'resumed'}\n`);
  return 0;
};

export const pauseVerb: Verb = {
  summary: 'Pause the rolling update of a DaemonSet (no pod replaced until resumed)',
  usage: 'kubectl ledger pause ds/<name> [-n namespace]',
  help: [
    'Sets the annotation rollout.daemonledger.io/paused=true: the controller replaces no pod for a template',
    'change until it is cleared (new nodes still get a pod of the current revision). The rollout records',
    'RolloutPaused; `kubectl rollout status` keeps waiting.',
  ].join('\n'),
  examples: ['kubectl ledger pause ds/nginx-ds', 'kubectl ledger pause ds/fluentd-elasticsearch -n kube-system'],
  flags: {},
  run: (ctx) => setPaused(ctx, true),
};

export const resumeVerb: Verb = {
  summary: 'Resume a paused rolling update of a DaemonSet',
  usage: 'kubectl ledger resume ds/<name> [-n namespace]',
  help: 'Clears the annotation rollout.daemonledger.io/paused: the rolling update goes on where it stopped. The rollout records RolloutResumed.',
  examples: ['kubectl ledger resume ds/nginx-ds'],
  flags: {},
  run: (ctx) => setPaused(ctx, false),
};
