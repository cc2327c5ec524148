import type { VNode } from 'preact';
import type { Locale } from '../../../core/i18n/i18n.ts';
import { t } from '../../../core/i18n/i18n.ts';
import { formatMoney } from '../currencies.ts';
import type { FundSummary, MonthFigures } from '../service-reports.ts';

/**
 * Charts drawn on the server as SVG (no script): presentation attributes only, since the
 * content security policy forbids inline styles. Each has a title and a description, and the
 * page gives the same figures as a table: the picture is never the only way to read them.
 */

const SERIES = [
  { key: 'raised', color: '#1d5b79', dash: '' },
  { key: 'committed', color: '#556b2f', dash: '8 4' },
  { key: 'disbursed', color: '#c44d00', dash: '2 3' },
] as const;

/** Every month from the first to the last with movements (at most the last 36), with running totals. */
export function cumulativeMonths(months: MonthFigures[]): MonthFigures[] {
  if (months.length === 0) return [];
  const byMonth = new Map(months.map((m) => [m.month, m]));
  const out: MonthFigures[] = [];
  let [y, mo] = months[0].month.split('-').map(Number);
  const last = months[months.length - 1].month;
  const totals = { raised: 0, committed: 0, disbursed: 0 };
  for (;;) {
    const key = `${y}-${String(mo).padStart(2, '0')}`;
    const m = byMonth.get(key);
    if (m) {
      totals.raised += m.raised;
      totals.committed += m.committed;
      totals.disbursed += m.disbursed;
    }
    out.push({ month: key, ...totals });
    if (key >= last) break;
    mo++;
    if (mo > 12) {
      mo = 1;
      y++;
    }
  }
  return out.slice(-36);
}

export function MonthChart({
  months,
  currency,
  locale,
}: {
  months: MonthFigures[];
  currency: string;
  locale: Locale;
}): VNode {
  const W = 720;
  const H = 260;
  const pad = { l: 36, r: 36, t: 16, b: 40 };
  const max = Math.max(1, ...months.flatMap((m) => [m.raised, m.committed, m.disbursed]));
  const x = (i: number) =>
    pad.l + (months.length <= 1 ? (W - pad.l - pad.r) / 2 : (i * (W - pad.l - pad.r)) / (months.length - 1));
  const y = (v: number) => pad.t + (H - pad.t - pad.b) * (1 - Math.max(0, v) / max);
  const label = (k: string) => t(locale, `fund.figures.${k}`);
  const last = months[months.length - 1];
  const desc = last
    ? t(locale, 'fund.chart.desc', {
        from: months[0].month,
        to: last.month,
        raised: formatMoney(last.raised, currency, locale),
        committed: formatMoney(last.committed, currency, locale),
        disbursed: formatMoney(last.disbursed, currency, locale),
      })
    : '';
  const step = Math.max(1, Math.ceil(months.length / 8));
  return (
    <svg
      viewBox={`0 0 ${W} ${H + 24}`}
      width="100%"
      role="img"
      aria-labelledby="fund-chart-title fund-chart-desc"
      class="fund-chart"
    >
      <title id="fund-chart-title">{t(locale, 'fund.chart.title', { currency })}</title>
      <desc id="fund-chart-desc">{desc}</desc>
      <line x1={pad.l} x2={W - pad.r} y1={y(0)} y2={y(0)} stroke="#535d66" stroke-width="1" />
      <line x1={pad.l} x2={W - pad.r} y1={y(max)} y2={y(max)} stroke="#d5d9dc" stroke-width="1" />
      <text x={W - pad.r} y={y(max) - 4} text-anchor="end" font-size="11" fill="#535d66">
        {formatMoney(max, currency, locale)}
      </text>
      {months.map((m, i) =>
        i % step === 0 || i === months.length - 1 ? (
          <text key={m.month} x={x(i)} y={H - pad.b + 16} text-anchor="middle" font-size="11" fill="#535d66">
            {m.month}
          </text>
        ) : null,
      )}
      {SERIES.map((s) => (
        <g key={s.key}>
          <polyline
            fill="none"
            stroke={s.color}
            stroke-width="2.5"
            stroke-dasharray={s.dash || undefined}
            points={months.map((m, i) => `${x(i).toFixed(1)},${y(m[s.key]).toFixed(1)}`).join(' ')}
          />
          {months.length === 1 && <circle cx={x(0)} cy={y(months[0][s.key])} r="4" fill={s.color} />}
        </g>
      ))}
      {SERIES.map((s, i) => (
        <g key={`legend-${s.key}`} transform={`translate(${pad.l + i * 200}, ${H + 8})`}>
          <line
            x1="0"
            x2="32"
            y1="6"
            y2="6"
            stroke={s.color}
            stroke-width="2.5"
            stroke-dasharray={s.dash || undefined}
          />
          <text x="40" y="10" font-size="12" fill="#1c2227">
            {label(s.key)}
          </text>
        </g>
      ))}
    </svg>
  );
}

interface FlowNode {
  label: string;
  amount: number;
}

const TOP = 8;
function topWithOthers(nodes: FlowNode[], othersLabel: string): FlowNode[] {
  const positive = nodes.filter((n) => n.amount > 0).sort((a, b) => b.amount - a.amount);
  if (positive.length <= TOP + 1) return positive;
  const rest = positive.slice(TOP).reduce((s, n) => s + n.amount, 0);
  return [...positive.slice(0, TOP), { label: othersLabel, amount: rest }];
}

