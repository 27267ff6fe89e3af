// Settings: SLA policies (working days per step), holidays and cuti bersama (days the SLA clocks
// skip), where staff are told about cases, and webhooks to a dinas's own systems.
import { useState } from 'preact/hooks';
import { html, t, useApi, useLang, useLive } from '../lib.js';
import { EditableList, Sections } from './edit-forms.js';

const SECTIONS = [
  { key: 'sla', label: 'settings.sla' },
  { key: 'holidays', label: 'settings.holidays' },
  { key: 'targets', label: 'settings.targets' },
  { key: 'webhooks', label: 'settings.webhooks' },
];
const HOLIDAY_KINDS = ['public', 'cuti-bersama', 'local', 'cancelled'];
const TARGET_KINDS = ['email', 'telegram', 'whatsapp-cloud'];
const NOTICES = ['created', 'forwarded', 'reminder', 'escalation', 'citizen-info', 'reopened'];
const WEBHOOK_EVENTS = ['created', 'status', 'rerouted', 'assigned', 'note', 'reply', 'citizen-info', 'rating', 'reopened', 'merged', 'reminder', 'escalation'];

const pick = (object, ...keys) => Object.fromEntries(keys.filter((k) => k in object).map((k) => [k, object[k]]));

export default function Settings() {
  const lang = useLang();
  const [section, setSection] = useState('sla');
  const { data, error, reload } = useApi('/settings');
  // Another editor's change shows here without a reload.
  useLive((event) => event.type === 'catalogue' && reload());
  if (error) return html`<p class="error" role="alert">${error.status === 403 ? t('app.forbidden') : t('app.error')}</p>`;
  if (!data) return html`<p class="loading">${t('app.loading')}</p>`;

  const global = data.editableDinasId === null;
  const dinasName = (id) => (id == null ? t('settings.allDinas') : data.dinas.find((d) => d.id === id)?.name ?? `#${id}`);
  const unitName = (id) => (id == null ? t('settings.wholeDinas') : data.units.find((u) => u.id === id)?.name ?? `#${id}`);
  const categoryName = (code) => (code == null ? t('settings.allCategories') : data.categories.find((c) => c.code === code)?.name[lang] ?? code);
  const dinasOptions = data.dinas.map((d) => ({ value: d.id, label: d.name }));
  const unitOptions = (draft) => data.units.filter((u) => u.dinasId === draft.dinasId).map((u) => ({ value: u.id, label: u.name }));
  const firstDinas = data.editableDinasId ?? data.dinas[0]?.id ?? null;
  const common = { onChanged: reload };
  const sameScope = (row) => global || row.dinasId === data.editableDinasId;

  const views = {
    sla: html`
      <p class="muted">${t('settings.slaHelp')}</p>
      <${EditableList}
        ...${common}
        title=${t('settings.slaPolicy')}
        rows=${data.slaPolicies}
        path="/settings/sla-policies"
        describeRow=${(p) => `${dinasName(p.dinasId)} · ${categoryName(p.categoryCode)}`}
        canEdit=${sameScope}
        canRemove=${sameScope}
        columns=${[
          { label: 'settings.fields.dinas', render: (p) => dinasName(p.dinasId) },
          { label: 'settings.fields.category', render: (p) => categoryName(p.categoryCode) },
          { label: 'settings.fields.verifyDays', name: 'verifyDays' },
          { label: 'settings.fields.followUpDays', name: 'followUpDays' },
          { label: 'settings.fields.closeAfterDays', name: 'closeAfterDays' },
        ]}
        fields=${[
          { name: 'dinasId', label: 'settings.fields.dinas', type: 'select', createOnly: true, required: !global, options: dinasOptions, emptyLabel: 'settings.allDinas' },
          { name: 'categoryCode', label: 'settings.fields.category', type: 'select', createOnly: true, options: data.categories.map((c) => ({ value: c.code, label: c.name[lang] })), emptyLabel: 'settings.allCategories' },
          { name: 'verifyDays', label: 'settings.fields.verifyDays', type: 'number', required: true },
          { name: 'followUpDays', label: 'settings.fields.followUpDays', type: 'number', required: true },
          { name: 'closeAfterDays', label: 'settings.fields.closeAfterDays', type: 'number', required: true },
        ]}
        newValue=${{ dinasId: global ? null : firstDinas, categoryCode: null, verifyDays: 3, followUpDays: 5, closeAfterDays: 10 }}
        toBody=${(d, creating) => (creating ? pick(d, 'dinasId', 'categoryCode', 'verifyDays', 'followUpDays', 'closeAfterDays') : pick(d, 'verifyDays', 'followUpDays', 'closeAfterDays'))} />`,

    holidays: html`
      <p class="muted">${t('settings.holidaysHelp')}</p>
      <${EditableList}
        ...${common}
        title=${t('settings.holiday')}
        rows=${data.holidays}
        path="/settings/holidays"
        keyOf=${(h) => h.day}
        describeRow=${(h) => `${h.day} ${h.name}`}
        canAdd=${global}
        canEdit=${() => global}
        canRemove=${(h) => global && h.kind !== 'cancelled'}
        columns=${[
          { label: 'settings.fields.day', name: 'day' },
          { label: 'settings.fields.name', name: 'name' },
          { label: 'settings.fields.kind', render: (h) => html`<span class=${h.kind === 'cancelled' ? 'muted' : ''}>${t(`settings.holidayKinds.${h.kind}`)}</span>` },
        ]}
        fields=${[
          { name: 'day', label: 'settings.fields.day', type: 'date', required: true, fixed: true },
          { name: 'name', label: 'settings.fields.name', required: true },
          { name: 'kind', label: 'settings.fields.kind', type: 'select', required: true, options: HOLIDAY_KINDS.map((k) => ({ value: k, label: t(`settings.holidayKinds.${k}`) })) },
        ]}
        newValue=${{ day: '', name: '', kind: 'cuti-bersama' }}
        toBody=${(d, creating) => (creating ? pick(d, 'day', 'name', 'kind') : pick(d, 'name', 'kind'))} />`,

    targets: html`
      <p class="muted">${t('settings.targetsHelp')}</p>
      <${EditableList}
        ...${common}
        title=${t('settings.target')}
        rows=${data.notificationTargets}
        path="/settings/notification-targets"
        describeRow=${(r) => `${t(`settings.targetKinds.${r.kind}`)} ${r.address}`}
        columns=${[
          { label: 'settings.fields.where', render: (r) => html`${dinasName(r.dinasId)}<br /><small class="muted">${unitName(r.unitId)}</small>` },
          { label: 'settings.fields.kind', render: (r) => t(`settings.targetKinds.${r.kind}`) },
          { label: 'settings.fields.address', render: (r) => html`<code>${r.address}</code>` },
          { label: 'settings.fields.audience', render: (r) => t(`settings.audiences.${r.audience}`) },
          { label: 'settings.fields.notices', render: (r) => r.eventTypes.map((e) => t(`settings.notices.${e}`)).join(', ') },
          { label: 'settings.fields.active', render: (r) => (r.active ? t('settings.on') : html`<span class="badge">${t('settings.off')}</span>`) },
        ]}
        fields=${[
          { name: 'dinasId', label: 'settings.fields.dinas', type: 'select', required: true, createOnly: true, options: dinasOptions },
          { name: 'unitId', label: 'settings.fields.unit', type: 'select', options: unitOptions, emptyLabel: 'settings.wholeDinas' },
          { name: 'kind', label: 'settings.fields.kind', type: 'select', required: true, options: TARGET_KINDS.map((k) => ({ value: k, label: t(`settings.targetKinds.${k}`) })) },
          { name: 'address', label: 'settings.fields.address', required: true, help: 'settings.addressHelp' },
          { name: 'audience', label: 'settings.fields.audience', type: 'select', required: true, options: ['unit', 'supervisor'].map((a) => ({ value: a, label: t(`settings.audiences.${a}`) })) },
          { name: 'eventTypes', label: 'settings.fields.notices', type: 'choices', wide: true, options: NOTICES.map((n) => ({ value: n, label: t(`settings.notices.${n}`) })) },
          { name: 'active', label: 'settings.fields.active', type: 'checkbox', editOnly: true },
        ]}
        newValue=${{ dinasId: firstDinas, unitId: null, kind: 'email', address: '', audience: 'unit', eventTypes: ['created', 'forwarded', 'reminder', 'citizen-info', 'reopened'] }}
        toBody=${(d, creating) => pick(d, ...(creating ? ['dinasId'] : ['active']), 'unitId', 'kind', 'address', 'audience', 'eventTypes')} />`,

    webhooks: html`
      <p class="muted">${t('settings.webhooksHelp')}</p>
      <${EditableList}
        ...${common}
        title=${t('settings.webhook')}
        rows=${data.webhooks}
        path="/settings/webhooks"
        describeRow=${(w) => w.url}
        onCreated=${(created) => t('settings.secretOnce', { secret: created.secret })}
        columns=${[
          { label: 'settings.fields.dinas', render: (w) => dinasName(w.dinasId) },
          { label: 'settings.fields.url', render: (w) => html`<code>${w.url}</code>` },
          { label: 'settings.fields.events', render: (w) => (w.eventTypes.length ? w.eventTypes.join(', ') : t('settings.allEvents')) },
          {
            label: 'settings.fields.active',
            render: (w) => (w.active ? t('settings.on') : html`<span class="badge warn">${t('settings.off')}</span> <small class="muted">${w.disabledReason ?? ''}</small>`),
          },
        ]}
        fields=${[
          { name: 'dinasId', label: 'settings.fields.dinas', type: 'select', required: true, createOnly: true, options: dinasOptions },
          { name: 'url', label: 'settings.fields.url', type: 'url', required: true, wide: true },
          { name: 'eventTypes', label: 'settings.fields.events', type: 'choices', wide: true, help: 'settings.eventsHelp', options: WEBHOOK_EVENTS.map((e) => ({ value: `case.${e}`, label: `case.${e}` })) },
          { name: 'active', label: 'settings.fields.active', type: 'checkbox', editOnly: true },
        ]}
        newValue=${{ dinasId: firstDinas, url: '', eventTypes: [] }}
        toBody=${(d, creating) => pick(d, ...(creating ? ['dinasId'] : ['active']), 'url', 'eventTypes')} />`,
  };

  return html`
    <h1>${t('settings.title')}</h1>
    <${Sections} sections=${SECTIONS} current=${section} onSelect=${setSection} />
    <div key=${section}>${views[section]}</div>`;
}
