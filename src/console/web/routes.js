// The console's pages, by hash path. An area adds its page here: `load` imports the module
// (default export: a component receiving `{ params }`), `nav` puts it in the menu (a t() key),
// `permission` hides it from those without it. The first entry the person may see is the home page.
export const routes = [
  { path: '/cases', load: () => import('./pages/inbox.js'), nav: 'inbox.nav', permission: 'cases.read' },
  { path: '/account', load: () => import('./pages/account.js'), permission: null },
];
