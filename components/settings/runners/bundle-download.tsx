'use client';
import { Download } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useCurrentOrg } from '@/components/shell/org-context';
import { Button } from '@/components/ui/button';
import { can } from '@/lib/auth/permissions';

type BundleInfo = { filename: string; version: string; size: number };

/** "1.2 MB": the download's size as a person reads it. */
function formatSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * The runner bundle as a download (administrators only; the route refuses others too): its
 * version and size come from a HEAD request, so the button says what it will fetch.
 */
export function BundleDownload({ className }: { className?: string }) {
  const org = useCurrentOrg();
  const allowed = can(org.role, 'runners:manage');
  const href = `/api/orgs/${encodeURIComponent(org.id)}/runners/bundle`;
  const [info, setInfo] = useState<BundleInfo | 'failed' | null>(null);

  useEffect(() => {
    if (!allowed) return;
    let cancelled = false;
    fetch(href, { method: 'HEAD', cache: 'no-store' })
      .then((res) => {
        const filename = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
        const size = Number(res.headers.get('x-spedy-bundle-size'));
        const version = res.headers.get('x-spedy-supervisor-version');
        if (!res.ok || !filename || !version || !(size > 0)) throw new Error(`HEAD ${res.status}`);
        if (!cancelled) setInfo({ filename, version, size });
      })
      .catch(() => {
        if (!cancelled) setInfo('failed');
      });
    return () => {
      cancelled = true;
    };
  }, [allowed, href]);

  if (!allowed) return null;
  if (info === 'failed') {
    return (
      <p className="text-sm text-destructive" data-testid="bundle-download-error">
        The supervisor bundle could not be prepared; the server log says why.
      </p>
    );
  }
  return (
    <div className={className}>
      {info ? (
        <Button asChild variant="outline">
          <a href={href} download={info.filename} data-testid="bundle-download" data-version={info.version}>
            <Download aria-hidden />
            Download the Spedy Supervisor v{info.version} ({formatSize(info.size)})
          </a>
        </Button>
      ) : (
        <Button variant="outline" disabled data-testid="bundle-download-pending">
          <Download aria-hidden />
          Preparing the Spedy Supervisor download…
        </Button>
      )}
    </div>
  );
}
