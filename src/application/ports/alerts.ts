/** Something a person must look at: money that WeChat and we disagree about, or a message that looks forged. */
export interface Alert {
  readonly kind: string;
  readonly outTradeNo?: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** Where alerts go (the error log and a metric, in production). Raising one never fails the caller. */
export interface Alerts {
  raise(alert: Alert): void;
}
