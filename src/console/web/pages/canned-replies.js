// Ready answers (#/canned-replies): the list every replier picks from on the case page; admins and
// verifikators add, change and delete their dinas's (an admin above every dinas also the global ones).
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, html, t, useLang } from '../lib.js';

const PATH = '/canned-replies';
const empty = { title: '', textId: '', textEn: '', dinasId: '' };

export default function CannedRepliesPage() {
  useLang();
  const [state, setState] = useState({ loading: true });
  const [editing, setEditing] = useState(null);
  const [message, setMessage] = useState(null);

  const load = useCallback(async () => {
    try {
      setState(await api.get(PATH));
    } catch (err) {
      setState({ error: err });
    }
  }, []);
  useEffect(() => {
    load();
  }, [load]);

  const save = async (form) => {
    // Only an admin above every dinas chooses where an answer belongs; everyone else writes their dinas's.
    const body = { title: form.title, text: { id: form.textId, en: form.textEn }, ...(state.writesGlobal ? { dinasId: form.dinasId ? Number(form.dinasId) : null } : {}) };
    setMessage(null);
    try {
      if (form.id) await api.put(`${PATH}/${form.id}`, body);
      else await api.post(PATH, body);
      setEditing(null);
      await load();
    } catch (err) {
      setMessage(err?.body?.message ?? t('case.error.failed'));
    }
  };
  const remove = async (reply) => {
    if (!confirm(t('case.canned.confirmDelete', { title: reply.title }))) return;
    try {
      await api.del(`${PATH}/${reply.id}`);
      await load();
    } catch (err) {
      setMessage(err?.body?.message ?? t('case.error.failed'));
    }
  };

  if (state.loading) return html`<p role="status">${t('case.loading')}</p>`;
  if (state.error) return html`<p role="alert">${t('case.error.failed')}</p>`;
  return html`<section class="canned-page" aria-labelledby="canned-title">
    <h1 id="canned-title">${t('case.canned.title')}</h1>
    <p class="case-hint">${t('case.canned.intro')}</p>
    ${message && html`<p role="alert" class="error">${message}</p>`}
    ${state.replies.length === 0
      ? html`<p>${t('case.canned.none')}</p>`
      : html`<ul class="canned-list">
          ${state.replies.map(
            (reply) => html`<li key=${reply.id} class="case-card">
              <h2>${reply.title}${reply.dinasId === null ? html` <span class="case-flag">${t('case.canned.global')}</span>` : ''}</h2>
              <p class="case-description">${reply.text.id}</p>
              ${reply.text.en && html`<p class="case-description" lang="en">${reply.text.en}</p>`}
              ${reply.editable &&
              html`<p>
                <button type="button" class="secondary" onClick=${() => setEditing({ id: reply.id, title: reply.title, textId: reply.text.id, textEn: reply.text.en, dinasId: reply.dinasId === null ? '' : String(reply.dinasId) })}>
                  ${t('case.canned.edit')}
                </button>
                ${' '}<button type="button" class="danger" onClick=${() => remove(reply)}>${t('case.canned.delete')}</button>
              </p>`}
            </li>`,
          )}
        </ul>`}
    ${state.mayWrite && !editing && html`<p><button type="button" onClick=${() => setEditing({ ...empty })}>${t('case.canned.add')}</button></p>`}
    ${editing && html`<${Editor} key=${editing.id ?? 'new'} initial=${editing} dinas=${state.writesGlobal ? state.dinas : null} onSave=${save} onCancel=${() => setEditing(null)} />`}
  </section>`;
}

function Editor({ initial, dinas, onSave, onCancel }) {
  const [form, setForm] = useState(initial);
  const field = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });
  return html`<form class="case-card case-action" onSubmit=${(e) => (e.preventDefault(), onSave(form))}>
    <label for="canned-title-input">${t('case.canned.name')}</label>
    <input id="canned-title-input" required maxlength="120" value=${form.title} onInput=${field('title')} />
    <label for="canned-text-id">${t('case.canned.textId')}</label>
    <textarea id="canned-text-id" required rows="4" value=${form.textId} onInput=${field('textId')}></textarea>
    <label for="canned-text-en">${t('case.canned.textEn')}</label>
    <textarea id="canned-text-en" rows="4" lang="en" value=${form.textEn} onInput=${field('textEn')}></textarea>
    ${dinas &&
    html`<label for="canned-dinas">${t('case.canned.scope')}</label>
      <select id="canned-dinas" value=${form.dinasId} onChange=${field('dinasId')}>
        <option value="">${t('case.canned.global')}</option>
        ${dinas.map((d) => html`<option value=${String(d.id)}>${d.name}</option>`)}
      </select>`}
    <p>
      <button type="submit">${t('case.canned.save')}</button>
      ${' '}<button type="button" class="secondary" onClick=${onCancel}>${t('case.canned.cancel')}</button>
    </p>
  </form>`;
}
