// Lists with add / change / remove, and the forms behind them, for the editing pages (catalogue,
// settings, staff). A list is a table (scrolls sideways on a phone) with a "Change" button per row;
// the form replaces the table until saved or cancelled, so one thing is edited at a time.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, html, t } from '../lib.js';

const get = (object, path) => path.split('.').reduce((node, part) => (node == null ? undefined : node[part]), object);
function set(object, path, value) {
  const [head, ...rest] = path.split('.');
  return { ...object, [head]: rest.length ? set(object?.[head] ?? {}, rest.join('.'), value) : value };
}

/** How a field's value shows in its input, and how the input's text becomes the value again. */
const kinds = {
  text: { show: (v) => v ?? '', read: (s) => s },
  optional: { show: (v) => v ?? '', read: (s) => (s.trim() === '' ? null : s.trim()) },
  number: { show: (v) => (v == null ? '' : String(v)), read: (s) => (s === '' ? null : Number(s)) },
  /** One entry per line (required documents, procedure steps). */
  lines: { show: (v) => (v ?? []).join('\n'), read: (s) => s.split('\n').map((l) => l.trim()).filter(Boolean) },
  /** Comma-separated words (search keywords, event types). */
  words: { show: (v) => (v ?? []).join(', '), read: (s) => s.split(',').map((w) => w.trim()).filter(Boolean) },
};

function Field({ field, draft, setDraft, creating }) {
  const value = get(draft, field.name);
  const label = t(field.label);
  const change = (next) => setDraft((d) => set(d, field.name, next));
  const disabled = field.fixed && !creating;
  const help = field.help && html`<small class="muted">${t(field.help)}</small>`;
  if (field.type === 'select') {
    const options = typeof field.options === 'function' ? field.options(draft) : field.options;
    return html`<label>${label}
      <select disabled=${disabled} required=${field.required} value=${value == null ? '' : String(value)}
        onChange=${(e) => change(options.find((o) => String(o.value ?? '') === e.currentTarget.value)?.value ?? null)}>
        ${!field.required && html`<option value="">${t(field.emptyLabel ?? 'edit.none')}</option>`}
        ${options.map((o) => html`<option value=${String(o.value ?? '')}>${o.label}</option>`)}
      </select>${help}</label>`;
  }
  if (field.type === 'checkbox') {
    return html`<label class="check"><input type="checkbox" checked=${Boolean(value)} disabled=${disabled} onChange=${(e) => change(e.currentTarget.checked)} /> ${label}</label>`;
  }
  if (field.type === 'choices') {
    const chosen = value ?? [];
    return html`<fieldset class="choices"><legend>${label}</legend>
      ${field.options.map(
        (o) => html`<label class="check"><input type="checkbox" checked=${chosen.includes(o.value)}
          onChange=${(e) => change(e.currentTarget.checked ? [...chosen, o.value] : chosen.filter((c) => c !== o.value))} /> ${o.label}</label>`,
      )}${help}</fieldset>`;
  }
  return html`<${TextField} field=${field} label=${label} value=${value} change=${change} disabled=${disabled} help=${help} />`;
}

/** Text inputs keep what is typed (blank lines, a trailing comma) and hand the parsed value on. */
function TextField({ field, label, value, change, disabled, help }) {
  const kind = kinds[field.type in kinds ? field.type : 'text'];
  const [text, setText] = useState(() => kind.show(value));
  const input = (event) => {
    setText(event.currentTarget.value);
    change(kind.read(event.currentTarget.value));
  };
  if (field.type === 'lines' || field.type === 'textarea') {
    return html`<label>${label}<textarea rows=${field.rows ?? 5} required=${field.required} disabled=${disabled} value=${text} onInput=${input} />${help}</label>`;
  }
  const type = { number: 'number', date: 'date', time: 'time', email: 'email', password: 'password', url: 'url' }[field.type] ?? 'text';
  return html`<label>${label}<input type=${type} required=${field.required} disabled=${disabled} value=${text} onInput=${input}
    autocomplete=${field.type === 'password' ? 'new-password' : 'off'} minlength=${field.minLength} />${help}</label>`;
}

/** A form over `fields`; `onSave(draft)` may throw an ApiError, shown as the reason. */
export function EditForm({ title, fields, value, creating, onSave, onCancel, extra }) {
  const [draft, setDraft] = useState(value);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef(null);
  // Focus moves in the same task as the render, before paint: nothing can see the form without it.
  useLayoutEffect(() => heading.current?.focus(), []);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSave(draft);
    } catch (e) {
      setError(explain(e));
      setBusy(false);
    }
  };
  return html`
    <form class="card edit-form" onSubmit=${submit}>
      <h2 tabindex="-1" ref=${heading}>${title}</h2>
      <div class="edit-fields">
        ${fields.filter((f) => (creating ? !f.editOnly : !f.createOnly)).map((field) => html`<div class=${field.wide ? 'wide' : ''}><${Field} field=${field} draft=${draft} setDraft=${setDraft} creating=${creating} /></div>`)}
      </div>
      ${extra}
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <div class="actions">
        <button type="submit" disabled=${busy}>${t('app.save')}</button>
        <button type="button" class="secondary" onClick=${onCancel}>${t('app.cancel')}</button>
      </div>
    </form>`;
}

