// The inbox (#/cases, the home page): views with their counts in a side bar, narrowing filters and
// search, the list of cases newest first (or by SLA due) with "load more" by keyset, and new cases
// arriving live. Rows hold no personal data; each links to its case page. Per change it makes one
// request for the list and one for the counts, never one per row.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, getLang, html, me, t, useApi, useLang, useLive } from '../lib.js';

const STATUSES = ['baru', 'diverifikasi', 'diteruskan', 'diproses', 'selesai', 'ditutup', 'ditolak', 'duplikat'];
const CHANNELS = ['telegram', 'whatsapp-cloud', 'whatsapp-web', 'web'];
const PAGE = 50;
/** Live events come in bursts (a case event per step): one refetch per burst. */
const LIVE_DEBOUNCE_MS = 400;

/** The side bar's views and the query each one adds. */
const VIEWS = [
  { key: 'all', query: {} },
  ...STATUSES.map((status) => ({ key: `status:${status}`, query: { status } })),
  { key: 'due-soon', query: { sla: 'due-soon' } },
  { key: 'breached', query: { sla: 'breached' } },
  { key: 'unassigned', query: { unassigned: 'true' } },
  { key: 'mine', query: { assignee: 'me' } },
];

function countOf(counts, key) {
  if (!counts) return null;
  if (key === 'all') return counts.total;
  if (key.startsWith('status:')) return counts.status[key.slice(7)];
  return { 'due-soon': counts.dueSoon, breached: counts.breached, unassigned: counts.unassigned, mine: counts.mine }[key];
}

function formatCount(n, cap) {
  if (n == null) return '';
  const format = (v) => new Intl.NumberFormat(getLang() === 'en' ? 'en-GB' : 'id-ID').format(v);
  return n > cap ? `${format(cap)}+` : format(n);
}

function viewLabel(key) {
  if (key.startsWith('status:')) return t(`inbox.status.${key.slice(7)}`);
  return t(`inbox.views.${key}`);
}

/** "3 hari lalu" / "3 days ago". */
function age(createdAt) {
  const minutes = Math.round((Date.now() - new Date(createdAt).getTime()) / 60_000);
  const rtf = new Intl.RelativeTimeFormat(getLang() === 'en' ? 'en' : 'id', { numeric: 'auto' });
  if (minutes < 60) return rtf.format(-minutes, 'minute');
  if (minutes < 48 * 60) return rtf.format(-Math.round(minutes / 60), 'hour');
  return rtf.format(-Math.round(minutes / 1440), 'day');
}

function queryString(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '' && value !== null) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

function SlaBadge({ sla }) {
  if (sla === 'breached') return html`<span class="badge danger">${t('inbox.sla.breached')}</span>`;
  if (sla === 'due-soon') return html`<span class="badge warn">${t('inbox.sla.due-soon')}</span>`;
  return null;
}

