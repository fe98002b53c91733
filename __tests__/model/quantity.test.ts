import { canonicalQuantity, parseQuantity, quantity } from '../../model/quantity';

// Expected outcomes from kubernetes/apimachinery v0.33.0 pkg/api/resource/quantity_test.go.
describe('canonicalQuantity models apimachinery v0.33.0 resource.Quantity CanonicalizeBytes', () => {
  // TestQuantityParseEmit: input -> String()
  test.each([
    ['1Ki', '1Ki'],
    ['1Mi', '1Mi'],
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1000M', '1G'],
    ['.001Ki', '1024m'],
    ['.000001Ki', '1024u'],
    ['.000000001Ki', '1024n'],
    ['.000000000001Ki', '2n'],
  ])('TestQuantityParseEmit %s -> %s (and negated)', (input, expected) => {
    expect(canonicalQuantity(input)).toBe(expected);
    expect(canonicalQuantity(`-${input}`)).toBe(`-${expected}`);
  });

  // TestQuantityString: each `alternate` parses to `expect`, and `expect` is its own canonical form.
  test.each([
    ['1024Mi', '1Gi'],
    ['307200Ki', '300Mi'],
    ['1025024Mi', '1001Gi'],
    ['1024Gi', '1Ti'],
    ['5000m', '5'],
    ['0.5', '500m'],
    ['1000M', '1G'],
    ['0.001T', '1G'],
    ['1000u', '1m'],
    ['1.08', '1080m'],
    ['1080000000n', '1080m'],
    ['.001e12', '1e9'],
    ['0.001e0', '1e-3'],
    ['1000e-12', '1e-9'],
    ['00', '0'],
  ])('TestQuantityString alternate %s -> %s', (alternate, expected) => {
    expect(canonicalQuantity(alternate)).toBe(expected);
    expect(canonicalQuantity(expected)).toBe(expected);
  });

  test.each([
    '6Ki',
    '300M',
    '1T',
    '1234567M',
    '3k',
    '1025',
    '80e-3',
    '300e6',
    '1e12',
    '3e3',
    '1n',
    '80n',
    '1080n',
    '1u',
    '80u',
    '1080u',
    '80m',
  ])('TestQuantityString canonical %s stays as written', (text) => {
    expect(canonicalQuantity(text)).toBe(text);
  });

  // The values the 2026-11-30 delivery review found the API server rewriting.
  test.each([
    ['10000', '10k'],
    ['1000', '1k'],
    ['38404096Gi', '37504Ti'],
    ['2048Gi', '2Ti'],
    ['1024Ti', '1Pi'],
    ['1048576Ti', '1Ei'],
    ['1536', '1536'],
    ['1.5Ki', '1536'],
    ['1.5', '1500m'],
    ['0.5Ti', '512Gi'],
    ['100m', '100m'],
    ['1E3', '1e3'],
    ['10e3', '10e3'],
    ['12E', '12E'],
    ['-0', '0'],
    ['+5', '5'],
  ])('%s reads back as %s', (input, expected) => {
    expect(canonicalQuantity(input)).toBe(expected);
  });

  test('binary quantities are capped at 2^63-1 (resource.maxAllowed)', () => {
    expect(canonicalQuantity('9Ei')).toBe(canonicalQuantity(String(2n ** 63n - 1n)));
    expect(parseQuantity('9Ei').nanos).toBe((2n ** 63n - 1n) * 10n ** 9n);
  });

  test.each(['', 'abc', '1Ki2', '1e', '1.2.3', '1 Gi', '1ki', '1K', 'Gi', '1e1.5'])('refuses %j', (text) => {
    expect(() => canonicalQuantity(text)).toThrow(/not a Kubernetes quantity/);
  });
});

describe('quantity(): the one way the toolkit writes a quantity', () => {
  test('counts and sizes come out canonical', () => {
    expect(quantity(10000)).toBe('10k');
    expect(quantity(1000)).toBe('1k');
    expect(quantity(999)).toBe('999');
    expect(quantity(38404096, 'Gi')).toBe('37504Ti');
    expect(quantity(0.5, 'Ti')).toBe('512Gi');
    expect(quantity(0)).toBe('0');
    expect(quantity(250, 'm')).toBe('250m');
  });

  test('refuses what cannot be written as a decimal', () => {
    expect(() => quantity(Number.NaN)).toThrow(/not a plain decimal/);
    expect(() => quantity(1e21)).toThrow(/not a plain decimal/);
    expect(() => quantity(1e-7)).toThrow(/not a plain decimal/);
  });
});
