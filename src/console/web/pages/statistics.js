// Statistics of my scope: received vs handled per month (chart), SLA compliance and median times
// per month (charts), then tables per category and channel, the ratings, and the CSV of the same
// aggregates. Charts are uPlot, served by this server; every number in a chart is also in a table.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { getLang, html, t, useApi, useLang } from '../lib.js';

// uPlot's own stylesheet, once, from this server.
if (!document.querySelector('link[data-uplot]')) {
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = '/console/vendor/uplot.css';
  link.dataset.uplot = '';
  document.head.append(link);
}

const ZONE = 'Asia/Jakarta';
const localToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date());

/** The last twelve months, this one included. */
function defaultRange() {
  const to = localToday();
  const [year, month] = to.split('-').map(Number);
  const start = new Date(Date.UTC(year, month - 12, 1));
  return { from: start.toISOString().slice(0, 10), to };
}

const number = (n) => new Intl.NumberFormat(getLang() === 'en' ? 'en-GB' : 'id-ID').format(n);
const percent = (share) => (share === null || share === undefined ? '–' : `${new Intl.NumberFormat(getLang() === 'en' ? 'en-GB' : 'id-ID', { maximumFractionDigits: 1 }).format(share * 100)}%`);
function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const hours = seconds / 3600;
  if (hours < 48) return t('statistics.hours', { n: number(Math.round(hours * 10) / 10) });
  return t('statistics.days', { n: number(Math.round((hours / 24) * 10) / 10) });
}
function monthLabel(month) {
  const [year, m] = month.split('-').map(Number);
  return new Intl.DateTimeFormat(getLang() === 'en' ? 'en-GB' : 'id-ID', { month: 'short', year: '2-digit', timeZone: 'UTC' }).format(new Date(Date.UTC(year, m - 1, 1)));
}

const colour = (name, fallback) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

