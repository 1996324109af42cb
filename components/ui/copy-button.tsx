'use client';
import { Check, Copy } from 'lucide-react';
import { useEffect, useState } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';

/**
 * Copies `text`. When the clipboard is not available (it needs a secure context and
 * permission), `onBlocked` runs first (e.g. to select the text) and the person is asked to copy it.
 */
export function CopyButton({ text, label, className, onBlocked }: { text: string; label?: string; className?: string; onBlocked?: () => void }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  return (
    <Button
      type="button"
      variant="outline"
      size="sm"
      aria-label={label}
      className={className}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
          setCopied(true);
        } catch {
          onBlocked?.();
          toast.info(onBlocked ? 'Press Ctrl+C (or ⌘C) to copy the selected text.' : 'Copying is blocked here; select the text and press Ctrl+C (or ⌘C).');
        }
      }}
    >
      {copied ? <Check aria-hidden /> : <Copy aria-hidden />} {copied ? 'Copied' : 'Copy'}
    </Button>
  );
}
