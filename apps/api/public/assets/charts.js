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
 * `{ families: [{ name, unit, explanation, cases: [{ id, label, value, ratio, baseline }] }], meta }`
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
    cases.push({
      id,
      label: isText(raw.label) ? raw.label : id,
      family: isText(raw.family) ? raw.family : 'results',
      unit: isText(raw.unit) ? raw.unit : '',
      value,
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

const WIDTH = 640;
const LABEL_WIDTH = 190;
const VALUE_WIDTH = 150;
const ROW = 30;
const BAR = 18;

function chart(family) {
  const titleId = uid('chart-title');
  const max = Math.max(...family.cases.map((c) => c.value), 0) || 1;
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
        .map((c) => `${c.label} ${formatValue(c.value)}${unit}`)
        .join(', ')}`,
    }),
  );
  family.cases.forEach((c, index) => {
    const y = index * ROW + 4;
    const width = Math.max(1, (Math.max(0, c.value) / max) * plot);
    const ratio = c.ratio !== null && !c.isBaseline ? ` ×${formatValue(c.ratio)}` : '';
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
        x: LABEL_WIDTH + width + 6,
        y: y + BAR - 4,
        class: 'chart-value',
        text: `${formatValue(c.value)}${unit}${ratio}${c.isBaseline ? ' (baseline)' : ''}`,
      }),
    );
  });
  return svg;
}

function table(family) {
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
            h('td', { text: formatValue(c.value) }),
            h('td', {
              text: c.isBaseline ? 'baseline' : c.ratio === null ? '—' : `×${formatValue(c.ratio)}`,
            }),
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
