// Operations for admins: queue health (with Bull Board, read-only), the WhatsApp Web link, the
// webhook delivery log with redelivery, the audit log and updates set aside. The installation-wide
// sections are shown to an admin above every dinas only (the API refuses them to the others).
import { useEffect, useState } from 'preact/hooks';
import { api, formatDateTime, html, me, t, useApi, useLang } from '../lib.js';

/** A list fetched page by page (keyset): `items`, `more()` while `next` is set, `reset()`. */
function usePages(path, key) {
  const [state, setState] = useState({ items: [], next: null, loading: true, error: null });
  const load = (before, keep) => {
    setState((s) => ({ ...s, loading: true }));
    const separator = path.includes('?') ? '&' : '?';
    api.get(before ? `${path}${separator}before=${encodeURIComponent(before)}` : path).then(
      (page) => setState({ items: [...keep, ...page[key]], next: page.next, loading: false, error: null }),
      (error) => setState((s) => ({ ...s, loading: false, error })),
    );
  };
  useEffect(() => load(null, []), [path]);
  return { ...state, more: () => load(state.next, state.items), reset: () => load(null, []) };
}

function More({ pages }) {
  if (pages.error) return html`<p class="error" role="alert">${t('app.error')}</p>`;
  if (pages.loading) return html`<p class="loading">${t('app.loading')}</p>`;
  return pages.next ? html`<button type="button" class="secondary" onClick=${pages.more}>${t('operations.more')}</button>` : null;
}

function Queues() {
  const { data, error } = useApi('/operations/queues');
  if (error) return html`<p class="error" role="alert">${t('app.error')}</p>`;
  if (!data) return html`<p class="loading">${t('app.loading')}</p>`;
  const columns = ['waiting', 'active', 'delayed', 'failed', 'completed'];
  return html`
    <section class="card">
      <h2>${t('operations.queues')}</h2>
      <p>${t('operations.transport', { kind: data.transport === 'redis' ? 'Redis' : 'PostgreSQL (BullMQ)' })}
        ${' '}<span class=${data.up ? 'badge' : 'badge danger'}>${data.up ? t('operations.up') : t('operations.down')}</span></p>
      <p class="muted">${data.transport === 'redis' ? t('operations.boardRedis') : t('operations.boardPostgres')}</p>
      <div class="stats-table"><table>
        <thead><tr><th scope="col">${t('operations.queue')}</th>${columns.map((c) => html`<th scope="col">${t(`operations.counts.${c}`)}</th>`)}</tr></thead>
        <tbody>${data.queues.map((q) => html`<tr><th scope="row"><code>${q.name}</code></th>${columns.map((c) => html`<td class=${c === 'failed' && q.counts?.failed ? 'error' : ''}>${q.counts ? (q.counts[c] ?? 0) : '–'}</td>`)}</tr>`)}</tbody>
      </table></div>
      <p><a class="button secondary" href=${data.board} target="_blank" rel="noopener">${t('operations.openBoard')}</a></p>
    </section>`;
}

function WhatsApp() {
  const { data, reload } = useApi('/operations/whatsapp');
  const [qr, setQr] = useState(null);
  const [message, setMessage] = useState(null);
  // The link's state changes on the phone's side: look again every few seconds while on this page.
  useEffect(() => {
    const timer = setInterval(reload, 5000);
    return () => clearInterval(timer);
  }, [reload]);
  const showQr = async () => {
    try {
      setQr((await api.get('/operations/whatsapp/qr')).qr);
      setMessage(null);
    } catch {
      setQr(null);
      setMessage(t('operations.noQr'));
    }
  };
  if (!data) return html`<p class="loading">${t('app.loading')}</p>`;
  return html`
    <section class="card">
      <h2>${t('operations.whatsapp')}</h2>
      ${!data.enabled
        ? html`<p class="muted">${t('operations.whatsappOff')}</p>`
        : html`
          <p>${t('operations.state')}: <span class=${data.state === 'ready' ? 'badge' : 'badge warn'}>${t(`operations.states.${data.state}`)}</span></p>
          ${data.state === 'qr' && html`<p class="muted">${t('operations.qrWarning')}</p><button type="button" onClick=${showQr}>${t('operations.showQr')}</button>`}
          ${data.state === 'qr' && qr && html`<img class="qr" src=${qr} width="320" height="320" alt=${t('operations.qrAlt')} />`}
          ${message && html`<p class="error" role="status">${message}</p>`}`}
    </section>`;
}

