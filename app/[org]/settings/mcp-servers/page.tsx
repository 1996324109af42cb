import { McpServersPageClient } from '@/components/mcp/mcp-servers-page-client';

export default function McpServersPage() {
  return <McpServersPageClient />;
}
