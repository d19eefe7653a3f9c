import type { AppContext } from '../../app-context.js';
import { CONSENT_LIMIT_MAX } from '../../domain/consent/consent-service.js';
import { MAX_SUPPRESSION_REASON, SUPPRESSION_LIMIT_MAX } from '../../domain/consent/suppression-service.js';
import { CsvAnswer } from '../csv-answer.js';
import { defineEndpoint, type Endpoint } from '../endpoint.js';
import { presentConsent, presentSuppression, presentSuppressionChange } from '../presenters/consent.js';

const TAG = 'Consent (CASL)';

const numberParam = {
  description: 'Phone number (normalised like a contact’s)',
  extension: true,
  maxLength: 40,
} as const;
const reasonParam = {
  description: 'Why (kept in the history)',
  extension: true,
  maxLength: MAX_SUPPRESSION_REASON,
} as const;

/**
 * CASL extensions (issue #15): the consent log (get_consent, export_consent) and the suppression list
 * with its history (get_suppressions, get_suppression, export_suppressions, post_suppression,
 * delete_suppression). A manual change names the API key that made it (`key:<id>`).
 */
export function consentEndpoints(ctx: AppContext): Endpoint[] {
  return [
    defineEndpoint({
      name: 'get_consent',
      tag: TAG,
      extension: true,
      summary: 'The consent log of a number or an email, newest first',
      params: {
        number: numberParam,
        email: { description: 'Email address', extension: true, maxLength: 254 },
        limit: { description: `Entries (default 100, at most ${CONSENT_LIMIT_MAX})`, extension: true },
      },
      async handle({ params, auth }) {
        const entries = await ctx.consent.entriesOf(auth.account, params);
        return { status: true, consent: entries.map(presentConsent) };
      },
    }),
    defineEndpoint({
      name: 'export_consent',
      tag: TAG,
      extension: true,
      summary: 'The account’s whole consent log as CSV, in log order',
      params: {},
      async handle({ auth }) {
        return new CsvAnswer('consent-log.csv', ctx.consent.exportCsv(auth.account.id));
      },
    }),
    defineEndpoint({
      name: 'get_suppressions',
      tag: TAG,
      extension: true,
      summary: 'The suppressed numbers in number order, a page at a time (`next` is the cursor)',
      params: {
        limit: { description: `Numbers (default 100, at most ${SUPPRESSION_LIMIT_MAX})`, extension: true },
        after: { description: 'Cursor: the `next` of the previous page', extension: true, maxLength: 40 },
      },
      async handle({ params, auth }) {
        const page = await ctx.suppressions.list(auth.account.id, params);
        return {
          status: true,
          suppressions: page.suppressions.map(presentSuppression),
          next: page.next ?? '',
        };
      },
    }),
    defineEndpoint({
      name: 'get_suppression',
      tag: TAG,
      extension: true,
      summary: 'Whether a number is suppressed, and its history (who, when, why), newest first',
      params: { number: numberParam },
      async handle({ params, auth }) {
        const { current, history } = await ctx.suppressions.status(auth.account, params.number);
        return {
          status: true,
          suppressed: current ? 1 : 0,
          suppression: current ? [presentSuppression(current)] : [],
          history: history.map(presentSuppressionChange),
        };
      },
    }),
    defineEndpoint({
      name: 'export_suppressions',
      tag: TAG,
      extension: true,
      summary: 'The suppression list as CSV (number, reason, since)',
      params: {},
      async handle({ auth }) {
        return new CsvAnswer('suppressions.csv', ctx.suppressions.exportCsv(auth.account.id));
      },
    }),
    defineEndpoint({
      name: 'post_suppression',
      tag: TAG,
      extension: true,
      summary: 'Suppress a number by hand, with a reason (also logged as a withdrawal of consent)',
      params: { number: numberParam, reason: reasonParam },
      async handle({ params, auth }) {
        const added = await ctx.suppressions.add(auth.account, params, `key:${auth.keyId}`);
        return { status: true, suppression: [presentSuppression(added)] };
      },
    }),
    defineEndpoint({
      name: 'delete_suppression',
      tag: TAG,
      extension: true,
      summary: 'Lift a suppressed number, with a reason (kept in its history)',
      params: { number: numberParam, reason: reasonParam },
      async handle({ params, auth }) {
        await ctx.suppressions.lift(auth.account, params, `key:${auth.keyId}`);
        return { status: true };
      },
    }),
  ];
}
