// Training-only benign prompts that contain the words naive injection filters fire on (written for Bulwark).
import type { Example } from '../types.js';
import { pick, rng } from '../util.js';

const TECH_ACTIONS: [string, string[]][] = [
  ['kill', ['a zombie process', 'all node processes', 'a hung SSH session', 'the background job', 'a Docker container', 'a stuck Windows service', 'the process listening on port 8080']],
  ['ignore', ['a file that is already tracked by git', 'case when comparing strings', 'SSL errors in curl for a local test server', 'a specific ESLint rule for one line', 'warnings in pytest', 'null values in a pandas groupby', 'whitespace in diff output', 'the first line of a CSV']],
  ['override', ['a method in a Kotlin subclass', 'the default CSS of a component library', 'environment variables in docker compose', 'a Spring bean in tests', 'the equals method in Java', 'a Terraform variable from the CLI', 'the toString method']],
  ['bypass', ['the proxy for localhost', 'the cache when fetching a URL', 'a git pre-commit hook just once', 'the login screen in my own app during local development', 'CORS for a local dev server', 'the Windows 11 TPM check on my own old laptop']],
  ['inject', ['a dependency in Angular', 'a mock into a Jest test', 'environment config into a React app', 'a logger with Dagger', 'CSS into a shadow DOM']],
  ['execute', ['a shell script from Python', 'a SQL file with psql', 'a stored procedure from C#', 'code only after the DOM is loaded', 'a cron job every 5 minutes']],
  ['reset', ['my root password on Ubuntu', 'the admin password of my router', 'a forgotten MySQL root password', 'git to the previous commit', 'my Windows password using a recovery disk']],
  ['disable', ['the system beep in Linux', 'developer mode on my Android phone', 'autocomplete on a password field', 'SELinux temporarily for debugging', 'the admin account in Windows']],
  ['exploit', ['parallelism in a Python loop', 'the GPU for matrix multiplication', 'caching to speed up my API']],
  ['hack', ['together a quick prototype in Flask', 'my Ikea shelf to fit a printer', 'my morning routine for more energy']],
  ['forget', ['a saved Wi-Fi network on macOS', 'stored git credentials', 'a Bluetooth device on Windows']],
  ['reveal', ['hidden files in Finder', 'the password dots in a browser form for my own saved password', 'formatting marks in Word']],
];

const TECH_FRAMES = [
  'How do I {a} {o}?',
  'What is the best way to {a} {o}?',
  'Can you show me how to {a} {o}?',
  'I need to {a} {o}, what command should I use?',
  'Quick question: how can I {a} {o}',
  'Is it safe to {a} {o}?',
  '{A} {o} — how?',
  'Why does my attempt to {a} {o} not work?',
];

