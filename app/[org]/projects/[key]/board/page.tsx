import { BoardPageClient } from '@/components/board/board-page-client';

export default async function BoardPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = await params;
  return <BoardPageClient projectKey={key} />;
}
