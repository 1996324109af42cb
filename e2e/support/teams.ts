import { expect, type Page } from '@playwright/test';

/** Creates a runner team from a preset through the Runner Teams page; ends on the team's page. */
export async function createTeamInBrowser(page: Page, preset: 'code_runner' | 'board_agent' | 'review_team' | 'full_stack', name: string, handle?: string) {
  await page.getByRole('complementary').getByRole('link', { name: 'Runner Teams' }).click();
  await page.getByRole('button', { name: 'Create team' }).first().click();
  const form = page.getByTestId('create-team-form');
  await form.locator(`[data-preset="${preset}"]`).click();
  await form.getByLabel('Name', { exact: true }).fill(name);
  if (handle) await form.getByLabel('Handle').fill(handle);
  await form.getByRole('button', { name: 'Create team' }).click();
  await expect(page.getByTestId('team-name')).toHaveText(name);
}

/** The steps of the pipeline editor as the person sees them: stage names per step, in order. */
export async function pipelineSteps(page: Page): Promise<string[][]> {
  const steps = page.getByTestId('pipeline-step');
  const out: string[][] = [];
  for (let i = 0; i < (await steps.count()); i++) {
    out.push(await steps.nth(i).getByTestId('stage-tile').evaluateAll((tiles) => tiles.map((t) => t.getAttribute('data-stage') ?? '')));
  }
  return out;
}

/** Drags a step by its handle with real pointer events, in small moves as dnd-kit needs. */
export async function dragStep(page: Page, from: number, to: number) {
  const handle = page.getByTestId('pipeline-step').nth(from).getByTestId('step-handle');
  const target = page.getByTestId('pipeline-step').nth(to);
  const a = await handle.boundingBox();
  const b = await target.boundingBox();
  if (!a || !b) throw new Error('step is not on screen');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2 + (to < from ? -8 : 8), { steps: 4 });
  await page.mouse.move(a.x + a.width / 2, b.y + (to < from ? b.height * 0.25 : b.height * 0.75), { steps: 20 });
  await page.mouse.up();
}