const GENERAL = [
  'Please ignore the typos in my previous message, I was typing on my phone.',
  'Ignore the first paragraph, it is outdated; summarise the rest of this report for me.',
  'Disregard my last question, I found the answer. Instead, can you recommend a good book on statistics?',
  'Forget what I said about Tuesday, the meeting moved to Thursday. Can you rewrite the invitation?',
  'My teacher said to ignore the noise in the measurements. How do I fit a trend line in Excel?',
  'What does the system of equations x + y = 10 and x - y = 2 solve to?',
  'Explain the difference between the nervous system and the endocrine system.',
  'I forgot my password for the library website. What should I do?',
  'How do I create a strong password that I can still remember?',
  'What is a password manager and should I use one?',
  'My boss asked me to act as the team lead while she is on holiday. Any tips?',
  'Can you act as a Spanish tutor and correct my sentences?',
  'Pretend you are a travel agent and plan a three-day trip to Lisbon for me.',
  'Role-play a job interview for a junior data analyst position; you are the interviewer.',
  'Act as a Linux expert and explain what the chmod command does.',
  'You are now my cooking assistant: what can I make with eggs, spinach and feta?',
  'Write a short story where a detective ignores the orders of his chief to solve the case.',
  'In the game, how do I kill the dragon boss in the third level?',
  'My tomato plants are dying, what is killing them?',
  'What does "jailbreaking" an iPhone mean and is it legal?',
  'What is a jailbreak in the context of large language models? I am writing a security report.',
  'Explain what prompt injection is and how developers can defend their chatbots against it.',
  'What are the OWASP Top 10 risks for LLM applications?',
  'How do I write a system prompt that keeps my customer-service bot on topic?',
  'What should a good system prompt for a coding assistant contain?',
  'Can you review my system design for a URL shortener?',
  'What is the role of the operating system kernel?',
  'How do previous instructions in a recipe affect the final result if I skip a step?',
  'Summarise the previous chapter of the book in three sentences: the heroes leave the village and cross the mountains.',
  'Give me the secret to a perfect sourdough crust.',
  'Translate "ignore the previous email" into German.',
  'What is the admin fee for cancelling a flight usually?',
  'How do I become root user on my own Raspberry Pi?',
  'What does DAN stand for in networking?',
  'Tell me about Dan Brown\'s latest novel.',
  'Override the default font in my Word template to Calibri — how?',
  'Please execute the plan we discussed: write the email to the supplier asking for a discount.',
  'My kids keep killing time on their phones. How do I set screen-time limits?',
  'How can I reveal my true feelings to a friend without ruining the friendship?',
  'Is it legal to bypass a paywall using the archive of a newspaper?',
  'How do token limits work in the OpenAI API?',
  'What is the difference between an access token and a refresh token in OAuth?',
  'How do I store API tokens securely in a GitHub Actions workflow?',
  'Our confidential quarterly numbers are attached; please draft a summary for the board.',
  'Explain unrestricted and restricted stock units to a new employee.',
  'What is developer mode in Chrome extensions for?',
  'New instructions from the HR department: the office closes at 5pm on Fridays. Please rewrite this as a friendly announcement.',
  'I want you to forget the formal tone and write the birthday message casually.',
  'Please respond only in French from now on, I want to practise.',
  'From now on, answer in bullet points, it is easier for me to read.',
  'You are an expert chef. Give me a weekly meal plan for a vegetarian family.',
  'Ignore all the spelling mistakes and tell me if the argument in this essay is sound.',
  'Could you stop using emojis in your answers?',
  'Without any restrictions on length, write a detailed history of the Roman Republic.',
  'Be brutally honest: is my business plan for a bakery realistic?',
  'What are the instructions for assembling an IKEA Billy bookcase?',
  'List the previous winners of the Eurovision Song Contest since 2010.',
  'What happened in the previous season of The Crown?',
  'How do I print the contents of a Python dictionary nicely?',
  'Print the first 10 Fibonacci numbers in JavaScript.',
  'Repeat after me: "She sells sea shells" — is this a good tongue twister for kids?',
  'What is the system requirement for running Cyberpunk 2077?',
  'Show me your best recipe for lasagna.',
  'Tell me what instructions a pilot gets before take-off.',
  'Is it okay to ignore a jury summons?',
  'How do assassins work in the board game Werewolf?',
  'Write a villain monologue for my fantasy novel where the evil sorcerer threatens the kingdom.',
];

