// The case page (#/cases/:ticket): what the citizen reported, who they are (masked, and only when
// the case is not anonymous), photos, place, the chat and the timeline, and everything staff do
// to a case. Refetches through the API when the live stream says this case changed, so scope and
// masking are always the server's.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, formatDateTime, getLang, html, t, useApi, useLang, useLive } from '../lib.js';

// Paths for the API client (which adds /api/v1); photos are loaded by the browser itself.
const base = (ticket) => `/cases/${encodeURIComponent(ticket)}`;
const photoUrl = (ticket, id, size) => `/api/v1${base(ticket)}/photos/${id}?size=${size}`;
const showTicket = (ticket) => (ticket.length === 8 ? `${ticket.slice(0, 4)}-${ticket.slice(4)}` : ticket);
const when = (iso) => (iso ? formatDateTime(iso) : '—');
const errorText = (err) => (err?.body?.message ? err.body.message : err?.status === 403 ? t('case.error.forbidden') : t('case.error.failed'));

export default function CasePage({ params }) {
  useLang();
  const ticket = params.ticket;
  const [view, setView] = useState({ loading: true });
  const seq = useRef(0);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const [detail, choices, canned] = await Promise.all([
        api.get(base(ticket)),
        api.get(`${base(ticket)}/choices`),
        api.get(`/canned-replies?ticket=${encodeURIComponent(ticket)}`),
      ]);
      if (mine === seq.current) setView({ detail, choices, canned: canned.replies });
    } catch (err) {
      if (mine === seq.current) setView({ error: err });
    }
  }, [ticket]);

  useEffect(() => {
    setView({ loading: true });
    load();
  }, [load]);
  useLive((event) => {
    if (event.ticket === view.detail?.case.ticket || event.ticket === ticket) load();
  });

  if (view.loading) return html`<p class="case-loading" role="status">${t('case.loading')}</p>`;
  if (view.error) {
    return html`<section class="case-page">
      <h1>${t('case.title', { ticket: showTicket(ticket) })}</h1>
      <p role="alert">${view.error.status === 404 ? t('case.notFound') : errorText(view.error)}</p>
      <p><a href="#/cases">${t('case.backToInbox')}</a></p>
    </section>`;
  }
  const { detail, choices, canned } = view;
  const kase = detail.case;
  return html`<article class="case-page" aria-labelledby="case-title">
    <header class="case-head">
      <p><a href="#/cases">${t('case.backToInbox')}</a></p>
      <h1 id="case-title">${t('case.title', { ticket: showTicket(kase.ticket) })}</h1>
      <p class="case-badges">
        <span class=${`case-status status-${kase.status}`} data-testid="case-status">${t(`case.status.${kase.status}`)}</span>
        ${kase.anonymous && html`<span class="case-flag">${t('case.anonymous')}</span>`}
        ${kase.confidential && html`<span class="case-flag">${t('case.confidential')}</span>`}
      </p>
      ${kase.erasedAt && html`<p class="case-erased" role="note" data-testid="case-erased">${t('case.erased', { date: when(kase.erasedAt) })}</p>`}
    </header>
    <div class="case-columns">
      <div class="case-main">
        <${Summary} kase=${kase} choices=${choices} />
        <${Reporter} kase=${kase} canUnmask=${detail.can.unmaskNik} />
        <${Location} location=${kase.location} />
        <${Photos} kase=${kase} />
        <${Timeline} entries=${kase.timeline} choices=${choices} />
        <${Transcript} entries=${kase.transcript} />
      </div>
      ${detail.can.act &&
      html`<aside class="case-actions" aria-label=${t('case.actions.title')}>
        <${Actions} kase=${kase} nextStatuses=${detail.nextStatuses} triage=${detail.can.triage} choices=${choices} canned=${canned} reload=${load} />
      </aside>`}
    </div>
  </article>`;
}

function Field({ label, children }) {
  return html`<div class="case-field"><dt>${label}</dt><dd>${children}</dd></div>`;
}

function nameOf(list, id) {
  return list.find((x) => x.id === id)?.name ?? (id == null ? '—' : `#${id}`);
}

