import { LoaderCircle, type LucideProps } from 'lucide-react';

import { cn } from '@/lib/cn';

function Spinner({ className, label = 'Loading', ...props }: LucideProps & { label?: string }) {
  return (
    <LoaderCircle
      data-slot="spinner"
      role="status"
      aria-label={label}
      className={cn('size-4 animate-spin', className)}
      {...props}
    />
  );
}

export { Spinner };
