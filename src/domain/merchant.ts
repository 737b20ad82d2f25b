/**
 * Our id of a merchant account (a short slug, at most 32 characters): what an order records so that everything after
 * its opening (notify, query, close, refund, bill) is done with that merchant's credentials.
 */
export type MerchantId = string;

/** The one merchant a deployment configured by the single-merchant environment variables has; every older order's. */
export const DEFAULT_MERCHANT_ID: MerchantId = 'default';
