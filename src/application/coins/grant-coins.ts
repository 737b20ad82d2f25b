import { isCoinAmount } from '../../domain/health-coins.js';
import { err, ok, type Result } from '../../domain/result.js';
import { coversMerchantOf, PLATFORM, type ShopScope } from '../../domain/shop-scope.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { Clock } from '../ports/clock.js';
import type { IntegralLedger } from '../ports/integral-ledger.js';
import { merchantOfApp, type MiniPrograms } from '../ports/mini-programs.js';
import type { UserRepository } from '../ports/user-repository.js';

export interface GrantCommand {
  readonly uid: number;
  readonly amount: number;
  /** Makes a retried grant harmless: the same id grants once. */
  readonly grantId: string;
  readonly actor: string;
  /** Why: kept on the grant's journal line with the actor, and in the audit log. The console requires one. */
  readonly reason?: string;
  /** The shops the granter answers for (a console operator's); a user of another shop is not found. Absent: every shop. */
  readonly scope?: ShopScope;
}

export type GrantError =
  | { readonly kind: 'UserNotFound' }
  | { readonly kind: 'InvalidCoins' }
  /** The balance would pass what a balance can hold. */
  | { readonly kind: 'BalanceLimit'; readonly balance: number };

export interface Granted {
  readonly result: 'granted' | 'alreadyGranted';
  readonly balance: number;
}

/** An operator gives a user health coins; every grant is audited, a repeated grant id changes nothing. */
export class GrantCoins {
  constructor(
    private readonly users: UserRepository,
    private readonly ledger: IntegralLedger,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly miniPrograms: MiniPrograms,
  ) {}

  async execute(command: GrantCommand): Promise<Result<Granted, GrantError>> {
    if (!isCoinAmount(command.amount)) return err({ kind: 'InvalidCoins' });
    const user = await this.users.findByUid(command.uid);
    // A user belongs to the merchant their mini-program sells through; another shop's user is no user.
    const merchantId = user && merchantOfApp(this.miniPrograms, user.appId);
    if (!user || !coversMerchantOf(command.scope ?? PLATFORM, merchantId)) return err({ kind: 'UserNotFound' });
    const before = await this.ledger.balanceOf(command.uid);
    const at = this.clock.now();
    const note = { grantedBy: command.actor, ...(command.reason === undefined ? {} : { reason: command.reason }) };
    const result = await this.ledger.grant(command.uid, command.amount, `${command.uid}:${command.grantId}`, at, note);
    if (result === 'balanceLimit') return err({ kind: 'BalanceLimit', balance: before });
    const balance = await this.ledger.balanceOf(command.uid);
    if (result === 'granted') {
      await this.audit.record({
        at,
        actor: command.actor,
        action: 'coins.granted',
        subject: `user:${command.uid}`,
        before: { balance: before },
        after: { balance, amount: command.amount, grantId: command.grantId },
        ...(command.reason === undefined ? {} : { note: command.reason }),
        ...(merchantId === undefined ? {} : { merchantId }),
      });
    }
    return ok({ result, balance });
  }
}
