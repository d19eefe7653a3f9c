import type {
  Conversation,
  ConversationMessage,
  Thread,
  ThreadPage,
} from '../../domain/messages/inbox-service.js';
import { optOutKeyword } from '../../domain/messages/opt-out.js';
import { html, type SafeHtml } from '../html.js';
import type { MessageKey } from '../i18n/messages.js';
import { receiptStatusText } from '../i18n/receipt-status.js';
import type { WebState } from '../web-state.js';

/** A thread's or a message's time, in the reader's zone, with its machine-readable instant. */
function time(web: WebState, at: number): SafeHtml {
  return html`<time datetime="${new Date(at).toISOString()}">${web.i18n.dateTime(at)}</time>`;
}

const STATUS_KEYS: Readonly<Record<string, MessageKey>> = {
  queued: 'inbox.status.queued',
  sending: 'inbox.status.sending',
  sent: 'inbox.status.sent',
  delivered: 'inbox.status.delivered',
  failed: 'inbox.status.failed',
  cancelled: 'inbox.status.cancelled',
  received: 'inbox.status.received',
};

export function statusLabel(web: WebState, status: string): string {
  const key = STATUS_KEYS[status];
  return key ? web.i18n.t(key) : status;
}

/** The page URL of a thread (numbers are digits: nothing to escape in a path). */
export const threadPath = (number: string): string => `/inbox/${number}`;

function threadItem(web: WebState, thread: Thread): SafeHtml {
  const { t } = web.i18n;
  const unread =
    thread.unread > 0
      ? html`<span class="badge"
          >${thread.unread === 1 ? t('inbox.unreadOne') : t('inbox.unreadMany', { count: thread.unread })}</span
        >`
      : '';
  const preview = thread.lastBody.length > 140 ? `${thread.lastBody.slice(0, 140)}…` : thread.lastBody;
  return html`<li class="thread${thread.unread > 0 ? ' unread' : ''}" data-number="${thread.number}">
    <a href="${threadPath(thread.number)}">
      <span class="head"
        ><span class="who">${thread.contactName ?? thread.number}</span>
        ${thread.contactName ? html`<span class="number">${thread.number}</span>` : ''} ${unread}</span
      >
      ${time(web, thread.lastAt)}
      <span class="preview"
        >${thread.lastDirection === 'mt' ? html`<span class="muted">${t('inbox.you')}</span> ` : ''}${preview}</span
      >
    </a>
  </li>`;
}

/** The threads list: what the page shows and what its live script fetches again on an event. */
export function threadList(web: WebState, page: ThreadPage, searched: boolean): SafeHtml {
  const { t } = web.i18n;
  if (page.threads.length === 0) {
    return html`<p class="empty">${searched ? t('inbox.noMatch') : t('inbox.empty')}</p>`;
  }
  return html`<ol class="threads" aria-label="${t('inbox.threads')}">
    ${page.threads.map((thread) => threadItem(web, thread))}
  </ol>`;
}

/** Why an outbound message failed, in the reader's language: the §6 code, its name and action. */
function failure(web: WebState, message: ConversationMessage): SafeHtml {
  const { t, lang } = web.i18n;
  const code = message.detailedStatus ? receiptStatusText(lang, message.detailedStatus) : undefined;
  if (code) {
    return html`<p class="failure">
      <strong>${t('conv.failure', { code: code.code, name: code.name })}</strong><br />
      ${t('conv.action', { action: code.action })}
    </p>`;
  }
  if (message.detailedStatus) return html`<p class="failure"><strong>${message.detailedStatus}</strong></p>`;
  if (message.error) return html`<p class="failure">${t('conv.refused', { error: message.error })}</p>`;
  return html``;
}

/** An inbound message's keyword, if any: an opt-out or opt-in word first (it wins over a keyword). */
function keywordLabel(web: WebState, message: ConversationMessage): string | undefined {
  if (message.direction !== 'mo') return undefined;
  const { t } = web.i18n;
  const optOut = optOutKeyword(message.body);
  if (optOut) return optOut.action === 'stop' ? t('conv.keyword.stop') : t('conv.keyword.start');
  return message.isKeyword ? t('conv.keyword.account') : undefined;
}

function bubble(web: WebState, message: ConversationMessage): SafeHtml {
  const { t } = web.i18n;
  const keyword = keywordLabel(web, message);
  const who = message.direction === 'mo' ? t('conv.inbound') : t('conv.outbound');
  return html`<li
    class="bubble ${message.direction} status-${message.status}"
    data-message-id="${message.id}"
    data-status="${message.status}"
  >
    <span class="visually-hidden">${who}</span>
    <p class="text">${message.body}</p>
    <p class="meta">
      ${time(web, message.createdAt)} ${keyword ? html` · <span class="keyword">${keyword}</span>` : ''}
      ${message.direction === 'mt' ? html` · <span class="status">${statusLabel(web, message.status)}</span>` : ''}
    </p>
    ${message.status === 'failed' ? failure(web, message) : ''}
  </li>`;
}

/** The conversation's messages, oldest first: the page's list and its live refresh. */
export function messageList(web: WebState, conversation: Conversation): SafeHtml {
  const { t } = web.i18n;
  const number = conversation.correspondent.number;
  return html`${
      conversation.older !== undefined
        ? html`<p class="older">
            <a href="${threadPath(number)}?before=${conversation.older}">${t('conv.older')}</a>
          </p>`
        : ''
    }
    <ol class="chat" aria-label="${t('conv.messages')}">
      ${conversation.messages.map((message) => bubble(web, message))}
    </ol>`;
}
