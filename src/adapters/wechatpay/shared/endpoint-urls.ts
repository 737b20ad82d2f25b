/** The URLs a gateway is configured with: WeChat's hosts (or a simulator) and our two notify URLs. */
export interface EndpointUrls {
  readonly notifyUrl?: string;
  readonly refundNotifyUrl?: string;
  readonly baseUrl?: string;
  readonly loginBaseUrl?: string;
}

/** What is wrong with them: each must be http(s); the notify URLs may not carry a query string (WeChat drops it). */
export function endpointUrlProblems(config: EndpointUrls): string[] {
  const problems: string[] = [];
  for (const name of ['notifyUrl', 'refundNotifyUrl', 'baseUrl', 'loginBaseUrl'] as const) {
    const value = config[name];
    if (value === undefined && name !== 'notifyUrl') continue;
    if (!isHttpUrl(value)) problems.push(`${name} must be an http(s) URL`);
    else if ((name === 'notifyUrl' || name === 'refundNotifyUrl') && /[?#]/.test(value as string)) {
      problems.push(`${name} must not carry a query string (WeChat drops it)`);
    }
  }
  return problems;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
