// A conversation as Markdown (Copy Conversation). Pure: the host gives the headings in the user's language.
import { joinedText } from '../protocol/parts';
import type { Conversation } from './turn';

export interface MarkdownLabels {
  question: string;
  reasoning: string;
  answer: string;
}

export function conversationMarkdown(conv: Conversation, labels: MarkdownLabels): string {
  const out = [`# ${conv.title || 'Qwen chat'}`];
  for (const t of conv.turns) {
    out.push(`## ${labels.question}\n\n${t.question}`);
    const reasoning = joinedText(t.parts, 'reasoning');
    if (reasoning) out.push(`<details><summary>${labels.reasoning}</summary>\n\n${reasoning}\n\n</details>`);
    // text parts as they read; a tool call as one line between them
    const answer = t.parts
      .map((p) => (p.kind === 'text' ? p.text : p.kind === 'toolCall' ? `\n\n\`${p.name}\` (${p.status})\n\n` : ''))
      .join('');
    if (answer) out.push(`## ${labels.answer}${t.model ? ` (${t.model})` : ''}\n\n${answer}`);
  }
  return out.join('\n\n') + '\n';
}
