import { JobPageClient } from '@/components/jobs/job-page-client';

// The org layout has checked the session and membership; the queries are scoped to the org.
export default async function JobPage({ params }: { params: Promise<{ jobId: string }> }) {
  const { jobId } = await params;
  return <JobPageClient jobID={jobId} />;
}