function Webhooks() {
  const [status, setStatus] = useState('');
  const pages = usePages(`/operations/webhooks/deliveries${status ? `?status=${status}` : ''}`, 'deliveries');
  const [notice, setNotice] = useState(null);
  const redeliver = async (id) => {
    await api.post(`/operations/webhooks/deliveries/${id}/redeliver`);
    setNotice(t('operations.redelivered', { id }));
    pages.reset();
  };
  return html`
    <section class="card">
      <h2>${t('operations.webhooks')}</h2>
      <label>${t('operations.status')}<select value=${status} onChange=${(e) => setStatus(e.currentTarget.value)}>
        <option value="">${t('operations.all')}</option>
        ${['pending', 'delivered', 'failed'].map((s) => html`<option value=${s}>${t(`operations.deliveryStatus.${s}`)}</option>`)}
      </select></label>
      ${notice && html`<p class="ok" role="status">${notice}</p>`}
      <div class="stats-table"><table>
        <thead><tr>
          <th scope="col">#</th><th scope="col">${t('operations.ticket')}</th><th scope="col">${t('operations.event')}</th><th scope="col">${t('operations.status')}</th>
          <th scope="col">${t('operations.attempts')}</th><th scope="col">${t('operations.last')}</th><th scope="col">${t('operations.endpoint')}</th><th scope="col"></th>
        </tr></thead>
        <tbody>${pages.items.map((d) => html`
          <tr>
            <td>${d.id}</td><td><a href=${`#/cases/${d.ticket}`}>${d.ticket}</a></td><td><code>${d.eventType}</code></td>
            <td><span class=${d.status === 'failed' ? 'badge danger' : d.status === 'pending' ? 'badge warn' : 'badge'}>${t(`operations.deliveryStatus.${d.status}`)}</span></td>
            <td>${d.attempts}</td>
            <td>${d.log.length ? html`${formatDateTime(d.log[d.log.length - 1].at)} · ${d.log[d.log.length - 1].statusCode ?? '–'}${d.lastError ? html`<br /><span class="muted">${d.lastError}</span>` : ''}` : '–'}</td>
            <td><code>${d.url}</code></td>
            <td><button type="button" class="secondary" onClick=${() => redeliver(d.id)}>${t('operations.redeliver')}</button></td>
          </tr>`)}
        </tbody>
      </table></div>
      ${!pages.loading && pages.items.length === 0 && html`<p class="muted">${t('operations.empty')}</p>`}
      <${More} pages=${pages} />
    </section>`;
}

function Audit() {
  const [form, setForm] = useState({ staffId: '', action: '', ticket: '' });
  const [filter, setFilter] = useState(form);
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v.trim())).toString();
  const pages = usePages(`/operations/audit${query ? `?${query}` : ''}`, 'entries');
  const field = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });
  return html`
    <section class="card">
      <h2>${t('operations.audit')}</h2>
      <form class="stats-form" onSubmit=${(e) => (e.preventDefault(), setFilter(form))}>
        <label>${t('operations.staffId')}<input inputmode="numeric" pattern="[0-9]*" value=${form.staffId} onInput=${field('staffId')} /></label>
        <label>${t('operations.action')}<input placeholder="case.view" value=${form.action} onInput=${field('action')} /></label>
        <label>${t('operations.ticket')}<input value=${form.ticket} onInput=${field('ticket')} /></label>
        <button type="submit">${t('operations.filter')}</button>
      </form>
      <div class="stats-table"><table>
        <thead><tr><th scope="col">${t('operations.at')}</th><th scope="col">${t('operations.staff')}</th><th scope="col">${t('operations.action')}</th><th scope="col">${t('operations.ticket')}</th><th scope="col">${t('operations.details')}</th></tr></thead>
        <tbody>${pages.items.map((e) => html`
          <tr>
            <td>${formatDateTime(e.at)}</td>
            <td>${e.staffId === null ? html`<span class="muted">—</span>` : html`${e.staffName} <span class="muted">#${e.staffId}</span>`}</td>
            <td><code>${e.action}</code></td><td>${e.ticket ?? ''}</td>
            <td><code>${e.details ? JSON.stringify(e.details) : ''}</code></td>
          </tr>`)}
        </tbody>
      </table></div>
      ${!pages.loading && pages.items.length === 0 && html`<p class="muted">${t('operations.empty')}</p>`}
      <${More} pages=${pages} />
    </section>`;
}

function SetAside() {
  const pages = usePages('/operations/set-aside', 'updates');
  const [opened, setOpened] = useState({});
  const open = async (id) => setOpened({ ...opened, [id]: await api.get(`/operations/set-aside/${id}`) });
  return html`
    <section class="card">
      <h2>${t('operations.setAside')}</h2>
      <p class="muted">${t('operations.setAsideHelp')}</p>
      <div class="stats-table"><table>
        <thead><tr><th scope="col">#</th><th scope="col">${t('operations.at')}</th><th scope="col">${t('operations.channel')}</th><th scope="col">${t('operations.stage')}</th><th scope="col">${t('operations.attempts')}</th><th scope="col"></th></tr></thead>
        <tbody>${pages.items.map((u) => html`
          <tr>
            <td>${u.id}</td><td>${formatDateTime(u.createdAt)}</td><td>${u.channel}</td><td>${u.stage}</td><td>${u.attempts}</td>
            <td>${opened[u.id]
              ? html`<details open><summary>${t('operations.content')}</summary><p><strong>${t('operations.error')}:</strong> ${opened[u.id].error}</p><pre class="ops-raw">${opened[u.id].raw}</pre></details>`
              : html`<button type="button" class="secondary" onClick=${() => open(u.id)}>${t('operations.showContent', { n: u.rawChars })}</button>`}</td>
          </tr>`)}
        </tbody>
      </table></div>
      ${!pages.loading && pages.items.length === 0 && html`<p class="muted">${t('operations.empty')}</p>`}
      <${More} pages=${pages} />
    </section>`;
}

export default function OperationsPage() {
  useLang();
  const central = me().dinasId === null;
  const sections = [
    ...(central ? [['queues', Queues], ['whatsapp', WhatsApp]] : []),
    ['webhooks', Webhooks],
    ['audit', Audit],
    ...(central ? [['setAside', SetAside]] : []),
  ];
  const [tab, setTab] = useState(sections[0][0]);
  const Section = sections.find(([name]) => name === tab)[1];
  return html`
    <h1>${t('operations.title')}</h1>
    ${!central && html`<p class="muted">${t('operations.dinasOnly')}</p>`}
    <nav class="ops-tabs" aria-label=${t('operations.title')}>
      ${sections.map(([name]) => html`<button type="button" aria-pressed=${tab === name} class=${tab === name ? '' : 'secondary'} onClick=${() => setTab(name)}>${t(`operations.${name}`)}</button>`)}
    </nav>
    <${Section} key=${tab} />`;
}
