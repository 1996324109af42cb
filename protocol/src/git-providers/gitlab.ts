// The GitLab REST client: repository lookups only, unauthenticated (there is no GitLab
// integration to take a token from, so the project must be public).
import { apiBase, requestJson, type ProviderTransport } from './http.ts';
import { nonEmptyString, type ProviderRepository } from './repository.ts';

export function gitlabClient(access: { apiUrl: string }, transport: ProviderTransport) {
  const base = apiBase(access.apiUrl);
  return {
    // GET {apiUrl}/projects/{url-encoded path} → default_branch, http_url_to_repo
    async project(path: string): Promise<ProviderRepository> {
      const res = await requestJson('GitLab', transport, `${base}/projects/${encodeURIComponent(path)}`);
      const body = (res.body ?? {}) as Record<string, unknown>;
      const fullName = nonEmptyString(body.path_with_namespace) ?? path;
      return {
        fullName,
        name: nonEmptyString(body.path) ?? fullName.split('/').at(-1) ?? fullName,
        cloneUrl: nonEmptyString(body.http_url_to_repo) ?? `${new URL(access.apiUrl).origin}/${fullName}.git`,
        defaultBranch: nonEmptyString(body.default_branch) ?? null,
      };
    },
  };
}
