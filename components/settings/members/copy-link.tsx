'use client';
import { useRef } from 'react';
import { CopyButton } from '@/components/ui/copy-button';
import { Input } from '@/components/ui/input';

/** A read-only link with a Copy button. */
export function CopyLink({ url, label }: { url: string; label: string }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="flex min-w-0 gap-2">
      <Input
        ref={input}
        readOnly
        aria-label={label}
        data-testid="invite-link"
        value={url}
        onFocus={(e) => e.currentTarget.select()}
        className="h-8 font-mono text-xs"
      />
      <CopyButton text={url} onBlocked={() => input.current?.select()} />
    </div>
  );
}
