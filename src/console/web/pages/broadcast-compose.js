// Writing a broadcast (#/broadcasts/new, #/broadcasts/:id/edit): the notice in both languages, the
// segment, and then sending now or at a time. The draft saves itself a moment after each change
// (the first save creates it), and every save brings back who the segment reaches now and the
// notice as citizens will read it, so the count and the preview follow what is typed.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, getLang, html, me, navigate, t, useApi, useLang } from '../lib.js';

const SAVE_AFTER_MS = 600;
const CHANNELS = ['telegram', 'whatsapp-cloud', 'web'];
const VARIABLE = /\{([^{}\s]*)\}/g;
const JAKARTA = '+07:00';

const blank = { dinasId: '', title: '', textId: '', textEn: '', imageUrl: '', topics: [], regionPrefix: '', channels: [], category: '', days: '30', since: '' };

/** A moment as the date Jakarta's calendar shows (`2026-12-01`). */
const jakartaDate = (iso) => new Date(new Date(iso).getTime() + 7 * 3_600_000).toISOString().slice(0, 10);

function fromBroadcast(b) {
  const s = b.segment ?? {};
  return {
    dinasId: String(b.dinasId),
    title: b.title,
    textId: b.text.id,
    textEn: b.text.en,
    imageUrl: b.imageUrl ?? '',
    topics: s.topics ?? [],
    regionPrefix: s.regionPrefix ?? '',
    channels: s.channels ?? [],
    category: s.reportedCategory?.code ?? '',
    days: String(s.reportedCategory?.days ?? 30),
    since: s.subscribedSince ? jakartaDate(s.subscribedSince) : '',
  };
}

function toBody(form) {
  const segment = {};
  if (form.topics.length > 0) segment.topics = form.topics;
  if (form.regionPrefix.trim()) segment.regionPrefix = form.regionPrefix.trim();
  if (form.channels.length > 0) segment.channels = form.channels;
  if (form.category) segment.reportedCategory = { code: form.category, days: Number(form.days) };
  if (form.since) segment.subscribedSince = new Date(`${form.since}T00:00:00${JAKARTA}`).toISOString();
  return { title: form.title.trim(), text: { id: form.textId.trim(), en: form.textEn.trim() }, imageUrl: form.imageUrl.trim() || null, segment };
}

/** Fields that must be filled: while writing, their being empty is not yet an error worth showing. */
const REQUIRED = ['dinasId', 'title', 'textId'];

/** What is wrong with the form, by field, in words (nothing is saved while anything is). */
function check(form, central) {
  const errors = {};
  if (central && !form.dinasId) errors.dinasId = t('broadcasts.errors.dinas');
  if (!form.title.trim()) errors.title = t('broadcasts.errors.title');
  if (!form.textId.trim()) errors.textId = t('broadcasts.errors.textId');
  for (const [field, text] of [['textId', form.textId], ['textEn', form.textEn]]) {
    const unknown = [...text.matchAll(VARIABLE)].map((m) => m[1]).find((name) => name !== 'nama');
    if (unknown !== undefined && !errors[field]) errors[field] = t('broadcasts.errors.variable', { name: `{${unknown}}` });
  }
  const url = form.imageUrl.trim();
  if (url && !/^https?:\/\/[^\s/]+\.[^\s]+$/i.test(url)) errors.imageUrl = t('broadcasts.errors.imageUrl');
  if (form.regionPrefix.trim() && !/^\d{2,10}$/.test(form.regionPrefix.trim())) errors.regionPrefix = t('broadcasts.errors.regionPrefix');
  const days = Number(form.days);
  if (form.category && !(Number.isInteger(days) && days >= 1 && days <= 3650)) errors.days = t('broadcasts.errors.days');
  return errors;
}

/** The API's refusal, placed at the field it is about where that is known. */
function serverErrors(error) {
  if (!(error instanceof ApiError)) return { form: t('broadcasts.errors.offline') };
  if (error.status === 403) return { form: t('app.forbidden') };
  const byPath = {
    '/title': 'title', '/text/id': 'textId', '/text/en': 'textEn', '/imageUrl': 'imageUrl', '/segment/topics': 'topics',
    '/segment/regionPrefix': 'regionPrefix', '/segment/channels': 'channels', '/segment/reportedCategory': 'days', '/segment/subscribedSince': 'since',
  };
  const errors = {};
  for (const issue of error.body?.issues ?? []) {
    const field = Object.entries(byPath).find(([path]) => issue.path.startsWith(path))?.[1] ?? 'form';
    errors[field] = t('broadcasts.errors.invalidField', { reason: issue.message });
  }
  const message = error.body?.message ?? '';
  if (message.startsWith('unknown topics')) errors.topics = t('broadcasts.errors.topics');
  else if (message.startsWith('unknown variable')) errors.textId = t('broadcasts.errors.variable', { name: message.match(VARIABLE)?.[0] ?? '' });
  else if (error.status === 409) errors.form = t('broadcasts.errors.notDraft');
  else if (Object.keys(errors).length === 0) errors.form = message ? t('broadcasts.errors.refused', { reason: message }) : t('app.error');
  return errors;
}

