import type { ReactNode } from 'react';

/** The frame of the Runner Teams, Skills, MCP Servers and Build & Validate pages. */
export function SettingsPage({ title, description, action, back, children }: { title: ReactNode; description?: ReactNode; action?: ReactNode; back?: ReactNode; children: ReactNode }) {
  return (
    <div className="min-h-0 flex-1 overflow-y-auto">
      <div className="mx-auto grid w-full max-w-6xl gap-6 px-6 py-8">
        {back}
        <header className="flex flex-wrap items-end justify-between gap-3">
          <div className="grid gap-1">
            <h1 className="text-2xl font-semibold">{title}</h1>
            {description && <p className="max-w-prose text-sm text-muted-foreground">{description}</p>}
          </div>
          {action}
        </header>
        {children}
      </div>
    </div>
  );
}
