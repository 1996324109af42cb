// Repository metadata in the provider stand-in: what Build & Validate reads when a
// repository is linked (default branch, clone URL), in each provider's real shape.
//   GitHub:    GET {url}/github/repos/:owner/:repo        (access still decided by the token, server.ts)
//   Bitbucket: GET {url}/bitbucket/2.0/repositories/:workspace/:slug
//   GitLab:    GET {url}/api/v4/projects/:id-or-url-encoded-path   (public projects, no token;
//              a project's web address is {url}/group/project, as on gitlab.com)
import type { IncomingMessage, ServerResponse } from 'node:http';
import { send } from './http.ts';

export type StandInProvider = 'github' | 'bitbucket' | 'gitlab';
export type StandInRepository = { defaultBranch: string | null; cloneUrl?: string };

export type RepositoryRegistry = {
  /** Registers (or replaces) a repository; `defaultBranch: null` is an empty repository. */
  add(provider: StandInProvider, fullName: string, repository: StandInRepository): void;
  /** Fields merged into GitHub's repository JSON for a registered repository. */
  github(fullName: string): Record<string, unknown>;
  /** Answers Bitbucket repository requests; false when the path is not one. */
  bitbucket(req: IncomingMessage, res: ServerResponse, path: string): boolean;
  gitlab(req: IncomingMessage, res: ServerResponse, path: string): void;
};


const cloneUrlOf = (host: string, fullName: string, repository?: StandInRepository) => repository?.cloneUrl ?? `https://${host}/${fullName}.git`;

export function createRepositoryRegistry(): RepositoryRegistry {
  const repositories = new Map<string, StandInRepository>();
  const find = (provider: StandInProvider, fullName: string) => repositories.get(`${provider}:${fullName.toLowerCase()}`);

  return {
    add: (provider, fullName, repository) => void repositories.set(`${provider}:${fullName.toLowerCase()}`, repository),

    github(fullName) {
      const repository = find('github', fullName);
      return { default_branch: repository ? repository.defaultBranch : 'main', clone_url: cloneUrlOf('github.com', fullName, repository) };
    },

    bitbucket(req, res, path) {
      const match = /^\/repositories\/([^/]+)\/([^/]+)\/?$/.exec(path);
      if (!match || req.method !== 'GET') return false;
      const fullName = `${decodeURIComponent(match[1])}/${decodeURIComponent(match[2])}`;
      const repository = find('bitbucket', fullName);
      if (!repository) {
        send(res, 404, { type: 'error', error: { message: `Repository ${fullName} not found` } });
        return true;
      }
      const [workspace, slug] = fullName.split('/');
      const cloneUrl = cloneUrlOf('bitbucket.org', fullName, repository);
      send(res, 200, {
        type: 'repository',
        full_name: fullName,
        name: slug,
        slug,
        workspace: { slug: workspace },
        is_private: true,
        mainbranch: repository.defaultBranch ? { type: 'branch', name: repository.defaultBranch } : null,
        links: {
          clone: [
            // Bitbucket names the account in the https link.
            { name: 'https', href: cloneUrl.replace(/^(https?:\/\/)/, `$1${workspace}@`) },
            { name: 'ssh', href: `git@bitbucket.org:${fullName}.git` },
          ],
        },
      });
      return true;
    },

    gitlab(req, res, path) {
      const match = /^\/projects\/([^/]+)\/?$/.exec(path);
      const fullName = match ? decodeURIComponent(match[1]) : '';
      const repository = match && req.method === 'GET' ? find('gitlab', fullName) : undefined;
      if (!repository) return send(res, 404, { message: '404 Project Not Found' });
      const parts = fullName.split('/');
      send(res, 200, {
        id: fullName.length,
        name: parts.at(-1),
        path: parts.at(-1),
        path_with_namespace: fullName,
        visibility: 'public',
        default_branch: repository.defaultBranch,
        http_url_to_repo: cloneUrlOf('gitlab.com', fullName, repository),
      });
    },
  };
}
