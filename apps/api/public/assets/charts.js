// The latest benchmark results as inline SVG bar charts (no library). The results file is the
// benchmarks' to shape, so `normalizeResults` reads it defensively and `renderBenchmarks`
// draws only what it understood.

import { h, s, uid } from './dom.js';

const isText = (value) => typeof value === 'string' && value.length > 0;
const isNumber = (value) => typeof value === 'number' && Number.isFinite(value);

/** One line per question the benchmarks answer, matched on the family name. */
const FAMILY_EXPLANATIONS = [
  [/verif/i, 'How long checking one credential takes, without HTTP: signature maths versus a store look-up.'],
  [/throughput|rps|requests/i, 'Authenticated requests per second through the whole app: more is better.'],
  [/latency|p9/i, 'Time for one authenticated request end to end: less is better.'],
  [
    /size|bytes|credential/i,
    'Bytes the client sends with every request: the credential’s weight on the wire.',
  ],
  [/state|memory|store/i, 'What the server must keep per logged-in user: the price of being able to revoke.'],
  [
    /revoc|logout/i,
    'How long a logged-out credential keeps working: immediate with server state, until expiry without.',
  ],
  [
    /scale|instances|cluster/i,
    'What changes with several API processes: shared stores versus nothing to share.',
  ],
  [
    /login|hash|argon/i,
    'Logging in costs a password hash — deliberately slow, and the same for every strategy.',
  ],
];

function explanationOf(family, results, cases) {
  const families = results.families;
  const described = families && typeof families === 'object' ? families[family] : undefined;
  if (isText(described)) return described;
  if (described && isText(described.description)) return described.description;
  const fromCase = cases.find((c) => isText(c.description));
  if (fromCase) return fromCase.description;
  const known = FAMILY_EXPLANATIONS.find(([pattern]) => pattern.test(family));
  return known ? known[1] : '';
}

/**
 * `[low, high, kind]` around a case's figure `key` when the benchmarks recorded one: the 95 %
 * interval of the median over rounds (`<key>Low` / `<key>High`), or for in-process medians the
 * p10–p90 spread of the samples — a spread, not an interval, and shown as such. Else null.
 */
function spreadOf(numbers, key) {
  if (numbers === null || typeof numbers !== 'object') return null;
  const low = numbers[`${key}Low`];
  const high = numbers[`${key}High`];
  if (isNumber(low) && isNumber(high)) return { low, high, kind: 'interval' };
  if (key === 'median' && isNumber(numbers.p10) && isNumber(numbers.p90)) {
    return { low: numbers.p10, high: numbers.p90, kind: 'p10–p90' };
  }
  return null;
}

/** The key of the headline figure in `numbers`, by unit (the harness's convention). */
function headlineKey(unit) {
  if (unit === 'req/s') return 'reqPerSec';
  if (unit === 'µs' || unit === 'ms') return 'median';
  return null;
}

/** Server CPU per request of an HTTP case, with its interval when recorded; null when not measured. */
function cpuOf(numbers) {
  if (numbers === null || typeof numbers !== 'object' || !isNumber(numbers.apiCpuUsPerRequest)) return null;
  return { value: numbers.apiCpuUsPerRequest, spread: spreadOf(numbers, 'apiCpuUsPerRequest') };
}

/**
 * `{ families: [{ name, unit, explanation, cases: [{ id, label, value, ratio, baseline, spread, cpu }] }], meta }`
 * from a results object, or null when it holds nothing drawable. Accepts `cases` or
 * `results` as the list; a case needs a finite numeric `value` and an `id` or `label`.
 */
