import { describe, expect, it } from 'vitest';
import { decideSignUp, signUpMode } from './sign-up-policy.ts';

const none = { invitationValid: false, setupCodeValid: false };

describe('signUpMode', () => {
  it('is open on a localhost URL and invite-only elsewhere, unless the operator chooses', () => {
    expect(signUpMode({ SPEDY_PUBLIC_URL: 'http://localhost:3000', SPEDY_SIGNUP: undefined })).toBe('open');
    expect(signUpMode({ SPEDY_PUBLIC_URL: 'https://spedy.example.com', SPEDY_SIGNUP: undefined })).toBe('invite');
    expect(signUpMode({ SPEDY_PUBLIC_URL: 'https://spedy.example.com', SPEDY_SIGNUP: 'open' })).toBe('open');
    expect(signUpMode({ SPEDY_PUBLIC_URL: 'http://localhost:3000', SPEDY_SIGNUP: 'invite' })).toBe('invite');
  });
});

describe('decideSignUp', () => {
  it('refuses a plain sign-up on an invite-only install', () => {
    expect(decideSignUp('invite', {}, none)).toEqual({ allowed: false, message: expect.stringMatching(/by invitation/) });
  });

  it('lets the first account in with a valid setup code, as the owner of a new organization', () => {
    expect(decideSignUp('invite', { setupCode: 'abcd' }, { ...none, setupCodeValid: true })).toEqual({ allowed: true, organization: 'personal' });
  });

  it('refuses a wrong or used setup code', () => {
    expect(decideSignUp('invite', { setupCode: 'abcd' }, none)).toMatchObject({ allowed: false, message: expect.stringMatching(/setup code/) });
  });

  it('lets an invited person in without an organization of their own', () => {
    expect(decideSignUp('invite', { invitationId: 'inv1' }, { ...none, invitationValid: true })).toEqual({ allowed: true, organization: 'none' });
  });

  it('refuses an invitation that is not valid for the email', () => {
    expect(decideSignUp('invite', { invitationId: 'inv1' }, none)).toMatchObject({ allowed: false });
  });

  it('gives everyone a personal organization on an open install', () => {
    expect(decideSignUp('open', {}, none)).toEqual({ allowed: true, organization: 'personal' });
  });
});
