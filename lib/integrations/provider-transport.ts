// How the platform calls a git host: through the address guard (the API URL is typed by a
// person), ten seconds per request, no redirects. Failures become sentences for the person
// testing a connection or linking a repository; tokens never appear in them.
import type { ProviderApiError } from '@spedy/protocol/git-providers/errors';
import type { ProviderTransport } from '@spedy/protocol/git-providers/http';
import { addressRefusalIn, platformAddressGuard } from '../net/address-guard.ts';

export function platformProviderTransport(): ProviderTransport {
  return { fetch: platformAddressGuard().fetch, timeoutMs: 10_000, redirect: 'error' };
}

/** Why the host did not answer: the address guard's refusal (which names the setting that admits a host), or the transport's sentence. */
export function unansweredMessage(error: ProviderApiError): string {
  return addressRefusalIn(error)?.message ?? error.message;
}
