// A stage's skills, written as Claude Code skills (`.claude/skills/<slug>/SKILL.md` with
// `name` and `description` front matter) in a folder of their own, which the container
// mounts read-only and the CLI loads with --add-dir. The CLI's own matching then uses the
// descriptions; stages of one step each see only their own skills.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { StageSnapshot } from '@spedy/protocol/wire';

/** A skill name the CLI accepts: lowercase words with hyphens. */
function skillName(slug: string): string {
  return slug.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'skill';
}

/** The SKILL.md text; JSON strings are valid YAML scalars, so any description is safe. */
export function skillFile(skill: StageSnapshot['skills'][number]): string {
  const description = skill.description.replace(/\s+/g, ' ').trim() || skill.slug;
  return `---\nname: ${skillName(skill.slug)}\ndescription: ${JSON.stringify(description)}\n---\n\n${skill.body.trim()}\n`;
}

/** Replaces `dir` with the stage's skills; returns whether there are any. */
export async function writeStageSkills(dir: string, skills: StageSnapshot['skills']): Promise<boolean> {
  await fs.rm(dir, { recursive: true, force: true });
  if (skills.length === 0) return false;
  const names = new Set<string>();
  for (const skill of skills) {
    let name = skillName(skill.slug);
    for (let n = 2; names.has(name); n++) name = `${skillName(skill.slug)}-${n}`;
    names.add(name);
    const folder = path.join(dir, '.claude', 'skills', name);
    await fs.mkdir(folder, { recursive: true, mode: 0o755 });
    await fs.writeFile(path.join(folder, 'SKILL.md'), skillFile({ ...skill, slug: name }), { mode: 0o644 });
  }
  return true;
}
