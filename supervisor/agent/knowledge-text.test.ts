import { describe, expect, it } from 'vitest';
import { preloadedKnowledgeSection } from './knowledge-text.ts';
import { knowledgeRecallTool } from './mcp-config.ts';

const entry = { id: 'k1', projectId: null, filePath: 'src/log.ts', comment: 'Always use the shared logger.\nNever console.log.', reviewer: 'octo', evergreen: true, confidence: 0.8 };

describe("the stage prompt's knowledge section", () => {
  it("quotes each pre-loaded lesson with its file and points at knowledge_recall when the stage has the board tools", () => {
    const section = preloadedKnowledgeSection([entry], knowledgeRecallTool)!;
    expect(section).toContain('## What reviewers taught before');
    expect(section).toContain('- src/log.ts (convention, confidence 0.80, from octo):\n  > Always use the shared logger.\n  > Never console.log.');
    expect(section).toContain('mcp__spedy__knowledge_recall');
    expect(preloadedKnowledgeSection([entry], null)).not.toContain('knowledge_recall');
  });

  it('is left out without entries', () => {
    expect(preloadedKnowledgeSection([], knowledgeRecallTool)).toBeNull();
  });
});
