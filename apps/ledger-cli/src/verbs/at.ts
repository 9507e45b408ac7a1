import { stringify } from 'yaml';
import { UsageError, stringFlag } from '../args';
import { TABLE_ACCEPT } from '../client';
import { collectionPath, discover, findResource, qualifiedName, type ResourceRef } from '../discovery';
import { renderTable, type Table } from '../table';
import type { Context, Verb } from '../verb';

const OUTPUTS = ['json', 'name', 'wide', 'yaml'];

/** `<position>` as is; an RFC 3339 time → the last position recorded at or before it, asked of the server. */
export const resolvePosition = async (ctx: Context, when: string | undefined): Promise<number> => {
  if (!when) throw new UsageError('at needs a position or an RFC 3339 time');
  if (/^\d+$/.test(when)) {
    if (Number(when) === 0) throw new UsageError('positions start at 1');
    return Number(when);
  }
  if (!/^\d{4}-\d{2}-\d{2}T/i.test(when)) throw new UsageError(`"${when}" is neither a log position nor an RFC 3339 time (e.g. 2026-12-02T12:00:00Z)`);
  const r = await ctx.client().get<{ position: number; recordedAt: string | null }>('/ledger/v1/position', { time: when });
  if (r.position === 0) throw new Error(`error: nothing was recorded at or before ${when}`);
  ctx.io.err(`${when} is position ${r.position} (recorded ${r.recordedAt})\n`);
  return r.position;
};

interface List {
  apiVersion?: string;
  kind?: string;
  items: Record<string, any>[];
}

const print = (ctx: Context, r: ResourceRef, list: List | Table, output: string | undefined, name: string | undefined, allNamespaces: boolean): void => {
  if (output === undefined || output === 'wide') {
    ctx.io.out(renderTable(list as Table, { wide: output === 'wide', withNamespace: allNamespaces && r.namespaced }));
    return;
  }
  const items: Record<string, any>[] = (list as List).items.map((o) => ({ apiVersion: (list as List).apiVersion, kind: r.kind, ...o }));
  if (output === 'name') {
    ctx.io.out(items.map((o) => `${qualifiedName(r, o.metadata?.name)}\n`).join(''));
    return;
  }
  const doc = name !== undefined ? items[0] : { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } };
  ctx.io.out(output === 'json' ? `${JSON.stringify(doc, null, 4)}\n` : stringify(doc));
};

export const atVerb: Verb = {
  summary: 'Get objects as they were at a log position or a time',
  usage: 'kubectl ledger at <position|RFC3339 time> get <resource> [name] [-n namespace | -A] [-o wide|yaml|json|name]',
  help: [
    'Lists objects as they were when the log ended at a position (a resourceVersion), or at the last',
    'position recorded at or before an RFC 3339 time (resolved by the server, by binary search). Prints',
    'the server\'s Table like `kubectl get`, or the objects with -o yaml|json|name.',
  ].join('\n'),
  examples: [
    'kubectl ledger at 120 get ds',
    'kubectl ledger at 2026-12-02T03:00:00Z get pods -o wide',
    'kubectl ledger at 120 get ds nginx-ds -o yaml',
    'kubectl ledger at 120 get controllerrevisions -A',
  ],
  flags: {
    output: { short: 'o', value: true, help: 'wide (more columns), yaml, json or name' },
    'all-namespaces': { short: 'A', value: false, help: 'objects of every namespace' },
  },
  async run(ctx) {
    const [when, get, resourceArg, nameArg, ...rest] = ctx.args.positionals;
    if (get !== 'get') throw new UsageError(`at <position|time> must be followed by get, not "${get ?? ''}"`);
    if (!resourceArg) throw new UsageError('at … get needs a resource type (e.g. ds, pods, nodes)');
    if (rest.length) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
    const [resourceText, slashName] = resourceArg.split('/', 2);
    const name = slashName ?? nameArg;
    if (slashName !== undefined && nameArg !== undefined) throw new UsageError('there is no need to specify a resource type as a separate argument when passing arguments in resource/name form');
    const output = stringFlag(ctx.args, 'output');
    if (output !== undefined && !OUTPUTS.includes(output)) {
      throw new UsageError(`unable to match a printer suitable for the output format "${output}", allowed formats are: ${OUTPUTS.join(',')}`);
    }
    const allNamespaces = ctx.args.flags['all-namespaces'] === true;
    const position = await resolvePosition(ctx, when);
    const r = findResource(await discover(ctx.client()), resourceText);
    if (!r) throw new Error(`error: the server doesn't have a resource type "${resourceText}"`);
    const namespace = allNamespaces ? undefined : ctx.namespace();
    const query = {
      resourceVersion: String(position),
      resourceVersionMatch: 'Exact',
      ...(name !== undefined ? { fieldSelector: `metadata.name=${name}` } : {}),
    };
    const table = output === undefined || output === 'wide';
    const list = await ctx.client().get<List | Table>(collectionPath(r, namespace), query, table ? TABLE_ACCEPT : 'application/json');
    const count = table ? (list as Table).rows.length : (list as List).items.length;
    if (name !== undefined && count === 0) {
      throw new Error(`Error from server (NotFound): ${r.resource}${r.group ? `.${r.group}` : ''} "${name}" not found at position ${position}`);
    }
    if (count === 0 && output !== 'json' && output !== 'yaml') {
      ctx.io.err(r.namespaced && namespace !== undefined ? `No resources found in ${namespace} namespace at position ${position}.\n` : `No resources found at position ${position}.\n`);
      return 0;
    }
    print(ctx, r, list, output, name, allNamespaces);
    return 0;
  },
};
