import { csrfField, notice } from './components.js';
import { html, type SafeHtml } from './html.js';
import type { MessageKey } from './i18n/messages.js';
import type { StaticAsset } from './static-assets.js';
import type { WebState } from './web-state.js';

export type NavArea =
  | 'dashboard'
  | 'inbox'
  | 'messages'
  | 'broadcasts'
  | 'contacts'
  | 'groups'
  | 'import'
  | 'developers'
  | 'settings'
  | 'profile';

export interface PageOptions {
  readonly title: string;
  readonly body: SafeHtml;
  readonly nav?: NavArea;
  /** A notice to show above the page (from `?notice=` after a redirect, or an error). */
  readonly notice?: SafeHtml;
  /** Static assets only this page loads (`uPlot.min.css`, `dashboard.js`): styles and deferred scripts. */
  readonly assets?: readonly string[];
}

const NAV: readonly { area: NavArea; href: string; key: MessageKey; admin?: boolean }[] = [
  { area: 'dashboard', href: '/', key: 'nav.dashboard' },
  { area: 'inbox', href: '/inbox', key: 'nav.inbox' },
  { area: 'messages', href: '/messages', key: 'nav.messages' },
  { area: 'broadcasts', href: '/broadcasts', key: 'nav.broadcasts' },
  { area: 'contacts', href: '/contacts', key: 'nav.contacts' },
  { area: 'groups', href: '/groups', key: 'nav.groups' },
  { area: 'import', href: '/imports', key: 'nav.import' },
  { area: 'developers', href: '/developers', key: 'nav.developers', admin: true },
  { area: 'settings', href: '/settings', key: 'nav.settings', admin: true },
  { area: 'profile', href: '/profile', key: 'nav.profile' },
];

/** Renders whole pages: the shell (header, navigation, language switch) around a page's body. */
export class Layout {
  constructor(private readonly assets: ReadonlyMap<string, StaticAsset>) {}

  private url(name: string): string {
    return this.assets.get(name)?.url ?? `/static/${name}`;
  }

  page(web: WebState, options: PageOptions): SafeHtml {
    const { t, lang } = web.i18n;
    const session = web.session;
    const header = session
      ? html`<header class="top">
          <a class="brand" href="/">${t('app.name')}</a>
          <nav aria-label="${t('nav.label')}">
            <ul>
              ${NAV.filter((item) => !item.admin || session.user.role === 'admin').map(
                (item) =>
                  html`<li>
                    <a href="${item.href}" ${item.area === options.nav ? html`aria-current="page"` : ''}
                      >${t(item.key)}</a
                    >
                  </li>`,
              )}
            </ul>
          </nav>
          <div class="account">
            <span class="who">${session.user.name || session.user.email}</span>
            ${this.languageSwitch(web)}
            <form method="post" action="/sign-out" class="inline">
              ${csrfField(web)}<button type="submit" class="link">${t('nav.signOut')}</button>
            </form>
          </div>
        </header>`
      : html`<header class="top">
          <a class="brand" href="/">${t('app.name')}</a>
          <div class="account">${this.languageSwitch(web)}</div>
        </header>`;
    return html`<!doctype html>
      <html lang="${lang === 'fr' ? 'fr-CA' : 'en-CA'}">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>${options.title} · ${t('app.name')}</title>
          <link rel="icon" href="data:," />
          <link rel="stylesheet" href="${this.url('app.css')}" />
          <script src="${this.url('app.js')}" defer></script>
          <script src="${this.url('composer.js')}" defer></script>
          ${(options.assets ?? []).map((name) =>
            name.endsWith('.css')
              ? html`<link rel="stylesheet" href="${this.url(name)}" />`
              : html`<script src="${this.url(name)}" defer></script>`,
          )}
        </head>
        <body>
          <a class="skip" href="#main">${t('app.skip')}</a>
          ${header}
          <main id="main" tabindex="-1">${options.notice} ${options.body}</main>
        </body>
      </html>`;
  }

  /** A page with only a message (not found, forbidden, expired form…). */
  message(web: WebState, title: string, text: string): SafeHtml {
    return this.page(web, {
      title,
      body: html`<h1>${title}</h1>
        ${notice('error', text)}`,
    });
  }

  private languageSwitch(web: WebState): SafeHtml {
    const { t, lang } = web.i18n;
    return html`<form method="post" action="/language" class="inline">
      ${csrfField(web)}<input type="hidden" name="lang" value="${lang === 'fr' ? 'en' : 'fr'}" />
      <button
        type="submit"
        class="link"
        lang="${lang === 'fr' ? 'en' : 'fr'}"
        aria-label="${t('lang.switchLabel')}"
      >
        ${t('lang.switch')}
      </button>
    </form>`;
  }
}
