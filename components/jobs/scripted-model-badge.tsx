import { Badge } from '@/components/ui/badge';

/** The demo runner's label: its answers come from test-kit's scripted model, not from Claude. */
export const scriptedModelLabel = 'demo';

export function ScriptedModelBadge({ runner }: { runner: { labels: readonly string[] | null } | null | undefined }) {
  if (!runner?.labels?.includes(scriptedModelLabel)) return null;
  return (
    <Badge variant="warning" title="The demo runner answers with a scripted model from test-kit/, not with Claude." data-testid="scripted-model-badge">
      Demo · scripted model
    </Badge>
  );
}
