// Example values and placeholders that the detector must not report.
import { describe, expect, it } from 'vitest';
import { isKnownExample, isPlaceholder, looksFake } from './examples.js';

describe('examples and placeholders', () => {
  it('knows the vendor documentation examples', () => {
    expect(isKnownExample('AKIAIOSFODNN7EXAMPLE')).toBe(true);
    expect(isKnownExample('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toBe(true);
    expect(isKnownExample('AKIAQ3VZK7M2X5JW4RTN')).toBe(false);
  });

  it.each([
    '${GITHUB_TOKEN}', '$API_KEY', '<your-token>', '{{ .Values.password }}', '%DB_PASS%', '[REDACTED]', 'changeme',
    'password123', 'your-api-key-here', 'YOUR_API_KEY', 'xxxxxxxxxxxxxxxx', '****************', 'sk-...', 'dummy-secret',
    'REPLACE_ME', 'aaaaaaaaaaaaaaaaaaaa', 'abababababababababab', 'null', 'None',
  ])('%s is a placeholder', (v) => {
    expect(isPlaceholder(v)).toBe(true);
  });

  it.each(['Tr0ub4dor&3', 'q8Lr2Vw5Tn1Kx7Pd3Hs9', 'Sunflower#2024', 'd41d8cd98f00b204e9800998ecf8427e'])('%s is not', (v) => {
    expect(isPlaceholder(v)).toBe(false);
    expect(looksFake(v)).toBe(false);
  });

  it('looksFake ignores template syntax (token bodies never contain it) but catches masks', () => {
    expect(looksFake('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')).toBe(true);
    expect(looksFake('%2BabcDEF123')).toBe(false);
  });
});
