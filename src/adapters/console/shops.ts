import type { MerchantId } from '../../domain/merchant.js';

/** A merchant as operators see it: its id, the name the merchants file gives it, and whether it is retired. */
export interface Shop {
  readonly id: MerchantId;
  /** Its display name; its id when the configuration gives none. */
  readonly name: string;
  /**
   * Marked `"retired": true` in MERCHANTS_FILE, or removed from it by a reload: its orders are still reconciled and
   * refunded by the service (with its credentials), but read-only in the console.
   */
  readonly retired: boolean;
}

/** The merchants this process knows, by id: what every page that names a shop reads its name from. */
export type Shops = ReadonlyMap<MerchantId, Shop>;

export const shopsOf = (list: readonly Shop[]): Shops => new Map(list.map((s) => [s.id, s]));

/** "北区店 (north)": the name people know with the id the configuration and URLs use; the id alone when it has no name. */
export function shopLabel(shops: Shops, id: MerchantId): string {
  const name = shops.get(id)?.name;
  return name && name !== id ? `${name} (${id})` : id;
}

/** Whether the merchant is retired (by the file or a reload): its orders take no console action. */
export const isRetired = (shops: Shops, id: MerchantId): boolean => shops.get(id)?.retired === true;
