import { TicketPageClient } from '@/components/ticket/ticket-page-client';

export default async function TicketPage({ params }: { params: Promise<{ displayId: string }> }) {
  const { displayId } = await params;
  return <TicketPageClient displayId={displayId} />;
}
