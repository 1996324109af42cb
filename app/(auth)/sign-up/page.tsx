import { AuthForm } from '@/components/auth/auth-form';
import { getConfig } from '@/lib/config';
import { getDb } from '@/lib/db/client';
import { ownerExists } from '@/lib/auth/setup-code';
import { signUpMode } from '@/lib/auth/sign-up-policy';

export default async function SignUpPage() {
  const inviteOnly = signUpMode(getConfig()) === 'invite';
  const setupCodeRequired = inviteOnly && !(await ownerExists(getDb()));
  return <AuthForm mode="sign-up" gate={{ inviteOnly, setupCodeRequired }} />;
}
