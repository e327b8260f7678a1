// Generated hostile chat texts for fuzzing commands; seeded, so that failures reproduce.

/** mulberry32: a small seeded PRNG, so that a failing case reproduces from SEED and its index. */
export function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  return { int, pick };
}

const VERBS = ['renew', 'connect', 'disconnect', 'status', 'help', 'RENEW', 'Status', 'hElP'];
const WORDS = ['acme', 'globex', 'ACME', 'please', 'now', 'token', '--force', '-h', '?', '/timly'];
const ODD_IDS = [
  'acme.',
  '.acme',
  '-acme',
  'acme/../globex',
  'acme%00',
  'acme\u0000',
  'a'.repeat(64),
  'a'.repeat(65),
  'ａｃｍｅ',
  'acme\u200b',
  '\u0430cme',
  '0',
  '_',
  'acme;',
  "acme'--",
  'acme"',
  '$(id)',
  '${acme}',
  '../../etc/passwd',
  'null',
  '__proto__',
  'constructor',
];
const SQLISH = [
  "'; DROP TABLE renewal; --",
  "acme' OR '1'='1",
  '1; SELECT pg_sleep(5)',
  '" OR ""="',
  "') UNION SELECT * FROM account --",
];
const MARKUP = [
  '<script>alert(1)</script>',
  '<!channel>',
  '<!here>',
  '<@U0ADMIN>',
  '*bold* _it_ ~s~',
  '```code```',
  '&lt;&gt;&amp;',
  '<https://evil.example|click>',
  '{{7*7}}',
  '%s%s%n',
  '<img src=x onerror=alert(1)>',
];
const UNICODE = ['🔑', '👩‍💻', 'Zürich', '東京', 'مرحبا', '\u202eevil', 'e\u0301', '\ud800', '𝕒𝕔'];
const SPACES = [' ', '\t', '\n', '\r\n', '\u00a0', '\u2003', '\u3000', '\v', '\f'];

/** Generates hostile `/timly-renew` texts; the first ones are fixed edge cases. */
export function hostileTexts(seed: number, count: number): string[] {
  const { int, pick } = prng(seed);
  const anyToken = () => pick([VERBS, WORDS, ODD_IDS, SQLISH, MARKUP, UNICODE][int(6)]!);
  const gap = () => (int(4) === 0 ? pick(SPACES) : ' ');
  const control = () => String.fromCharCode(int(4) === 0 ? 0x7f : int(32));
  const codePoint = () => {
    const point = int(3) === 0 ? 0x10000 + int(0xeffff) : int(0xd800);
    return String.fromCodePoint(point);
  };
  const generators: (() => string)[] = [
    () => Array.from({ length: 1 + int(6) }, anyToken).join(gap()),
    () => `${pick(VERBS)}${gap()}${pick(ODD_IDS)}`,
    () => Array.from({ length: 1 + int(8) }, () => (int(2) ? control() : anyToken())).join(''),
    () => `${pick(VERBS)} ${pick(WORDS).repeat(1 + int(1200))}`.slice(0, 400 + int(4600)),
    () => Array.from({ length: int(50) }, codePoint).join(''),
    () => `${int(2) ? `${pick(VERBS)} ` : ''}${pick([...SQLISH, ...MARKUP])}`,
    () => Array.from({ length: int(6) }, () => pick(SPACES)).join(''),
  ];

  const fixed = [
    '',
    ' ',
    '\t\n',
    'status',
    'help',
    'renew acme',
    'connect acme',
    'disconnect acme',
  ];
  const boundaries = [499, 500, 501].map((length) => `renew ${'a'.repeat(length - 6)}`);
  const texts = [...fixed, ...boundaries];
  while (texts.length < count) texts.push(pick(generators)());
  return texts;
}
