import type { TestUser } from './browser.js';

/**
 * A cookie-keeping HTTP client for the web pages, for tests that need no browser: it reads the CSRF
 * token from the last page, posts forms as a browser would, and never follows redirects on its own.
 */
export class WebClient {
  private readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(readonly baseUrl: string) {}

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return { ...(cookie ? { cookie } : {}), ...extra };
  }

  async get(
    path: string,
    headers: Record<string, string> = {},
  ): Promise<{ response: Response; body: string }> {
    const response = await fetch(this.baseUrl + path, { headers: this.headers(headers), redirect: 'manual' });
    this.remember(response);
    const body = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(body);
    if (token?.[1]) this.csrf = token[1];
    return { response, body };
  }

  /** Posts a form; `_csrf` is added from the last page unless `fields` says otherwise (null: none). */
  async post(
    path: string,
    fields: Record<string, string | readonly string[]> = {},
    options: { csrf?: string | null; headers?: Record<string, string> } = {},
  ): Promise<{ response: Response; body: string }> {
    const form = new URLSearchParams();
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    if (csrf !== null) form.append('_csrf', csrf);
    for (const [name, value] of Object.entries(fields)) {
      for (const item of typeof value === 'string' ? [value] : value) form.append(name, item);
    }
    const response = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded', ...options.headers }),
      body: form.toString(),
      redirect: 'manual',
    });
    this.remember(response);
    return { response, body: await response.text() };
  }

  /** Signs in through the form; resolves with the sign-in POST's response. */
  async signIn(user: Pick<TestUser, 'email' | 'password'>): Promise<Response> {
    await this.get('/sign-in');
    const { response } = await this.post('/sign-in', { email: user.email, password: user.password });
    if (response.status === 303) await this.get('/contacts');
    return response;
  }
}
