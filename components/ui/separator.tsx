import type { ComponentProps } from 'react';

import { cn } from '@/lib/cn';

// Plain element rather than @radix-ui/react-separator, which would be one more dependency for two ARIA attributes.
function Separator({
  className,
  orientation = 'horizontal',
  decorative = true,
  ...props
}: ComponentProps<'div'> & { orientation?: 'horizontal' | 'vertical'; decorative?: boolean }) {
  const semantics = decorative
    ? { role: 'none' }
    : { role: 'separator', 'aria-orientation': orientation };
  return (
    <div
      data-slot="separator"
      data-orientation={orientation}
      {...semantics}
      className={cn(
        'shrink-0 bg-border',
        orientation === 'horizontal' ? 'h-px w-full' : 'h-full w-px',
        className,
      )}
      {...props}
    />
  );
}

export { Separator };
