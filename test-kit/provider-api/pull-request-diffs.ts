// Bitbucket pull requests' source commits and diffs in the provider stand-in:
//   GET {url}/bitbucket/2.0/repositories/:ws/:slug/pullrequests/:id/diff
//       → 302 to {url}/bitbucket/2.0/repositories/:ws/:slug/diff/:ws/:slug:{source}%0D{destination}?from_pullrequest_id=:id&topic=true
//         (Bitbucket Cloud redirects to the diff of the two commits)
//   GET that address → the unified diff, text/plain
// The stand-in has no commits: a pull request's source commit is a hash of its branch and of
// the pushes a test made (`push`); its diff is the one the test handed last (`reviews.post({ diff })`
// or `push(…, diff)`), as `git diff base...head` of the branch prints it; empty before that.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PullRequestStore } from './pulls.ts';
import { send } from './http.ts';

export type PullRequestDiffs = {
  /** The pull request's source commit, short as Bitbucket's. */
  sourceCommit(repository: string, number: number): string;
  /** A push to the pull request's branch: a new source commit and, when given, the pull request's diff from now on. */
  push(repository: string, number: number, diff?: string): void;
  /** The pull request's diff from now on (a review posted on it), without a new commit. */
  setDiff(repository: string, number: number, diff: string): void;
  /** The diff routes above; false when `path` is not one. */
  bitbucket(req: IncomingMessage, res: ServerResponse, path: string): boolean;
};

const hash = (text: string) => createHash('sha1').update(text).digest('hex').slice(0, 12);

export function createPullRequestDiffs(pulls: PullRequestStore, urls: { url: string }): PullRequestDiffs {
  const pushes = new Map<string, number>();
  const diffs = new Map<string, string>();
  const key = (repository: string, number: number) => `${repository.toLowerCase()}#${number}`;
  const branchOf = (repository: string, number: number) => pulls.find('bitbucket', repository, number)?.head ?? '';
  const sourceCommit = (repository: string, number: number) => hash(`${key(repository, number)}:${branchOf(repository, number)}:${pushes.get(key(repository, number)) ?? 0}`);

  return {
    sourceCommit,

    push(repository, number, diff) {
      pushes.set(key(repository, number), (pushes.get(key(repository, number)) ?? 0) + 1);
      if (diff !== undefined) diffs.set(key(repository, number), diff);
    },

    setDiff: (repository, number, diff) => void diffs.set(key(repository, number), diff),

    bitbucket(req, res, path) {
      if (req.method !== 'GET') return false;
      const redirect = /^\/repositories\/([^/]+)\/([^/]+)\/pullrequests\/(\d+)\/diff\/?$/.exec(path);
      if (redirect) {
        const repository = `${decodeURIComponent(redirect[1]!)}/${decodeURIComponent(redirect[2]!)}`;
        const number = Number(redirect[3]);
        const pr = pulls.find('bitbucket', repository, number);
        if (!pr) {
          send(res, 404, { type: 'error', error: { message: `Resource not found: ${path}` } });
          return true;
        }
        const spec = `${repository}:${sourceCommit(repository, number)}%0D${hash(`${repository.toLowerCase()}:${pr.base}`)}`;
        res.writeHead(302, { location: `${urls.url}/bitbucket/2.0/repositories/${repository}/diff/${spec}?from_pullrequest_id=${number}&topic=true` });
        res.end();
        return true;
      }
      const diff = /^\/repositories\/([^/]+)\/([^/]+)\/diff\/[^/]+\/[^/:]+:([0-9a-f]+)%0D[0-9a-f]+$/i.exec(path);
      if (!diff) return false;
      const repository = `${decodeURIComponent(diff[1]!)}/${decodeURIComponent(diff[2]!)}`;
      const number = Number(new URL(req.url ?? '/', 'http://stand-in').searchParams.get('from_pullrequest_id'));
      if (!pulls.find('bitbucket', repository, number) || sourceCommit(repository, number) !== diff[3]) {
        send(res, 404, { type: 'error', error: { message: `Resource not found: ${path}` } });
        return true;
      }
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(diffs.get(key(repository, number)) ?? '');
      return true;
    },
  };
}
