import type { ComponentProps } from 'react';

import { cn } from '@/lib/cn';

// Renders nothing without a message, so it can sit under a field permanently;
// give it an id and point the field's aria-describedby at it.
function FormError({ className, children, ...props }: ComponentProps<'p'>) {
  if (children == null || children === false || children === '') return null;
  return (
    <p data-slot="form-error" role="alert" className={cn('text-sm text-destructive', className)} {...props}>
      {children}
    </p>
  );
}

export { FormError };
