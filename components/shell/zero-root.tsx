'use client';
import { ZeroProvider } from '@rocicorp/zero/react';
import type { ReactNode } from 'react';
import type { ZeroContext } from '@/lib/auth/context';
import { mutators } from '@/zero/mutators';
import { schema } from '@/zero/schema.gen';

/** One Zero client per signed-in user; the server re-derives the context on every request. */
export function ZeroRoot({ zeroUrl, context, children }: { zeroUrl: string; context: ZeroContext; children: ReactNode }) {
  return (
    <ZeroProvider userID={context.userID} cacheURL={zeroUrl} schema={schema} mutators={mutators} context={context}>
      {children}
    </ZeroProvider>
  );
}