function FieldError({ id, error }) {
  return error ? html`<span class="field-error" id=${id}>${error}</span>` : null;
}

export default function ComposeBroadcast({ params }) {
  useLang();
  const central = me().dinasId === null;
  const reference = useApi('/reference');
  const [form, setForm] = useState(params.id ? null : blank);
  const [errors, setErrors] = useState({});
  const [status, setStatus] = useState('idle');
  const [audience, setAudience] = useState(null);
  const [schedule, setSchedule] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useRef(params.id ? Number(params.id) : null);
  const formRef = useRef(form);
  const version = useRef(0);
  const saved = useRef(0);
  const chain = useRef(Promise.resolve(true));
  const audienceRef = useRef(null);

  // An existing draft: its fields; a broadcast no longer a draft shows its own page instead.
  useEffect(() => {
    if (!params.id) return;
    api.get(`/broadcasts/${params.id}`).then(
      (b) => {
        if (b.state !== 'draft') return navigate(`/broadcasts/${b.id}`);
        formRef.current = fromBroadcast(b);
        setForm(formRef.current);
        refreshAudience();
      },
      (error) => setErrors({ load: error.status === 404 ? t('app.notFound') : t('app.error') }),
    );
  }, []);

  const change = (patch) => {
    formRef.current = { ...formRef.current, ...patch };
    version.current += 1;
    setForm(formRef.current);
    setStatus('dirty');
  };
  useEffect(() => {
    if (status !== 'dirty') return undefined;
    const timer = setTimeout(() => flush(), SAVE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [form, status]);

  const refreshAudience = async () => {
    const asked = version.current;
    const answer = await api.get(`/broadcasts/${id.current}/audience`).catch(() => null);
    if (answer && asked === version.current) {
      audienceRef.current = answer;
      setAudience(answer);
    }
  };

  /**
   * Saves the latest form unless saved already; resolves false when it could not. Asked for (a
   * send), every problem shows; saving by itself, an empty required field is not called out yet.
   */
  const flush = (asked = false) => (chain.current = chain.current.then(() => saveLatest(asked)));
  async function saveLatest(asked) {
    const mine = version.current;
    if (mine === saved.current && id.current) return true;
    const problems = check(formRef.current, central);
    if (Object.keys(problems).length > 0) {
      const empty = (name) => !String(formRef.current[name] ?? '').trim();
      const shown = asked ? problems : Object.fromEntries(Object.entries(problems).filter(([name]) => !(REQUIRED.includes(name) && empty(name))));
      setErrors(shown);
      setStatus(Object.keys(shown).length > 0 ? 'invalid' : 'waiting');
      return false;
    }
    setStatus('saving');
    try {
      const body = toBody(formRef.current);
      if (id.current) {
        await api.patch(`/broadcasts/${id.current}`, body);
      } else {
        const created = await api.post('/broadcasts', central ? { ...body, dinasId: Number(formRef.current.dinasId) } : body);
        id.current = created.id;
        // The address now names the draft (a reload opens it), without leaving this page.
        history.replaceState(null, '', `#/broadcasts/${created.id}/edit`);
      }
      saved.current = mine;
      setErrors({});
      await refreshAudience();
      setStatus(mine === version.current ? 'saved' : 'dirty');
      return true;
    } catch (error) {
      setErrors(serverErrors(error));
      setStatus('invalid');
      return false;
    }
  }

  const send = async (at) => {
    setBusy(true);
    try {
      if (!(await flush(true))) return;
      if (!at && !confirm(t('broadcasts.confirmSend', { n: audienceRef.current?.total ?? '?' }))) return;
      const sent = await api.post(`/broadcasts/${id.current}/send`, at ? { at } : {});
      navigate(`/broadcasts/${sent.id}`);
    } catch (error) {
      const nobody = error instanceof ApiError && error.status === 409 && /reaches nobody/.test(error.body?.message ?? '');
      setErrors({ send: nobody ? t('broadcasts.errors.nobody') : serverErrors(error).form ?? t('app.error') });
    } finally {
      setBusy(false);
    }
  };
  const sendAt = () => {
    if (!schedule) return setErrors({ ...errors, schedule: t('broadcasts.errors.scheduleMissing') });
    const at = new Date(`${schedule}:00${JAKARTA}`);
    if (Number.isNaN(at.getTime()) || at.getTime() <= Date.now() + 60_000) return setErrors({ ...errors, schedule: t('broadcasts.errors.schedulePast') });
    return send(at.toISOString());
  };

  if (errors.load) return html`<p class="error" role="alert">${errors.load}</p>`;
  if (!form || !reference.data) return html`<p class="loading">${t('app.loading')}</p>`;

  const lang = getLang();
  const field = (name) => (e) => change({ [name]: e.currentTarget.value });
  const toggle = (name, value) => (e) => change({ [name]: e.currentTarget.checked ? [...formRef.current[name], value] : formRef.current[name].filter((v) => v !== value) });
  const invalid = (name) => ({ 'aria-invalid': errors[name] ? 'true' : undefined, 'aria-describedby': errors[name] ? `bc-${name}-error` : undefined });
  const dinasId = central ? Number(form.dinasId) || null : me().dinasId;
  const topics = reference.data.topics.filter((tp) => tp.dinasId === null || tp.dinasId === dinasId);
  const updating = status === 'dirty' || status === 'saving';

  return html`
    <section class="bc-compose" aria-labelledby="bc-compose-title">
      <p><a href="#/broadcasts">← ${t('broadcasts.back')}</a></p>
      <h1 id="bc-compose-title">${params.id || id.current ? t('broadcasts.editTitle') : t('broadcasts.newTitle')}</h1>
      <p class="muted" role="status">${t(`broadcasts.save.${status}`)}</p>
      ${errors.form && html`<p class="error" role="alert">${errors.form}</p>`}
      <div class="case-columns">
        <form class="card" onSubmit=${(e) => (e.preventDefault(), flush(true))}>
          ${central &&
          html`<label>${t('broadcasts.fields.dinas')}
            <select value=${form.dinasId} disabled=${Boolean(id.current)} onChange=${field('dinasId')} ...${invalid('dinasId')}>
              <option value="">—</option>
              ${reference.data.dinas.map((d) => html`<option value=${String(d.id)}>${d.name}</option>`)}
            </select><${FieldError} id="bc-dinasId-error" error=${errors.dinasId} /></label>`}
          <label>${t('broadcasts.fields.title')}
            <input maxlength="200" value=${form.title} onInput=${field('title')} ...${invalid('title')} />
            <small class="muted">${t('broadcasts.help.title')}</small><${FieldError} id="bc-title-error" error=${errors.title} /></label>
          <label>${t('broadcasts.fields.textId')}
            <textarea rows="5" maxlength="4000" value=${form.textId} onInput=${field('textId')} ...${invalid('textId')}></textarea>
            <small class="muted">${t('broadcasts.help.name')}</small><${FieldError} id="bc-textId-error" error=${errors.textId} /></label>
          <label>${t('broadcasts.fields.textEn')}
            <textarea rows="4" lang="en" maxlength="4000" value=${form.textEn} onInput=${field('textEn')} ...${invalid('textEn')}></textarea>
            <small class="muted">${t('broadcasts.help.textEn')}</small><${FieldError} id="bc-textEn-error" error=${errors.textEn} /></label>
          <label>${t('broadcasts.fields.imageUrl')}
            <input type="url" inputmode="url" placeholder="https://" value=${form.imageUrl} onInput=${field('imageUrl')} ...${invalid('imageUrl')} />
            <small class="muted">${t('broadcasts.help.imageUrl')}</small><${FieldError} id="bc-imageUrl-error" error=${errors.imageUrl} /></label>

          <h2>${t('broadcasts.segment')}</h2>
          <p class="muted">${t('broadcasts.help.segment')}</p>
          <fieldset class="choices">
            <legend>${t('broadcasts.fields.topics')}</legend>
            ${topics.map((tp) => html`<label class="check"><input type="checkbox" checked=${form.topics.includes(tp.code)} onChange=${toggle('topics', tp.code)} />${tp.name[lang]}</label>`)}
            <small class="muted bc-help">${t('broadcasts.help.topics')}</small><${FieldError} id="bc-topics-error" error=${errors.topics} />
          </fieldset>
          <label>${t('broadcasts.fields.regionPrefix')}
            <input inputmode="numeric" maxlength="10" placeholder="3273" value=${form.regionPrefix} onInput=${field('regionPrefix')} ...${invalid('regionPrefix')} />
            <small class="muted">${t('broadcasts.help.regionPrefix')}</small><${FieldError} id="bc-regionPrefix-error" error=${errors.regionPrefix} /></label>
          <fieldset class="choices">
            <legend>${t('broadcasts.fields.channels')}</legend>
            ${CHANNELS.map((c) => html`<label class="check"><input type="checkbox" checked=${form.channels.includes(c)} onChange=${toggle('channels', c)} />${t(`inbox.channels.${c}`)}</label>`)}
            <small class="muted bc-help">${t('broadcasts.help.channels')}</small><${FieldError} id="bc-channels-error" error=${errors.channels} />
          </fieldset>
          <div class="edit-fields">
            <label>${t('broadcasts.fields.category')}
              <select value=${form.category} onChange=${field('category')}>
                <option value="">${t('broadcasts.anyone')}</option>
                ${reference.data.categories.map((c) => html`<option value=${c.code}>${c.name[lang]}</option>`)}
              </select></label>
            <label>${t('broadcasts.fields.days')}
              <input type="number" min="1" max="3650" disabled=${!form.category} value=${form.days} onInput=${field('days')} ...${invalid('days')} />
              <${FieldError} id="bc-days-error" error=${errors.days} /></label>
          </div>
          <label>${t('broadcasts.fields.since')}
            <input type="date" value=${form.since} onInput=${field('since')} ...${invalid('since')} />
            <small class="muted">${t('broadcasts.help.since')}</small><${FieldError} id="bc-since-error" error=${errors.since} /></label>
        </form>

        <div>
          <section class="card" aria-labelledby="bc-audience-title">
            <h2 id="bc-audience-title">${t('broadcasts.audienceNow')}</h2>
            <${Audience} audience=${audience} updating=${updating} />
          </section>
          <section class="card" aria-labelledby="bc-send-title">
            <h2 id="bc-send-title">${t('broadcasts.sendTitle')}</h2>
            ${errors.send && html`<p class="error" role="alert">${errors.send}</p>`}
            <p><button type="button" disabled=${busy || !id.current} onClick=${() => send(null)}>${t('broadcasts.sendNow')}</button></p>
            <label>${t('broadcasts.fields.schedule')}
              <input type="datetime-local" value=${schedule} onInput=${(e) => setSchedule(e.currentTarget.value)} ...${invalid('schedule')} />
              <small class="muted">${t('broadcasts.help.schedule')}</small><${FieldError} id="bc-schedule-error" error=${errors.schedule} /></label>
            <button type="button" class="secondary" disabled=${busy || !id.current} onClick=${sendAt}>${t('broadcasts.schedule')}</button>
          </section>
        </div>
      </div>
    </section>`;
}

function Audience({ audience, updating }) {
  if (!audience) return html`<p class="muted">${t('broadcasts.audienceFirst')}</p>`;
  return html`
    <p class=${updating ? 'bc-count muted' : 'bc-count'} aria-live="polite">${t('broadcasts.recipientsCount', { n: audience.total })}${updating ? ` (${t('broadcasts.updating')})` : ''}</p>
    ${audience.byChannel.length > 0 && html`<p class="muted">${audience.byChannel.map((c) => `${t(`inbox.channels.${c.channel}`)}: ${c.count}`).join(' · ')}</p>`}
    ${audience.needsApproval && html`<p class="bc-note">${t('broadcasts.needsApproval', { n: audience.approvalAbove })}</p>`}
    ${audience.notOnBulkChannels > 0 && html`<p class="muted">${t('broadcasts.notOnBulk', { n: audience.notOnBulkChannels })}</p>`}
    ${audience.preview.imageUrl && html`<p class="muted bc-preview-image">${t('broadcasts.previewImage', { url: audience.preview.imageUrl })}</p>`}
    <h3>${t('broadcasts.previewId')}</h3>
    <p class="bc-preview" data-lang="id">${audience.preview.id}</p>
    <h3>${t('broadcasts.previewEn')}</h3>
    <p class="bc-preview" lang="en" data-lang="en">${audience.preview.en}</p>`;
}