export function normalizeResults(results) {
  if (results === null || typeof results !== 'object') return null;
  const list = Array.isArray(results.cases)
    ? results.cases
    : Array.isArray(results.results)
      ? results.results
      : [];
  const cases = [];
  for (const raw of list) {
    if (raw === null || typeof raw !== 'object') continue;
    const value = isNumber(raw.value) ? raw.value : isNumber(raw.mean) ? raw.mean : null;
    const id = isText(raw.id) ? raw.id : isText(raw.label) ? raw.label : null;
    if (value === null || id === null) continue;
    const unit = isText(raw.unit) ? raw.unit : '';
    const key = headlineKey(unit);
    cases.push({
      id,
      label: isText(raw.label) ? raw.label : id,
      family: isText(raw.family) ? raw.family : 'results',
      unit,
      value,
      spread: key === null ? null : spreadOf(raw.numbers, key),
      cpu: cpuOf(raw.numbers),
      ratio: isNumber(raw.ratio) ? raw.ratio : null,
      baselineId: isText(raw.baselineId) ? raw.baselineId : null,
      description: isText(raw.description) ? raw.description : null,
    });
  }
  if (cases.length === 0) return null;
  // One chart per family and unit: bars on one scale must share a unit.
  const groups = new Map();
  for (const c of cases) {
    const key = `${c.family}\u0000${c.unit}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(c);
  }
  const families = [...groups.values()].map((group) => {
    const [{ family, unit }] = group;
    const ids = new Set(group.map((c) => c.id));
    return {
      name: family,
      unit,
      explanation: explanationOf(family, results, group),
      cases: group.map((c) => ({
        id: c.id,
        label: c.label,
        value: c.value,
        ratio: c.ratio,
        baseline: c.baselineId !== null && ids.has(c.baselineId) ? c.baselineId : null,
        isBaseline: group.some((other) => other.baselineId === c.id),
        spread: c.spread,
        cpu: c.cpu,
      })),
    };
  });
  const meta = [];
  for (const key of ['generatedAt', 'date', 'timestamp', 'node', 'nodeVersion', 'commit']) {
    if (isText(results[key]) || isNumber(results[key])) meta.push([key, String(results[key])]);
  }
  const machine = results.machine ?? results.environment;
  if (machine && typeof machine === 'object') {
    for (const [key, value] of Object.entries(machine)) {
      if (isText(value) || isNumber(value)) meta.push([key, String(value)]);
    }
  }
  return { families, meta: meta.slice(0, 12) };
}

function formatValue(value) {
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en', { maximumFractionDigits: digits });
}

/** `3,800 (3,631–3,987)`: the figure with its interval or spread when there is one. */
function withSpread(value, spread) {
  return spread === null
    ? formatValue(value)
    : `${formatValue(value)} (${formatValue(spread.low)}–${formatValue(spread.high)})`;
}

/** What the bracket after a figure is: said once per chart, beside its caption. */
function spreadLegend(family) {
  const kinds = new Set(family.cases.map((c) => c.spread?.kind).filter(isText));
  if (kinds.size === 0) return '';
  return ` (${[...kinds]
    .map((kind) =>
      kind === 'interval'
        ? 'brackets and whiskers: 95% interval over rounds'
        : 'brackets and whiskers: p10–p90 of the samples',
    )
    .join('; ')})`;
}

const WIDTH = 640;
const LABEL_WIDTH = 190;
const VALUE_WIDTH = 150;
const ROW = 30;
const BAR = 18;

function chart(family) {
  const titleId = uid('chart-title');
  const max = Math.max(...family.cases.map((c) => Math.max(c.value, c.spread?.high ?? 0)), 0) || 1;
  const plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const height = family.cases.length * ROW + 8;
  const unit = family.unit ? ` ${family.unit}` : '';
  const svg = s(
    'svg',
    {
      class: 'chart',
      viewBox: `0 0 ${WIDTH} ${height}`,
      role: 'img',
      'aria-labelledby': titleId,
      preserveAspectRatio: 'xMinYMin meet',
    },
    s('title', {
      id: titleId,
      text: `${family.name}${unit ? ` (${family.unit})` : ''}: ${family.cases
        .map((c) => `${c.label} ${withSpread(c.value, c.spread)}${unit}`)
        .join(', ')}`,
    }),
  );
  family.cases.forEach((c, index) => {
    const y = index * ROW + 4;
    const width = Math.max(1, (Math.max(0, c.value) / max) * plot);
    const ratio = c.ratio !== null && !c.isBaseline ? ` ×${formatValue(c.ratio)}` : '';
    const whiskerEnd = c.spread === null ? width : (Math.max(0, c.spread.high) / max) * plot;
    svg.append(
      s('text', {
        x: LABEL_WIDTH - 8,
        y: y + BAR - 4,
        'text-anchor': 'end',
        class: 'chart-label',
        text: c.label,
      }),
      s('rect', {
        x: LABEL_WIDTH,
        y,
        width: width.toFixed(1),
        height: BAR,
        rx: 2,
        class: c.isBaseline ? 'bar bar-baseline' : 'bar',
      }),
      s('text', {
        x: LABEL_WIDTH + Math.max(width, whiskerEnd) + 6,
        y: y + BAR - 4,
        class: 'chart-value',
        text: `${formatValue(c.value)}${unit}${ratio}${c.isBaseline ? ' (baseline)' : ''}`,
      }),
    );
    if (c.spread !== null) {
      svg.append(
        s('line', {
          x1: (LABEL_WIDTH + (Math.max(0, c.spread.low) / max) * plot).toFixed(1),
          x2: (LABEL_WIDTH + whiskerEnd).toFixed(1),
          y1: y + BAR / 2,
          y2: y + BAR / 2,
          class: 'whisker',
        }),
      );
    }
  });
  return svg;
}

function table(family) {
  // The CPU column only where the benchmarks measured it (HTTP cases), so other tables stay narrow.
  const hasCpu = family.cases.some((c) => c.cpu !== null);
  return h(
    'details',
    { class: 'chart-data' },
    h('summary', { text: `${family.name}: the numbers` }),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col', text: 'case' }),
          h('th', { scope: 'col', text: `value${family.unit ? ` (${family.unit})` : ''}` }),
          h('th', { scope: 'col', text: 'ratio to baseline' }),
          hasCpu ? h('th', { scope: 'col', text: 'server CPU µs per request' }) : null,
        ),
      ),
      h(
        'tbody',
        {},
        family.cases.map((c) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row', text: c.label }),
            h('td', { text: withSpread(c.value, c.spread) }),
            h('td', {
              text: c.isBaseline ? 'baseline' : c.ratio === null ? '—' : `×${formatValue(c.ratio)}`,
            }),
            hasCpu ? h('td', { text: c.cpu === null ? '—' : withSpread(c.cpu.value, c.cpu.spread) }) : null,
          ),
        ),
      ),
    ),
  );
}

/** Fills `container` from the `GET /demo/benchmarks` result. */
export function renderBenchmarks(container, result) {
  container.replaceChildren();
  const normalized = result.ok ? normalizeResults(result.body) : null;
  if (normalized === null) {
    container.append(
      h(
        'p',
        { class: 'empty', 'data-role': 'benchmarks-empty' },
        result.status === 404 || result.ok
          ? 'No results yet. Run the benchmarks (npm run bench) to write benchmarks/results/latest.json, then reload.'
          : `The results could not be loaded (${result.status} ${result.statusText}).`,
      ),
    );
    return;
  }
  for (const family of normalized.families) {
    container.append(
      h(
        'figure',
        { class: 'benchmark', 'data-family': family.name },
        h(
          'figcaption',
          {},
          h('strong', { text: family.name }),
          family.explanation ? ` — ${family.explanation}` : '',
          spreadLegend(family),
        ),
        chart(family),
        table(family),
      ),
    );
  }
  if (normalized.meta.length > 0) {
    container.append(
      h(
        'dl',
        { class: 'meta' },
        normalized.meta.map(([key, value]) => [h('dt', { text: key }), h('dd', { text: value })]),
      ),
    );
  }
}
