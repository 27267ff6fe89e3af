// One broadcast (#/broadcasts/:id): its state and approval, pause, resume and cancel, progress by
// recipient state (looked at again every few seconds while it may still change by itself: the
// console's live events carry no broadcast changes), and its recipients a page at a time. Chats
// are named by their channel and internal number only; the API gives no phone numbers or chat ids.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, can, formatDateTime, html, me, t, useApi, useLang } from '../lib.js';
import { ACTIVE, POLL_MS, POLL_WAITING_MS, reached, StateBadge } from './broadcasts.js';

const RECIPIENT_STATES = ['queued', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled'];
const RECIPIENT_PAGE = 50;

/** The segment in words, one line per condition. */
function describeSegment(segment, reference, lang) {
  const lines = [];
  if (segment.topics?.length) lines.push(t('broadcasts.segmentTopics', { topics: segment.topics.map((code) => reference?.topics.find((tp) => tp.code === code)?.name[lang] ?? code).join(', ') }));
  if (segment.regionPrefix) lines.push(t('broadcasts.segmentRegion', { prefix: segment.regionPrefix }));
  if (segment.channels?.length) lines.push(t('broadcasts.segmentChannels', { channels: segment.channels.map((c) => t(`inbox.channels.${c}`)).join(', ') }));
  if (segment.reportedCategory) {
    const name = reference?.categories.find((c) => c.code === segment.reportedCategory.code)?.name[lang] ?? segment.reportedCategory.code;
    lines.push(t('broadcasts.segmentReported', { category: name, days: segment.reportedCategory.days }));
  }
  if (segment.subscribedSince) lines.push(t('broadcasts.segmentSince', { date: formatDateTime(segment.subscribedSince) }));
  return lines.length > 0 ? lines : [t('broadcasts.segmentEveryone')];
}

/** Why the API refused an action, in words. */
function refusal(error, action) {
  if (!(error instanceof ApiError)) return t('broadcasts.errors.offline');
  if (error.status === 403) return action === 'approve' ? t('broadcasts.refused.approve') : t('app.forbidden');
  if (error.status === 404) return t('app.notFound');
  if (error.status === 409) return t('broadcasts.refused.changed');
  return t('app.error');
}

function Recipients({ id, generation }) {
  const [filter, setFilter] = useState('');
  const [pages, setPages] = useState({ items: [], loading: true, error: false, more: false });
  const load = (afterId) => {
    setPages((s) => ({ ...s, loading: true }));
    api.get(`/broadcasts/${id}/recipients?limit=${RECIPIENT_PAGE}&afterId=${afterId}${filter ? `&state=${filter}` : ''}`).then(
      (page) => setPages((s) => ({ items: [...(afterId ? s.items : []), ...page.recipients], loading: false, error: false, more: page.recipients.length === RECIPIENT_PAGE })),
      () => setPages((s) => ({ ...s, loading: false, error: true })),
    );
  };
  useEffect(() => load(0), [filter, generation]);
  return html`
    <section class="card" aria-labelledby="bc-recipients-title">
      <div class="list-head">
        <h2 id="bc-recipients-title">${t('broadcasts.recipients')}</h2>
        <button type="button" class="secondary" onClick=${() => load(0)}>${t('broadcasts.refresh')}</button>
      </div>
      <label class="bc-filter">${t('broadcasts.state')}
        <select value=${filter} onChange=${(e) => setFilter(e.currentTarget.value)}>
          <option value="">${t('broadcasts.allStates')}</option>
          ${RECIPIENT_STATES.map((s) => html`<option value=${s}>${t(`broadcasts.recipientStates.${s}`)}</option>`)}
        </select></label>
      <p class="muted">${t('broadcasts.recipientsHelp')}</p>
      ${pages.items.length > 0 &&
      html`<div class="stats-table"><table class="bc-recipients">
        <thead><tr><th scope="col">${t('broadcasts.chat')}</th><th scope="col">${t('broadcasts.state')}</th><th scope="col">${t('broadcasts.reason')}</th><th scope="col">${t('broadcasts.at')}</th></tr></thead>
        <tbody>${pages.items.map((r) => html`<tr key=${r.id}>
          <td>${t(`inbox.channels.${r.channel}`)} · #${r.identityId}</td>
          <td>${t(`broadcasts.recipientStates.${r.state}`)}</td>
          <td class=${r.state === 'failed' ? 'error' : ''}>${r.reason ?? ''}</td>
          <td>${r.at ? formatDateTime(r.at) : ''}</td>
        </tr>`)}</tbody>
      </table></div>`}
      ${pages.error && html`<p class="error" role="alert">${t('app.error')}</p>`}
      ${!pages.loading && !pages.error && pages.items.length === 0 && html`<p class="muted">${t('broadcasts.noRecipients')}</p>`}
      ${pages.loading ? html`<p class="loading">${t('app.loading')}</p>` : pages.more && html`<button type="button" class="secondary" onClick=${() => load(pages.items[pages.items.length - 1].id)}>${t('broadcasts.more')}</button>`}
    </section>`;
}

export default function BroadcastPage({ params }) {
  const lang = useLang();
  const reference = useApi('/reference');
  const [broadcast, setBroadcast] = useState(null);
  const [error, setError] = useState(null);
  const [message, setMessage] = useState(null);
  const [busy, setBusy] = useState(false);
  const timer = useRef(null);

  const load = () =>
    api.get(`/broadcasts/${params.id}`).then(
      (b) => {
        setBroadcast(b);
        setError(null);
        return b;
      },
      (e) => {
        setError(e);
        return null;
      },
    );
  // Looked at again while it may change by itself (often while sending); each look waits for the one before.
  const every = !broadcast ? null : broadcast.state === 'sending' ? POLL_MS : ACTIVE.includes(broadcast.state) ? POLL_WAITING_MS : null;
  useEffect(() => {
    load();
  }, [params.id]);
  useEffect(() => {
    if (!every) return undefined;
    let stopped = false;
    const tick = async () => {
      await load();
      if (!stopped) timer.current = setTimeout(tick, every);
    };
    timer.current = setTimeout(tick, every);
    return () => {
      stopped = true;
      clearTimeout(timer.current);
    };
  }, [params.id, every]);

  const act = async (action) => {
    if (action === 'cancel' && !confirm(t('broadcasts.confirmCancel', { title: broadcast.title }))) return;
    setBusy(true);
    setMessage(null);
    try {
      const changed = await api.post(`/broadcasts/${broadcast.id}/${action}`);
      setBroadcast({ ...broadcast, ...changed });
      setMessage({ ok: true, text: t(`broadcasts.done.${action}`) });
    } catch (e) {
      setMessage({ ok: false, text: refusal(e, action) });
    } finally {
      setBusy(false);
      load();
    }
  };

  if (error) return html`<p class="error" role="alert">${error.status === 404 ? t('app.notFound') : error.status === 403 ? t('app.forbidden') : t('app.error')}</p>`;
  if (!broadcast) return html`<p class="loading">${t('app.loading')}</p>`;

  const b = broadcast;
  const p = b.progress;
  const counts = reached(b, p);
  const settled = p.planned - p.queued;
  const mine = b.authorStaffId === me().id;
  const writer = can('broadcasts.write');
  const whoIs = (staffId) => (staffId === me().id ? t('broadcasts.you') : t('broadcasts.staffNo', { id: staffId }));

  return html`
    <section class="bc-detail" aria-labelledby="bc-detail-title">
      <p><a href="#/broadcasts">← ${t('broadcasts.back')}</a></p>
      <h1 id="bc-detail-title">${b.title}</h1>
      <p class="bc-head"><${StateBadge} state=${b.state} />
        ${b.audience !== null && html` <span>${t('broadcasts.recipientsCount', { n: b.audience })}</span>`}</p>
      ${message && html`<p class=${message.ok ? 'notice' : 'error'} role=${message.ok ? 'status' : 'alert'}>${message.text}</p>`}

      ${b.state === 'awaiting_approval' &&
      html`<div class="card bc-approval">
        <p><strong>${t('broadcasts.awaiting')}</strong></p>
        ${can('broadcasts.approve') && !mine
          ? html`<button type="button" disabled=${busy} onClick=${() => act('approve')}>${t('broadcasts.approve')}</button>`
          : html`<p class="muted">${mine ? t('broadcasts.approveOther') : t('broadcasts.approveWho')}</p>`}
      </div>`}

      ${writer &&
      html`<p class="bc-actions">
        ${b.state === 'draft' && html`<a class="button" href=${`#/broadcasts/${b.id}/edit`}>${t('broadcasts.edit')}</a>`}
        ${(b.state === 'sending' || b.state === 'scheduled') && html`<button type="button" class="secondary" disabled=${busy} onClick=${() => act('pause')}>${t('broadcasts.pause')}</button>`}
        ${b.state === 'paused' && html`<button type="button" disabled=${busy} onClick=${() => act('resume')}>${t('broadcasts.resume')}</button>`}
        ${b.state !== 'done' && b.state !== 'cancelled' && html`<button type="button" class="danger" disabled=${busy} onClick=${() => act('cancel')}>${t('broadcasts.cancel')}</button>`}
      </p>`}

      <div class="case-columns">
        <div>
          <section class="card" aria-labelledby="bc-progress-title">
            <h2 id="bc-progress-title">${t('broadcasts.progress')}</h2>
            ${p.planned === 0
              ? html`<p class="muted">${b.state === 'draft' || b.state === 'awaiting_approval' || b.state === 'scheduled' ? t('broadcasts.notStarted') : t('broadcasts.planning')}</p>`
              : html`<p class="bc-reached">${t('broadcasts.reachedOf', counts)}</p>
                <progress max=${p.planned} value=${settled} aria-label=${t('broadcasts.progress')}></progress>`}
            <dl class="stats-summary bc-counts">
              ${RECIPIENT_STATES.map((s) => html`<div data-state=${s}><dt>${t(`broadcasts.recipientStates.${s}`)}</dt><dd>${p[s]}</dd></div>`)}
            </dl>
            ${ACTIVE.includes(b.state) && html`<p class="muted">${t('broadcasts.live')}</p>`}
          </section>
          <${Recipients} id=${b.id} generation=${b.state} />
        </div>
        <div>
          <section class="card" aria-labelledby="bc-notice-title">
            <h2 id="bc-notice-title">${t('broadcasts.notice')}</h2>
            <p class="bc-preview">${b.text.id}</p>
            ${b.text.en ? html`<p class="bc-preview" lang="en">${b.text.en}</p>` : html`<p class="muted">${t('broadcasts.noEnglish')}</p>`}
            ${b.imageUrl && html`<p>${t('broadcasts.fields.imageUrl')}: <code>${b.imageUrl}</code></p>`}
            <h3>${t('broadcasts.segment')}</h3>
            <ul>${describeSegment(b.segment, reference.data, lang).map((line) => html`<li>${line}</li>`)}</ul>
          </section>
          <section class="card">
            <dl class="case-fields">
              <div class="case-field"><dt>${t('broadcasts.author')}</dt><dd>${b.authorStaffId === null ? '—' : whoIs(b.authorStaffId)}</dd></div>
              <div class="case-field"><dt>${t('broadcasts.created')}</dt><dd>${formatDateTime(b.createdAt)}</dd></div>
              ${b.scheduledAt && html`<div class="case-field"><dt>${t('broadcasts.scheduled')}</dt><dd>${formatDateTime(b.scheduledAt)}</dd></div>`}
              ${b.approvedAt && html`<div class="case-field"><dt>${t('broadcasts.approvedBy')}</dt><dd>${whoIs(b.approvedByStaffId)} · ${formatDateTime(b.approvedAt)}</dd></div>`}
              ${b.startedAt && html`<div class="case-field"><dt>${t('broadcasts.started')}</dt><dd>${formatDateTime(b.startedAt)}</dd></div>`}
              ${b.finishedAt && html`<div class="case-field"><dt>${t('broadcasts.finished')}</dt><dd>${formatDateTime(b.finishedAt)}</dd></div>`}
            </dl>
          </section>
        </div>
      </div>
    </section>`;
}
