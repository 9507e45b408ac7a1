import type { RolloutAuditObject, RolloutObject } from '@daemonledger/projections/rollout-object';
import { UsageError, stringFlag } from '../args';
import { ServerError, TABLE_ACCEPT } from '../client';
import { columns, renderTable, type Table } from '../table';
import { daemonSetArg, positiveInt, type Verb } from '../verb';

const GROUP = '/apis/ledger.daemonledger.io/v1';
const DS_LABEL = 'ledger.daemonledger.io/daemonset';

/** What the replay reads: the server's own wire shapes. */
export type Rollout = RolloutObject;
export type RolloutAudit = Pick<RolloutAuditObject, 'correlationId' | 'entries'>;

/** The pod a step is about: the old one while it stops or waits to be replaced, the new one after. */
const podOf = (step: string, n: { oldPod?: string; newPod?: string }) => (/^(OldPod|Waiting)/.test(step) ? n.oldPod : n.newPod) ?? '';

/** One rollout, node by node: every step with its time, position and actor; then, if given, every event it caused. */
export const renderRollout = (r: Rollout, audit?: RolloutAudit): string => {
  const s = r.status;
  const head: [string, string][] = [
    ['Rollout:', `${r.metadata.name} (daemonset ${r.metadata.namespace}/${r.spec.daemonSet}, rollout #${r.spec.rollout})`],
    ['Revision:', `${r.spec.fromRevision ?? '-'} → ${r.spec.toRevision} (${r.spec.toHash})`],
    ['Strategy:', `${r.spec.strategy}, maxUnavailable ${r.spec.maxUnavailable}, maxSurge ${r.spec.maxSurge}, ${r.spec.nodeCount} nodes`],
    ['Requested:', `${r.spec.requestedBy ?? '<unknown>'}${r.spec.changeCause ? ` (${r.spec.changeCause})` : ''}`],
  ];
  if (s) {
    head.push(['State:', `${s.state}: ${s.updated}/${s.desired} updated, ${s.available} available, ${s.unavailable} unavailable`]);
    head.push(['Started:', `${s.startedAt ?? '-'}${s.startPosition !== undefined ? ` (position ${s.startPosition})` : ''}`]);
    if (s.endedAt) head.push(['Ended:', s.endedAt]);
    if (s.lastPosition !== undefined) head.push(['Last change:', `position ${s.lastPosition}`]);
    if (s.message) head.push(['Message:', s.message]);
  }
  let out = head.map(([k, v]) => `${k.padEnd(13)}${v}\n`).join('') + '\n';
  const rows: string[][] = [['NODE', 'STEP', 'TIME', 'POSITION', 'ACTOR', 'POD', 'MESSAGE']];
  for (const n of s?.nodes ?? []) {
    n.steps.forEach((st, i) => rows.push([i === 0 ? n.node : '', st.step, st.time, String(st.position), st.actor ?? '', podOf(st.step, n), st.message ?? '']));
  }
  out += rows.length > 1 ? columns(rows) : 'No node steps recorded.\n';
  if (audit) {
    out += `\nEvents (correlation ${audit.correlationId ?? '-'}):\n`;
    out += columns([['POSITION', 'TIME', 'ACTOR', 'OBJECT', 'EVENT', 'DETAIL'], ...audit.entries.map((e) => [String(e.position), e.time, e.actor ?? '', e.object, e.event, e.detail ?? ''])]);
  }
  return out;
};

/** A 404 from a server without the rollouts resource says so plainly. */
const orMissing = async <T>(p: Promise<T>, what: string): Promise<T> => {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ServerError && e.code === 404) throw new Error(`${e.message} (${what})`);
    throw e;
  }
};

export const auditVerb: Verb = {
  summary: "List a DaemonSet's rollouts, or replay one node by node",
  usage: 'kubectl ledger audit ds/<name> [-n namespace] [--rollout N] [--events]',
  help: [
    'Without --rollout: the rollouts of the DaemonSet (the rollouts.ledger.daemonledger.io resource), one',
    'row each: revisions, state, progress, start, duration, who and why.',
    'With --rollout N: rollout N replayed node by node — when each old pod was asked to stop, when the new',
    'pod was created, pulled, started, Ready and Available, every wait for maxUnavailable or maxSurge —',
    'each with its time, actor and log position. --events adds every event the rollout caused, in log order.',
  ].join('\n'),
  examples: ['kubectl ledger audit ds/nginx-ds', 'kubectl ledger audit ds/nginx-ds --rollout 3', 'kubectl ledger audit ds/fluentd -n kube-system --rollout 2 --events'],
  flags: {
    rollout: { value: true, help: 'the rollout number to replay (the N of <daemonset>-N)' },
    events: { value: false, help: 'with --rollout: also every event the rollout caused, in log order' },
  },
  async run(ctx) {
    const [target, ...rest] = ctx.args.positionals;
    const name = daemonSetArg(target, 'audit');
    if (rest.length) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
    const ns = ctx.namespace();
    const client = ctx.client();
    const rolloutArg = stringFlag(ctx.args, 'rollout');
    const collection = `${GROUP}/namespaces/${ns}/rollouts`;
    if (rolloutArg === undefined) {
      const table = await orMissing(client.get<Table>(collection, { labelSelector: `${DS_LABEL}=${name}` }, TABLE_ACCEPT), 'does the server serve rollouts.ledger.daemonledger.io?');
      if (!table.rows.length) {
        ctx.io.err(`No rollouts found for daemonset ${ns}/${name}.\n`);
        return 0;
      }
      ctx.io.out(renderTable(table));
      return 0;
    }
    const n = positiveInt(rolloutArg, '--rollout');
    const rollout = await orMissing(client.get<Rollout>(`${collection}/${name}-${n}`), `rollout #${n} of daemonset ${ns}/${name}`);
    const audit = ctx.args.flags.events === true ? await client.get<RolloutAudit>(`${collection}/${name}-${n}/audit`) : undefined;
    ctx.io.out(renderRollout(rollout, audit));
    return 0;
  },
};