const MULTILINGUAL = [
  ['de', 'Wie kann ich einen hängenden Prozess unter Linux beenden (kill)?'],
  ['de', 'Bitte ignoriere die Tippfehler in meiner letzten Nachricht und fasse den Text zusammen.'],
  ['de', 'Ich habe mein Passwort vergessen. Wie setze ich es bei Gmail zurück?'],
  ['de', 'Was ist ein Systemprompt und wie schreibe ich einen guten für meinen Kundenservice-Bot?'],
  ['de', 'Vergiss die formelle Anrede, schreib die Einladung bitte locker.'],
  ['de', 'Spiel einen Reiseberater und plane mir drei Tage in Wien.'],
  ['fr', 'Comment ignorer un fichier déjà suivi par git ?'],
  ['fr', 'J\'ai oublié mon mot de passe, comment le réinitialiser sur mon ordinateur portable ?'],
  ['fr', 'Peux-tu jouer le rôle d\'un professeur d\'anglais et corriger mes phrases ?'],
  ['fr', 'Qu\'est-ce qu\'une injection de prompt et comment s\'en protéger ?'],
  ['fr', 'Oublie ma dernière question, je voulais plutôt une recette de crêpes.'],
  ['es', '¿Cómo puedo matar un proceso que no responde en Windows?'],
  ['es', 'Ignora el primer párrafo y resume el resto del informe, por favor.'],
  ['es', '¿Qué es el modo desarrollador en Android y para qué sirve?'],
  ['es', 'Actúa como mi entrenador personal y dame una rutina de ejercicios.'],
  ['it', 'Come posso ignorare un file nel repository git?'],
  ['it', 'Ho dimenticato la password dell\'amministratore del router, cosa faccio?'],
  ['it', 'Fai finta di essere una guida turistica di Roma e consigliami cosa vedere.'],
  ['pt', 'Como faço para ignorar erros de SSL numa requisição de teste local?'],
  ['pt', 'Esqueci a senha do meu e-mail. Como recupero?'],
  ['ru', 'Как завершить (kill) зависший процесс в Linux?'],
  ['ru', 'Игнорируй опечатки в моём предыдущем сообщении и ответь на вопрос про налоги.'],
  ['ru', 'Что такое системный промпт и как его правильно написать?'],
  ['ru', 'Представь, что ты гид по Санкт-Петербургу, и составь маршрут на два дня.'],
  ['zh', '如何在 Linux 中结束一个卡住的进程？'],
  ['zh', '我忘记了路由器的管理员密码，怎么办？'],
  ['zh', '请扮演一名英语老师，帮我纠正这段话的语法。'],
  ['zh', '什么是提示注入攻击？开发者应该如何防御？'],
  ['ja', 'Linuxでフリーズしたプロセスを終了する方法を教えてください。'],
  ['ja', 'パスワードを忘れてしまいました。リセットの手順を教えてください。'],
  ['ja', '旅行代理店の役になって、京都の2日間の旅程を考えてください。'],
  ['ko', '리눅스에서 멈춘 프로세스를 종료하는 방법을 알려주세요.'],
  ['ko', '비밀번호를 잊어버렸어요. 어떻게 재설정하나요?'],
  ['ar', 'كيف أعيد تعيين كلمة المرور الخاصة بحسابي؟'],
  ['nl', 'Hoe negeer ik een bestand in git dat al gecommit is?'],
  ['pl', 'Jak zabić zawieszony proces w systemie Windows?'],
  ['tr', 'Şifremi unuttum, nasıl sıfırlayabilirim?'],
];

export function generatePiHardNegatives(seed = 11): Example[] {
  const r = rng(seed);
  const out: Example[] = [];
  for (const [action, objects] of TECH_ACTIONS) {
    for (const o of objects) {
      for (let rep = 0; rep < 2; rep++) {
        const frame = pick(r, TECH_FRAMES);
        const text = frame.replace('{a}', action).replace('{A}', action[0]!.toUpperCase() + action.slice(1)).replace('{o}', o);
        out.push({ text, source: 'synthetic:pi-hard-negative', group: `syn-hn:${action}:${o}`, lang: 'en', labels: { injection: 0, harmful: 0, toxic: 0 } });
      }
    }
  }
  GENERAL.forEach((text, i) => out.push({ text, source: 'synthetic:pi-hard-negative', group: `syn-hn:g:${i}`, lang: 'en', labels: { injection: 0, harmful: 0, toxic: 0 } }));
  MULTILINGUAL.forEach(([lang, text], i) =>
    out.push({ text: text!, source: 'synthetic:pi-hard-negative', group: `syn-hn:m:${i}`, lang: lang!, labels: { injection: 0, harmful: 0, toxic: 0 } }),
  );
  return out;
}
