/**
 * Server-side printing of Endpoints and EndpointSlices: upstream's columns
 * and cells (pkg/printers/internalversion/printers.go, printEndpoints and
 * printEndpointSlice with formatEndpoints / formatDiscovery*). Descriptions
 * are our own words.
 */
import type { EndpointSlice, Endpoints } from '@daemonledger/domain/kinds/endpoints';
import { AGE, col, NAME, type TableColumnDefinition } from './columns';
import { translateTimestampSince } from './duration';
import type { PrintedRow } from './printers';

export const ENDPOINTS_COLUMNS = {
  endpoints: [NAME, col('Endpoints', 'string', 'The ready addresses with their ports (the first three).'), AGE],
  endpointslices: [
    NAME,
    col('AddressType', 'string', 'The kind of address the slice holds (IPv4).'),
    col('Ports', 'string', 'The ports of the slice (the first three).'),
    col('Endpoints', 'string', 'The addresses of the slice (the first three).'),
    AGE,
  ],
} satisfies Record<string, TableColumnDefinition[]>;

const MAX = 3;

/** formatEndpoints: `ip:port` for every ready address and port, three at most, then `+ N more...`; `<none>` without subsets. */
export const formatEndpoints = (e: Endpoints): string => {
  if (!e.subsets?.length) return '<none>';
  const list: string[] = [];
  let count = 0;
  let more = false;
  const add = (s: string) => {
    if (list.length === MAX) more = true;
    else list.push(s);
  };
  for (const ss of e.subsets) {
    const addresses = ss.addresses ?? [];
    if (!ss.ports?.length) {
      // A headless Service without ports lists bare addresses.
      count += addresses.length;
      addresses.forEach((a) => add(a.ip));
      continue;
    }
    for (const p of ss.ports) {
      count += addresses.length;
      for (const a of addresses) add(a.ip.includes(':') ? `[${a.ip}]:${p.port}` : `${a.ip}:${p.port}`);
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - MAX} more...` : ret;
};

/** listWithMoreString: three at most, then `+ N more...`; `<unset>` when empty. */
const listWithMore = (items: string[]): string => {
  if (items.length > MAX) return `${items.slice(0, MAX).join(',')} + ${items.length - MAX} more...`;
  return items.length ? items.join(',') : '<unset>';
};

export const formatDiscoveryPorts = (s: EndpointSlice): string => listWithMore((s.ports ?? []).map((p) => String(p.port ?? p.name ?? '*')));
export const formatDiscoveryEndpoints = (s: EndpointSlice): string => listWithMore(s.endpoints.flatMap((e) => e.addresses));

export const ENDPOINTS_PRINTERS = {
  endpoints: (e: Endpoints, now: Date): PrintedRow => ({ cells: [e.metadata.name, formatEndpoints(e), translateTimestampSince(e.metadata.creationTimestamp, now)] }),
  endpointslices: (s: EndpointSlice, now: Date): PrintedRow => ({
    cells: [s.metadata.name, s.addressType, formatDiscoveryPorts(s), formatDiscoveryEndpoints(s), translateTimestampSince(s.metadata.creationTimestamp, now)],
  }),
} satisfies Record<keyof typeof ENDPOINTS_COLUMNS, (o: never, now: Date) => PrintedRow>;
