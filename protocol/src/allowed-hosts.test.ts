import { describe, expect, it } from 'vitest';
import { allowedHostList, isAllowedHost, parseHostPort } from './allowed-hosts.ts';

describe('a team’s allowed hosts', () => {
  it('normalises host:port entries and drops duplicates', () => {
    expect(allowedHostList.parse(['Registry.NPMjs.org:443', ' registry.npmjs.org:443 ', '[FD12:0::1]:8443', '10.0.0.5:80'])).toEqual([
      'registry.npmjs.org:443',
      '[fd12::1]:8443',
      '10.0.0.5:80',
    ]);
  });

  it('refuses entries without a port, with a scheme or a path, naming the entry', () => {
    for (const bad of ['1.2.3.999:80', '[not-v6]:443', 'registry.npmjs.org', 'https://registry.npmjs.org:443', 'example.com:443/x', 'example.com:0', 'exa mple.com:443', '-bad.com:443']) {
      expect(parseHostPort(bad)).toBeNull();
    }
    expect(allowedHostList.safeParse(["example.com"]).error?.issues[0]?.message).toBe('"example.com" is not a host:port such as registry.npmjs.org:443');
  });

  it('matches a requested host and port exactly', () => {
    const list = ['registry.npmjs.org:443', '[fd12::1]:8443'];
    expect(isAllowedHost(list, 'REGISTRY.npmjs.org', 443)).toBe(true);
    expect(isAllowedHost(list, 'registry.npmjs.org', 80)).toBe(false);
    expect(isAllowedHost(list, 'npmjs.org', 443)).toBe(false);
    expect(isAllowedHost(list, '[fd12:0::1]', 8443)).toBe(true);
  });
});
