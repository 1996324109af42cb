// A git host's delivery (or one the poller made up for a review it found), stored once: the
// row is unique per integration and delivery id, and is written in the same transaction that
// enqueues the task processing it (./process-delivery.ts). A repeat is a duplicate unless its
// task failed for good; then it is processed again. Events we do not act on are stored as
// ignored, without a task, so the deliveries list shows them.
import { and, eq } from 'drizzle-orm';
import { nanoid } from 'nanoid';
import { webhookDelivery } from '../db/schema.ts';
import type { DbOrTx } from '../jobs/db.ts';
import { enqueueTask, taskAttempts, taskState } from '../tasks/enqueue.ts';
import type { HostEvent } from './host-events.ts';

export const processDeliveryTask = 'process-review-delivery';
/** Attempts before a delivery's task is left failed (and a redelivery processes it again). */
export const deliveryTaskAttempts = 5;

export type IncomingDelivery = {
  organizationId: string;
  integrationId: string;
  deliveryId: string;
  source: 'webhook' | 'poller';
  event: string;
  hostEvent: HostEvent;
};

export type DeliveryReceipt = { status: 'accepted' | 'duplicate' | 'reprocessed' | 'ignored'; id: string };

export type DeliveryTaskPayload = { deliveryRowId: string; organizationId: string; integrationId: string; hostEvent: HostEvent };

export async function receiveDelivery(db: DbOrTx, delivery: IncomingDelivery): Promise<DeliveryReceipt> {
  const now = Date.now();
  const ignored = delivery.hostEvent.kind === 'ignored';
  return db.transaction(async (tx) => {
    const id = nanoid();
    const inserted = await tx
      .insert(webhookDelivery)
      .values({
        id,
        organizationId: delivery.organizationId,
        integrationId: delivery.integrationId,
        deliveryId: delivery.deliveryId,
        source: delivery.source,
        event: delivery.event,
        outcome: ignored ? 'ignored' : 'queued',
        detail: delivery.hostEvent.kind === 'ignored' ? delivery.hostEvent.reason : null,
        receivedAt: now,
        processedAt: ignored ? now : null,
      })
      .onConflictDoNothing({ target: [webhookDelivery.integrationId, webhookDelivery.deliveryId] })
      .returning({ id: webhookDelivery.id });
    if (inserted.length > 0) {
      if (!ignored) await enqueue(tx, { deliveryRowId: id, ...pick(delivery) });
      return { status: ignored ? 'ignored' : 'accepted', id };
    }
    // A repeat (a concurrent one waited above for the first to commit): locked, so two repeats do not both re-enqueue.
    const [existing] = await tx
      .select({ id: webhookDelivery.id, taskId: webhookDelivery.taskId })
      .from(webhookDelivery)
      .where(and(eq(webhookDelivery.integrationId, delivery.integrationId), eq(webhookDelivery.deliveryId, delivery.deliveryId)))
      .for('update');
    if (!existing.taskId || (await taskState(tx, existing.taskId)) !== 'failed') return { status: 'duplicate', id: existing.id };
    await enqueue(tx, { deliveryRowId: existing.id, ...pick(delivery) });
    await tx.update(webhookDelivery).set({ outcome: 'queued', receivedAt: now, processedAt: null }).where(eq(webhookDelivery.id, existing.id));
    return { status: 'reprocessed', id: existing.id };
  });
}

const pick = (d: IncomingDelivery) => ({ organizationId: d.organizationId, integrationId: d.integrationId, hostEvent: d.hostEvent });

async function enqueue(tx: DbOrTx, payload: DeliveryTaskPayload): Promise<void> {
  const taskId = await enqueueTask(tx, processDeliveryTask, payload, { maxAttempts: deliveryTaskAttempts });
  await tx.update(webhookDelivery).set({ taskId }).where(eq(webhookDelivery.id, payload.deliveryRowId));
}

/**
 * What processing made of a delivery, for Settings → Integrations, with the attempt of its task
 * when that is not the first or it failed (the queue retries a failed one with backoff).
 */
export async function recordDeliveryOutcome(db: DbOrTx, deliveryRowId: string, outcome: 'processed' | 'ignored' | 'error', detail: string): Promise<void> {
  const [row] = await db.select({ taskId: webhookDelivery.taskId }).from(webhookDelivery).where(eq(webhookDelivery.id, deliveryRowId));
  const attempts = row?.taskId ? await taskAttempts(db, row.taskId) : null;
  const text = attempts ? withAttempt(outcome, detail, attempts) : detail;
  await db.update(webhookDelivery).set({ outcome, detail: text.slice(0, 500), processedAt: Date.now() }).where(eq(webhookDelivery.id, deliveryRowId));
}

function withAttempt(outcome: 'processed' | 'ignored' | 'error', detail: string, { attempt, maxAttempts }: { attempt: number; maxAttempts: number }): string {
  if (outcome !== 'error') return attempt > 1 ? `${detail} (attempt ${attempt} of ${maxAttempts})` : detail;
  const next = attempt < maxAttempts ? 'retried automatically' : 'no retries left: a redelivery processes it again';
  return `Attempt ${attempt} of ${maxAttempts} failed (${next}): ${detail}`;
}
