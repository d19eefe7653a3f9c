import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { parseSendRequest } from '../../domain/messages/send-request.js';
import { csrfField, field, notice } from '../components.js';
import { formParams } from '../forms.js';
import { html, type SafeHtml } from '../html.js';
import { redirect, sendHtml, type WebDeps } from '../respond.js';
import { webState, type WebState } from '../web-state.js';
import { accountScope } from './address-book-views.js';

/** The composer's textarea: the live counter and adviser of assets/web/composer.mjs attach to it. */
export function composerArea(options: {
  readonly name: string;
  readonly label: string;
  readonly value?: string;
  readonly required?: boolean;
  readonly mergeFields?: boolean;
  readonly lang?: string;
}): SafeHtml {
  const id = `f-${options.name}`;
  return html`<div class="field">
    <label for="${id}">${options.label}</label>
    <textarea
      id="${id}"
      name="${options.name}"
      rows="5"
      data-composer
      ${options.mergeFields ? html`data-merge-fields` : ''}
      ${options.lang ? html`lang="${options.lang}"` : ''}
      ${options.required ? html`required` : ''}
    >
${options.value ?? ''}</textarea>
  </div>`;
}

/** What the page shows after a send: the answer `send` gives (msg_id, part_count, encoding). */
interface SentAnswer {
  readonly id: string;
  readonly parts: number;
  readonly encoding: string;
}

function sentAnswer(query: Record<string, string | undefined>): SentAnswer | undefined {
  const { sent, parts, encoding } = query;
  if (!sent || !/^\d{1,15}$/.test(sent) || !parts || !/^\d{1,2}$/.test(parts)) return undefined;
  if (encoding !== 'GSM-7' && encoding !== 'UCS-2') return undefined;
  return { id: sent, parts: Number(parts), encoding };
}

/** /send: one SMS to one number through MessagingService, exactly as the API's `send`. */
export function registerSendPage(app: FastifyInstance, { ctx, layout }: WebDeps): void {
  const page = (
    web: WebState,
    reply: FastifyReply,
    options: { to?: string; message?: string; error?: string; sent?: SentAnswer } = {},
  ) => {
    const { t } = web.i18n;
    const sent = options.sent;
    return sendHtml(
      reply,
      layout.page(web, {
        title: t('send.title'),
        nav: 'broadcasts',
        notice: options.error
          ? notice('error', options.error)
          : sent
            ? notice(
                'success',
                html`<span
                  data-sent-id="${sent.id}"
                  data-sent-parts="${sent.parts}"
                  data-sent-encoding="${sent.encoding}"
                  >${t('send.sent', {
                    id: sent.id,
                    parts: t(sent.parts === 1 ? 'composer.part' : 'composer.parts', { n: sent.parts }),
                    encoding: sent.encoding,
                  })}</span
                >`,
              )
            : undefined,
        body: html`<h1>${t('send.title')}</h1>
          <p>${t('send.intro')}</p>
          <form method="post" action="/send" class="stack panel narrow">
            ${csrfField(web)}
            ${field({ name: 'to', label: t('send.to'), type: 'tel', value: options.to, required: true, hint: t('send.toHint'), autocomplete: 'off' })}
            ${composerArea({ name: 'message', label: t('send.message'), value: options.message, required: true })}
            <button type="submit" class="button primary">${t('send.submit')}</button>
          </form>`,
      }),
      options.error ? 400 : 200,
    );
  };

  app.get('/send', async (request: FastifyRequest, reply) =>
    page(webState(request), reply, { sent: sentAnswer(request.query as Record<string, string | undefined>) }),
  );

  app.post('/send', async (request, reply) => {
    const web = webState(request);
    const form = formParams(request);
    const to = form.get('to') ?? '';
    const message = form.get('message') ?? '';
    const scope = await accountScope(ctx, request);
    try {
      const parsed = parseSendRequest({ to, message }, scope.defaultCountry);
      const sent = await ctx.messaging.send(scope.id, parsed);
      const query = new URLSearchParams({
        sent: String(sent.id),
        parts: String(sent.partCount),
        encoding: sent.encoding,
      });
      return redirect(reply, `/send?${query.toString()}`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return page(web, reply, { to, message, error: web.i18n.error(error) });
    }
  });
}
