import type { AuditEntry } from '../../application/ports/audit-log.js';
import type { ApplicationError } from '../http/error-status.js';
import type { ConsoleContext } from './context.js';
import { yuan } from './format.js';
import { isMessageKey } from './i18n.js';
import { refusalText } from './refusals.js';

/**
 * Words for the codes the service records (notify results, event types, audit actions, actors): the operator reads
 * the label in their language; a code the console has no label for yet shows as itself rather than not at all.
 */
const labelled = (ctx: ConsoleContext, key: string, code: string): string => (isMessageKey(key) ? ctx.t(key) : code);

/** What was made of a WeChat notice ('recorded', 'AmountMismatch', ...): the notify log's `detail`. */
export const notifyDetail = (ctx: ConsoleContext, detail: string): string => labelled(ctx, `notify.${detail}`, detail);

export const notifyKind = (ctx: ConsoleContext, kind: string): string => labelled(ctx, `notifyKind.${kind}`, kind);

export const notifyAnswer = (ctx: ConsoleContext, verdict: string): string => labelled(ctx, `verdict.${verdict}`, verdict);

/** An outbox event's type (OrderPaid, ...), as the shop's systems receive it. */
export const eventType = (ctx: ConsoleContext, type: string): string => labelled(ctx, `eventType.${type}`, type);

export const auditAction = (ctx: ConsoleContext, action: string): string => labelled(ctx, `auditAction.${action}`, action);

/** `operator:<name>`, `cli` or `admin-token` (see AuditEntry.actor), in words. */
export function actorName(ctx: ConsoleContext, actor: string): string {
  if (actor.startsWith('operator:')) return ctx.t('actor.operator', { name: actor.slice('operator:'.length) });
  return labelled(ctx, `actor.${actor}`, actor);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What an audited action came to, in words: a refund request's refund, or why it was refused; for other actions the
 * recorded fields, amounts in fen shown as yuan. Read back from storage, so every shape is checked, none assumed.
 */
export function auditOutcome(ctx: ConsoleContext, entry: AuditEntry): string {
  const after = entry.after;
  if (!isRecord(after)) return '';
  if (entry.action === 'refund.requested') {
    const { outRefundNo, amountFen, status, refused, outcome } = after;
    if (typeof outRefundNo === 'string' && typeof amountFen === 'number' && typeof status === 'string') {
      const label = labelled(ctx, `refundStatus.${status}`, status);
      return ctx.t('audit.refundAccepted', { no: outRefundNo, amount: yuan(amountFen), status: label });
    }
    if (isRecord(refused) && typeof refused.kind === 'string') return ctx.t('audit.refused', { reason: refusalOf(ctx, refused) });
    if (outcome !== undefined) return ctx.t('audit.refundUnreachable');
  }
  return recordedFields(after);
}

/** A recorded state's plain fields as `name: value · …`, amounts in fen shown as yuan; nested values are left out. */
export function recordedFields(value: unknown): string {
  if (!isRecord(value)) return '';
  return Object.entries(value)
    .filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
    .map(([k, v]) => `${k}: ${k.endsWith('Fen') && typeof v === 'number' ? yuan(v) : String(v)}`)
    .join(' · ');
}

/** How the audit log records a console refund refused because the order's merchant was retired. */
export const RETIRED_REFUSAL = 'MerchantRetired';

/** A refusal read back from the audit log: the refusal's words when its shape is one the console knows. */
function refusalOf(ctx: ConsoleContext, refused: Record<string, unknown>): string {
  // The console's own refusal, not a use case's: an order of a retired merchant is read-only there (routes/orders.ts).
  if (refused.kind === RETIRED_REFUSAL) return `${ctx.t('shops.retired')} (${String(refused.merchant ?? '')})`;
  try {
    const text = refusalText(ctx, refused as unknown as ApplicationError);
    // A field the stored shape lacks would leave its placeholder, or NaN, in the sentence.
    if (typeof text === 'string' && !/\{\w+\}|NaN/.test(text)) return text;
  } catch {
    // A shape from an older version: its kind is all there is to say.
  }
  return String(refused.kind);
}