/** What to tell the editor when the API refused. */
export function explain(error) {
  if (error?.status === 403) return t('app.forbidden');
  if (error?.status === 404) return t('app.notFound');
  const message = error?.body?.message ?? error?.body?.issues?.map((i) => `${i.path} ${i.message}`).join('; ');
  return message ? `${t('edit.refused')}: ${message}` : t('app.error');
}

/**
 * A table of `rows` with a form to add (`newValue`) or change one. `path` is the API list
 * (`/catalogue/services`): POST to add, PATCH/DELETE `path/key` to change or remove. `toBody(draft, creating)`
 * picks what is sent. `onChanged()` reloads the page's data.
 */
export function EditableList({ title, rows, columns, fields, path, keyOf = (row) => row.id, newValue, toBody = (d) => d, onChanged, canAdd = true, canEdit = () => true, canRemove = () => true, rowActions, onCreated, describeRow }) {
  const [editing, setEditing] = useState(null);
  const [notice, setNotice] = useState(null);
  // After a form closes, keyboard focus goes to what happened (or stays in the list).
  const noticeRef = useRef(null);
  useLayoutEffect(() => noticeRef.current?.focus(), [notice, editing]);
  const close = (message) => {
    setEditing(null);
    setNotice(message ?? null);
  };
  if (editing) {
    const creating = editing === 'new';
    return html`<${EditForm}
      title=${creating ? t('edit.addTitle', { what: title }) : t('edit.changeTitle', { what: describeRow ? describeRow(editing) : title })}
      fields=${fields}
      value=${creating ? newValue : editing}
      creating=${creating}
      onCancel=${() => close()}
      onSave=${async (draft) => {
        const saved = creating ? await api.post(path, toBody(draft, true)) : await api.patch(`${path}/${keyOf(editing)}`, toBody(draft, false));
        close(creating && onCreated ? onCreated(saved) : t('edit.saved'));
        onChanged();
      }} />`;
  }
  const remove = async (row) => {
    if (!window.confirm(t('edit.confirmRemove', { what: describeRow ? describeRow(row) : title }))) return;
    try {
      await api.del(`${path}/${keyOf(row)}`);
      setNotice(t('edit.removed'));
      onChanged();
    } catch (e) {
      setNotice(explain(e));
    }
  };
  return html`
    <section class="card">
      <div class="list-head">
        <h2>${title}</h2>
        ${canAdd && html`<button type="button" onClick=${() => setEditing('new')}>${t('edit.add')}</button>`}
      </div>
      ${notice && html`<p role="status" class="notice" tabindex="-1" ref=${noticeRef}>${notice}</p>`}
      <div class="table-scroll">
        <table class="editable">
          <thead><tr>${columns.map((c) => html`<th scope="col">${t(c.label)}</th>`)}<th scope="col"><span class="sr-only">${t('edit.actions')}</span></th></tr></thead>
          <tbody>
            ${rows.length === 0 && html`<tr><td colspan=${columns.length + 1} class="muted">${t('edit.empty')}</td></tr>`}
            ${rows.map(
              (row) => html`<tr key=${keyOf(row)}>
                ${columns.map((c) => html`<td data-label=${t(c.label)}>${c.render ? c.render(row) : get(row, c.name)}</td>`)}
                <td class="row-actions">
                  ${canEdit(row) && html`<button type="button" class="secondary" onClick=${() => setEditing(row)} aria-label=${t('edit.changeTitle', { what: describeRow ? describeRow(row) : title })}>${t('edit.change')}</button>`}
                  ${rowActions?.(row, setNotice)}
                  ${canRemove(row) && html`<button type="button" class="link" onClick=${() => remove(row)} aria-label=${t('edit.removeLabel', { what: describeRow ? describeRow(row) : title })}>${t('edit.remove')}</button>`}
                </td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </section>`;
}

/** Section buttons at the top of a page (one section shown at a time). */
export function Sections({ sections, current, onSelect }) {
  return html`<nav class="sections" aria-label=${t('edit.sections')}>
    ${sections.map((s) => html`<button type="button" class=${s.key === current ? '' : 'secondary'} aria-pressed=${s.key === current} onClick=${() => onSelect(s.key)}>${t(s.label)}</button>`)}
  </nav>`;
}