export default function Inbox() {
  useLang();
  const reference = useApi('/reference');
  const [view, setView] = useState('all');
  const [narrow, setNarrow] = useState({ category: '', unitId: '', channel: '', q: '' });
  const [typed, setTyped] = useState('');
  const [sort, setSort] = useState('newest');
  const [list, setList] = useState({ cases: [], next: null, loading: true, error: null });
  const [counts, setCounts] = useState(null);
  const [fresh, setFresh] = useState(() => new Set());
  const generation = useRef(0);

  const listQuery = { ...narrow, ...VIEWS.find((v) => v.key === view).query, sort: sort === 'newest' ? undefined : sort, limit: PAGE };
  const listPath = `/cases${queryString(listQuery)}`;
  // Search narrows the list only; the side bar counts the views within the other filters.
  const countsPath = `/cases/counts${queryString({ ...narrow, q: undefined })}`;

  const load = useCallback(() => {
    const mine = ++generation.current;
    setList((l) => ({ ...l, loading: true, error: null }));
    setFresh(new Set());
    api.get(listPath).then(
      (page) => mine === generation.current && setList({ cases: page.cases, next: page.next, loading: false, error: null }),
      (error) => mine === generation.current && setList({ cases: [], next: null, loading: false, error }),
    );
    api.get(countsPath).then(setCounts, () => {});
  }, [listPath, countsPath]);
  useEffect(load, [load]);

  // A case changed or arrived: fetch the first page again and merge it in (keeping the pages
  // already loaded), and the counts; rows new to the list are marked until the next filter change.
  const pending = useRef(null);
  const refresh = useCallback(() => {
    const mine = generation.current;
    api.get(listPath).then((page) => {
      if (mine !== generation.current) return;
      setList((l) => {
        // By due moment, a newcomer belongs anywhere in the list: show the first page afresh.
        if (sort === 'due') return { cases: page.cases, next: page.next, loading: false, error: null };
        const known = new Set(l.cases.map((c) => c.ticket));
        const latest = new Map(page.cases.map((c) => [c.ticket, c]));
        const arrived = page.cases.filter((c) => !known.has(c.ticket));
        if (arrived.length) setFresh((f) => new Set([...f, ...arrived.map((c) => c.ticket)]));
        const kept = l.cases.map((c) => latest.get(c.ticket) ?? c);
        // A full first page of newcomers means the old list no longer follows on: start over from it.
        const cases = arrived.length >= page.cases.length && page.next ? page.cases : [...arrived, ...kept];
        return { ...l, cases, next: cases === page.cases ? page.next : l.next };
      });
    }, () => {});
    api.get(countsPath).then(setCounts, () => {});
  }, [listPath, countsPath, sort]);
  useLive((event) => {
    if (event.type !== 'case') return;
    clearTimeout(pending.current);
    pending.current = setTimeout(refresh, LIVE_DEBOUNCE_MS);
  });
  useEffect(() => () => clearTimeout(pending.current), []);

  const loadMore = async () => {
    const mine = generation.current;
    setList((l) => ({ ...l, loading: true }));
    try {
      const page = await api.get(`/cases${queryString({ ...listQuery, after: list.next })}`);
      if (mine !== generation.current) return;
      setList((l) => {
        const known = new Set(l.cases.map((c) => c.ticket));
        return { cases: [...l.cases, ...page.cases.filter((c) => !known.has(c.ticket))], next: page.next, loading: false, error: null };
      });
    } catch (error) {
      if (mine === generation.current) setList((l) => ({ ...l, loading: false, error }));
    }
  };

  // Unit names for the rows; the filter offers those of my own dinas (all of them above every dinas).
  const units = new Map();
  const myUnits = [];
  for (const d of reference.data?.dinas ?? []) {
    for (const u of d.units) {
      units.set(u.id, u.name);
      if (me()?.dinasId == null || me().dinasId === d.id) myUnits.push(u);
    }
  }
  const categoryName = (code) => reference.data?.categories.find((c) => c.code === code)?.name[getLang()] ?? code;
  const setFilter = (name) => (event) => setNarrow({ ...narrow, [name]: event.currentTarget.value });
  const search = (event) => {
    event.preventDefault();
    setNarrow({ ...narrow, q: typed.trim() });
  };

  return html`
    <div class="inbox">
      <aside class="inbox-views" aria-label=${t('inbox.viewsLabel')}>
        <ul>
          ${VIEWS.map(
            ({ key }) => html`
              <li>
                <button type="button" class="inbox-view" aria-pressed=${view === key} onClick=${() => setView(key)}>
                  <span>${viewLabel(key)}</span>
                  <span class="inbox-count" data-view=${key}>${formatCount(countOf(counts, key), counts?.cap)}</span>
                </button>
              </li>`,
          )}
        </ul>
      </aside>
      <section class="inbox-main">
        <h1>${t('inbox.title')}</h1>
        <form class="inbox-search" role="search" onSubmit=${search}>
          <label class="inbox-q">${t('inbox.search')}
            <input type="search" name="q" value=${typed} placeholder=${t('inbox.searchHint')} onInput=${(e) => setTyped(e.currentTarget.value)} />
          </label>
          <button type="submit">${t('inbox.searchButton')}</button>
        </form>
        <div class="inbox-filters">
          <label>${t('inbox.category')}
            <select value=${narrow.category} onChange=${setFilter('category')}>
              <option value="">${t('inbox.any')}</option>
              ${(reference.data?.categories ?? []).map((c) => html`<option value=${c.code}>${c.name[getLang()]}</option>`)}
            </select>
          </label>
          <label>${t('inbox.unit')}
            <select value=${narrow.unitId} onChange=${setFilter('unitId')}>
              <option value="">${t('inbox.any')}</option>
              ${myUnits.map((u) => html`<option value=${u.id}>${u.name}</option>`)}
            </select>
          </label>
          <label>${t('inbox.channel')}
            <select value=${narrow.channel} onChange=${setFilter('channel')}>
              <option value="">${t('inbox.any')}</option>
              ${CHANNELS.map((c) => html`<option value=${c}>${t(`inbox.channels.${c}`)}</option>`)}
            </select>
          </label>
          <label>${t('inbox.sort')}
            <select value=${sort} onChange=${(e) => setSort(e.currentTarget.value)}>
              <option value="newest">${t('inbox.sortNewest')}</option>
              <option value="due">${t('inbox.sortDue')}</option>
            </select>
          </label>
        </div>
        ${list.error && html`<p class="error" role="alert">${t('app.error')}</p>`}
        <table class="inbox-list" aria-busy=${list.loading}>
          <thead>
            <tr>
              <th scope="col">${t('inbox.ticket')}</th><th scope="col">${t('inbox.statusColumn')}</th><th scope="col">${t('inbox.category')}</th>
              <th scope="col">${t('inbox.unit')}</th><th scope="col">${t('inbox.channel')}</th><th scope="col">${t('inbox.age')}</th><th scope="col">${t('inbox.slaColumn')}</th>
            </tr>
          </thead>
          <tbody>
            ${list.cases.map(
              (c) => html`
                <tr key=${c.ticket} class=${fresh.has(c.ticket) ? 'inbox-fresh' : undefined} data-ticket=${c.ticket}>
                  <td><a href=${`#/cases/${c.ticket}`}>${c.ticket.slice(0, 4)}-${c.ticket.slice(4)}</a>${fresh.has(c.ticket) && html` <span class="badge">${t('inbox.new')}</span>`}</td>
                  <td>${t(`inbox.status.${c.status}`)}</td>
                  <td>${categoryName(c.categoryCode)}</td>
                  <td>${c.unitId === null ? t('inbox.noUnit') : (units.get(c.unitId) ?? '')}</td>
                  <td>${t(`inbox.channels.${c.channel}`)}</td>
                  <td><time datetime=${c.createdAt}>${age(c.createdAt)}</time></td>
                  <td><${SlaBadge} sla=${c.sla} /></td>
                </tr>`,
            )}
          </tbody>
        </table>
        ${!list.loading && list.cases.length === 0 && !list.error && html`<p class="muted">${t('inbox.empty')}</p>`}
        ${list.next && html`<button type="button" class="secondary inbox-more" disabled=${list.loading} onClick=${loadMore}>${t('inbox.more')}</button>`}
        ${list.loading && html`<p class="loading" role="status">${t('app.loading')}</p>`}
      </section>
    </div>`;
}
