// Staff accounts: create with a one-time password (changed at the first login), change role and
// scope, switch off, reset a password, lift a lockout, remove a lost TOTP phone.
import { api, formatDateTime, html, me, t, useApi, useLang } from '../lib.js';
import { EditableList, explain } from './edit-forms.js';

const ROLES = ['admin', 'verifikator', 'petugas', 'pimpinan'];
const pick = (object, ...keys) => Object.fromEntries(keys.filter((k) => k in object).map((k) => [k, object[k]]));

function Status({ account }) {
  const locked = account.lockedUntil && new Date(account.lockedUntil) > new Date();
  return html`
    ${account.active ? '' : html`<span class="badge">${t('staff.inactive')}</span> `}
    ${locked ? html`<span class="badge danger">${t('staff.locked')}</span> ` : ''}
    ${account.mustChangePassword ? html`<span class="badge warn">${t('staff.mustChange')}</span> ` : ''}
    ${account.totpEnabled ? html`<span class="badge">TOTP</span> ` : ''}
    <br /><small class="muted">${account.lastLoginAt ? t('staff.lastLogin', { at: formatDateTime(account.lastLoginAt) }) : t('staff.neverLoggedIn')}</small>`;
}

export default function Staff() {
  useLang();
  const { data, error, reload } = useApi('/staff');
  if (error) return html`<p class="error" role="alert">${error.status === 403 ? t('app.forbidden') : t('app.error')}</p>`;
  if (!data) return html`<p class="loading">${t('app.loading')}</p>`;

  const dinasName = (id) => (id == null ? t('staff.allDinas') : data.dinas.find((d) => d.id === id)?.name ?? `#${id}`);
  const unitName = (id) => (id == null ? '' : data.units.find((u) => u.id === id)?.name ?? `#${id}`);
  const self = me().id;
  const action = (label, run, setNotice) => html`<button type="button" class="link" onClick=${async () => {
    try {
      setNotice(await run());
      reload();
    } catch (e) {
      setNotice(explain(e));
    }
  }}>${label}</button>`;

  return html`
    <h1>${t('staff.title')}</h1>
    <p class="muted">${data.managedDinasId === null ? t('staff.introGlobal') : t('staff.introDinas', { dinas: dinasName(data.managedDinasId) })}</p>
    <${EditableList}
      onChanged=${reload}
      title=${t('staff.account')}
      rows=${data.accounts}
      path="/staff"
      describeRow=${(a) => a.name}
      canEdit=${() => true}
      canRemove=${() => false}
      columns=${[
        { label: 'staff.fields.name', render: (a) => html`${a.name}<br /><small class="muted">${a.email}</small>` },
        { label: 'staff.fields.role', render: (a) => t(`roles.${a.role}`) + (a.supervisor ? ` · ${t('staff.supervisor')}` : '') },
        { label: 'staff.fields.scope', render: (a) => html`${dinasName(a.dinasId)}<br /><small class="muted">${unitName(a.unitId)}${a.regionPrefix ? ` · ${a.regionPrefix}` : ''}</small>` },
        { label: 'staff.fields.status', render: (a) => html`<${Status} account=${a} />` },
      ]}
      rowActions=${(a, setNotice) =>
        a.id === self
          ? null
          : html`
              ${action(t('staff.resetPassword'), async () => {
                const password = window.prompt(t('staff.resetPrompt', { name: a.name }));
                if (!password) return null;
                await api.post(`/staff/${a.id}/password`, { password });
                return t('staff.resetDone', { name: a.name });
              }, setNotice)}
              ${a.lockedUntil && new Date(a.lockedUntil) > new Date() && action(t('staff.unlock'), async () => (await api.post(`/staff/${a.id}/unlock`), t('staff.unlocked')), setNotice)}
              ${a.totpEnabled && action(t('staff.removeTotp'), async () => (await api.post(`/staff/${a.id}/totp/remove`), t('staff.totpRemoved')), setNotice)}`}
      fields=${[
        { name: 'name', label: 'staff.fields.name', required: true },
        { name: 'email', label: 'staff.fields.email', type: 'email', required: true, createOnly: true },
        { name: 'role', label: 'staff.fields.role', type: 'select', required: true, options: ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) })) },
        { name: 'dinasId', label: 'staff.fields.dinas', type: 'select', required: data.managedDinasId !== null, options: data.dinas.map((d) => ({ value: d.id, label: d.name })), emptyLabel: 'staff.allDinas' },
        { name: 'unitId', label: 'staff.fields.unit', type: 'select', options: (d) => data.units.filter((u) => u.dinasId === d.dinasId).map((u) => ({ value: u.id, label: u.name })), help: 'staff.unitHelp' },
        { name: 'regionPrefix', label: 'staff.fields.regionPrefix', type: 'optional', help: 'staff.regionHelp' },
        { name: 'supervisor', label: 'staff.fields.supervisor', type: 'checkbox' },
        { name: 'lang', label: 'staff.fields.lang', type: 'select', required: true, options: [{ value: 'id', label: 'Bahasa Indonesia' }, { value: 'en', label: 'English' }] },
        { name: 'password', label: 'staff.fields.oneTimePassword', type: 'password', required: true, createOnly: true, minLength: 10, help: 'staff.oneTimeHelp' },
        { name: 'active', label: 'staff.fields.active', type: 'checkbox', editOnly: true },
      ]}
      newValue=${{ name: '', email: '', role: 'petugas', dinasId: data.managedDinasId ?? data.dinas[0]?.id ?? null, unitId: null, regionPrefix: null, supervisor: false, lang: 'id', password: '' }}
      toBody=${(d, creating) =>
        creating
          ? pick(d, 'name', 'email', 'role', 'dinasId', 'unitId', 'regionPrefix', 'supervisor', 'lang', 'password')
          : d.id === self
            ? pick(d, 'name', 'lang', 'supervisor')
            : pick(d, 'name', 'role', 'dinasId', 'unitId', 'regionPrefix', 'supervisor', 'lang', 'active')} />`;
}
