import { McpServersPageClient } from '@/components/settings/mcp-servers/mcp-servers-page-client';

export default function McpServersPage() {
  return <McpServersPageClient />;
}