function Summary({ kase, choices }) {
  // Category names in the reader's language (the case carries its code).
  const categories = useApi('/reference').data?.categories ?? [];
  const category = categories.find((c) => c.code === kase.categoryCode)?.name[getLang()] ?? kase.categoryCode;
  return html`<section class="case-card">
    <h2>${t('case.details')}</h2>
    <dl class="case-fields">
      <${Field} label=${t('case.kind')}>${t(`case.kinds.${kase.kind}`)}<//>
      <${Field} label=${t('case.category')}>${category}${kase.serviceCode ? ` · ${kase.serviceCode.toUpperCase()}` : ''}<//>
      <${Field} label=${t('case.dinas')}>${nameOf(choices.dinas, kase.dinasId)}<//>
      <${Field} label=${t('case.unit')}>${nameOf(choices.units, kase.unitId)}<//>
      <${Field} label=${t('case.assignee')}>${nameOf(choices.staff, kase.assigneeStaffId)}<//>
      <${Field} label=${t('case.channel')}>${t(`inbox.channels.${kase.channel}`)}<//>
      <${Field} label=${t('case.region')}>${kase.regionCode ?? '—'}<//>
      <${Field} label=${t('case.created')}>${when(kase.createdAt)}<//>
      <${Field} label=${t('case.due')}>${when(kase.slaDueAt)}<//>
      ${kase.rating != null && html`<${Field} label=${t('case.rating')}>${kase.rating} / 5<//>`}
      ${kase.duplicateOf && html`<${Field} label=${t('case.duplicateOf')}><a href=${`#/cases/${kase.duplicateOf}`}>${showTicket(kase.duplicateOf)}</a><//>`}
      ${kase.possibleDuplicateOf &&
      html`<${Field} label=${t('case.possibleDuplicateOf')}><a href=${`#/cases/${kase.possibleDuplicateOf}`}>${showTicket(kase.possibleDuplicateOf)}</a><//>`}
    </dl>
    <h3>${t('case.description')}</h3>
    <p class="case-description">${kase.description}</p>
  </section>`;
}

function Reporter({ kase, canUnmask }) {
  const [nik, setNik] = useState(null);
  const [error, setError] = useState(null);
  const reporter = kase.reporter;
  if (!reporter) {
    return html`<section class="case-card"><h2>${t('case.reporter')}</h2><p>${t(kase.erasedAt ? 'case.identityErased' : 'case.identityHidden')}</p></section>`;
  }
  const unmask = async () => {
    setError(null);
    try {
      setNik((await api.post(`${base(kase.ticket)}/nik`, {})).nik ?? t('case.noNik'));
    } catch (err) {
      setError(errorText(err));
    }
  };
  return html`<section class="case-card">
    <h2>${t('case.reporter')}</h2>
    <dl class="case-fields">
      <${Field} label=${t('case.name')}>${reporter.name ?? reporter.displayName ?? '—'}<//>
      <${Field} label=${t('case.nik')}>
        <span data-testid="case-nik">${nik ?? reporter.nikMasked ?? '—'}</span>
        ${canUnmask && reporter.nikMasked && !nik && html` <button type="button" class="link" onClick=${unmask}>${t('case.unmaskNik')}</button>`}
      <//>
      <${Field} label=${t('case.phone')}>${reporter.phone ?? '—'}<//>
    </dl>
    ${error && html`<p role="alert" class="error">${error}</p>`}
  </section>`;
}

function Location({ location }) {
  if (!location) return null;
  const { address, latitude, longitude } = location;
  const hasPoint = typeof latitude === 'number' && typeof longitude === 'number';
  const osm = hasPoint ? `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=17/${latitude}/${longitude}` : null;
  return html`<section class="case-card">
    <h2>${t('case.location')}</h2>
    ${address && html`<p>${address}</p>`}
    ${hasPoint &&
    html`<p>
      <span class="case-coords">${latitude.toFixed(6)}, ${longitude.toFixed(6)}</span>
      ${' '}<a href=${osm} target="_blank" rel="noopener noreferrer">${t('case.openMap')}</a>
    </p>`}
  </section>`;
}

function Photos({ kase }) {
  const dialog = useRef(null);
  const [open, setOpen] = useState(null);
  const files = kase.photoFiles;
  if (files.length === 0) return null;
  const src = (id, size) => photoUrl(kase.ticket, id, size);
  const show = (id) => {
    setOpen(id);
    dialog.current?.showModal();
  };
  return html`<section class="case-card">
    <h2>${t('case.photos')}</h2>
    <ul class="case-photos">
      ${files.map(
        (file, i) => html`<li key=${file.id}>
          ${file.status === 'stored'
            ? html`<button type="button" class="case-thumb" onClick=${() => show(file.id)} aria-label=${t('case.photoOpen', { n: i + 1 })}>
                <img src=${src(file.id, 'thumb')} alt=${t('case.photoAlt', { n: i + 1 })} loading="lazy" />
              </button>`
            : html`<span class="case-thumb-missing">${t(`case.photoStatus.${file.status}`)}</span>`}
        </li>`,
      )}
    </ul>
    <dialog ref=${dialog} class="case-photo-dialog" onClose=${() => setOpen(null)} aria-label=${t('case.photos')}>
      ${open && html`<img src=${src(open, 'full')} alt=${t('case.photoFull')} />`}
      <form method="dialog"><button>${t('case.close')}</button></form>
    </dialog>
  </section>`;
}

/** A message without text by what it was (photo, location…), in words where the console has them. */
function messageKind(kind) {
  const key = `case.messageKind.${kind}`;
  const words = t(key);
  return words === key ? kind : words;
}

function Transcript({ entries }) {
  // What the bot sent without words (answers to button presses) is not part of the conversation.
  const shown = entries.filter((m) => m.direction === 'in' || m.text);
  const list = useRef(null);
  // The latest messages are what staff read first.
  useEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [shown.length]);
  return html`<section class="case-card" aria-labelledby="case-transcript-title">
    <h2 id="case-transcript-title">${t('case.transcript')}</h2>
    ${shown.length === 0
      ? html`<p>${t('case.noMessages')}</p>`
      : html`<ol ref=${list} class="case-transcript" tabindex="0" aria-labelledby="case-transcript-title">
          ${shown.map(
            (m) => html`<li class=${`msg msg-${m.direction}`}>
              <span class="msg-meta">${m.direction === 'in' ? t('case.fromCitizen') : t('case.toCitizen')} · ${when(m.at)}</span>
              <span class="msg-text">${m.text ?? `[${messageKind(m.kind)}]`}</span>
            </li>`,
          )}
        </ol>`}
  </section>`;
}

function actorName(actor, choices) {
  if (actor === 'system') return t('case.actor.system');
  if (actor === 'citizen') return t('case.actor.citizen');
  if (actor.startsWith('staff:')) return nameOf(choices.staff, Number(actor.slice(6)));
  return actor;
}

function Timeline({ entries, choices }) {
  return html`<section class="case-card">
    <h2>${t('case.timeline')}</h2>
    <ol class="case-timeline">
      ${entries.map(
        (e) => html`<li key=${e.id} class=${e.public ? 'event event-public' : 'event event-internal'} data-testid="case-event">
          <span class="event-visibility">${e.public ? t('case.public') : t('case.internal')}</span>
          <span class="event-what">
            ${t(`case.event.${e.type}`)}${e.type === 'status' || e.type === 'rerouted' || e.type === 'merged' || e.type === 'reopened' ? `: ${t(`case.status.${e.toStatus}`)}` : ''}
          </span>
          <span class="event-meta">${actorName(e.actor, choices)} · ${when(e.at)}</span>
          ${e.note && html`<span class="event-note">${e.note}</span>`}
        </li>`,
      )}
    </ol>
  </section>`;
}

/** One action form: posts, shows the server's refusal, reloads the case on success. */
function useAction(reload) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState(null);
  const run = async (event, path, body, done) => {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      await api.post(path, body);
      done?.();
      setMessage({ ok: true, text: t('case.done') });
      await reload();
    } catch (err) {
      setMessage({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };
  const feedback = message && html`<p role=${message.ok ? 'status' : 'alert'} class=${message.ok ? 'ok' : 'error'}>${message.text}</p>`;
  return { busy, run, feedback };
}

const TRIAGE_STATUSES = ['diverifikasi', 'ditolak', 'duplikat'];
const REROUTABLE = ['baru', 'diverifikasi', 'diteruskan', 'diproses'];

function Actions({ kase, nextStatuses, triage, choices, canned, reload }) {
  const path = base(kase.ticket);
  // Verify, reject and merge are triage (the server refuses them to others too); a duplicate needs its original, so it has its own form.
  const allowed = nextStatuses.filter((s) => triage || !TRIAGE_STATUSES.includes(s));
  const moves = allowed.filter((s) => s !== 'duplikat');
  return html`
    <h2>${t('case.actions.title')}</h2>
    ${allowed.includes('diverifikasi') && html`<${Verify} path=${path} reload=${reload} />`}
    ${allowed.includes('ditolak') && html`<${Reject} path=${path} reload=${reload} />`}
    ${moves.length > 0 && html`<${ChangeStatus} path=${path} nextStatuses=${moves} reload=${reload} />`}
    <${Reply} path=${path} canned=${canned} reload=${reload} />
    <${Note} path=${path} reload=${reload} />
    <${Assign} path=${path} kase=${kase} choices=${choices} reload=${reload} />
    ${REROUTABLE.includes(kase.status) && html`<${Reroute} path=${path} kase=${kase} triage=${triage} choices=${choices} reload=${reload} />`}
    ${allowed.includes('duplikat') && html`<${Duplicate} path=${path} reload=${reload} />`}
  `;
}

function Verify({ path, reload }) {
  const { busy, run, feedback } = useAction(reload);
  return html`<form class="case-action" onSubmit=${(e) => run(e, `${path}/transition`, { to: 'diverifikasi' })}>
    <button type="submit" disabled=${busy}>${t('case.actions.verify')}</button>
    ${feedback}
  </form>`;
}

function Reject({ path, reload }) {
  const [reason, setReason] = useState('');
  const { busy, run, feedback } = useAction(reload);
  return html`<form class="case-action" onSubmit=${(e) => run(e, `${path}/transition`, { to: 'ditolak', note: reason }, () => setReason(''))}>
    <label for="case-reject-reason">${t('case.actions.rejectReason')}</label>
    <textarea id="case-reject-reason" required rows="2" value=${reason} onInput=${(e) => setReason(e.currentTarget.value)}></textarea>
    <button type="submit" disabled=${busy}>${t('case.actions.reject')}</button>
    ${feedback}
  </form>`;
}

function ChangeStatus({ path, nextStatuses, reload }) {
  const [to, setTo] = useState(nextStatuses[0]);
  const [note, setNote] = useState('');
  const [internal, setInternal] = useState(false);
  const { busy, run, feedback } = useAction(reload);
  const target = nextStatuses.includes(to) ? to : nextStatuses[0];
  const submit = (e) => run(e, `${path}/transition`, { to: target, note: note || undefined, internal }, () => setNote(''));
  return html`<form class="case-action" onSubmit=${submit}>
    <h3>${t('case.actions.status')}</h3>
    <label for="case-status-to">${t('case.actions.newStatus')}</label>
    <select id="case-status-to" value=${target} onChange=${(e) => setTo(e.currentTarget.value)}>
      ${nextStatuses.map((s) => html`<option value=${s}>${t(`case.status.${s}`)}</option>`)}
    </select>
    <label for="case-status-note">${t('case.actions.statusNote')}</label>
    <textarea id="case-status-note" rows="2" value=${note} onInput=${(e) => setNote(e.currentTarget.value)}></textarea>
    <label class="case-check"><input type="checkbox" checked=${internal} onChange=${(e) => setInternal(e.currentTarget.checked)} /> ${t('case.actions.noteInternal')}</label>
    <p class="case-hint">${internal ? t('case.actions.internalHint') : t('case.actions.publicHint')}</p>
    <button type="submit" disabled=${busy}>${t('case.actions.changeStatus')}</button>
    ${feedback}
  </form>`;
}

function Reply({ path, canned, reload }) {
  const [text, setText] = useState('');
  const [cannedId, setCannedId] = useState('');
  const { busy, run, feedback } = useAction(reload);
  const chosen = canned.find((c) => String(c.id) === cannedId);
  const submit = (e) =>
    chosen ? run(e, `${path}/reply`, { cannedReplyId: chosen.id }, () => setCannedId('')) : run(e, `${path}/reply`, { text }, () => setText(''));
  return html`<form class="case-action" onSubmit=${submit}>
    <h3>${t('case.actions.reply')}</h3>
    ${canned.length > 0 &&
    html`<label for="case-canned">${t('case.actions.canned')}</label>
      <select id="case-canned" value=${cannedId} onChange=${(e) => setCannedId(e.currentTarget.value)}>
        <option value="">${t('case.actions.cannedNone')}</option>
        ${canned.map((c) => html`<option value=${String(c.id)}>${c.title}</option>`)}
      </select>`}
    ${chosen
      ? html`<p class="case-hint">${t('case.actions.cannedPreview')}</p><blockquote class="case-canned-preview">${chosen.text.id}</blockquote>`
      : html`<label for="case-reply-text">${t('case.actions.replyText')}</label>
          <textarea id="case-reply-text" required rows="3" value=${text} onInput=${(e) => setText(e.currentTarget.value)}></textarea>`}
    <button type="submit" disabled=${busy}>${t('case.actions.send')}</button>
    ${feedback}
  </form>`;
}

function Note({ path, reload }) {
  const [text, setText] = useState('');
  const [internal, setInternal] = useState(true);
  const { busy, run, feedback } = useAction(reload);
  return html`<form class="case-action" onSubmit=${(e) => run(e, `${path}/notes`, { text, internal }, () => setText(''))}>
    <h3>${t('case.actions.note')}</h3>
    <label for="case-note-text">${t('case.actions.noteText')}</label>
    <textarea id="case-note-text" required rows="2" value=${text} onInput=${(e) => setText(e.currentTarget.value)}></textarea>
    <label class="case-check"><input type="checkbox" checked=${internal} onChange=${(e) => setInternal(e.currentTarget.checked)} /> ${t('case.actions.noteInternal')}</label>
    <p class="case-hint">${internal ? t('case.actions.internalHint') : t('case.actions.publicHint')}</p>
    <button type="submit" disabled=${busy}>${t('case.actions.addNote')}</button>
    ${feedback}
  </form>`;
}

function Assign({ path, kase, choices, reload }) {
  const [unitId, setUnitId] = useState(kase.unitId == null ? '' : String(kase.unitId));
  const [staffId, setStaffId] = useState(kase.assigneeStaffId == null ? '' : String(kase.assigneeStaffId));
  const { busy, run, feedback } = useAction(reload);
  const officers = choices.staff.filter((s) => !unitId || s.unitId === Number(unitId) || s.unitId == null);
  const submit = (e) => run(e, `${path}/assign`, { unitId: unitId ? Number(unitId) : undefined, staffId: staffId ? Number(staffId) : undefined });
  return html`<form class="case-action" onSubmit=${submit}>
    <h3>${t('case.actions.assign')}</h3>
    <label for="case-assign-unit">${t('case.unit')}</label>
    <select id="case-assign-unit" value=${unitId} onChange=${(e) => { setUnitId(e.currentTarget.value); setStaffId(''); }}>
      <option value="">—</option>
      ${choices.units.map((u) => html`<option value=${String(u.id)}>${u.name}</option>`)}
    </select>
    <label for="case-assign-staff">${t('case.assignee')}</label>
    <select id="case-assign-staff" value=${staffId} onChange=${(e) => setStaffId(e.currentTarget.value)}>
      <option value="">—</option>
      ${officers.map((s) => html`<option value=${String(s.id)}>${s.name}</option>`)}
    </select>
    <button type="submit" disabled=${busy || (!unitId && !staffId)}>${t('case.actions.assignButton')}</button>
    ${feedback}
  </form>`;
}

function Reroute({ path, kase, triage, choices, reload }) {
  const [dinasId, setDinasId] = useState(String(kase.dinasId));
  const [unitId, setUnitId] = useState('');
  const [note, setNote] = useState('');
  const { busy, run, feedback } = useAction(reload);
  // Units are offered for the case's own dinas; another dinas's verifikator forwards it onwards.
  const sameDinas = Number(dinasId) === kase.dinasId;
  const submit = (e) => run(e, `${path}/reroute`, { dinasId: Number(dinasId), unitId: sameDinas && unitId ? Number(unitId) : undefined, note: note || undefined });
  return html`<form class="case-action" onSubmit=${submit}>
    <h3>${t('case.actions.reroute')}</h3>
    <label for="case-reroute-dinas">${t('case.dinas')}</label>
    <select id="case-reroute-dinas" value=${dinasId} disabled=${!triage} onChange=${(e) => { setDinasId(e.currentTarget.value); setUnitId(''); }}>
      ${choices.dinas.map((d) => html`<option value=${String(d.id)}>${d.name}</option>`)}
    </select>
    ${sameDinas &&
    html`<label for="case-reroute-unit">${t('case.unit')}</label>
      <select id="case-reroute-unit" value=${unitId} onChange=${(e) => setUnitId(e.currentTarget.value)}>
        <option value="">—</option>
        ${choices.units.map((u) => html`<option value=${String(u.id)}>${u.name}</option>`)}
      </select>`}
    <label for="case-reroute-note">${t('case.actions.rerouteNote')}</label>
    <textarea id="case-reroute-note" rows="2" value=${note} onInput=${(e) => setNote(e.currentTarget.value)}></textarea>
    <button type="submit" disabled=${busy}>${t('case.actions.rerouteButton')}</button>
    ${feedback}
  </form>`;
}

function Duplicate({ path, reload }) {
  const [of, setOf] = useState('');
  const { busy, run, feedback } = useAction(reload);
  return html`<form class="case-action" onSubmit=${(e) => run(e, `${path}/duplicate`, { of }, () => setOf(''))}>
    <h3>${t('case.actions.duplicate')}</h3>
    <label for="case-duplicate-of">${t('case.actions.duplicateOf')}</label>
    <input id="case-duplicate-of" required autocomplete="off" placeholder="ABCD-2345" value=${of} onInput=${(e) => setOf(e.currentTarget.value)} />
    <button type="submit" disabled=${busy}>${t('case.actions.merge')}</button>
    ${feedback}
  </form>`;
}
