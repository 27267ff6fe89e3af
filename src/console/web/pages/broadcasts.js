// Broadcasts (#/broadcasts): the dinas's notices to subscribed citizens, newest first, with how far
// each got. The list answer carries no counts, so the progress of broadcasts that started is read
// from each one's page, a few at a time, and read again every few seconds while one is sending.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, can, formatDateTime, html, t, useLang } from '../lib.js';

const PAGE = 20;
/** How often a sending broadcast is looked at again, here and on its own page. */
export const POLL_MS = 3000;
/** How often its page looks at one waiting for its time or an approval. */
export const POLL_WAITING_MS = 10_000;
/** States in which a broadcast still changes by itself (sending, a schedule coming due, an approval). */
export const ACTIVE = ['awaiting_approval', 'scheduled', 'sending'];

const TONE = { draft: 'badge', awaiting_approval: 'badge warn', scheduled: 'badge info', sending: 'badge info', paused: 'badge warn', cancelled: 'badge', done: 'badge ok' };

export function StateBadge({ state }) {
  return html`<span class=${`${TONE[state] ?? 'badge'} bc-state`}>${t(`broadcasts.states.${state}`)}</span>`;
}

/** Recipients the notice reached (sent, delivered or read), and of how many. */
export function reached(broadcast, progress) {
  const done = progress.sent + progress.delivered + progress.read;
  return { done, total: broadcast.audience ?? progress.planned };
}

/** When it started, or is set to, or was written. */
export function when(broadcast) {
  if (broadcast.startedAt) return t('broadcasts.startedAt', { date: formatDateTime(broadcast.startedAt) });
  if (broadcast.scheduledAt) return t('broadcasts.scheduledFor', { date: formatDateTime(broadcast.scheduledAt) });
  return t('broadcasts.createdAt', { date: formatDateTime(broadcast.createdAt) });
}

/** Each broadcast's page (state and progress) for `ids`, three requests at a time. */
async function details(ids) {
  const found = {};
  const queue = [...ids];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      found[id] = await api.get(`/broadcasts/${id}`).catch(() => null);
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  return found;
}

export default function BroadcastsPage() {
  useLang();
  const [list, setList] = useState({ items: [], loading: true, error: null, more: false });
  const items = useRef([]);
  items.current = list.items;
  const asked = useRef(new Set());

  const load = (beforeId) => {
    setList((s) => ({ ...s, loading: true }));
    api.get(`/broadcasts?limit=${PAGE}${beforeId ? `&beforeId=${beforeId}` : ''}`).then(
      (page) => setList((s) => ({ items: [...(beforeId ? s.items : []), ...page.broadcasts], loading: false, error: null, more: page.broadcasts.length === PAGE })),
      (error) => setList((s) => ({ ...s, loading: false, error })),
    );
  };
  useEffect(() => load(null), []);

  // Progress of those that started, each asked once; then, while any sends, of those sending.
  useEffect(() => {
    const unknown = list.items.filter((b) => b.startedAt && !asked.current.has(b.id)).map((b) => b.id);
    for (const id of unknown) asked.current.add(id);
    if (unknown.length > 0) details(unknown).then(merge);
  }, [list.items]);
  const sending = list.items.some((b) => b.state === 'sending');
  useEffect(() => {
    if (!sending) return undefined;
    // Each look waits for the one before: a slow connection is not asked twice at once.
    let timer;
    let stopped = false;
    const tick = async () => {
      merge(await details(items.current.filter((b) => b.state === 'sending').map((b) => b.id)));
      if (!stopped) timer = setTimeout(tick, POLL_MS);
    };
    timer = setTimeout(tick, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [sending]);
  const merge = (found) => {
    const fresh = Object.fromEntries(Object.entries(found).filter(([, detail]) => detail));
    setList((s) => ({ ...s, items: s.items.map((b) => (fresh[b.id] ? { ...b, ...fresh[b.id] } : b)) }));
  };

  return html`
    <section aria-labelledby="bc-title">
      <div class="list-head">
        <h1 id="bc-title">${t('broadcasts.title')}</h1>
        ${can('broadcasts.write') && html`<a class="button" href="#/broadcasts/new">${t('broadcasts.new')}</a>`}
      </div>
      <p class="muted">${t('broadcasts.intro')}</p>
      ${list.error && html`<p class="error" role="alert">${t('app.error')}</p>`}
      ${list.items.length > 0 &&
      html`<div class="stats-table"><table class="bc-list">
        <thead><tr>
          <th scope="col">${t('broadcasts.fields.title')}</th><th scope="col">${t('broadcasts.state')}</th>
          <th scope="col">${t('broadcasts.audience')}</th><th scope="col">${t('broadcasts.progress')}</th><th scope="col">${t('broadcasts.time')}</th>
        </tr></thead>
        <tbody>${list.items.map((b) => {
          const counts = b.progress && reached(b, b.progress);
          return html`<tr key=${b.id}>
            <td><a href=${`#/broadcasts/${b.id}`}>${b.title}</a></td>
            <td><${StateBadge} state=${b.state} /></td>
            <td>${b.audience ?? '–'}</td>
            <td>${counts ? t('broadcasts.reachedOf', counts) : '–'}</td>
            <td>${when(b)}</td>
          </tr>`;
        })}</tbody>
      </table></div>`}
      ${!list.loading && !list.error && list.items.length === 0 && html`<p class="muted">${t('broadcasts.none')}</p>`}
      ${list.loading && html`<p class="loading">${t('app.loading')}</p>`}
      ${!list.loading && list.more && html`<button type="button" class="secondary" onClick=${() => load(list.items[list.items.length - 1].id)}>${t('broadcasts.more')}</button>`}
    </section>`;
}
