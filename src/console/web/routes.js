// The console's pages, by hash path. An area adds its page here: `load` imports the module
// (default export: a component receiving `{ params }`), `nav` puts it in the menu (a t() key),
// `permission` hides it from those without it. The first entry the person may see is the home page.
export const routes = [
  { path: '/cases', load: () => import('./pages/inbox.js'), nav: 'inbox.nav', permission: 'cases.read' },
  { path: '/cases/:ticket', load: () => import('./pages/case.js'), permission: 'cases.read' },
  { path: '/live', load: () => import('./pages/livechat.js'), nav: 'livechat.nav', permission: 'livechat' },
  { path: '/live/:id', load: () => import('./pages/livechat.js'), permission: 'livechat' },
  { path: '/canned-replies', load: () => import('./pages/canned-replies.js'), nav: 'case.canned.title', permission: 'cases.read' },
  { path: '/broadcasts', load: () => import('./pages/broadcasts.js'), nav: 'broadcasts.nav', permission: 'broadcasts.read' },
  { path: '/broadcasts/new', load: () => import('./pages/broadcast-compose.js'), permission: 'broadcasts.write' },
  { path: '/broadcasts/:id/edit', load: () => import('./pages/broadcast-compose.js'), permission: 'broadcasts.write' },
  { path: '/broadcasts/:id', load: () => import('./pages/broadcast.js'), permission: 'broadcasts.read' },
  { path: '/statistics', load: () => import('./pages/statistics.js'), nav: 'statistics.nav', permission: 'stats.read' },
  { path: '/catalogue', load: () => import('./pages/catalogue.js'), nav: 'nav.catalogue', permission: 'catalogue.edit' },
  { path: '/settings', load: () => import('./pages/settings.js'), nav: 'nav.settings', permission: 'settings.edit' },
  { path: '/staff', load: () => import('./pages/staff.js'), nav: 'nav.staff', permission: 'staff.manage' },
  { path: '/operations', load: () => import('./pages/operations.js'), nav: 'operations.nav', permission: 'ops' },
  { path: '/account', load: () => import('./pages/account.js'), permission: null },
];
