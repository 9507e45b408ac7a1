/**
 * How deeply a request body nests, measured on its text in one pass with no
 * recursion, so that a hostile body is refused before any recursive code
 * (YAML, patches, zod, managed fields, JSON writers) sees it.
 *
 * kube-apiserver refuses JSON nested deeper than 10000 (apimachinery
 * pkg/util/json `maxDepth`, "exceeded max depth of 10000", the same limit as
 * Go's encoding/json scanner); Go's growable stacks carry that much. Node's
 * stack is fixed (about 1 MB): measured on this server, a strategic merge
 * patch overflows it at about 2000 levels and a merge patch at about 5000,
 * so the limit here is 1000 levels, a tenth of upstream's and still far
 * beyond any real object (a DaemonSet nests about 15).
 */
export const UPSTREAM_MAX_NESTING_DEPTH = 10000;
export const MAX_NESTING_DEPTH = 1000;

/** The deepest `{`/`[` nesting of a JSON text (strings skipped). Malformed JSON is measured as far as it goes. */
export const jsonDepth = (text: string): number => {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest) deepest = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
};

/**
 * An upper bound of a YAML text's nesting: block indentation levels open on
 * a line, plus the `- ` sequence entries that start it, plus open flow
 * brackets (`{`, `[`) outside quotes, comments and block scalars. Never
 * less than the real depth, so a body under the limit here is under it for
 * the parser too.
 */
export const yamlDepth = (text: string): number => {
  const indents: number[] = [];
  let flow = 0;
  let deepest = 0;
  // Inside a block scalar (`key: |`): its lines, more indented than the key's, are text.
  let literalAbove = -1;
  for (const line of text.split('\n')) {
    let i = 0;
    while (i < line.length && line[i] === ' ') i++;
    if (i === line.length || line[i] === '#') continue;
    if (literalAbove >= 0 && i > literalAbove) continue;
    literalAbove = flow === 0 && /(?:^|[:\s-])\s*[|>][-+0-9]*\s*(?:#.*)?$/.test(line) ? i : -1;
    if (flow === 0) {
      while (indents.length && indents[indents.length - 1] >= i) indents.pop();
      indents.push(i);
    }
    let dashes = 0;
    while (line[i] === '-' && (line[i + 1] === ' ' || i + 1 === line.length)) {
      dashes++;
      i += 2;
      while (line[i] === ' ') i++;
    }
    let quote = '';
    let lineFlow = 0;
    for (; i < line.length; i++) {
      const c = line[i];
      if (quote) {
        if (c === '\\' && quote === '"') i++;
        else if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '#' && (i === 0 || line[i - 1] === ' ')) break;
      else if (c === '{' || c === '[') lineFlow = Math.max(lineFlow, ++flow);
      else if (c === '}' || c === ']') flow = Math.max(0, flow - 1);
    }
    deepest = Math.max(deepest, indents.length + dashes + Math.max(flow, lineFlow));
  }
  return deepest;
};
