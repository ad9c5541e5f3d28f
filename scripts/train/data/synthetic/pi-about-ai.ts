// Training-only benign texts that talk ABOUT prompts, assistants, jailbreaks and injections in the third person —
// documentation, education, policies, logs — which a detector must not confuse with an attack (written for Bulwark).
import type { Example } from '../types.js';

const TEXTS = [
  'Prompt injection is an attack in which untrusted input changes the behaviour of a language model. Defences include separating instructions from data, limiting tool permissions and filtering outputs.',
  'Our acceptable-use policy: employees may use the approved AI assistant for drafting emails and summarising public documents. Do not paste customer personal data or source code into it.',
  'The system prompt defines the assistant\'s role and tone. Keep it short, state what the assistant must not do, and test it with adversarial inputs before release.',
  'What is the difference between a jailbreak and a prompt injection? A jailbreak tries to make the model ignore its safety training, while an injection hides instructions in data the model processes.',
  'Release notes v2.3: the chatbot now remembers the previous three messages, ignores empty inputs and shows a typing indicator.',
  'In this lab you will test a toy chatbot for prompt-injection weaknesses. Record every input you try and whether the model followed it.',
  'Threat model: an attacker controls web pages that our browsing agent reads. Mitigations: content isolation, no automatic tool calls after reading untrusted content, human confirmation for payments.',
  'Can you explain why LLMs are vulnerable to instructions hidden in documents? I am preparing a talk for my team.',
  'Write a one-paragraph summary of the OWASP Top 10 for LLM applications for a security newsletter.',
  'Meeting notes: we discussed the new AI assistant pilot. Action items: legal to review data retention, IT to configure single sign-on, HR to write usage guidelines.',
  'The developer mode toggle in the settings menu enables verbose logging and the debug console. It does not change any permissions.',
  'Support article: if the assistant stops responding, refresh the page. Your previous conversation is saved and will be restored.',
  'Researchers showed that models can be tricked by role-play scenarios. Providers responded with better refusal training and classifiers on inputs and outputs.',
  'Log: 14:02 user=7731 action=chat tokens=512 latency=830ms status=ok; 14:03 user=7731 action=chat tokens=128 latency=410ms status=ok',
  'Our red team found that the bot would reveal internal pricing when asked in French. We fixed this by moving prices out of the prompt and into a tool with access control.',
  'Dear team, please ignore the previous email about the parking garage; the maintenance has been postponed to next month.',
  'Instructions for the assembly: attach part A to part B with the four short screws, then fit the shelf. Ignore the extra washers, they are spares.',
  'The AI assistant in our help desk answers questions about invoices and shipping. It hands over to a human agent when the customer asks for a refund.',
  'How should I word a system prompt so that the model answers only in Spanish and keeps answers under 100 words?',
  'Is it a good idea to put API keys in the system prompt? Our consultant says no, but I do not understand why.',
  'Explain in simple words what "DAN" prompts were and why they stopped working on newer models.',
  'Course module 4: adversarial machine learning. Topics: evasion attacks, data poisoning, model extraction, prompt injection, and evaluation with red-team exercises.',
  'Note to reviewers: please focus on the methodology section; the introduction will be rewritten before submission.',
  'Attention all staff: the fire alarm will be tested on Friday at 10am. No action is needed.',
  'Important: if you are reading this on a shared computer, remember to log out after your session.',
  'FAQ — Can the assistant see my previous chats? Only chats in the current workspace are visible to it, and admins can disable history.',
  'Our chatbot ignores messages that contain only emojis. Should we change that behaviour?',
  'Summarise this article: Large language models follow instructions well, which also makes them follow malicious instructions embedded in emails. Vendors are adding input classifiers and stricter tool permissions.',
  'Translate into German: "The assistant must never share the customer\'s address with third parties."',
  'We need a checklist for deploying an internal LLM chatbot: authentication, logging, rate limits, content filters, and a way to report bad answers.',
];

export function generateAboutAi(): Example[] {
  return TEXTS.map((text, i) => ({
    text,
    source: 'synthetic:about-ai',
    group: `syn-about:${i}`,
    lang: 'en',
    labels: { injection: 0, harmful: 0, toxic: 0 },
  }));
}