/** The sides of the flow diagram: what came in, and where it is now. They are equal, as the books balance. */
export function flowSides(s: FundSummary, locale: Locale): { sources: FlowNode[]; uses: FlowNode[] } {
  const sources = topWithOthers(
    s.contributors.map((c) => ({ label: c.name, amount: c.contributed })),
    t(locale, 'fund.flow.otherContributors'),
  );
  if (s.convertedIn > 0) sources.push({ label: t(locale, 'fund.flow.convertedIn'), amount: s.convertedIn });
  const uses = topWithOthers(
    s.communities.map((c) => ({ label: c.name, amount: c.committed })),
    t(locale, 'fund.flow.otherCommunities'),
  );
  const poolSpent = s.spent - s.communities.reduce((sum, c) => sum + c.spent, 0);
  for (const [key, amount] of [
    ['fund.flow.uncommitted', s.balance],
    ['fund.flow.boughtDirectly', poolSpent],
    ['fund.flow.fees', s.fees],
    ['fund.flow.convertedOut', s.convertedOut],
  ] as const) {
    if (amount > 0) uses.push({ label: t(locale, key), amount });
  }
  return { sources, uses };
}

/** Sankey-like bands from contributors through the fund to communities (and what is not yet committed). */
export function FlowDiagram({ summary, locale }: { summary: FundSummary; locale: Locale }): VNode {
  const { sources, uses } = flowSides(summary, locale);
  const total = Math.max(
    1,
    sources.reduce((s, n) => s + n.amount, 0),
    uses.reduce((s, n) => s + n.amount, 0),
  );
  const BAND = 300; // height shared by the bands
  const GAP = 18;
  const MIN_SLOT = 18; // room for a label even beside a thin band
  const xl = 230;
  const xm = 380;
  const xr = 530;
  const nodeW = 12;
  const layout = (nodes: FlowNode[]) => {
    let yy = 10;
    return nodes.map((n) => {
      const h = (n.amount / total) * BAND;
      const slot = { ...n, y: yy, h };
      yy += Math.max(h, MIN_SLOT) + GAP;
      return slot;
    });
  };
  const left = layout(sources);
  const right = layout(uses);
  const height = Math.max(BAND + 20, ...[...left, ...right].map((n) => n.y + Math.max(n.h, MIN_SLOT) + 10));
  const midTop = (height - BAND) / 2;
  const band = (x1: number, y1: number, x2: number, y2: number, h: number) => {
    const c = (x1 + x2) / 2;
    return `M${x1},${y1} C${c},${y1} ${c},${y2} ${x2},${y2} L${x2},${y2 + h} C${c},${y2 + h} ${c},${y1 + h} ${x1},${y1 + h} Z`;
  };
  let inY = midTop;
  let outY = midTop;
  const money = (n: number) => formatMoney(n, summary.currency, locale);
  const desc = t(locale, 'fund.flow.desc', {
    sources: sources.map((n) => `${n.label} ${money(n.amount)}`).join('; '),
    uses: uses.map((n) => `${n.label} ${money(n.amount)}`).join('; '),
  });
  return (
    <svg
      viewBox={`0 0 780 ${Math.ceil(height)}`}
      width="100%"
      role="img"
      aria-labelledby="fund-flow-title fund-flow-desc"
      class="fund-flow"
    >
      <title id="fund-flow-title">{t(locale, 'fund.flow.title', { currency: summary.currency })}</title>
      <desc id="fund-flow-desc">{desc}</desc>
      {left.map((n) => {
        const p = band(xl + nodeW, n.y, xm, inY, n.h);
        inY += n.h;
        return <path key={`in-${n.label}`} d={p} fill="#1d5b79" fill-opacity="0.28" />;
      })}
      {right.map((n) => {
        const p = band(xm + nodeW, outY, xr, n.y, n.h);
        outY += n.h;
        return <path key={`out-${n.label}`} d={p} fill="#556b2f" fill-opacity="0.28" />;
      })}
      <rect x={xm} y={midTop} width={nodeW} height={BAND} fill="#143f55" />
      <text
        x={xm + nodeW / 2}
        y={midTop - 4}
        text-anchor="middle"
        font-size="12"
        font-weight="bold"
        fill="#1c2227"
      >
        {t(locale, 'fund.flow.fund')}
      </text>
      {left.map((n) => (
        <g key={`l-${n.label}`}>
          <rect x={xl} y={n.y} width={nodeW} height={Math.max(n.h, 1)} fill="#1d5b79" />
          <text
            x={xl - 6}
            y={n.y + Math.max(n.h, MIN_SLOT) / 2 + 4}
            text-anchor="end"
            font-size="12"
            fill="#1c2227"
          >
            {`${truncate(n.label)} · ${money(n.amount)}`}
          </text>
        </g>
      ))}
      {right.map((n) => (
        <g key={`r-${n.label}`}>
          <rect x={xr} y={n.y} width={nodeW} height={Math.max(n.h, 1)} fill="#556b2f" />
          <text x={xr + nodeW + 6} y={n.y + Math.max(n.h, MIN_SLOT) / 2 + 4} font-size="12" fill="#1c2227">
            {`${truncate(n.label)} · ${money(n.amount)}`}
          </text>
        </g>
      ))}
    </svg>
  );
}

const truncate = (s: string) => (s.length > 24 ? `${s.slice(0, 23)}…` : s);
