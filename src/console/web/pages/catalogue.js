// Catalogue: the services the bot explains (required documents, procedure, where to go, in
// Indonesian and English), categories, dinas profiles and units, and routing rules. A change is
// used by the bot at once. A dinas's own admin edits its own dinas, units and services.
import { useState } from 'preact/hooks';
import { html, t, useApi, useLang, useLive } from '../lib.js';
import { EditableList, Sections } from './edit-forms.js';

const SECTIONS = [
  { key: 'services', label: 'catalogue.services' },
  { key: 'categories', label: 'catalogue.categories' },
  { key: 'dinas', label: 'catalogue.dinas' },
  { key: 'units', label: 'catalogue.units' },
  { key: 'routing', label: 'catalogue.routing' },
];

const without = (object, ...keys) => Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)));
const bilingualFields = (name, label, type = 'text', extra = {}) => [
  { name: `${name}.id`, label: `${label}Id`, type, required: true, ...extra },
  { name: `${name}.en`, label: `${label}En`, type, required: true, ...extra },
];

export default function Catalogue() {
  const lang = useLang();
  const [section, setSection] = useState('services');
  const { data, error, reload } = useApi('/catalogue');
  // Another editor's change shows here without a reload.
  useLive((event) => event.type === 'catalogue' && reload());
  if (error) return html`<p class="error" role="alert">${error.status === 403 ? t('app.forbidden') : t('app.error')}</p>`;
  if (!data) return html`<p class="loading">${t('app.loading')}</p>`;

  const global = data.editableDinasId === null;
  const dinasName = (id) => data.dinas.find((d) => d.id === id)?.name ?? (id == null ? '—' : `#${id}`);
  const unitName = (id) => (id == null ? '—' : data.units.find((u) => u.id === id)?.name ?? `#${id}`);
  const categoryName = (code) => (code == null ? '—' : data.categories.find((c) => c.code === code)?.name[lang] ?? code);
  const serviceName = (code) => (code == null ? '—' : data.services.find((s) => s.code === code)?.name[lang] ?? code);
  const dinasOptions = data.dinas.map((d) => ({ value: d.id, label: d.name }));
  const unitOptions = (draft) => data.units.filter((u) => u.dinasId === draft.dinasId).map((u) => ({ value: u.id, label: u.name }));
  const categoryOptions = data.categories.map((c) => ({ value: c.code, label: c.name[lang] }));
  const firstDinas = data.editableDinasId ?? data.dinas[0]?.id ?? null;
  const common = { onChanged: reload };

  const views = {
    services: html`<${EditableList}
      ...${common}
      title=${t('catalogue.service')}
      rows=${data.services}
      path="/catalogue/services"
      describeRow=${(s) => s.name[lang]}
      columns=${[
        { label: 'catalogue.fields.name', render: (s) => s.name[lang] },
        { label: 'catalogue.fields.requirements', render: (s) => html`<span class="muted">${t('catalogue.documentCount', { n: s.requirements.id.length })}</span>` },
        { label: 'catalogue.fields.category', render: (s) => categoryName(s.categoryCode) },
        { label: 'catalogue.fields.dinas', render: (s) => html`${dinasName(s.dinasId)}<br /><small class="muted">${unitName(s.unitId)}</small>` },
      ]}
      fields=${[
        { name: 'code', label: 'catalogue.fields.code', required: true, fixed: true, help: 'catalogue.help.code' },
        ...bilingualFields('name', 'catalogue.fields.name'),
        { name: 'keywords', label: 'catalogue.fields.keywords', type: 'words', wide: true, help: 'catalogue.help.keywords' },
        ...bilingualFields('requirements', 'catalogue.fields.requirements', 'lines', { help: 'catalogue.help.lines' }),
        ...bilingualFields('procedure', 'catalogue.fields.procedure', 'lines', { help: 'catalogue.help.lines' }),
        ...bilingualFields('where', 'catalogue.fields.where', 'textarea', { rows: 3, help: 'catalogue.help.where' }),
        { name: 'categoryCode', label: 'catalogue.fields.category', type: 'select', required: true, options: categoryOptions },
        { name: 'dinasId', label: 'catalogue.fields.dinas', type: 'select', required: true, options: dinasOptions },
        { name: 'unitId', label: 'catalogue.fields.unit', type: 'select', options: unitOptions },
        { name: 'position', label: 'catalogue.fields.position', type: 'number', help: 'catalogue.help.position' },
      ]}
      newValue=${{
        code: '',
        name: { id: '', en: '' },
        keywords: [],
        requirements: { id: [], en: [] },
        procedure: { id: [], en: [] },
        where: { id: '', en: '' },
        categoryCode: data.categories[0]?.code,
        dinasId: firstDinas,
        unitId: null,
        position: data.services.length,
      }}
      toBody=${(d, creating) => (creating ? without(d, 'id') : without(d, 'id', 'code'))} />`,

    categories: html`<${EditableList}
      ...${common}
      title=${t('catalogue.category')}
      rows=${data.categories}
      path="/catalogue/categories"
      describeRow=${(c) => c.name[lang]}
      canAdd=${global}
      canEdit=${() => global}
      canRemove=${() => global}
      columns=${[
        { label: 'catalogue.fields.code', name: 'code' },
        { label: 'catalogue.fields.nameId', name: 'name.id' },
        { label: 'catalogue.fields.nameEn', name: 'name.en' },
        { label: 'catalogue.fields.keywords', render: (c) => html`<span class="muted">${(c.keywords ?? []).join(', ')}</span>` },
        { label: 'catalogue.fields.position', name: 'position' },
      ]}
      fields=${[
        { name: 'code', label: 'catalogue.fields.code', required: true, fixed: true, help: 'catalogue.help.code' },
        ...bilingualFields('name', 'catalogue.fields.name'),
        { name: 'keywords', label: 'catalogue.fields.keywords', type: 'words', wide: true, help: 'catalogue.help.categoryKeywords' },
        { name: 'position', label: 'catalogue.fields.position', type: 'number' },
      ]}
      newValue=${{ code: '', name: { id: '', en: '' }, keywords: [], position: data.categories.length }}
      toBody=${(d, creating) => (creating ? without(d, 'id') : without(d, 'id', 'code'))} />`,

    dinas: html`<${EditableList}
      ...${common}
      title=${t('catalogue.dinasOne')}
      rows=${data.dinas}
      path="/catalogue/dinas"
      describeRow=${(d) => d.name}
      canAdd=${global}
      canRemove=${() => global}
      columns=${[
        { label: 'catalogue.fields.name', name: 'name' },
        { label: 'catalogue.fields.regionCode', name: 'regionCode' },
        { label: 'catalogue.fields.hours', render: (d) => d.hours[lang] },
      ]}
      fields=${[
        { name: 'code', label: 'catalogue.fields.code', required: true, fixed: true, help: 'catalogue.help.code' },
        { name: 'name', label: 'catalogue.fields.name', required: true },
        { name: 'regionCode', label: 'catalogue.fields.regionCode', required: true, help: 'catalogue.help.regionCode' },
        ...bilingualFields('hours', 'catalogue.fields.hours'),
        { name: 'staffAvailability.days', label: 'catalogue.fields.staffDays', type: 'choices', wide: true, options: [1, 2, 3, 4, 5, 6, 0].map((day) => ({ value: day, label: t(`edit.days.${day}`) })) },
        { name: 'staffAvailability.from', label: 'catalogue.fields.staffFrom', type: 'time', required: true },
        { name: 'staffAvailability.to', label: 'catalogue.fields.staffTo', type: 'time', required: true },
        {
          name: 'staffAvailability.timeZone',
          label: 'catalogue.fields.timeZone',
          type: 'select',
          required: true,
          options: ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'].map((zone) => ({ value: zone, label: t(`catalogue.zones.${zone}`) })),
        },
      ]}
      newValue=${{
        code: '',
        name: '',
        regionCode: '',
        hours: { id: '', en: '' },
        staffAvailability: { timeZone: 'Asia/Jakarta', days: [1, 2, 3, 4, 5], from: '08:00', to: '15:00' },
      }}
      toBody=${(d, creating) => (creating ? without(d, 'id') : without(d, 'id', 'code'))} />`,

    units: html`<${EditableList}
      ...${common}
      title=${t('catalogue.unit')}
      rows=${data.units}
      path="/catalogue/units"
      describeRow=${(u) => u.name}
      columns=${[
        { label: 'catalogue.fields.dinas', render: (u) => dinasName(u.dinasId) },
        { label: 'catalogue.fields.code', name: 'code' },
        { label: 'catalogue.fields.name', name: 'name' },
      ]}
      fields=${[
        { name: 'dinasId', label: 'catalogue.fields.dinas', type: 'select', required: true, fixed: true, options: dinasOptions },
        { name: 'code', label: 'catalogue.fields.code', required: true, help: 'catalogue.help.code' },
        { name: 'name', label: 'catalogue.fields.name', required: true, wide: true },
      ]}
      newValue=${{ dinasId: firstDinas, code: '', name: '' }}
      toBody=${(d, creating) => (creating ? without(d, 'id') : without(d, 'id', 'dinasId'))} />`,

    routing: html`
      <p class="muted">${t('catalogue.routingHelp')}</p>
      <${EditableList}
        ...${common}
        title=${t('catalogue.rule')}
        rows=${data.routingRules}
        path="/catalogue/routing-rules"
        describeRow=${(r) => t('catalogue.ruleNamed', { priority: r.priority })}
        canAdd=${global}
        canEdit=${() => global}
        canRemove=${() => global}
        columns=${[
          { label: 'catalogue.fields.priority', name: 'priority' },
          { label: 'catalogue.fields.category', render: (r) => categoryName(r.categoryCode) },
          { label: 'catalogue.fields.service', render: (r) => serviceName(r.serviceCode) },
          { label: 'catalogue.fields.regionPrefix', render: (r) => r.regionPrefix ?? '—' },
          { label: 'catalogue.fields.goesTo', render: (r) => html`${dinasName(r.dinasId)}<br /><small class="muted">${unitName(r.unitId)}</small>` },
        ]}
        fields=${[
          { name: 'priority', label: 'catalogue.fields.priority', type: 'number', required: true, help: 'catalogue.help.priority' },
          { name: 'categoryCode', label: 'catalogue.fields.category', type: 'select', options: categoryOptions, emptyLabel: 'catalogue.any' },
          { name: 'serviceCode', label: 'catalogue.fields.service', type: 'select', options: data.services.map((s) => ({ value: s.code, label: s.name[lang] })), emptyLabel: 'catalogue.any' },
          { name: 'regionPrefix', label: 'catalogue.fields.regionPrefix', type: 'optional', help: 'catalogue.help.regionPrefix' },
          { name: 'dinasId', label: 'catalogue.fields.dinas', type: 'select', required: true, options: dinasOptions },
          { name: 'unitId', label: 'catalogue.fields.unit', type: 'select', options: unitOptions },
        ]}
        newValue=${{ priority: 100, categoryCode: null, serviceCode: null, regionPrefix: null, dinasId: firstDinas, unitId: null }}
        toBody=${(d) => without(d, 'id')} />`,
  };

  return html`
    <h1>${t('catalogue.title')}</h1>
    <p class="muted">${global ? t('catalogue.introGlobal') : t('catalogue.introDinas', { dinas: dinasName(data.editableDinasId) })}</p>
    <${Sections} sections=${SECTIONS} current=${section} onSelect=${setSection} />
    <div key=${section}>${views[section]}</div>`;
}
