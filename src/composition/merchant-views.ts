import type { MerchantHealthView, MerchantsReloadView } from '../adapters/http/response-schemas.js';
import type { MerchantHealth } from './merchant-registry.js';
import type { ReloadOutcome } from './merchants-reload.js';

/** A merchant's health as the admin API and the console show it. */
export function merchantHealthView(h: MerchantHealth): MerchantHealthView {
  const a = h.account;
  return {
    id: a.id,
    name: a.name ?? a.id,
    mode: a.mode ?? 'direct',
    api_version: a.apiVersion,
    mch_id: a.mchId,
    sub_mch_id: a.subMchId ?? null,
    provider: a.provider ?? null,
    state: h.state,
    problems: [...h.problems],
    expiries: h.expiries.map((e) => ({ what: e.what, valid_to: e.validTo.toISOString() })),
    last_answer_at: h.lastAnswerAt?.toISOString() ?? null,
    last_notify_at: h.lastNotifyAt?.toISOString() ?? null,
  };
}

export function reloadView(outcome: ReloadOutcome): MerchantsReloadView {
  return outcome.ok
    ? {
        reloaded: true,
        problems: [],
        added: [...outcome.added],
        retired: [...outcome.retired],
        kept: [...outcome.kept],
        unavailable: outcome.unavailable.map((u) => ({ merchant: u.merchant, problems: [...u.problems] })),
        mini_programs: {
          added: [...outcome.miniPrograms.added],
          removed: [...outcome.miniPrograms.removed],
          changed: [...outcome.miniPrograms.changed],
        },
        warnings: [...outcome.warnings],
      }
    : {
        reloaded: false,
        problems: [...outcome.problems],
        added: [],
        retired: [],
        kept: [],
        unavailable: [],
        mini_programs: { added: [], removed: [], changed: [] },
        warnings: [],
      };
}
