'use client';
import { useZero } from '@rocicorp/zero/react';
import { useCallback } from 'react';
import { toast } from 'sonner';

/** Zero prefixes argument errors with the mutator's name; a person needs only the reason. */
export const readableMutationError = (message: string) => message.replace(/^Validation failed for mutator [\w.]+: /, '');

type MutateRequestOf = Parameters<ReturnType<typeof useZero>['mutate']>[0];

/**
 * Runs a mutator optimistically; if the client or the server refuses it, Zero rolls
 * the change back and the person sees why. Resolves to the error message, or null.
 */
export function useMutate() {
  const zero = useZero();
  return useCallback(
    async (request: MutateRequestOf): Promise<string | null> => {
      const result = zero.mutate(request);
      const client = await result.client;
      const outcome = client.type === 'error' ? client : await result.server;
      if (outcome.type === 'error') {
        const message = readableMutationError(outcome.error.message);
        toast.error(message);
        return message;
      }
      return null;
    },
    [zero],
  );
}
