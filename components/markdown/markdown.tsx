'use client';
import { useMemo } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import rehypeSanitize from 'rehype-sanitize';
import remarkGfm from 'remark-gfm';
import { cn } from '@/lib/cn';
import { rehypeMentions } from './rehype-mentions';

// Typography by hand (no @tailwindcss/typography): compact, for tickets and comments.
const components: Components = {
  h1: ({ node: _, ...props }) => <h1 className="mt-5 mb-2 text-xl font-semibold first:mt-0" {...props} />,
  h2: ({ node: _, ...props }) => <h2 className="mt-5 mb-2 text-lg font-semibold first:mt-0" {...props} />,
  h3: ({ node: _, ...props }) => <h3 className="mt-4 mb-2 text-base font-semibold first:mt-0" {...props} />,
  h4: ({ node: _, ...props }) => <h4 className="mt-4 mb-1 text-sm font-semibold first:mt-0" {...props} />,
  h5: ({ node: _, ...props }) => <h5 className="mt-4 mb-1 text-sm font-semibold first:mt-0" {...props} />,
  h6: ({ node: _, ...props }) => <h6 className="mt-4 mb-1 text-sm font-semibold text-muted-foreground first:mt-0" {...props} />,
  p: ({ node: _, ...props }) => <p className="my-2 leading-relaxed first:mt-0 last:mb-0" {...props} />,
  ul: ({ node: _, className, ...props }) => (
    <ul
      className={cn('my-2 list-disc pl-6', className?.includes('contains-task-list') && 'list-none pl-1', className)}
      {...props}
    />
  ),
  ol: ({ node: _, ...props }) => <ol className="my-2 list-decimal pl-6" {...props} />,
  li: ({ node: _, className, ...props }) => (
    <li className={cn('my-0.5', className?.includes('task-list-item') && '[&>input]:mr-2', className)} {...props} />
  ),
  blockquote: ({ node: _, ...props }) => (
    <blockquote className="my-2 border-l-2 pl-3 text-muted-foreground" {...props} />
  ),
  hr: ({ node: _, ...props }) => <hr className="my-4" {...props} />,
  a: ({ node: _, ...props }) => (
    <a className="font-medium text-primary underline underline-offset-4" target="_blank" rel="noreferrer" {...props} />
  ),
  code: ({ node: _, className, ...props }) => (
    <code className={cn('rounded bg-muted px-1 py-0.5 font-mono text-[0.85em]', className)} {...props} />
  ),
  pre: ({ node: _, ...props }) => (
    <pre className="my-2 overflow-x-auto rounded-md bg-muted p-3 text-xs [&>code]:bg-transparent [&>code]:p-0" {...props} />
  ),
  table: ({ node: _, ...props }) => (
    <div className="my-2 overflow-x-auto">
      <table className="w-full border-collapse text-sm" {...props} />
    </div>
  ),
  th: ({ node: _, ...props }) => <th className="border px-2 py-1 text-left font-semibold" {...props} />,
  td: ({ node: _, ...props }) => <td className="border px-2 py-1" {...props} />,
  img: ({ node: _, alt, ...props }) => (
    // biome-ignore lint/performance/noImgElement: Markdown images point anywhere; next/image would need every host configured.
    <img alt={alt ?? ''} className="my-2 max-w-full rounded-md" loading="lazy" {...props} />
  ),
};

type MarkdownProps = {
  children: string;
  className?: string;
  /** Lower-case handles to highlight, e.g. the ones a comment's `mentions` resolved to. */
  mentions?: readonly string[];
};

/** Renders user markdown: GFM, no raw HTML, sanitized, links in a new tab. */
export function Markdown({ children, className, mentions }: MarkdownProps) {
  const handles = useMemo(() => new Set(mentions ?? []), [mentions]);
  return (
    <div className={cn('text-sm break-words', className)}>
      <ReactMarkdown
        remarkPlugins={[remarkGfm]}
        rehypePlugins={[rehypeSanitize, [rehypeMentions, { handles }]]}
        skipHtml
        components={components}
      >
        {children}
      </ReactMarkdown>
    </div>
  );
}
