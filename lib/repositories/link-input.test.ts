import { describe, expect, it } from 'vitest';
import { branchName, linkRepositoryInput, ownerSlashName, parseGitlabProjectUrl } from './link-input.ts';

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

  it('derives the GitLab API from the project address, nested groups and web paths included', () => {
    expect(parseGitlabProjectUrl('https://gitlab.com/group/sub/tool/-/tree/main')).toEqual({ apiUrl: 'https://gitlab.com/api/v4', path: 'group/sub/tool' });
    expect(parseGitlabProjectUrl('http://127.0.0.1:4000/acme/api.git')).toEqual({ apiUrl: 'http://127.0.0.1:4000/api/v4', path: 'acme/api' });
    expect(parseGitlabProjectUrl('https://gitlab.com/only')).toBeNull();
    expect(parseGitlabProjectUrl('ftp://gitlab.com/a/b')).toBeNull();
    expect(parseGitlabProjectUrl('https://user:pw@gitlab.com/a/b')).toBeNull();
  });

  it('names the accepted providers when another is sent', () => {
    expect(linkRepositoryInput.safeParse({ provider: 'svn', fullName: 'a/b' }).error?.issues[0].message).toBe('Choose the provider: "github", "bitbucket" or "gitlab".');
  });

  it.each(['main', 'develop', 'release/2.0', 'feature/ABC-12_x'])('accepts the branch %s', (name) => {
    expect(branchName.safeParse(name).success).toBe(true);
  });

  it.each(['', 'a b', 'release..1', '-x', 'feature/', 'x.lock', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[b', 'a\\b', 'a@{1}', '@', '.hidden'])('refuses the branch %j', (name) => {
    expect(branchName.safeParse(name).success).toBe(false);
  });
});
