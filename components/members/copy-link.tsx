'use client';
import { Check, Copy } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';

/** A read-only link with a Copy button. */
export function CopyLink({ url, label }: { url: string; label: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      // The clipboard API needs a secure context and permission; leave the text selected instead.
      input.current?.select();
      toast.info('Press Ctrl+C (or ⌘C) to copy the selected link.');
    }
  }

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
      <Button type="button" variant="outline" size="sm" onClick={copy}>
        {copied ? <Check /> : <Copy />} {copied ? 'Copied' : 'Copy'}
      </Button>
    </div>
  );
}
