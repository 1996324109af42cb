import { ShieldAlert } from 'lucide-react';
import { EmptyState } from '@/components/ui/empty-state';
import { permissionDeniedMessage, type Permission } from '@/lib/auth/permissions';

/** What a member without `permission` sees instead of the controls (the server refuses them anyway). */
export function AdminOnly({ permission, hint }: { permission: Permission; hint?: string }) {
  return (
    <EmptyState
      icon={ShieldAlert}
      title={permissionDeniedMessage(permission)}
      description={hint ?? 'Ask an administrator of this organization if something here needs to change.'}
      data-testid="admin-only"
    />
  );
}