/** One uPlot chart over the months, as wide as its box, redrawn when the box changes size. */
function MonthChart({ label, months, series, yFormat }) {
  const box = useRef(null);
  useEffect(() => {
    const element = box.current;
    const xs = months.map((_, i) => i);
    const options = {
      width: Math.max(element.clientWidth, 260),
      height: 240,
      scales: { x: { time: false, range: [-0.5, Math.max(xs.length - 0.5, 0.5)] }, y: { range: (_u, min, max) => [0, Math.max(max ?? 0, 1) * 1.1] } },
      axes: [
        { values: (_u, splits) => splits.map((i) => (Number.isInteger(i) && months[i] ? monthLabel(months[i].month) : '')), space: 40 },
        { values: (_u, splits) => splits.map(yFormat), size: 56 },
      ],
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      series: [{ label: t('statistics.month') }, ...series.map((s) => ({ label: s.label, stroke: s.stroke, fill: s.fill, width: 2, spanGaps: true, points: { show: true }, paths: s.bars ? uPlot.paths.bars({ size: [s.bars, 60] }) : undefined }))],
    };
    const chart = new uPlot(options, [xs, ...series.map((s) => months.map(s.value))], element);
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(element.clientWidth, 260), height: 240 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [months, getLang()]);
  return html`<figure class="stats-chart"><figcaption>${label}</figcaption><div ref=${box} role="img" aria-label=${label}></div></figure>`;
}

function Summary({ total }) {
  const items = [
    [t('statistics.received'), number(total.received)],
    [t('statistics.handled'), `${number(total.handled)} (${percent(total.handledShare)})`],
    [t('statistics.firstResponse'), duration(total.medianFirstResponseSeconds)],
    [t('statistics.resolution'), duration(total.medianResolutionSeconds)],
    [t('statistics.slaVerify'), percent(total.sla.verify.compliance)],
    [t('statistics.slaFollowUp'), percent(total.sla.followUp.compliance)],
    [t('statistics.rating'), total.ratings.mean === null ? '–' : `${total.ratings.mean.toFixed(1)} / 5 (${number(total.ratings.count)})`],
  ];
  return html`<dl class="stats-summary">${items.map(([name, value]) => html`<div><dt>${name}</dt><dd>${value}</dd></div>`)}</dl>`;
}

/** A table of aggregates, one row per group (category, channel or month). */
function AggregateTable({ caption, rows, name }) {
  return html`
    <div class="stats-table">
      <table>
        <caption>${caption}</caption>
        <thead><tr>
          <th scope="col">${t('statistics.group')}</th><th scope="col">${t('statistics.received')}</th><th scope="col">${t('statistics.handled')}</th>
          <th scope="col">${t('statistics.open')}</th><th scope="col">${t('statistics.firstResponse')}</th><th scope="col">${t('statistics.resolution')}</th>
          <th scope="col">${t('statistics.slaVerify')}</th><th scope="col">${t('statistics.slaFollowUp')}</th><th scope="col">${t('statistics.rating')}</th>
        </tr></thead>
        <tbody>${rows.map((row) => html`
          <tr>
            <th scope="row">${name(row)}</th><td>${number(row.received)}</td><td>${number(row.handled)} (${percent(row.handledShare)})</td>
            <td>${number(row.open)}</td><td>${duration(row.medianFirstResponseSeconds)}</td><td>${duration(row.medianResolutionSeconds)}</td>
            <td>${percent(row.sla.verify.compliance)}</td><td>${percent(row.sla.followUp.compliance)}</td>
            <td>${row.ratings.mean === null ? '–' : row.ratings.mean.toFixed(1)}</td>
          </tr>`)}
        </tbody>
      </table>
    </div>`;
}

function Ratings({ ratings }) {
  const most = Math.max(1, ...ratings.distribution);
  return html`
    <section class="card">
      <h2>${t('statistics.ratings')}</h2>
      ${ratings.count === 0
        ? html`<p class="muted">${t('statistics.noRatings')}</p>`
        : html`<ul class="stats-ratings">${[5, 4, 3, 2, 1].map((stars) => html`
            <li><span>${t('statistics.stars', { n: stars })}</span><meter min="0" max=${most} value=${ratings.distribution[stars - 1]} aria-label=${t('statistics.stars', { n: stars })}></meter><span>${number(ratings.distribution[stars - 1])}</span></li>`)}
          </ul>`}
    </section>`;
}

export default function StatisticsPage() {
  useLang();
  const [form, setForm] = useState(() => ({ ...defaultRange(), dinasId: '' }));
  const [query, setQuery] = useState(form);
  const params = new URLSearchParams({ from: query.from, to: query.to, ...(query.dinasId ? { dinasId: query.dinasId } : {}) }).toString();
  const { data, error, loading } = useApi(`/statistics?${params}`);
  const submit = (event) => {
    event.preventDefault();
    setQuery(form);
  };
  const accent = colour('--accent', '#0b5cad');
  const ok = colour('--ok', '#1b7a3d');
  const warn = colour('--warn', '#a15c00');
  const categoryName = (row) => data?.categoryNames[row.category]?.[getLang()] ?? row.category;
  return html`
    <h1>${t('statistics.title')}</h1>
    <form class="card stats-form" onSubmit=${submit}>
      <label>${t('statistics.from')}<input type="date" required value=${form.from} max=${form.to} onInput=${(e) => setForm({ ...form, from: e.currentTarget.value })} /></label>
      <label>${t('statistics.to')}<input type="date" required value=${form.to} min=${form.from} onInput=${(e) => setForm({ ...form, to: e.currentTarget.value })} /></label>
      ${data && data.dinasOptions.length > 1 && html`
        <label>${t('statistics.dinas')}<select value=${form.dinasId} onChange=${(e) => setForm({ ...form, dinasId: e.currentTarget.value })}>
          <option value="">${t('statistics.allDinas')}</option>
          ${data.dinasOptions.map((d) => html`<option value=${String(d.id)}>${d.name}</option>`)}
        </select></label>`}
      <button type="submit">${t('statistics.show')}</button>
      <a class="button secondary" href=${`/api/v1/statistics.csv?${params}`} download>${t('statistics.csv')}</a>
    </form>
    <p class="muted">${t('statistics.definitions')}</p>
    ${error && html`<p class="error" role="alert">${error.status === 400 ? t('statistics.badRange') : t('app.error')}</p>`}
    ${loading && !data && html`<p class="loading">${t('app.loading')}</p>`}
    ${data && html`
      <${Summary} total=${data.total} />
      <div class="grid-2">
        <${MonthChart} label=${t('statistics.volumeChart')} months=${data.months} yFormat=${(v) => number(v)}
          series=${[
            { label: t('statistics.received'), value: (m) => m.received, stroke: accent, fill: `${accent}33`, bars: 0.7 },
            { label: t('statistics.handled'), value: (m) => m.handled, stroke: ok, fill: `${ok}aa`, bars: 0.4 },
          ]} />
        <${MonthChart} label=${t('statistics.slaChart')} months=${data.months} yFormat=${(v) => `${Math.round(v)}%`}
          series=${[
            { label: t('statistics.slaVerify'), value: (m) => (m.sla.verify.compliance === null ? null : m.sla.verify.compliance * 100), stroke: accent },
            { label: t('statistics.slaFollowUp'), value: (m) => (m.sla.followUp.compliance === null ? null : m.sla.followUp.compliance * 100), stroke: warn },
          ]} />
        <${MonthChart} label=${t('statistics.timesChart')} months=${data.months} yFormat=${(v) => number(Math.round(v))}
          series=${[
            { label: t('statistics.firstResponseHours'), value: (m) => (m.medianFirstResponseSeconds === null ? null : m.medianFirstResponseSeconds / 3600), stroke: accent },
            { label: t('statistics.resolutionHours'), value: (m) => (m.medianResolutionSeconds === null ? null : m.medianResolutionSeconds / 3600), stroke: ok },
          ]} />
        <${Ratings} ratings=${data.total.ratings} />
      </div>
      <${AggregateTable} caption=${t('statistics.byMonth')} rows=${data.months} name=${(row) => monthLabel(row.month)} />
      <${AggregateTable} caption=${t('statistics.byCategory')} rows=${data.categories} name=${categoryName} />
      <${AggregateTable} caption=${t('statistics.byChannel')} rows=${data.channels} name=${(row) => t(`statistics.channels.${row.channel}`)} />
    `}`;
}
