import { describe, expect, it } from 'vitest';
import { branchName, gitlabNotOffered, linkRepositoryInput, ownerSlashName } from './link-input.ts';

describe('linking input', () => {
  it.each([
    ['acme/api', 'acme/api'],
    [' https://github.com/acme/api.git ', 'acme/api'],
    ['git@github.com:acme/api.git', 'acme/api'],
    ['https://bitbucket.org/team/web/', 'team/web'],
  ])('reads %j as %s', (raw, fullName) => {
    expect(ownerSlashName.parse(raw)).toBe(fullName);
  });

  it.each(['acme', 'acme/api/extra', 'acme/a b', ''])('refuses %j as owner/name', (raw) => {
    expect(ownerSlashName.safeParse(raw).success).toBe(false);
  });

  it('names the accepted providers when another is sent, and says why GitLab is not offered', () => {
    expect(linkRepositoryInput.safeParse({ provider: 'svn', fullName: 'a/b' }).error?.issues[0].message).toBe('Choose the provider: "github" or "bitbucket".');
    expect(linkRepositoryInput.safeParse({ provider: 'gitlab', url: 'https://gitlab.com/acme/api' }).error?.issues[0].message).toBe(gitlabNotOffered);
  });

  it.each(['main', 'develop', 'release/2.0', 'feature/ABC-12_x'])('accepts the branch %s', (name) => {
    expect(branchName.safeParse(name).success).toBe(true);
  });

  it.each(['', 'a b', 'release..1', '-x', 'feature/', 'x.lock', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[b', 'a\\b', 'a@{1}', '@', '.hidden'])('refuses the branch %j', (name) => {
    expect(branchName.safeParse(name).success).toBe(false);
  });
});
