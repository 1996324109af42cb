import { describe, expect, it } from 'vitest';
import { insertMention, matchMentionCandidates, mentionTokenAt, type MentionCandidate } from './mention-token';

describe('mentionTokenAt', () => {
  it('finds the handle being typed at the caret', () => {
    expect(mentionTokenAt('hi @de', 6)).toEqual({ start: 3, end: 6, query: 'de' });
  });

  it('opens on a bare "@" at the start of the text', () => {
    expect(mentionTokenAt('@', 1)).toEqual({ start: 0, end: 1, query: '' });
  });

  it('covers the rest of the word when the caret sits inside it', () => {
    expect(mentionTokenAt('ask @demo now', 7)).toEqual({ start: 4, end: 9, query: 'demo' });
  });

  it('ignores e-mail addresses and finished mentions', () => {
    expect(mentionTokenAt('mail ada@example', 16)).toBeNull();
    expect(mentionTokenAt('@demo ', 6)).toBeNull();
  });
});

describe('insertMention', () => {
  it('replaces the token with the handle and a space and moves the caret after it', () => {
    const token = mentionTokenAt('ping @de please', 8)!;
    expect(insertMention('ping @de please', token, 'demo')).toEqual({ text: 'ping @demo please', caret: 11 });
  });
});

describe('matchMentionCandidates', () => {
  const c = (handle: string, name: string | null): MentionCandidate => ({ id: handle, handle, name, kind: name ? 'member' : 'team' });

  it('lists handle prefixes before other matches, names included', () => {
    const all = [c('bob', 'Robert Demo'), c('demo', 'Demo User'), c('frontend', null)];
    expect(matchMentionCandidates(all, 'de').map((x) => x.handle)).toEqual(['demo', 'bob']);
  });
});
